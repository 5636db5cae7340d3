//! Weather alerts (气象预警): setting one (the district for every unit, a
//! school for itself), lifting it, and while it is in force the unit's
//! checklist and its status reports, which the district sees.

use std::collections::BTreeMap;

use anyuan_core::duty::{
    self, AlertLevel, AlertType, ReportStatus, WeatherAlert, checklist_for, checklist_rows,
    report_due, tick_fields,
};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::timefmt;
use anyuan_core::validate::{DELETED, format_date_time};
use anyuan_core::{Lang, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use uuid::Uuid;

use super::{active_alerts_memo, duty_data, is_admin, now_signal, scope, unit_name};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView, save_fields};
use crate::data::route_id;
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

/// The badge class of an alert level (the level's word goes with it).
pub(crate) fn level_class(l: AlertLevel) -> &'static str {
    match l {
        AlertLevel::Blue => "badge",
        AlertLevel::Yellow | AlertLevel::Orange => "badge badge-warn",
        AlertLevel::Red => "badge badge-bad",
    }
}

/// The alerts in force for the user's unit, each a link to its page, and
/// for admins the way to set one.
#[component]
pub fn AlertList() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let now = now_signal();
    let alerts = active_alerts_memo(sync, now);
    view! {
        <section class="card" data-testid="duty-alerts">
            <h2>{move || t().alerts}</h2>
            {move || {
                let list = alerts.get();
                if list.is_empty() {
                    return view! { <p class="muted">{move || t().no_alerts}</p> }.into_any();
                }
                view! {
                    <ul class="plain-list">
                        {list.into_iter().map(|a| {
                            let a2 = a.clone();
                            view! { <li class="row-card" data-testid="duty-alert">
                                <span class=level_class(a.level)>{move || a.level.label(lang())}</span>" "
                                <strong class="grow">{move || a2.title(lang())}</strong>
                                <A href=format!("/duty/alerts/{}", a.id) attr:class="btn" attr:data-testid="duty-alert-open">{move || t().open}</A>
                            </li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {is_admin(sync).then(|| view! {
                <div class="button-row">
                    <A href="/duty/alerts/new" attr:class="btn" attr:data-testid="duty-new-alert">{move || t().new_alert}</A>
                    <A href="/duty/checklists" attr:class="btn" attr:data-testid="duty-edit-checklists">{move || t().edit_checklists}</A>
                </div>
            })}
        </section>
    }
}

const ALERT_FIELDS: [&str; 7] = [
    "alert_type",
    "level",
    "from",
    "until",
    "report_interval",
    "note",
    "extra_items",
];

fn type_label(code: &str, lang: Lang) -> &'static str {
    AlertType::from_code(code).map_or("", |t| t.label(lang))
}

fn level_label(code: &str, lang: Lang) -> &'static str {
    AlertLevel::from_code(code).map_or("", |l| l.label(lang))
}

/// Sets a weather alert in the admin's unit (the district's applies to all).
#[component]
pub fn AlertNew() -> impl IntoView {
    use crate::components::not_allowed::{NotAllowed, may_write};
    if !may_write(Kind::WeatherAlert) {
        return view! { <NotAllowed kind=Kind::WeatherAlert back="/duty"/> }.into_any();
    }
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let unit = user.unit_id;
    let district = user.role == Role::DistrictAdmin;
    let defaults = [
        ("from", format_date_time(clock::local_now())),
        (
            "report_interval",
            duty::DEFAULT_REPORT_INTERVAL_MIN.to_string(),
        ),
    ];
    let form = FormState::new(
        Kind::WeatherAlert,
        &ALERT_FIELDS,
        None,
        &defaults,
        Some("weather_alert:new".to_owned()),
    );
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if let Some(id) = form.save(unit, None, BTreeMap::new()).await {
                navigate(&format!("/duty/alerts/{id}"), Default::default());
            }
        });
    };
    view! {
        <section class="page" data-testid="page-duty-alert-new">
            <h1 class="page-title">{move || t().new_alert}</h1>
            <p class="page-subtitle">{move || if district { t().new_alert_district } else { t().new_alert_school }}</p>
            <form class="card form" on:submit=submit novalidate data-testid="weather-alert-form">
                <Field form=form field="alert_type" labels=type_label/>
                <Field form=form field="level" labels=level_label/>
                <Field form=form field="from"/>
                <Field form=form field="until"/>
                <Field form=form field="report_interval"/>
                <Field form=form field="note"/>
                <Field form=form field="extra_items"/>
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="weather-alert-save"/>
            </form>
        </section>
    }
    .into_any()
}

#[component]
pub fn AlertDetail() -> impl IntoView {
    let sync = use_sync();
    let id = route_id();
    let alert = Memo::new(move |_| {
        id.and_then(|id| duty_data(sync).alerts.into_iter().find(|a| a.id == id))
    });
    move || match alert.get() {
        Some(_) => view! { <Detail alert=alert/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn Detail(alert: Memo<Option<WeatherAlert>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let user = sync.engine().session.user.clone();
    let now = now_signal();
    let data = Memo::new(move |_| duty_data(sync));
    let Some(first) = alert.get_untracked() else {
        return ().into_any();
    };
    let (id, alert_unit) = (first.id, first.unit);
    let cur_m = Memo::new(move |_| alert.get().unwrap_or_else(|| first.clone()));
    let cur = move || cur_m.get();
    // The district oversees; schools tick and report.
    let reporting = user.role != Role::DistrictAdmin;
    let may_lift = is_admin(sync) && alert_unit == user.unit_id;
    let active = move || cur().is_active(now.get());
    let state = move || {
        let a = cur();
        let n = now.get();
        if a.is_active(n) {
            (t().alert_active, "badge badge-bad")
        } else if n < a.from {
            (t().alert_upcoming, "badge badge-warn")
        } else {
            (t().alert_ended, "badge badge-muted")
        }
    };
    let error = RwSignal::new(None::<SaveError>);
    let lift = move |_| {
        if !window()
            .confirm_with_message(t().lift_confirm)
            .unwrap_or(false)
        {
            return;
        }
        let fields = anyuan_core::order::map_of([(
            "until".to_owned(),
            Value::from(format_date_time(clock::local_now())),
        )]);
        leptos::task::spawn_local(async move {
            error.set(
                save_fields(sync, Kind::WeatherAlert, id, alert_unit, None, fields)
                    .await
                    .err(),
            );
        });
    };
    view! {
        <section class="page" data-testid="page-duty-alert">
            <h1 class="page-title" data-testid="duty-alert-title">{move || cur().title(lang())}</h1>
            <p class="page-subtitle">
                <span class=move || state().1 data-testid="duty-alert-state">{move || state().0}</span>" "
                <span class=move || level_class(cur().level)>{move || cur().level.label(lang())}</span>" "
                {move || timefmt::date_time(lang(), cur().from)}" – "
                {move || cur().until.map(|u| timefmt::date_time(lang(), u)).unwrap_or_default()}
            </p>
            {move || cur().note.map(|n| view! { <p>{n}</p> })}
            <SaveErrorView error=error/>
            {move || (reporting && active()).then(|| view! {
                <ReportForm alert=id now=now data=data/>
                <Checklist alert=alert data=data/>
            })}
            <Reports alert=id data=data reporting_unit=reporting.then_some(scope.unit)/>
            {move || (may_lift && active()).then(|| view! {
                <div class="form-actions">
                    <button class="btn" data-testid="duty-alert-lift" on:click=lift>{move || t().lift_alert}</button>
                </div>
            })}
        </section>
    }
    .into_any()
}

/// The unit's checklist for an alert: one tap ticks an item (a record of
/// its own), another unticks it.
#[component]
fn Checklist(alert: Memo<Option<WeatherAlert>>, data: Memo<duty::DutyData>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let by = sync.engine().session.user.display_name.clone();
    let error = RwSignal::new(None::<SaveError>);
    let rows = Memo::new(move |_| {
        let Some(a) = alert.get() else {
            return Vec::new();
        };
        data.with(|d| {
            let items = checklist_for(&a, &d.checklists, scope);
            checklist_rows(&items, &d.ticks, a.id, scope.unit)
                .into_iter()
                .map(|r| {
                    (
                        r.item.clone(),
                        r.ticks.iter().map(|t| t.id).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let toggle = move |item: duty::ChecklistItem, ticks: Vec<RecordId>| {
        let Some(a) = alert.get_untracked() else {
            return;
        };
        let by = by.clone();
        leptos::task::spawn_local(async move {
            let result = if ticks.is_empty() {
                let fields = tick_fields(a.id, &item, clock::local_now(), &by);
                save_fields(
                    sync,
                    Kind::AlertTick,
                    RecordId(Uuid::now_v7()),
                    scope.unit,
                    None,
                    fields,
                )
                .await
            } else {
                let mut r = Ok(());
                for tid in ticks {
                    let fields =
                        anyuan_core::order::map_of([(DELETED.to_owned(), Value::Bool(true))]);
                    r = save_fields(sync, Kind::AlertTick, tid, scope.unit, None, fields).await;
                    if r.is_err() {
                        break;
                    }
                }
                r
            };
            error.set(result.err());
        });
    };
    view! {
        <section class="card" data-testid="duty-checklist">
            <h2>{move || t().checklist}</h2>
            <SaveErrorView error=error/>
            <ul class="plain-list">
                {move || rows.get().into_iter().map(|(item, ticks)| {
                    let done = !ticks.is_empty();
                    let label = item.clone();
                    let toggle = toggle.clone();
                    view! {
                        <li>
                            <label class="check" data-testid="duty-checklist-item">
                                <input type="checkbox" prop:checked=done
                                    on:change=move |_| toggle(item.clone(), ticks.clone())/>
                                <span>{move || label.label(lang()).to_owned()}</span>
                                {done.then(|| view! { " "<span class="badge badge-ok">{move || t().checklist_done}</span> })}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The status report form with when the next one is due.
#[component]
fn ReportForm(
    alert: RecordId,
    now: RwSignal<chrono::NaiveDateTime>,
    data: Memo<duty::DutyData>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let unit = scope(sync).unit;
    let by = sync.engine().session.user.display_name.clone();
    let due = Memo::new(move |_| {
        data.with(|d| {
            d.alerts
                .iter()
                .find(|a| a.id == alert)
                .and_then(|a| report_due(a, &d.reports, unit, now.get()))
        })
    });
    // `alert` and `at` are required but not typed: set here and at sending.
    let form = FormState::new(
        Kind::AlertReport,
        &["alert", "status", "at", "note"],
        None,
        &[
            ("alert", alert.to_string()),
            ("status", "all_well".to_owned()),
            ("at", format_date_time(clock::local_now())),
        ],
        Some(format!("alert_report:{alert}")),
    );
    let status_label: fn(&str, Lang) -> &'static str = |code, lang| match code {
        "all_well" => ReportStatus::AllWell.label(lang),
        _ => ReportStatus::Problems.label(lang),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.set("at", format_date_time(clock::local_now()));
        let extra = anyuan_core::order::map_of([("by".to_owned(), Value::from(by.clone()))]);
        leptos::task::spawn_local(async move {
            if form.save(unit, None, extra).await.is_some() {
                form.inputs.update(|i| {
                    i.insert("note".to_owned(), String::new());
                });
                form.touched.set(false);
            }
        });
    };
    view! {
        <section class="card" data-testid="duty-report-form">
            <h2>{move || t().reports}</h2>
            {move || due.get().map(|d| {
                let (word, class) = if d.overdue { (t().report_overdue, "badge badge-bad") } else { (t().report_on_time, "badge badge-ok") };
                view! { <p data-testid="duty-report-due"><span class=class>{word}</span>" "{move || t().report_due}{timefmt::date_time(lang(), d.due)}</p> }
            })}
            <form class="form" on:submit=submit novalidate>
                <Field form=form field="status" labels=status_label/>
                <Field form=form field="note"/>
                <SaveErrorView error=form.error/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary grow" data-testid="duty-report-send"
                        disabled=move || form.saving.get()>{move || t().report_now}</button>
                </div>
            </form>
        </section>
    }
}

/// The status reports on an alert: a school sees its own, the district
/// every school's.
#[component]
fn Reports(
    alert: RecordId,
    data: Memo<duty::DutyData>,
    reporting_unit: Option<anyuan_core::UnitId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let rows = Memo::new(move |_| {
        data.with(|d| {
            let mut r: Vec<_> = d
                .reports
                .iter()
                .filter(|r| r.alert == alert && reporting_unit.is_none_or(|u| r.unit == u))
                .cloned()
                .collect();
            anyuan_core::order::sort_by_key(&mut r, |r| std::cmp::Reverse((r.at, r.id)));
            r
        })
    });
    view! {
        <section class="card" data-testid="duty-reports">
            <h2>{move || t().reports}</h2>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p class="muted">{move || t().no_reports}</p> }.into_any();
                }
                view! {
                    <table class="table" tabindex="0" aria-label=move || t().reports>
                        <thead><tr>
                            <th>{move || t().unit}</th>
                            <th>{move || t().col_reported_at}</th>
                            <th>{move || t().col_status}</th>
                            <th>{move || t().col_details}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| {
                                let class = match r.status { ReportStatus::AllWell => "badge badge-ok", ReportStatus::Problems => "badge badge-bad" };
                                let unit = r.unit;
                                view! { <tr data-testid="duty-report-row">
                                    <td>{move || unit_name(sync, unit)}</td>
                                    <td>{move || timefmt::date_time(lang(), r.at)}</td>
                                    <td><span class=class>{move || r.status.label(lang())}</span></td>
                                    <td>{r.note.clone()}" "{r.by.clone().map(|b| format!("· {b}"))}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
