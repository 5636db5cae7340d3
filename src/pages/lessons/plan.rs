//! The school admin's term plan (安全教育学期计划) per class: themes with
//! planned hours and the teacher assigned, each theme its own record; copy
//! from last term or from another class.

use std::collections::BTreeMap;

use anyuan_core::form;
use anyuan_core::kind::Kind;
use anyuan_core::lesson::{self, PlanEntry, THEMES, theme_label};
use anyuan_core::record::RecordId;
use anyuan_core::validate::DELETED;
use anyuan_core::{Role, Term};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::lesson_data;
use crate::api;
use crate::clock;
use crate::components::form::{SaveErrorView, save_fields};
use crate::data::classes_of;
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

#[derive(Deserialize)]
struct AccountList {
    users: Vec<anyuan_core::wire::UserV1>,
}

/// The select value that opens the own-theme input.
const OWN_THEME: &str = "__own";

#[component]
pub fn LessonPlan() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    if user.role != Role::SchoolAdmin {
        return view! {
            <section class="page" data-testid="page-lesson-plan">
                <h1 class="page-title">{move || t().plan_title}</h1>
                <p class="muted">{move || t().plan_admin_only}</p>
            </section>
        }
        .into_any();
    }
    let unit = user.unit_id;
    let mut classes = classes_of(sync, unit);
    // 初一 < 初二 < 初三, 三(2)班 < 三(10)班.
    anyuan_core::order::sort_by(&mut classes, |a, b| {
        anyuan_core::export::natural_cmp(&a.name, &b.name)
    });
    let from_query = use_query_map()
        .with_untracked(|q| q.get("class"))
        .and_then(|s| Uuid::parse_str(&s).ok())
        .map(RecordId)
        .filter(|id| classes.iter().any(|c| c.id == *id));
    let class = RwSignal::new(from_query.or(classes.first().map(|c| c.id)));
    let this_term = Term::of(clock::local_now().date());
    let term = RwSignal::new(this_term);
    let data = Memo::new(move |_| lesson_data(sync));
    let entries = Memo::new(move |_| {
        let (Some(c), term) = (class.get(), term.get()) else {
            return Vec::new();
        };
        data.with(|d| {
            d.plan_of(c, term)
                .into_iter()
                .cloned()
                .collect::<Vec<PlanEntry>>()
        })
    });

    // Teachers: the unit's accounts when online, and everyone the records
    // name with an account, so assigning works offline too.
    let token = sync.engine().session.token.clone();
    let accounts = LocalResource::new(move || {
        let token = token.clone();
        async move {
            api::get::<AccountList>("/api/admin/users", Some(&token))
                .await
                .map(|l| l.users)
                .unwrap_or_default()
        }
    });
    let me = (user.id, user.display_name.clone());
    let teachers = Memo::new(move |_| {
        let mut out: BTreeMap<Uuid, String> = BTreeMap::new();
        out.insert(me.0, me.1.clone());
        data.with(|d| {
            let named = d.plan.iter().filter_map(|e| e.teacher.clone()).chain(
                d.lessons
                    .iter()
                    .filter(|l| l.unit == unit)
                    .filter_map(|l| l.teacher.clone()),
            );
            for t in named {
                if let Some(id) = t.id
                    && !t.name.is_empty()
                {
                    out.insert(id, t.name);
                }
            }
        });
        if let Some(list) = accounts.get() {
            for a in list.iter().filter(|a| a.unit_id == unit && !a.disabled) {
                out.insert(a.id, a.display_name.clone());
            }
        }
        let mut v: Vec<(Uuid, String)> = out.into_iter().collect();
        anyuan_core::order::sort_by(&mut v, |a, b| a.1.cmp(&b.1));
        v
    });

    let error = RwSignal::new(None::<SaveError>);
    let problem = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let save = move |id: RecordId, fields: BTreeMap<String, Value>| {
        let Some(parent) = class.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let r = save_fields(sync, Kind::LessonTermPlan, id, unit, Some(parent), fields).await;
            error.set(r.err());
        });
    };
    let check = move |inputs: &[(&str, String)], creating: bool| {
        let inputs: BTreeMap<String, String> =
            anyuan_core::order::map_of(inputs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        let checked = form::check(Kind::LessonTermPlan, &inputs, creating);
        match checked.problems.values().next() {
            Some(p) => {
                problem.set(Some(lang().pick(&p.zh, &p.en).to_owned()));
                None
            }
            None => {
                problem.set(None);
                Some(checked.values)
            }
        }
    };
    let teacher_fields = move |value: &str| {
        let id = Uuid::parse_str(value).ok();
        let name = id.and_then(|id| {
            teachers.with_untracked(|t| t.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()))
        });
        anyuan_core::order::map_of([
            (
                "teacher".to_owned(),
                id.map_or(Value::Null, |i| Value::from(i.to_string())),
            ),
            (
                "teacher_name".to_owned(),
                name.map_or(Value::Null, Value::from),
            ),
        ])
    };

    // Adding a theme.
    let new_theme = RwSignal::new(String::new());
    let own_theme = RwSignal::new(String::new());
    let new_hours = RwSignal::new("2".to_owned());
    let new_teacher = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let theme = match new_theme.get_untracked() {
            t if t == OWN_THEME => own_theme.get_untracked(),
            t => t,
        };
        let Some(mut fields) = check(
            &[
                ("term", term.get_untracked().to_string()),
                ("theme", theme),
                ("hours", new_hours.get_untracked()),
            ],
            true,
        ) else {
            return;
        };
        fields.extend(
            teacher_fields(&new_teacher.get_untracked())
                .into_iter()
                .filter(|(_, v)| !v.is_null()),
        );
        save(RecordId(Uuid::now_v7()), fields);
        new_theme.set(String::new());
        own_theme.set(String::new());
    };
    let copy = move |from: RecordId, from_term: Term, keep: bool| {
        let Some(to) = class.get_untracked() else {
            return;
        };
        let to_term = term.get_untracked();
        let maps =
            data.with_untracked(|d| lesson::copy_plan(d, from, from_term, to, to_term, keep));
        let n = maps.len();
        note.set(Some(if n == 0 {
            t().plan_copy_none.to_owned()
        } else {
            t().plan_copied.replace("{n}", &n.to_string())
        }));
        for m in maps {
            save(RecordId(Uuid::now_v7()), m);
        }
    };
    let copy_from = RwSignal::new(String::new());
    let other_classes = classes.clone();

    view! {
        <section class="page" data-testid="page-lesson-plan">
            <h1 class="page-title">{move || t().plan_title}</h1>
            <div class="filters">
                <label class="field">
                    <span class="label">{move || t().class}</span>
                    <select data-testid="plan-class" on:change=move |ev| {
                        class.set(Uuid::parse_str(&event_target_value(&ev)).ok().map(RecordId));
                        note.set(None);
                    }>
                        {classes.iter().map(|c| {
                            let id = c.id;
                            view! { <option value=id.to_string() selected=move || class.get() == Some(id)>{c.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{move || t().plan_term}</span>
                    <select data-testid="plan-term" on:change=move |ev| if let Some(x) = Term::parse(&event_target_value(&ev)) { term.set(x) }>
                        {[this_term, this_term.next()].into_iter().map(|x| view! {
                            <option value=x.to_string() selected=move || term.get() == x>{move || x.label(lang())}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>

            <section class="card">
                <h2>{move || t().plan_themes}</h2>
                {move || entries.with(|e| e.is_empty()).then(|| view! { <p class="muted" data-testid="plan-empty">{move || t().plan_empty}</p> })}
                <table class="table" tabindex="0" aria-label=move || t().plan_themes>
                    <thead><tr>
                        <th>{move || t().col_theme}</th>
                        <th>{move || t().plan_hours}</th>
                        <th>{move || t().plan_teacher}</th>
                        <th>{move || lang().pick("操作", "Action")}</th>
                    </tr></thead>
                    <tbody>
                        {move || entries.get().into_iter().map(|e| {
                            let id = e.id;
                            let theme = e.theme.clone();
                            let teacher = e.teacher.as_ref().and_then(|t| t.id).map(|i| i.to_string()).unwrap_or_default();
                            let teacher_name = e.teacher.as_ref().map(|t| t.name.clone()).unwrap_or_default();
                            let unlisted = teacher.is_empty() && !teacher_name.is_empty();
                            view! {
                                <tr data-testid="plan-row">
                                    <td data-testid="plan-row-theme">{move || theme_label(&theme, lang())}</td>
                                    <td><input type="number" inputmode="numeric" min="1" max="100" class="narrow-input"
                                        aria-label=move || t().plan_hours data-testid="plan-row-hours" prop:value=e.hours.to_string()
                                        on:change=move |ev| if let Some(f) = check(&[("hours", event_target_value(&ev))], false) { save(id, f) }/></td>
                                    <td><select aria-label=move || t().plan_teacher data-testid="plan-row-teacher"
                                        on:change=move |ev| save(id, teacher_fields(&event_target_value(&ev)))>
                                        <option value="">{move || if unlisted { teacher_name.clone() } else { t().plan_no_teacher.to_owned() }}</option>
                                        {move || teachers.get().into_iter().map(|(tid, name)| {
                                            let v = tid.to_string();
                                            let chosen = v == teacher;
                                            view! { <option value=v selected=chosen>{name}</option> }
                                        }).collect_view()}
                                    </select></td>
                                    <td><button type="button" class="btn" data-testid="plan-row-remove"
                                        on:click=move |_| save(id, anyuan_core::order::map_of([(DELETED.to_owned(), Value::Bool(true))]))>
                                        {move || t().plan_remove}
                                    </button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <form class="form" on:submit=add novalidate data-testid="plan-add">
                    <div class="form-row">
                        <label class="field">
                            <span class="label">{move || t().col_theme}</span>
                            <select data-testid="plan-new-theme" prop:value=move || new_theme.get() on:change=move |ev| new_theme.set(event_target_value(&ev))>
                                <option value="">{move || t().theme_pick}</option>
                                {THEMES.iter().map(|c| view! { <option value=c.code>{move || c.label(lang())}</option> }).collect_view()}
                                <option value=OWN_THEME>{move || t().theme_own}</option>
                            </select>
                        </label>
                        {move || (new_theme.get() == OWN_THEME).then(|| view! {
                            <label class="field">
                                <span class="label">{move || t().theme_own_label}</span>
                                <input type="text" data-testid="plan-new-own" prop:value=move || own_theme.get() on:input=move |ev| own_theme.set(event_target_value(&ev))/>
                            </label>
                        })}
                        <label class="field">
                            <span class="label">{move || t().plan_hours}</span>
                            <input type="number" inputmode="numeric" min="1" max="100" data-testid="plan-new-hours"
                                prop:value=move || new_hours.get() on:input=move |ev| new_hours.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span class="label">{move || t().plan_teacher}</span>
                            <select data-testid="plan-new-teacher" on:change=move |ev| new_teacher.set(event_target_value(&ev))>
                                <option value="">{move || t().plan_no_teacher}</option>
                                {move || teachers.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="field-error" data-testid="plan-problem">{p}</p> })}
                    <SaveErrorView error=error/>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary grow" data-testid="plan-add-save">{move || t().plan_add}</button>
                    </div>
                </form>
            </section>

            <section class="card">
                <h2>{move || t().plan_copy}</h2>
                <div class="button-row">
                    <button type="button" class="btn" data-testid="plan-copy-last"
                        on:click=move |_| if let Some(c) = class.get_untracked() { copy(c, term.get_untracked().prev(), true) }>
                        {move || t().plan_copy_last}
                    </button>
                </div>
                <div class="button-row">
                    <select aria-label=move || t().plan_copy_from data-testid="plan-copy-from" on:change=move |ev| copy_from.set(event_target_value(&ev))>
                        <option value="">{move || t().plan_copy_from}</option>
                        {other_classes.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                    <button type="button" class="btn" data-testid="plan-copy-class"
                        on:click=move |_| if let Some(from) = Uuid::parse_str(&copy_from.get_untracked()).ok().map(RecordId) { copy(from, term.get_untracked(), false) }>
                        {move || t().plan_copy_do}
                    </button>
                </div>
                {move || note.get().map(|n| view! { <p class="muted" data-testid="plan-note">{n}</p> })}
            </section>
        </section>
    }
    .into_any()
}
