//! End-to-end scenarios, one module per area, in a single test binary.
//! Run through `cargo xtask test` (it builds the PWA and the server first).

mod admin;
mod caching;
mod drills;
mod duty;
mod field;
mod harness;
mod lessons;
mod offline;
mod quota;
mod refused;
mod registries;
mod shared_device;
mod shell;
