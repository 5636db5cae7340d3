//! Anyuan's pure core: the domain, validation, the hybrid logical clock, the
//! merge of synced records and the wire types that cross the network.
//!
//! Invariant: this crate does no IO. It depends on neither `web-sys`, `sqlx`
//! nor `axum` (checked by `cargo xtask test`), so everything here is tested
//! natively in milliseconds and runs the same in the app and on the server.

pub mod lang;
pub mod timefmt;

pub use lang::Lang;
