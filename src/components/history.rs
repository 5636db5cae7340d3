//! A record's history, for any kind: every change with who, when on the
//! device and on the server, which device, each field's old → new value,
//! and writes that lost to a concurrent edit, each restorable with one tap
//! (as a new edit). Offline: the device's version and its changes still
//! waiting. Also the note a record page shows when a field was edited at
//! the same time on two devices.

use std::collections::BTreeMap;

use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use anyuan_core::registry::{self, history};
use anyuan_core::timefmt;
use anyuan_core::validate::field_spec;
use leptos::prelude::*;
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::clock;
use crate::components::form::save_fields;
use crate::data;
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

/// "Edited at the same time on another device": the fields whose last
/// write beat a write its author had not seen, pointing to the history
/// where the other value can be restored.
#[component]
pub fn ConcurrentNote(id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let sync = use_sync();
    let fields = Memo::new(move |_| {
        data::record(sync, id)
            .map(|r| {
                r.concurrent_fields()
                    .into_iter()
                    .map(|f| {
                        field_spec(r.kind, f).map_or(f.to_owned(), |s| {
                            i18n.lang.get().pick(s.zh, s.en).to_owned()
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    move || {
        let names = fields.get();
        (!names.is_empty()).then(|| {
            view! {
                <p class="banner banner-warn" role="status" data-testid="record-concurrent-note">
                    {move || t().concurrent}"："{names.join("、")}" · "{move || t().concurrent_hint}
                </p>
            }
        })
    }
}

/// What the history section shows.
#[derive(Clone)]
enum Loaded {
    Rows(Vec<history::HistoryRow>),
    Offline,
    Failed,
}

/// The record's history: every change with who, when on the device and on
/// the server, which device, each field's old → new value, and writes that
/// lost to a concurrent edit. Offline: the device's version and its
/// changes still waiting.
#[component]
pub fn RecordHistory(kind: Kind, id: RecordId, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let open = RwSignal::new(false);
    let loaded = RwSignal::new(None::<Loaded>);
    let load = move |_| {
        open.set(true);
        loaded.set(None);
        let token = sync.engine().session.token.clone();
        leptos::task::spawn_local(async move {
            let got =
                api::get::<history::HistoryV1>(&format!("/api/sync/history/{id}"), Some(&token))
                    .await;
            loaded.set(Some(match got {
                Ok(h) => Loaded::Rows(history::rows(kind, &h.entries)),
                Err(ApiError::Offline | ApiError::Busy { .. } | ApiError::BadAnswer { .. }) => {
                    Loaded::Offline
                }
                // A record the server has not had yet is not an error.
                Err(ApiError::Rejected { status: 404, .. }) => Loaded::Rows(Vec::new()),
                Err(_) => Loaded::Failed,
            }));
        });
    };
    let label = move |field: &str| {
        field_spec(kind, field).map_or(field.to_owned(), |s| lang().pick(s.zh, s.en).to_owned())
    };
    let value = move |field: &str, v: &Option<Value>| match v {
        None | Some(Value::Null) => t().empty_value.to_owned(),
        Some(v) => registry::display_value(kind, field, v, lang()),
    };
    let when = move |ms: u64| timefmt::date_time(lang(), clock::local_at(ms as i64));
    // A value that lost to a concurrent edit is restored as a new edit.
    let restored = RwSignal::new(None::<Result<(), SaveError>>);
    let restore = move |field: String, value: Value| {
        let Some(r) = data::record(sync, id) else {
            return;
        };
        let fields = anyuan_core::order::map_of([(field, value)]);
        leptos::task::spawn_local(async move {
            restored.set(Some(
                save_fields(sync, kind, id, r.unit, r.parent, fields).await,
            ));
        });
    };
    let pending = move || {
        sync.status.data_version.track();
        sync.engine().local.with(|r| {
            r.outbox
                .iter()
                .filter(|c| c.record == id)
                .map(|c| (c.stamp.ms, c.fields.keys().cloned().collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        })
    };
    let offline = move || {
        let r = data::record(sync, id);
        let last = r.as_ref().and_then(Record::max_stamp);
        view! {
            <p class="muted" data-testid="history-offline">{move || t().history_offline}</p>
            {last.map(|s| view! { <p>{move || t().history_last_change}"："{when(s.ms)}</p> })}
            <ul class="cards">
                {pending().into_iter().map(|(ms, fields)| view! {
                    <li class="card" data-testid="history-pending">
                        <span class="badge badge-warn">{move || t().history_pending}</span>" "{when(ms)}
                        <span class="muted">" "{fields.iter().map(|f| label(f)).collect::<Vec<_>>().join("、")}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="card" data-testid="record-history">
            <h2>{move || t().history}</h2>
            {move || (!open.get()).then(|| view! {
                <button class="btn" data-testid="history-show" on:click=load>{move || t().history_show}</button>
            })}
            {move || open.get().then(|| match loaded.get() {
                None => view! { <p class="muted">{move || t().history_loading}</p> }.into_any(),
                Some(Loaded::Offline) => offline().into_any(),
                Some(Loaded::Failed) => view! { <p class="error" role="alert">{move || t().history_failed}</p> }.into_any(),
                Some(Loaded::Rows(rows)) => view! {
                    {move || restored.get().map(|r| match r {
                        Ok(()) => view! { <p class="banner banner-ok" role="status" data-testid="history-restored">{move || t().saved}</p> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{crate::components::form::save_error_text(&e, lang())}</p> }.into_any(),
                    })}
                    <ol class="history" data-testid="history-list">
                        {rows.into_iter().rev().map(|row| {
                            let who = row.author_name.clone().unwrap_or_else(|| t().history_unknown.to_owned());
                            let changes: BTreeMap<String, history::FieldChange> = row.changes.iter().map(|c| (c.field.clone(), c.clone())).collect();
                            view! {
                                <li class="card" data-testid="history-entry">
                                    <p><strong>{who}</strong>" · "{move || t().history_device}" "{format!("{:04x}", row.device.0 & 0xffff)}</p>
                                    <p class="muted">
                                        {move || t().history_device_time}"："{when(row.device_ms)}" · "
                                        {move || t().history_server_time}"："{when(row.server_ms)}
                                    </p>
                                    {row.restamped.then(|| view! { <p class="badge badge-warn">{move || t().history_restamped}</p> })}
                                    <ul>
                                        {changes.into_values().map(|c| {
                                            let lost = c.lost;
                                            let (field, new) = (c.field.clone(), c.new.clone());
                                            view! {
                                                <li data-testid="history-change" data-lost=lost.to_string()>
                                                    {label(&c.field)}"："{value(&c.field, &c.old)}" → "{value(&c.field, &Some(c.new.clone()))}
                                                    {lost.then(|| view! { " "<span class="badge badge-warn">{move || t().history_lost}</span> })}
                                                    {(lost && editable).then(|| view! {
                                                        " "<button class="btn" data-testid="history-restore"
                                                            on:click=move |_| restore(field.clone(), new.clone())>{move || t().history_restore}</button>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
            })}
        </section>
    }
}
