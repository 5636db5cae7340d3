//! The lesson exports: 安全教育课记录 (`lessons`: one row per lesson) and
//! 四落实情况 (`four_in_place`: one row per class for a term). Both read the
//! parsed [`LessonData`], so the table is what the lesson pages show.

use std::collections::BTreeSet;

use crate::export::{Cell, Column, ReportError, ReportInput, Table};
use crate::kind::Kind;
use crate::lang::Lang;
use crate::lesson::{
    COURSE_TYPES, ClassFour, FORMS, LessonData, choice_label, school_four, theme_label,
};

fn yes_no(b: bool, lang: Lang) -> Cell {
    Cell::text(match (b, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "Yes",
        (false, Lang::En) => "No",
    })
}

fn percent(share: Option<f64>) -> Cell {
    share.map_or(Cell::Empty, |s| Cell::Int((s * 100.0).round() as i64))
}

/// 安全教育课记录: every lesson (in `params.term` when given), by date, with
/// its class and words for codes.
pub fn lessons_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let data = LessonData::from_records(input.records);
    let lang = input.lang;
    let field = |f: &str| Column::of_field(Kind::SafetyLesson, f);
    let mut table = Table::new(
        "安全教育课记录",
        "Safety lessons",
        vec![
            Column::new("班级", "Class"),
            Column::new("年级", "Grade"),
            field("date"),
            field("periods"),
            field("teacher_name"),
            field("theme"),
            field("course_type"),
            field("form"),
            field("lesson_plan"),
            field("material"),
            field("present"),
            Column::new("班级人数", "Class size"),
        ],
    );
    let mut lessons: Vec<_> = data
        .lessons
        .iter()
        .filter(|l| input.params.term.is_none_or(|t| l.term() == t))
        .collect();
    crate::order::sort_by_key(&mut lessons, |l| (l.date, l.id));
    for l in lessons {
        let class = data.classes.get(&l.class);
        table.rows.push(vec![
            Cell::text(class.map(|c| c.name.clone()).unwrap_or_default()),
            Cell::text(class.map(|c| c.grade.clone()).unwrap_or_default()),
            Cell::Date(l.date),
            Cell::Int(i64::from(l.periods)),
            Cell::text(
                l.teacher
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
            ),
            Cell::text(theme_label(&l.theme, lang)),
            Cell::text(
                l.course_type
                    .as_deref()
                    .map(|c| choice_label(COURSE_TYPES, c, lang))
                    .unwrap_or_default(),
            ),
            Cell::text(
                l.form
                    .as_deref()
                    .map(|c| choice_label(FORMS, c, lang))
                    .unwrap_or_default(),
            ),
            Cell::text(l.lesson_plan.clone()),
            Cell::text(l.material.clone()),
            l.present.map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
            class
                .and_then(|c| c.size)
                .map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
        ]);
    }
    Ok(table)
}

/// The columns of [`four_report`].
pub fn four_columns() -> Vec<Column> {
    vec![
        Column::new("班级", "Class"),
        Column::new("年级", "Grade"),
        Column::new("教师落实", "Teacher assigned"),
        Column::new("计划课时", "Planned hours"),
        Column::new("已上课时", "Hours delivered"),
        Column::new("课时落实", "Hours delivered in full"),
        Column::new("课数", "Lessons"),
        Column::new("有教案的比例（%）", "With lesson plan (%)"),
        Column::new("填写教材的比例（%）", "With material named (%)"),
        Column::new("缺项", "What is missing"),
    ]
}

/// One class's row of [`four_report`].
pub fn four_row(c: &ClassFour, lang: Lang) -> Vec<Cell> {
    let missing: Vec<String> = c.missing.iter().map(|m| m.text(lang)).collect();
    vec![
        Cell::text(c.name.clone()),
        Cell::text(c.grade.clone()),
        yes_no(c.teacher_assigned(), lang),
        Cell::Int(i64::from(c.planned_total())),
        Cell::Int(i64::from(c.delivered_total())),
        yes_no(c.hours_delivered(), lang),
        Cell::Int(i64::from(c.lessons)),
        percent(c.plan_share()),
        percent(c.material_share()),
        Cell::text(missing.join(lang.pick("；", "; "))),
    ]
}

/// 四落实情况: one row per live class for `params.term` (required), units
/// one after another, classes by grade and name.
pub fn four_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let term = input.params.term.ok_or(ReportError::missing("term"))?;
    let data = LessonData::from_records(input.records);
    let mut table = Table::new("四落实情况", "Four in place", four_columns());
    let units: BTreeSet<_> = crate::order::set_of(data.classes.values().map(|c| c.unit));
    for unit in units {
        for c in school_four(&data, unit, term).classes {
            table.rows.push(four_row(&c, input.lang));
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::export::{ReportParams, report};
    use crate::hlc::{DeviceId, Hlc};
    use crate::record::{Record, RecordId, UnitId};
    use crate::term::Term;

    fn rec(kind: Kind, n: u128, parent: Option<u128>, fields: serde_json::Value) -> Record {
        let id = |n| RecordId(uuid::Uuid::from_u128(n));
        let mut r = Record::new(
            id(n),
            kind,
            UnitId(uuid::Uuid::from_u128(1)),
            parent.map(id),
        );
        let stamp = Hlc::new(1_000, 0, DeviceId(9));
        let map = fields.as_object().unwrap();
        r.apply(stamp, map.iter().map(|(k, v)| (k, v, None)));
        r
    }

    #[test]
    fn lessons_and_four_in_place_export_with_chinese_headers() {
        let records = vec![
            rec(
                Kind::Class,
                2,
                None,
                json!({"name": "初一(1)班", "grade": "初一", "size": 40}),
            ),
            rec(
                Kind::SafetyLesson,
                3,
                Some(2),
                json!({"date": "2026-09-10", "periods": 2, "teacher_name": "张老师",
                       "theme": "fire", "course_type": "basic", "form": "drill",
                       "lesson_plan": "灭火器", "material": "", "present": 38}),
            ),
        ];
        let lessons = report("lessons")
            .unwrap()
            .run(&records, ReportParams::default(), Lang::Zh)
            .unwrap();
        assert_eq!(
            lessons.headers(Lang::Zh),
            [
                "班级",
                "年级",
                "上课日期",
                "课时",
                "任课教师",
                "主题",
                "课程类型",
                "形式",
                "教案",
                "教材",
                "学生出勤人数",
                "班级人数"
            ]
        );
        assert_eq!(lessons.rows[0][10], Cell::Int(38));
        assert_eq!(lessons.rows[0][11], Cell::Int(40));
        assert_eq!(lessons.rows.len(), 1);
        assert_eq!(lessons.rows[0][0], Cell::text("初一(1)班"));
        assert_eq!(lessons.rows[0][5], Cell::text("消防安全"));
        assert_eq!(lessons.rows[0][7], Cell::text("专题演练"));

        let spec = report("four_in_place").unwrap();
        assert!(
            spec.run(&records, ReportParams::default(), Lang::Zh)
                .is_err()
        );
        let params = ReportParams {
            term: Term::parse("2026-1"),
            ..ReportParams::default()
        };
        let four = spec.run(&records, params, Lang::Zh).unwrap();
        assert_eq!(four.headers(Lang::Zh)[2], "教师落实");
        assert_eq!(four.rows.len(), 1);
        assert_eq!(four.rows[0][2], Cell::text("否"));
        assert_eq!(four.rows[0][4], Cell::Int(2));
        assert_eq!(four.rows[0][7], Cell::Int(100));
        assert_eq!(four.rows[0][8], Cell::Int(0));
        assert_eq!(
            four.rows[0][9],
            Cell::text("本学期还没有安全教育计划；1节课没有填写教材")
        );
    }
}
