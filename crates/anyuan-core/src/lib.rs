//! Anyuan's pure core: the domain, validation, the hybrid logical clock, the
//! merge of synced records and the wire types that cross the network.
//!
//! Invariant: this crate does no IO. It depends on neither `web-sys`, `sqlx`
//! nor `axum` (checked by `cargo xtask test`), so everything here is tested
//! natively in milliseconds and runs the same in the app and on the server.
//! It reads no clock and draws no random numbers: callers pass the time and
//! fresh ids in.
//!
//! Map: [`hlc`] (stamps and clocks) → [`record`] (records, merge) →
//! [`kind`] + [`validate`] + [`auth`] (what may be written, by whom) →
//! [`wire`] (versioned network types) → [`sync`] (the sans-IO engine: the
//! server's `ingest`/`pull_page`, the device's `Replica`).

pub mod auth;
pub mod drill;
pub mod duty;
pub mod export;
pub mod form;
pub mod hlc;
pub mod kind;
pub mod lang;
pub mod lesson;
pub mod lesson_report;
pub mod order;
pub mod record;
pub mod registry;
pub mod schema;
pub mod sync;
pub mod term;
pub mod timefmt;
pub mod validate;
pub mod wire;

pub use auth::{Actor, Role};
pub use hlc::{Clock, DeviceId, Hlc};
pub use kind::Kind;
pub use lang::Lang;
pub use record::{FieldVersion, Record, RecordId, UnitId};
pub use term::Term;
pub use wire::{ChangeId, ChangeV1, Cursor, Refusal, RefusalCode};
