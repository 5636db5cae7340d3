//! The roster, required coverage and its gaps, and the shift log.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Scope, WeatherAlert, date_time, int, live, text, text_or_empty, tr};
use crate::Lang;
use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::validate::format_date_time;

/// A role on duty. Ordered leader, officer, guard (the order gaps list
/// missing roles in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyRole {
    /// Leader on duty (带班领导).
    Leader,
    /// Duty officer (值班人员).
    Officer,
    /// Security guard (保安).
    Guard,
}

impl DutyRole {
    /// Every role, in order.
    pub const ALL: [DutyRole; 3] = [DutyRole::Leader, DutyRole::Officer, DutyRole::Guard];

    /// The stored code: `leader`, `officer`, `guard`.
    pub fn code(self) -> &'static str {
        match self {
            DutyRole::Leader => "leader",
            DutyRole::Officer => "officer",
            DutyRole::Guard => "guard",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<DutyRole> {
        DutyRole::ALL.into_iter().find(|r| r.code() == code)
    }

    /// 带班领导 / leader on duty, …
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DutyRole::Leader => tr(lang, "带班领导", "leader on duty"),
            DutyRole::Officer => tr(lang, "值班人员", "duty officer"),
            DutyRole::Guard => tr(lang, "保安", "security guard"),
        }
    }
}

/// Drops seconds and below: everything here is to the minute.
pub(super) fn minute(t: NaiveDateTime) -> NaiveDateTime {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

/// One roster shift (`duty_shift`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// The record's id.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// The person's name.
    pub person: String,
    /// Their account or person record id, if linked.
    pub person_id: Option<String>,
    /// Their role on this shift.
    pub role: DutyRole,
    /// Their phone.
    pub phone: Option<String>,
    /// First minute on duty (local time).
    pub start: NaiveDateTime,
    /// First minute no longer on duty. A shift with `end <= start` covers
    /// nothing.
    pub end: NaiveDateTime,
    /// Free note.
    pub note: Option<String>,
}

impl Shift {
    /// Parses a live `duty_shift`; `None` when deleted or when its role,
    /// start or end is missing or invalid (it cannot count for coverage).
    pub fn from_record(r: &Record) -> Option<Shift> {
        if !live(r, Kind::DutyShift) {
            return None;
        }
        Some(Shift {
            id: r.id,
            unit: r.unit,
            person: text_or_empty(r, "person"),
            person_id: text(r, "person_id"),
            role: DutyRole::from_code(&text(r, "role")?)?,
            phone: text(r, "phone"),
            start: date_time(r, "start")?,
            end: date_time(r, "end")?,
            note: text(r, "note"),
        })
    }

    /// Whether the person is on duty during the minute starting at `t`.
    pub fn covers(&self, t: NaiveDateTime) -> bool {
        self.start <= t && t < self.end
    }

    /// Whether the shift has at least one minute in `[from, until)`.
    pub fn overlaps(&self, from: NaiveDateTime, until: NaiveDateTime) -> bool {
        self.start < self.end && self.start < until && from < self.end
    }

    /// The field values of this shift, moved by `by` (for copying).
    pub fn fields_moved(&self, by: Duration) -> BTreeMap<String, Value> {
        let mut f = BTreeMap::new();
        f.insert("person".to_owned(), Value::from(self.person.clone()));
        f.insert("role".to_owned(), Value::from(self.role.code()));
        f.insert(
            "start".to_owned(),
            Value::from(format_date_time(self.start + by)),
        );
        f.insert(
            "end".to_owned(),
            Value::from(format_date_time(self.end + by)),
        );
        for (k, v) in [
            ("person_id", &self.person_id),
            ("phone", &self.phone),
            ("note", &self.note),
        ] {
            if let Some(v) = v {
                f.insert(k.to_owned(), Value::from(v.clone()));
            }
        }
        f
    }
}

/// The minimum number on duty per role at every minute of a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CoverageRule {
    /// Leaders on duty.
    pub leader: u32,
    /// Duty officers.
    pub officer: u32,
    /// Guards.
    pub guard: u32,
}

impl Default for CoverageRule {
    /// "At least one leader on duty and one duty officer at every minute."
    fn default() -> Self {
        CoverageRule {
            leader: 1,
            officer: 1,
            guard: 0,
        }
    }
}

impl CoverageRule {
    /// The minimum for `role`.
    pub fn need(&self, role: DutyRole) -> u32 {
        match role {
            DutyRole::Leader => self.leader,
            DutyRole::Officer => self.officer,
            DutyRole::Guard => self.guard,
        }
    }

    /// The stricter of two rules, role by role (overlapping periods).
    pub fn max(self, other: CoverageRule) -> CoverageRule {
        CoverageRule {
            leader: self.leader.max(other.leader),
            officer: self.officer.max(other.officer),
            guard: self.guard.max(other.guard),
        }
    }

    /// Whether the rule asks for nobody.
    pub fn is_empty(&self) -> bool {
        DutyRole::ALL.iter().all(|&r| self.need(r) == 0)
    }

    /// The rule in words, the roles it asks for only: `带班领导1人、值班人员1人`
    /// / `1 leader on duty, 1 duty officer`.
    pub fn describe(&self, lang: Lang) -> String {
        let parts: Vec<String> = DutyRole::ALL
            .into_iter()
            .filter(|&r| self.need(r) > 0)
            .map(|r| match lang {
                Lang::Zh => format!("{}{}人", r.label(lang), self.need(r)),
                Lang::En => format!("{} {}", self.need(r), r.label(lang)),
            })
            .collect();
        parts.join(tr(lang, "、", ", "))
    }
}

/// Why a period requires coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageReason {
    /// A holiday (节假日).
    Holiday,
    /// The event window (活动期间), e.g. the CIIE.
    Event,
    /// Anything else.
    Other,
}

impl CoverageReason {
    /// Parses a stored code (`holiday`, `event`, `other`).
    pub fn from_code(code: &str) -> Option<CoverageReason> {
        match code {
            "holiday" => Some(CoverageReason::Holiday),
            "event" => Some(CoverageReason::Event),
            "other" => Some(CoverageReason::Other),
            _ => None,
        }
    }

    /// 节假日 / holiday, …
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CoverageReason::Holiday => tr(lang, "节假日", "holiday"),
            CoverageReason::Event => tr(lang, "活动期间", "event window"),
            CoverageReason::Other => tr(lang, "其他", "other"),
        }
    }
}

/// A `duty_coverage` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoveragePeriod {
    /// The record's id.
    pub id: RecordId,
    /// Its unit (the district's apply to every unit).
    pub unit: UnitId,
    /// Its name, e.g. 国庆假期.
    pub name: Option<String>,
    /// Why.
    pub reason: CoverageReason,
    /// First minute.
    pub from: NaiveDateTime,
    /// End (exclusive).
    pub until: NaiveDateTime,
    /// The rule; a missing minimum takes the default rule's value.
    pub rule: CoverageRule,
}

impl CoveragePeriod {
    /// Parses a live `duty_coverage`; `None` when deleted or without a valid
    /// span. An unknown reason reads as `other`; a missing or invalid
    /// minimum as the default rule's.
    pub fn from_record(r: &Record) -> Option<CoveragePeriod> {
        if !live(r, Kind::DutyCoverage) {
            return None;
        }
        let d = CoverageRule::default();
        let min = |field: &str, default: u32| {
            int(r, field)
                .filter(|n| (0..=super::kinds::MAX_PER_ROLE).contains(n))
                .map_or(default, |n| n as u32)
        };
        Some(CoveragePeriod {
            id: r.id,
            unit: r.unit,
            name: text(r, "name"),
            reason: text(r, "reason")
                .and_then(|c| CoverageReason::from_code(&c))
                .unwrap_or(CoverageReason::Other),
            from: date_time(r, "from")?,
            until: date_time(r, "until")?,
            rule: CoverageRule {
                leader: min("min_leader", d.leader),
                officer: min("min_officer", d.officer),
                guard: min("min_guard", d.guard),
            },
        })
    }
}

/// The coverage periods to list on the roster of `scope`'s unit: its own
/// and the district's, those still running at or after the start of the
/// term `today` is in (this term's and every later one), by start.
pub fn coverage_to_list(
    coverage: &[CoveragePeriod],
    scope: Scope,
    today: NaiveDate,
) -> Vec<&CoveragePeriod> {
    let term_start = day_start(crate::term::Term::of(today).start());
    let mut out: Vec<&CoveragePeriod> = coverage
        .iter()
        .filter(|c| scope.applies(c.unit) && c.until > term_start)
        .collect();
    crate::order::sort_by_key(&mut out, |c| (c.from, c.until, c.id));
    out
}

/// The gaps in one coverage period alone, by its own rule (the roster's
/// gaps combine every period; this tells whether this one is covered).
pub fn period_gaps(shifts: &[Shift], period: &CoveragePeriod) -> Vec<Gap> {
    gaps(
        shifts,
        &[RequiredPeriod {
            from: period.from,
            until: period.until,
            rule: period.rule,
            source: PeriodSource::Coverage(period.id),
        }],
    )
}

/// Where a required period comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodSource {
    /// A `duty_coverage` record.
    Coverage(RecordId),
    /// A weather alert.
    Alert(RecordId),
}

/// A span of time that must be covered by `rule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequiredPeriod {
    /// First minute.
    pub from: NaiveDateTime,
    /// End (exclusive).
    pub until: NaiveDateTime,
    /// The minimum per role.
    pub rule: CoverageRule,
    /// Its record.
    pub source: PeriodSource,
}

/// The periods that require coverage in `scope`'s unit: its own and the
/// district's coverage records, and every weather alert that applies to it
/// (past, present or future, with the default rule). An alert not yet
/// lifted runs until `horizon` (e.g. the end of the week on screen).
pub fn required_periods(
    coverage: &[CoveragePeriod],
    alerts: &[WeatherAlert],
    scope: Scope,
    horizon: NaiveDateTime,
) -> Vec<RequiredPeriod> {
    let mut out: Vec<RequiredPeriod> = coverage
        .iter()
        .filter(|c| scope.applies(c.unit))
        .map(|c| RequiredPeriod {
            from: c.from,
            until: c.until,
            rule: c.rule,
            source: PeriodSource::Coverage(c.id),
        })
        .collect();
    out.extend(
        alerts
            .iter()
            .filter(|a| scope.applies(a.unit))
            .map(|a| RequiredPeriod {
                from: a.from,
                until: a.until.unwrap_or(horizon),
                rule: CoverageRule::default(),
                source: PeriodSource::Alert(a.id),
            }),
    );
    out.retain(|p| p.from < p.until);
    crate::order::sort_by_key(&mut out, |p| (p.from, p.until));
    out
}

/// A stretch of required time with too few people on duty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// First minute of the gap.
    pub from: NaiveDateTime,
    /// End (exclusive).
    pub until: NaiveDateTime,
    /// The roles with fewer on duty than required, in role order.
    pub missing: Vec<DutyRole>,
}

/// Every gap in `shifts`' coverage of `periods`, to the minute, in time
/// order. At each minute a role is missing when fewer of its shifts cover
/// the minute than the largest minimum of the periods covering it.
/// Consecutive minutes with the same missing roles form one gap; gaps never
/// overlap. Times are taken to the minute (seconds dropped). The caller
/// passes one unit's shifts.
pub fn gaps(shifts: &[Shift], periods: &[RequiredPeriod]) -> Vec<Gap> {
    let shifts: Vec<(NaiveDateTime, NaiveDateTime, DutyRole)> = shifts
        .iter()
        .map(|s| (minute(s.start), minute(s.end), s.role))
        .filter(|(a, b, _)| a < b)
        .collect();
    let periods: Vec<(NaiveDateTime, NaiveDateTime, CoverageRule)> = periods
        .iter()
        .map(|p| (minute(p.from), minute(p.until), p.rule))
        .filter(|(a, b, r)| a < b && !r.is_empty())
        .collect();
    // Between two consecutive boundaries nothing changes.
    let mut cuts: Vec<NaiveDateTime> = periods
        .iter()
        .flat_map(|p| [p.0, p.1])
        .chain(shifts.iter().flat_map(|s| [s.0, s.1]))
        .collect();
    crate::order::sort(&mut cuts);
    cuts.dedup();
    let mut out: Vec<Gap> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(need) = periods
            .iter()
            .filter(|p| p.0 <= a && a < p.1)
            .map(|p| p.2)
            .reduce(CoverageRule::max)
        else {
            continue;
        };
        let missing: Vec<DutyRole> = DutyRole::ALL
            .into_iter()
            .filter(|&role| {
                let have = shifts
                    .iter()
                    .filter(|s| s.2 == role && s.0 <= a && a < s.1)
                    .count();
                have < need.need(role) as usize
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(g) if g.until == a && g.missing == missing => g.until = b,
            _ => out.push(Gap {
                from: a,
                until: b,
                missing,
            }),
        }
    }
    out
}

// ---------------------------------------------------------------- roster views

/// The Monday of `day`'s week (weeks run Monday to Sunday).
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Midnight at the start of `day`.
pub fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// The shifts with at least one minute in `[from, until)`, by start, role,
/// person.
pub fn shifts_between(shifts: &[Shift], from: NaiveDateTime, until: NaiveDateTime) -> Vec<&Shift> {
    let mut out: Vec<&Shift> = shifts.iter().filter(|s| s.overlaps(from, until)).collect();
    crate::order::sort_by(&mut out, |a, b| {
        (a.start, a.role, &a.person, a.id).cmp(&(b.start, b.role, &b.person, b.id))
    });
    out
}

/// The day view: shifts with a minute on `day` (a night shift shows on both
/// days it touches).
pub fn shifts_on_day(shifts: &[Shift], day: NaiveDate) -> Vec<&Shift> {
    let from = day_start(day);
    shifts_between(shifts, from, from + Duration::days(1))
}

/// The week view: shifts with a minute in the week containing `day`.
pub fn shifts_in_week(shifts: &[Shift], day: NaiveDate) -> Vec<&Shift> {
    let from = day_start(week_start(day));
    shifts_between(shifts, from, from + Duration::days(7))
}

/// "Copy a week": the field values of new shifts that repeat the week
/// containing `from_week` in the week containing `to_week` (same weekday and
/// time). A shift belongs to the week it starts in. Shifts that already exist
/// in the target week (same person, role, start and end) are not copied
/// again, so copying twice adds nothing. The caller creates one record per
/// map.
pub fn copy_week(
    shifts: &[Shift],
    from_week: NaiveDate,
    to_week: NaiveDate,
) -> Vec<BTreeMap<String, Value>> {
    let src = day_start(week_start(from_week));
    let by = day_start(week_start(to_week)) - src;
    let src_end = src + Duration::days(7);
    let mut sources: Vec<&Shift> = shifts
        .iter()
        .filter(|s| src <= s.start && s.start < src_end)
        .collect();
    crate::order::sort_by(&mut sources, |a, b| {
        (a.start, a.role, &a.person, a.id).cmp(&(b.start, b.role, &b.person, b.id))
    });
    let exists = |s: &Shift| {
        shifts.iter().any(|t| {
            t.person == s.person
                && t.role == s.role
                && t.start == s.start + by
                && t.end == s.end + by
        })
    };
    let mut out: Vec<BTreeMap<String, Value>> = Vec::new();
    for s in sources {
        if by.is_zero() || exists(s) {
            continue;
        }
        let f = s.fields_moved(by);
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

// ------------------------------------------------------------------ shift log

/// Check in or check out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckAction {
    /// 签到.
    CheckIn,
    /// 签退.
    CheckOut,
}

/// A `duty_check` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The record's id.
    pub id: RecordId,
    /// The shift (parent).
    pub shift: RecordId,
    /// In or out.
    pub action: CheckAction,
    /// The device's time.
    pub at: NaiveDateTime,
    /// When the server received it: its wall clock in ms since the Unix
    /// epoch ([`Record::received_ms`]); `None` until a pull brings it.
    pub received_ms: Option<u64>,
    /// Who tapped.
    pub by: Option<String>,
}

impl Check {
    /// Parses a live `duty_check` with a parent, an action and a time.
    pub fn from_record(r: &Record) -> Option<Check> {
        if !live(r, Kind::DutyCheck) {
            return None;
        }
        Some(Check {
            id: r.id,
            shift: r.parent?,
            action: match text(r, "action")?.as_str() {
                "check_in" => CheckAction::CheckIn,
                "check_out" => CheckAction::CheckOut,
                _ => return None,
            },
            at: date_time(r, "at")?,
            received_ms: r.received_ms,
            by: text(r, "by"),
        })
    }
}

/// A `duty_patrol` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patrol {
    /// The record's id.
    pub id: RecordId,
    /// The shift.
    pub shift: RecordId,
    /// When (`None` if missing).
    pub at: Option<NaiveDateTime>,
    /// Where.
    pub area: String,
    /// Whether a problem was found (`result = problem`).
    pub problem: bool,
    /// Details.
    pub note: Option<String>,
    /// Who.
    pub by: Option<String>,
}

impl Patrol {
    /// Parses a live `duty_patrol` with a parent.
    pub fn from_record(r: &Record) -> Option<Patrol> {
        if !live(r, Kind::DutyPatrol) {
            return None;
        }
        Some(Patrol {
            id: r.id,
            shift: r.parent?,
            at: date_time(r, "at"),
            area: text_or_empty(r, "area"),
            problem: text(r, "result").as_deref() == Some("problem"),
            note: text(r, "note"),
            by: text(r, "by"),
        })
    }
}

/// A `duty_incident` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    /// The record's id.
    pub id: RecordId,
    /// The shift.
    pub shift: RecordId,
    /// When.
    pub at: Option<NaiveDateTime>,
    /// Type code (see [`incident_type_label`]).
    pub incident_type: String,
    /// What happened.
    pub what: String,
    /// Action taken.
    pub action: Option<String>,
    /// Reported to whom.
    pub reported_to: Option<String>,
    /// Logged by.
    pub by: Option<String>,
}

impl Incident {
    /// Parses a live `duty_incident` with a parent.
    pub fn from_record(r: &Record) -> Option<Incident> {
        if !live(r, Kind::DutyIncident) {
            return None;
        }
        Some(Incident {
            id: r.id,
            shift: r.parent?,
            at: date_time(r, "at"),
            incident_type: text(r, "incident_type").unwrap_or_else(|| "other".to_owned()),
            what: text_or_empty(r, "what"),
            action: text(r, "action"),
            reported_to: text(r, "reported_to"),
            by: text(r, "by"),
        })
    }
}

/// An incident type's label; unknown codes are shown as they are.
pub fn incident_type_label(code: &str, lang: Lang) -> &str {
    match code {
        "intrusion" => tr(lang, "可疑人员闯入", "intrusion"),
        "conflict" => tr(lang, "纠纷冲突", "dispute or fight"),
        "injury" => tr(lang, "人员受伤", "injury"),
        "fire" => tr(lang, "火情", "fire"),
        "weather" => tr(lang, "气象灾害", "severe weather"),
        "facility" => tr(lang, "设施损坏", "damaged facility"),
        "other" => tr(lang, "其他", "other"),
        other => other,
    }
}

/// A `duty_handover` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// The record's id.
    pub id: RecordId,
    /// The shift handing over.
    pub shift: RecordId,
    /// The note.
    pub note: String,
    /// When.
    pub at: Option<NaiveDateTime>,
    /// Handed over by.
    pub by: Option<String>,
    /// Handed over to.
    pub to: Option<String>,
}

impl Handover {
    /// Parses a live `duty_handover` with a parent.
    pub fn from_record(r: &Record) -> Option<Handover> {
        if !live(r, Kind::DutyHandover) {
            return None;
        }
        Some(Handover {
            id: r.id,
            shift: r.parent?,
            note: text_or_empty(r, "note"),
            at: date_time(r, "at"),
            by: text(r, "by"),
            to: text(r, "to"),
        })
    }
}

/// The handover notes a shift receives: those of the unit's other shifts
/// that end within an hour before its start, or during it, having started
/// before it (the shifts it takes over from). Newest first.
pub fn handovers_for<'a>(
    shift: &Shift,
    shifts: &[Shift],
    handovers: &'a [Handover],
) -> Vec<&'a Handover> {
    let from = shift.start - Duration::minutes(60);
    let before: Vec<RecordId> = shifts
        .iter()
        .filter(|s| {
            s.id != shift.id
                && s.unit == shift.unit
                && s.start < shift.start
                && from <= s.end
                && s.end < shift.end
        })
        .map(|s| s.id)
        .collect();
    let mut out: Vec<&Handover> = handovers
        .iter()
        .filter(|h| before.contains(&h.shift))
        .collect();
    crate::order::sort_by_key(&mut out, |h| std::cmp::Reverse((h.at, h.id)));
    out
}

/// Minutes after a shift's start without a check-in before it is a live gap.
pub const CHECK_IN_GRACE_MIN: i64 = 15;

/// Where a shift stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    /// Not started yet (a check-in may already be there).
    Upcoming,
    /// Started less than [`CHECK_IN_GRACE_MIN`] minutes ago, no check-in yet.
    AwaitingCheckIn,
    /// Started at least [`CHECK_IN_GRACE_MIN`] minutes ago, no check-in: a
    /// live gap.
    NotCheckedIn,
    /// Checked in, not out, shift running.
    OnDuty,
    /// Checked out, shift still running.
    CheckedOutEarly,
    /// Ended after a check-in.
    Done,
    /// Ended with no check-in at all.
    Missed,
}

/// The status of `shift` at `now` given the checks logged for it (checks of
/// other shifts are ignored). A check-out counts only after the latest
/// check-in (by device time).
pub fn shift_status(shift: &Shift, checks: &[Check], now: NaiveDateTime) -> ShiftStatus {
    let mine = checks.iter().filter(|c| c.shift == shift.id);
    let last_in = mine
        .clone()
        .filter(|c| c.action == CheckAction::CheckIn)
        .map(|c| c.at)
        .max();
    let out_after_in = mine
        .filter(|c| c.action == CheckAction::CheckOut)
        .any(|c| last_in.is_some_and(|i| c.at >= i));
    let grace_end = shift.start + Duration::minutes(CHECK_IN_GRACE_MIN);
    match last_in {
        _ if now < shift.start => ShiftStatus::Upcoming,
        None if now >= shift.end => ShiftStatus::Missed,
        Some(_) if now >= shift.end => ShiftStatus::Done,
        None if now < grace_end => ShiftStatus::AwaitingCheckIn,
        None => ShiftStatus::NotCheckedIn,
        Some(_) if out_after_in => ShiftStatus::CheckedOutEarly,
        Some(_) => ShiftStatus::OnDuty,
    }
}

/// A running shift whose person has not checked in [`CHECK_IN_GRACE_MIN`]
/// minutes after its start (shown on Today for the school admin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGap {
    /// The shift.
    pub shift: RecordId,
    /// Who should be there.
    pub person: String,
    /// In which role.
    pub role: DutyRole,
    /// Their phone, to call them.
    pub phone: Option<String>,
    /// Since when the shift runs.
    pub start: NaiveDateTime,
    /// Minutes since the shift started.
    pub late_min: i64,
}

/// The live gaps at `now`: running shifts with no check-in
/// [`CHECK_IN_GRACE_MIN`] minutes or more after their start, by start.
pub fn live_gaps(shifts: &[Shift], checks: &[Check], now: NaiveDateTime) -> Vec<LiveGap> {
    let mut out: Vec<LiveGap> = shifts
        .iter()
        .filter(|s| shift_status(s, checks, now) == ShiftStatus::NotCheckedIn)
        .map(|s| LiveGap {
            shift: s.id,
            person: s.person.clone(),
            role: s.role,
            phone: s.phone.clone(),
            start: s.start,
            late_min: (now - s.start).num_minutes(),
        })
        .collect();
    crate::order::sort_by_key(&mut out, |g| (g.start, g.role, g.shift));
    out
}

/// One line of a shift's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogEntry<'a> {
    /// A check-in or check-out.
    Check(&'a Check),
    /// A patrol round.
    Patrol(&'a Patrol),
    /// An incident.
    Incident(&'a Incident),
    /// A handover note.
    Handover(&'a Handover),
}

impl LogEntry<'_> {
    /// The entry's time, if it has one.
    pub fn at(&self) -> Option<NaiveDateTime> {
        match self {
            LogEntry::Check(c) => Some(c.at),
            LogEntry::Patrol(p) => p.at,
            LogEntry::Incident(i) => i.at,
            LogEntry::Handover(h) => h.at,
        }
    }

    fn id(&self) -> RecordId {
        match self {
            LogEntry::Check(c) => c.id,
            LogEntry::Patrol(p) => p.id,
            LogEntry::Incident(i) => i.id,
            LogEntry::Handover(h) => h.id,
        }
    }
}

/// The log of one shift in time order (entries without a time last).
pub fn shift_log(shift: RecordId, data: &super::DutyData) -> Vec<LogEntry<'_>> {
    let mut out: Vec<LogEntry<'_>> = data
        .checks
        .iter()
        .filter(|c| c.shift == shift)
        .map(LogEntry::Check)
        .chain(
            data.patrols
                .iter()
                .filter(|p| p.shift == shift)
                .map(LogEntry::Patrol),
        )
        .chain(
            data.incidents
                .iter()
                .filter(|i| i.shift == shift)
                .map(LogEntry::Incident),
        )
        .chain(
            data.handovers
                .iter()
                .filter(|h| h.shift == shift)
                .map(LogEntry::Handover),
        )
        .collect();
    crate::order::sort_by_key(&mut out, |e| (e.at().is_none(), e.at(), e.id()));
    out
}
