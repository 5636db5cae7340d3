//! One shift: who and when, check in and check out, the handover it
//! receives, its log (patrols, incidents, handover notes) and the forms
//! that add to it. Every log entry is its own child record, so two phones
//! logging at once never touch the same record.

use anyuan_core::duty::{
    CheckAction, LogEntry, Shift, ShiftStatus, handovers_for, incident_type_label, shift_log,
    shift_status,
};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::timefmt;
use anyuan_core::validate::format_date_time;
use anyuan_core::{Lang, duty};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;
use uuid::Uuid;

use super::{duty_data, is_admin, now_signal, scope, status_word};
use crate::clock;
use crate::components::form::{Field, FormState, SaveErrorView, save_fields};
use crate::components::history::{ConcurrentNote, RecordHistory};
use crate::data::route_id;
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

#[component]
pub fn ShiftDetail() -> impl IntoView {
    let sync = use_sync();
    let id = route_id();
    let shift = Memo::new(move |_| {
        id.and_then(|id| duty_data(sync).shifts.into_iter().find(|s| s.id == id))
    });
    move || match shift.get() {
        Some(_) => view! { <Detail shift=shift/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

/// Which log form is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Patrol,
    Incident,
    Handover,
}

#[component]
fn Detail(shift: Memo<Option<Shift>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let now = now_signal();
    let data = Memo::new(move |_| duty_data(sync));
    let Some(first) = shift.get_untracked() else {
        return ().into_any();
    };
    let (id, unit) = (first.id, first.unit);
    let cur_m = Memo::new(move |_| shift.get().unwrap_or_else(|| first.clone()));
    let cur = move || cur_m.get();
    let status = Memo::new(move |_| data.with(|d| shift_status(&cur(), &d.checks, now.get())));
    // Checked in (and not out since) on the latest check-in.
    let checked_in = Memo::new(move |_| {
        data.with(|d| {
            let mut mine: Vec<_> = d.checks.iter().filter(|c| c.shift == id).collect();
            anyuan_core::order::sort_by_key(&mut mine, |c| (c.at, c.id));
            mine.last()
                .is_some_and(|c| c.action == CheckAction::CheckIn)
        })
    });
    let error = RwSignal::new(None::<SaveError>);
    let busy = RwSignal::new(false);
    let check = move |action: CheckAction| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let by = sync.engine().session.user.display_name.clone();
        let code = match action {
            CheckAction::CheckIn => "check_in",
            CheckAction::CheckOut => "check_out",
        };
        let fields = anyuan_core::order::map_of([
            ("action".to_owned(), Value::from(code)),
            (
                "at".to_owned(),
                Value::from(format_date_time(clock::local_now())),
            ),
            ("by".to_owned(), Value::from(by)),
        ]);
        leptos::task::spawn_local(async move {
            let rid = RecordId(Uuid::now_v7());
            let r = save_fields(sync, Kind::DutyCheck, rid, unit, Some(id), fields).await;
            error.set(r.err());
            busy.set(false);
        });
    };
    let open = RwSignal::new(Open::None);
    let received = Memo::new(move |_| {
        data.with(|d| {
            handovers_for(&cur(), &d.shifts, &d.handovers)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="page" data-testid="page-duty-shift">
            <h1 class="page-title" data-testid="duty-shift-title">
                {move || cur().person}" · "{move || cur().role.label(lang())}
            </h1>
            <ConcurrentNote id=id/>
            <p class="page-subtitle">
                <span class=move || status_word(status.get(), t()).1 data-testid="duty-shift-status">
                    {move || status_word(status.get(), t()).0}
                </span>" "
                {move || timefmt::date_time(lang(), cur().start)}" – "{move || timefmt::date_time(lang(), cur().end)}
                {move || cur().phone.map(|p| view! { " · "<a href=format!("tel:{p}")>{p.clone()}</a> })}
            </p>
            {(is_admin(sync) && unit == scope(sync).unit).then(|| view! {
                <p><A href=format!("/duty/shifts/{id}/edit") attr:class="btn" attr:data-testid="duty-shift-edit">{move || t().edit_shift}</A></p>
            })}
            <div class="form-actions">
                {move || if checked_in.get() {
                    view! { <button class="btn btn-primary grow" data-testid="duty-check-out" disabled=move || busy.get()
                        on:click=move |_| check(CheckAction::CheckOut)>{move || t().check_out}</button> }.into_any()
                } else {
                    view! { <button class="btn btn-primary grow" data-testid="duty-check-in" disabled=move || busy.get()
                        on:click=move |_| check(CheckAction::CheckIn)>{move || t().check_in}</button> }.into_any()
                }}
            </div>
            <SaveErrorView error=error/>
            {move || {
                let list = received.get();
                (!list.is_empty()).then(|| view! {
                    <section class="card" data-testid="duty-received-handovers">
                        <h2>{move || t().received_handovers}</h2>
                        <ul class="plain-list">
                            {list.into_iter().map(|h| view! {
                                <li data-testid="duty-received-handover">
                                    <span class="muted">{h.at.map(|a| timefmt::date_time(lang(), a))}" "{h.by.clone()}</span>
                                    <p>{h.note.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            }}
            <section class="card">
                <h2>{move || t().log}</h2>
                <div class="form-actions">
                    <button class="btn" data-testid="duty-add-patrol" aria-pressed=move || (open.get() == Open::Patrol).to_string()
                        on:click=move |_| open.set(Open::Patrol)>{move || t().add_patrol}</button>
                    <button class="btn" data-testid="duty-add-incident" aria-pressed=move || (open.get() == Open::Incident).to_string()
                        on:click=move |_| open.set(Open::Incident)>{move || t().add_incident}</button>
                    <button class="btn" data-testid="duty-add-handover" aria-pressed=move || (open.get() == Open::Handover).to_string()
                        on:click=move |_| open.set(Open::Handover)>{move || t().add_handover}</button>
                </div>
                {move || match open.get() {
                    Open::None => ().into_any(),
                    Open::Patrol => view! { <LogForm kind=Kind::DutyPatrol shift=id unit=unit open=open/> }.into_any(),
                    Open::Incident => view! { <LogForm kind=Kind::DutyIncident shift=id unit=unit open=open/> }.into_any(),
                    Open::Handover => view! { <LogForm kind=Kind::DutyHandover shift=id unit=unit open=open/> }.into_any(),
                }}
                <ShiftLog shift=id data=data/>
                <p class="muted">{move || t().received_note}</p>
            </section>
            <RecordHistory kind=Kind::DutyShift id=id editable=is_admin(sync) && unit == scope(sync).unit/>
        </section>
    }
    .into_any()
}

/// A form adding one patrol, incident or handover note to a shift.
#[component]
fn LogForm(
    kind: Kind,
    shift: RecordId,
    unit: anyuan_core::UnitId,
    open: RwSignal<Open>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let fields: &'static [&'static str] = match kind {
        Kind::DutyPatrol => &["at", "area", "result", "note"],
        Kind::DutyIncident => &["at", "incident_type", "what", "action", "reported_to"],
        _ => &["note", "to"],
    };
    let by = sync.engine().session.user.display_name.clone();
    let defaults = [
        ("at", format_date_time(clock::local_now())),
        ("result", "normal".to_owned()),
    ];
    let form = FormState::new(
        kind,
        fields,
        None,
        &defaults,
        Some(format!("{}:{shift}", kind.name())),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut extra = anyuan_core::order::map_of([("by".to_owned(), Value::from(by.clone()))]);
        if kind == Kind::DutyHandover {
            extra.insert(
                "at".to_owned(),
                Value::from(format_date_time(clock::local_now())),
            );
        }
        leptos::task::spawn_local(async move {
            if form.save(unit, Some(shift), extra).await.is_some() {
                open.set(Open::None);
            }
        });
    };
    let result_label: fn(&str, Lang) -> &'static str = |code, lang| match code {
        "normal" => lang.pick("正常", "Normal"),
        _ => lang.pick("有问题", "Problem"),
    };
    let type_label: fn(&str, Lang) -> &'static str = |code, lang| {
        duty::kinds::INCIDENT_TYPE_CODES
            .iter()
            .find(|c| **c == code)
            .map_or("", |c| incident_type_label(c, lang))
    };
    view! {
        <form class="form" on:submit=submit novalidate data-testid=format!("{}-form", kind.name())>
            {fields.iter().map(|f| match *f {
                "result" => view! { <Field form=form field="result" labels=result_label/> }.into_any(),
                "incident_type" => view! { <Field form=form field="incident_type" labels=type_label/> }.into_any(),
                f => view! { <Field form=form field=f/> }.into_any(),
            }).collect_view()}
            <SaveErrorView error=form.error/>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| open.set(Open::None)>{move || i18n.t().cancel}</button>
                <button type="submit" class="btn btn-primary grow" data-testid=format!("{}-save", kind.name())
                    disabled=move || form.saving.get()>{move || i18n.t().save}</button>
            </div>
        </form>
    }
}

/// A shift's log in time order.
#[component]
fn ShiftLog(shift: RecordId, data: Memo<duty::DutyData>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().duty;
    let lang = move || i18n.lang.get();
    move || {
        let l = lang();
        let t = t();
        let rows: Vec<LogRow> = data.with(|d| {
            shift_log(shift, d)
                .into_iter()
                .map(|e| log_row(&e, l, t))
                .collect()
        });
        if rows.is_empty() {
            return view! { <p class="muted" data-testid="duty-log-empty">{t.log_empty}</p> }
                .into_any();
        }
        view! {
            <ul class="plain-list" data-testid="duty-log">
                {rows.into_iter().map(|r| view! {
                    <li data-testid="duty-log-entry">
                        <span class="muted">{r.when}</span>" "
                        <span class=r.class>{r.what}</span>" "
                        <span>{r.body}</span>
                        {r.received.map(|(text, known)| view! {
                            " "<span class=if known { "muted" } else { "badge badge-warn" }
                                data-testid=if known { "duty-log-received" } else { "duty-log-not-received" }>{text}</span>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

/// One line of a shift's log.
struct LogRow {
    /// The entry's time (a check's is the device's).
    when: String,
    /// What it is.
    what: String,
    /// The badge class of `what`.
    class: &'static str,
    /// The details.
    body: String,
    /// For a check: when the server received it, or that it has not yet
    /// (then `false`).
    received: Option<(String, bool)>,
}

/// One log line: time, what (with its badge class), details, and for a
/// check the server's time next to the device's.
fn log_row(e: &LogEntry<'_>, lang: Lang, t: &'static crate::i18n::duty::DutyStrings) -> LogRow {
    let when = e
        .at()
        .map(|a| timefmt::date_time(lang, a))
        .unwrap_or_default();
    let by = |b: &Option<String>| b.as_deref().map(|b| format!(" · {b}")).unwrap_or_default();
    match e {
        LogEntry::Check(c) => {
            let word = match c.action {
                CheckAction::CheckIn => t.checked_in,
                CheckAction::CheckOut => t.checked_out,
            };
            let received = match c.received_ms.and_then(|ms| i64::try_from(ms).ok()) {
                Some(ms) => (
                    format!(
                        "{}{}",
                        t.server_received,
                        timefmt::date_time(lang, clock::local_at(ms))
                    ),
                    true,
                ),
                None => (t.not_received_yet.to_owned(), false),
            };
            LogRow {
                when,
                what: word.to_owned(),
                class: "badge badge-ok",
                body: format!("{}{}", t.device_time, by(&c.by)),
                received: Some(received),
            }
        }
        LogEntry::Patrol(p) => {
            let (word, class) = if p.problem {
                (t.result_problem, "badge badge-bad")
            } else {
                (t.result_normal, "badge badge-ok")
            };
            let note = p
                .note
                .as_deref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            LogRow {
                when,
                what: format!("{} · {word}", t.patrol),
                class,
                body: format!("{}{note}{}", p.area, by(&p.by)),
                received: None,
            }
        }
        LogEntry::Incident(i) => {
            let mut body = format!(
                "{}: {}",
                incident_type_label(&i.incident_type, lang),
                i.what
            );
            if let Some(a) = &i.action {
                body.push_str(&format!(" · {}{a}", t.action_taken));
            }
            if let Some(r) = &i.reported_to {
                body.push_str(&format!(" · {}{r}", t.reported_to));
            }
            body.push_str(&by(&i.by));
            LogRow {
                when,
                what: t.incident.to_owned(),
                class: "badge badge-bad",
                body,
                received: None,
            }
        }
        LogEntry::Handover(h) => {
            let to =
                h.to.as_deref()
                    .map(|n| format!(" · {}{n}", t.handover_to))
                    .unwrap_or_default();
            LogRow {
                when,
                what: t.handover.to_owned(),
                class: "badge",
                body: format!("{}{to}{}", h.note, by(&h.by)),
                received: None,
            }
        }
    }
}

/// Whether a shift is one to show on Today for its person's unit.
pub(crate) fn is_live(s: ShiftStatus) -> bool {
    matches!(
        s,
        ShiftStatus::AwaitingCheckIn
            | ShiftStatus::NotCheckedIn
            | ShiftStatus::OnDuty
            | ShiftStatus::CheckedOutEarly
    )
}
