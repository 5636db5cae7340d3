//! The roster (排班): a day view and a week view of the unit's shifts with
//! each one's status, the coverage gaps of the days on screen (before they
//! happen), the coverage periods, the alerts in force, and for admins
//! adding, correcting and deleting shifts and copying last week.

use anyuan_core::duty::{
    self, DutyData, Gap, Shift, day_start, gaps, required_periods, shift_status, shifts_on_day,
    week_start,
};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::timefmt;
use anyuan_core::validate::format_date_time;
use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::{
    DeleteTwice, duty_data, hm, is_admin, now_signal, own_route_record, role_label,
    save_then_roster, scope, status_word,
};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

#[component]
pub fn DutyRoster() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let admin = is_admin(sync);
    let now = now_signal();
    let day = RwSignal::new(clock::local_now().date());
    let week = RwSignal::new(false);
    let data = Memo::new(move |_| duty_data(sync));
    // The days on screen.
    let days = move || {
        if week.get() {
            let monday = week_start(day.get());
            (0..7)
                .map(|i| monday + Duration::days(i))
                .collect::<Vec<_>>()
        } else {
            vec![day.get()]
        }
    };
    let mine = move |d: &DutyData| -> Vec<Shift> {
        d.shifts
            .iter()
            .filter(|s| s.unit == scope.unit)
            .cloned()
            .collect()
    };
    let shown_gaps = Memo::new(move |_| {
        let ds = days();
        let (Some(first), Some(last)) = (ds.first().copied(), ds.last().copied()) else {
            return Vec::new();
        };
        let (from, until) = (day_start(first), day_start(last + Duration::days(1)));
        data.with(|d| {
            let periods = required_periods(&d.coverage, &d.alerts, scope, until);
            gaps(&mine(d), &periods)
                .into_iter()
                .filter(|g| g.from < until && from < g.until)
                .collect::<Vec<Gap>>()
        })
    });
    let step = move |dir: i64| {
        let n = if week.get_untracked() { 7 } else { 1 };
        day.update(|d| *d += Duration::days(n * dir));
    };
    let copy_msg = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<SaveError>);
    let copy = move |_| {
        let this = day.get_untracked();
        let maps =
            data.with_untracked(|d| duty::copy_week(&mine(d), this - Duration::days(7), this));
        let n = maps.len();
        leptos::task::spawn_local(async move {
            for fields in maps {
                let id = RecordId(Uuid::now_v7());
                if let Err(e) =
                    save_fields(sync, Kind::DutyShift, id, scope.unit, None, fields).await
                {
                    error.set(Some(e));
                    return;
                }
            }
            let t = i18n.t().duty;
            copy_msg.set(Some(if n == 0 {
                t.copy_week_none.to_owned()
            } else {
                format!("{}{n}", t.copy_week_done)
            }));
        });
    };

    view! {
        <section class="page" data-testid="page-duty">
            <h1 class="page-title">{move || t().title}</h1>
            <super::alert::AlertList/>
            <div class="filters" role="group">
                <div class="choices">
                    <button class="btn choice" aria-pressed=move || (!week.get()).to_string()
                        data-testid="duty-day-view" on:click=move |_| week.set(false)>{move || t().day_view}</button>
                    <button class="btn choice" aria-pressed=move || week.get().to_string()
                        data-testid="duty-week-view" on:click=move |_| week.set(true)>{move || t().week_view}</button>
                </div>
                <button class="btn" data-testid="duty-prev" on:click=move |_| step(-1)>
                    {move || if week.get() { t().prev_week } else { t().prev }}
                </button>
                <button class="btn" data-testid="duty-today" on:click=move |_| day.set(clock::local_now().date())>{move || t().today}</button>
                <button class="btn" data-testid="duty-next" on:click=move |_| step(1)>
                    {move || if week.get() { t().next_week } else { t().next }}
                </button>
            </div>
            {admin.then(|| view! {
                <div class="form-actions">
                    <A href="/duty/shifts/new" attr:class="btn btn-primary grow" attr:data-testid="duty-new-shift">{move || t().new_shift}</A>
                    {move || week.get().then(|| view! {
                        <button class="btn" data-testid="duty-copy-week" on:click=copy>{move || t().copy_week}</button>
                    })}
                </div>
                {move || copy_msg.get().map(|m| view! { <p class="banner banner-ok" role="status" data-testid="duty-copy-result">{m}</p> })}
                <SaveErrorView error=error/>
            })}
            <section class="card" data-testid="duty-gaps">
                <h2>{move || t().gaps}</h2>
                {move || {
                    let list = shown_gaps.get();
                    if list.is_empty() {
                        return view! { <p><span class="badge badge-ok">{move || t().no_gaps}</span></p> }.into_any();
                    }
                    view! {
                        <p class="muted">{move || t().gaps_hint}</p>
                        <ul class="plain-list">
                            {list.into_iter().map(|g| {
                                let missing = move || g.missing.iter().map(|r| r.label(lang())).collect::<Vec<_>>().join("、");
                                view! { <li data-testid="duty-gap">
                                    <span class="badge badge-bad">{move || t().gap_missing}</span>" "
                                    {move || missing()}" · "
                                    {move || timefmt::date_time(lang(), g.from)}" – "{move || timefmt::date_time(lang(), g.until)}
                                </li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <super::coverage::CoverageList data=data day=day week=week now=now/>
            {move || {
                let ds = days();
                let many = ds.len() > 1;
                let all = data.with(mine);
                let any = ds.iter().any(|d| !shifts_on_day(&all, *d).is_empty());
                if !any {
                    return view! {
                        <div class="empty-state" data-testid="duty-empty">
                            <p class="empty-title">{move || if many { t().no_shifts_week } else { t().no_shifts }}</p>
                        </div>
                    }.into_any();
                }
                ds.into_iter().map(|d| view! { <DayShifts day=d many=many data=data now=now/> }).collect_view().into_any()
            }}
            <super::export::DutyExports/>
        </section>
    }
}

/// One day's shifts with their status.
#[component]
fn DayShifts(
    day: NaiveDate,
    many: bool,
    data: Memo<DutyData>,
    now: RwSignal<chrono::NaiveDateTime>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let unit = scope(sync).unit;
    move || {
        let rows = data.with(|d| {
            let mine: Vec<Shift> = d
                .shifts
                .iter()
                .filter(|s| s.unit == unit)
                .cloned()
                .collect();
            shifts_on_day(&mine, day)
                .into_iter()
                .map(|s| (s.clone(), shift_status(s, &d.checks, now.get())))
                .collect::<Vec<_>>()
        });
        if many && rows.is_empty() {
            return ().into_any();
        }
        view! {
            {many.then(|| view! { <h2 class="agenda-date">{move || timefmt::date_with_weekday(lang(), day)}</h2> })}
            <ul class="cards" data-testid="duty-shifts">
                {rows.into_iter().map(|(s, st)| {
                    let class = status_word(st, t()).1;
                    let id = s.id;
                    let role = s.role;
                    let (start, end) = (s.start, s.end);
                    view! {
                        <li class="card row-card" data-testid="duty-shift" data-person=s.person.clone()>
                            <div class="grow">
                                <strong>{hm(start)}" – "{hm(end)}</strong>" "
                                <span>{move || role.label(lang())}</span>" "
                                <strong data-testid="duty-shift-person">{s.person.clone()}</strong>" "
                                <span class=class data-testid="duty-shift-status">{move || status_word(st, t()).0}</span>
                                {s.phone.clone().map(|p| view! { <a class="muted" href=format!("tel:{p}")>" "{p.clone()}</a> })}
                            </div>
                            <A href=format!("/duty/shifts/{id}") attr:class="btn" attr:data-testid="duty-shift-open">{move || t().open}</A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

const SHIFT_FIELDS: [&str; 6] = ["person", "role", "phone", "start", "end", "note"];

/// Adds a shift to the roster (admins).
#[component]
pub fn ShiftNew() -> impl IntoView {
    use crate::components::not_allowed::{NotAllowed, may_write};
    if !may_write(Kind::DutyShift) {
        return view! { <NotAllowed kind=Kind::DutyShift back="/duty"/> }.into_any();
    }
    view! { <ShiftForm existing=None/> }.into_any()
}

/// Corrects a shift of the admin's unit, or deletes it while nothing is
/// logged on it (a log is evidence: a shift with one is corrected instead).
#[component]
pub fn ShiftEdit() -> impl IntoView {
    let sync = use_sync();
    let existing = own_route_record(sync, Kind::DutyShift);
    match existing {
        _ if !is_admin(sync) => view! {
            <crate::components::not_allowed::NotAllowed kind=Kind::DutyShift back="/duty"/>
        }
        .into_any(),
        Some(r) => view! { <ShiftForm existing=Some(r)/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn ShiftForm(existing: Option<anyuan_core::Record>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let sync = use_sync();
    let unit = scope(sync).unit;
    let today = clock::local_now().date();
    let defaults = [
        (
            "start",
            format_date_time(day_start(today) + Duration::hours(8)),
        ),
        (
            "end",
            format_date_time(day_start(today) + Duration::hours(20)),
        ),
    ];
    let id = existing.as_ref().map(|r| r.id);
    let draft = crate::components::form::draft_key("duty_shift", id);
    let form = FormState::new(
        Kind::DutyShift,
        &SHIFT_FIELDS,
        existing.as_ref(),
        &defaults,
        Some(draft),
    );
    let submit = save_then_roster(form, unit);
    // A shift with a log is not deleted (tracked: a check-in may arrive).
    let has_log = Memo::new(move |_| {
        id.is_some_and(|id| {
            let d = duty_data(sync);
            !duty::shift_log(id, &d).is_empty()
        })
    });
    let (DeleteTwice { armed, error }, delete) =
        DeleteTwice::new(sync, Kind::DutyShift, id, unit, move || {
            has_log.get_untracked()
        });
    let editing = id.is_some();
    view! {
        <section class="page" data-testid=if editing { "page-duty-shift-edit" } else { "page-duty-shift-new" }>
            <h1 class="page-title">{move || if editing { t().edit_shift } else { t().new_shift }}</h1>
            <form class="card form" on:submit=submit novalidate data-testid="duty-shift-form">
                <Field form=form field="person"/>
                <Field form=form field="role" labels=role_label/>
                <Field form=form field="phone"/>
                <div class="form-row">
                    <Field form=form field="start"/>
                    <Field form=form field="end"/>
                </div>
                <Field form=form field="note"/>
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="duty-shift-save"/>
            </form>
            {editing.then(|| view! {
                <div class="form-actions">
                    <SaveErrorView error=error/>
                    {move || if has_log.get() {
                        view! { <p class="muted" data-testid="duty-shift-has-log">{move || t().shift_has_log}</p> }.into_any()
                    } else {
                        view! {
                            <button class="btn" data-testid="duty-shift-delete" on:click=delete.clone()>
                                {move || if armed.get() { t().delete_confirm } else { t().delete }}
                            </button>
                        }.into_any()
                    }}
                </div>
            })}
        </section>
    }
}
