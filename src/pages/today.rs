//! Today (今日): what is running or due now. Modules add their sections here.

use anyuan_core::timefmt;
use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let today = local_today();
    view! {
        <section class="page" data-testid="page-today">
            <h1 class="page-title">{move || i18n.t().today_title}</h1>
            <p class="page-subtitle" data-testid="today-date">
                {move || timefmt::date_with_weekday(i18n.lang.get(), today)}
            </p>
            <div class="empty-state">
                <p class="empty-title">{move || i18n.t().today_nothing_due}</p>
                <p class="muted">{move || i18n.t().today_nothing_due_hint}</p>
            </div>
        </section>
    }
}

/// Today's date on the device's local calendar.
fn local_today() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}
