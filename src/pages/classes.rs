//! Classes (班级): the unit's class list, kept on the device and synced.
//! School admins add and edit classes; everyone sees them offline.

use anyuan_core::form::{self, Checked};
use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use anyuan_core::sync::client::Edit;
use leptos::prelude::*;
use uuid::Uuid;

use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

const FIELDS: [&str; 3] = ["name", "grade", "size"];

/// The list, sorted by grade then name, as plain rows for the view.
fn class_rows(records: Vec<Record>) -> Vec<Record> {
    let mut rows = records;
    let key = |r: &Record| {
        (
            form::input_from_value(r.get("grade")),
            form::input_from_value(r.get("name")),
        )
    };
    anyuan_core::order::sort_by_key(&mut rows, key);
    rows
}

#[component]
pub fn Classes() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let sync = use_sync();
    let engine = sync.engine();
    let unit = engine.session.user.unit_id;
    let can_edit = Kind::Class.writable_by(engine.session.user.role);
    let editing = RwSignal::new(None::<Option<RecordId>>);
    let saved = RwSignal::new(false);
    let unit_name = engine.session.user.unit_name.clone();
    let rows = Memo::new(move |_| {
        sync.status.data_version.track();
        let mine = sync
            .engine()
            .local
            .records_of(Kind::Class)
            .into_iter()
            .filter(|r| r.unit == unit);
        class_rows(mine.collect())
    });
    let pending = move |id: RecordId| sync.engine().local.with(|r| r.is_pending(id));

    view! {
        <section class="page" data-testid="page-classes">
            <h1 class="page-title">{move || t().classes_title}</h1>
            <p class="page-subtitle">{unit_name}</p>
            {move || match editing.get() {
                Some(id) => view! {
                    <ClassForm id=id on_done=move || editing.set(None) on_saved=move || saved.set(true)/>
                }.into_any(),
                None => view! {
                    <div>
                        {move || saved.get().then(|| view! {
                            <p class="banner banner-ok" role="status" data-testid="saved">{move || t().saved_on_device}</p>
                        })}
                        {move || rows.with(|r| r.is_empty()).then(|| view! {
                            <div class="empty-state"><p class="empty-title">{move || t().classes_empty}</p></div>
                        })}
                        <ul class="cards" data-testid="class-list">
                            <For each=move || rows.get() key=|r| (r.id, r.max_stamp()) let:rec>
                                {
                                    let id = rec.id;
                                    let name = form::input_from_value(rec.get("name"));
                                    let grade = form::input_from_value(rec.get("grade"));
                                    let size = form::input_from_value(rec.get("size"));
                                    let is_pending = pending(id);
                                    view! {
                                        <li class="card row-card" data-testid="class-item">
                                            <div class="grow">
                                                <strong data-testid="class-name">{name}</strong>
                                                <span class="muted">{grade}</span>
                                                {(!size.is_empty()).then(|| view! {
                                                    <span class="muted">{move || format!("{size} {}", t().classes_students)}</span>
                                                })}
                                            </div>
                                            {is_pending.then(|| view! {
                                                <span class="badge badge-warn" data-testid="class-pending">{move || t().waiting}</span>
                                            })}
                                            {can_edit.then(|| view! {
                                                <button class="btn" on:click=move |_| { saved.set(false); editing.set(Some(Some(id))) }>
                                                    {move || t().edit}
                                                </button>
                                            })}
                                        </li>
                                    }
                                }
                            </For>
                        </ul>
                        {if can_edit {
                            view! {
                                <div class="primary-action">
                                    <button class="btn btn-primary btn-block" data-testid="class-add"
                                        on:click=move |_| { saved.set(false); editing.set(Some(None)) }>
                                        {move || t().classes_add}
                                    </button>
                                </div>
                            }.into_any()
                        } else {
                            view! { <p class="muted">{move || t().classes_admin_only}</p> }.into_any()
                        }}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// Add (`id` = None) or edit a class. Checks as the user types with the
/// core's rules; saves to the device first, then sync takes it from there.
#[component]
fn ClassForm(
    id: Option<RecordId>,
    on_done: impl Fn() + Clone + Send + Sync + 'static,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let engine = sync.engine();
    let existing = id.and_then(|id| engine.local.with(|r| r.record(id)));
    let inputs = RwSignal::new(anyuan_core::order::map_of(FIELDS.iter().map(|f| {
        (
            f.to_string(),
            form::input_from_value(existing.as_ref().and_then(|r| r.get(f))),
        )
    })));
    let touched = RwSignal::new(false);
    let checked = Memo::new(move |_| inputs.with(|i| form::check(Kind::Class, i, id.is_none())));
    let error = RwSignal::new(None::<SaveError>);
    let saving = RwSignal::new(false);
    let unit = engine.session.user.unit_id;

    let problem = move |field: &'static str| {
        move || {
            let shown = touched.get() || !inputs.with(|i| i[field].is_empty());
            checked.with(|c: &Checked| {
                c.problems
                    .get(field)
                    .filter(|_| shown)
                    .map(|p| if zh() { p.zh.clone() } else { p.en.clone() })
            })
        }
    };
    let input = move |field: &'static str,
                      label: fn(&'static crate::i18n::Strings) -> &'static str,
                      kind: &'static str| {
        let msg = problem(field);
        view! {
            <label class="field">
                <span class="label">{move || label(t())}</span>
                <input
                    type=kind
                    inputmode=if kind == "number" { "numeric" } else { "text" }
                    data-testid=format!("class-{field}")
                    aria-invalid=move || msg().is_some().to_string()
                    prop:value=move || inputs.with(|i| i[field].clone())
                    on:input=move |ev| inputs.update(|i| { i.insert(field.to_string(), event_target_value(&ev)); })
                />
                {move || msg().map(|m| view! { <span class="field-error" data-testid=format!("class-{field}-error")>{m}</span> })}
            </label>
        }
    };
    let done = on_done.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let c = checked.get_untracked();
        if !c.is_ok() || saving.get_untracked() {
            return;
        }
        let mut fields = c.values;
        if let Some(r) = &existing {
            // Only what changed is written, so concurrent edits of other fields survive.
            fields.retain(|k, v| r.get(k).unwrap_or(&serde_json::Value::Null) != v);
            if fields.is_empty() {
                done();
                return;
            }
        }
        let edit = Edit {
            record: id.unwrap_or_else(|| RecordId(Uuid::now_v7())),
            kind: Kind::Class,
            unit,
            parent: None,
            fields,
        };
        saving.set(true);
        let engine = sync.engine();
        let done = done.clone();
        let on_saved = on_saved.clone();
        leptos::task::spawn_local(async move {
            let result = engine.save(edit).await;
            saving.set(false);
            match result {
                Ok(_) => {
                    error.set(None);
                    on_saved();
                    done();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let cancel = on_done.clone();
    view! {
        <form class="card form" on:submit=submit novalidate data-testid="class-form">
            <h2>{move || if id.is_some() { t().classes_edit } else { t().classes_add }}</h2>
            {input("name", |t| t.classes_name, "text")}
            {input("grade", |t| t.classes_grade, "text")}
            {input("size", |t| t.classes_size, "number")}
            {move || error.get().map(|e| {
                let text = match &e {
                    SaveError::Store(s) => { let (z, en) = s.message(); if zh() { z.to_string() } else { en.to_string() } }
                    SaveError::Edit(_) => t().save_failed.to_string(),
                };
                view! { <p class="error" role="alert" data-testid="save-error">{text}</p> }
            })}
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| cancel()>{move || t().cancel}</button>
                <button type="submit" class="btn btn-primary grow" data-testid="class-save" disabled=move || saving.get()>
                    {move || t().save}
                </button>
            </div>
        </form>
    }
}
