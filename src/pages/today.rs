//! Today (今日): what is running or due now. Modules add their sections here.

use anyuan_core::drill::{self, Drill, Reminder};
use anyuan_core::kind::Kind;
use anyuan_core::{Term, timefmt};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::clock;
use crate::i18n::use_i18n;
use crate::pages::drills::ran_on;
use crate::sync::use_sync;

#[component]
pub fn Today() -> impl IntoView {
    let i18n = use_i18n();
    let today = clock::local_now().date();
    let sync = use_sync();
    let unit = sync.engine().session.user.unit_id;
    let reminders = Memo::new(move |_| {
        sync.status.data_version.track();
        let now = clock::local_now();
        let local = &sync.engine().local;
        let drills: Vec<Drill> = local
            .records_of(Kind::Drill)
            .iter()
            .filter(|r| r.unit == unit)
            .filter_map(Drill::from_record)
            .collect();
        let reqs = drill::requirements(unit, &local.records_of(Kind::DrillRequirement));
        let rows = drill::compliance(&reqs, &drills, &ran_on(sync), Term::of(now.date()), now);
        drill::reminders(&drills, &rows, now)
            .into_iter()
            .map(|r| {
                let drill = match &r {
                    Reminder::Running(id)
                    | Reminder::Upcoming(id, _)
                    | Reminder::OverdueDrill(id, _) => drills.iter().find(|d| d.id == *id).cloned(),
                    _ => None,
                };
                let kind = match &r {
                    Reminder::RequirementDueSoon(k, _) | Reminder::RequirementOverdue(k, _) => {
                        Some(*k)
                    }
                    _ => drill.as_ref().and_then(|d| d.kind),
                };
                (r, kind, drill)
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page" data-testid="page-today">
            <h1 class="page-title">{move || i18n.t().today_title}</h1>
            <p class="page-subtitle" data-testid="today-date">
                {move || timefmt::date_with_weekday(i18n.lang.get(), today)}
            </p>
            <crate::pages::duty::today::DutyToday/>
            {move || {
                let items = reminders.get();
                if items.is_empty() {
                    return view! {
                        <div class="empty-state">
                            <p class="empty-title">{move || i18n.t().today_nothing_due}</p>
                            <p class="muted">{move || i18n.t().today_nothing_due_hint}</p>
                        </div>
                    }.into_any();
                }
                view! {
                    <ul class="cards" data-testid="today-drills">
                        {items.into_iter().map(|(r, kind, drill)| view! { <DrillReminder reminder=r kind=kind drill=drill/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <crate::pages::lessons::today::LessonsDue/>
            <crate::pages::registry_today::RegistryToday/>
        </section>
    }
}

/// A reminder's word, from the drill strings.
type Word = fn(&'static crate::i18n::drill::DrillStrings) -> &'static str;

/// One drill reminder, with the action it calls for one tap away. A
/// reminder about one drill names what tells it from the others (place,
/// planned time, coordinator): several unfinished drills of one kind must
/// not look alike.
#[component]
fn DrillReminder(
    reminder: Reminder,
    kind: Option<drill::DrillKind>,
    drill: Option<Drill>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let kind_name = move || kind.map(|k| k.label(lang())).unwrap_or_default();
    let (label, class): (Word, &'static str) = match &reminder {
        Reminder::Running(_) => (|s| s.today_running, "badge badge-warn"),
        Reminder::Upcoming(..) => (|s| s.today_upcoming, "badge"),
        Reminder::OverdueDrill(..) => (|s| s.today_overdue, "badge badge-bad"),
        Reminder::RequirementDueSoon(..) => (|s| s.today_required, "badge badge-warn"),
        Reminder::RequirementOverdue(..) => (|s| s.today_required, "badge badge-bad"),
    };
    let action = match &reminder {
        Reminder::Running(id) => Some((format!("/drills/{id}/run"), true)),
        Reminder::Upcoming(id, _) | Reminder::OverdueDrill(id, _) => {
            Some((format!("/drills/{id}/run"), false))
        }
        _ => None,
    };
    // Upcoming and overdue reminders show the planned time already.
    let with_time = matches!(reminder, Reminder::Running(_));
    let when = move || match &reminder {
        Reminder::Running(_) => None,
        Reminder::Upcoming(_, at) | Reminder::OverdueDrill(_, at) => {
            Some(timefmt::date_time(lang(), *at))
        }
        Reminder::RequirementDueSoon(_, due) | Reminder::RequirementOverdue(_, due) => Some(
            format!("{} {}", t().today_due_by, timefmt::date(lang(), *due)),
        ),
    };
    let details = move || {
        drill
            .as_ref()
            .map(|d| d.distinguishing(lang(), with_time).join(" · "))
    };
    view! {
        <li class="card row-card" data-testid="today-drill">
            <div class="grow">
                <span class=class>{move || label(t())}</span>
                <strong>{kind_name}</strong>
                <span class="muted">{when}</span>
                {move || details().map(|d| view! { <span class="muted" data-testid="today-drill-details">{d}</span> })}
            </div>
            {match action {
                Some((href, running)) => view! {
                    <A href=href attr:class="btn btn-primary" attr:data-testid="today-drill-start">
                        {move || if running { t().resume } else { t().start }}
                    </A>
                }.into_any(),
                None => view! { <A href="/drills" attr:class="btn">{move || t().open}</A> }.into_any(),
            }}
        </li>
    }
}
