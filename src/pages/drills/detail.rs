//! One drill: its plan, its timings once run, its evaluation and
//! improvements, and what can be done next.

use anyuan_core::drill::{self, Drill, Status};
use anyuan_core::export::ReportParams;
use anyuan_core::form::input_from_value;
use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use anyuan_core::timefmt;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;

use super::evaluate::Fixes;
use super::{TimingSummary, classes_of, entries, record, route_id, status_class};
use crate::components::export::ExportButtons;
use crate::components::form::{SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

#[component]
pub fn DrillDetail() -> impl IntoView {
    let sync = use_sync();
    let id = route_id();
    // Reactive: a drill that arrives with the first sync shows up by itself.
    let exists = Memo::new(move |_| id.is_some_and(|id| record(sync, id).is_some()));
    move || match id.filter(|_| exists.get()) {
        Some(id) => view! { <Detail id=id/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn Detail(id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let rec = Memo::new(move |_| record(sync, id));
    let drill = Memo::new(move |_| rec.with(|r| r.as_ref().and_then(Drill::from_record)));
    let unit = rec
        .with_untracked(|r| r.as_ref().map(|r| r.unit))
        .unwrap_or(sync.engine().session.user.unit_id);
    let classes = Memo::new(move |_| classes_of(sync, unit));
    let timing = Memo::new(move |_| {
        let (kind, chosen) = drill.with(|d| {
            d.as_ref()
                .map(|d| (d.kind, d.classes.clone()))
                .unwrap_or_default()
        });
        let participating = if chosen.is_empty() {
            classes.with(|c| c.iter().map(|c| c.id).collect())
        } else {
            chosen
        };
        drill::timing(kind, &participating, &entries(sync, id))
    });
    let status = move || drill.with(|d| d.as_ref().map_or(Status::Planned, |d| d.status));
    let text = move |field: &'static str| {
        rec.with(|r| {
            r.as_ref()
                .map(|r| input_from_value(r.get(field)))
                .unwrap_or_default()
        })
    };
    let fact = move |field: &'static str| {
        let spec = Kind::Drill.field(field);
        view! {
            <dt>{move || spec.map(|s| lang().pick(s.zh, s.en)).unwrap_or_default()}</dt>
            <dd data-testid=format!("drill-fact-{field}")>{move || {
                let v = text(field);
                if v.is_empty() { t().missing_plan.to_owned() } else { v }
            }}</dd>
        }
    };
    // The linked emergency plan, one tap away.
    let plan = Memo::new(move |_| {
        let id = text("plan_id").parse().ok().map(RecordId)?;
        let p = record(sync, id)?;
        let slug = p.kind.listing()?.slug;
        Some((
            format!("/r/{slug}/{id}"),
            anyuan_core::registry::title(&p, lang()),
        ))
    });
    let class_names = move || {
        let chosen = drill.with(|d| d.as_ref().map(|d| d.classes.clone()).unwrap_or_default());
        classes.with(|all| {
            all.iter()
                .filter(|c| chosen.contains(&c.id))
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join("、")
        })
    };
    let error = RwSignal::new(None::<SaveError>);
    let cancel = move |_| {
        if !window()
            .confirm_with_message(t().cancel_confirm)
            .unwrap_or(false)
        {
            return;
        }
        leptos::task::spawn_local(async move {
            let fields = anyuan_core::order::map_of([(
                "status".to_owned(),
                Value::from(Status::Cancelled.code()),
            )]);
            if let Err(e) = save_fields(sync, Kind::Drill, id, unit, None, fields).await {
                error.set(Some(e));
            }
        });
    };
    let when = move || {
        drill.with(|d| {
            d.as_ref()
                .and_then(|d| d.scheduled)
                .map(|s| timefmt::date_time(lang(), s))
                .unwrap_or_default()
        })
    };
    let evaluated = move |r: &Option<Record>| {
        r.as_ref()
            .is_some_and(|r| r.get("evaluation").is_some() || r.get("students").is_some())
    };

    view! {
        <section class="page" data-testid="page-drill">
            <h1 class="page-title" data-testid="drill-title">
                {move || drill.with(|d| d.as_ref().and_then(|d| d.kind).map(|k| k.label(lang())).unwrap_or_default())}
            </h1>
            <p class="page-subtitle">
                <span class=move || status_class(status()) data-testid="drill-status">{move || status().label(lang())}</span>
                " "{when}
            </p>
            <div class="form-actions">
                {move || match status() {
                    Status::Planned | Status::Running => view! {
                        <A href=format!("/drills/{id}/run") attr:class="btn btn-primary grow" attr:data-testid="drill-run">
                            {move || if status() == Status::Running { t().resume } else { t().start }}
                        </A>
                    }.into_any(),
                    Status::Done => view! {
                        <A href=format!("/drills/{id}/evaluate") attr:class="btn btn-primary grow" attr:data-testid="drill-evaluate">
                            {move || t().evaluate_open}
                        </A>
                    }.into_any(),
                    Status::Cancelled => ().into_any(),
                }}
                {move || (status() == Status::Planned).then(|| view! {
                    <A href=format!("/drills/{id}/edit") attr:class="btn" attr:data-testid="drill-edit">{move || i18n.t().edit}</A>
                    <button class="btn" data-testid="drill-cancel" on:click=cancel>{move || t().cancel_drill}</button>
                })}
            </div>
            <SaveErrorView error=error/>
            <section class="card">
                <h2>{move || t().step_plan}</h2>
                <dl class="facts">
                    {fact("place")}
                    {fact("coordinator")}
                    <dt>{move || Kind::Drill.field("plan_id").map(|s| lang().pick(s.zh, s.en)).unwrap_or_default()}</dt>
                    <dd data-testid="drill-fact-plan_id">{move || match plan.get() {
                        Some((href, title)) => view! { <A href=href attr:data-testid="drill-plan-link">{title}</A> }.into_any(),
                        None => view! { <span>{move || t().missing_plan}</span> }.into_any(),
                    }}</dd>
                    {fact("plan")}
                    {fact("scenario")}
                    <dt>{move || t().classes_pick}</dt>
                    <dd data-testid="drill-fact-classes">{class_names}</dd>
                </dl>
            </section>
            {move || timing.with(|tm| tm.started).then(|| view! {
                <section class="card">
                    <h2>{move || t().milestones}</h2>
                    <TimingSummary timing=timing/>
                    <ArrivalsTable timing=timing/>
                </section>
            })}
            {move || rec.with(evaluated).then(|| view! {
                <section class="card" data-testid="drill-evaluation">
                    <h2>{move || t().evaluate}</h2>
                    <dl class="facts">
                        {fact("students")}
                        {fact("staff")}
                        {fact("problems")}
                        {fact("evaluation")}
                    </dl>
                </section>
            })}
            <Fixes drill=id unit=unit/>
            <ExportButtons name="drill" params=ReportParams { id: Some(id), ..ReportParams::default() }/>
        </section>
    }
}

/// Each class's arrival: time, present / expected, missing, injured.
#[component]
pub(crate) fn ArrivalsTable(timing: Memo<anyuan_core::drill::Timing>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    move || {
        let arrivals = timing.with(|tm| tm.arrivals.clone());
        (!arrivals.is_empty()).then(|| view! {
            <table class="table" tabindex="0" aria-label=move || t().arrivals_table data-testid="drill-arrivals-table">
                <thead><tr>
                    <th>{move || i18n.t().classes_name}</th>
                    <th>{move || t().elapsed}</th>
                    <th>{move || t().present}" / "{move || t().expected}</th>
                    <th>{move || t().missing}</th>
                    <th>{move || t().injured}</th>
                </tr></thead>
                <tbody>
                    {arrivals.into_iter().map(|a| view! {
                        <tr data-testid="drill-arrival-row">
                            <td>{a.class_name}</td>
                            <td>{a.seconds.map(|s| super::stopwatch(s * 1000)).unwrap_or_default()}</td>
                            <td>{a.present.unwrap_or(0)}" / "{a.expected.unwrap_or(0)}</td>
                            <td>{a.missing.unwrap_or(0)}</td>
                            <td>{a.injured.unwrap_or(0)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
    }
}
