//! Export buttons for a report of `anyuan_core::export::REPORTS`: CSV made
//! on the device from its own records (works offline), Excel made by the
//! server (needs a network; the reason is said when there is none).

use anyuan_core::Lang;
use anyuan_core::export::{Format, ReportParams, report};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::clock;
use crate::download;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

fn not_saved(lang: Lang) -> String {
    lang.pick(
        "浏览器未能保存文件。",
        "The browser could not save the file.",
    )
    .to_owned()
}

fn failure_text(e: &ApiError, lang: Lang) -> String {
    match e {
        ApiError::Offline | ApiError::BadAnswer { .. } | ApiError::Busy { .. } => lang
            .pick(
                "导出Excel需要联网，请联网后重试；CSV可离线导出。",
                "Excel export needs a network. Try again when online; CSV works offline.",
            )
            .to_owned(),
        ApiError::Unauthorized => lang
            .pick(
                "登录已过期，请重新登录后导出。",
                "Your session has expired. Sign in again to export.",
            )
            .to_owned(),
        ApiError::Rejected { zh, en, .. } => lang.pick(zh, en).to_owned(),
    }
}

/// "Export CSV" and "Export Excel" for `name` with `params`.
#[component]
pub fn ExportButtons(name: &'static str, params: ReportParams) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let csv = move |_| {
        let Some(spec) = report(name) else { return };
        let engine = sync.engine();
        let records: Vec<_> = spec
            .kinds
            .iter()
            .flat_map(|k| engine.local.records_of(*k))
            .collect();
        let lang = lang();
        let result = spec
            .run(&records, params, lang)
            .map_err(|e| match e {
                anyuan_core::export::ReportError::BadParams { zh, en, .. }
                | anyuan_core::export::ReportError::NotFound { zh, en } => {
                    lang.pick(&zh, &en).to_owned()
                }
            })
            .and_then(|table| {
                download::save_table_csv(&table, lang, clock::local_now().date())
                    .map_err(|_| not_saved(lang))
            });
        message.set(result.err());
    };
    let xlsx = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(None);
        let token = sync.engine().session.token.clone();
        let lang = lang();
        leptos::task::spawn_local(async move {
            let answer = api::export(name, Format::Xlsx, &params, lang, Some(&token)).await;
            busy.set(false);
            match answer {
                Ok(file) => {
                    let fallback = format!("{name}.xlsx");
                    let saved = download::save_blob(
                        &file.blob,
                        file.file_name.as_deref().unwrap_or(&fallback),
                    );
                    if saved.is_err() {
                        message.set(Some(not_saved(lang)));
                    }
                }
                Err(e) => message.set(Some(failure_text(&e, lang))),
            }
        });
    };
    view! {
        <div class="form-actions export" data-testid=format!("export-{name}")>
            <button class="btn" data-testid=format!("export-{name}-csv") on:click=csv>
                {move || i18n.t().export_csv}
            </button>
            <button class="btn" data-testid=format!("export-{name}-xlsx") on:click=xlsx disabled=move || busy.get()>
                {move || i18n.t().export_xlsx}
            </button>
        </div>
        {move || message.get().map(|m| view! { <p class="error" role="alert" data-testid="export-error">{m}</p> })}
    }
}
