//! Editing the alert checklists (预警处置清单) of the admin's unit: per alert
//! type the list the duty staff tick off during an alert. A school starts
//! from the district's list or the built-in one; its edit is an
//! `alert_checklist` record; resetting deletes the edit. Built-in items
//! keep both languages, the unit's own items are shown as typed.

use std::collections::BTreeMap;

use anyuan_core::duty::{
    AlertType, ChecklistItem, ChecklistSource, encode_checklist, missing_builtins,
    new_checklist_item, own_checklists, unit_checklist,
};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::validate::{DELETED, validate_field};
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use super::{duty_data, is_admin, scope};
use crate::components::form::{SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

#[component]
pub fn Checklists() -> impl IntoView {
    let sync = use_sync();
    if !is_admin(sync) {
        return view! {
            <crate::components::not_allowed::NotAllowed kind=anyuan_core::kind::Kind::AlertChecklist back="/duty"/>
        }
        .into_any();
    }
    view! { <Editor/> }.into_any()
}

#[component]
fn Editor() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let district = scope.unit == scope.district;
    let ty = RwSignal::new(AlertType::Typhoon);
    let data = Memo::new(move |_| duty_data(sync));
    // What the unit uses now for the chosen type, and whose list it is.
    let saved = Memo::new(move |_| data.with(|d| unit_checklist(&d.checklists, scope, ty.get())));
    // Unsaved edits per type, kept while the page is open.
    let edits = RwSignal::new(BTreeMap::<AlertType, Vec<ChecklistItem>>::new());
    let items = Memo::new(move |_| {
        edits
            .with(|e| e.get(&ty.get()).cloned())
            .unwrap_or_else(|| saved.with(|s| s.0.clone()))
    });
    let dirty = move || items.with(|i| saved.with(|s| *i != s.0));
    let done = RwSignal::new(false);
    let change = move |f: &dyn Fn(&mut Vec<ChecklistItem>)| {
        let mut v = items.get_untracked();
        f(&mut v);
        edits.update(|e| {
            e.insert(ty.get_untracked(), v);
        });
        done.set(false);
    };
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<SaveError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match new_checklist_item(&items.get_untracked(), &typed.get_untracked()) {
            Ok(item) => {
                change(&|v| v.push(item.clone()));
                typed.set(String::new());
                problem.set(None);
            }
            Err(p) => problem.set(Some(p.message(lang()))),
        }
    };
    let save = move |_| {
        let list = items.get_untracked();
        let encoded = encode_checklist(&list);
        if let Some(p) =
            validate_field(Kind::AlertChecklist, "items", &Value::from(encoded.clone()))
        {
            problem.set(Some(lang().pick(&p.zh, &p.en).to_owned()));
            return;
        }
        problem.set(None);
        let t_now = ty.get_untracked();
        let (id, fields) = match saved.get_untracked().1 {
            ChecklistSource::Own(id) => (
                id,
                anyuan_core::order::map_of([("items".to_owned(), Value::from(encoded))]),
            ),
            _ => (
                RecordId(Uuid::now_v7()),
                anyuan_core::order::map_of([
                    ("alert_type".to_owned(), Value::from(t_now.code())),
                    ("items".to_owned(), Value::from(encoded)),
                ]),
            ),
        };
        leptos::task::spawn_local(async move {
            match save_fields(sync, Kind::AlertChecklist, id, scope.unit, None, fields).await {
                Ok(()) => {
                    edits.update(|e| {
                        e.remove(&t_now);
                    });
                    error.set(None);
                    done.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // Resetting asks twice and deletes every edit of the unit for the type.
    let armed = RwSignal::new(false);
    let reset = move |_| {
        if !armed.get_untracked() {
            armed.set(true);
            return;
        }
        armed.set(false);
        let t_now = ty.get_untracked();
        let ids = data.with_untracked(|d| own_checklists(&d.checklists, scope.unit, t_now));
        leptos::task::spawn_local(async move {
            for id in ids {
                let fields = anyuan_core::order::map_of([(DELETED.to_owned(), Value::Bool(true))]);
                if let Err(e) =
                    save_fields(sync, Kind::AlertChecklist, id, scope.unit, None, fields).await
                {
                    error.set(Some(e));
                    return;
                }
            }
            edits.update(|e| {
                e.remove(&t_now);
            });
            error.set(None);
            done.set(true);
        });
    };
    let choose = move |next: AlertType| {
        ty.set(next);
        armed.set(false);
        done.set(false);
        problem.set(None);
    };
    let source = move || match saved.with(|s| s.1) {
        ChecklistSource::Own(_) if district => t().checklist_source_district_own,
        ChecklistSource::Own(_) => t().checklist_source_own,
        ChecklistSource::District(_) => t().checklist_source_district,
        ChecklistSource::BuiltIn => t().checklist_source_builtin,
    };
    let own = move || matches!(saved.with(|s| s.1), ChecklistSource::Own(_));
    view! {
        <section class="page" data-testid="page-duty-checklists">
            <h1 class="page-title">{move || t().checklists}</h1>
            <p class="page-subtitle">{move || if district { t().checklists_hint_district } else { t().checklists_hint_school }}</p>
            <div class="choices" role="group" aria-label=move || t().checklist_type>
                {AlertType::ALL.into_iter().map(|a| view! {
                    <button class="btn choice" aria-pressed=move || (ty.get() == a).to_string()
                        data-testid=format!("checklist-type-{}", a.code())
                        on:click=move |_| choose(a)>{move || a.label(lang())}</button>
                }).collect_view()}
            </div>
            <section class="card" data-testid="checklist-editor">
                <h2>{move || ty.get().label(lang())}" · "{move || t().checklist}</h2>
                <p>
                    <span class="badge" data-testid="checklist-source">{source}</span>
                    {move || dirty().then(|| view! { " "<span class="badge badge-warn" data-testid="checklist-unsaved">{move || t().checklist_unsaved}</span> })}
                    {move || (done.get() && !dirty()).then(|| view! { " "<span class="badge badge-ok" role="status" data-testid="checklist-saved">{move || t().checklist_saved}</span> })}
                </p>
                <ol class="plain-list" data-testid="checklist-items">
                    {move || {
                        let list = items.get();
                        let n = list.len();
                        list.into_iter().enumerate().map(|(i, item)| {
                            let label = item.clone();
                            let name = move || label.label(lang()).to_owned();
                            let (up, down) = (name.clone(), name.clone());
                            view! {
                                <li class="row-card" data-testid="checklist-edit-item" data-key=item.key.clone()>
                                    <span class="grow">{name}</span>
                                    <button class="btn" data-testid="checklist-item-up" disabled=i == 0
                                        aria-label=move || format!("{} {}", t().move_up, up())
                                        on:click=move |_| change(&|v| v.swap(i - 1, i))>"↑"</button>
                                    <button class="btn" data-testid="checklist-item-down" disabled=i + 1 == n
                                        aria-label=move || format!("{} {}", t().move_down, down())
                                        on:click=move |_| change(&|v| v.swap(i, i + 1))>"↓"</button>
                                    <button class="btn" data-testid="checklist-item-remove"
                                        on:click=move |_| change(&|v| { v.remove(i); })>{move || t().remove_item}</button>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <div class="form">
                <form class="form" on:submit=add novalidate>
                    <label class="field">
                        <span class="label">{move || t().checklist_new_item}</span>
                        <input type="text" data-testid="checklist-new-item" prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))/>
                    </label>
                    <div class="button-row">
                        <button type="submit" class="btn" data-testid="checklist-add">{move || t().checklist_add}</button>
                    </div>
                </form>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert" data-testid="checklist-problem">{p}</p> })}
                {move || {
                    let missing = items.with(|i| missing_builtins(ty.get(), i));
                    (!missing.is_empty()).then(|| view! {
                        <div class="field">
                        <p class="muted">{move || t().checklist_add_back}</p>
                        <div class="button-row">
                            {missing.into_iter().map(|item| {
                                let label = item.clone();
                                view! {
                                    <button class="btn" data-testid="checklist-add-builtin"
                                        on:click=move |_| change(&|v| v.push(item.clone()))>
                                        "+ "{move || label.label(lang()).to_owned()}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        </div>
                    })
                }}
                <SaveErrorView error=error/>
                <div class="form-actions">
                    {move || own().then(|| view! {
                        <button class="btn" data-testid="checklist-reset" on:click=reset>
                            {move || if armed.get() { t().checklist_reset_confirm } else { t().checklist_reset }}
                        </button>
                    })}
                    <button class="btn btn-primary grow" data-testid="checklist-save"
                        disabled=move || !dirty() on:click=save>{move || i18n.t().save}</button>
                </div>
                </div>
            </section>
        </section>
    }
}
