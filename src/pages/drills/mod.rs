//! Drills (应急演练): plan, run with the stopwatch, evaluate, comply.
//! The computations are `anyuan_core::drill`; these pages wire them to the
//! device's records.

pub mod detail;
pub mod edit;
pub mod evaluate;
pub mod list;
pub mod run;

use std::collections::BTreeMap;

use anyuan_core::Lang;
use anyuan_core::drill::{DrillKind, Entry, Status, Timing, What};
use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::timefmt;
use chrono::NaiveDate;
use leptos::prelude::*;

use crate::clock;
pub(crate) use crate::data::{ClassInfo, children, classes_of, record, route_id};
use crate::i18n::use_i18n;
use crate::sync::SyncCtx;

/// A drill's stopwatch entries (tracked).
pub(crate) fn entries(sync: SyncCtx, drill: RecordId) -> Vec<Entry> {
    children(sync, Kind::DrillEntry, drill)
        .iter()
        .filter_map(Entry::from_record)
        .collect()
}

/// The local date each drill's earliest alarm sounded (tracked).
pub(crate) fn ran_on(sync: SyncCtx) -> BTreeMap<RecordId, NaiveDate> {
    sync.status.data_version.track();
    let mut out: BTreeMap<RecordId, i64> = BTreeMap::new();
    for r in sync.engine().local.records_of(Kind::DrillEntry) {
        let (Some(parent), Some(e)) = (r.parent, Entry::from_record(&r)) else {
            continue;
        };
        if let (What::Alarm, Some(at)) = (e.what, e.at) {
            let slot = out.entry(parent).or_insert(at);
            *slot = (*slot).min(at);
        }
    }
    anyuan_core::order::map_of(
        out.into_iter()
            .map(|(id, at)| (id, clock::local_at(at).date())),
    )
}

/// A stopwatch reading: `03:25`, `1:03:25`.
pub(crate) fn stopwatch(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// A drill kind's label for a select's code.
pub(crate) fn kind_label(code: &str, lang: Lang) -> &'static str {
    DrillKind::from_code(code).map_or("", |k| k.label(lang))
}

/// The CSS class of a status badge (the word always goes with it).
pub(crate) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Planned => "badge",
        Status::Running => "badge badge-warn",
        Status::Done => "badge badge-ok",
        Status::Cancelled => "badge badge-muted",
    }
}

/// The timing figures of a drill: alarm, evacuation, accountability,
/// milestones, the violence targets and the arrivals.
#[component]
pub(crate) fn TimingSummary(#[prop(into)] timing: Signal<Timing>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let secs = move |s: Option<i64>| {
        s.map(|s| timefmt::duration(lang(), s))
            .unwrap_or_else(|| t().never.to_owned())
    };
    view! {
        <dl class="facts" data-testid="drill-timing">
            <dt>{move || t().alarm_time}</dt>
            <dd>{move || timing.with(|tm| tm.alarm_at.map(|a| timefmt::date_time(lang(), clock::local_at(a)))
                .unwrap_or_else(|| t().not_started.to_owned()))}</dd>
            <dt>{move || t().evacuation}</dt>
            <dd data-testid="drill-evacuation">{move || secs(timing.with(|tm| tm.evacuation))}</dd>
            <dt>{move || t().accountability}</dt>
            <dd data-testid="drill-accountability">{move || secs(timing.with(|tm| tm.accountability))}</dd>
            {move || timing.with(|tm| tm.milestones.iter().map(|(w, s)| {
                let (w, s) = (*w, *s);
                view! { <dt>{move || w.label(lang())}</dt><dd>{move || timefmt::duration(lang(), s)}</dd> }
            }).collect_view())}
        </dl>
        {move || timing.with(|tm| (!tm.targets.is_empty()).then(|| {
            let targets = tm.targets.clone();
            view! {
                <h3>{move || t().targets}</h3>
                <ul class="plain-list" data-testid="drill-targets">
                    {targets.into_iter().map(|tg| {
                        let (word, class) = match tg.met() {
                            Some(true) => (t().target_met, "badge badge-ok"),
                            Some(false) => (t().target_missed, "badge badge-bad"),
                            None => (t().target_none, "badge"),
                        };
                        view! { <li>{move || tg.what.label(lang())}" "
                            <span class=class>{word}</span>" "
                            {tg.actual.map(|a| timefmt::duration(lang(), a))}</li> }
                    }).collect_view()}
                </ul>
            }
        }))}
        {move || timing.with(|tm| tm.uses_wall_clock.then(|| view! { <p class="muted">{t().wall_clock_note}</p> }))}
    }
}
