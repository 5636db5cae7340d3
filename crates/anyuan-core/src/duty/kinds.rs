//! The duty module's record kinds (wired into [`Kind`](crate::Kind) in
//! `kind.rs`).
//!
//! Admins (district and school) build rosters, coverage periods, alerts and
//! checklists; every staff member writes the log: check-ins, patrols,
//! incidents, handovers, checklist ticks and status reports.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::auth::Role;
use crate::kind::{Kind, KindSpec};
use crate::validate::{FieldProblem, FieldSpec, ProblemCode, Rule, field_spec, parse_date_time};

const ADMINS: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin];
const EVERYONE: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff];

/// Role codes of a shift, in [`DutyRole`](super::DutyRole) order.
pub const ROLE_CODES: &[&str] = &["leader", "officer", "guard"];
/// Reason codes of a coverage period.
pub const REASON_CODES: &[&str] = &["holiday", "event", "other"];
/// Alert type codes, in [`AlertType`](super::AlertType) order.
pub const ALERT_TYPE_CODES: &[&str] =
    &["typhoon", "rainstorm", "smog", "high_temperature", "other"];
/// Alert level codes, least to most severe.
pub const ALERT_LEVEL_CODES: &[&str] = &["blue", "yellow", "orange", "red"];
/// Incident type codes.
pub const INCIDENT_TYPE_CODES: &[&str] = &[
    "intrusion",
    "conflict",
    "injury",
    "fire",
    "weather",
    "facility",
    "other",
];

/// A record id kept in a plain field (a district alert's id in a school's
/// tick or report: a child must share its parent's unit, so these are not
/// children). A UUID is 36 characters.
const ID: Rule = Rule::Text { max: 36 };
const NAME: Rule = Rule::Text { max: 40 };
const LONG: Rule = Rule::Text { max: 2000 };

/// Maximum of each per-role minimum in a coverage rule.
pub const MAX_PER_ROLE: i64 = 20;

/// One shift of the roster (值班班次). `start`/`end` are local times; the
/// shift covers `[start, end)` and may run across midnight.
pub static DUTY_SHIFT: KindSpec = KindSpec {
    name: "duty_shift",
    zh: "值班班次",
    en: "duty shift",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("person", "值班人", "Person on duty", NAME).required(),
        FieldSpec::new("person_id", "人员编号", "Person ID", ID),
        FieldSpec::new("role", "值班角色", "Duty role", Rule::OneOf(ROLE_CODES)).required(),
        FieldSpec::new("phone", "联系电话", "Phone", Rule::Phone),
        FieldSpec::new("start", "开始时间", "Start", Rule::DateTime).required(),
        FieldSpec::new("end", "结束时间", "End", Rule::DateTime).required(),
        FieldSpec::new("note", "备注", "Note", Rule::Text { max: 200 }),
    ],
};

/// A period that requires coverage (全天候值班时段) with its rule as data:
/// the minimum number on duty per role at every minute.
pub static DUTY_COVERAGE: KindSpec = KindSpec {
    name: "duty_coverage",
    zh: "值班保障时段",
    en: "required coverage period",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "名称", "Name", Rule::Text { max: 60 }),
        FieldSpec::new("reason", "原因", "Reason", Rule::OneOf(REASON_CODES)).required(),
        FieldSpec::new("from", "开始时间", "From", Rule::DateTime).required(),
        FieldSpec::new("until", "结束时间", "Until", Rule::DateTime).required(),
        FieldSpec::new(
            "min_leader",
            "带班领导最少人数",
            "Minimum leaders on duty",
            Rule::Int {
                min: 0,
                max: MAX_PER_ROLE,
            },
        ),
        FieldSpec::new(
            "min_officer",
            "值班人员最少人数",
            "Minimum duty officers",
            Rule::Int {
                min: 0,
                max: MAX_PER_ROLE,
            },
        ),
        FieldSpec::new(
            "min_guard",
            "保安最少人数",
            "Minimum guards",
            Rule::Int {
                min: 0,
                max: MAX_PER_ROLE,
            },
        ),
    ],
};

/// A check-in or check-out (签到/签退): a child of the shift. `at` is the
/// device's time; the server's receipt time is the record's `received_ms`.
pub static DUTY_CHECK: KindSpec = KindSpec {
    name: "duty_check",
    zh: "签到签退",
    en: "check-in or check-out",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::DutyShift),
    fields: &[
        FieldSpec::new(
            "action",
            "签到或签退",
            "Check in or out",
            Rule::OneOf(&["check_in", "check_out"]),
        )
        .required(),
        FieldSpec::new("at", "时间", "Time", Rule::DateTime).required(),
        FieldSpec::new("by", "操作人", "By", NAME),
    ],
};

/// A patrol round (巡查): a child of the shift.
pub static DUTY_PATROL: KindSpec = KindSpec {
    name: "duty_patrol",
    zh: "巡查记录",
    en: "patrol",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::DutyShift),
    fields: &[
        FieldSpec::new("at", "巡查时间", "Time", Rule::DateTime).required(),
        FieldSpec::new("area", "巡查区域", "Area", Rule::Text { max: 100 }).required(),
        FieldSpec::new(
            "result",
            "巡查结果",
            "Result",
            Rule::OneOf(&["normal", "problem"]),
        )
        .required(),
        FieldSpec::new("note", "情况说明", "Details", Rule::Text { max: 1000 }),
        FieldSpec::new("by", "巡查人", "By", NAME),
    ],
};

/// An incident (突发事件): a child of the shift.
pub static DUTY_INCIDENT: KindSpec = KindSpec {
    name: "duty_incident",
    zh: "突发事件",
    en: "incident",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::DutyShift),
    fields: &[
        FieldSpec::new("at", "发生时间", "Time", Rule::DateTime).required(),
        FieldSpec::new(
            "incident_type",
            "事件类型",
            "Type",
            Rule::OneOf(INCIDENT_TYPE_CODES),
        )
        .required(),
        FieldSpec::new("what", "事件经过", "What happened", LONG).required(),
        FieldSpec::new("action", "处置措施", "Action taken", LONG),
        FieldSpec::new(
            "reported_to",
            "报告对象",
            "Reported to",
            Rule::Text { max: 200 },
        ),
        FieldSpec::new("by", "记录人", "Logged by", NAME),
    ],
};

/// A handover note to the next shift (交接班): a child of the shift handing
/// over.
pub static DUTY_HANDOVER: KindSpec = KindSpec {
    name: "duty_handover",
    zh: "交接班记录",
    en: "handover note",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::DutyShift),
    fields: &[
        FieldSpec::new("note", "交接事项", "Handover note", LONG).required(),
        FieldSpec::new("at", "交班时间", "Time", Rule::DateTime),
        FieldSpec::new("by", "交班人", "Handed over by", NAME),
        FieldSpec::new("to", "接班人", "Handed over to", NAME),
    ],
};

/// A weather alert (气象预警). Set by the district (the district's unit:
/// every unit reads it and it applies to all) or by a school for itself.
pub static WEATHER_ALERT: KindSpec = KindSpec {
    name: "weather_alert",
    zh: "气象预警",
    en: "weather alert",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new(
            "alert_type",
            "预警类型",
            "Alert type",
            Rule::OneOf(ALERT_TYPE_CODES),
        )
        .required(),
        FieldSpec::new("level", "预警级别", "Level", Rule::OneOf(ALERT_LEVEL_CODES)).required(),
        FieldSpec::new("from", "生效时间", "From", Rule::DateTime).required(),
        FieldSpec::new("until", "解除时间", "Until", Rule::DateTime),
        FieldSpec::new(
            "report_interval",
            "报告间隔（分钟）",
            "Report every (minutes)",
            Rule::Int { min: 15, max: 1440 },
        ),
        FieldSpec::new("note", "预警内容", "Details", Rule::Text { max: 500 }),
        FieldSpec::new(
            "extra_items",
            "附加检查事项（每行一项）",
            "Extra checklist items (one per line)",
            LONG,
        ),
    ],
};

/// A unit's edited checklist for one alert type (预警处置清单): one item a
/// line; a line `@code` stands for a built-in item (both languages).
pub static ALERT_CHECKLIST: KindSpec = KindSpec {
    name: "alert_checklist",
    zh: "预警处置清单",
    en: "alert checklist",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new(
            "alert_type",
            "预警类型",
            "Alert type",
            Rule::OneOf(ALERT_TYPE_CODES),
        )
        .required(),
        FieldSpec::new(
            "items",
            "检查事项（每行一项）",
            "Items (one per line)",
            Rule::Text { max: 4000 },
        )
        .required(),
    ],
};

/// One checklist item ticked off for one alert in one unit (清单勾选).
/// Unticking deletes the tick.
pub static ALERT_TICK: KindSpec = KindSpec {
    name: "alert_tick",
    zh: "处置清单勾选",
    en: "checklist tick",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new("alert", "预警", "Alert", ID).required(),
        FieldSpec::new(
            "item",
            "检查事项",
            "Item",
            Rule::Text {
                max: super::MAX_ITEM_CHARS,
            },
        )
        .required(),
        FieldSpec::new("at", "完成时间", "Done at", Rule::DateTime),
        FieldSpec::new("by", "完成人", "Done by", NAME),
    ],
};

/// A status report during an alert (预警期间状况报告), which the district
/// sees.
pub static ALERT_REPORT: KindSpec = KindSpec {
    name: "alert_report",
    zh: "预警状况报告",
    en: "alert status report",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new("alert", "预警", "Alert", ID).required(),
        FieldSpec::new(
            "status",
            "状况",
            "Status",
            Rule::OneOf(&["all_well", "problems"]),
        )
        .required(),
        FieldSpec::new("at", "报告时间", "Reported at", Rule::DateTime).required(),
        FieldSpec::new("note", "情况说明", "Details", LONG),
        FieldSpec::new("by", "报告人", "Reported by", NAME),
    ],
};

/// The pairs of date-time fields of a duty kind where the second must be
/// later than the first.
fn span_fields(kind: Kind) -> Option<(&'static str, &'static str)> {
    match kind {
        Kind::DutyShift => Some(("start", "end")),
        Kind::DutyCoverage | Kind::WeatherAlert => Some(("from", "until")),
        _ => None,
    }
}

/// The problems of a duty form across its fields (see
/// [`crate::form::check`], which applies them): an end not after its start,
/// and a coverage period whose rule asks for nobody. `values` are the
/// form's values; a field the form does not have, or that is empty or
/// invalid on its own, is not compared. Forms only: the server accepts
/// such records (a span that ends before it starts covers nothing).
pub fn form_problems(kind: Kind, values: &BTreeMap<String, Value>) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let time = |f: &str| match values.get(f) {
        Some(Value::String(s)) => parse_date_time(s.trim()),
        _ => None,
    };
    if let Some((from, until)) = span_fields(kind)
        && let (Some(a), Some(b)) = (time(from), time(until))
        && b <= a
        && let (Some(fs), Some(us)) = (field_spec(kind, from), field_spec(kind, until))
    {
        out.push(FieldProblem {
            field: until.to_owned(),
            code: ProblemCode::Inconsistent,
            zh: format!("{}须晚于{}，请修改。", us.zh, fs.zh),
            en: format!(
                "{} must be after {}. Please correct it.",
                us.en,
                lower(fs.en)
            ),
        });
    }
    if kind == Kind::DutyCoverage {
        let rule = super::CoverageRule::default();
        // A missing minimum reads as the default rule's.
        let min = |f: &str, default: u32| match values.get(f) {
            None | Some(Value::Null) => Some(i64::from(default)),
            Some(v) => v.as_i64(),
        };
        let all_zero = [
            min("min_leader", rule.leader),
            min("min_officer", rule.officer),
            min("min_guard", rule.guard),
        ]
        .iter()
        .all(|n| *n == Some(0));
        if all_zero {
            out.push(FieldProblem {
                field: "min_leader".to_owned(),
                code: ProblemCode::Inconsistent,
                zh: "带班领导、值班人员和保安的最少人数不能都为0：至少要求一个角色有人值班。".to_owned(),
                en: "The minimums for leaders, duty officers and guards cannot all be 0: require at least one role on duty.".to_owned(),
            });
        }
    }
    out
}

/// `From` → `from` (labels are capitalised; mid-sentence they are not).
fn lower(label: &str) -> String {
    crate::lang::with_first_letter(label, false)
}
