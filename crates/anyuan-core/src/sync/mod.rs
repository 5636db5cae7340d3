//! The sans-IO sync engine. Functions take and return values; the server
//! (SQL) and the app (IndexedDB, fetch) do the IO around them.

pub mod client;
pub mod server;
