//! Exports of the roster and the shift logs: CSV made on the device (works
//! offline) and Excel made by the server (needs the network).

use anyuan_core::export::{self, Format, ReportParams};
use anyuan_core::record::Record;
use leptos::prelude::*;

use super::{KINDS, scope};
use crate::clock;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

#[component]
pub fn ExportButtons() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let sync = use_sync();
    let unit = scope(sync).unit;
    let params = ReportParams {
        unit: Some(unit),
        ..ReportParams::default()
    };
    let failed = RwSignal::new(false);
    let csv = move |name: &'static str| {
        let Some(spec) = export::report(name) else {
            return;
        };
        let local = &sync.engine().local;
        let records: Vec<Record> = KINDS.iter().flat_map(|k| local.records_of(*k)).collect();
        let lang = i18n.lang.get_untracked();
        let ok = spec.run(&records, params, lang).ok().is_some_and(|table| {
            crate::download::save_table_csv(&table, lang, clock::local_now().date()).is_ok()
        });
        failed.set(!ok);
    };
    let xlsx = move |name: &'static str| {
        let lang = i18n.lang.get_untracked();
        let token = sync.engine().session.token.clone();
        leptos::task::spawn_local(async move {
            let answer = crate::api::export(name, Format::Xlsx, &params, lang, Some(&token)).await;
            let ok = answer.is_ok_and(|file| {
                let fallback = format!("{name}.xlsx");
                let file_name = file.file_name.as_deref().unwrap_or(&fallback);
                crate::download::save_blob(&file.blob, file_name).is_ok()
            });
            failed.set(!ok);
        });
    };
    let row =
        move |name: &'static str,
              label: fn(&'static crate::i18n::duty::DutyStrings) -> &'static str| {
            view! {
                <div class="form-actions">
                    <strong class="grow">{move || label(t())}</strong>
                    <button class="btn" data-testid=format!("{name}-csv") on:click=move |_| csv(name)>{move || t().export_csv}</button>
                    <button class="btn" data-testid=format!("{name}-xlsx") on:click=move |_| xlsx(name)>{move || t().export_xlsx}</button>
                </div>
            }
        };
    view! {
        <section class="card" data-testid="duty-export">
            {row("duty_roster", |s| s.export_roster)}
            {row("duty_log", |s| s.export_log)}
            {move || failed.get().then(|| view! { <p class="error" role="alert">{move || t().export_failed}</p> })}
        </section>
    }
}
