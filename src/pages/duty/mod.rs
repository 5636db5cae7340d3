//! Duty watch (值班): the roster with its coverage gaps, the shift log
//! (check in and out, patrols, incidents, handover), and weather alerts
//! with their checklists and status reports. The computations are
//! `anyuan_core::duty`; these pages wire them to the device's records.

pub mod alert;
pub mod checklists;
pub mod coverage;
pub mod export;
pub mod roster;
pub mod shift;
pub mod today;

use std::collections::BTreeMap;

use anyuan_core::Lang;
use anyuan_core::Record;
use anyuan_core::duty::{DutyData, DutyRole, Scope, ShiftStatus, WeatherAlert, active_alerts};
use anyuan_core::form::input_from_value;
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use anyuan_core::validate::DELETED;
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use crate::clock;
use crate::components::form::{FormState, save_fields};
use crate::i18n::duty::DutyStrings;
use crate::local::SaveError;
use crate::sync::SyncCtx;

/// The record kinds of the duty module.
const KINDS: [Kind; 10] = [
    Kind::DutyShift,
    Kind::DutyCoverage,
    Kind::DutyCheck,
    Kind::DutyPatrol,
    Kind::DutyIncident,
    Kind::DutyHandover,
    Kind::WeatherAlert,
    Kind::AlertChecklist,
    Kind::AlertTick,
    Kind::AlertReport,
];

/// Every duty record on the device, parsed (tracked).
pub(crate) fn duty_data(sync: SyncCtx) -> DutyData {
    sync.status.data_version.track();
    DutyData::from_records(&sync.engine().local.records_of_kinds(&KINDS))
}

/// The signed-in user's unit and district.
pub(crate) fn scope(sync: SyncCtx) -> Scope {
    let user = &sync.engine().session.user;
    Scope {
        unit: user.unit_id,
        district: user.district_id,
    }
}

/// A unit's name from its `unit` record (tracked), or empty.
pub(crate) fn unit_name(sync: SyncCtx, unit: UnitId) -> String {
    sync.status.data_version.track();
    sync.engine()
        .local
        .records_of(Kind::Unit)
        .into_iter()
        .find(|r| r.id.0 == unit.0)
        .map(|r| input_from_value(r.get("name")))
        .unwrap_or_default()
}

/// The weather alerts in force for the user's unit now (tracked; `now`
/// refreshes it).
pub(crate) fn active_alerts_memo(
    sync: SyncCtx,
    now: RwSignal<NaiveDateTime>,
) -> Memo<Vec<WeatherAlert>> {
    let scope = scope(sync);
    Memo::new(move |_| {
        let d = duty_data(sync);
        active_alerts(&d.alerts, scope, now.get())
            .into_iter()
            .cloned()
            .collect()
    })
}

/// The record of the route's id if it is of `kind` and belongs to the
/// user's unit (what an admin may correct), else `None`.
pub(crate) fn own_route_record(sync: SyncCtx, kind: Kind) -> Option<Record> {
    let unit = scope(sync).unit;
    crate::data::route_id()
        .and_then(|id| crate::data::record(sync, id))
        .filter(|r| r.kind == kind && r.unit == unit)
}

/// The submit handler of a duty admin form: saves, then back to the roster.
pub(crate) fn save_then_roster(
    form: FormState,
    unit: UnitId,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    let navigate = use_navigate();
    move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if form.save(unit, None, BTreeMap::new()).await.is_some() {
                navigate("/duty", Default::default());
            }
        });
    }
}

/// Deleting a record from a duty admin form asks twice: the first tap arms
/// the button (`armed`), the second marks the record deleted and goes back
/// to the roster, or shows why it could not (`error`). Nothing happens for a
/// record not saved yet, or while `refused()` (a shift with a log).
#[derive(Clone, Copy)]
pub(crate) struct DeleteTwice {
    pub armed: RwSignal<bool>,
    pub error: RwSignal<Option<SaveError>>,
}

impl DeleteTwice {
    pub(crate) fn new(
        sync: SyncCtx,
        kind: Kind,
        id: Option<RecordId>,
        unit: UnitId,
        refused: impl Fn() -> bool + Clone + 'static,
    ) -> (
        DeleteTwice,
        impl Fn(leptos::ev::MouseEvent) + Clone + 'static,
    ) {
        let this = DeleteTwice {
            armed: RwSignal::new(false),
            error: RwSignal::new(None),
        };
        let navigate = use_navigate();
        let tap = move |_| {
            let Some(id) = id else { return };
            if refused() {
                return;
            }
            if !this.armed.get_untracked() {
                this.armed.set(true);
                return;
            }
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                let fields = anyuan_core::order::map_of([(DELETED.to_owned(), Value::Bool(true))]);
                match save_fields(sync, kind, id, unit, None, fields).await {
                    Ok(()) => navigate("/duty", Default::default()),
                    Err(e) => this.error.set(Some(e)),
                }
            });
        };
        (this, tap)
    }
}

/// The local time now, refreshed every 20 seconds while the view lives.
pub(crate) fn now_signal() -> RwSignal<NaiveDateTime> {
    let now = RwSignal::new(clock::local_now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(clock::local_now()),
        std::time::Duration::from_secs(20),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}

/// A time of day, `14:30` (the same in both languages).
pub(crate) fn hm(t: NaiveDateTime) -> String {
    use chrono::Timelike as _;
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A duty role's label for a select's code.
pub(crate) fn role_label(code: &str, lang: Lang) -> &'static str {
    DutyRole::from_code(code).map_or("", |r| r.label(lang))
}

/// A shift status's word and badge class (the word always with its colour).
pub(crate) fn status_word(s: ShiftStatus, t: &'static DutyStrings) -> (&'static str, &'static str) {
    match s {
        ShiftStatus::Upcoming => (t.status_upcoming, "badge"),
        ShiftStatus::AwaitingCheckIn => (t.status_awaiting, "badge badge-warn"),
        ShiftStatus::NotCheckedIn => (t.status_not_checked_in, "badge badge-bad"),
        ShiftStatus::OnDuty => (t.status_on_duty, "badge badge-ok"),
        ShiftStatus::CheckedOutEarly => (t.status_checked_out_early, "badge badge-muted"),
        ShiftStatus::Done => (t.status_done, "badge badge-ok"),
        ShiftStatus::Missed => (t.status_missed, "badge badge-bad"),
    }
}

/// Whether the signed-in user builds rosters and sets alerts.
pub(crate) fn is_admin(sync: SyncCtx) -> bool {
    use anyuan_core::Role;
    matches!(
        sync.engine().session.user.role,
        Role::DistrictAdmin | Role::SchoolAdmin
    )
}
