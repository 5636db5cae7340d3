//! The weather-alert banner (气象预警) on every page while an alert that
//! applies to the user's unit is in force; a tap opens the alert with its
//! checklist and status reports.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::pages::duty::{active_alerts_memo, now_signal};
use crate::sync::use_sync;

#[component]
pub fn AlertBanner() -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let now = now_signal();
    let alerts = active_alerts_memo(sync, now);
    move || {
        alerts.get().into_iter().map(|a| {
            let a2 = a.clone();
            view! {
                <A href=format!("/duty/alerts/{}", a.id) attr:class="banner banner-bad alert-banner" attr:data-testid="alert-banner" attr:role="alert">
                    <strong>{move || a2.title(lang())}</strong>" "
                    <span>{move || i18n.t().duty.alert_banner_hint}</span>
                </A>
            }
        }).collect_view()
    }
}
