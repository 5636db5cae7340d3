//! The duty exports: the roster (排班表) and the shift logs (值班日志), for
//! [`REPORTS`](crate::export::REPORTS).

use crate::drill::district_time;
use crate::export::{Cell, Column, ReportError, ReportInput, Table};
use crate::kind::Kind;
use crate::lang::Lang;

use super::{CheckAction, DutyData, LogEntry, incident_type_label, shift_log, tr};

/// 排班表: one row per shift by start (开始时间, 结束时间, 值班角色, 值班人,
/// 联系电话, 备注).
pub fn roster_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let data = DutyData::from_records(input.records);
    let lang = input.lang;
    let fields = ["start", "end", "role", "person", "phone", "note"];
    let columns = fields
        .iter()
        .map(|f| Column::of_field(Kind::DutyShift, f))
        .collect();
    let mut table = Table::new("排班表", "Duty roster", columns);
    let mut shifts: Vec<_> = data.shifts.iter().collect();
    crate::order::sort_by(&mut shifts, |a, b| {
        (a.start, a.role, &a.person, a.id).cmp(&(b.start, b.role, &b.person, b.id))
    });
    for s in shifts {
        table.rows.push(vec![
            Cell::DateTime(s.start),
            Cell::DateTime(s.end),
            Cell::text(s.role.label(lang)),
            Cell::text(s.person.clone()),
            s.phone.clone().map_or(Cell::Empty, Cell::text),
            s.note.clone().map_or(Cell::Empty, Cell::text),
        ]);
    }
    Ok(table)
}

/// 值班日志: one row per log entry (check-ins and -outs, patrols, incidents,
/// handovers), by shift then time: the shift's start, role and person, the
/// entry's time, type, details and who logged it, and for check-ins and
/// -outs the time the server received them (in the district's time, like
/// every time the server writes, since the device's time zone is unknown
/// there).
pub fn log_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let data = DutyData::from_records(input.records);
    let lang = input.lang;
    let mut table = Table::new(
        "值班日志",
        "Shift logs",
        vec![
            Column::new("班次开始", "Shift start"),
            Column::of_field(Kind::DutyShift, "role"),
            Column::of_field(Kind::DutyShift, "person"),
            Column::new("记录时间", "Time"),
            Column::new("记录类型", "Entry"),
            Column::new("内容", "Details"),
            Column::new("记录人", "Logged by"),
            Column::new("服务器接收时间", "Received by server"),
        ],
    );
    let mut shifts: Vec<_> = data.shifts.iter().collect();
    crate::order::sort_by(&mut shifts, |a, b| {
        (a.start, a.role, &a.person, a.id).cmp(&(b.start, b.role, &b.person, b.id))
    });
    for s in shifts {
        for e in shift_log(s.id, &data) {
            let (what, details, by) = entry_cells(&e, lang);
            let received = match e {
                LogEntry::Check(c) => c
                    .received_ms
                    .and_then(|ms| i64::try_from(ms).ok())
                    .and_then(district_time),
                _ => None,
            };
            table.rows.push(vec![
                Cell::DateTime(s.start),
                Cell::text(s.role.label(lang)),
                Cell::text(s.person.clone()),
                e.at().map_or(Cell::Empty, Cell::DateTime),
                Cell::text(what),
                Cell::text(details),
                by.map_or(Cell::Empty, Cell::text),
                received.map_or(Cell::Empty, Cell::DateTime),
            ]);
        }
    }
    Ok(table)
}

/// An entry's type, details and author.
fn entry_cells(e: &LogEntry<'_>, lang: Lang) -> (String, String, Option<String>) {
    match e {
        LogEntry::Check(c) => {
            let what = match c.action {
                CheckAction::CheckIn => tr(lang, "签到", "check-in"),
                CheckAction::CheckOut => tr(lang, "签退", "check-out"),
            };
            (what.to_owned(), String::new(), c.by.clone())
        }
        LogEntry::Patrol(p) => {
            let result = if p.problem {
                tr(lang, "有问题", "problem")
            } else {
                tr(lang, "正常", "normal")
            };
            let mut details = format!("{}：{result}", p.area);
            if let Some(n) = &p.note {
                details.push_str(&format!("；{n}"));
            }
            (tr(lang, "巡查", "patrol").to_owned(), details, p.by.clone())
        }
        LogEntry::Incident(i) => {
            let mut details = format!(
                "{}：{}",
                incident_type_label(&i.incident_type, lang),
                i.what
            );
            if let Some(a) = &i.action {
                details.push_str(&format!("；{}{a}", tr(lang, "处置：", "action: ")));
            }
            if let Some(r) = &i.reported_to {
                details.push_str(&format!("；{}{r}", tr(lang, "已报告：", "reported to: ")));
            }
            (
                tr(lang, "突发事件", "incident").to_owned(),
                details,
                i.by.clone(),
            )
        }
        LogEntry::Handover(h) => {
            let mut details = h.note.clone();
            if let Some(t) = &h.to {
                details.push_str(&format!("；{}{t}", tr(lang, "接班人：", "to: ")));
            }
            (
                tr(lang, "交接班", "handover").to_owned(),
                details,
                h.by.clone(),
            )
        }
    }
}
