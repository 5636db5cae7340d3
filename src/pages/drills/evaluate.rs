//! Evaluate a drill: participants, the computed timings, problems found,
//! the coordinator's evaluation, and improvements (整改) with owner and
//! deadline.

use std::collections::BTreeMap;

use anyuan_core::drill::{self, Drill};
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use anyuan_core::timefmt;
use anyuan_core::validate::parse_date;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::detail::ArrivalsTable;
use super::{TimingSummary, children, classes_of, entries, record, route_id};
use crate::clock;
use crate::components::form::{Field, FormState, SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

const FIELDS: [&str; 4] = ["students", "staff", "problems", "evaluation"];

#[component]
pub fn DrillEvaluate() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let Some(rec) = route_id().and_then(|id| record(sync, id)) else {
        return view! { <crate::pages::not_found::NotFound/> }.into_any();
    };
    let id = rec.id;
    let unit = rec.unit;
    let drill = Drill::from_record(&rec);
    let classes = classes_of(sync, unit);
    let participating: Vec<RecordId> = match drill.as_ref().map(|d| d.classes.clone()) {
        Some(c) if !c.is_empty() => c,
        _ => classes.iter().map(|c| c.id).collect(),
    };
    let kind = drill.as_ref().and_then(|d| d.kind);
    let timing = Memo::new(move |_| drill::timing(kind, &participating, &entries(sync, id)));
    let form = FormState::new(
        Kind::Drill,
        &FIELDS,
        Some(&rec),
        &[],
        Some(format!("drill-eval:{id}")),
    );
    // Students default to the headcount the stopwatch recorded.
    if form.get("students").is_empty() {
        let present = timing.with_untracked(|t| t.present);
        if present > 0 {
            form.inputs.update(|i| {
                i.insert("students".to_owned(), present.to_string());
            });
        }
    }
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if form.save(unit, None, BTreeMap::new()).await.is_some() {
                navigate(&format!("/drills/{id}"), Default::default());
            }
        });
    };
    view! {
        <section class="page" data-testid="page-drill-evaluate">
            <h1 class="page-title">{move || t().evaluate}</h1>
            <p class="page-subtitle">{move || kind.map(|k| k.label(lang())).unwrap_or_default()}</p>
            <section class="card">
                <TimingSummary timing=timing/>
                <ArrivalsTable timing=timing/>
            </section>
            <form class="card form" on:submit=submit novalidate data-testid="drill-evaluate-form">
                <Field form=form field="students"/>
                <Field form=form field="staff"/>
                <Field form=form field="problems"/>
                <Field form=form field="evaluation"/>
                <SaveErrorView error=form.error/>
                <button type="submit" class="btn btn-primary btn-block" data-testid="drill-evaluate-save" disabled=move || form.saving.get()>
                    {move || i18n.t().save}
                </button>
            </form>
            <Fixes drill=id unit=unit/>
        </section>
    }
    .into_any()
}

/// A drill's improvements: open ones first, each with owner and deadline
/// (overdue in red); anyone may add one or mark it done.
#[component]
pub(crate) fn Fixes(drill: RecordId, unit: UnitId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let fixes = Memo::new(move |_| {
        let mut rows: Vec<(bool, String, String, String, RecordId)> =
            children(sync, Kind::DrillFix, drill)
                .iter()
                .map(|r| {
                    let text = |f| anyuan_core::form::input_from_value(r.get(f));
                    (
                        r.get("done") == Some(&Value::Bool(true)),
                        text("deadline"),
                        text("what"),
                        text("owner"),
                        r.id,
                    )
                })
                .collect();
        anyuan_core::order::sort(&mut rows);
        rows
    });
    let adding = RwSignal::new(false);
    let error = RwSignal::new(None::<SaveError>);
    let today = clock::local_now().date();
    let mark_done = move |id: RecordId| {
        leptos::task::spawn_local(async move {
            let fields = anyuan_core::order::map_of([("done".to_owned(), Value::Bool(true))]);
            if let Err(e) = save_fields(sync, Kind::DrillFix, id, unit, Some(drill), fields).await {
                error.set(Some(e));
            }
        });
    };
    view! {
        <section class="card" data-testid="drill-fixes">
            <h2>{move || t().fixes}</h2>
            {move || fixes.with(|f| f.is_empty()).then(|| view! { <p class="muted">{move || t().fixes_none}</p> })}
            <ul class="cards">
                {move || fixes.get().into_iter().map(|(done, deadline, what, owner, id)| {
                    let due = parse_date(&deadline);
                    let late = !done && due.is_some_and(|d| d < today);
                    view! {
                        <li class="row-card fix" data-testid="drill-fix">
                            <div class="grow">
                                <strong>{what}</strong>
                                <span class="muted">{owner}" · "{move || due.map(|d| timefmt::date(lang(), d)).unwrap_or_default()}</span>
                            </div>
                            {if done {
                                view! { <span class="badge badge-ok">{move || t().fix_done}</span> }.into_any()
                            } else {
                                view! {
                                    <span class=if late { "badge badge-bad" } else { "badge badge-warn" }>
                                        {move || if late { i18n.t().drill.today_overdue } else { t().fix_open }}
                                    </span>
                                    <button class="btn" data-testid="drill-fix-done" on:click=move |_| mark_done(id)>{move || t().fix_mark_done}</button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <SaveErrorView error=error/>
            {move || if adding.get() {
                view! { <FixForm drill=drill unit=unit on_done=move || adding.set(false)/> }.into_any()
            } else {
                view! {
                    <button class="btn btn-block" data-testid="drill-fix-add" on:click=move |_| adding.set(true)>{move || t().fix_add}</button>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn FixForm(
    drill: RecordId,
    unit: UnitId,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new(
        Kind::DrillFix,
        &["what", "owner", "deadline"],
        None,
        &[],
        Some(format!("drill-fix:{drill}")),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            if form
                .save(unit, Some(drill), BTreeMap::new())
                .await
                .is_some()
            {
                on_done();
            }
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate data-testid="drill-fix-form">
            <Field form=form field="what"/>
            <Field form=form field="owner"/>
            <Field form=form field="deadline"/>
            <SaveErrorView error=form.error/>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| on_done()>{move || i18n.t().cancel}</button>
                <button type="submit" class="btn btn-primary grow" data-testid="drill-fix-save">{move || i18n.t().save}</button>
            </div>
        </form>
    }
}
