//! Duty watch (值班): the roster, required coverage and its gaps, the shift
//! log, and weather alerts (气象预警) with their checklists and status
//! reports. Pure functions over typed values parsed from [`Record`]s.
//!
//! # The model
//!
//! * **Roster.** A [`Shift`] (`duty_shift`, written by admins) is one person
//!   in one [`DutyRole`] (leader on duty 带班领导, duty officer 值班人员,
//!   guard 保安) over `[start, end)` in local time, to the minute. A shift
//!   may run across midnight; overlapping shifts simply add up. The week and
//!   day views and "copy a week" are [`roster`] helpers.
//! * **Required coverage.** A [`RequiredPeriod`] is a time span with a
//!   [`CoverageRule`] (the minimum number on duty per role, as data; the
//!   default is one leader and one officer). Periods come from
//!   `duty_coverage` records (holidays, the event window) and from every
//!   weather alert that applies to the unit ([`required_periods`]). Where
//!   periods overlap, each role needs the largest of their minimums.
//!   [`gaps`] finds every stretch where a role is short, to the minute,
//!   before it happens.
//! * **Shift log.** Check-ins and check-outs, patrols, incidents and
//!   handover notes are each their own record, a child of the shift, so two
//!   devices appending at once never touch the same record. A check's `at`
//!   is the device's time; [`Check::received_ms`] is the server's time when
//!   it accepted the check (the record's `received_ms`, which pulls bring),
//!   so a wrong phone clock shows next to the server's. A shift not checked
//!   into [`CHECK_IN_GRACE_MIN`]
//!   minutes after its start is a [`LiveGap`].
//! * **Weather alerts.** A `weather_alert` belongs to the unit that set it:
//!   the district's alerts apply to every unit, a school's only to itself
//!   ([`Scope`]). Open-ended alerts (no `until`) last until lifted. While one
//!   is active it requires coverage, shows a banner, and asks for its
//!   checklist to be ticked off and for status reports every
//!   `report_interval` minutes (default [`DEFAULT_REPORT_INTERVAL_MIN`]).
//!   Ticks and reports live in the reporting school's unit and name the
//!   alert in a plain `alert` field, because a child record must share its
//!   parent's unit and a district alert belongs to the district.
//! * **Checklists.** Built-in lists per alert type exist in both languages
//!   ([`default_checklist`]). A unit's admin edits the list for an alert type
//!   as an `alert_checklist` record: one item per line, where `@code` keeps
//!   a built-in item (and so both languages) and any other line is the
//!   unit's own item. The list for an alert is the unit's own edit, else the
//!   district's, else the built-in one, followed by the alert's
//!   `extra_items`. A tick names its item by key (`@code` or the text), so
//!   ticks survive reordering and a language switch.

mod alert;
pub mod kinds;
mod report;
mod roster;

use chrono::NaiveDateTime;
use serde_json::Value;
use uuid::Uuid;

use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::validate::parse_date_time;

pub use alert::*;
pub use kinds::form_problems;
pub use report::{log_report, roster_report};
pub use roster::*;

/// Which unit's view: the unit itself and its district, whose records apply
/// to every unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The unit whose duty is being looked at.
    pub unit: UnitId,
    /// Its district.
    pub district: UnitId,
}

impl Scope {
    /// Whether a record of `record_unit` applies to this unit.
    pub fn applies(&self, record_unit: UnitId) -> bool {
        record_unit == self.unit || record_unit == self.district
    }
}

/// Every duty record among `records`, parsed; deleted and unusable records
/// are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DutyData {
    /// Roster shifts.
    pub shifts: Vec<Shift>,
    /// Coverage periods.
    pub coverage: Vec<CoveragePeriod>,
    /// Check-ins and check-outs.
    pub checks: Vec<Check>,
    /// Patrol rounds.
    pub patrols: Vec<Patrol>,
    /// Incidents.
    pub incidents: Vec<Incident>,
    /// Handover notes.
    pub handovers: Vec<Handover>,
    /// Weather alerts.
    pub alerts: Vec<WeatherAlert>,
    /// Edited checklists.
    pub checklists: Vec<ChecklistTemplate>,
    /// Checklist ticks.
    pub ticks: Vec<Tick>,
    /// Status reports.
    pub reports: Vec<StatusReport>,
}

impl DutyData {
    /// Parses every duty record; other kinds are ignored.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> DutyData {
        let mut d = DutyData::default();
        for r in records {
            match r.kind {
                Kind::DutyShift => d.shifts.extend(Shift::from_record(r)),
                Kind::DutyCoverage => d.coverage.extend(CoveragePeriod::from_record(r)),
                Kind::DutyCheck => d.checks.extend(Check::from_record(r)),
                Kind::DutyPatrol => d.patrols.extend(Patrol::from_record(r)),
                Kind::DutyIncident => d.incidents.extend(Incident::from_record(r)),
                Kind::DutyHandover => d.handovers.extend(Handover::from_record(r)),
                Kind::WeatherAlert => d.alerts.extend(WeatherAlert::from_record(r)),
                Kind::AlertChecklist => d.checklists.extend(ChecklistTemplate::from_record(r)),
                Kind::AlertTick => d.ticks.extend(Tick::from_record(r)),
                Kind::AlertReport => d.reports.extend(StatusReport::from_record(r)),
                _ => {}
            }
        }
        d
    }
}

// Tolerant field readers: a missing or ill-typed value reads as `None`.

/// `zh` or `en`, whichever `lang` is.
fn tr<'a>(lang: crate::Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        crate::Lang::Zh => zh,
        crate::Lang::En => en,
    }
}

/// Whether `r` is a live record of `kind`.
fn live(r: &Record, kind: Kind) -> bool {
    r.kind == kind && !r.is_deleted()
}

/// Trimmed, non-empty text.
fn text(r: &Record, field: &str) -> Option<String> {
    match r.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// Text, or the empty string.
fn text_or_empty(r: &Record, field: &str) -> String {
    text(r, field).unwrap_or_default()
}

/// A local date and time (seconds dropped).
fn date_time(r: &Record, field: &str) -> Option<NaiveDateTime> {
    match r.get(field) {
        Some(Value::String(s)) => parse_date_time(s.trim()),
        _ => None,
    }
}

/// A whole number.
fn int(r: &Record, field: &str) -> Option<i64> {
    r.get(field).and_then(Value::as_i64)
}

/// A record id kept as text.
fn record_id(r: &Record, field: &str) -> Option<RecordId> {
    text(r, field).and_then(|s| Uuid::parse_str(&s).ok().map(RecordId))
}

#[cfg(test)]
mod tests;
