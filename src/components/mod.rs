//! Reusable widgets of the shell.

pub mod alert_banner;
pub mod export;
pub mod form;
pub mod header;
pub mod history;
pub mod icons;
pub mod nav;
pub mod not_allowed;
pub mod update;
