//! `GET /api/export/{report}?format=csv|xlsx[&id=&term=&unit=&lang=]`: a
//! report of the core's registry ([`anyuan_core::export`]) as a file.
//!
//! The records are the merged current state (`records`), limited in SQL by
//! the same scope as pulls ([`scope_sql`]) and checked again with the core's
//! `can_read`, so an export never holds a record its reader could not pull.
//! CSV comes from the core's `to_csv` (the app makes the same file offline);
//! xlsx is written here with `rust_xlsxwriter`: bold frozen header row,
//! column widths from the content, dates as real dates shown as
//! `2026年11月28日`.

use anyuan_core::auth::can_read;
use anyuan_core::export::{self, Cell, Format, ReportError, ReportParams, ReportSpec, Table};
use anyuan_core::{Actor, Lang, Record, RecordId, Term, UnitId};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Timelike};
use rust_xlsxwriter::{ExcelDateTime, FormatBorder, Workbook, XlsxError};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Authed;
use crate::org::parse_record;
use crate::sync::scope_sql;
use crate::{AppState, Error};

/// The offset of China Standard Time (no daylight saving): the date in a
/// file name is the reader's calendar day.
const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// Excel's longest text in one cell.
const MAX_XLSX_TEXT: usize = 32_767;

/// The query string.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// `csv` or `xlsx`.
    pub format: Option<String>,
    /// A record id, for reports of one record.
    pub id: Option<String>,
    /// A term code, `2026-1`.
    pub term: Option<String>,
    /// A unit id: only that unit's records.
    pub unit: Option<String>,
    /// `zh-CN` (default) or `en`: the language of headers and title.
    pub lang: Option<String>,
}

/// An export's failure: the server's errors, plus "no such report" and
/// "no such record", which answer 404 with their own message in the same
/// `{"error": {"code", "zh", "en"}}` shape.
#[derive(Debug)]
pub enum ExportError {
    Api(Error),
    NotFound {
        code: &'static str,
        zh: String,
        en: String,
    },
}

impl From<Error> for ExportError {
    fn from(e: Error) -> ExportError {
        ExportError::Api(e)
    }
}

impl From<ReportError> for ExportError {
    fn from(e: ReportError) -> ExportError {
        match e {
            ReportError::BadParams { code, zh, en } => {
                ExportError::Api(Error::bad_request(code, zh, en))
            }
            ReportError::NotFound { zh, en } => ExportError::NotFound {
                code: "export_record_not_found",
                zh,
                en,
            },
        }
    }
}

impl IntoResponse for ExportError {
    fn into_response(self) -> Response {
        match self {
            ExportError::Api(e) => e.into_response(),
            ExportError::NotFound { code, zh, en } => (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": { "code": code, "zh": zh, "en": en } })),
            )
                .into_response(),
        }
    }
}

fn bad_param(what_zh: &str, what_en: &str) -> ExportError {
    Error::bad_request(
        "export_bad_param",
        format!("导出参数“{what_zh}”格式不正确。请刷新页面后重试。"),
        format!("The export parameter \"{what_en}\" is not valid. Please reload and try again."),
    )
    .into()
}

/// The parsed request.
struct Request {
    spec: &'static ReportSpec,
    format: Format,
    params: ReportParams,
    lang: Lang,
}

fn parse(report: &str, q: ExportQuery) -> Result<Request, ExportError> {
    let spec = export::report(report).ok_or_else(|| ExportError::NotFound {
        code: "unknown_report",
        zh: format!("没有名为“{report}”的导出报表。请更新应用后重试。"),
        en: format!("There is no export called \"{report}\". Please update the app and try again."),
    })?;
    let format = q
        .format
        .as_deref()
        .and_then(Format::from_name)
        .ok_or_else(|| {
            ExportError::from(Error::bad_request(
                "bad_format",
                "导出格式应为 csv 或 xlsx。",
                "The export format must be csv or xlsx.",
            ))
        })?;
    let uuid = |v: &Option<String>, zh: &str, en: &str| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<uuid::Uuid>().map_err(|_| bad_param(zh, en)))
            .transpose()
    };
    let id = uuid(&q.id, "记录", "id")?.map(RecordId);
    let unit = uuid(&q.unit, "单位", "unit")?.map(UnitId);
    let term = q
        .term
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| Term::parse(s).ok_or_else(|| bad_param("学期", "term")))
        .transpose()?;
    Ok(Request {
        spec,
        format,
        params: ReportParams { id, term, unit },
        lang: q.lang.as_deref().map_or(Lang::Zh, Lang::from_tag),
    })
}

/// `GET /api/export/{report}`: the report as a CSV or xlsx attachment.
pub async fn export(
    State(state): State<AppState>,
    authed: Authed,
    Path(report): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ExportError> {
    let Query(query) = query.map_err(|_| bad_param("查询字符串", "query string"))?;
    let req = parse(&report, query)?;
    let actor = &authed.actor;
    if let Some(unit) = req.params.unit
        && !req.spec.kinds.iter().any(|k| can_read(actor, *k, unit))
    {
        return Err(Error::denied(
            "export_out_of_scope",
            "您无权导出该单位的记录。",
            "You may not export this unit's records.",
        )
        .into());
    }
    let records = load(&state, actor, req.spec, &req.params).await?;
    let table = req.spec.run(&records, req.params, req.lang)?;
    let today = local_date(state.now_ms());
    let file_name = table.file_name(req.lang, today, req.format);
    let ascii_name = format!(
        "{}-{}.{}",
        req.spec.name,
        today.format("%Y-%m-%d"),
        req.format.name()
    );
    let lang = req.lang;
    let body = match req.format {
        Format::Csv => export::to_csv(&table, lang).into_bytes(),
        Format::Xlsx => tokio::task::spawn_blocking(move || xlsx(&table, lang))
            .await
            .map_err(|e| Error::Internal(format!("xlsx task: {e}")))?
            .map_err(|e| Error::Internal(format!("writing xlsx: {e}")))?,
    };
    let disposition = HeaderValue::from_str(&content_disposition(&file_name, &ascii_name))
        .map_err(|e| Error::Internal(format!("content-disposition: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(req.format.mime()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// The records of the report's kinds the actor may read (of `params.unit`
/// when given), in log order. Deleted records are dropped by the report.
async fn load(
    state: &AppState,
    actor: &Actor,
    spec: &ReportSpec,
    params: &ReportParams,
) -> Result<Vec<Record>, Error> {
    if spec.kinds.is_empty() {
        return Ok(Vec::new());
    }
    // Kind names are the core's static identifiers, never user input.
    let kinds: Vec<String> = spec
        .kinds
        .iter()
        .map(|k| format!("'{}'", k.name()))
        .collect();
    let (scope, mut binds) = scope_sql(actor, 1);
    let mut sql = format!(
        "SELECT body FROM records WHERE kind IN ({}) AND {scope}",
        kinds.join(", ")
    );
    if let Some(unit) = params.unit {
        binds.push(unit.to_string());
        sql.push_str(&format!(" AND unit_id = ${}", binds.len()));
    }
    sql.push_str(" ORDER BY seq");
    let mut q = sqlx::query_scalar::<_, String>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let bodies = q.fetch_all(state.db().pool()).await?;
    let mut out = Vec::with_capacity(bodies.len());
    for body in &bodies {
        let r = parse_record(body)?;
        if anyuan_core::registry::may_read(actor, &r) {
            out.push(anyuan_core::registry::redact(actor, r));
        }
    }
    Ok(out)
}

/// The calendar day in China at `ms` since the Unix epoch.
fn local_date(ms: u64) -> NaiveDate {
    let ms = i64::try_from(ms)
        .unwrap_or(i64::MAX)
        .saturating_add(CHINA_OFFSET_MS);
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// `attachment` with an ASCII `filename` for old clients and the real name
/// as RFC 5987 `filename*` (UTF-8, percent-encoded).
pub fn content_disposition(file_name: &str, ascii_fallback: &str) -> String {
    let fallback: String = ascii_fallback
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// not starting or ending with an apostrophe, not empty.
pub fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let trimmed = cleaned.trim_matches('\'').trim();
    if trimmed.is_empty() {
        "Sheet1".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let part = |v: u32| u8::try_from(v).unwrap_or(1);
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        part(d.month()),
        part(d.day()),
    )
}

/// The table as an xlsx workbook of one sheet.
pub fn xlsx(table: &Table, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let (date_format, date_time_format) = match lang {
        Lang::Zh => (r#"yyyy"年"m"月"d"日""#, r#"yyyy"年"m"月"d"日" hh:mm"#),
        Lang::En => ("d mmm yyyy", "d mmm yyyy hh:mm"),
    };
    let bold = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let date = rust_xlsxwriter::Format::new().set_num_format(date_format);
    let date_time = rust_xlsxwriter::Format::new().set_num_format(date_time_format);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(table.title(lang)))?;
    for (c, header) in (0u16..).zip(table.headers(lang)) {
        sheet.write_string_with_format(0, c, header, &bold)?;
    }
    for (r, row) in (1u32..).zip(&table.rows) {
        for (c, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    let s: String = s.chars().take(MAX_XLSX_TEXT).collect();
                    sheet.write_string(r, c, s)?;
                }
                // Excel holds numbers as f64; counts are far below 2^53.
                Cell::Int(i) => {
                    sheet.write_number(r, c, *i as f64)?;
                }
                Cell::Number(n) if n.is_finite() => {
                    sheet.write_number(r, c, *n)?;
                }
                Cell::Number(_) => {}
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(r, c, excel_date(*d)?, &date)?;
                }
                Cell::DateTime(t) => {
                    let hour = u16::try_from(t.hour()).unwrap_or(0);
                    let minute = u8::try_from(t.minute()).unwrap_or(0);
                    let at = excel_date(t.date())?.and_hms(hour, minute, t.second())?;
                    sheet.write_datetime_with_format(r, c, at, &date_time)?;
                }
            }
        }
    }
    for (c, width) in (0u16..).zip(table.column_widths(lang)) {
        sheet.set_column_width(c, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = u16::try_from(table.columns.len()).unwrap_or(u16::MAX);
    let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    if last_col > 0 {
        sheet.autofilter(0, 0, last_row, last_col - 1)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_has_an_ascii_fallback_and_the_utf8_name() {
        let v = content_disposition("班级名单-2026-11-28.xlsx", "classes-2026-11-28.xlsx");
        assert_eq!(
            v,
            "attachment; filename=\"classes-2026-11-28.xlsx\"; \
             filename*=UTF-8''%E7%8F%AD%E7%BA%A7%E5%90%8D%E5%8D%95-2026-11-28.xlsx"
        );
        assert!(HeaderValue::from_str(&v).is_ok());
        let v = content_disposition("a b\"c.csv", "a b\"c.csv");
        assert!(v.contains("filename=\"a_b_c.csv\""), "{v}");
        assert!(v.ends_with("a%20b%22c.csv"), "{v}");
    }

    #[test]
    fn xlsx_cells_keep_their_types_and_dates_are_dates() {
        use anyuan_core::export::Column;
        use calamine::{Data, Reader, Xlsx};
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut t = Table::new(
            "演练/记录",
            "Drill",
            vec![
                Column::new("日期", "Date"),
                Column::new("时间", "Time"),
                Column::new("人数", "Count"),
                Column::new("比例", "Ratio"),
                Column::new("备注", "Note"),
            ],
        );
        t.rows = vec![
            vec![
                Cell::Date(day),
                Cell::DateTime(day.and_hms_opt(14, 30, 0).unwrap()),
                Cell::Int(40),
                Cell::Number(0.5),
                Cell::text("=1+1"),
            ],
            vec![Cell::Empty],
        ];
        let bytes = xlsx(&t, Lang::Zh).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["演练_记录"]);
        let range = book.worksheet_range("演练_记录").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[0][0], Data::String("日期".into()));
        let Data::DateTime(d) = &rows[1][0] else {
            panic!("{:?}", rows[1][0])
        };
        // Excel's serial day of 2026-11-28 (days since 1899-12-30).
        assert_eq!(d.as_f64(), 46354.0);
        let Data::DateTime(t) = &rows[1][1] else {
            panic!("{:?}", rows[1][1])
        };
        assert!((t.as_f64() - (46354.0 + 14.5 / 24.0)).abs() < 1e-9);
        assert_eq!(rows[1][2], Data::Float(40.0));
        assert_eq!(rows[1][3], Data::Float(0.5));
        assert_eq!(rows[1][4], Data::String("=1+1".into()));
        assert_eq!(rows.len(), 2, "an empty row writes nothing");
    }

    #[test]
    fn sheet_names_fit_excels_rules() {
        assert_eq!(sheet_name("班级名单"), "班级名单");
        assert_eq!(sheet_name("a/b[c]"), "a_b_c_");
        assert_eq!(sheet_name("'x'"), "x");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn file_dates_are_chinas_calendar_day() {
        // 2026-11-28 17:00 UTC is already 29 November in China.
        let ms = 1_795_885_200_000;
        assert_eq!(
            local_date(ms),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        assert_eq!(
            local_date(ms - 2 * 3600 * 1000),
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
        );
    }
}
