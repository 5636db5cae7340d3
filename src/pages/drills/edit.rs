//! Plan a drill or change its plan: kind, time, place, scenario,
//! coordinator, the emergency plan it exercises and the classes taking part.

use std::collections::BTreeMap;

use anyuan_core::drill::{self, Status};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::validate::format_date_time;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::{ClassInfo, classes_of, kind_label, record, route_id};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

const FIELDS: [&str; 8] = [
    "drill_kind",
    "scheduled",
    "place",
    "coordinator",
    "plan_id",
    "plan",
    "scenario",
    "classes",
];

#[component]
pub fn DrillEdit() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let sync = use_sync();
    let id = route_id();
    let existing = id.and_then(|id| record(sync, id));
    if id.is_some() && existing.is_none() {
        return view! { <crate::pages::not_found::NotFound/> }.into_any();
    }
    let user = sync.engine().session.user.clone();
    let unit = existing.as_ref().map_or(user.unit_id, |r| r.unit);
    let classes = classes_of(sync, unit);
    // A new plan: tomorrow 10:00, the signed-in person coordinates, every class.
    let tomorrow = (clock::local_now().date() + chrono::Duration::days(1))
        .and_hms_opt(10, 0, 0)
        .unwrap_or_default();
    let defaults = [
        ("scheduled", format_date_time(tomorrow)),
        ("coordinator", user.display_name.clone()),
        (
            "classes",
            drill::format_classes(&classes.iter().map(|c| c.id).collect::<Vec<_>>()),
        ),
    ];
    let draft = crate::components::form::draft_key("drill", id);
    let form = FormState::new(
        Kind::Drill,
        &FIELDS,
        existing.as_ref(),
        &defaults,
        Some(draft),
    );
    let navigate = use_navigate();
    let creating = existing.is_none();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let extra = if creating {
            anyuan_core::order::map_of([("status".to_owned(), Value::from(Status::Planned.code()))])
        } else {
            BTreeMap::new()
        };
        leptos::task::spawn_local(async move {
            if let Some(id) = form.save(unit, None, extra).await {
                navigate(&format!("/drills/{id}"), Default::default());
            }
        });
    };
    view! {
        <section class="page" data-testid="page-drill-edit">
            <h1 class="page-title">{move || if creating { t().new } else { t().edit }}</h1>
            <form class="card form" on:submit=submit novalidate data-testid="drill-form">
                <Field form=form field="drill_kind" labels=kind_label/>
                <Field form=form field="scheduled"/>
                <Field form=form field="place"/>
                <Field form=form field="coordinator"/>
                <Field form=form field="plan_id"/>
                <Field form=form field="plan"/>
                <Field form=form field="scenario"/>
                <ClassPicker form=form classes=classes/>
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="drill-save"/>
            </form>
        </section>
    }
    .into_any()
}

/// Checkboxes for the classes taking part, kept in the form's `classes`
/// input as ids separated by commas.
#[component]
fn ClassPicker(form: FormState, classes: Vec<ClassInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let chosen = move || drill::parse_classes(&form.get("classes"));
    let all: Vec<RecordId> = classes.iter().map(|c| c.id).collect();
    let toggle = move |id: RecordId, on: bool| {
        let mut ids = chosen();
        ids.retain(|c| *c != id);
        if on {
            ids.push(id);
        }
        form.set("classes", drill::format_classes(&ids));
    };
    let empty = classes.is_empty();
    view! {
        <fieldset class="field" data-testid="drill-classes">
            <legend class="label">{move || t().classes_pick}</legend>
            {empty.then(|| view! { <p class="muted">{move || t().classes_none}</p> })}
            {(!empty).then(|| view! {
                <button type="button" class="btn" on:click=move |_| form.set("classes", drill::format_classes(&all))>
                    {move || t().all_classes}
                </button>
            })}
            <div class="check-grid">
                {classes.into_iter().map(|c| {
                    let id = c.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || chosen().contains(&id)
                                on:change=move |ev| toggle(id, event_target_checked(&ev))/>
                            <span>{c.name}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
