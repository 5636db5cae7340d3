//! Emergency drills (应急演练): the record kinds, the stopwatch's timing
//! computations and the per-term compliance with what the school must run.
//!
//! # Model
//! A [`Kind::Drill`] record holds the plan (kind, time, place, scenario,
//! coordinator, the classes taking part) and, once done, the evaluation.
//! Everything the stopwatch records is a [`Kind::DrillEntry`] child record:
//! the alarm, each milestone and each class's arrival. Entries are never
//! edited into one list, so two coordinators' phones can record arrivals at
//! different assembly points at once without conflict. Improvements (整改)
//! are [`Kind::DrillFix`] children. What the school must run per term is
//! [`Kind::DrillRequirement`] records, with [`DEFAULT_REQUIREMENTS`] where a
//! unit has none.
//!
//! # Time
//! Every entry stores the device's wall-clock time (`at`, ms since the Unix
//! epoch) and `elapsed`: milliseconds since the alarm *as pressed on that
//! device*, measured by a monotonic clock while the page lives and carried
//! over reloads by an anchor (see [`Anchor`]). Cheap phones have wrong
//! clocks, and clocks change (network time arrives mid-drill), so timings are
//! computed from `elapsed`, never from differences of wall-clock times of
//! different devices. A device that joins a drill already running and
//! presses its own alarm counts from its own press: coordinators press
//! start on the same siren, so their zero points agree far better than
//! their clocks do. Only an entry without `elapsed` falls back to wall-clock
//! arithmetic, against the alarm of its own device when there is one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::Value;

use crate::Lang;
use crate::auth::Role;
use crate::export::{Cell, Column, ReportError, ReportInput, Table};
use crate::hlc::{DeviceId, Hlc};
use crate::kind::{ADMINS, EVERYONE, Kind, KindSpec};
use crate::record::{Record, RecordId, UnitId};
use crate::term::Term;
use crate::validate::{self, FieldSpec, Rule};

/// A kind of drill, as the plan lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DrillKind {
    /// 防范暴力事件 (violence / intruder).
    Violence,
    /// 火灾 (fire).
    Fire,
    /// 气象灾害 (severe weather).
    Weather,
    /// 地震 (earthquake).
    Earthquake,
    /// 传染病 (infectious disease).
    Disease,
    /// 集体性食物中毒 (mass food poisoning).
    FoodPoisoning,
    /// 校车事故应急逃生 (school-bus evacuation).
    SchoolBus,
}

const KIND_CODES: &[&str] = &[
    "violence",
    "fire",
    "weather",
    "earthquake",
    "disease",
    "food_poisoning",
    "school_bus",
];

impl DrillKind {
    /// Every kind, in the plan's order.
    pub const ALL: [DrillKind; 7] = [
        DrillKind::Violence,
        DrillKind::Fire,
        DrillKind::Weather,
        DrillKind::Earthquake,
        DrillKind::Disease,
        DrillKind::FoodPoisoning,
        DrillKind::SchoolBus,
    ];

    /// The stored code, e.g. `"food_poisoning"`.
    pub fn code(self) -> &'static str {
        KIND_CODES[self as usize]
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<DrillKind> {
        DrillKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            DrillKind::Violence => ("防范暴力事件", "Violence / intruder"),
            DrillKind::Fire => ("火灾", "Fire"),
            DrillKind::Weather => ("气象灾害", "Severe weather"),
            DrillKind::Earthquake => ("地震", "Earthquake"),
            DrillKind::Disease => ("传染病", "Infectious disease"),
            DrillKind::FoodPoisoning => ("集体性食物中毒", "Mass food poisoning"),
            DrillKind::SchoolBus => ("校车事故应急逃生", "School-bus evacuation"),
        };
        lang.pick(zh, en)
    }

    /// The milestones the stopwatch offers for this kind, in order.
    pub fn milestones(self) -> &'static [What] {
        match self {
            DrillKind::Violence => &[
                What::SelfRescue,
                What::MutualRescue,
                What::Reinforcement,
                What::AllClear,
            ],
            _ => &[
                What::EvacuationStarted,
                What::Assembled,
                What::HeadcountDone,
                What::AllClear,
            ],
        }
    }

    /// Whether the drill moves classes to an assembly point (class arrivals
    /// make sense).
    pub fn has_arrivals(self) -> bool {
        !matches!(self, DrillKind::Violence)
    }
}

/// A drill's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Planned, not started.
    Planned,
    /// The alarm has sounded.
    Running,
    /// Finished.
    Done,
    /// Called off.
    Cancelled,
}

const STATUS_CODES: &[&str] = &["planned", "running", "done", "cancelled"];

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 4] = [
        Status::Planned,
        Status::Running,
        Status::Done,
        Status::Cancelled,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        STATUS_CODES[self as usize]
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Status::Planned => ("计划中", "Planned"),
            Status::Running => ("进行中", "Running"),
            Status::Done => ("已完成", "Done"),
            Status::Cancelled => ("已取消", "Cancelled"),
        };
        lang.pick(zh, en)
    }
}

/// What a stopwatch entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum What {
    /// The alarm sounded: the drill's zero.
    Alarm,
    /// Evacuation started (开始疏散).
    EvacuationStarted,
    /// All classes assembled (全部集合完毕).
    Assembled,
    /// Headcount done (清点人数完毕).
    HeadcountDone,
    /// All clear (解除警报).
    AllClear,
    /// Self-rescue in place (自救到位), target 1 minute.
    SelfRescue,
    /// Mutual rescue (互救到位), target 3 minutes.
    MutualRescue,
    /// Reinforcement arrived (增援到达), target 5 minutes.
    Reinforcement,
    /// A class arrived at the assembly point.
    Arrival,
}

const WHAT_CODES: &[&str] = &[
    "alarm",
    "evacuation_started",
    "assembled",
    "headcount_done",
    "all_clear",
    "self_rescue",
    "mutual_rescue",
    "reinforcement",
    "arrival",
];

impl What {
    const ALL: [What; 9] = [
        What::Alarm,
        What::EvacuationStarted,
        What::Assembled,
        What::HeadcountDone,
        What::AllClear,
        What::SelfRescue,
        What::MutualRescue,
        What::Reinforcement,
        What::Arrival,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        WHAT_CODES[self as usize]
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<What> {
        What::ALL.into_iter().find(|w| w.code() == code)
    }

    /// The name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            What::Alarm => ("警报响起", "Alarm"),
            What::EvacuationStarted => ("开始疏散", "Evacuation started"),
            What::Assembled => ("全部集合完毕", "All assembled"),
            What::HeadcountDone => ("清点人数完毕", "Headcount done"),
            What::AllClear => ("解除警报", "All clear"),
            What::SelfRescue => ("1分钟自救到位", "Self-rescue (1 min)"),
            What::MutualRescue => ("3分钟互救到位", "Mutual rescue (3 min)"),
            What::Reinforcement => ("5分钟增援到达", "Reinforcement (5 min)"),
            What::Arrival => ("班级到达", "Class arrived"),
        };
        lang.pick(zh, en)
    }

    /// The violence-drill target for this milestone, in seconds.
    pub fn target_seconds(self) -> Option<i64> {
        match self {
            What::SelfRescue => Some(60),
            What::MutualRescue => Some(180),
            What::Reinforcement => Some(300),
            _ => None,
        }
    }
}

/// Wall-clock milliseconds allowed in `at` (up to the year 2100).
const MAX_AT: i64 = 4_102_444_800_000;
/// The longest a drill's stopwatch runs: 7 days, in milliseconds.
const MAX_ELAPSED: i64 = 7 * 24 * 3600 * 1000;

pub(crate) static DRILL: KindSpec = KindSpec {
    name: "drill",
    zh: "应急演练",
    en: "drill",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new(
            "drill_kind",
            "演练类型",
            "Drill type",
            Rule::OneOf(KIND_CODES),
        )
        .required(),
        FieldSpec::new("status", "状态", "Status", Rule::OneOf(STATUS_CODES)),
        FieldSpec::new("scheduled", "计划时间", "Scheduled time", Rule::DateTime),
        FieldSpec::new("place", "地点", "Place", Rule::Text { max: 100 }),
        FieldSpec::new("scenario", "演练情景", "Scenario", Rule::Text { max: 1000 }),
        FieldSpec::new(
            "coordinator",
            "负责人",
            "Coordinator",
            Rule::Text { max: 40 },
        ),
        FieldSpec::new(
            "plan_id",
            "所用应急预案",
            "Emergency plan exercised",
            Rule::Ref(Kind::EmergencyPlan),
        ),
        FieldSpec::new(
            "plan",
            "预案说明",
            "Note on the plan",
            Rule::Text { max: 200 },
        ),
        FieldSpec::new(
            "classes",
            "参加班级",
            "Classes taking part",
            Rule::Text { max: 4000 },
        ),
        FieldSpec::new(
            "students",
            "参加学生人数",
            "Students taking part",
            Rule::Int { min: 0, max: 20000 },
        ),
        FieldSpec::new(
            "staff",
            "参加教职工人数",
            "Staff taking part",
            Rule::Int { min: 0, max: 2000 },
        ),
        FieldSpec::new(
            "problems",
            "发现的问题",
            "Problems found",
            Rule::Text { max: 2000 },
        ),
        FieldSpec::new(
            "evaluation",
            "负责人评价",
            "Coordinator's evaluation",
            Rule::Text { max: 2000 },
        ),
    ],
};

pub(crate) static DRILL_ENTRY: KindSpec = KindSpec {
    name: "drill_entry",
    zh: "演练计时记录",
    en: "drill stopwatch entry",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::Drill),
    fields: &[
        FieldSpec::new("what", "记录内容", "Entry", Rule::OneOf(WHAT_CODES)).required(),
        FieldSpec::new(
            "at",
            "设备时间",
            "Device time",
            Rule::Int {
                min: 0,
                max: MAX_AT,
            },
        ),
        FieldSpec::new(
            "elapsed",
            "用时（毫秒）",
            "Elapsed (ms)",
            Rule::Int {
                min: 0,
                max: MAX_ELAPSED,
            },
        ),
        FieldSpec::new("class", "班级", "Class", Rule::Text { max: 40 }),
        FieldSpec::new(
            "class_name",
            "班级名称",
            "Class name",
            Rule::Text { max: 40 },
        ),
        FieldSpec::new(
            "present",
            "实到人数",
            "Present",
            Rule::Int { min: 0, max: 200 },
        ),
        FieldSpec::new(
            "expected",
            "应到人数",
            "Expected",
            Rule::Int { min: 0, max: 200 },
        ),
        FieldSpec::new(
            "missing",
            "未到人数",
            "Missing",
            Rule::Int { min: 0, max: 200 },
        ),
        FieldSpec::new(
            "injured",
            "受伤人数",
            "Injured",
            Rule::Int { min: 0, max: 200 },
        ),
    ],
};

pub(crate) static DRILL_FIX: KindSpec = KindSpec {
    name: "drill_fix",
    zh: "整改措施",
    en: "improvement",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::Drill),
    fields: &[
        FieldSpec::new("what", "整改内容", "Improvement", Rule::Text { max: 500 }).required(),
        FieldSpec::new("owner", "责任人", "Owner", Rule::Text { max: 40 }).required(),
        FieldSpec::new("deadline", "完成期限", "Deadline", Rule::Date).required(),
        FieldSpec::new("done", "已完成", "Done", Rule::Bool),
    ],
};

pub(crate) static DRILL_REQUIREMENT: KindSpec = KindSpec {
    name: "drill_requirement",
    zh: "演练要求",
    en: "drill requirement",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new(
            "drill_kind",
            "演练类型",
            "Drill type",
            Rule::OneOf(KIND_CODES),
        )
        .required(),
        FieldSpec::new(
            "per_term",
            "每学期次数",
            "Drills per term",
            Rule::Int { min: 0, max: 20 },
        )
        .required(),
        FieldSpec::new(
            "due_week",
            "最迟完成周次",
            "Due by week of term",
            Rule::Int { min: 1, max: 26 },
        )
        .required(),
    ],
};

fn text(r: &Record, field: &str) -> Option<String> {
    match r.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

fn int(r: &Record, field: &str) -> Option<i64> {
    r.get(field).and_then(Value::as_i64)
}

/// A drill plan as the app and the reports read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Drill {
    /// The record's id.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// The kind (`None` if the record has an unknown code).
    pub kind: Option<DrillKind>,
    /// The status; a record without one is planned.
    pub status: Status,
    /// When it is planned, local time.
    pub scheduled: Option<NaiveDateTime>,
    /// Where.
    pub place: String,
    /// Who leads it (负责人), as typed; empty if nobody is named.
    pub coordinator: String,
    /// The classes taking part (class record ids), in the order chosen.
    pub classes: Vec<RecordId>,
}

impl Drill {
    /// Reads a drill record; `None` for other kinds and deleted records.
    pub fn from_record(r: &Record) -> Option<Drill> {
        if r.kind != Kind::Drill || r.is_deleted() {
            return None;
        }
        Some(Drill {
            id: r.id,
            unit: r.unit,
            kind: text(r, "drill_kind").and_then(|c| DrillKind::from_code(&c)),
            status: text(r, "status")
                .and_then(|c| Status::from_code(&c))
                .unwrap_or(Status::Planned),
            scheduled: text(r, "scheduled").and_then(|s| validate::parse_date_time(&s)),
            place: text(r, "place").unwrap_or_default(),
            coordinator: text(r, "coordinator").unwrap_or_default(),
            classes: parse_classes(&text(r, "classes").unwrap_or_default()),
        })
    }

    /// What tells this drill from others of its kind in a list such as
    /// Today's: its place, its planned time (when `with_time`; a list that
    /// shows the time itself leaves it out) and its coordinator, those it
    /// has, in that order. A drill with none of them says so.
    pub fn distinguishing(&self, lang: Lang, with_time: bool) -> Vec<String> {
        let mut out = Vec::new();
        if !self.place.trim().is_empty() {
            out.push(self.place.trim().to_owned());
        }
        if with_time && let Some(at) = self.scheduled {
            out.push(crate::timefmt::date_time(lang, at));
        }
        if !self.coordinator.trim().is_empty() {
            out.push(format!(
                "{}{}",
                lang.pick("负责人：", "Coordinator: "),
                self.coordinator.trim()
            ));
        }
        if out.is_empty() && (with_time || self.scheduled.is_none()) {
            out.push(
                lang.pick(
                    "未填写地点、时间和负责人",
                    "No place, time or coordinator given",
                )
                .to_owned(),
            );
        }
        out
    }

    /// Whether it is planned and its time has passed (`now`, local time).
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        self.status == Status::Planned && self.scheduled.is_some_and(|s| s < now)
    }
}

/// Parses the `classes` field: class record ids separated by commas.
pub fn parse_classes(s: &str) -> Vec<RecordId> {
    let mut seen = BTreeSet::new();
    s.split(',')
        .filter_map(|p| uuid::Uuid::parse_str(p.trim()).ok().map(RecordId))
        .filter(|id| seen.insert(*id))
        .collect()
}

/// The `classes` field for a list of class ids.
pub fn format_classes(ids: &[RecordId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// One stopwatch entry, read from a [`Kind::DrillEntry`] record.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The record's id.
    pub id: RecordId,
    /// What it records.
    pub what: What,
    /// The device's wall-clock time, ms since the Unix epoch.
    pub at: Option<i64>,
    /// Ms since the alarm as pressed on the recording device.
    pub elapsed: Option<i64>,
    /// The device that recorded it.
    pub device: Option<DeviceId>,
    /// When the entry (its latest field) was written, for "latest wins".
    pub stamp: Option<Hlc>,
    /// For arrivals: the class record's id (or, for a class not in the list,
    /// whatever the coordinator typed).
    pub class: Option<String>,
    /// For arrivals: the class's name when recorded.
    pub class_name: Option<String>,
    /// Present headcount.
    pub present: Option<i64>,
    /// Expected headcount.
    pub expected: Option<i64>,
    /// Missing students.
    pub missing: Option<i64>,
    /// Injured students.
    pub injured: Option<i64>,
}

impl Entry {
    /// Reads an entry record; `None` for other kinds, deleted records and
    /// unknown entry codes.
    pub fn from_record(r: &Record) -> Option<Entry> {
        if r.kind != Kind::DrillEntry || r.is_deleted() {
            return None;
        }
        Some(Entry {
            id: r.id,
            what: What::from_code(&text(r, "what")?)?,
            at: int(r, "at"),
            elapsed: int(r, "elapsed").filter(|e| *e >= 0),
            device: r.stamp_of("what").map(|s| s.device),
            stamp: r.max_stamp(),
            class: text(r, "class"),
            class_name: text(r, "class_name"),
            present: int(r, "present"),
            expected: int(r, "expected"),
            missing: int(r, "missing"),
            injured: int(r, "injured"),
        })
    }
}

/// One class's accounted arrival.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The class (record id or typed name).
    pub class: String,
    /// Its name as recorded.
    pub class_name: String,
    /// Seconds from the alarm to its first recorded arrival.
    pub seconds: Option<i64>,
    /// Counts from its latest entry.
    pub present: Option<i64>,
    /// Expected headcount from its latest entry.
    pub expected: Option<i64>,
    /// Missing students from its latest entry.
    pub missing: Option<i64>,
    /// Injured students from its latest entry.
    pub injured: Option<i64>,
    /// Recorded more than once (by two phones, or corrected).
    pub recorded_twice: bool,
}

/// A violence drill's target checked against its milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The milestone.
    pub what: What,
    /// Its limit in seconds.
    pub limit: i64,
    /// When it was recorded, seconds after the alarm.
    pub actual: Option<i64>,
}

impl Target {
    /// `Some(true)` met, `Some(false)` missed, `None` not recorded.
    pub fn met(&self) -> Option<bool> {
        self.actual.map(|a| a <= self.limit)
    }
}

/// Everything the stopwatch screen and the evaluation show, computed from
/// the entries alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timing {
    /// The alarm's wall-clock time (the earliest alarm), ms since the epoch.
    pub alarm_at: Option<i64>,
    /// Whether any alarm was recorded.
    pub started: bool,
    /// Each milestone's time in seconds after the alarm: the earliest
    /// recording for "evacuation started" and the violence targets, the
    /// latest for the others (every assembly point must be done).
    pub milestones: BTreeMap<What, i64>,
    /// Arrivals per class, in order of arrival.
    pub arrivals: Vec<Arrival>,
    /// Participating classes with no arrival yet.
    pub missing_classes: Vec<RecordId>,
    /// Seconds from the alarm until every participating class was
    /// accounted for; `None` while classes are missing (or none take part
    /// and no headcount was recorded).
    pub accountability: Option<i64>,
    /// Total evacuation time in seconds: until "all assembled" if recorded,
    /// else until the last class arrived once all are accounted for.
    pub evacuation: Option<i64>,
    /// Present, expected, missing and injured totals over the arrivals.
    pub present: i64,
    /// Expected total.
    pub expected: i64,
    /// Missing total.
    pub missing: i64,
    /// Injured total.
    pub injured: i64,
    /// The violence drill's 1/3/5-minute targets (empty for other kinds).
    pub targets: Vec<Target>,
    /// Whether any entry's time had to come from wall clocks (no monotonic
    /// elapsed time): such times may be off.
    pub uses_wall_clock: bool,
}

/// Computes a drill's timings from its entries. `participating` are the
/// drill's classes; `kind` selects the violence targets.
pub fn timing(kind: Option<DrillKind>, participating: &[RecordId], entries: &[Entry]) -> Timing {
    let mut t = Timing::default();
    let alarms: Vec<&Entry> = entries.iter().filter(|e| e.what == What::Alarm).collect();
    t.started = !alarms.is_empty();
    t.alarm_at = alarms.iter().filter_map(|e| e.at).min();
    let own_alarm = |device: Option<DeviceId>| {
        alarms
            .iter()
            .filter(|a| a.device == device)
            .filter_map(|a| a.at)
            .min()
    };
    // Seconds after the alarm for each entry.
    let mut seconds = |e: &Entry| -> Option<i64> {
        if let Some(ms) = e.elapsed {
            return Some(ms / 1000);
        }
        let base = own_alarm(e.device).or(t.alarm_at)?;
        t.uses_wall_clock = true;
        e.at.map(|at| at - base)
            .filter(|d| *d >= 0)
            .map(|d| d / 1000)
    };
    let mut firsts: BTreeMap<What, i64> = BTreeMap::new();
    let mut lasts: BTreeMap<What, i64> = BTreeMap::new();
    let mut by_class: BTreeMap<String, Vec<(Option<i64>, &Entry)>> = BTreeMap::new();
    for e in entries {
        let s = seconds(e);
        match e.what {
            What::Alarm => {}
            What::Arrival => {
                if let Some(c) = &e.class {
                    by_class.entry(c.clone()).or_default().push((s, e));
                }
            }
            w => {
                if let Some(s) = s {
                    let f = firsts.entry(w).or_insert(s);
                    *f = (*f).min(s);
                    let l = lasts.entry(w).or_insert(s);
                    *l = (*l).max(s);
                }
            }
        }
    }
    for (&w, &first) in &firsts {
        let v = match w {
            What::EvacuationStarted
            | What::SelfRescue
            | What::MutualRescue
            | What::Reinforcement => first,
            _ => lasts[&w],
        };
        t.milestones.insert(w, v);
    }
    for (class, list) in by_class {
        let first = list.iter().filter_map(|(s, _)| *s).min();
        let latest = list
            .iter()
            .max_by(|a, b| a.1.stamp.cmp(&b.1.stamp))
            .map(|(_, e)| *e);
        let Some(latest) = latest else { continue };
        t.arrivals.push(Arrival {
            class_name: latest
                .class_name
                .clone()
                .or_else(|| list.iter().find_map(|(_, e)| e.class_name.clone()))
                .unwrap_or_else(|| class.clone()),
            class,
            seconds: first,
            present: latest.present,
            expected: latest.expected,
            missing: latest.missing,
            injured: latest.injured,
            recorded_twice: list.len() > 1,
        });
    }
    crate::order::sort_by_key(&mut t.arrivals, |a| {
        (a.seconds.unwrap_or(i64::MAX), a.class_name.clone())
    });
    for a in &t.arrivals {
        t.present += a.present.unwrap_or(0);
        t.expected += a.expected.unwrap_or(0);
        t.missing += a.missing.unwrap_or(0);
        t.injured += a.injured.unwrap_or(0);
    }
    let arrived: BTreeSet<&str> = crate::order::set_of(t.arrivals.iter().map(|a| a.class.as_str()));
    t.missing_classes = participating
        .iter()
        .filter(|c| !arrived.contains(c.to_string().as_str()))
        .copied()
        .collect();
    let last_arrival = t.arrivals.iter().filter_map(|a| a.seconds).max();
    t.accountability = if !participating.is_empty() {
        if t.missing_classes.is_empty() {
            // Only the participating classes count; extra entries do not delay.
            // A class that arrived at an unknown time leaves the time unknown.
            participating
                .iter()
                .map(|c| {
                    let c = c.to_string();
                    t.arrivals
                        .iter()
                        .find(|a| a.class == c)
                        .and_then(|a| a.seconds)
                })
                .collect::<Option<Vec<i64>>>()
                .and_then(|s| s.into_iter().max())
        } else {
            None
        }
    } else {
        t.milestones
            .get(&What::HeadcountDone)
            .copied()
            .or(last_arrival)
    };
    t.evacuation = t
        .milestones
        .get(&What::Assembled)
        .copied()
        .or(if participating.is_empty() {
            last_arrival
        } else {
            t.accountability
        });
    if kind == Some(DrillKind::Violence) {
        t.targets = DrillKind::Violence
            .milestones()
            .iter()
            .filter_map(|&w| {
                w.target_seconds().map(|limit| Target {
                    what: w,
                    limit,
                    actual: t.milestones.get(&w).copied(),
                })
            })
            .collect();
    }
    t
}

/// What a running stopwatch remembers on the device to continue after a
/// reload: at wall-clock time `wall` (ms), `elapsed` ms had passed since the
/// alarm. Written every second while the drill runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Wall-clock ms since the epoch when the anchor was taken.
    pub wall: i64,
    /// Ms since the alarm at that moment.
    pub elapsed: i64,
}

impl Anchor {
    /// The elapsed time at wall-clock `now` after a reload. The gap since the
    /// anchor is measured by the wall clock (the only clock that survives a
    /// reload); a clock that went backwards counts as no time passing, and a
    /// gap beyond the stopwatch's range is capped.
    pub fn elapsed_at(self, now: i64) -> i64 {
        (self.elapsed + (now - self.wall).max(0)).min(MAX_ELAPSED)
    }
}

/// How many students a class is expected to bring: its size.
pub fn expected_of(class: &Record) -> Option<i64> {
    int(class, "size")
}

/// The default requirements per term: every kind the plan lists at least
/// once a term, due in staggered weeks; school-bus drills only where a
/// school sets it (it runs buses).
pub const DEFAULT_REQUIREMENTS: [Requirement; 7] = [
    Requirement::new(DrillKind::Violence, 1, 6),
    Requirement::new(DrillKind::Fire, 1, 4),
    Requirement::new(DrillKind::Weather, 1, 10),
    Requirement::new(DrillKind::Earthquake, 1, 8),
    Requirement::new(DrillKind::Disease, 1, 12),
    Requirement::new(DrillKind::FoodPoisoning, 1, 14),
    Requirement::new(DrillKind::SchoolBus, 0, 16),
];

/// What a unit must run of one kind each term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The kind.
    pub kind: DrillKind,
    /// How many drills per term (0: not required).
    pub per_term: u32,
    /// Due by the end of this week of the term (week 1 starts on the
    /// term's first day).
    pub due_week: u32,
}

impl Requirement {
    /// A requirement.
    pub const fn new(kind: DrillKind, per_term: u32, due_week: u32) -> Requirement {
        Requirement {
            kind,
            per_term,
            due_week,
        }
    }

    /// The last day a drill may be done in `term` to meet this.
    pub fn due(self, term: Term) -> NaiveDate {
        let d = term.start() + Duration::days(i64::from(self.due_week.max(1)) * 7 - 1);
        d.min(term.end())
    }

    /// The record fields that store it.
    pub fn fields(self) -> BTreeMap<String, Value> {
        crate::order::map_of([
            ("drill_kind".to_owned(), Value::from(self.kind.code())),
            ("per_term".to_owned(), Value::from(self.per_term)),
            ("due_week".to_owned(), Value::from(self.due_week)),
        ])
    }
}

/// A unit's effective requirements: its own [`Kind::DrillRequirement`]
/// records (for a kind set twice, the later write wins), the defaults for
/// kinds it has not set. Returned in [`DrillKind::ALL`] order, with the
/// record that holds each (if any).
pub fn requirements(unit: UnitId, records: &[Record]) -> Vec<(Requirement, Option<RecordId>)> {
    let mut own: BTreeMap<DrillKind, (Option<Hlc>, Requirement, RecordId)> = BTreeMap::new();
    for r in records {
        if r.kind != Kind::DrillRequirement || r.unit != unit || r.is_deleted() {
            continue;
        }
        let Some(kind) = text(r, "drill_kind").and_then(|c| DrillKind::from_code(&c)) else {
            continue;
        };
        let default = DEFAULT_REQUIREMENTS[kind as usize];
        let req = Requirement {
            kind,
            per_term: int(r, "per_term").map_or(default.per_term, |n| n.clamp(0, 20) as u32),
            due_week: int(r, "due_week").map_or(default.due_week, |n| n.clamp(1, 26) as u32),
        };
        let stamp = r.max_stamp();
        match own.get(&kind) {
            Some((s, _, _)) if *s >= stamp => {}
            _ => {
                own.insert(kind, (stamp, req, r.id));
            }
        }
    }
    DEFAULT_REQUIREMENTS
        .iter()
        .map(|d| match own.get(&d.kind) {
            Some((_, req, id)) => (*req, Some(*id)),
            None => (*d, None),
        })
        .collect()
}

/// Where a unit stands with one kind of drill in a term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Fewer done than required and the due date has passed (or a planned
    /// drill's time has passed without it being run).
    Overdue,
    /// Not met, due within 7 days.
    DueSoon,
    /// Not met, not scheduled enough, due later.
    Open,
    /// Done and upcoming planned drills together meet it.
    Scheduled,
    /// Done.
    Met,
    /// Not required this term.
    NotRequired,
}

impl Standing {
    /// The word shown next to the colour.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Standing::Overdue => ("已逾期", "Overdue"),
            Standing::DueSoon => ("即将到期", "Due soon"),
            Standing::Open => ("未安排", "Not scheduled"),
            Standing::Scheduled => ("已安排", "Scheduled"),
            Standing::Met => ("已完成", "Done"),
            Standing::NotRequired => ("不要求", "Not required"),
        };
        lang.pick(zh, en)
    }
}

/// One row of the compliance table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compliance {
    /// The requirement.
    pub requirement: Requirement,
    /// Its due date in the term.
    pub due: NaiveDate,
    /// Drills of this kind done in the term.
    pub done: u32,
    /// Planned drills of this kind in the term whose time has not passed.
    pub upcoming: u32,
    /// Planned drills of this kind whose time has passed.
    pub overdue_drills: u32,
    /// The standing.
    pub standing: Standing,
}

/// The date a drill counts for: its alarm's date if it ran (`ran_on`), else
/// its scheduled date.
fn drill_date(d: &Drill, ran_on: &BTreeMap<RecordId, NaiveDate>) -> Option<NaiveDate> {
    ran_on.get(&d.id).copied().or(d.scheduled.map(|s| s.date()))
}

/// Compliance of one unit's drills with its requirements in `term`, as of
/// local time `now`. `ran_on` gives the local date a drill's alarm sounded
/// (drills that ran on another day than planned count on that day).
pub fn compliance(
    requirements: &[(Requirement, Option<RecordId>)],
    drills: &[Drill],
    ran_on: &BTreeMap<RecordId, NaiveDate>,
    term: Term,
    now: NaiveDateTime,
) -> Vec<Compliance> {
    let today = now.date();
    requirements
        .iter()
        .map(|&(req, _)| {
            let in_term = drills
                .iter()
                .filter(|d| d.kind == Some(req.kind))
                .filter(|d| drill_date(d, ran_on).is_some_and(|day| term.contains(day)));
            let (mut done, mut upcoming, mut overdue_drills) = (0, 0, 0);
            for d in in_term {
                match d.status {
                    Status::Done => done += 1,
                    Status::Planned if d.is_overdue(now) => overdue_drills += 1,
                    Status::Planned | Status::Running => upcoming += 1,
                    Status::Cancelled => {}
                }
            }
            let due = req.due(term);
            let standing = if req.per_term == 0 {
                Standing::NotRequired
            } else if done >= req.per_term {
                Standing::Met
            } else if today > due || overdue_drills > 0 {
                Standing::Overdue
            } else if done + upcoming >= req.per_term {
                Standing::Scheduled
            } else if (due - today).num_days() <= 7 {
                Standing::DueSoon
            } else {
                Standing::Open
            };
            Compliance {
                requirement: req,
                due,
                done,
                upcoming,
                overdue_drills,
                standing,
            }
        })
        .collect()
}

/// Something Today shows about drills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// A drill is running (its stopwatch can be resumed).
    Running(RecordId),
    /// A planned drill is due within 7 days (or today).
    Upcoming(RecordId, NaiveDateTime),
    /// A planned drill's time has passed.
    OverdueDrill(RecordId, NaiveDateTime),
    /// A kind's requirement is due within 7 days and not met or scheduled.
    RequirementDueSoon(DrillKind, NaiveDate),
    /// A kind's requirement is overdue.
    RequirementOverdue(DrillKind, NaiveDate),
}

/// Today's drill reminders: running first, then overdue, then due soon,
/// each by time.
pub fn reminders(drills: &[Drill], rows: &[Compliance], now: NaiveDateTime) -> Vec<Reminder> {
    let week = now + Duration::days(7);
    let mut out: Vec<Reminder> = drills
        .iter()
        .filter(|d| d.status == Status::Running)
        .map(|d| Reminder::Running(d.id))
        .collect();
    let mut planned: Vec<(NaiveDateTime, RecordId)> = drills
        .iter()
        .filter(|d| d.status == Status::Planned)
        .filter_map(|d| d.scheduled.map(|s| (s, d.id)))
        .filter(|(s, _)| *s <= week)
        .collect();
    crate::order::sort(&mut planned);
    out.extend(
        planned
            .iter()
            .filter(|(s, _)| *s < now)
            .map(|&(s, id)| Reminder::OverdueDrill(id, s)),
    );
    for r in rows {
        // A requirement past its due date; a planned drill that is late
        // already has its own reminder.
        if r.standing == Standing::Overdue && now.date() > r.due {
            out.push(Reminder::RequirementOverdue(r.requirement.kind, r.due));
        }
    }
    out.extend(
        planned
            .iter()
            .filter(|(s, _)| *s >= now)
            .map(|&(s, id)| Reminder::Upcoming(id, s)),
    );
    for r in rows {
        if r.standing == Standing::DueSoon {
            out.push(Reminder::RequirementDueSoon(r.requirement.kind, r.due));
        }
    }
    out
}

/// Whether `role` may edit the unit's drill requirements.
pub fn may_edit_requirements(role: Role) -> bool {
    Kind::DrillRequirement.writable_by(role)
}

/// The local time in the district (China Standard Time, UTC+8, no daylight
/// saving) of wall-clock `ms`: exports are made on the server, which does
/// not know the device's time zone.
pub fn district_time(ms: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc() + Duration::hours(8))
}

fn seconds_cell(s: Option<i64>) -> Cell {
    s.map_or(Cell::Empty, Cell::Int)
}

/// The timings of a drill record, from the entries among `records`.
fn timing_of(d: &Drill, records: &[&Record]) -> Timing {
    let entries: Vec<Entry> = records
        .iter()
        .filter(|r| r.parent == Some(d.id))
        .filter_map(|r| Entry::from_record(r))
        .collect();
    timing(d.kind, &d.classes, &entries)
}

/// 演练列表: one row per drill (in the requested term, if one is given),
/// with its computed timings and open improvements.
pub fn list_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let children: Vec<&Record> = input
        .records
        .iter()
        .filter(|r| matches!(r.kind, Kind::DrillEntry | Kind::DrillFix))
        .collect();
    let mut drills: Vec<(Drill, &Record)> = input
        .of_kind(Kind::Drill)
        .filter_map(|r| Drill::from_record(r).map(|d| (d, r)))
        .collect();
    crate::order::sort_by_key(&mut drills, |(d, _)| (d.scheduled, d.id));
    let mut columns: Vec<Column> = ["drill_kind", "status", "scheduled", "place", "coordinator"]
        .iter()
        .map(|f| Column::of_field(Kind::Drill, f))
        .collect();
    columns.extend([
        Column::new("警报时间", "Alarm time"),
        Column::new("疏散总用时（秒）", "Evacuation (s)"),
        Column::new("全部清点用时（秒）", "Accountability (s)"),
        Column::of_field(Kind::Drill, "students"),
        Column::of_field(Kind::Drill, "staff"),
        Column::new("未完成整改", "Open improvements"),
    ]);
    let mut table = Table::new("演练列表", "Drills", columns);
    let lang = input.lang;
    for (d, r) in drills {
        let t = timing_of(&d, &children);
        let alarm = t.alarm_at.and_then(district_time);
        let date = alarm.map(|a| a.date()).or(d.scheduled.map(|s| s.date()));
        if let Some(term) = input.params.term
            && !date.is_some_and(|day| term.contains(day))
        {
            continue;
        }
        let open_fixes = children
            .iter()
            .filter(|c| c.kind == Kind::DrillFix && c.parent == Some(d.id))
            .filter(|c| c.get("done") != Some(&Value::Bool(true)))
            .count();
        table.rows.push(vec![
            Cell::text(d.kind.map_or("", |k| k.label(lang))),
            Cell::text(d.status.label(lang)),
            d.scheduled.map_or(Cell::Empty, Cell::DateTime),
            Cell::of_field(r, "place", lang),
            Cell::of_field(r, "coordinator", lang),
            alarm.map_or(Cell::Empty, Cell::DateTime),
            seconds_cell(t.evacuation),
            seconds_cell(t.accountability),
            Cell::of_field(r, "students", lang),
            Cell::of_field(r, "staff", lang),
            Cell::Int(open_fixes as i64),
        ]);
    }
    Ok(table)
}

/// 演练记录: one drill as a printable record: the plan, the evaluation, the
/// timings, each milestone and class arrival, and the improvements.
pub fn record_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let r = input.the_record(Kind::Drill)?;
    let d = Drill::from_record(r).ok_or_else(ReportError::not_found)?;
    let lang = input.lang;
    let children: Vec<&Record> = input
        .records
        .iter()
        .filter(|c| c.parent == Some(d.id))
        .collect();
    let t = timing_of(&d, &children);
    let columns = vec![
        Column::new("项目", "Item"),
        Column::new("内容", "Details"),
        Column::new("用时（秒）", "Time (s)"),
        Column::of_field(Kind::DrillEntry, "present"),
        Column::of_field(Kind::DrillEntry, "expected"),
        Column::of_field(Kind::DrillEntry, "missing"),
        Column::of_field(Kind::DrillEntry, "injured"),
    ];
    let mut table = Table::new("演练记录", "Drill record", columns);
    let label = |f: &str| {
        Kind::Drill
            .field(f)
            .map_or(f.to_owned(), |s| lang.pick(s.zh, s.en).to_owned())
    };
    for f in [
        "drill_kind",
        "status",
        "scheduled",
        "place",
        "coordinator",
        "plan",
        "scenario",
    ] {
        let value = match f {
            "drill_kind" => Cell::text(d.kind.map_or("", |k| k.label(lang))),
            "status" => Cell::text(d.status.label(lang)),
            _ => Cell::of_field(r, f, lang),
        };
        table.rows.push(vec![Cell::text(label(f)), value]);
    }
    let alarm = t.alarm_at.and_then(district_time);
    table.rows.push(vec![
        Cell::text(lang.pick("警报时间", "Alarm time")),
        alarm.map_or(Cell::Empty, Cell::DateTime),
    ]);
    for (zh, en, s) in [
        ("疏散总用时", "Total evacuation time", t.evacuation),
        (
            "全部清点用时",
            "Time to full accountability",
            t.accountability,
        ),
    ] {
        table.rows.push(vec![
            Cell::text(lang.pick(zh, en)),
            Cell::text(
                s.map(|s| crate::timefmt::duration(lang, s))
                    .unwrap_or_default(),
            ),
            seconds_cell(s),
        ]);
    }
    for (w, s) in &t.milestones {
        table
            .rows
            .push(vec![Cell::text(w.label(lang)), Cell::Empty, Cell::Int(*s)]);
    }
    for tg in &t.targets {
        let word = match tg.met() {
            Some(true) => lang.pick("达标", "Met"),
            Some(false) => lang.pick("未达标", "Missed"),
            None => lang.pick("未记录", "Not recorded"),
        };
        table.rows.push(vec![
            Cell::text(tg.what.label(lang)),
            Cell::text(word),
            seconds_cell(tg.actual),
        ]);
    }
    for a in &t.arrivals {
        table.rows.push(vec![
            Cell::text(What::Arrival.label(lang)),
            Cell::text(a.class_name.clone()),
            seconds_cell(a.seconds),
            a.present.map_or(Cell::Empty, Cell::Int),
            a.expected.map_or(Cell::Empty, Cell::Int),
            a.missing.map_or(Cell::Empty, Cell::Int),
            a.injured.map_or(Cell::Empty, Cell::Int),
        ]);
    }
    for f in ["students", "staff", "problems", "evaluation"] {
        table
            .rows
            .push(vec![Cell::text(label(f)), Cell::of_field(r, f, lang)]);
    }
    let mut fixes: Vec<&&Record> = children
        .iter()
        .filter(|c| c.kind == Kind::DrillFix)
        .collect();
    crate::order::sort_by_key(&mut fixes, |c| c.id);
    for f in fixes {
        let text = |k: &str| crate::form::input_from_value(f.get(k));
        let done = f.get("done") == Some(&Value::Bool(true));
        table.rows.push(vec![
            Cell::text(lang.pick("整改措施", "Improvement")),
            Cell::text(format!(
                "{}（{} · {} · {}）",
                text("what"),
                text("owner"),
                text("deadline"),
                if done {
                    lang.pick("已完成", "done")
                } else {
                    lang.pick("未完成", "open")
                }
            )),
        ]);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    const UNIT: UnitId = UnitId(Uuid::from_u128(1));
    const DRILL_ID: RecordId = RecordId(Uuid::from_u128(2));
    /// 2025-11-28 02:00:00 UTC.
    const T0: i64 = 1_764_295_200_000;

    fn id(n: u128) -> RecordId {
        RecordId(Uuid::from_u128(n))
    }

    fn record(kind: Kind, n: u128, parent: Option<RecordId>, stamp: Hlc, fields: Value) -> Record {
        let mut r = Record::new(id(n), kind, UNIT, parent);
        let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        r.apply(stamp, fields.iter().map(|(k, v)| (k, v, None)));
        r
    }

    /// An entry recorded by `device` whose clock reads `at` and whose
    /// monotonic stopwatch reads `elapsed` (ms); `seq` orders the writes.
    fn entry(
        n: u128,
        device: u64,
        seq: u64,
        at: i64,
        elapsed: Option<i64>,
        fields: Value,
    ) -> Entry {
        let mut f = fields;
        f["at"] = json!(at);
        if let Some(e) = elapsed {
            f["elapsed"] = json!(e);
        }
        let stamp = Hlc::new(seq, 0, DeviceId(device));
        Entry::from_record(&record(Kind::DrillEntry, n, Some(DRILL_ID), stamp, f)).unwrap()
    }

    fn milestone(n: u128, device: u64, at: i64, elapsed: Option<i64>, what: What) -> Entry {
        entry(
            n,
            device,
            n as u64,
            at,
            elapsed,
            json!({"what": what.code()}),
        )
    }

    fn arrival(
        n: u128,
        device: u64,
        at: i64,
        elapsed: Option<i64>,
        class: RecordId,
        present: i64,
    ) -> Entry {
        entry(
            n,
            device,
            n as u64,
            at,
            elapsed,
            json!({"what": "arrival", "class": class.to_string(), "class_name": format!("班{}", class.0.as_u128()), "present": present, "expected": 40, "missing": 40 - present, "injured": 0}),
        )
    }

    fn classes() -> Vec<RecordId> {
        vec![id(101), id(102), id(103)]
    }

    #[test]
    fn one_phone_times_milestones_arrivals_and_accountability() {
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            milestone(11, 1, T0 + 20_000, Some(20_000), What::EvacuationStarted),
            arrival(12, 1, T0 + 95_000, Some(95_000), id(102), 40),
            arrival(13, 1, T0 + 80_500, Some(80_500), id(101), 38),
            arrival(14, 1, T0 + 130_000, Some(130_000), id(103), 39),
            milestone(15, 1, T0 + 140_000, Some(140_000), What::Assembled),
            milestone(16, 1, T0 + 200_000, Some(200_000), What::HeadcountDone),
        ];
        let t = timing(Some(DrillKind::Fire), &classes(), &e);
        assert!(t.started);
        assert_eq!(t.alarm_at, Some(T0));
        assert_eq!(t.milestones[&What::EvacuationStarted], 20);
        let order: Vec<i64> = t.arrivals.iter().map(|a| a.seconds.unwrap()).collect();
        assert_eq!(order, vec![80, 95, 130]);
        assert!(t.missing_classes.is_empty());
        assert_eq!(t.accountability, Some(130));
        assert_eq!(
            t.evacuation,
            Some(140),
            "the 'all assembled' milestone wins"
        );
        assert_eq!(
            (t.present, t.expected, t.missing, t.injured),
            (117, 120, 3, 0)
        );
        assert!(t.targets.is_empty());
        assert!(!t.uses_wall_clock);

        // Without the milestone, evacuation ends with the last arrival.
        let t = timing(Some(DrillKind::Fire), &classes(), &e[..5]);
        assert_eq!(t.evacuation, Some(130));
    }

    #[test]
    fn missing_classes_hold_accountability_open() {
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            arrival(12, 1, T0 + 60_000, Some(60_000), id(101), 40),
            // A class that does not take part does not count either way.
            arrival(13, 1, T0 + 70_000, Some(70_000), id(999), 20),
        ];
        let t = timing(Some(DrillKind::Earthquake), &classes(), &e);
        assert_eq!(t.missing_classes, vec![id(102), id(103)]);
        assert_eq!(t.accountability, None);
        assert_eq!(t.evacuation, None);
        let all = [
            e,
            vec![
                arrival(14, 1, T0 + 90_000, Some(90_000), id(102), 40),
                arrival(15, 1, T0 + 75_000, Some(75_000), id(103), 40),
            ],
        ]
        .concat();
        let t = timing(Some(DrillKind::Earthquake), &classes(), &all);
        assert!(t.missing_classes.is_empty());
        assert_eq!(
            t.accountability,
            Some(90),
            "the extra class at 70 s does not matter"
        );
    }

    #[test]
    fn wrong_and_changed_device_clocks_do_not_change_timings() {
        // Phone 1's clock is right but is corrected back 10 minutes mid-drill;
        // phone 2's clock is an hour fast and it pressed its alarm on the same
        // siren. Elapsed (monotonic) times are what count.
        let skew = 3_600_000;
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            milestone(20, 2, T0 + skew + 400, Some(0), What::Alarm),
            arrival(11, 1, T0 - 600_000 + 70_000, Some(70_000), id(101), 40),
            arrival(21, 2, T0 + skew + 85_000, Some(84_600), id(102), 40),
            arrival(22, 2, T0 + skew + 121_000, Some(120_600), id(103), 40),
            milestone(12, 1, T0 - 600_000 + 150_000, Some(150_000), What::AllClear),
        ];
        let t = timing(Some(DrillKind::Fire), &classes(), &e);
        assert_eq!(t.alarm_at, Some(T0), "the earliest alarm is shown");
        let secs: Vec<i64> = t.arrivals.iter().map(|a| a.seconds.unwrap()).collect();
        assert_eq!(secs, vec![70, 84, 120]);
        assert_eq!(t.accountability, Some(120));
        assert_eq!(t.milestones[&What::AllClear], 150);
        assert!(!t.uses_wall_clock);
    }

    #[test]
    fn entries_without_elapsed_fall_back_to_their_own_devices_alarm() {
        let skew = 3_600_000;
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            milestone(20, 2, T0 + skew, None, What::Alarm),
            // Phone 2 lost its stopwatch: its wall clock against its own alarm
            // still gives 100 s, not 3700 s.
            arrival(21, 2, T0 + skew + 100_000, None, id(101), 40),
            // No alarm on phone 3: counted against the earliest alarm.
            arrival(31, 3, T0 + 50_000, None, id(102), 40),
            // A wall clock before the alarm gives no time rather than a negative one.
            arrival(32, 3, T0 - 5_000, None, id(103), 40),
        ];
        let t = timing(Some(DrillKind::Fire), &classes(), &e);
        assert!(t.uses_wall_clock);
        let by_class = |c: RecordId| {
            t.arrivals
                .iter()
                .find(|a| a.class == c.to_string())
                .unwrap()
                .seconds
        };
        assert_eq!(by_class(id(101)), Some(100));
        assert_eq!(by_class(id(102)), Some(50));
        assert_eq!(by_class(id(103)), None);
        assert_eq!(
            t.accountability, None,
            "a class with no usable time is not accounted"
        );
    }

    #[test]
    fn a_class_recorded_by_two_phones_keeps_its_first_time_and_latest_counts() {
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            milestone(20, 2, T0, Some(0), What::Alarm),
            entry(
                11,
                1,
                50,
                T0 + 60_000,
                Some(60_000),
                json!({"what": "arrival", "class": id(101).to_string(), "class_name": "一(1)班", "present": 35, "expected": 40, "missing": 5}),
            ),
            entry(
                21,
                2,
                60,
                T0 + 65_000,
                Some(65_000),
                json!({"what": "arrival", "class": id(101).to_string(), "class_name": "一(1)班", "present": 39, "expected": 40, "missing": 1, "injured": 1}),
            ),
        ];
        let t = timing(None, &[id(101)], &e);
        assert_eq!(t.arrivals.len(), 1);
        let a = &t.arrivals[0];
        assert_eq!(a.seconds, Some(60));
        assert_eq!(
            (a.present, a.missing, a.injured),
            (Some(39), Some(1), Some(1))
        );
        assert!(a.recorded_twice);
        assert_eq!(a.class_name, "一(1)班");
        // Two phones at two assembly points: "all assembled" is when the last one was.
        let e2 = [
            e,
            vec![
                milestone(12, 1, T0 + 70_000, Some(70_000), What::Assembled),
                milestone(22, 2, T0 + 90_000, Some(90_000), What::Assembled),
                milestone(13, 1, T0 + 10_000, Some(10_000), What::EvacuationStarted),
                milestone(23, 2, T0 + 12_000, Some(12_000), What::EvacuationStarted),
            ],
        ]
        .concat();
        let t = timing(None, &[id(101)], &e2);
        assert_eq!(t.milestones[&What::Assembled], 90);
        assert_eq!(t.milestones[&What::EvacuationStarted], 10);
        assert_eq!(t.evacuation, Some(90));
    }

    #[test]
    fn violence_targets_are_checked_against_milestones() {
        let e = vec![
            milestone(10, 1, T0, Some(0), What::Alarm),
            milestone(11, 1, T0 + 55_000, Some(55_000), What::SelfRescue),
            milestone(12, 1, T0 + 181_000, Some(181_000), What::MutualRescue),
        ];
        let t = timing(Some(DrillKind::Violence), &[], &e);
        let met: Vec<(What, Option<bool>)> = t.targets.iter().map(|t| (t.what, t.met())).collect();
        assert_eq!(
            met,
            vec![
                (What::SelfRescue, Some(true)),
                (What::MutualRescue, Some(false)),
                (What::Reinforcement, None)
            ]
        );
        assert!(timing(Some(DrillKind::Fire), &[], &e).targets.is_empty());
    }

    #[test]
    fn the_anchor_survives_reloads_and_clock_jumps() {
        let a = Anchor {
            wall: T0,
            elapsed: 42_000,
        };
        assert_eq!(a.elapsed_at(T0 + 3_000), 45_000);
        assert_eq!(
            a.elapsed_at(T0 - 60_000),
            42_000,
            "a clock set back loses no time"
        );
        assert_eq!(a.elapsed_at(T0 + 30 * 86_400_000), MAX_ELAPSED);
    }

    fn at(date: &str) -> NaiveDateTime {
        validate::parse_date_time(date).unwrap()
    }

    fn drill(n: u128, kind: DrillKind, status: Status, scheduled: &str) -> Drill {
        let r = record(
            Kind::Drill,
            n,
            None,
            Hlc::new(1, 0, DeviceId(1)),
            json!({"drill_kind": kind.code(), "status": status.code(), "scheduled": scheduled}),
        );
        Drill::from_record(&r).unwrap()
    }

    #[test]
    fn drills_of_one_kind_are_told_apart_by_place_time_and_coordinator() {
        let r = |n: u128, fields: Value| {
            let r = record(Kind::Drill, n, None, Hlc::new(1, 0, DeviceId(1)), fields);
            Drill::from_record(&r).unwrap()
        };
        let a = r(
            1,
            json!({"drill_kind": "earthquake", "status": "running", "place": "操场东侧",
                   "scheduled": "2026-10-09T10:00", "coordinator": "李老师"}),
        );
        assert_eq!(
            a.distinguishing(Lang::Zh, true),
            ["操场东侧", "2026年10月9日 10:00", "负责人：李老师"]
        );
        assert_eq!(
            a.distinguishing(Lang::En, false),
            ["操场东侧", "Coordinator: 李老师"]
        );
        let b = r(2, json!({"drill_kind": "earthquake", "status": "running"}));
        assert_eq!(
            b.distinguishing(Lang::Zh, true),
            ["未填写地点、时间和负责人"]
        );
        assert_ne!(
            a.distinguishing(Lang::Zh, true),
            b.distinguishing(Lang::Zh, true)
        );
        // A list that shows the time itself needs nothing more for a timed drill.
        let c = r(
            3,
            json!({"drill_kind": "fire", "scheduled": "2026-10-09T10:00"}),
        );
        assert!(c.distinguishing(Lang::Zh, false).is_empty());
    }

    fn standing(rows: &[Compliance], kind: DrillKind) -> (Standing, u32, u32, u32) {
        let r = rows.iter().find(|r| r.requirement.kind == kind).unwrap();
        (r.standing, r.done, r.upcoming, r.overdue_drills)
    }

    #[test]
    fn compliance_over_terms() {
        let reqs = requirements(UNIT, &[]);
        assert_eq!(reqs.len(), 7);
        let term = Term::parse("2026-1").unwrap(); // 2026-08-01 .. 2027-01-31
        let now = at("2026-09-20T10:00");
        let drills = vec![
            // Fire: one done this term, one done last term (does not count).
            drill(1, DrillKind::Fire, Status::Done, "2026-09-01T10:00"),
            drill(2, DrillKind::Fire, Status::Done, "2026-06-01T10:00"),
            // Earthquake: planned later this term (due week 8 = 2026-09-25).
            drill(
                3,
                DrillKind::Earthquake,
                Status::Planned,
                "2026-09-24T10:00",
            ),
            // Violence: due week 6 (2026-09-11) has passed with nothing done.
            drill(
                4,
                DrillKind::Violence,
                Status::Cancelled,
                "2026-09-05T10:00",
            ),
            // Weather: planned but its time has passed without running.
            drill(5, DrillKind::Weather, Status::Planned, "2026-09-18T09:00"),
            // Disease: planned for next term only.
            drill(6, DrillKind::Disease, Status::Planned, "2027-03-01T09:00"),
            // Food poisoning: planned for June but actually run in this term.
            drill(
                7,
                DrillKind::FoodPoisoning,
                Status::Done,
                "2026-07-01T09:00",
            ),
        ];
        let ran_on = BTreeMap::from([(id(7), NaiveDate::from_ymd_opt(2026, 9, 3).unwrap())]);
        let rows = compliance(&reqs, &drills, &ran_on, term, now);
        assert_eq!(standing(&rows, DrillKind::Fire), (Standing::Met, 1, 0, 0));
        assert_eq!(
            standing(&rows, DrillKind::Earthquake),
            (Standing::Scheduled, 0, 1, 0)
        );
        assert_eq!(
            standing(&rows, DrillKind::Violence),
            (Standing::Overdue, 0, 0, 0)
        );
        assert_eq!(
            standing(&rows, DrillKind::Weather),
            (Standing::Overdue, 0, 0, 1)
        );
        assert_eq!(
            standing(&rows, DrillKind::Disease).0,
            Standing::Open,
            "due week 12 is far"
        );
        assert_eq!(
            standing(&rows, DrillKind::FoodPoisoning),
            (Standing::Met, 1, 0, 0)
        );
        assert_eq!(
            standing(&rows, DrillKind::SchoolBus).0,
            Standing::NotRequired
        );

        // Ten days later disease (due 2026-10-23) is not yet due soon; at
        // 2026-10-17 it is.
        let rows = compliance(&reqs, &drills, &ran_on, term, at("2026-10-17T08:00"));
        assert_eq!(standing(&rows, DrillKind::Disease).0, Standing::DueSoon);
        // The next term starts over: last term's fire drill counts for nothing.
        let rows = compliance(&reqs, &drills, &ran_on, term.next(), at("2027-02-02T08:00"));
        assert_eq!(standing(&rows, DrillKind::Fire), (Standing::Open, 0, 0, 0));
        assert_eq!(
            standing(&rows, DrillKind::Disease),
            (Standing::Scheduled, 0, 1, 0)
        );
    }

    #[test]
    fn requirements_are_data_the_latest_edit_wins() {
        let older = record(
            Kind::DrillRequirement,
            50,
            None,
            Hlc::new(10, 0, DeviceId(1)),
            json!({"drill_kind": "fire", "per_term": 3, "due_week": 10}),
        );
        let newer = record(
            Kind::DrillRequirement,
            51,
            None,
            Hlc::new(20, 0, DeviceId(2)),
            json!({"drill_kind": "fire", "per_term": 2, "due_week": 12}),
        );
        let bus = record(
            Kind::DrillRequirement,
            52,
            None,
            Hlc::new(5, 0, DeviceId(2)),
            json!({"drill_kind": "school_bus", "per_term": 1, "due_week": 3}),
        );
        let mut other_unit = bus.clone();
        other_unit.unit = UnitId(Uuid::from_u128(77));
        for order in [vec![&older, &newer, &bus], vec![&bus, &newer, &older]] {
            let recs: Vec<Record> = order
                .into_iter()
                .cloned()
                .chain([other_unit.clone()])
                .collect();
            let reqs = requirements(UNIT, &recs);
            let fire = reqs
                .iter()
                .find(|(r, _)| r.kind == DrillKind::Fire)
                .unwrap();
            assert_eq!(
                (fire.0.per_term, fire.0.due_week, fire.1),
                (2, 12, Some(id(51)))
            );
            let bus = reqs
                .iter()
                .find(|(r, _)| r.kind == DrillKind::SchoolBus)
                .unwrap();
            assert_eq!(bus.0.per_term, 1);
            let quake = reqs
                .iter()
                .find(|(r, _)| r.kind == DrillKind::Earthquake)
                .unwrap();
            assert_eq!(
                *quake,
                (DEFAULT_REQUIREMENTS[DrillKind::Earthquake as usize], None)
            );
        }
        // A requirement due in week 26 of a short term is due on its last day.
        let term = Term::parse("2026-2").unwrap();
        assert_eq!(
            Requirement::new(DrillKind::Fire, 1, 26).due(term),
            term.end()
        );
        assert_eq!(
            Requirement::new(DrillKind::Fire, 1, 1).due(term),
            NaiveDate::from_ymd_opt(2027, 2, 7).unwrap()
        );
    }

    #[test]
    fn reminders_show_running_overdue_and_due_within_a_week() {
        let now = at("2026-09-20T10:00");
        let mut running = drill(1, DrillKind::Fire, Status::Running, "2026-09-20T09:30");
        running.status = Status::Running;
        let drills = vec![
            running,
            drill(
                2,
                DrillKind::Earthquake,
                Status::Planned,
                "2026-09-24T10:00",
            ),
            drill(3, DrillKind::Weather, Status::Planned, "2026-09-18T09:00"),
            drill(4, DrillKind::Disease, Status::Planned, "2026-10-30T09:00"),
            drill(5, DrillKind::Fire, Status::Done, "2026-09-19T09:00"),
        ];
        let reqs = requirements(UNIT, &[]);
        let rows = compliance(
            &reqs,
            &drills,
            &BTreeMap::new(),
            Term::parse("2026-1").unwrap(),
            now,
        );
        let got = reminders(&drills, &rows, now);
        assert_eq!(
            got,
            vec![
                Reminder::Running(id(1)),
                Reminder::OverdueDrill(id(3), at("2026-09-18T09:00")),
                Reminder::RequirementOverdue(
                    DrillKind::Violence,
                    NaiveDate::from_ymd_opt(2026, 9, 11).unwrap()
                ),
                Reminder::Upcoming(id(2), at("2026-09-24T10:00")),
            ]
        );
    }

    #[test]
    fn kinds_codes_and_classes_round_trip() {
        for k in DrillKind::ALL {
            assert_eq!(DrillKind::from_code(k.code()), Some(k));
            assert!(!k.label(Lang::Zh).is_empty() && k.label(Lang::Zh) != k.label(Lang::En));
        }
        for w in What::ALL {
            assert_eq!(What::from_code(w.code()), Some(w));
        }
        let ids = vec![id(3), id(1)];
        assert_eq!(parse_classes(&format_classes(&ids)), ids);
        assert_eq!(parse_classes(" , nonsense,"), vec![]);
        assert_eq!(parse_classes(&format!("{},{}", id(3), id(3))), vec![id(3)]);
    }

    #[test]
    fn reports_list_drills_with_timings_and_one_drill_in_full() {
        use crate::export::{ReportParams, report, to_csv};
        let stamp = Hlc::new(1, 0, DeviceId(1));
        let drill = record(
            Kind::Drill,
            2,
            None,
            stamp,
            json!({"drill_kind": "fire", "status": "done", "scheduled": "2025-11-27T10:00",
                   "place": "操场", "classes": id(101).to_string(), "students": 40}),
        );
        let old = record(
            Kind::Drill,
            3,
            None,
            stamp,
            json!({"drill_kind": "earthquake", "status": "done", "scheduled": "2025-03-01T10:00"}),
        );
        let entry = |n: u128, f: Value| record(Kind::DrillEntry, n, Some(DRILL_ID), stamp, f);
        let records = vec![
            drill,
            old,
            entry(10, json!({"what": "alarm", "at": T0, "elapsed": 0})),
            entry(
                11,
                json!({"what": "arrival", "at": T0 + 95_000, "elapsed": 95_000,
                "class": id(101).to_string(), "class_name": "初一(1)班", "present": 39, "expected": 40, "missing": 1}),
            ),
            record(
                Kind::DrillFix,
                20,
                Some(DRILL_ID),
                stamp,
                json!({"what": "加贴指示", "owner": "王主任", "deadline": "2026-12-31"}),
            ),
        ];
        let params = ReportParams {
            term: Term::parse("2025-1"),
            ..ReportParams::default()
        };
        let list = report("drills")
            .unwrap()
            .run(&records, params, Lang::Zh)
            .unwrap();
        assert_eq!(list.rows.len(), 1, "the drill of another term is left out");
        assert_eq!(
            &list.headers(Lang::Zh)[..3],
            ["演练类型", "状态", "计划时间"]
        );
        let row = &list.rows[0];
        assert_eq!(row[0], Cell::Text("火灾".into()));
        assert_eq!(row[5], Cell::DateTime(district_time(T0).unwrap()));
        assert_eq!(
            (&row[6], &row[7], &row[10]),
            (&Cell::Int(95), &Cell::Int(95), &Cell::Int(1))
        );
        let csv = to_csv(&list, Lang::Zh);
        assert!(csv.starts_with("\u{FEFF}演练类型,状态,计划时间"), "{csv}");

        let one = ReportParams {
            id: Some(DRILL_ID),
            ..ReportParams::default()
        };
        let full = report("drill")
            .unwrap()
            .run(&records, one, Lang::Zh)
            .unwrap();
        let arrival = full
            .rows
            .iter()
            .find(|r| r[0] == Cell::Text("班级到达".into()))
            .expect("an arrival row");
        assert_eq!(
            arrival[1..4],
            [Cell::Text("初一(1)班".into()), Cell::Int(95), Cell::Int(39)]
        );
        assert!(
            full.rows
                .iter()
                .any(|r| matches!(&r[1], Cell::Text(t) if t.contains("王主任")))
        );
        assert!(
            report("drill")
                .unwrap()
                .run(&records, ReportParams::default(), Lang::Zh)
                .is_err()
        );
    }
}
