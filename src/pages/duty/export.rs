//! Exports of the roster and the shift logs of the user's unit, with the
//! shared export buttons (CSV on the device, Excel from the server).

use anyuan_core::export::ReportParams;
use leptos::prelude::*;

use super::scope;
use crate::components::export::ExportButtons;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

#[component]
pub fn DutyExports() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let params = ReportParams {
        unit: Some(scope(use_sync()).unit),
        ..ReportParams::default()
    };
    view! {
        <section class="card" data-testid="duty-export">
            <h2>{move || t().export_roster}</h2>
            <ExportButtons name="duty_roster" params=params/>
            <h2>{move || t().export_log}</h2>
            <ExportButtons name="duty_log" params=params/>
        </section>
    }
}
