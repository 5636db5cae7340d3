//! One module per route.

pub mod more;
pub mod not_found;
pub mod today;
