//! Duty on Today: the weather alerts in force with the next status report
//! due, the shifts running now, and for the school admin the live gaps
//! (a shift whose person has not checked in 15 minutes after its start).

use anyuan_core::Role;
use anyuan_core::duty::{active_alerts, live_gaps, report_due, shift_status, shifts_on_day};
use leptos::prelude::*;
use leptos_router::components::A;

use super::alert::level_class;
use super::shift::is_live;
use super::{duty_data, hm, now_signal, scope, status_word};
use crate::i18n::use_i18n;
use crate::sync::use_sync;
use anyuan_core::timefmt;

#[component]
pub fn DutyToday() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let scope = scope(sync);
    let user = sync.engine().session.user.clone();
    let school_admin = user.role == Role::SchoolAdmin;
    let reporting = user.role != Role::DistrictAdmin;
    let now = now_signal();
    let data = Memo::new(move |_| duty_data(sync));
    let alerts = Memo::new(move |_| {
        data.with(|d| {
            active_alerts(&d.alerts, scope, now.get())
                .into_iter()
                .map(|a| {
                    let due = report_due(a, &d.reports, scope.unit, now.get());
                    (a.clone(), due)
                })
                .collect::<Vec<_>>()
        })
    });
    let gaps = Memo::new(move |_| {
        if !school_admin {
            return Vec::new();
        }
        data.with(|d| {
            let mine: Vec<_> = d
                .shifts
                .iter()
                .filter(|s| s.unit == scope.unit)
                .cloned()
                .collect();
            live_gaps(&mine, &d.checks, now.get())
        })
    });
    let running = Memo::new(move |_| {
        data.with(|d| {
            let n = now.get();
            let mine: Vec<_> = d
                .shifts
                .iter()
                .filter(|s| s.unit == scope.unit)
                .cloned()
                .collect();
            shifts_on_day(&mine, n.date())
                .into_iter()
                .map(|s| (s.clone(), shift_status(s, &d.checks, n)))
                .filter(|(_, st)| is_live(*st))
                .collect::<Vec<_>>()
        })
    });
    view! {
        {move || {
            let list = alerts.get();
            (!list.is_empty()).then(|| view! {
                <ul class="cards" data-testid="today-alerts">
                    {list.into_iter().map(|(a, due)| {
                        let a2 = a.clone();
                        view! { <li class="card row-card" data-testid="today-alert">
                            <div class="grow">
                                <span class=level_class(a.level)>{move || a.level.label(lang())}</span>" "
                                <strong>{move || a2.title(lang())}</strong>
                                {(reporting).then(|| due.map(|d| {
                                    let (word, class) = if d.overdue { (t().report_overdue, "badge badge-bad") } else { (t().report_on_time, "badge badge-ok") };
                                    view! { <p class="muted"><span class=class>{word}</span>" "{move || t().report_due}{move || timefmt::date_time(lang(), d.due)}</p> }
                                }))}
                            </div>
                            <A href=format!("/duty/alerts/{}", a.id) attr:class="btn btn-primary" attr:data-testid="today-alert-open">
                                {move || if reporting { t().report_now } else { t().open }}
                            </A>
                        </li> }
                    }).collect_view()}
                </ul>
            })
        }}
        {move || {
            let list = gaps.get();
            (!list.is_empty()).then(|| view! {
                <section class="card" data-testid="today-duty-gaps">
                    <h2>{move || t().live_gaps}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|g| {
                            let role = g.role;
                            view! { <li class="row-card" data-testid="today-duty-gap">
                                <div class="grow">
                                    <span class="badge badge-bad">{move || t().status_not_checked_in}</span>" "
                                    <strong>{g.person.clone()}</strong>" "{move || role.label(lang())}" · "
                                    {hm(g.start)}" · "{move || t().late_by}{g.late_min}
                                </div>
                                {g.phone.clone().map(|p| view! { <a class="btn" href=format!("tel:{p}")>{move || t().call}" "{p.clone()}</a> })}
                            </li> }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
        {move || {
            let list = running.get();
            (!list.is_empty()).then(|| view! {
                <section class="card" data-testid="today-duty">
                    <h2>{move || t().my_shifts}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|(s, st)| {
                            let role = s.role;
                            let (_, class) = status_word(st, t());
                            view! { <li class="row-card" data-testid="today-duty-shift">
                                <div class="grow">
                                    <strong>{hm(s.start)}" – "{hm(s.end)}</strong>" "
                                    {move || role.label(lang())}" "<strong>{s.person.clone()}</strong>" "
                                    <span class=class>{move || status_word(st, t()).0}</span>
                                </div>
                                <A href=format!("/duty/shifts/{}", s.id) attr:class="btn">{move || t().open}</A>
                            </li> }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}
