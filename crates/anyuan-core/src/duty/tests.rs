use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;
use crate::auth::Role;
use crate::hlc::{DeviceId, Hlc};
use crate::validate::{ProblemCode, validate};

const SCHOOL: u128 = 10;
const OTHER_SCHOOL: u128 = 20;
const DISTRICT: u128 = 1;

fn unit(n: u128) -> UnitId {
    UnitId(Uuid::from_u128(n))
}

fn id(n: u128) -> RecordId {
    RecordId(Uuid::from_u128(n))
}

fn scope() -> Scope {
    Scope {
        unit: unit(SCHOOL),
        district: unit(DISTRICT),
    }
}

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 7, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

/// A record of `kind` with `fields`, written once.
fn rec(n: u128, kind: Kind, u: u128, parent: Option<u128>, fields: Value) -> Record {
    let mut r = Record::new(id(n), kind, unit(u), parent.map(id));
    let map: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
    r.apply(
        Hlc::new(1_000 + n as u64, 0, DeviceId(1)),
        map.iter().map(|(k, v)| (k, v, None)),
    );
    r
}

fn shift(n: u128, role: DutyRole, start: NaiveDateTime, end: NaiveDateTime) -> Shift {
    Shift {
        id: id(n),
        unit: unit(SCHOOL),
        person: format!("P{n}"),
        person_id: None,
        role,
        phone: None,
        start,
        end,
        note: None,
    }
}

fn period(from: NaiveDateTime, until: NaiveDateTime, rule: CoverageRule) -> RequiredPeriod {
    RequiredPeriod {
        from,
        until,
        rule,
        source: PeriodSource::Coverage(id(999)),
    }
}

use DutyRole::{Guard, Leader, Officer};

// ------------------------------------------------------------------- kinds

#[test]
fn kinds_validate_their_fields_and_name_the_right_writers_and_parents() {
    let ok = [
        (
            Kind::DutyShift,
            json!({"person": "王伟", "role": "leader", "phone": "13800000000",
                   "start": "2026-07-01T08:00", "end": "2026-07-02T08:00"}),
        ),
        (
            Kind::DutyCoverage,
            json!({"reason": "holiday", "from": "2026-10-01T00:00",
                   "until": "2026-10-08T00:00", "min_leader": 1, "min_officer": 2}),
        ),
        (
            Kind::DutyCheck,
            json!({"action": "check_in", "at": "2026-07-01T08:02"}),
        ),
        (
            Kind::DutyPatrol,
            json!({"at": "2026-07-01T09:00", "area": "东门", "result": "normal"}),
        ),
        (
            Kind::DutyIncident,
            json!({"at": "2026-07-01T09:30", "incident_type": "intrusion",
                   "what": "陌生人试图进入校园", "reported_to": "派出所"}),
        ),
        (Kind::DutyHandover, json!({"note": "东门门禁故障，已报修"})),
        (
            Kind::WeatherAlert,
            json!({"alert_type": "typhoon", "level": "orange",
                   "from": "2026-07-01T06:00", "report_interval": 60}),
        ),
        (
            Kind::AlertChecklist,
            json!({"alert_type": "typhoon", "items": "@outdoor_stopped\n检查地下车库"}),
        ),
        (
            Kind::AlertTick,
            json!({"alert": Uuid::from_u128(5).to_string(), "item": "@outdoor_stopped"}),
        ),
        (
            Kind::AlertReport,
            json!({"alert": Uuid::from_u128(5).to_string(), "status": "all_well",
                   "at": "2026-07-01T10:00"}),
        ),
    ];
    for (kind, fields) in ok {
        let map: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        assert_eq!(validate(kind, &map), vec![], "{kind:?}");
    }
    let bad: BTreeMap<String, Value> = serde_json::from_value(json!({
        "person": "王伟", "role": "cook", "start": "2026-07-01 08:00", "end": "2026-07-01T25:00"
    }))
    .unwrap();
    let fields: Vec<String> = validate(Kind::DutyShift, &bad)
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(fields, ["end", "role", "start"]);

    for k in [
        Kind::DutyShift,
        Kind::DutyCoverage,
        Kind::WeatherAlert,
        Kind::AlertChecklist,
    ] {
        assert!(!k.writable_by(Role::Staff), "{k:?}");
        assert!(k.writable_by(Role::SchoolAdmin), "{k:?}");
    }
    for k in [
        Kind::DutyCheck,
        Kind::DutyPatrol,
        Kind::DutyIncident,
        Kind::DutyHandover,
    ] {
        assert!(k.writable_by(Role::Staff), "{k:?}");
        assert_eq!(k.parent(), Some(Kind::DutyShift), "{k:?}");
    }
    // A school's tick or report on a district alert cannot be its child.
    for k in [Kind::AlertTick, Kind::AlertReport] {
        assert!(k.writable_by(Role::Staff), "{k:?}");
        assert_eq!(k.parent(), None);
        assert!(k.field("alert").unwrap().required);
    }
}

// --------------------------------------------------------------- parsing

#[test]
fn records_parse_tolerantly() {
    let good = rec(
        1,
        Kind::DutyShift,
        SCHOOL,
        None,
        json!({"person": " 王伟 ", "role": "officer", "start": "2026-07-01T20:00",
               "end": "2026-07-02T08:00:00", "phone": "138-0000-0000"}),
    );
    let sh = Shift::from_record(&good).unwrap();
    assert_eq!(
        (sh.person.as_str(), sh.role, sh.start, sh.end),
        ("王伟", Officer, at(1, 20, 0), at(2, 8, 0))
    );
    assert_eq!(sh.phone.as_deref(), Some("138-0000-0000"));
    let no_role = rec(
        2,
        Kind::DutyShift,
        SCHOOL,
        None,
        json!({"person": "x", "role": "cook", "start": "2026-07-01T20:00", "end": "2026-07-02T08:00"}),
    );
    assert_eq!(Shift::from_record(&no_role), None);
    let no_end = rec(
        3,
        Kind::DutyShift,
        SCHOOL,
        None,
        json!({"role": "guard", "start": "2026-07-01T20:00", "end": 5}),
    );
    assert_eq!(Shift::from_record(&no_end), None);
    let mut deleted = good.clone();
    deleted.apply(
        Hlc::new(9_999, 0, DeviceId(2)),
        [(&"deleted".to_owned(), &json!(true), None)],
    );
    assert_eq!(Shift::from_record(&deleted), None);
    // Another kind is not a shift.
    let c = rec(
        4,
        Kind::DutyCoverage,
        SCHOOL,
        None,
        json!({"reason": "weird", "from": "2026-07-01T00:00", "until": "2026-07-02T00:00",
               "min_leader": 99, "min_officer": 2, "min_guard": "x"}),
    );
    assert_eq!(Shift::from_record(&c), None);
    let cov = CoveragePeriod::from_record(&c).unwrap();
    assert_eq!(cov.reason, CoverageReason::Other);
    assert_eq!(
        cov.rule,
        CoverageRule {
            leader: 1,
            officer: 2,
            guard: 0
        }
    );
    let data = DutyData::from_records([&good, &no_role, &no_end, &deleted, &c]);
    assert_eq!(data.shifts.len(), 1);
    assert_eq!(data.coverage.len(), 1);
}

// ------------------------------------------------------------------- gaps

#[test]
fn a_night_without_a_leader_is_one_gap_and_overlaps_add_up() {
    // The holiday requires one leader and one officer from 1 Jul 08:00 to 3 Jul 08:00.
    let p = [period(at(1, 8, 0), at(3, 8, 0), CoverageRule::default())];
    let shifts = [
        // Officers: day shifts and a night shift across midnight, overlapping 1h.
        shift(1, Officer, at(1, 8, 0), at(1, 21, 0)),
        shift(2, Officer, at(1, 20, 0), at(2, 8, 0)),
        shift(3, Officer, at(2, 8, 0), at(3, 8, 0)),
        // Leaders: one starts before the period and covers its start.
        shift(4, Leader, at(1, 0, 0), at(1, 20, 0)),
        shift(5, Leader, at(2, 8, 0), at(3, 12, 0)),
        // A guard changes nothing under the default rule.
        shift(6, Guard, at(1, 20, 0), at(2, 8, 0)),
    ];
    assert_eq!(
        gaps(&shifts, &p),
        vec![Gap {
            from: at(1, 20, 0),
            until: at(2, 8, 0),
            missing: vec![Leader],
        }]
    );
    // Remove the night officer: the night misses both, except 20:00-21:00
    // when the day officer is still there.
    let without: Vec<Shift> = shifts.iter().filter(|s| s.id != id(2)).cloned().collect();
    assert_eq!(
        gaps(&without, &p),
        vec![
            Gap {
                from: at(1, 20, 0),
                until: at(1, 21, 0),
                missing: vec![Leader],
            },
            Gap {
                from: at(1, 21, 0),
                until: at(2, 8, 0),
                missing: vec![Leader, Officer],
            },
        ]
    );
    // A stricter overlapping period (two officers 22:00-23:00) adds a gap
    // even though one officer is there.
    let mut stricter = p.to_vec();
    stricter.push(period(
        at(1, 22, 0),
        at(1, 23, 0),
        CoverageRule {
            leader: 0,
            officer: 2,
            guard: 1,
        },
    ));
    let g = gaps(&shifts, &stricter);
    assert_eq!(
        g.iter()
            .map(|g| (g.from, g.until, g.missing.clone()))
            .collect::<Vec<_>>(),
        vec![
            (at(1, 20, 0), at(1, 22, 0), vec![Leader]),
            (at(1, 22, 0), at(1, 23, 0), vec![Leader, Officer]),
            (at(1, 23, 0), at(2, 8, 0), vec![Leader]),
        ]
    );
    // Outside any period nothing is a gap.
    assert_eq!(gaps(&[], &[]), vec![]);
    assert_eq!(
        gaps(
            &[],
            &[period(
                at(1, 8, 0),
                at(1, 9, 0),
                CoverageRule {
                    leader: 0,
                    officer: 0,
                    guard: 0
                }
            )]
        ),
        vec![]
    );
}

fn base() -> NaiveDateTime {
    at(1, 0, 0)
}

fn minute_at(m: i64) -> NaiveDateTime {
    base() + Duration::minutes(m)
}

/// A time in minutes from the base: anywhere in three days, or on a
/// four-hour mark (midnights and shared edges are common).
fn time() -> impl Strategy<Value = i64> {
    prop_oneof![0i64..4320, (0i64..=18).prop_map(|k| k * 240)]
}

fn shift_strategy() -> impl Strategy<Value = (i64, i64, usize)> {
    (
        time(),
        prop_oneof![
            6 => 1i64..1800,
            2 => (1i64..=6).prop_map(|k| k * 240),
            1 => -120i64..=0,
        ],
        0usize..3,
    )
}

fn period_strategy() -> impl Strategy<Value = (i64, i64, (u32, u32, u32))> {
    (
        time(),
        prop_oneof![4 => 1i64..2500, 1 => -60i64..=0],
        (0u32..3, 0u32..3, 0u32..2),
    )
}

/// The brute-force model: the roles short at the minute starting at `t`.
fn missing_at(shifts: &[Shift], periods: &[RequiredPeriod], t: NaiveDateTime) -> Vec<DutyRole> {
    let covering: Vec<&RequiredPeriod> = periods
        .iter()
        .filter(|p| p.from <= t && t < p.until)
        .collect();
    if covering.is_empty() {
        return vec![];
    }
    DutyRole::ALL
        .into_iter()
        .filter(|&role| {
            let need = covering.iter().map(|p| p.rule.need(role)).max().unwrap();
            let have = shifts
                .iter()
                .filter(|s| s.role == role && s.start <= t && t < s.end)
                .count() as u32;
            have < need
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A minute is in a gap exactly when the rule fails at that minute, and
    /// the gap names exactly the roles short then; gaps are ordered,
    /// disjoint and maximal.
    #[test]
    fn gaps_agree_with_a_minute_by_minute_model(
        raw_shifts in proptest::collection::vec(shift_strategy(), 0..14),
        raw_periods in proptest::collection::vec(period_strategy(), 0..5),
    ) {
        let shifts: Vec<Shift> = raw_shifts
            .iter()
            .enumerate()
            .map(|(i, &(start, len, role))| {
                shift(i as u128, DutyRole::ALL[role], minute_at(start), minute_at(start + len))
            })
            .collect();
        let periods: Vec<RequiredPeriod> = raw_periods
            .iter()
            .map(|&(from, len, (l, o, g))| {
                period(minute_at(from), minute_at(from + len), CoverageRule { leader: l, officer: o, guard: g })
            })
            .collect();
        let found = gaps(&shifts, &periods);

        for g in &found {
            prop_assert!(g.from < g.until, "{g:?}");
            prop_assert!(!g.missing.is_empty(), "{g:?}");
        }
        for w in found.windows(2) {
            prop_assert!(w[0].until <= w[1].from, "overlap: {w:?}");
            prop_assert!(w[0].until < w[1].from || w[0].missing != w[1].missing, "not merged: {w:?}");
        }
        let mut i = 0;
        for m in -5i64..(4320 + 2500 + 5) {
            let t = minute_at(m);
            while i < found.len() && found[i].until <= t {
                i += 1;
            }
            let reported: &[DutyRole] = match found.get(i) {
                Some(g) if g.from <= t => &g.missing,
                _ => &[],
            };
            let model = missing_at(&shifts, &periods, t);
            prop_assert_eq!(reported, model.as_slice(), "minute {}", t);
        }

        // The order of the inputs does not matter.
        let mut rev_shifts = shifts.clone();
        rev_shifts.reverse();
        let mut rev_periods = periods.clone();
        rev_periods.reverse();
        prop_assert_eq!(gaps(&rev_shifts, &rev_periods), found);
    }
}

#[test]
fn seconds_are_dropped_so_gaps_are_whole_minutes() {
    let p = [period(at(1, 8, 0), at(1, 9, 0), CoverageRule::default())];
    let mut late = shift(1, Leader, at(1, 8, 0), at(1, 9, 0));
    late.start += Duration::seconds(59);
    let officer = shift(2, Officer, at(1, 8, 0), at(1, 9, 0));
    // The leader's shift starts within the 08:00 minute: it covers it.
    assert_eq!(gaps(&[late, officer], &p), vec![]);
}

#[test]
fn required_periods_come_from_coverage_and_alerts_that_apply() {
    let cov = |n, u, from, until| CoveragePeriod {
        id: id(n),
        unit: unit(u),
        name: None,
        reason: CoverageReason::Holiday,
        from,
        until,
        rule: CoverageRule {
            leader: 1,
            officer: 2,
            guard: 0,
        },
    };
    let coverage = [
        cov(1, SCHOOL, at(1, 0, 0), at(2, 0, 0)),
        cov(2, DISTRICT, at(3, 0, 0), at(4, 0, 0)),
        cov(3, OTHER_SCHOOL, at(5, 0, 0), at(6, 0, 0)),
        cov(4, SCHOOL, at(7, 0, 0), at(7, 0, 0)), // empty: dropped
    ];
    let alerts = [
        alert(10, DISTRICT, at(8, 6, 0), None),
        alert(11, OTHER_SCHOOL, at(8, 6, 0), None),
        alert(12, SCHOOL, at(9, 6, 0), Some(at(9, 18, 0))),
    ];
    let horizon = at(12, 0, 0);
    let got: Vec<(NaiveDateTime, NaiveDateTime, PeriodSource, CoverageRule)> =
        required_periods(&coverage, &alerts, scope(), horizon)
            .into_iter()
            .map(|p| (p.from, p.until, p.source, p.rule))
            .collect();
    let two = CoverageRule {
        leader: 1,
        officer: 2,
        guard: 0,
    };
    assert_eq!(
        got,
        vec![
            (at(1, 0, 0), at(2, 0, 0), PeriodSource::Coverage(id(1)), two),
            (at(3, 0, 0), at(4, 0, 0), PeriodSource::Coverage(id(2)), two),
            (
                at(8, 6, 0),
                horizon,
                PeriodSource::Alert(id(10)),
                CoverageRule::default()
            ),
            (
                at(9, 6, 0),
                at(9, 18, 0),
                PeriodSource::Alert(id(12)),
                CoverageRule::default()
            ),
        ]
    );
}

#[test]
fn the_roster_lists_this_terms_and_later_periods_and_tells_each_ones_gaps() {
    let cov = |n, u, from, until, rule| CoveragePeriod {
        id: id(n),
        unit: unit(u),
        name: None,
        reason: CoverageReason::Holiday,
        from,
        until,
        rule,
    };
    let d = CoverageRule::default();
    // 2026-07-01 is in the second term of 2025 (February to July).
    let coverage = [
        cov(1, SCHOOL, at(20, 0, 0), at(21, 0, 0), d),
        cov(2, DISTRICT, at(3, 0, 0), at(4, 0, 0), d),
        cov(3, OTHER_SCHOOL, at(5, 0, 0), at(6, 0, 0), d),
        // Ended before the term started: left out.
        CoveragePeriod {
            from: NaiveDate::from_ymd_opt(2026, 1, 10)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            until: NaiveDate::from_ymd_opt(2026, 1, 12)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            ..cov(4, SCHOOL, at(1, 0, 0), at(1, 0, 0), d)
        },
        // Earlier this term: listed.
        CoveragePeriod {
            from: NaiveDate::from_ymd_opt(2026, 4, 4)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            until: NaiveDate::from_ymd_opt(2026, 4, 7)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            ..cov(5, SCHOOL, at(1, 0, 0), at(1, 0, 0), d)
        },
    ];
    let today = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let listed: Vec<RecordId> = coverage_to_list(&coverage, scope(), today)
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [id(5), id(2), id(1)]);

    // One period's own gaps, by its own rule.
    let p = cov(
        6,
        SCHOOL,
        at(3, 8, 0),
        at(3, 12, 0),
        CoverageRule {
            leader: 1,
            officer: 1,
            guard: 1,
        },
    );
    let shifts = [
        shift(1, Leader, at(3, 0, 0), at(4, 0, 0)),
        shift(2, Officer, at(3, 8, 0), at(3, 10, 0)),
        shift(3, Guard, at(3, 6, 0), at(3, 12, 0)),
    ];
    assert_eq!(
        period_gaps(&shifts, &p),
        vec![Gap {
            from: at(3, 10, 0),
            until: at(3, 12, 0),
            missing: vec![Officer],
        }]
    );
    // The officer's shift corrected to the end of the period: covered.
    let mut fixed = shifts.clone();
    fixed[1].end = at(3, 12, 0);
    assert_eq!(period_gaps(&fixed, &p), vec![]);
    assert_eq!(
        p.rule.describe(crate::Lang::Zh),
        "带班领导1人、值班人员1人、保安1人"
    );
    assert_eq!(
        CoverageRule::default().describe(crate::Lang::En),
        "1 leader on duty, 1 duty officer"
    );
}

#[test]
fn forms_refuse_an_end_not_after_the_start_and_a_rule_for_nobody() {
    use crate::form::check;
    let inputs = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let shift = |start: &str, end: &str| {
        check(
            Kind::DutyShift,
            &inputs(&[
                ("person", "张三"),
                ("role", "officer"),
                ("start", start),
                ("end", end),
            ]),
            true,
        )
    };
    assert!(shift("2026-07-01T08:00", "2026-07-01T20:00").is_ok());
    // A night shift ends the next day.
    assert!(shift("2026-07-01T20:00", "2026-07-02T08:00").is_ok());
    for end in ["2026-07-01T08:00", "2026-07-01T07:00"] {
        let c = shift("2026-07-01T08:00", end);
        let p = &c.problems["end"];
        assert_eq!(p.code, ProblemCode::Inconsistent);
        assert_eq!(p.zh, "结束时间须晚于开始时间，请修改。");
        assert_eq!(p.en, "End must be after start. Please correct it.");
    }
    // A field that is wrong on its own keeps its own message.
    let c = shift("2026-07-01T08:00", "tomorrow");
    assert_eq!(c.problems["end"].code, ProblemCode::BadDateTime);

    let coverage = |pairs: &[(&str, &str)]| {
        let mut all = vec![
            ("reason", "holiday"),
            ("from", "2026-10-01T00:00"),
            ("until", "2026-10-08T00:00"),
        ];
        all.extend_from_slice(pairs);
        check(Kind::DutyCoverage, &inputs(&all), true)
    };
    assert!(
        coverage(&[]).is_ok(),
        "blank minimums read as the default rule"
    );
    assert!(!coverage(&[("min_leader", "0"), ("min_officer", "0")]).is_ok());
    assert_eq!(
        coverage(&[("min_leader", "0"), ("min_officer", "0"), ("min_guard", "")]).problems
            ["min_leader"]
            .code,
        ProblemCode::Inconsistent
    );
    assert!(
        coverage(&[
            ("min_leader", "0"),
            ("min_officer", "0"),
            ("min_guard", "2")
        ])
        .is_ok()
    );
    let c = coverage(&[("until", "2026-09-30T00:00")]);
    assert_eq!(c.problems["until"].zh, "结束时间须晚于开始时间，请修改。");
    // A weather alert may be open-ended; a set end must follow the start.
    let alert = |until: &str| {
        check(
            Kind::WeatherAlert,
            &inputs(&[
                ("alert_type", "typhoon"),
                ("level", "red"),
                ("from", "2026-09-16T06:00"),
                ("until", until),
            ]),
            false,
        )
    };
    assert!(alert("").is_ok());
    assert_eq!(
        alert("2026-09-16T05:00").problems["until"].en,
        "Until must be after from. Please correct it."
    );
}

// ------------------------------------------------------------ roster views

#[test]
fn day_and_week_views_include_night_shifts_on_both_days() {
    // 2026-07-05 is a Sunday, 2026-07-06 a Monday.
    assert_eq!(
        week_start(NaiveDate::from_ymd_opt(2026, 7, 5).unwrap()),
        NaiveDate::from_ymd_opt(2026, 6, 29).unwrap()
    );
    assert_eq!(
        week_start(NaiveDate::from_ymd_opt(2026, 7, 6).unwrap()),
        NaiveDate::from_ymd_opt(2026, 7, 6).unwrap()
    );
    let shifts = [
        shift(1, Officer, at(5, 20, 0), at(6, 8, 0)),
        shift(2, Leader, at(6, 8, 0), at(6, 20, 0)),
        shift(3, Officer, at(6, 8, 0), at(6, 20, 0)),
        shift(4, Guard, at(6, 20, 0), at(6, 20, 0)), // empty
    ];
    let ids = |v: Vec<&Shift>| v.iter().map(|s| s.id).collect::<Vec<_>>();
    let d = |n| NaiveDate::from_ymd_opt(2026, 7, n).unwrap();
    assert_eq!(ids(shifts_on_day(&shifts, d(5))), vec![id(1)]);
    assert_eq!(ids(shifts_on_day(&shifts, d(6))), vec![id(1), id(2), id(3)]);
    assert_eq!(ids(shifts_on_day(&shifts, d(7))), vec![]);
    assert_eq!(ids(shifts_in_week(&shifts, d(5))), vec![id(1)]);
    assert_eq!(
        ids(shifts_in_week(&shifts, d(9))),
        vec![id(1), id(2), id(3)]
    );
}

#[test]
fn copy_week_moves_the_weeks_shifts_by_seven_days_once() {
    let mut shifts = vec![
        // Started the week before: belongs to that week, not copied.
        shift(1, Officer, at(5, 20, 0), at(6, 8, 0)),
        shift(2, Leader, at(6, 8, 0), at(6, 20, 0)),
        // Sunday night into the next Monday.
        shift(3, Officer, at(12, 20, 0), at(13, 8, 0)),
    ];
    shifts[1].phone = Some("13800000000".into());
    let copies = copy_week(
        &shifts,
        NaiveDate::from_ymd_opt(2026, 7, 8).unwrap(),
        NaiveDate::from_ymd_opt(2026, 7, 15).unwrap(),
    );
    assert_eq!(
        copies,
        vec![
            serde_json::from_value::<BTreeMap<String, Value>>(json!({
                "person": "P2", "role": "leader", "phone": "13800000000",
                "start": "2026-07-13T08:00", "end": "2026-07-13T20:00"
            }))
            .unwrap(),
            serde_json::from_value::<BTreeMap<String, Value>>(json!({
                "person": "P3", "role": "officer",
                "start": "2026-07-19T20:00", "end": "2026-07-20T08:00"
            }))
            .unwrap(),
        ]
    );
    for c in &copies {
        assert_eq!(validate(Kind::DutyShift, c), vec![]);
    }
    // Once the copies exist, copying again adds nothing; into the same week
    // neither.
    for (i, c) in copies.iter().enumerate() {
        let r = rec(100 + i as u128, Kind::DutyShift, SCHOOL, None, json!(c));
        shifts.push(Shift::from_record(&r).unwrap());
    }
    let d = |n| NaiveDate::from_ymd_opt(2026, 7, n).unwrap();
    assert_eq!(copy_week(&shifts, d(6), d(13)), vec![]);
    assert_eq!(copy_week(&shifts, d(6), d(9)), vec![]);
    // Two weeks ahead works too.
    assert_eq!(copy_week(&shifts, d(6), d(20)).len(), 2);
}

// ---------------------------------------------------------------- shift log

fn check(n: u128, shift: u128, action: CheckAction, t: NaiveDateTime) -> Check {
    Check {
        id: id(n),
        shift: id(shift),
        action,
        at: t,
        received_ms: None,
        by: None,
    }
}

#[test]
fn a_check_carries_the_servers_received_time_once_pulled() {
    let mut r = rec(
        3,
        Kind::DutyCheck,
        SCHOOL,
        Some(1),
        json!({"action": "check_in", "at": "2026-07-01T08:02"}),
    );
    assert_eq!(Check::from_record(&r).unwrap().received_ms, None);
    r.received_ms = Some(1_782_864_000_000);
    let c = Check::from_record(&r).unwrap();
    assert_eq!(c.received_ms, Some(1_782_864_000_000));
    assert_eq!(c.at, at(1, 8, 2), "the device's time stays as it was");
}

#[test]
fn no_check_in_fifteen_minutes_after_start_is_a_live_gap() {
    let shifts = [
        shift(1, Leader, at(1, 8, 0), at(1, 20, 0)),
        shift(2, Officer, at(1, 8, 0), at(1, 20, 0)),
        shift(3, Guard, at(1, 8, 10), at(1, 20, 0)),
    ];
    let checks = [
        check(10, 2, CheckAction::CheckIn, at(1, 7, 58)),
        // A check-in for another shift does not count.
        check(11, 99, CheckAction::CheckIn, at(1, 8, 0)),
    ];
    assert_eq!(live_gaps(&shifts, &checks, at(1, 8, 14)), vec![]);
    let g = live_gaps(&shifts, &checks, at(1, 8, 15));
    assert_eq!(
        g.iter()
            .map(|g| (g.shift, g.role, g.late_min))
            .collect::<Vec<_>>(),
        vec![(id(1), Leader, 15)]
    );
    let g = live_gaps(&shifts, &checks, at(1, 8, 30));
    assert_eq!(
        g.iter().map(|g| (g.shift, g.late_min)).collect::<Vec<_>>(),
        vec![(id(1), 30), (id(3), 20)]
    );
    // After the shift has ended it is no longer live (it was missed).
    assert_eq!(live_gaps(&shifts, &checks, at(1, 20, 0)), vec![]);
    assert_eq!(
        shift_status(&shifts[0], &checks, at(1, 20, 0)),
        ShiftStatus::Missed
    );
}

#[test]
fn shift_status_follows_check_ins_and_outs() {
    let sh = shift(1, Officer, at(1, 8, 0), at(1, 20, 0));
    let status = |checks: &[Check], now| shift_status(&sh, checks, now);
    let inn = check(10, 1, CheckAction::CheckIn, at(1, 8, 1));
    let out = check(11, 1, CheckAction::CheckOut, at(1, 12, 0));
    let back = check(12, 1, CheckAction::CheckIn, at(1, 13, 0));
    assert_eq!(status(&[], at(1, 7, 0)), ShiftStatus::Upcoming);
    assert_eq!(status(&[], at(1, 8, 5)), ShiftStatus::AwaitingCheckIn);
    assert_eq!(status(&[], at(1, 9, 0)), ShiftStatus::NotCheckedIn);
    assert_eq!(
        status(std::slice::from_ref(&inn), at(1, 9, 0)),
        ShiftStatus::OnDuty
    );
    assert_eq!(
        status(&[inn.clone(), out.clone()], at(1, 12, 30)),
        ShiftStatus::CheckedOutEarly
    );
    assert_eq!(
        status(&[inn.clone(), out.clone(), back], at(1, 14, 0)),
        ShiftStatus::OnDuty
    );
    assert_eq!(status(&[inn, out], at(1, 21, 0)), ShiftStatus::Done);
}

#[test]
fn the_log_is_in_time_order_and_handovers_reach_the_next_shift() {
    let recs = [
        rec(
            1,
            Kind::DutyShift,
            SCHOOL,
            None,
            json!({"person": "甲", "role": "officer", "start": "2026-07-01T08:00", "end": "2026-07-01T20:00"}),
        ),
        rec(
            2,
            Kind::DutyShift,
            SCHOOL,
            None,
            json!({"person": "乙", "role": "officer", "start": "2026-07-01T20:00", "end": "2026-07-02T08:00"}),
        ),
        rec(
            10,
            Kind::DutyIncident,
            SCHOOL,
            Some(1),
            json!({"at": "2026-07-01T11:00", "incident_type": "injury", "what": "学生摔伤"}),
        ),
        rec(
            11,
            Kind::DutyPatrol,
            SCHOOL,
            Some(1),
            json!({"at": "2026-07-01T09:00", "area": "操场", "result": "problem"}),
        ),
        rec(
            12,
            Kind::DutyCheck,
            SCHOOL,
            Some(1),
            json!({"action": "check_in", "at": "2026-07-01T07:59"}),
        ),
        rec(
            13,
            Kind::DutyHandover,
            SCHOOL,
            Some(1),
            json!({"note": "东门门禁故障", "at": "2026-07-01T19:55", "to": "乙"}),
        ),
        // A patrol on the other shift.
        rec(
            14,
            Kind::DutyPatrol,
            SCHOOL,
            Some(2),
            json!({"at": "2026-07-01T21:00", "area": "东门", "result": "normal"}),
        ),
    ];
    let data = DutyData::from_records(&recs);
    let log: Vec<(Option<NaiveDateTime>, RecordId)> = shift_log(id(1), &data)
        .iter()
        .map(|e| {
            (
                e.at(),
                match e {
                    LogEntry::Check(c) => c.id,
                    LogEntry::Patrol(p) => p.id,
                    LogEntry::Incident(i) => i.id,
                    LogEntry::Handover(h) => h.id,
                },
            )
        })
        .collect();
    assert_eq!(
        log,
        vec![
            (Some(at(1, 7, 59)), id(12)),
            (Some(at(1, 9, 0)), id(11)),
            (Some(at(1, 11, 0)), id(10)),
            (Some(at(1, 19, 55)), id(13)),
        ]
    );
    assert!(data.patrols.iter().any(|p| p.id == id(11) && p.problem));
    let night = data.shifts.iter().find(|s| s.id == id(2)).unwrap();
    let day = data.shifts.iter().find(|s| s.id == id(1)).unwrap();
    let got: Vec<RecordId> = handovers_for(night, &data.shifts, &data.handovers)
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(got, vec![id(13)]);
    assert!(handovers_for(day, &data.shifts, &data.handovers).is_empty());
}

// ------------------------------------------------------------------ alerts

fn alert(n: u128, u: u128, from: NaiveDateTime, until: Option<NaiveDateTime>) -> WeatherAlert {
    WeatherAlert {
        id: id(n),
        unit: unit(u),
        alert_type: AlertType::Typhoon,
        level: AlertLevel::Yellow,
        from,
        until,
        report_interval_min: DEFAULT_REPORT_INTERVAL_MIN,
        note: None,
        extra_items: vec![],
    }
}

#[test]
fn active_alerts_are_the_units_and_the_districts_in_force_most_severe_first() {
    let mut red = alert(1, SCHOOL, at(1, 6, 0), Some(at(1, 18, 0)));
    red.level = AlertLevel::Red;
    let alerts = [
        red,
        alert(2, DISTRICT, at(1, 0, 0), None),
        alert(3, OTHER_SCHOOL, at(1, 0, 0), None),
        alert(4, DISTRICT, at(2, 0, 0), None),
        alert(5, DISTRICT, at(1, 1, 0), Some(at(1, 6, 0))),
    ];
    let ids = |v: Vec<&WeatherAlert>| v.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(active_alerts(&alerts, scope(), at(1, 5, 59))),
        vec![id(5), id(2)]
    );
    assert_eq!(
        ids(active_alerts(&alerts, scope(), at(1, 6, 0))),
        vec![id(1), id(2)]
    );
    assert_eq!(
        ids(active_alerts(&alerts, scope(), at(1, 18, 0))),
        vec![id(2)]
    );
    assert_eq!(
        ids(active_alerts(&alerts, scope(), at(2, 0, 0))),
        vec![id(4), id(2)]
    );
    assert_eq!(alerts[0].title(crate::Lang::Zh), "台风红色预警");
    assert_eq!(alerts[0].title(crate::Lang::En), "Typhoon red alert");

    let r = rec(
        7,
        Kind::WeatherAlert,
        DISTRICT,
        None,
        json!({"alert_type": "smog", "level": "purple", "from": "2026-07-01T06:00",
               "until": "soon", "report_interval": 5, "extra_items": "关闭新风系统\n@parents_notified"}),
    );
    let a = WeatherAlert::from_record(&r).unwrap();
    assert_eq!(
        (a.alert_type, a.level, a.until, a.report_interval_min),
        (AlertType::Smog, AlertLevel::Blue, None, 120)
    );
    assert_eq!(
        a.extra_items
            .iter()
            .map(|i| i.key.as_str())
            .collect::<Vec<_>>(),
        ["关闭新风系统", "@parents_notified"]
    );
}

fn report(n: u128, u: u128, alert: u128, t: NaiveDateTime) -> StatusReport {
    StatusReport {
        id: id(n),
        unit: unit(u),
        alert: id(alert),
        status: ReportStatus::AllWell,
        at: t,
        note: None,
        by: None,
    }
}

#[test]
fn reports_are_due_an_interval_after_the_last_one() {
    let mut a = alert(1, DISTRICT, at(1, 6, 0), Some(at(2, 6, 0)));
    let school = unit(SCHOOL);
    // No report yet: due an interval after the alert's start.
    let d = report_due(&a, &[], school, at(1, 7, 0)).unwrap();
    assert_eq!((d.last, d.due, d.overdue), (None, at(1, 8, 0), false));
    assert!(report_due(&a, &[], school, at(1, 8, 0)).unwrap().overdue);
    let reports = [
        report(10, SCHOOL, 1, at(1, 7, 30)),
        report(11, SCHOOL, 1, at(1, 9, 10)),
        // Another school's report and a report on another alert do not count.
        report(12, OTHER_SCHOOL, 1, at(1, 10, 0)),
        report(13, SCHOOL, 2, at(1, 10, 30)),
    ];
    let d = report_due(&a, &reports, school, at(1, 10, 0)).unwrap();
    assert_eq!(
        (d.last, d.due, d.overdue),
        (Some(at(1, 9, 10)), at(1, 11, 10), false)
    );
    let d = report_due(&a, &reports, school, at(1, 11, 30)).unwrap();
    assert!(d.overdue);
    a.report_interval_min = 30;
    assert_eq!(
        report_due(&a, &reports, school, at(1, 10, 0)).unwrap().due,
        at(1, 9, 40)
    );
    // Nothing is due before the alert, after it, or past its end.
    assert_eq!(report_due(&a, &reports, school, at(1, 5, 0)), None);
    assert_eq!(report_due(&a, &reports, school, at(2, 6, 0)), None);
    a.until = Some(at(1, 9, 30));
    assert_eq!(report_due(&a, &reports, school, at(1, 9, 20)), None);
}

// -------------------------------------------------------------- checklists

#[test]
fn default_checklists_exist_for_every_type_in_both_languages() {
    for t in AlertType::ALL {
        let items = default_checklist(t);
        assert!(items.len() >= 4, "{t:?}");
        for i in &items {
            assert!(i.key.starts_with('@'));
            assert_ne!(i.zh, i.en);
            assert!(!i.label(crate::Lang::Zh).is_ascii());
            assert!(i.label(crate::Lang::En).is_ascii());
        }
        // The stored form keeps every built-in item.
        assert_eq!(parse_checklist(&encode_checklist(&items)), items);
    }
    let typhoon: Vec<String> = default_checklist(AlertType::Typhoon)
        .into_iter()
        .map(|i| i.zh)
        .collect();
    assert!(typhoon.contains(&"户外活动已停止".to_owned()));
    assert!(typhoon.contains(&"学生去向已逐一确认".to_owned()));
}

#[test]
fn an_edited_checklist_keeps_built_in_items_bilingual_and_custom_items_as_typed() {
    let items = parse_checklist(
        "  @drainage_checked \n\n检查地下车库\n@no_such_item\n检查地下车库\n@drainage_checked",
    );
    assert_eq!(
        items
            .iter()
            .map(|i| (i.key.as_str(), i.en.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("@drainage_checked", "Drainage checked and cleared"),
            ("检查地下车库", "检查地下车库"),
            ("@no_such_item", "@no_such_item"),
        ]
    );
    assert_eq!(parse_checklist(&encode_checklist(&items)), items);
    let long = "长".repeat(300);
    assert_eq!(
        parse_checklist(&long)[0].key.chars().count(),
        MAX_ITEM_CHARS
    );
}

#[test]
fn the_units_own_checklist_wins_then_the_districts_then_the_default() {
    let mut a = alert(1, DISTRICT, at(1, 6, 0), None);
    a.extra_items = parse_checklist("@parents_notified\n关闭游泳池");
    let tpl = |n: u128, u: u128, t: AlertType, items: &str, ms: u64| ChecklistTemplate {
        id: id(n),
        unit: unit(u),
        alert_type: t,
        items: parse_checklist(items),
        stamp: Some(Hlc::new(ms, 0, DeviceId(1))),
    };
    let keys = |v: Vec<ChecklistItem>| v.into_iter().map(|i| i.key).collect::<Vec<_>>();
    // Built-in, then the alert's extra items (a repeated one once).
    let mut want = keys(default_checklist(AlertType::Typhoon));
    want.push("关闭游泳池".into());
    assert_eq!(keys(checklist_for(&a, &[], scope())), want);
    let templates = [
        tpl(10, DISTRICT, AlertType::Typhoon, "区级事项", 5),
        tpl(11, OTHER_SCHOOL, AlertType::Typhoon, "别校事项", 9),
        tpl(12, SCHOOL, AlertType::Rainstorm, "暴雨事项", 9),
    ];
    assert_eq!(
        keys(checklist_for(&a, &templates, scope())),
        ["区级事项", "@parents_notified", "关闭游泳池"]
    );
    let mut with_own = templates.to_vec();
    with_own.push(tpl(13, SCHOOL, AlertType::Typhoon, "旧版本", 6));
    with_own.push(tpl(
        14,
        SCHOOL,
        AlertType::Typhoon,
        "@outdoor_stopped\n本校事项",
        8,
    ));
    assert_eq!(
        keys(checklist_for(&a, &with_own, scope())),
        [
            "@outdoor_stopped",
            "本校事项",
            "@parents_notified",
            "关闭游泳池"
        ]
    );
}

#[test]
fn an_admin_edits_a_units_list_and_resets_it_to_the_districts_or_the_built_in_one() {
    let tpl = |n: u128, u: u128, items: &str, ms: u64| ChecklistTemplate {
        id: id(n),
        unit: unit(u),
        alert_type: AlertType::Typhoon,
        items: parse_checklist(items),
        stamp: Some(Hlc::new(ms, 0, DeviceId(1))),
    };
    let district = Scope {
        unit: unit(DISTRICT),
        district: unit(DISTRICT),
    };
    let (items, source) = unit_checklist(&[], scope(), AlertType::Typhoon);
    assert_eq!(items, default_checklist(AlertType::Typhoon));
    assert_eq!(source, ChecklistSource::BuiltIn);
    let templates = vec![tpl(10, DISTRICT, "区级事项", 5)];
    assert_eq!(
        unit_checklist(&templates, scope(), AlertType::Typhoon).1,
        ChecklistSource::District(id(10))
    );
    assert_eq!(
        unit_checklist(&templates, district, AlertType::Typhoon).1,
        ChecklistSource::Own(id(10))
    );
    assert_eq!(
        unit_checklist(&templates, scope(), AlertType::Rainstorm).1,
        ChecklistSource::BuiltIn
    );

    // The school edits the built-in list: drops one item, adds its own.
    let mut items = default_checklist(AlertType::Typhoon);
    items.retain(|i| i.key != "@outdoor_stopped");
    let roof = new_checklist_item(&items, "  检查教学楼屋顶\n排水口 ").unwrap();
    assert_eq!(roof.key, "检查教学楼屋顶 排水口");
    items.push(roof);
    assert_eq!(
        new_checklist_item(&items, "检查教学楼屋顶 排水口"),
        Err(ItemProblem::Duplicate)
    );
    assert_eq!(
        new_checklist_item(&items, "Parents notified"),
        Err(ItemProblem::Duplicate),
        "a built-in item's text counts in either language"
    );
    assert_eq!(new_checklist_item(&items, " @ "), Err(ItemProblem::Empty));
    assert_eq!(
        new_checklist_item(&items, &"长".repeat(MAX_ITEM_CHARS + 1)),
        Err(ItemProblem::TooLong)
    );
    // A typed `@code` stays the school's own text, not a built-in item.
    assert_eq!(
        new_checklist_item(&items, "@drainage_checked").unwrap().key,
        "drainage_checked"
    );
    assert_eq!(
        missing_builtins(AlertType::Typhoon, &items)
            .into_iter()
            .map(|i| i.key)
            .collect::<Vec<_>>(),
        ["@outdoor_stopped"]
    );
    // Saved as a record, it is what the duty staff see during an alert.
    let fields = json!({"alert_type": "typhoon", "items": encode_checklist(&items)});
    let saved = rec(20, Kind::AlertChecklist, SCHOOL, None, fields.clone());
    assert_eq!(validate(Kind::AlertChecklist, &saved.values()), vec![]);
    let mut all = templates.clone();
    all.push(ChecklistTemplate::from_record(&saved).unwrap());
    let a = alert(1, DISTRICT, at(1, 6, 0), None);
    let seen = checklist_for(&a, &all, scope());
    assert_eq!(seen, items);
    assert!(seen.iter().all(|i| i.key != "@outdoor_stopped"));
    assert_eq!(
        unit_checklist(&all, scope(), AlertType::Typhoon).1,
        ChecklistSource::Own(id(20))
    );
    // Reset: deleting the school's edits falls back to the district's.
    all.push(tpl(21, SCHOOL, "旧版本", 1));
    let own = own_checklists(&all, unit(SCHOOL), AlertType::Typhoon);
    assert_eq!(own, [id(20), id(21)]);
    all.retain(|t| !own.contains(&t.id));
    assert_eq!(
        unit_checklist(&all, scope(), AlertType::Typhoon).1,
        ChecklistSource::District(id(10))
    );
}

#[test]
fn ticks_count_per_alert_and_unit_and_survive_reordering() {
    let items = parse_checklist("@outdoor_stopped\n@drainage_checked\n检查地下车库");
    let tick_rec = |n: u128, u: u128, alert: u128, item: &ChecklistItem| {
        let f = tick_fields(id(alert), item, at(1, 9, n as u32 % 60), "张三");
        assert_eq!(validate(Kind::AlertTick, &f), vec![]);
        Tick::from_record(&rec(n, Kind::AlertTick, u, None, json!(f))).unwrap()
    };
    let ticks = [
        tick_rec(1, SCHOOL, 7, &items[1]),
        tick_rec(2, SCHOOL, 7, &items[1]), // ticked on two devices at once
        tick_rec(3, OTHER_SCHOOL, 7, &items[0]),
        tick_rec(4, SCHOOL, 8, &items[0]),
        tick_rec(5, SCHOOL, 7, &items[2]),
    ];
    let done = |items: &[ChecklistItem]| {
        checklist_rows(items, &ticks, id(7), unit(SCHOOL))
            .iter()
            .map(|r| (r.item.key.clone(), r.ticks.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        done(&items),
        vec![
            ("@outdoor_stopped".into(), 0),
            ("@drainage_checked".into(), 2),
            ("检查地下车库".into(), 1),
        ]
    );
    let mut reordered = items.clone();
    reordered.reverse();
    let mut back = done(&reordered);
    back.reverse();
    assert_eq!(back, done(&items));
    assert!(checklist_rows(&items, &ticks, id(7), unit(SCHOOL))[1].done());
}

#[test]
fn roster_and_log_exports_have_chinese_headers_and_one_row_per_entry() {
    use crate::Lang;
    use crate::export::{Cell, ReportParams, report, to_csv};
    let records = [
        rec(
            1,
            Kind::DutyShift,
            SCHOOL,
            None,
            json!({"person": "张三", "role": "officer",
            "phone": "13800000000", "start": "2026-07-01T08:00", "end": "2026-07-01T20:00"}),
        ),
        rec(
            2,
            Kind::DutyShift,
            SCHOOL,
            None,
            json!({"person": "李四", "role": "leader",
            "start": "2026-07-01T07:00", "end": "2026-07-01T19:00"}),
        ),
        {
            let mut r = rec(
                3,
                Kind::DutyCheck,
                SCHOOL,
                Some(1),
                json!({"action": "check_in", "at": "2026-07-01T08:02", "by": "张三"}),
            );
            r.received_ms = Some(at(1, 0, 3).and_utc().timestamp_millis() as u64);
            r
        },
        rec(
            4,
            Kind::DutyPatrol,
            SCHOOL,
            Some(1),
            json!({"at": "2026-07-01T09:00", "area": "东门", "result": "problem", "note": "门锁坏"}),
        ),
        rec(
            5,
            Kind::DutyIncident,
            SCHOOL,
            Some(1),
            json!({"at": "2026-07-01T10:00", "incident_type": "intrusion", "what": "陌生人", "reported_to": "校长"}),
        ),
        rec(
            6,
            Kind::DutyHandover,
            SCHOOL,
            Some(1),
            json!({"note": "修门锁", "to": "王五"}),
        ),
    ];
    let roster = report("duty_roster")
        .unwrap()
        .run(&records, ReportParams::default(), Lang::Zh)
        .unwrap();
    assert_eq!(
        roster.headers(Lang::Zh),
        [
            "开始时间",
            "结束时间",
            "值班角色",
            "值班人",
            "联系电话",
            "备注"
        ]
    );
    assert_eq!(roster.rows.len(), 2);
    assert_eq!(roster.rows[0][3], Cell::text("李四"), "by start");
    assert_eq!(roster.rows[0][2], Cell::text("带班领导"));
    let log = report("duty_log")
        .unwrap()
        .run(&records, ReportParams::default(), Lang::Zh)
        .unwrap();
    assert_eq!(log.headers(Lang::Zh)[4], "记录类型");
    assert_eq!(log.headers(Lang::Zh)[7], "服务器接收时间");
    assert_eq!(log.rows.len(), 4, "one row per entry: {:?}", log.rows);
    // The check-in came back from the server at 2026-07-01 00:03 UTC,
    // 08:03 in the district; the other entries have no such column.
    assert_eq!(log.rows[0][4], Cell::text("签到"));
    assert_eq!(log.rows[0][7], Cell::DateTime(at(1, 8, 3)));
    assert!(log.rows[1..].iter().all(|r| r[7] == Cell::Empty));
    let csv = to_csv(&log, Lang::Zh);
    assert!(csv.contains("东门：有问题；门锁坏"), "{csv}");
    assert!(csv.contains("可疑人员闯入：陌生人；已报告：校长"), "{csv}");
    assert!(csv.contains("修门锁；接班人：王五"), "{csv}");
}
