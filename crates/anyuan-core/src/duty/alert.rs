//! Weather alerts, their checklists and status reports.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Scope, date_time, int, live, record_id, text, tr};
use crate::Lang;
use crate::hlc::Hlc;
use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::validate::format_date_time;

/// Status reports are due this often unless the alert says otherwise.
pub const DEFAULT_REPORT_INTERVAL_MIN: i64 = 120;

/// The longest checklist item, in characters (longer lines are cut).
pub const MAX_ITEM_CHARS: usize = 200;

/// A weather alert's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertType {
    /// 台风.
    Typhoon,
    /// 暴雨.
    Rainstorm,
    /// 雾霾.
    Smog,
    /// 高温.
    HighTemperature,
    /// Any other warning.
    Other,
}

impl AlertType {
    /// Every type.
    pub const ALL: [AlertType; 5] = [
        AlertType::Typhoon,
        AlertType::Rainstorm,
        AlertType::Smog,
        AlertType::HighTemperature,
        AlertType::Other,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            AlertType::Typhoon => "typhoon",
            AlertType::Rainstorm => "rainstorm",
            AlertType::Smog => "smog",
            AlertType::HighTemperature => "high_temperature",
            AlertType::Other => "other",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<AlertType> {
        AlertType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// 台风 / typhoon, …
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AlertType::Typhoon => tr(lang, "台风", "typhoon"),
            AlertType::Rainstorm => tr(lang, "暴雨", "rainstorm"),
            AlertType::Smog => tr(lang, "雾霾", "smog"),
            AlertType::HighTemperature => tr(lang, "高温", "high temperature"),
            AlertType::Other => tr(lang, "其他气象", "weather"),
        }
    }
}

/// A weather alert's level, least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    /// 蓝色.
    Blue,
    /// 黄色.
    Yellow,
    /// 橙色.
    Orange,
    /// 红色.
    Red,
}

impl AlertLevel {
    /// Every level, least severe first.
    pub const ALL: [AlertLevel; 4] = [
        AlertLevel::Blue,
        AlertLevel::Yellow,
        AlertLevel::Orange,
        AlertLevel::Red,
    ];

    /// The stored code (also a fine CSS class suffix).
    pub fn code(self) -> &'static str {
        match self {
            AlertLevel::Blue => "blue",
            AlertLevel::Yellow => "yellow",
            AlertLevel::Orange => "orange",
            AlertLevel::Red => "red",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<AlertLevel> {
        AlertLevel::ALL.into_iter().find(|l| l.code() == code)
    }

    /// 蓝色 / blue, …
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AlertLevel::Blue => tr(lang, "蓝色", "blue"),
            AlertLevel::Yellow => tr(lang, "黄色", "yellow"),
            AlertLevel::Orange => tr(lang, "橙色", "orange"),
            AlertLevel::Red => tr(lang, "红色", "red"),
        }
    }
}

/// A `weather_alert` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeatherAlert {
    /// The record's id (what ticks and reports name).
    pub id: RecordId,
    /// The unit that set it: the district's apply to every unit.
    pub unit: UnitId,
    /// Type.
    pub alert_type: AlertType,
    /// Level.
    pub level: AlertLevel,
    /// In force from.
    pub from: NaiveDateTime,
    /// Lifted at (`None`: not lifted yet).
    pub until: Option<NaiveDateTime>,
    /// Minutes between status reports.
    pub report_interval_min: i64,
    /// The alert's text.
    pub note: Option<String>,
    /// Items added to the checklist for this alert only.
    pub extra_items: Vec<ChecklistItem>,
}

impl WeatherAlert {
    /// Parses a live `weather_alert`; `None` without a valid start. An
    /// unknown type reads as `other`, an unknown level as `blue`, a missing
    /// or invalid interval as the default, an invalid `until` as not lifted.
    pub fn from_record(r: &Record) -> Option<WeatherAlert> {
        if !live(r, Kind::WeatherAlert) {
            return None;
        }
        Some(WeatherAlert {
            id: r.id,
            unit: r.unit,
            alert_type: text(r, "alert_type")
                .and_then(|c| AlertType::from_code(&c))
                .unwrap_or(AlertType::Other),
            level: text(r, "level")
                .and_then(|c| AlertLevel::from_code(&c))
                .unwrap_or(AlertLevel::Blue),
            from: date_time(r, "from")?,
            until: date_time(r, "until"),
            report_interval_min: int(r, "report_interval")
                .filter(|n| (15..=1440).contains(n))
                .unwrap_or(DEFAULT_REPORT_INTERVAL_MIN),
            note: text(r, "note"),
            extra_items: text(r, "extra_items")
                .map(|t| parse_checklist(&t))
                .unwrap_or_default(),
        })
    }

    /// Whether the alert is in force at `now`.
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.from <= now && self.until.is_none_or(|u| now < u)
    }

    /// The banner's words: `台风橙色预警` / `Typhoon orange alert`.
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}{}预警",
                self.alert_type.label(lang),
                self.level.label(lang)
            ),
            Lang::En => {
                let cap = crate::lang::with_first_letter(self.alert_type.label(lang), true);
                format!("{cap} {} alert", self.level.label(lang))
            }
        }
    }
}

/// The alerts in force at `now` that apply to `scope`'s unit (its own and
/// the district's), most severe first, then the most recent.
pub fn active_alerts(
    alerts: &[WeatherAlert],
    scope: Scope,
    now: NaiveDateTime,
) -> Vec<&WeatherAlert> {
    let mut out: Vec<&WeatherAlert> = alerts
        .iter()
        .filter(|a| scope.applies(a.unit) && a.is_active(now))
        .collect();
    crate::order::sort_by_key(&mut out, |a| std::cmp::Reverse((a.level, a.from, a.id)));
    out
}

// ------------------------------------------------------------------ checklists

/// One item of an alert checklist.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// What ticks name: `@code` for a built-in item, else the text.
    pub key: String,
    /// Chinese text.
    pub zh: String,
    /// English text (a unit's own item has one text for both).
    pub en: String,
}

impl ChecklistItem {
    /// The item in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        tr(lang, &self.zh, &self.en)
    }

    /// A unit's own item.
    pub fn custom(text: &str) -> ChecklistItem {
        let text: String = text.trim().chars().take(MAX_ITEM_CHARS).collect();
        ChecklistItem {
            key: text.clone(),
            zh: text.clone(),
            en: text,
        }
    }

    /// A built-in item by code.
    pub fn builtin(code: &str) -> Option<ChecklistItem> {
        BUILTIN
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, zh, en)| ChecklistItem {
                key: format!("@{c}"),
                zh: (*zh).to_owned(),
                en: (*en).to_owned(),
            })
    }
}

/// Built-in items: code, Chinese, English.
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "outdoor_stopped",
        "户外活动已停止",
        "Outdoor activities stopped",
    ),
    (
        "drainage_checked",
        "排水设施已检查疏通",
        "Drainage checked and cleared",
    ),
    (
        "loose_objects_secured",
        "高处悬挂物、易坠物已加固或移除",
        "Loose and overhead objects secured or removed",
    ),
    (
        "whereabouts_confirmed",
        "学生去向已逐一确认",
        "Every student's whereabouts confirmed",
    ),
    (
        "doors_windows_secured",
        "门窗已关闭加固",
        "Doors and windows closed and secured",
    ),
    (
        "power_checked",
        "电路已检查，危险处已断电",
        "Wiring checked, power cut where unsafe",
    ),
    (
        "supplies_ready",
        "应急物资（照明、饮水、食品）已备好",
        "Emergency supplies (lights, water, food) ready",
    ),
    ("parents_notified", "已通知家长", "Parents notified"),
    (
        "low_areas_checked",
        "低洼处、地下室已检查，挡水设施就位",
        "Low-lying areas and basements checked, flood barriers in place",
    ),
    (
        "routes_home_safe",
        "已提醒学生安全上下学路线",
        "Students reminded of safe routes to and from school",
    ),
    (
        "air_purifiers_on",
        "空气净化设备已开启",
        "Air purifiers switched on",
    ),
    (
        "sensitive_students_cared",
        "呼吸道疾病等体弱学生已重点关注",
        "Students with respiratory or other conditions looked after",
    ),
    (
        "heatstroke_supplies",
        "防暑降温药品和饮用水已备好",
        "Heatstroke medicine and drinking water ready",
    ),
    (
        "cooling_working",
        "教室降温设备运行正常",
        "Classroom cooling working",
    ),
    (
        "canteen_food_checked",
        "食堂食品储存已检查",
        "Canteen food storage checked",
    ),
];

fn builtin_codes(t: AlertType) -> &'static [&'static str] {
    match t {
        AlertType::Typhoon => &[
            "outdoor_stopped",
            "drainage_checked",
            "loose_objects_secured",
            "whereabouts_confirmed",
            "doors_windows_secured",
            "power_checked",
            "supplies_ready",
            "parents_notified",
        ],
        AlertType::Rainstorm => &[
            "outdoor_stopped",
            "drainage_checked",
            "low_areas_checked",
            "whereabouts_confirmed",
            "routes_home_safe",
            "power_checked",
            "parents_notified",
        ],
        AlertType::Smog => &[
            "outdoor_stopped",
            "doors_windows_secured",
            "air_purifiers_on",
            "sensitive_students_cared",
            "parents_notified",
        ],
        AlertType::HighTemperature => &[
            "outdoor_stopped",
            "heatstroke_supplies",
            "cooling_working",
            "canteen_food_checked",
            "sensitive_students_cared",
        ],
        AlertType::Other => &[
            "outdoor_stopped",
            "whereabouts_confirmed",
            "supplies_ready",
            "parents_notified",
        ],
    }
}

/// The built-in checklist for an alert type, in both languages.
pub fn default_checklist(t: AlertType) -> Vec<ChecklistItem> {
    builtin_codes(t)
        .iter()
        .filter_map(|c| ChecklistItem::builtin(c))
        .collect()
}

/// Parses a stored checklist: one item per line; `@code` is a built-in
/// item (an unknown code, e.g. from a newer app, is kept as text); blank
/// lines and repeated items are dropped.
pub fn parse_checklist(text: &str) -> Vec<ChecklistItem> {
    let mut out: Vec<ChecklistItem> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let item = line
            .strip_prefix('@')
            .and_then(ChecklistItem::builtin)
            .unwrap_or_else(|| ChecklistItem::custom(line));
        if !out.iter().any(|i| i.key == item.key) {
            out.push(item);
        }
    }
    out
}

/// The stored form of a checklist (what the editor saves in `items`).
pub fn encode_checklist(items: &[ChecklistItem]) -> String {
    items
        .iter()
        .map(|i| i.key.replace(['\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An `alert_checklist` record: a unit's edited list for one alert type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistTemplate {
    /// The record's id.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// The alert type it is for.
    pub alert_type: AlertType,
    /// The items.
    pub items: Vec<ChecklistItem>,
    /// Its latest change, to pick the newest when a unit has two.
    pub stamp: Option<Hlc>,
}

impl ChecklistTemplate {
    /// Parses a live `alert_checklist` with a known type.
    pub fn from_record(r: &Record) -> Option<ChecklistTemplate> {
        if !live(r, Kind::AlertChecklist) {
            return None;
        }
        Some(ChecklistTemplate {
            id: r.id,
            unit: r.unit,
            alert_type: AlertType::from_code(&text(r, "alert_type")?)?,
            items: text(r, "items")
                .map(|t| parse_checklist(&t))
                .unwrap_or_default(),
            stamp: r.max_stamp(),
        })
    }
}

/// Whose list a unit uses for an alert type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecklistSource {
    /// The unit's own edit (this record).
    Own(RecordId),
    /// The district's edit (this record).
    District(RecordId),
    /// The built-in list.
    BuiltIn,
}

/// The list `scope`'s unit uses for alerts of type `t`, and whose it is: the
/// unit's own edit, else the district's, else the built-in one (the newest
/// record wins if a unit has two). For the district itself, its own edit
/// or the built-in list.
pub fn unit_checklist(
    templates: &[ChecklistTemplate],
    scope: Scope,
    t: AlertType,
) -> (Vec<ChecklistItem>, ChecklistSource) {
    let newest = |unit: UnitId| {
        templates
            .iter()
            .filter(|c| c.unit == unit && c.alert_type == t)
            .max_by_key(|c| (c.stamp, c.id))
    };
    if let Some(own) = newest(scope.unit) {
        (own.items.clone(), ChecklistSource::Own(own.id))
    } else if let Some(d) = newest(scope.district) {
        (d.items.clone(), ChecklistSource::District(d.id))
    } else {
        (default_checklist(t), ChecklistSource::BuiltIn)
    }
}

/// Every edit `unit` has for alert type `t` (resetting to the district's
/// or built-in list deletes them all).
pub fn own_checklists(
    templates: &[ChecklistTemplate],
    unit: UnitId,
    t: AlertType,
) -> Vec<RecordId> {
    templates
        .iter()
        .filter(|c| c.unit == unit && c.alert_type == t)
        .map(|c| c.id)
        .collect()
}

/// Why an item cannot be added to a checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemProblem {
    /// Nothing typed.
    Empty,
    /// Longer than [`MAX_ITEM_CHARS`].
    TooLong,
    /// The list has it already.
    Duplicate,
}

impl ItemProblem {
    /// What to tell the user.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (ItemProblem::Empty, Lang::Zh) => "请填写检查事项。".to_owned(),
            (ItemProblem::Empty, Lang::En) => "Type the item first.".to_owned(),
            (ItemProblem::TooLong, Lang::Zh) => {
                format!("检查事项最多{MAX_ITEM_CHARS}个字，请缩短。")
            }
            (ItemProblem::TooLong, Lang::En) => {
                format!("An item has at most {MAX_ITEM_CHARS} characters. Please shorten it.")
            }
            (ItemProblem::Duplicate, Lang::Zh) => "清单里已有这一项。".to_owned(),
            (ItemProblem::Duplicate, Lang::En) => "The list has this item already.".to_owned(),
        }
    }
}

/// A unit's own item typed by an admin, checked against `items`: trimmed,
/// line breaks made spaces, a leading `@` dropped (it marks built-in items
/// in the stored list), at most [`MAX_ITEM_CHARS`] characters, not on the
/// list yet (a built-in item's text in either language counts as on it).
pub fn new_checklist_item(
    items: &[ChecklistItem],
    text: &str,
) -> Result<ChecklistItem, ItemProblem> {
    let text = text.replace(['\n', '\r'], " ");
    let text = text.trim().trim_start_matches('@').trim();
    if text.is_empty() {
        return Err(ItemProblem::Empty);
    }
    if text.chars().count() > MAX_ITEM_CHARS {
        return Err(ItemProblem::TooLong);
    }
    let item = ChecklistItem::custom(text);
    if items
        .iter()
        .any(|i| i.key == item.key || i.zh == item.zh || i.en == item.en)
    {
        return Err(ItemProblem::Duplicate);
    }
    Ok(item)
}

/// The built-in items of type `t` that `items` does not have (to add back).
pub fn missing_builtins(t: AlertType, items: &[ChecklistItem]) -> Vec<ChecklistItem> {
    default_checklist(t)
        .into_iter()
        .filter(|b| !items.iter().any(|i| i.key == b.key))
        .collect()
}

/// The checklist for `alert` in `scope`'s unit: [`unit_checklist`] for the
/// alert's type, then the alert's extra items.
pub fn checklist_for(
    alert: &WeatherAlert,
    templates: &[ChecklistTemplate],
    scope: Scope,
) -> Vec<ChecklistItem> {
    let (mut items, _) = unit_checklist(templates, scope, alert.alert_type);
    for extra in &alert.extra_items {
        if !items.iter().any(|i| i.key == extra.key) {
            items.push(extra.clone());
        }
    }
    items
}

/// An `alert_tick` record: one item done for one alert in one unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    /// The record's id.
    pub id: RecordId,
    /// The unit that ticked.
    pub unit: UnitId,
    /// The alert.
    pub alert: RecordId,
    /// The item's key.
    pub item: String,
    /// When.
    pub at: Option<NaiveDateTime>,
    /// Who.
    pub by: Option<String>,
}

impl Tick {
    /// Parses a live `alert_tick` naming an alert and an item.
    pub fn from_record(r: &Record) -> Option<Tick> {
        if !live(r, Kind::AlertTick) {
            return None;
        }
        Some(Tick {
            id: r.id,
            unit: r.unit,
            alert: record_id(r, "alert")?,
            item: text(r, "item")?,
            at: date_time(r, "at"),
            by: text(r, "by"),
        })
    }
}

/// The field values of a new tick (the caller creates the record in its
/// own unit).
pub fn tick_fields(
    alert: RecordId,
    item: &ChecklistItem,
    at: NaiveDateTime,
    by: &str,
) -> BTreeMap<String, Value> {
    let mut f = BTreeMap::new();
    f.insert("alert".to_owned(), Value::from(alert.to_string()));
    f.insert("item".to_owned(), Value::from(item.key.clone()));
    f.insert("at".to_owned(), Value::from(format_date_time(at)));
    if !by.trim().is_empty() {
        f.insert("by".to_owned(), Value::from(by.trim()));
    }
    f
}

/// One checklist line with its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistRow<'a> {
    /// The item.
    pub item: ChecklistItem,
    /// The ticks for it (first done first); empty when not done. Unticking
    /// deletes them all.
    pub ticks: Vec<&'a Tick>,
}

impl ChecklistRow<'_> {
    /// Whether the item is done.
    pub fn done(&self) -> bool {
        !self.ticks.is_empty()
    }
}

/// The checklist of `alert` for `unit` with what is done. Concurrent ticks
/// of one item are separate records and both count; ticks of items no
/// longer on the list are ignored.
pub fn checklist_rows<'a>(
    items: &[ChecklistItem],
    ticks: &'a [Tick],
    alert: RecordId,
    unit: UnitId,
) -> Vec<ChecklistRow<'a>> {
    items
        .iter()
        .map(|item| {
            let mut t: Vec<&Tick> = ticks
                .iter()
                .filter(|t| t.alert == alert && t.unit == unit && t.item == item.key)
                .collect();
            crate::order::sort_by_key(&mut t, |t| (t.at.is_none(), t.at, t.id));
            ChecklistRow {
                item: item.clone(),
                ticks: t,
            }
        })
        .collect()
}

// -------------------------------------------------------------- status reports

/// A status report's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 一切正常.
    AllWell,
    /// 存在问题.
    Problems,
}

impl ReportStatus {
    /// 一切正常 / all well; 存在问题 / problems.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ReportStatus::AllWell => tr(lang, "一切正常", "all well"),
            ReportStatus::Problems => tr(lang, "存在问题", "problems"),
        }
    }
}

/// An `alert_report` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReport {
    /// The record's id.
    pub id: RecordId,
    /// The reporting unit.
    pub unit: UnitId,
    /// The alert.
    pub alert: RecordId,
    /// The verdict.
    pub status: ReportStatus,
    /// When (device time).
    pub at: NaiveDateTime,
    /// Details.
    pub note: Option<String>,
    /// Who.
    pub by: Option<String>,
}

impl StatusReport {
    /// Parses a live `alert_report` naming an alert, with a status and time.
    pub fn from_record(r: &Record) -> Option<StatusReport> {
        if !live(r, Kind::AlertReport) {
            return None;
        }
        Some(StatusReport {
            id: r.id,
            unit: r.unit,
            alert: record_id(r, "alert")?,
            status: match text(r, "status")?.as_str() {
                "all_well" => ReportStatus::AllWell,
                "problems" => ReportStatus::Problems,
                _ => return None,
            },
            at: date_time(r, "at")?,
            note: text(r, "note"),
            by: text(r, "by"),
        })
    }
}

/// When `unit`'s next status report on an alert is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportDue {
    /// The unit's latest report on the alert, if any.
    pub last: Option<NaiveDateTime>,
    /// When the next one is due: the latest report (or the alert's start)
    /// plus the alert's interval.
    pub due: NaiveDateTime,
    /// Whether `now` is at or past `due`.
    pub overdue: bool,
}

/// The next status report `unit` owes on `alert`, or `None` when the alert
/// is not in force at `now` or is lifted before the next report falls due.
pub fn report_due(
    alert: &WeatherAlert,
    reports: &[StatusReport],
    unit: UnitId,
    now: NaiveDateTime,
) -> Option<ReportDue> {
    if !alert.is_active(now) {
        return None;
    }
    let last = reports
        .iter()
        .filter(|r| r.alert == alert.id && r.unit == unit)
        .map(|r| r.at)
        .max();
    let due =
        last.unwrap_or(alert.from).max(alert.from) + Duration::minutes(alert.report_interval_min);
    if alert.until.is_some_and(|u| due >= u) {
        return None;
    }
    Some(ReportDue {
        last,
        due,
        overdue: now >= due,
    })
}
