//! One module per route.

pub mod admin;
pub mod classes;
pub mod drills;
pub mod duty;
pub mod lessons;
pub mod login;
pub mod more;
pub mod not_found;
pub mod registry_today;
pub mod sync;
pub mod today;
