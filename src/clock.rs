//! The device's clocks: the wall clock (can be wrong, can jump) and the
//! monotonic clock of this page (never jumps, restarts with the page).

use chrono::{NaiveDate, NaiveDateTime};

/// Wall-clock milliseconds since the Unix epoch.
pub fn wall_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Monotonic milliseconds since this page started.
pub fn mono_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// The device's local date and time for wall-clock `ms`.
pub fn local_at(ms: i64) -> NaiveDateTime {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// The device's local date and time now.
pub fn local_now() -> NaiveDateTime {
    local_at(wall_ms())
}
