//! Exports: every list as a [`Table`] of typed cells with Chinese and English
//! headers, written as CSV here ([`to_csv`], so the app exports offline) and
//! as xlsx by the server (`GET /api/export/{report}?format=xlsx`).
//!
//! # Reports
//!
//! A report is a named builder in [`REPORTS`]: it gets the records the reader
//! may see ([`ReportInput`]: already filtered to the report's kinds, not
//! deleted, within the requested unit) plus the parameters (`id`, `term`,
//! `unit`) and returns a [`Table`]. The server loads the records within the
//! actor's read scope; the app passes its local replica. Both call
//! [`ReportSpec::run`], so a report is the same wherever it is made.
//!
//! Adding a report is a few lines:
//!
//! 1. A builder `fn my_report(input: &ReportInput) -> Result<Table, ReportError>`
//!    (here or in the module that owns the kind). For one row per record of
//!    one kind, [`Table::of_records`] does the work: headers come from the
//!    kind's field labels (as the forms show them), cells are typed by the
//!    field's rule. Add computed columns with [`Column::new`] and [`Cell`].
//! 2. An entry in [`REPORTS`]: `ReportSpec { name: "drills", zh: "演练列表",
//!    en: "Drills", kinds: &[Kind::Drill], build: my_report }`. `name` is the
//!    URL segment (`/api/export/drills`); `kinds` are the record kinds the
//!    builder reads (child kinds included, e.g. drill arrivals).
//!
//! A builder that needs a parameter answers [`ReportError::missing`] when it
//! is absent, and [`ReportError::not_found`] when `id` names no record the
//! reader may see.
//!
//! # CSV
//!
//! UTF-8 with a byte-order mark (so Excel and WPS detect UTF-8), CRLF line
//! ends, RFC 4180 quoting. Text that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading apostrophe.
//! Dates are ISO 8601 (`2026-11-28`, `2026-11-28 14:30`): every spreadsheet
//! reads them as dates in any locale, and they sort as text. The xlsx keeps
//! real date cells shown in the Chinese format (`2026年11月28日`).

use std::cmp::Ordering;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use crate::kind::Kind;
use crate::lang::Lang;
use crate::record::{Record, RecordId, UnitId};
use crate::term::Term;
use crate::timefmt;
use crate::validate::{self, Rule};

/// A file format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values, UTF-8 with BOM.
    Csv,
    /// An Excel workbook (made by the server).
    Xlsx,
}

impl Format {
    /// Both formats.
    pub const ALL: &'static [Format] = &[Format::Csv, Format::Xlsx];

    /// The query-string name and file extension: `csv`, `xlsx`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// Parses a name (`csv`, `xlsx`; case-insensitive).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One cell's value. Empty and malformed values are [`Cell::Empty`] or text,
/// never an error: an export shows what is there.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text, shown as is (never run as a formula).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Number(f64),
    /// A calendar date.
    Date(NaiveDate),
    /// A local date and time.
    DateTime(NaiveDateTime),
}

impl Cell {
    /// Text; blank text is [`Cell::Empty`].
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// A record's field, typed by the kind's rule for it: integers, dates
    /// and date-times become typed cells; booleans `是`/`否` (`Yes`/`No`);
    /// anything else its text. A value that does not fit its rule (an old
    /// or corrupt record) is shown as text rather than dropped.
    pub fn of_field(record: &Record, field: &str, lang: Lang) -> Cell {
        let Some(value) = record.get(field) else {
            return Cell::Empty;
        };
        let rule = validate::field_spec(record.kind, field).map(|s| s.rule);
        match (rule, value) {
            (_, Value::Null) => Cell::Empty,
            (Some(Rule::Choice(choices)), Value::String(s)) => {
                Cell::text(crate::schema::choice_label(choices, s, lang))
            }
            (Some(Rule::Date), Value::String(s)) => {
                validate::parse_date(s).map_or_else(|| Cell::text(s.as_str()), Cell::Date)
            }
            (Some(Rule::DateTime), Value::String(s)) => {
                validate::parse_date_time(s).map_or_else(|| Cell::text(s.as_str()), Cell::DateTime)
            }
            (_, Value::Bool(b)) => Cell::Text(
                match (lang, b) {
                    (Lang::Zh, true) => "是",
                    (Lang::Zh, false) => "否",
                    (Lang::En, true) => "Yes",
                    (Lang::En, false) => "No",
                }
                .into(),
            ),
            (_, Value::Number(n)) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => n.as_f64().map_or(Cell::Empty, Cell::Number),
            },
            (_, Value::String(s)) => Cell::text(s.as_str()),
            (_, other) => Cell::Text(other.to_string()),
        }
    }

    /// The cell as a person reads it in `lang`, e.g. for column widths.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => timefmt::date(lang, *d),
            Cell::DateTime(t) => timefmt::date_time(lang, *t),
        }
    }

    /// The cell's CSV text, before quoting (see the module docs for dates).
    fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => guard_formula(s),
            Cell::Int(i) => i.to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.to_string(),
            Cell::DateTime(t) => crate::validate::format_date_time(*t).replacen('T', " ", 1),
        }
    }
}

fn number_text(n: f64) -> String {
    if n.is_finite() {
        n.to_string()
    } else {
        String::new()
    }
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe.
fn guard_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// A column: its header in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Chinese header.
    pub zh: String,
    /// English header.
    pub en: String,
}

impl Column {
    /// A column with these headers.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Column {
        Column {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A column of a kind's field, headed by the field's labels as the forms
    /// show them (the field's key if the kind has no such field).
    pub fn of_field(kind: Kind, field: &str) -> Column {
        match validate::field_spec(kind, field) {
            Some(spec) => Column::new(spec.zh, spec.en),
            None => Column::new(field, field),
        }
    }

    /// The header in `lang`.
    pub fn header(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One sheet of an export: a title, columns and rows of typed cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Chinese title: the sheet's name and the start of the file name.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows; each has one cell per column (short rows are padded with
    /// empty cells when written).
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these titles and columns.
    pub fn new(
        title_zh: impl Into<String>,
        title_en: impl Into<String>,
        columns: Vec<Column>,
    ) -> Table {
        Table {
            title_zh: title_zh.into(),
            title_en: title_en.into(),
            columns,
            rows: Vec::new(),
        }
    }

    /// One row per record of `kind` (in the order given), one column per
    /// field: headers from the kind's field labels, cells from
    /// [`Cell::of_field`].
    pub fn of_records<'a>(
        title_zh: &str,
        title_en: &str,
        kind: Kind,
        fields: &[&str],
        records: impl IntoIterator<Item = &'a Record>,
        lang: Lang,
    ) -> Table {
        let columns = fields.iter().map(|f| Column::of_field(kind, f)).collect();
        let mut table = Table::new(title_zh, title_en, columns);
        table.rows = records
            .into_iter()
            .map(|r| fields.iter().map(|f| Cell::of_field(r, f, lang)).collect())
            .collect();
        table
    }

    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.title_zh,
            Lang::En => &self.title_en,
        }
    }

    /// The headers in `lang`.
    pub fn headers(&self, lang: Lang) -> Vec<&str> {
        self.columns.iter().map(|c| c.header(lang)).collect()
    }

    /// The file name: `班级名单-2026-11-28.xlsx` (the title, with characters
    /// that file systems refuse replaced by `_`, then the date).
    pub fn file_name(&self, lang: Lang, date: NaiveDate, format: Format) -> String {
        let title: String = self
            .title(lang)
            .chars()
            .map(|c| {
                if c.is_control() || r#"/\:*?"<>|"#.contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        format!("{title}-{date}.{}", format.name())
    }

    /// Column widths in character cells (a CJK character counts two), from
    /// the header and every cell as shown in `lang`, between 6 and 60.
    pub fn column_widths(&self, lang: Lang) -> Vec<f64> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|cell| display_width(&cell.display(lang)));
                let widest = cells.fold(display_width(c.header(lang)), usize::max);
                (widest as f64 + 2.0).clamp(6.0, 60.0)
            })
            .collect()
    }
}

/// The width of text in a monospaced grid: wide (CJK, full-width) characters
/// count two; the widest line of multi-line text counts.
pub fn display_width(s: &str) -> usize {
    s.lines()
        .map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum())
        .max()
        .unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// The table as CSV: UTF-8 BOM, a header row in `lang`, CRLF line ends,
/// RFC 4180 quoting, formula-like text guarded (see the module docs).
pub fn to_csv(table: &Table, lang: Lang) -> String {
    let mut out = String::from("\u{FEFF}");
    let headers: Vec<String> = table.headers(lang).into_iter().map(guard_formula).collect();
    push_csv_row(&mut out, headers.iter().map(String::as_str));
    for row in &table.rows {
        let cells: Vec<String> = (0..table.columns.len().max(row.len()))
            .map(|i| row.get(i).map(Cell::csv_text).unwrap_or_default())
            .collect();
        push_csv_row(&mut out, cells.iter().map(String::as_str));
    }
    out
}

fn push_csv_row<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// The parameters of an export request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportParams {
    /// One record, for reports of a single record (e.g. one drill).
    pub id: Option<RecordId>,
    /// The school term, for reports counted per term.
    pub term: Option<Term>,
    /// Only this unit's records (all the reader may see when `None`).
    pub unit: Option<UnitId>,
}

/// What a report's builder gets.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    /// The records the reader may see, of the report's kinds, not deleted,
    /// within `params.unit` when given.
    pub records: &'a [Record],
    /// The request's parameters.
    pub params: ReportParams,
    /// The reader's language, for values that are words (headers carry both).
    pub lang: Lang,
    /// The report's kinds (a registry's report reads its listing from them).
    pub kinds: &'static [Kind],
}

impl<'a> ReportInput<'a> {
    /// The records of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.kind == kind)
    }

    /// The record `params.id`, which must be of `kind`: the "missing" or
    /// "not found" error otherwise.
    pub fn the_record(&self, kind: Kind) -> Result<&'a Record, ReportError> {
        let id = self.params.id.ok_or(ReportError::missing("id"))?;
        self.records
            .iter()
            .find(|r| r.id == id && r.kind == kind)
            .ok_or_else(ReportError::not_found)
    }
}

/// Why a report could not be made, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportError {
    /// A parameter is missing or does not fit (answered as 400).
    BadParams {
        /// Machine-readable code.
        code: &'static str,
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
    /// The requested record does not exist or the reader may not see it
    /// (answered as 404).
    NotFound {
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
}

impl ReportError {
    /// A required parameter (`id`, `term`, `unit`) is missing.
    pub fn missing(param: &'static str) -> ReportError {
        let (zh, en) = match param {
            "id" => ("请指定要导出的记录。", "Choose the record to export."),
            "term" => ("请指定学期。", "Choose a term."),
            "unit" => ("请指定单位。", "Choose a unit."),
            _ => ("缺少导出参数。", "A parameter of the export is missing."),
        };
        ReportError::BadParams {
            code: "export_param_missing",
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The requested record is not there (or not readable).
    pub fn not_found() -> ReportError {
        ReportError::NotFound {
            zh: "找不到要导出的记录，它可能已被删除或您无权查看。".into(),
            en: "The record to export was not found; it may have been deleted, or you may not see it.".into(),
        }
    }
}

/// A report: its name, titles, the kinds it reads and its builder.
#[derive(Debug)]
pub struct ReportSpec {
    /// The URL name, e.g. `classes` (`/api/export/classes`).
    pub name: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// The record kinds the builder reads.
    pub kinds: &'static [Kind],
    /// Makes the table.
    pub build: fn(&ReportInput<'_>) -> Result<Table, ReportError>,
}

impl ReportSpec {
    /// Whether `record` goes into this report's input: one of its kinds, not
    /// deleted, and of `params.unit` when given. Read scope is the caller's
    /// business (the server checks `can_read`; the app holds only what its
    /// user may read).
    pub fn wants(&self, record: &Record, params: &ReportParams) -> bool {
        self.kinds.contains(&record.kind)
            && !record.is_deleted()
            && params.unit.is_none_or(|u| record.unit == u)
    }

    /// Builds the report from `records` (any records: those it
    /// [`wants`](ReportSpec::wants) are kept).
    pub fn run<'a>(
        &self,
        records: impl IntoIterator<Item = &'a Record>,
        params: ReportParams,
        lang: Lang,
    ) -> Result<Table, ReportError> {
        let records: Vec<Record> = records
            .into_iter()
            .filter(|r| self.wants(r, &params))
            .cloned()
            .collect();
        (self.build)(&ReportInput {
            records: &records,
            params,
            lang,
            kinds: self.kinds,
        })
    }
}

/// Every report. Add yours here (see the module docs).
pub static REPORTS: &[ReportSpec] = &[
    ReportSpec {
        name: "classes",
        zh: "班级名单",
        en: "Class list",
        kinds: &[Kind::Class],
        build: class_list,
    },
    ReportSpec {
        name: "drills",
        zh: "演练列表",
        en: "Drills",
        kinds: &[Kind::Drill, Kind::DrillEntry, Kind::DrillFix],
        build: crate::drill::list_report,
    },
    ReportSpec {
        name: "drill",
        zh: "演练记录",
        en: "Drill record",
        kinds: &[Kind::Drill, Kind::DrillEntry, Kind::DrillFix],
        build: crate::drill::record_report,
    },
    ReportSpec {
        name: "duty_roster",
        zh: "排班表",
        en: "Duty roster",
        kinds: &[Kind::DutyShift],
        build: crate::duty::roster_report,
    },
    ReportSpec {
        name: "duty_log",
        zh: "值班日志",
        en: "Shift logs",
        kinds: &[
            Kind::DutyShift,
            Kind::DutyCheck,
            Kind::DutyPatrol,
            Kind::DutyIncident,
            Kind::DutyHandover,
        ],
        build: crate::duty::log_report,
    },
    ReportSpec {
        name: "lessons",
        zh: "安全教育课记录",
        en: "Safety lessons",
        kinds: &[Kind::Class, Kind::SafetyLesson],
        build: crate::lesson_report::lessons_report,
    },
    ReportSpec {
        name: "four_in_place",
        zh: "四落实情况",
        en: "Four in place",
        kinds: &[Kind::Class, Kind::LessonTermPlan, Kind::SafetyLesson],
        build: crate::lesson_report::four_report,
    },
];

/// The report called `name`: one of [`REPORTS`] or a registry's.
pub fn report(name: &str) -> Option<&'static ReportSpec> {
    all_reports().find(|r| r.name == name)
}

/// Every report: [`REPORTS`], then each registry's list.
pub fn all_reports() -> impl Iterator<Item = &'static ReportSpec> {
    REPORTS
        .iter()
        .chain(crate::registry::LISTINGS.iter().map(|l| &l.report))
}

/// 班级名单: one row per class (班级名称, 年级, 人数), by grade then name.
fn class_list(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let mut classes: Vec<&Record> = input.of_kind(Kind::Class).collect();
    let text = |r: &Record, f: &str| r.get(f).and_then(Value::as_str).unwrap_or("").to_owned();
    crate::order::sort_by_cached_key(&mut classes, |r| {
        (
            grade_key(&text(r, "grade")),
            natural_key(&text(r, "name")),
            r.id,
        )
    });
    Ok(Table::of_records(
        "班级名单",
        "Class list",
        Kind::Class,
        &["name", "grade", "size"],
        classes,
        input.lang,
    ))
}

/// A piece of a [`natural_key`]: numbers compare by value, before text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyPart {
    /// A run of digits or Chinese numerals, by value.
    Num(u64),
    /// Any other character.
    Char(char),
}

fn chinese_digit(c: char) -> Option<u64> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u64)
        .or((c == '零').then_some(0))
}

/// A sort key that orders `初二(10)班` after `初二(9)班` and `三年级` after
/// `二年级`: runs of ASCII digits or Chinese numerals (一…九, 十) compare as
/// numbers.
pub fn natural_key(s: &str) -> Vec<KeyPart> {
    let chars: Vec<char> = s.chars().collect();
    let mut key = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                i += 1;
            }
            key.push(KeyPart::Num(n));
        } else if chinese_digit(c).is_some() || c == '十' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&c| chinese_digit(c).is_some() || c == '十')
            {
                i += 1;
            }
            key.push(KeyPart::Num(chinese_number(&chars[start..i])));
        } else {
            key.push(KeyPart::Char(c));
            i += 1;
        }
    }
    key
}

/// `十` = 10, `十二` = 12, `二十三` = 23; without `十`, digit by digit.
fn chinese_number(run: &[char]) -> u64 {
    let digit = |c: Option<&char>| c.and_then(|&c| chinese_digit(c));
    match run.iter().position(|&c| c == '十') {
        Some(p) => {
            let tens = if p == 0 {
                Some(1)
            } else {
                digit(run.get(p - 1))
            };
            tens.unwrap_or(1) * 10 + digit(run.get(p + 1)).unwrap_or(0)
        }
        None => run.iter().fold(0u64, |n, &c| {
            n.saturating_mul(10)
                .saturating_add(chinese_digit(c).unwrap_or(0))
        }),
    }
}

/// A grade's sort key: kindergarten grades in age order (托班, 小班, 中班,
/// 大班), then [`natural_key`] order.
fn grade_key(grade: &str) -> (u8, Vec<KeyPart>) {
    let mut chars = grade.chars();
    let first = chars.next();
    let kindergarten = chars
        .next()
        .is_some_and(|c| c == '班' || chinese_digit(c).is_some());
    let rank = match first {
        Some('托') if kindergarten => 0,
        Some('小') if kindergarten => 1,
        Some('中') if kindergarten => 2,
        Some('大') if kindergarten => 3,
        _ => 4,
    };
    (rank, natural_key(grade))
}

/// Compares two texts by [`natural_key`].
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::{DeviceId, Hlc};
    use serde_json::json;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn table() -> Table {
        let mut t = Table::new(
            "测试",
            "Test",
            vec![
                Column::new("名称", "Name"),
                Column::new("人数", "Count"),
                Column::new("日期", "Date"),
            ],
        );
        t.rows = vec![
            vec![
                Cell::text("初一(1)班"),
                Cell::Int(40),
                Cell::Date(date(2026, 11, 28)),
            ],
            vec![
                Cell::text("a,b \"c\"\nd"),
                Cell::Number(1.5),
                Cell::DateTime(date(2026, 1, 9).and_hms_opt(7, 5, 0).unwrap()),
            ],
            vec![Cell::text("=SUM(A1:A2)")],
        ];
        t
    }

    #[test]
    fn csv_has_a_bom_chinese_headers_crlf_and_quotes_what_needs_it() {
        let csv = to_csv(&table(), Lang::Zh);
        assert!(csv.starts_with('\u{FEFF}'));
        assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(
            csv,
            "\u{FEFF}名称,人数,日期\r\n\
             初一(1)班,40,2026-11-28\r\n\
             \"a,b \"\"c\"\"\nd\",1.5,2026-01-09 07:05\r\n\
             '=SUM(A1:A2),,\r\n"
        );
        assert!(to_csv(&table(), Lang::En).starts_with("\u{FEFF}Name,Count,Date\r\n"));
    }

    #[test]
    fn csv_keeps_newlines_inside_quoted_cells() {
        let mut t = Table::new("t", "t", vec![Column::new("备注", "Note")]);
        t.rows = vec![vec![Cell::text("第一行\r\n第二行")], vec![Cell::text("x")]];
        let csv = to_csv(&t, Lang::Zh);
        assert_eq!(csv, "\u{FEFF}备注\r\n\"第一行\r\n第二行\"\r\nx\r\n");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_guarded_numbers_are_not() {
        for s in ["=1+1", "+86 138", "-2", "@cmd", "\tx", "\rx"] {
            let mut t = Table::new("t", "t", vec![Column::new("a", "a")]);
            t.rows = vec![vec![Cell::Text(s.into())]];
            let body = to_csv(&t, Lang::Zh);
            let row = body.split_once("\r\n").unwrap().1;
            assert!(
                row.starts_with("'") || row.starts_with("\"'"),
                "{s:?} gave {row:?}"
            );
        }
        let mut t = Table::new("t", "t", vec![Column::new("a", "a")]);
        t.rows = vec![vec![Cell::Int(-3)], vec![Cell::Number(-0.5)]];
        assert_eq!(to_csv(&t, Lang::Zh), "\u{FEFF}a\r\n-3\r\n-0.5\r\n");
    }

    #[test]
    fn blank_text_is_empty_and_widths_count_chinese_twice() {
        assert_eq!(Cell::text("  "), Cell::Empty);
        assert_eq!(display_width("初一(1)班"), 9);
        assert_eq!(display_width("ab\n初一初一"), 8);
        let w = table().column_widths(Lang::Zh);
        assert_eq!(w.len(), 3);
        // "2026年1月9日 07:05" is the widest date: 2026(4) 年(2) 1(1) 月(2) 9(1) 日(2) " 07:05"(6).
        assert_eq!(w[2], 18.0 + 2.0);
        assert_eq!(w[1], 6.0, "narrow columns get the minimum");
    }

    #[test]
    fn file_names_carry_the_title_and_date_and_no_path_characters() {
        let mut t = table();
        assert_eq!(
            t.file_name(Lang::Zh, date(2026, 11, 28), Format::Xlsx),
            "测试-2026-11-28.xlsx"
        );
        t.title_en = "a/b: c".into();
        assert_eq!(
            t.file_name(Lang::En, date(2026, 11, 28), Format::Csv),
            "a_b_ c-2026-11-28.csv"
        );
        assert_eq!(Format::from_name("XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::from_name("pdf"), None);
    }

    #[test]
    fn chinese_numerals_sort_by_value() {
        let mut grades = vec!["初三", "初一", "初二", "高一"];
        grades.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(grades, ["初一", "初二", "初三", "高一"]);
        let mut names = vec![
            "十二年级",
            "二年级",
            "十年级",
            "三年级(10)班",
            "三年级(9)班",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "二年级",
                "三年级(9)班",
                "三年级(10)班",
                "十年级",
                "十二年级"
            ]
        );
        let mut kg = vec!["大班", "小班", "中班", "托班"];
        kg.sort_by_key(|g| grade_key(g));
        assert_eq!(kg, ["托班", "小班", "中班", "大班"]);
    }

    fn class(n: u128, unit: u128, fields: Value) -> Record {
        let mut r = Record::new(
            RecordId(Uuid::from_u128(n)),
            Kind::Class,
            UnitId(Uuid::from_u128(unit)),
            None,
        );
        let fields: std::collections::BTreeMap<String, Value> =
            serde_json::from_value(fields).unwrap();
        r.apply(
            Hlc::new(1, 0, DeviceId(1)),
            fields.iter().map(|(k, v)| (k, v, None)),
        );
        r
    }

    #[test]
    fn the_class_list_has_chinese_headers_typed_cells_and_grade_order() {
        let records = vec![
            class(
                1,
                10,
                json!({"name": "初二(1)班", "grade": "初二", "size": 41}),
            ),
            class(
                2,
                10,
                json!({"name": "初一(2)班", "grade": "初一", "size": 42}),
            ),
            class(3, 10, json!({"name": "初一(1)班", "grade": "初一"})),
            class(
                4,
                20,
                json!({"name": "别校的班", "grade": "初一", "size": 1}),
            ),
            class(5, 10, json!({"name": "已删除", "deleted": true})),
        ];
        let spec = report("classes").unwrap();
        let params = ReportParams {
            unit: Some(UnitId(Uuid::from_u128(10))),
            ..ReportParams::default()
        };
        let t = spec.run(&records, params, Lang::Zh).unwrap();
        assert_eq!(t.headers(Lang::Zh), ["班级名称", "年级", "人数"]);
        assert_eq!(t.title(Lang::Zh), "班级名单");
        let names: Vec<&Cell> = t.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(
            names,
            [
                &Cell::text("初一(1)班"),
                &Cell::text("初一(2)班"),
                &Cell::text("初二(1)班")
            ]
        );
        assert_eq!(t.rows[0][2], Cell::Empty);
        assert_eq!(t.rows[1][2], Cell::Int(42));
        assert_eq!(
            to_csv(&t, Lang::Zh),
            "\u{FEFF}班级名称,年级,人数\r\n初一(1)班,初一,\r\n初一(2)班,初一,42\r\n初二(1)班,初二,41\r\n"
        );
        let all = spec
            .run(&records, ReportParams::default(), Lang::En)
            .unwrap();
        assert_eq!(all.rows.len(), 4, "every unit given, deleted left out");
        assert_eq!(
            all.headers(Lang::En),
            ["Class name", "Grade", "Number of students"]
        );
        assert!(report("nope").is_none());
        let names: Vec<&str> = all_reports().map(|r| r.name).collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(names.len(), unique.len(), "report names are unique");
    }

    #[test]
    fn single_record_reports_explain_a_missing_or_unknown_id() {
        let records = [class(1, 10, json!({"name": "x"}))];
        let input = |id| ReportInput {
            records: &records,
            params: ReportParams {
                id,
                ..ReportParams::default()
            },
            lang: Lang::Zh,
            kinds: &[Kind::Class],
        };
        assert!(matches!(
            input(None).the_record(Kind::Class),
            Err(ReportError::BadParams { .. })
        ));
        assert!(matches!(
            input(Some(RecordId(Uuid::from_u128(2)))).the_record(Kind::Class),
            Err(ReportError::NotFound { .. })
        ));
        assert!(
            input(Some(RecordId(Uuid::from_u128(1))))
                .the_record(Kind::Class)
                .is_ok()
        );
        assert!(
            input(Some(RecordId(Uuid::from_u128(1))))
                .the_record(Kind::Drill)
                .is_err()
        );
    }

    #[test]
    fn field_cells_follow_the_kinds_rules() {
        let r = class(1, 10, json!({"name": "  ", "size": 40, "grade": "初一"}));
        assert_eq!(Cell::of_field(&r, "name", Lang::Zh), Cell::Empty);
        assert_eq!(Cell::of_field(&r, "size", Lang::Zh), Cell::Int(40));
        assert_eq!(Cell::of_field(&r, "missing", Lang::Zh), Cell::Empty);
        assert_eq!(Cell::of_field(&r, "deleted", Lang::Zh), Cell::Empty);
        let gone = class(2, 10, json!({"deleted": false}));
        assert_eq!(Cell::of_field(&gone, "deleted", Lang::Zh), Cell::text("否"));
        assert_eq!(Cell::of_field(&gone, "deleted", Lang::En), Cell::text("No"));
        assert_eq!(Column::of_field(Kind::Class, "size").zh, "人数");
        assert_eq!(Column::of_field(Kind::Class, "nope").en, "nope");
    }
}
