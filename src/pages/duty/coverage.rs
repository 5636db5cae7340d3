//! Required coverage periods (值班保障时段): holidays, the event window and
//! other periods that need round-the-clock duty, with the minimum number on
//! duty per role as data. Everyone sees this term's and later periods on the
//! roster with whether each one is covered; admins add, correct and delete
//! their unit's (the district's apply to every unit of the district).

use anyuan_core::duty::{
    CoveragePeriod, CoverageReason, DutyData, Shift, coverage_to_list, day_start, period_gaps,
};
use anyuan_core::kind::Kind;
use anyuan_core::timefmt;
use anyuan_core::validate::format_date_time;
use anyuan_core::{Lang, duty};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{DeleteTwice, is_admin, own_route_record, save_then_roster, scope};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// One listed period with what the roster makes of it.
#[derive(Clone, PartialEq)]
struct Row {
    period: CoveragePeriod,
    /// Gaps in it by its own rule (none once it is over: too late to fill).
    gaps: usize,
    /// It has ended.
    past: bool,
    /// The signed-in admin may change it (their unit's).
    editable: bool,
}

/// The coverage periods on the roster: this term's and later ones, each
/// with its rule and whether the roster covers it; a tap shows its first
/// day on the roster (`day`, day view).
#[component]
pub fn CoverageList(
    data: Memo<DutyData>,
    day: RwSignal<NaiveDate>,
    week: RwSignal<bool>,
    now: RwSignal<NaiveDateTime>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let admin = is_admin(sync);
    let rows = Memo::new(move |_| {
        let now = now.get();
        data.with(|d| {
            let mine: Vec<Shift> = d
                .shifts
                .iter()
                .filter(|s| s.unit == scope.unit)
                .cloned()
                .collect();
            coverage_to_list(&d.coverage, scope, now.date())
                .into_iter()
                .map(|p| {
                    let past = p.until <= now;
                    Row {
                        gaps: if past { 0 } else { period_gaps(&mine, p).len() },
                        past,
                        editable: admin && p.unit == scope.unit,
                        period: p.clone(),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="card" data-testid="duty-coverage">
            <h2>{move || t().coverage}</h2>
            <p class="muted">{move || t().coverage_hint}</p>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p class="muted" data-testid="duty-coverage-empty">{move || t().no_coverage}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {list.into_iter().map(|r| {
                            let p = r.period.clone();
                            let (id, from) = (p.id, p.from);
                            let (word, class) = if r.past {
                                (t().coverage_past.to_owned(), "badge badge-muted")
                            } else if r.gaps == 0 {
                                (t().coverage_covered.to_owned(), "badge badge-ok")
                            } else {
                                (format!("{}{}", t().coverage_gaps, r.gaps), "badge badge-bad")
                            };
                            let name = p.name.clone();
                            let data_name = name.clone().unwrap_or_default();
                            let reason = p.reason;
                            let rule = p.rule;
                            let district = p.unit != scope.unit;
                            view! {
                                <li class="card row-card" data-testid="duty-coverage-item" data-name=data_name>
                                    <div class="grow">
                                        <strong>{move || name.clone().unwrap_or_else(|| reason.label(lang()).to_owned())}</strong>
                                        <span>
                                            <span class="badge">{move || reason.label(lang())}</span>" "
                                            <span class=class data-testid="duty-coverage-status">{word}</span>
                                            {district.then(|| view! { " "<span class="badge badge-muted">{move || t().coverage_district}</span> })}
                                        </span>
                                        <span>{move || timefmt::date_time(lang(), p.from)}" – "{move || timefmt::date_time(lang(), p.until)}</span>
                                        <span class="muted">{move || t().coverage_rule}{move || rule.describe(lang())}</span>
                                    </div>
                                    <button class="btn" data-testid="duty-coverage-show"
                                        on:click=move |_| { week.set(false); day.set(from.date()); }>{move || t().show_on_roster}</button>
                                    {r.editable.then(|| view! {
                                        <A href=format!("/duty/coverage/{id}/edit") attr:class="btn" attr:data-testid="duty-coverage-edit">{move || i18n.t().edit}</A>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {admin.then(|| view! {
                <A href="/duty/coverage/new" attr:class="btn" attr:data-testid="duty-new-coverage">{move || t().new_coverage}</A>
            })}
        </section>
    }
}

const FIELDS: [&str; 7] = [
    "reason",
    "name",
    "from",
    "until",
    "min_leader",
    "min_officer",
    "min_guard",
];

fn reason_label(code: &str, lang: Lang) -> &'static str {
    CoverageReason::from_code(code).map_or("", |r| r.label(lang))
}

/// Adds a coverage period (admins: the district's applies to every unit).
#[component]
pub fn CoverageNew() -> impl IntoView {
    use crate::components::not_allowed::{NotAllowed, may_write};
    if !may_write(Kind::DutyCoverage) {
        return view! { <NotAllowed kind=Kind::DutyCoverage back="/duty"/> }.into_any();
    }
    view! { <CoverageForm existing=None/> }.into_any()
}

/// Corrects or deletes one of the admin's unit's coverage periods.
#[component]
pub fn CoverageEdit() -> impl IntoView {
    let sync = use_sync();
    let existing = own_route_record(sync, Kind::DutyCoverage);
    match existing {
        _ if !is_admin(sync) => view! {
            <crate::components::not_allowed::NotAllowed kind=Kind::DutyCoverage back="/duty"/>
        }
        .into_any(),
        Some(r) => view! { <CoverageForm existing=Some(r)/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn CoverageForm(existing: Option<anyuan_core::Record>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let sync = use_sync();
    let unit = scope(sync).unit;
    // A new period: tomorrow, the whole day, the default rule.
    let tomorrow = day_start(clock::local_now().date() + Duration::days(1));
    let rule = duty::CoverageRule::default();
    let defaults = [
        ("reason", "holiday".to_owned()),
        ("from", format_date_time(tomorrow)),
        ("until", format_date_time(tomorrow + Duration::days(1))),
        ("min_leader", rule.leader.to_string()),
        ("min_officer", rule.officer.to_string()),
        ("min_guard", rule.guard.to_string()),
    ];
    let id = existing.as_ref().map(|r| r.id);
    let draft = crate::components::form::draft_key("duty_coverage", id);
    let form = FormState::new(
        Kind::DutyCoverage,
        &FIELDS,
        existing.as_ref(),
        &defaults,
        Some(draft),
    );
    let submit = save_then_roster(form, unit);
    let (DeleteTwice { armed, error }, delete) =
        DeleteTwice::new(sync, Kind::DutyCoverage, id, unit, || false);
    let editing = id.is_some();
    view! {
        <section class="page" data-testid="page-duty-coverage">
            <h1 class="page-title">{move || if editing { t().edit_coverage } else { t().new_coverage }}</h1>
            <p class="page-subtitle">{move || t().coverage_hint}</p>
            <form class="card form" on:submit=submit novalidate data-testid="duty-coverage-form">
                <Field form=form field="reason" labels=reason_label/>
                <Field form=form field="name"/>
                <div class="form-row">
                    <Field form=form field="from"/>
                    <Field form=form field="until"/>
                </div>
                <div class="form-row">
                    <Field form=form field="min_leader"/>
                    <Field form=form field="min_officer"/>
                    <Field form=form field="min_guard"/>
                </div>
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="duty-coverage-save"/>
            </form>
            {editing.then(|| view! {
                <div class="form-actions">
                    <SaveErrorView error=error/>
                    <button class="btn" data-testid="duty-coverage-delete" on:click=delete>
                        {move || if armed.get() { t().delete_confirm } else { t().delete }}
                    </button>
                </div>
            })}
        </section>
    }
}
