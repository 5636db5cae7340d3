//! The drills page: this term's required drills, what is coming up, and
//! every drill with filters.

use std::collections::BTreeMap;

use anyuan_core::drill::{self, Compliance, Drill, DrillKind, Standing, Status};
use anyuan_core::export::ReportParams;
use anyuan_core::form;
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::timefmt;
use anyuan_core::{Role, Term};
use chrono::Duration;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::{ran_on, status_class};
use crate::clock;
use crate::components::export::ExportButtons;
use crate::components::form::{SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

fn standing_class(s: Standing) -> &'static str {
    match s {
        Standing::Overdue => "badge badge-bad",
        Standing::DueSoon | Standing::Open => "badge badge-warn",
        Standing::Scheduled => "badge",
        Standing::Met => "badge badge-ok",
        Standing::NotRequired => "badge badge-muted",
    }
}

#[component]
pub fn DrillList() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let unit = user.unit_id;
    let district = user.role == Role::DistrictAdmin;
    let can_edit_requirements = !district && drill::may_edit_requirements(user.role);

    let drills = Memo::new(move |_| {
        sync.status.data_version.track();
        sync.engine()
            .local
            .records_of(Kind::Drill)
            .iter()
            .filter(|r| district || r.unit == unit)
            .filter_map(Drill::from_record)
            .collect::<Vec<_>>()
    });
    let ran = Memo::new(move |_| ran_on(sync));
    let now = clock::local_now();
    let this_term = Term::of(now.date());
    let requirement_records = Memo::new(move |_| {
        sync.status.data_version.track();
        sync.engine().local.records_of(Kind::DrillRequirement)
    });
    let compliance = Memo::new(move |_| {
        let reqs = requirement_records.with(|r| drill::requirements(unit, r));
        let own: Vec<Drill> =
            drills.with(|d| d.iter().filter(|d| d.unit == unit).cloned().collect());
        ran.with(|ran| drill::compliance(&reqs, &own, ran, this_term, now))
    });

    let kind_filter = RwSignal::new(String::new());
    let status_filter = RwSignal::new(String::new());
    let term_filter = RwSignal::new(this_term.to_string());
    let date_of = move |d: &Drill| {
        ran.with(|r| r.get(&d.id).copied())
            .or(d.scheduled.map(|s| s.date()))
    };
    let shown = Memo::new(move |_| {
        let (k, s, term) = (kind_filter.get(), status_filter.get(), term_filter.get());
        let term = Term::parse(&term);
        let mut rows: Vec<Drill> = drills.with(|all| {
            all.iter()
                .filter(|d| k.is_empty() || d.kind.map(|x| x.code()) == Some(k.as_str()))
                .filter(|d| s.is_empty() || d.status.code() == s)
                .filter(|d| {
                    term.is_none_or(|term| date_of(d).is_some_and(|day| term.contains(day)))
                })
                .cloned()
                .collect()
        });
        anyuan_core::order::sort_by_key(&mut rows, |d| std::cmp::Reverse(d.scheduled));
        rows
    });
    let upcoming = Memo::new(move |_| {
        let until = now + Duration::days(30);
        let mut rows: Vec<Drill> = drills.with(|all| {
            all.iter()
                .filter(|d| d.status == Status::Planned)
                .filter(|d| {
                    d.scheduled
                        .is_some_and(|s| s >= now - Duration::hours(12) && s <= until)
                })
                .cloned()
                .collect()
        });
        anyuan_core::order::sort_by_key(&mut rows, |d| d.scheduled);
        rows
    });
    let editing = RwSignal::new(false);
    let terms = [this_term.prev(), this_term, this_term.next()];

    view! {
        <section class="page" data-testid="page-drills">
            <h1 class="page-title">{move || t().title}</h1>
            <div class="primary-action">
                <A href="/drills/new" attr:class="btn btn-primary btn-block" attr:data-testid="drill-new">
                    {move || t().new}
                </A>
            </div>

            {(!district).then(|| view! {
                <section class="card" data-testid="drill-compliance">
                    <h2>{move || t().compliance}" · "{move || this_term.label(lang())}</h2>
                    <table class="table" tabindex="0" aria-label=move || t().compliance>
                        <thead><tr>
                            <th>{move || t().col_kind}</th>
                            <th>{move || t().col_done}" / "{move || t().col_required}</th>
                            <th>{move || t().col_upcoming}</th>
                            <th>{move || t().col_due}</th>
                            <th>{move || t().col_standing}</th>
                        </tr></thead>
                        <tbody>
                            {move || compliance.get().into_iter().map(|c: Compliance| {
                                let kind = c.requirement.kind;
                                view! {
                                    <tr data-testid=format!("compliance-{}", kind.code())>
                                        <td>{move || kind.label(lang())}</td>
                                        <td>{c.done}" / "{c.requirement.per_term}</td>
                                        <td>{c.upcoming}</td>
                                        <td>{move || timefmt::date(lang(), c.due)}</td>
                                        <td><span class=standing_class(c.standing)>{move || c.standing.label(lang())}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {can_edit_requirements.then(|| view! {
                        <button class="btn" data-testid="drill-requirements-edit" on:click=move |_| editing.update(|e| *e = !*e)>
                            {move || t().edit_requirements}
                        </button>
                    })}
                    {move || editing.get().then(|| view! { <RequirementsEditor on_done=move || editing.set(false)/> })}
                </section>
            })}

            <section class="card">
                <h2>{move || t().upcoming}</h2>
                {move || {
                    let rows = upcoming.get();
                    if rows.is_empty() {
                        return view! { <p class="muted">{move || t().no_upcoming}</p> }.into_any();
                    }
                    let mut by_day: BTreeMap<chrono::NaiveDate, Vec<Drill>> = BTreeMap::new();
                    for d in rows {
                        if let Some(s) = d.scheduled {
                            by_day.entry(s.date()).or_default().push(d);
                        }
                    }
                    view! {
                        <div class="agenda" data-testid="drill-upcoming">
                            {by_day.into_iter().map(|(day, list)| view! {
                                <div class="agenda-day">
                                    <h3 class="agenda-date">{move || timefmt::date_with_weekday(lang(), day)}</h3>
                                    <ul class="cards">{list.into_iter().map(|d| view! { <DrillCard drill=d/> }).collect_view()}</ul>
                                </div>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
            </section>

            <section>
                <h2>{move || t().all_drills}</h2>
                <div class="filters">
                    <label class="field">
                        <span class="label">{move || t().filter_kind}</span>
                        <select data-testid="drill-filter-kind" on:change=move |ev| kind_filter.set(event_target_value(&ev))>
                            <option value="">{move || t().filter_all}</option>
                            {DrillKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{move || k.label(lang())}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="label">{move || t().filter_status}</span>
                        <select data-testid="drill-filter-status" on:change=move |ev| status_filter.set(event_target_value(&ev))>
                            <option value="">{move || t().filter_all}</option>
                            {Status::ALL.into_iter().map(|s| view! { <option value=s.code()>{move || s.label(lang())}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="label">{move || t().filter_term}</span>
                        <select data-testid="drill-filter-term" on:change=move |ev| term_filter.set(event_target_value(&ev))>
                            {terms.into_iter().map(|term| view! {
                                <option value=term.to_string() selected=term == this_term>{move || term.label(lang())}</option>
                            }).collect_view()}
                            <option value="">{move || t().filter_all}</option>
                        </select>
                    </label>
                </div>
                {move || {
                    let params = ReportParams {
                        term: Term::parse(&term_filter.get()),
                        unit: (!district).then_some(unit),
                        ..ReportParams::default()
                    };
                    view! { <ExportButtons name="drills" params=params/> }
                }}
                {move || shown.with(|s| s.is_empty()).then(|| view! {
                    <div class="empty-state"><p class="empty-title">{move || t().empty}</p></div>
                })}
                <ul class="cards" data-testid="drill-list">
                    <For each=move || shown.get() key=|d| (d.id, d.status, d.scheduled, d.place.clone()) let:d>
                        <DrillCard drill=d/>
                    </For>
                </ul>
            </section>
        </section>
    }
}

/// One drill in a list: kind, status, time and place; opens the drill.
#[component]
pub(crate) fn DrillCard(drill: Drill) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang.get();
    let href = format!("/drills/{}", drill.id);
    let kind = drill.kind;
    let status = drill.status;
    let when = drill.scheduled;
    let overdue = drill.is_overdue(clock::local_now());
    let place = drill.place.clone();
    view! {
        <li class="card row-card" data-testid="drill-item">
            <div class="grow">
                <strong data-testid="drill-item-kind">{move || kind.map(|k| k.label(lang())).unwrap_or_default()}</strong>
                <span class="muted">{move || when.map(|w| timefmt::date_time(lang(), w)).unwrap_or_default()}" "{place.clone()}</span>
            </div>
            {if overdue {
                view! { <span class="badge badge-bad">{move || i18n.t().drill.today_overdue}</span> }.into_any()
            } else {
                view! { <span class=status_class(status) data-testid="drill-item-status">{move || status.label(lang())}</span> }.into_any()
            }}
            <A href=href attr:class="btn">{move || i18n.t().drill.open}</A>
        </li>
    }
}

/// One kind's row of the requirements editor.
#[derive(Clone)]
struct ReqRow {
    kind: DrillKind,
    /// The record that holds it (`None`: the default applies).
    id: Option<RecordId>,
    per_term: RwSignal<String>,
    due_week: RwSignal<String>,
}

/// The school admin edits how many drills of each kind are required per
/// term and by which week. Each kind is its own record, so two admins
/// editing different kinds never conflict.
#[component]
fn RequirementsEditor(on_done: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let unit = sync.engine().session.user.unit_id;
    let current = drill::requirements(
        unit,
        &sync.engine().local.records_of(Kind::DrillRequirement),
    );
    let rows: Vec<ReqRow> = current
        .iter()
        .map(|(r, id)| ReqRow {
            kind: r.kind,
            id: *id,
            per_term: RwSignal::new(r.per_term.to_string()),
            due_week: RwSignal::new(r.due_week.to_string()),
        })
        .collect();
    let error = RwSignal::new(None::<SaveError>);
    let problems = RwSignal::new(Vec::<String>::new());
    let rows_for_save = rows.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut edits = Vec::new();
        let mut found = Vec::new();
        for ReqRow {
            kind,
            id,
            per_term: per,
            due_week: due,
        } in &rows_for_save
        {
            let inputs = anyuan_core::order::map_of([
                ("drill_kind".to_owned(), kind.code().to_owned()),
                ("per_term".to_owned(), per.get_untracked()),
                ("due_week".to_owned(), due.get_untracked()),
            ]);
            let checked = form::check(Kind::DrillRequirement, &inputs, true);
            if !checked.is_ok() {
                for p in checked.problems.values() {
                    found.push(format!(
                        "{}: {}",
                        kind.label(lang()),
                        lang().pick(&p.zh, &p.en)
                    ));
                }
                continue;
            }
            // `current` holds the defaults for kinds the unit has not set.
            let before = current
                .iter()
                .find(|(r, _)| r.kind == *kind)
                .map(|(r, _)| r.fields())
                .unwrap_or_default();
            if checked.values == before {
                continue;
            }
            let mut fields = checked.values;
            if id.is_some() {
                // Only what changed, so two admins' edits of one kind merge.
                fields.retain(|k, v| before.get(k) != Some(v));
            }
            edits.push((id.unwrap_or_else(|| RecordId(Uuid::now_v7())), fields));
        }
        problems.set(found.clone());
        if !found.is_empty() {
            return;
        }
        let done = on_done.clone();
        leptos::task::spawn_local(async move {
            for (id, fields) in edits {
                if let Err(e) =
                    save_fields(sync, Kind::DrillRequirement, id, unit, None, fields).await
                {
                    error.set(Some(e));
                    return;
                }
            }
            done();
        });
    };
    view! {
        <form class="form" on:submit=save novalidate data-testid="drill-requirements-form">
            <p class="muted">{move || t().requirements_hint}</p>
            <table class="table" tabindex="0" aria-label=move || t().requirements_table>
                <thead><tr><th>{move || t().col_kind}</th><th>{move || t().per_term}</th><th>{move || t().due_week}</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|ReqRow { kind, per_term: per, due_week: due, .. }| view! {
                        <tr>
                            <td>{move || kind.label(lang())}</td>
                            <td><input type="number" inputmode="numeric" min="0" max="20" aria-label=move || t().per_term
                                data-testid=format!("req-{}-per-term", kind.code())
                                prop:value=move || per.get() on:input=move |ev| per.set(event_target_value(&ev))/></td>
                            <td><input type="number" inputmode="numeric" min="1" max="26" aria-label=move || t().due_week
                                data-testid=format!("req-{}-due-week", kind.code())
                                prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {move || problems.get().into_iter().map(|p| view! { <p class="field-error">{p}</p> }).collect_view()}
            <SaveErrorView error=error/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary grow" data-testid="drill-requirements-save">{move || i18n.t().save}</button>
            </div>
        </form>
    }
}
