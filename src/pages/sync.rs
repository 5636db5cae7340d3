//! Sync (同步): the state of this device's data, a "sync now" button, and
//! every change the server refused, with its reason and a way to fix and
//! resend it or to discard it explicitly.

use anyuan_core::form;
use anyuan_core::sync::client::RefusedChange;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_i18n;
use crate::sync::{SyncProblem, use_sync};

#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let status = sync.status;
    let refused = Memo::new(move |_| {
        status.data_version.track();
        sync.engine().local.refused()
    });
    let problem = move || {
        status.problem.get().map(|p| match p {
            SyncProblem::Api(ApiError::Offline) => t().sync_problem_offline.to_string(),
            SyncProblem::Api(ApiError::Unauthorized) => t().sync_problem_expired.to_string(),
            SyncProblem::Api(ApiError::Busy { .. }) => t().sync_problem_busy.to_string(),
            SyncProblem::Api(ApiError::Rejected { zh: z, en, .. }) => {
                if zh() {
                    z
                } else {
                    en
                }
            }
            SyncProblem::Api(ApiError::BadAnswer { .. }) => t().sync_problem_server.to_string(),
            SyncProblem::Store(e) => {
                let (z, en) = e.message();
                if zh() { z } else { en }.to_string()
            }
        })
    };
    let last = move || {
        status.last_sync_ms.get().map(|ms| {
            let d = js_sys::Date::new(&ms.into());
            format!(
                "{:02}:{:02}:{:02}",
                d.get_hours(),
                d.get_minutes(),
                d.get_seconds()
            )
        })
    };
    view! {
        <section class="page" data-testid="page-sync">
            <h1 class="page-title">{move || t().sync_title}</h1>
            <div class="card">
                <dl class="facts">
                    <dt>{move || t().sync_connection}</dt>
                    <dd>{move || if status.online.get() { t().online } else { t().offline }}</dd>
                    <dt>{move || t().waiting}</dt>
                    <dd data-testid="sync-page-waiting">{move || status.waiting.get()}</dd>
                    <dt>{move || t().sync_last}</dt>
                    <dd>{move || last().unwrap_or_else(|| t().sync_never.to_string())}</dd>
                </dl>
                {move || problem().map(|p| view! { <p class="error" data-testid="sync-problem">{p}</p> })}
                <button class="btn btn-primary btn-block" data-testid="sync-now"
                    disabled=move || status.running.get()
                    on:click=move |_| sync.engine().sync_now()>
                    {move || if status.running.get() { t().sync_running } else { t().sync_now }}
                </button>
            </div>
            <h2>{move || t().refused_title}</h2>
            {move || refused.with(|r| r.is_empty()).then(|| view! { <p class="muted">{move || t().refused_none}</p> })}
            <ul class="cards">
                <For each=move || refused.get() key=|r| r.change.id let:item>
                    <RefusedItem item=item/>
                </For>
            </ul>
        </section>
    }
}

/// One refused change: why, what it wanted to write, fix-and-resend or discard.
#[component]
fn RefusedItem(item: RefusedChange) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let id = item.change.id;
    let kind = item.change.kind;
    let reason = item.reason.clone();
    let inputs = RwSignal::new(anyuan_core::order::map_of(
        item.change
            .fields
            .iter()
            .filter(|(k, _)| k.as_str() != "deleted")
            .map(|(k, w)| (k.clone(), form::input_from_value(Some(&w.value)))),
    ));
    let confirm_discard = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let resend = move |_| {
        let checked = inputs.with(|i| form::check(kind, i, false));
        if !checked.is_ok() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let engine = sync.engine();
        leptos::task::spawn_local(async move {
            let _ = engine.resend_refused(id, checked.values).await;
            busy.set(false);
        });
    };
    let discard = move |_| {
        if !confirm_discard.get_untracked() {
            confirm_discard.set(true);
            return;
        }
        let engine = sync.engine();
        leptos::task::spawn_local(async move {
            let _ = engine.discard_refused(id).await;
        });
    };
    let kind_label = move || if zh() { kind.spec().zh } else { kind.spec().en };
    view! {
        <li class="card refused" data-testid="refused-item">
            <p><strong>{kind_label}</strong></p>
            <p class="error" data-testid="refused-reason">
                {let r = reason.clone(); move || if zh() { r.zh.clone() } else { r.en.clone() }}
            </p>
            {move || inputs.get().into_iter().map(|(field, value)| {
                let label = kind.field(&field).map(|s| if zh() { s.zh } else { s.en }).unwrap_or("");
                let f = field.clone();
                view! {
                    <label class="field">
                        <span class="label">{label.to_string()}</span>
                        <input type="text" prop:value=value
                            on:change=move |ev| inputs.update(|i| { i.insert(f.clone(), event_target_value(&ev)); })/>
                    </label>
                }
            }).collect_view()}
            <div class="form-actions">
                <button class="btn" data-testid="refused-discard" on:click=discard>
                    {move || if confirm_discard.get() { t().refused_discard_confirm } else { t().refused_discard }}
                </button>
                <button class="btn btn-primary grow" data-testid="refused-resend" disabled=move || busy.get() on:click=resend>
                    {move || t().refused_resend}
                </button>
            </div>
        </li>
    }
}
