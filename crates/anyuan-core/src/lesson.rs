//! Safety lessons (公共安全教育 / 安全教育课) and their "four in place" (四落实).
//!
//! # Model
//!
//! Two record kinds, both children of a [`Kind::Class`] record (the class is
//! the record's `parent`, not a field):
//!
//! * a **term-plan entry** ([`Kind::LessonTermPlan`], written by admins): one
//!   theme of one class's plan for one term, with its planned hours and the
//!   teacher assigned to it. A class's plan for a term is the set of its live
//!   entries with that `term`. One record per theme, so two admins planning
//!   different themes on two devices never touch the same fields;
//! * a **lesson** ([`Kind::SafetyLesson`], written by everyone): class (the
//!   parent), date, periods (课时), teacher, theme, course type, form, lesson
//!   plan (教案) text and teaching material (教材). Its term is the term its
//!   date falls in ([`Term::of`]).
//!
//! Because both are children of the class, the server's parent check
//! (`auth::check_write`) refuses a plan entry or lesson whose class belongs
//! to another unit: a teacher cannot log a lesson for a class of another
//! school.
//!
//! **Teachers** are stored as the account's user id (`teacher`, a UUID,
//! optional: a substitute without an account can be named) and the display
//! name at the time of writing (`teacher_name`), so lists read well without
//! the account directory and survive renamed or disabled accounts.
//! Reassigning a theme is an edit of its plan entry: lessons already given
//! still count for the class, and what remains is due from the new teacher.
//!
//! The lesson plan is text (`lesson_plan`) for now; a file will be a further
//! field once attachments exist, and [`Lesson::has_plan`] the one place to
//! count it.
//!
//! **Themes are free text with suggested codes.** [`THEMES`] is the default
//! list (fire, traffic, drowning, …) with zh/en names; a form offers it as
//! suggestions and stores the code. Anything else a school types is kept as
//! typed and is a theme of its own: no extra kind to sync, and a school's own
//! theme ("防校园欺凌") needs no admin step. Typing a default theme's Chinese
//! or English name counts as its code ([`theme_key`]), so a plan and a
//! lesson always match.
//!
//! **Four in place** for a class and term ([`class_four`]): a teacher
//! assigned to every planned theme; hours delivered vs planned per theme and
//! in total; the share of lessons with a lesson plan; the share with material
//! named; and [`Missing`] items, each something a person can act on, with
//! zh/en wording. [`school_four`] aggregates a unit's classes and sorts them
//! by gaps. Teachers get [`my_classes`], [`my_lessons`], [`due`], the next
//! planned theme ([`next_theme`]) and a prefilled lesson form
//! ([`lesson_prefill`]). [`copy_plan`] copies a plan from another class or
//! the previous term as field maps for new records.
//!
//! Everything here is a pure function of merged [`Record`]s, parsed into
//! typed values by tolerant `from_record`s: deleted records, records of
//! other kinds and records without a usable term or date are skipped;
//! missing or invalid optional values read as absent. Concurrent edits need
//! no special handling: a lesson edited on two devices is one merged record.
//! Should two admins create the same theme for the same class and term on
//! two devices, the most recently edited entry counts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Role;
use crate::hlc::Hlc;
use crate::kind::{Kind, KindSpec};
use crate::lang::Lang;
use crate::record::{Record, RecordId, UnitId};
use crate::term::Term;
use crate::validate::{FieldSpec, Rule, parse_date};

pub use crate::schema::Choice;
use crate::schema::choice;

/// The default safety-education themes, in the order lists show them.
pub static THEMES: &[Choice] = &[
    choice("fire", "消防安全", "Fire safety"),
    choice("traffic", "交通安全", "Traffic safety"),
    choice("drowning", "防溺水", "Drowning prevention"),
    choice(
        "disaster",
        "防震减灾与自然灾害",
        "Earthquakes and natural disasters",
    ),
    choice("anti_terror", "反恐防暴", "Anti-terrorism and violence"),
    choice("food", "食品安全", "Food safety"),
    choice("public_health", "公共卫生", "Public health"),
    choice("online", "网络安全", "Online safety"),
    choice("drugs", "禁毒教育", "Drug prevention"),
];

/// Course types (三类课程 and collective activities).
pub static COURSE_TYPES: &[Choice] = &[
    choice("basic", "基础型课程", "Basic course"),
    choice("extended", "拓展型课程", "Extended course"),
    choice("research", "研究型课程", "Research course"),
    choice("collective", "集体活动", "Collective activity"),
];

/// Forms of a lesson.
pub static FORMS: &[Choice] = &[
    choice("lecture", "讲授", "Lecture"),
    choice("drill", "专题演练", "Drill"),
    choice("hands_on", "实训体验", "Hands-on training"),
    choice("online", "网络资源", "Online resource"),
];

const COURSE_TYPE_CODES: &[&str] = &["basic", "extended", "research", "collective"];
const FORM_CODES: &[&str] = &["lecture", "drill", "hands_on", "online"];

const ADMINS: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin];
const EVERYONE: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff];

/// Most periods one lesson record may count.
pub const MAX_PERIODS: i64 = 10;

/// [`Kind::LessonTermPlan`]: one theme of a class's term plan.
pub static TERM_PLAN_SPEC: KindSpec = KindSpec {
    name: "lesson_term_plan",
    zh: "安全教育学期计划",
    en: "safety-education term plan",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: Some(Kind::Class),
    fields: &[
        FieldSpec::new("term", "学期", "Term", Rule::Term).required(),
        FieldSpec::new("theme", "主题", "Theme", Rule::Text { max: 40 }).required(),
        FieldSpec::new(
            "hours",
            "计划课时",
            "Planned hours",
            Rule::Int { min: 1, max: 100 },
        )
        .required(),
        FieldSpec::new(
            "teacher",
            "教师账号",
            "Teacher account",
            Rule::Text { max: 36 },
        ),
        FieldSpec::new(
            "teacher_name",
            "任课教师",
            "Teacher",
            Rule::Text { max: 40 },
        ),
    ],
};

/// [`Kind::SafetyLesson`]: one safety lesson given to a class.
pub static LESSON_SPEC: KindSpec = KindSpec {
    name: "safety_lesson",
    zh: "安全教育课",
    en: "safety lesson",
    confidential: false,
    listing: None,
    writers: EVERYONE,
    parent: Some(Kind::Class),
    fields: &[
        FieldSpec::new("date", "上课日期", "Date", Rule::Date).required(),
        FieldSpec::new(
            "periods",
            "课时",
            "Periods",
            Rule::Int {
                min: 1,
                max: MAX_PERIODS,
            },
        )
        .required(),
        FieldSpec::new(
            "teacher",
            "教师账号",
            "Teacher account",
            Rule::Text { max: 36 },
        ),
        FieldSpec::new(
            "teacher_name",
            "任课教师",
            "Teacher",
            Rule::Text { max: 40 },
        )
        .required(),
        FieldSpec::new("theme", "主题", "Theme", Rule::Text { max: 40 }).required(),
        FieldSpec::new(
            "course_type",
            "课程类型",
            "Course type",
            Rule::OneOf(COURSE_TYPE_CODES),
        )
        .required(),
        FieldSpec::new("form", "形式", "Form", Rule::OneOf(FORM_CODES)).required(),
        FieldSpec::new(
            "lesson_plan",
            "教案",
            "Lesson plan",
            Rule::Text { max: 5000 },
        ),
        FieldSpec::new(
            "material",
            "教材",
            "Teaching material",
            Rule::Text { max: 200 },
        ),
        FieldSpec::new(
            "present",
            "学生出勤人数",
            "Students present",
            Rule::Int {
                min: 0,
                max: MAX_CLASS_SIZE,
            },
        ),
    ],
};

/// The most students a class may have (the class kind's `size` rule).
const MAX_CLASS_SIZE: i64 = 200;

/// Rules across a lesson form's fields and its class, for forms only
/// ([`crate::form::check_with`] applies it): more students present than
/// the class has. `values` are the form's values; `class_size` the chosen
/// class's size, if it has one. The server accepts such a lesson (the class
/// size may have been edited on another device meanwhile).
pub fn form_problems(
    kind: Kind,
    values: &BTreeMap<String, Value>,
    class_size: Option<i64>,
) -> Vec<crate::validate::FieldProblem> {
    let present = values.get("present").and_then(Value::as_i64);
    match (kind, present, class_size) {
        (Kind::SafetyLesson, Some(present), Some(size)) if present > size => {
            vec![crate::validate::FieldProblem {
                field: "present".to_owned(),
                code: crate::validate::ProblemCode::Inconsistent,
                zh: format!("出勤人数（{present}）多于班级人数（{size}），请核对。"),
                en: format!(
                    "{present} students present is more than the class's {size}. Please check it."
                ),
            }]
        }
        _ => Vec::new(),
    }
}

/// The key a theme is matched by: a default theme's code when `text` is its
/// code or its Chinese or English name, otherwise the trimmed text.
pub fn theme_key(text: &str) -> String {
    let t = text.trim();
    THEMES
        .iter()
        .find(|c| c.code == t || c.zh == t || c.en.eq_ignore_ascii_case(t))
        .map_or_else(|| t.to_owned(), |c| c.code.to_owned())
}

/// How a theme reads: a default theme's name in `lang`, a school's own
/// theme as typed.
pub fn theme_label(theme: &str, lang: Lang) -> String {
    let key = theme_key(theme);
    THEMES
        .iter()
        .find(|c| c.code == key)
        .map_or(key.clone(), |c| c.label(lang).to_owned())
}

/// Sort key: default themes in list order, then own themes by text.
fn theme_rank(theme: &str) -> (usize, &str) {
    let i = THEMES
        .iter()
        .position(|c| c.code == theme)
        .unwrap_or(THEMES.len());
    (i, theme)
}

/// The name of a course type or form code in `lang` (the code if unknown).
pub fn choice_label(choices: &[Choice], code: &str, lang: Lang) -> String {
    choices
        .iter()
        .find(|c| c.code == code)
        .map_or_else(|| code.to_owned(), |c| c.label(lang).to_owned())
}

fn text(r: &Record, field: &str) -> Option<String> {
    match r.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

fn count(r: &Record, field: &str) -> Option<u32> {
    r.get(field)
        .and_then(Value::as_i64)
        .and_then(|n| u32::try_from(n).ok())
}

/// A teacher as a record names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Teacher {
    /// Their account, if the record names one (and it is a UUID).
    pub id: Option<Uuid>,
    /// Their name as written (may be empty if only the account is known).
    pub name: String,
}

impl Teacher {
    fn from_record(r: &Record) -> Option<Teacher> {
        let id = text(r, "teacher").and_then(|s| Uuid::parse_str(&s).ok());
        let name = text(r, "teacher_name").unwrap_or_default();
        (id.is_some() || !name.is_empty()).then_some(Teacher { id, name })
    }

    fn is(&self, user: Uuid) -> bool {
        self.id == Some(user)
    }
}

/// A class, as the lesson views need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassInfo {
    /// The class record.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// Its name (may be empty if the record lacks one).
    pub name: String,
    /// Its grade (may be empty).
    pub grade: String,
    /// Its number of students, if given.
    pub size: Option<u32>,
}

impl ClassInfo {
    /// A live class record; `None` for other kinds and deleted records.
    pub fn from_record(r: &Record) -> Option<ClassInfo> {
        (r.kind == Kind::Class && !r.is_deleted()).then(|| ClassInfo {
            id: r.id,
            unit: r.unit,
            name: text(r, "name").unwrap_or_default(),
            grade: text(r, "grade").unwrap_or_default(),
            size: count(r, "size"),
        })
    }
}

/// A piece of a [`class_order`] key: numbers compare as numbers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    /// Kindergarten years, before any numbered grade.
    Kg(usize),
    Num(u64),
    Char(char),
}

fn cn_digit(c: char) -> Option<u64> {
    "零一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|i| i as u64)
        .or(match c {
            '〇' => Some(0),
            '两' => Some(2),
            _ => None,
        })
}

fn is_cn_numeral(c: char) -> bool {
    c == '十' || cn_digit(c).is_some()
}

/// 十 = 10, 十二 = 12, 二十 = 20, 二十三 = 23, 一零一 = 101.
fn cn_number(run: &[char]) -> u64 {
    let (mut total, mut cur) = (0u64, 0u64);
    for &c in run {
        match cn_digit(c) {
            Some(d) => cur = cur.saturating_mul(10).saturating_add(d),
            None => {
                total = total.saturating_add(cur.max(1).saturating_mul(10));
                cur = 0;
            }
        }
    }
    total.saturating_add(cur)
}

/// How class names and grades sort as people expect: runs of digits or of
/// Chinese numerals (一 … 十 …) as numbers, so 二年级 < 三年级 < 十年级 and
/// 三(2)班 < 三(10)班; kindergarten 托班 < 小班 < 中班 < 大班.
fn order_key(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut chars = s.trim().chars().peekable();
    if let Some(i) = ["托班", "小班", "中班", "大班"]
        .iter()
        .position(|k| s.trim().starts_with(k))
    {
        out.push(Seg::Kg(i));
        chars.next();
    }
    while let Some(c) = chars.next() {
        if let Some(d) = c.to_digit(10) {
            let mut n = u64::from(d);
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            out.push(Seg::Num(n));
        } else if is_cn_numeral(c) {
            let mut run = vec![c];
            while let Some(n) = chars.next_if(|n| is_cn_numeral(*n)) {
                run.push(n);
            }
            out.push(Seg::Num(cn_number(&run)));
        } else {
            out.push(Seg::Char(c));
        }
    }
    out
}

/// The order classes are listed in: by grade, then name, then id.
fn class_order(grade: &str, name: &str, id: RecordId) -> (Vec<Seg>, Vec<Seg>, RecordId) {
    (order_key(grade), order_key(name), id)
}

/// One theme of a class's term plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// The entry's record.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// The class (the record's parent).
    pub class: RecordId,
    /// The term planned.
    pub term: Term,
    /// The theme's key ([`theme_key`]).
    pub theme: String,
    /// Planned hours (0 if missing or invalid).
    pub hours: u32,
    /// The assigned teacher, if any.
    pub teacher: Option<Teacher>,
    /// The record's latest stamp: among duplicate entries for one theme the
    /// latest counts.
    pub stamp: Option<Hlc>,
}

impl PlanEntry {
    /// A live term-plan entry with a class, a valid term and a theme.
    pub fn from_record(r: &Record) -> Option<PlanEntry> {
        if r.kind != Kind::LessonTermPlan || r.is_deleted() {
            return None;
        }
        Some(PlanEntry {
            id: r.id,
            unit: r.unit,
            class: r.parent?,
            term: text(r, "term").and_then(|t| Term::parse(&t))?,
            theme: theme_key(&text(r, "theme")?),
            hours: count(r, "hours").unwrap_or(0),
            teacher: Teacher::from_record(r),
            stamp: r.max_stamp(),
        })
    }
}

/// One safety lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The lesson's record.
    pub id: RecordId,
    /// Its unit.
    pub unit: UnitId,
    /// The class (the record's parent).
    pub class: RecordId,
    /// When it was given.
    pub date: NaiveDate,
    /// Periods (课时); 0 if missing or invalid.
    pub periods: u32,
    /// Who gave it, if named.
    pub teacher: Option<Teacher>,
    /// The theme's key ([`theme_key`]); empty if missing.
    pub theme: String,
    /// Course type code, if any.
    pub course_type: Option<String>,
    /// Form code, if any.
    pub form: Option<String>,
    /// The lesson plan (教案) text; empty if none.
    pub lesson_plan: String,
    /// The teaching material (教材); empty if none named.
    pub material: String,
    /// Students present (学生出勤人数), if recorded.
    pub present: Option<u32>,
}

impl Lesson {
    /// A live lesson with a class and a valid date.
    pub fn from_record(r: &Record) -> Option<Lesson> {
        if r.kind != Kind::SafetyLesson || r.is_deleted() {
            return None;
        }
        Some(Lesson {
            id: r.id,
            unit: r.unit,
            class: r.parent?,
            date: text(r, "date").and_then(|d| parse_date(&d))?,
            periods: count(r, "periods").unwrap_or(0),
            teacher: Teacher::from_record(r),
            theme: text(r, "theme").map(|t| theme_key(&t)).unwrap_or_default(),
            course_type: text(r, "course_type"),
            form: text(r, "form"),
            lesson_plan: text(r, "lesson_plan").unwrap_or_default(),
            material: text(r, "material").unwrap_or_default(),
            present: count(r, "present"),
        })
    }

    /// The term the lesson counts in.
    pub fn term(&self) -> Term {
        Term::of(self.date)
    }

    /// Whether a lesson plan (教案) is written.
    pub fn has_plan(&self) -> bool {
        !self.lesson_plan.is_empty()
    }

    /// Whether teaching material (教材) is named.
    pub fn has_material(&self) -> bool {
        !self.material.is_empty()
    }

    fn by(&self, user: Uuid) -> bool {
        self.teacher.as_ref().is_some_and(|t| t.is(user))
    }
}

/// The records the lesson views read, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonData {
    /// Live classes by id.
    pub classes: BTreeMap<RecordId, ClassInfo>,
    /// Live term-plan entries.
    pub plan: Vec<PlanEntry>,
    /// Live lessons.
    pub lessons: Vec<Lesson>,
}

impl LessonData {
    /// Parses classes, plan entries and lessons out of any records; others
    /// (and deleted or unusable ones) are skipped.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> LessonData {
        let mut d = LessonData::default();
        for r in records {
            match r.kind {
                Kind::Class => {
                    if let Some(c) = ClassInfo::from_record(r) {
                        d.classes.insert(c.id, c);
                    }
                }
                Kind::LessonTermPlan => d.plan.extend(PlanEntry::from_record(r)),
                Kind::SafetyLesson => d.lessons.extend(Lesson::from_record(r)),
                _ => {}
            }
        }
        d
    }

    /// A class's plan for a term: one entry per theme (the latest edited of
    /// duplicates), in theme order.
    pub fn plan_of(&self, class: RecordId, term: Term) -> Vec<&PlanEntry> {
        let mut by_theme: BTreeMap<&str, &PlanEntry> = BTreeMap::new();
        for e in self
            .plan
            .iter()
            .filter(|e| e.class == class && e.term == term)
        {
            let slot = by_theme.entry(e.theme.as_str()).or_insert(e);
            if (e.stamp, e.id) > (slot.stamp, slot.id) {
                *slot = e;
            }
        }
        let mut out: Vec<&PlanEntry> = by_theme.into_values().collect();
        crate::order::sort_by(&mut out, |a, b| {
            theme_rank(&a.theme).cmp(&theme_rank(&b.theme))
        });
        out
    }

    /// A class's lessons in a term, oldest first.
    pub fn lessons_of(&self, class: RecordId, term: Term) -> Vec<&Lesson> {
        let mut out: Vec<&Lesson> = self
            .lessons
            .iter()
            .filter(|l| l.class == class && l.term() == term)
            .collect();
        crate::order::sort_by_key(&mut out, |l| (l.date, l.id));
        out
    }

    /// The default themes' codes, then every other theme the data uses, for
    /// a theme input's suggestions.
    pub fn known_themes(&self) -> Vec<String> {
        let own: BTreeSet<&str> = crate::order::set_of(
            self.plan
                .iter()
                .map(|e| e.theme.as_str())
                .chain(self.lessons.iter().map(|l| l.theme.as_str()))
                .filter(|t| !t.is_empty() && theme_rank(t).0 == THEMES.len()),
        );
        THEMES
            .iter()
            .map(|c| c.code)
            .chain(own)
            .map(str::to_owned)
            .collect()
    }
}

/// Planned against delivered hours of one theme in one class (or, in
/// [`SchoolFour::theme_totals`], summed over classes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeRow {
    /// The theme's key.
    pub theme: String,
    /// Planned hours (0: the theme is not in the plan).
    pub planned: u32,
    /// Periods of the term's lessons on this theme.
    pub delivered: u32,
    /// Number of lessons on this theme.
    pub lessons: u32,
    /// The teacher the plan assigns (`None` in school totals).
    pub teacher: Option<Teacher>,
}

impl ThemeRow {
    /// Planned hours not yet delivered.
    pub fn remaining(&self) -> u32 {
        self.planned.saturating_sub(self.delivered)
    }
}

/// Something missing from a class's four in place, for a person to act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The class has no term plan.
    NoTermPlan,
    /// A planned theme has no teacher.
    NoTeacher {
        /// The theme's key.
        theme: String,
    },
    /// A planned theme has hours still to deliver.
    HoursDue {
        /// The theme's key.
        theme: String,
        /// Planned hours.
        planned: u32,
        /// Delivered hours.
        delivered: u32,
    },
    /// Lessons without a lesson plan (教案), oldest first.
    NoLessonPlan {
        /// The lessons.
        lessons: Vec<RecordId>,
    },
    /// Lessons without teaching material (教材), oldest first.
    NoMaterial {
        /// The lessons.
        lessons: Vec<RecordId>,
    },
}

impl Missing {
    /// What is missing, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Missing::NoTermPlan, Lang::Zh) => "本学期还没有安全教育计划".to_owned(),
            (Missing::NoTermPlan, Lang::En) => {
                "No safety-education plan for this term yet".to_owned()
            }
            (Missing::NoTeacher { theme }, Lang::Zh) => {
                format!("“{}”未指定任课教师", theme_label(theme, lang))
            }
            (Missing::NoTeacher { theme }, Lang::En) => {
                format!("No teacher assigned for “{}”", theme_label(theme, lang))
            }
            (
                Missing::HoursDue {
                    theme,
                    planned,
                    delivered,
                },
                Lang::Zh,
            ) => format!(
                "“{}”已上{delivered}课时，计划{planned}课时，还差{}课时",
                theme_label(theme, lang),
                planned.saturating_sub(*delivered)
            ),
            (
                Missing::HoursDue {
                    theme,
                    planned,
                    delivered,
                },
                Lang::En,
            ) => format!(
                "“{}”: {delivered} of {planned} planned hours delivered, {} to go",
                theme_label(theme, lang),
                planned.saturating_sub(*delivered)
            ),
            (Missing::NoLessonPlan { lessons }, Lang::Zh) => {
                format!("{}节课没有教案", lessons.len())
            }
            (Missing::NoLessonPlan { lessons }, Lang::En) => match lessons.len() {
                1 => "1 lesson has no lesson plan".to_owned(),
                n => format!("{n} lessons have no lesson plan"),
            },
            (Missing::NoMaterial { lessons }, Lang::Zh) => {
                format!("{}节课没有填写教材", lessons.len())
            }
            (Missing::NoMaterial { lessons }, Lang::En) => match lessons.len() {
                1 => "1 lesson has no teaching material named".to_owned(),
                n => format!("{n} lessons have no teaching material named"),
            },
        }
    }
}

/// The share `part / whole`, `None` when `whole` is 0.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// One class's four in place for a term.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassFour {
    /// The class.
    pub class: RecordId,
    /// Its name (empty if the class record is unknown).
    pub name: String,
    /// Its grade.
    pub grade: String,
    /// The term.
    pub term: Term,
    /// Planned themes in theme order, then unplanned themes lessons were
    /// given on.
    pub themes: Vec<ThemeRow>,
    /// Lessons in the term.
    pub lessons: u32,
    /// Of those, lessons with a lesson plan.
    pub with_plan: u32,
    /// Of those, lessons with material named.
    pub with_material: u32,
    /// What is missing, in the order [`Missing`] lists its variants.
    pub missing: Vec<Missing>,
}

impl ClassFour {
    /// Whether the class has a plan for the term.
    pub fn has_term_plan(&self) -> bool {
        self.themes.iter().any(|t| t.planned > 0)
    }

    /// 教师: a plan exists and every planned theme has a teacher.
    pub fn teacher_assigned(&self) -> bool {
        self.has_term_plan()
            && self
                .themes
                .iter()
                .filter(|t| t.planned > 0)
                .all(|t| t.teacher.is_some())
    }

    /// 课时: a plan exists and every planned theme's hours are delivered.
    pub fn hours_delivered(&self) -> bool {
        self.has_term_plan() && self.themes.iter().all(|t| t.remaining() == 0)
    }

    /// Planned hours, all themes.
    pub fn planned_total(&self) -> u32 {
        self.themes.iter().map(|t| t.planned).sum()
    }

    /// Delivered hours, all lessons of the term (planned themes or not).
    pub fn delivered_total(&self) -> u32 {
        self.themes.iter().map(|t| t.delivered).sum()
    }

    /// Planned hours not yet delivered, summed over themes.
    pub fn hours_due(&self) -> u32 {
        self.themes.iter().map(ThemeRow::remaining).sum()
    }

    /// 教案: the share of lessons with a lesson plan (`None`: no lessons).
    pub fn plan_share(&self) -> Option<f64> {
        share(self.with_plan, self.lessons)
    }

    /// 教材: the share of lessons with material named (`None`: no lessons).
    pub fn material_share(&self) -> Option<f64> {
        share(self.with_material, self.lessons)
    }

    /// The number of things missing.
    pub fn gaps(&self) -> usize {
        self.missing.len()
    }
}

/// The four in place of one class for `term`.
pub fn class_four(data: &LessonData, class: RecordId, term: Term) -> ClassFour {
    let info = data.classes.get(&class);
    let mut themes: Vec<ThemeRow> = data
        .plan_of(class, term)
        .into_iter()
        .filter(|e| e.hours > 0)
        .map(|e| ThemeRow {
            theme: e.theme.clone(),
            planned: e.hours,
            delivered: 0,
            lessons: 0,
            teacher: e.teacher.clone(),
        })
        .collect();
    let planned_count = themes.len();
    let lessons = data.lessons_of(class, term);
    let (mut no_plan, mut no_material) = (Vec::new(), Vec::new());
    for l in &lessons {
        let i = match themes.iter().position(|t| t.theme == l.theme) {
            Some(i) => i,
            None => {
                themes.push(ThemeRow {
                    theme: l.theme.clone(),
                    planned: 0,
                    delivered: 0,
                    lessons: 0,
                    teacher: None,
                });
                themes.len() - 1
            }
        };
        themes[i].delivered += l.periods;
        themes[i].lessons += 1;
        if !l.has_plan() {
            no_plan.push(l.id);
        }
        if !l.has_material() {
            no_material.push(l.id);
        }
    }
    crate::order::sort_by(&mut themes[planned_count..], |a, b| {
        theme_rank(&a.theme).cmp(&theme_rank(&b.theme))
    });

    let mut missing = Vec::new();
    if planned_count == 0 {
        missing.push(Missing::NoTermPlan);
    }
    let planned = &themes[..planned_count];
    missing.extend(
        planned
            .iter()
            .filter(|t| t.teacher.is_none())
            .map(|t| Missing::NoTeacher {
                theme: t.theme.clone(),
            }),
    );
    missing.extend(
        planned
            .iter()
            .filter(|t| t.remaining() > 0)
            .map(|t| Missing::HoursDue {
                theme: t.theme.clone(),
                planned: t.planned,
                delivered: t.delivered,
            }),
    );
    let n = u32::try_from(lessons.len()).unwrap_or(u32::MAX);
    let (with_plan, with_material) = (
        n - u32::try_from(no_plan.len()).unwrap_or(n),
        n - u32::try_from(no_material.len()).unwrap_or(n),
    );
    if !no_plan.is_empty() {
        missing.push(Missing::NoLessonPlan { lessons: no_plan });
    }
    if !no_material.is_empty() {
        missing.push(Missing::NoMaterial {
            lessons: no_material,
        });
    }
    ClassFour {
        class,
        name: info.map(|c| c.name.clone()).unwrap_or_default(),
        grade: info.map(|c| c.grade.clone()).unwrap_or_default(),
        term,
        themes,
        lessons: n,
        with_plan,
        with_material,
        missing,
    }
}

/// A unit's four in place for a term: every live class of the unit.
#[derive(Clone, Debug, PartialEq)]
pub struct SchoolFour {
    /// The unit.
    pub unit: UnitId,
    /// The term.
    pub term: Term,
    /// Its classes, by grade and name (see [`sort_by_gaps`]).
    pub classes: Vec<ClassFour>,
}

impl SchoolFour {
    /// Classes with a teacher assigned to every planned theme.
    pub fn classes_with_teacher(&self) -> usize {
        self.classes.iter().filter(|c| c.teacher_assigned()).count()
    }

    /// Classes whose planned hours are all delivered.
    pub fn classes_with_hours(&self) -> usize {
        self.classes.iter().filter(|c| c.hours_delivered()).count()
    }

    /// Planned hours, all classes.
    pub fn planned_total(&self) -> u32 {
        self.classes.iter().map(ClassFour::planned_total).sum()
    }

    /// Delivered hours, all classes.
    pub fn delivered_total(&self) -> u32 {
        self.classes.iter().map(ClassFour::delivered_total).sum()
    }

    /// Lessons, all classes.
    pub fn lessons(&self) -> u32 {
        self.classes.iter().map(|c| c.lessons).sum()
    }

    /// The share of all lessons with a lesson plan.
    pub fn plan_share(&self) -> Option<f64> {
        share(
            self.classes.iter().map(|c| c.with_plan).sum(),
            self.lessons(),
        )
    }

    /// The share of all lessons with material named.
    pub fn material_share(&self) -> Option<f64> {
        share(
            self.classes.iter().map(|c| c.with_material).sum(),
            self.lessons(),
        )
    }

    /// Gaps, all classes.
    pub fn gaps(&self) -> usize {
        self.classes.iter().map(ClassFour::gaps).sum()
    }

    /// Planned and delivered hours per theme, summed over classes, in theme
    /// order.
    pub fn theme_totals(&self) -> Vec<ThemeRow> {
        let mut by: BTreeMap<(usize, &str), ThemeRow> = BTreeMap::new();
        for t in self.classes.iter().flat_map(|c| &c.themes) {
            let row = by.entry(theme_rank(&t.theme)).or_insert_with(|| ThemeRow {
                theme: t.theme.clone(),
                planned: 0,
                delivered: 0,
                lessons: 0,
                teacher: None,
            });
            row.planned += t.planned;
            row.delivered += t.delivered;
            row.lessons += t.lessons;
        }
        by.into_values().collect()
    }
}

/// The four in place of every live class of `unit` for `term`, classes by
/// grade and name.
pub fn school_four(data: &LessonData, unit: UnitId, term: Term) -> SchoolFour {
    let mut classes: Vec<&ClassInfo> = data.classes.values().filter(|c| c.unit == unit).collect();
    crate::order::sort_by_cached_key(&mut classes, |c| class_order(&c.grade, &c.name, c.id));
    SchoolFour {
        unit,
        term,
        classes: classes
            .into_iter()
            .map(|c| class_four(data, c.id, term))
            .collect(),
    }
}

/// Sorts classes by gaps: most things missing first, then most hours due,
/// then grade and name.
pub fn sort_by_gaps(classes: &mut [ClassFour]) {
    crate::order::sort_by(classes, |a, b| {
        (b.gaps(), b.hours_due())
            .cmp(&(a.gaps(), a.hours_due()))
            .then_with(|| {
                class_order(&a.grade, &a.name, a.class)
                    .cmp(&class_order(&b.grade, &b.name, b.class))
            })
    });
}

/// A teacher's classes in `term`: live classes where the plan assigns them a
/// theme or where they logged a lesson; by grade and name.
pub fn my_classes(data: &LessonData, me: Uuid, term: Term) -> Vec<&ClassInfo> {
    let mut ids: BTreeSet<RecordId> = crate::order::set_of(
        data.lessons
            .iter()
            .filter(|l| l.term() == term && l.by(me))
            .map(|l| l.class),
    );
    let planned: BTreeSet<RecordId> =
        crate::order::set_of(data.plan.iter().filter(|e| e.term == term).map(|e| e.class));
    for class in planned {
        if data
            .plan_of(class, term)
            .iter()
            .any(|e| e.teacher.as_ref().is_some_and(|t| t.is(me)))
        {
            ids.insert(class);
        }
    }
    let mut out: Vec<&ClassInfo> = ids.iter().filter_map(|id| data.classes.get(id)).collect();
    crate::order::sort_by_cached_key(&mut out, |c| class_order(&c.grade, &c.name, c.id));
    out
}

/// The lessons a teacher gave in `term`, newest first.
pub fn my_lessons(data: &LessonData, me: Uuid, term: Term) -> Vec<&Lesson> {
    let mut out: Vec<&Lesson> = data
        .lessons
        .iter()
        .filter(|l| l.term() == term && l.by(me))
        .collect();
    crate::order::sort_by_key(&mut out, |l| std::cmp::Reverse((l.date, l.id)));
    out
}

/// A planned theme with hours still to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The class.
    pub class: RecordId,
    /// The theme's key.
    pub theme: String,
    /// Planned hours.
    pub planned: u32,
    /// Hours delivered so far, by anyone.
    pub delivered: u32,
}

impl Due {
    /// Hours still to deliver.
    pub fn remaining(&self) -> u32 {
        self.planned.saturating_sub(self.delivered)
    }
}

/// What is due from a teacher in `term`: the themes the plan currently
/// assigns them whose hours are not yet delivered (lessons by whoever taught
/// the theme before count), by class (as [`my_classes`]) and theme.
pub fn due(data: &LessonData, me: Uuid, term: Term) -> Vec<Due> {
    my_classes(data, me, term)
        .into_iter()
        .flat_map(|c| {
            let four = class_four(data, c.id, term);
            four.themes
                .into_iter()
                .filter(|t| t.remaining() > 0 && t.teacher.as_ref().is_some_and(|x| x.is(me)))
                .map(move |t| Due {
                    class: c.id,
                    theme: t.theme,
                    planned: t.planned,
                    delivered: t.delivered,
                })
        })
        .collect()
}

/// The theme a new lesson for `class` most likely is: the first planned
/// theme (in theme order) with hours still to deliver, preferring themes
/// assigned to `me`.
pub fn next_theme(
    data: &LessonData,
    class: RecordId,
    term: Term,
    me: Option<Uuid>,
) -> Option<String> {
    let four = class_four(data, class, term);
    let open: Vec<&ThemeRow> = four.themes.iter().filter(|t| t.remaining() > 0).collect();
    let mine = |t: &&&ThemeRow| me.is_some_and(|me| t.teacher.as_ref().is_some_and(|x| x.is(me)));
    open.iter()
        .find(mine)
        .or_else(|| open.first())
        .map(|t| t.theme.clone())
}

/// The inputs of a new-lesson form (for [`crate::form::check`]), prefilled so
/// a typical lesson takes a few taps and the lesson plan: today, one period,
/// the signed-in teacher, the next planned theme, and the course type, form
/// and material of the teacher's latest lesson (in this class if any).
pub fn lesson_prefill(
    data: &LessonData,
    class: RecordId,
    me: Uuid,
    my_name: &str,
    today: NaiveDate,
) -> BTreeMap<String, String> {
    let term = Term::of(today);
    let mine = || data.lessons.iter().filter(|l| l.by(me));
    let last = mine()
        .filter(|l| l.class == class)
        .max_by_key(|l| (l.date, l.id))
        .or_else(|| mine().max_by_key(|l| (l.date, l.id)));
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_owned(), v);
    };
    put("date", today.to_string());
    put("periods", "1".to_owned());
    put("teacher", me.to_string());
    put("teacher_name", my_name.trim().to_owned());
    put(
        "theme",
        next_theme(data, class, term, Some(me)).unwrap_or_default(),
    );
    put(
        "course_type",
        last.and_then(|l| l.course_type.clone())
            .unwrap_or_else(|| "basic".to_owned()),
    );
    put(
        "form",
        last.and_then(|l| l.form.clone())
            .unwrap_or_else(|| "lecture".to_owned()),
    );
    put(
        "material",
        last.map(|l| l.material.clone()).unwrap_or_default(),
    );
    put("lesson_plan", String::new());
    f
}

/// Field maps for new term-plan entries of `to_class` in `to_term`, copied
/// from `from_class`'s plan for `from_term` (another class, or the same
/// class's previous term: `to_term.prev()`). Themes the target plan already
/// has are skipped. Teachers are copied only when `keep_teachers` (a new
/// class usually has other teachers). The caller creates each record with
/// `to_class` as its parent.
pub fn copy_plan(
    data: &LessonData,
    from_class: RecordId,
    from_term: Term,
    to_class: RecordId,
    to_term: Term,
    keep_teachers: bool,
) -> Vec<BTreeMap<String, Value>> {
    let existing: BTreeSet<String> = crate::order::set_of(
        data.plan_of(to_class, to_term)
            .into_iter()
            .map(|e| e.theme.clone()),
    );
    data.plan_of(from_class, from_term)
        .into_iter()
        .filter(|e| !existing.contains(&e.theme) && e.hours > 0)
        .map(|e| {
            let mut m = BTreeMap::new();
            m.insert("term".to_owned(), Value::from(to_term.to_string()));
            m.insert("theme".to_owned(), Value::from(e.theme.clone()));
            m.insert("hours".to_owned(), Value::from(e.hours));
            if let Some(t) = e.teacher.as_ref().filter(|_| keep_teachers) {
                if let Some(id) = t.id {
                    m.insert("teacher".to_owned(), Value::from(id.to_string()));
                }
                if !t.name.is_empty() {
                    m.insert("teacher_name".to_owned(), Value::from(t.name.clone()));
                }
            }
            m
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form;
    use crate::hlc::DeviceId;
    use crate::validate::{ProblemCode, validate, validate_field};
    use serde_json::json;

    const SCHOOL: UnitId = UnitId(Uuid::from_u128(0x5c));
    const OTHER_SCHOOL: UnitId = UnitId(Uuid::from_u128(0x5d));
    const WANG: Uuid = Uuid::from_u128(0x7001);
    const LI: Uuid = Uuid::from_u128(0x7002);
    const CLASS_A: u128 = 1;
    const CLASS_B: u128 = 2;

    fn term() -> Term {
        Term::parse("2026-1").unwrap()
    }

    fn h(ms: u64, device: u64) -> Hlc {
        Hlc::new(ms, 0, DeviceId(device))
    }

    fn id(n: u128) -> RecordId {
        RecordId(Uuid::from_u128(n))
    }

    /// Writes `fields` with one stamp, each write having seen the field's
    /// current version, as a device editing its own copy does.
    fn write(r: &mut Record, stamp: Hlc, fields: Value) {
        let map: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        let writes: Vec<(String, Value, Option<Hlc>)> = map
            .into_iter()
            .map(|(k, v)| {
                let seen = r.stamp_of(&k);
                (k, v, seen)
            })
            .collect();
        r.apply(stamp, writes.iter().map(|(k, v, s)| (k, v, *s)));
    }

    fn rec(kind: Kind, n: u128, parent: Option<u128>, stamp: Hlc, fields: Value) -> Record {
        let mut r = Record::new(id(n), kind, SCHOOL, parent.map(id));
        write(&mut r, stamp, fields);
        r
    }

    fn class(n: u128, grade: &str, name: &str) -> Record {
        rec(
            Kind::Class,
            n,
            None,
            h(1, 1),
            json!({"name": name, "grade": grade}),
        )
    }

    fn plan(
        n: u128,
        class: u128,
        term: &str,
        theme: &str,
        hours: u32,
        teacher: Option<(Uuid, &str)>,
    ) -> Record {
        let mut f = json!({"term": term, "theme": theme, "hours": hours});
        if let Some((tid, name)) = teacher {
            f["teacher"] = json!(tid.to_string());
            f["teacher_name"] = json!(name);
        }
        rec(Kind::LessonTermPlan, n, Some(class), h(2, 1), f)
    }

    #[allow(clippy::too_many_arguments)]
    fn lesson(
        n: u128,
        class: u128,
        date: &str,
        periods: u32,
        theme: &str,
        teacher: (Uuid, &str),
        lesson_plan: &str,
        material: &str,
    ) -> Record {
        rec(
            Kind::SafetyLesson,
            n,
            Some(class),
            h(3, 2),
            json!({
                "date": date, "periods": periods, "theme": theme,
                "teacher": teacher.0.to_string(), "teacher_name": teacher.1,
                "course_type": "basic", "form": "lecture",
                "lesson_plan": lesson_plan, "material": material,
            }),
        )
    }

    fn data(records: &[Record]) -> LessonData {
        LessonData::from_records(records)
    }

    fn row<'a>(four: &'a ClassFour, theme: &str) -> &'a ThemeRow {
        four.themes.iter().find(|t| t.theme == theme).unwrap()
    }

    fn texts(four: &ClassFour, lang: Lang) -> Vec<String> {
        four.missing.iter().map(|m| m.text(lang)).collect()
    }

    #[test]
    fn kinds_are_children_of_classes_with_their_writers() {
        assert_eq!(Kind::LessonTermPlan.parent(), Some(Kind::Class));
        assert_eq!(Kind::SafetyLesson.parent(), Some(Kind::Class));
        assert!(!Kind::LessonTermPlan.writable_by(Role::Staff));
        assert!(Kind::LessonTermPlan.writable_by(Role::SchoolAdmin));
        assert!(Kind::SafetyLesson.writable_by(Role::Staff));
        assert_eq!(Kind::from_name("safety_lesson"), Some(Kind::SafetyLesson));
        assert_eq!(
            Kind::from_name("lesson_term_plan"),
            Some(Kind::LessonTermPlan)
        );
        assert!(!Kind::SafetyLesson.is_confidential());
        for (choices, codes) in [(COURSE_TYPES, COURSE_TYPE_CODES), (FORMS, FORM_CODES)] {
            let listed: Vec<&str> = choices.iter().map(|c| c.code).collect();
            assert_eq!(listed, codes.to_vec());
        }
    }

    #[test]
    fn a_teacher_cannot_log_a_lesson_for_another_schools_class() {
        use crate::auth::{Actor, check_write};
        use crate::wire::{ChangeId, ChangeV1, FieldWriteV1, RefusalCode};
        let teacher = Actor {
            user: WANG,
            role: Role::Staff,
            unit: SCHOOL,
            district: UnitId(Uuid::from_u128(0xd1)),
        };
        let lesson = lesson(
            20,
            CLASS_A,
            "2026-09-10",
            1,
            "fire",
            (WANG, "王老师"),
            "",
            "",
        );
        let change = |unit: UnitId| ChangeV1 {
            id: ChangeId(Uuid::from_u128(99)),
            record: lesson.id,
            kind: Kind::SafetyLesson,
            unit,
            parent: lesson.parent,
            stamp: h(3, 2),
            fields: lesson
                .values()
                .into_iter()
                .map(|(k, value)| (k, FieldWriteV1 { value, seen: None }))
                .collect(),
        };
        let own = class(CLASS_A, "三年级", "三(1)班");
        assert_eq!(
            check_write(&teacher, &change(SCHOOL), None, Some(&own)),
            Ok(())
        );
        let mut foreign = own.clone();
        foreign.unit = OTHER_SCHOOL;
        // The lesson claims the teacher's school, but the class is another's.
        let refused = check_write(&teacher, &change(SCHOOL), None, Some(&foreign)).unwrap_err();
        assert_eq!(refused.code, RefusalCode::Malformed);
        // Claiming the other school is out of scope.
        let refused =
            check_write(&teacher, &change(OTHER_SCHOOL), None, Some(&foreign)).unwrap_err();
        assert_eq!(refused.code, RefusalCode::OutOfScope);
        // Nor can staff write a term plan.
        let plan_change = ChangeV1 {
            kind: Kind::LessonTermPlan,
            ..change(SCHOOL)
        };
        let refused = check_write(&teacher, &plan_change, None, Some(&own)).unwrap_err();
        assert_eq!(refused.code, RefusalCode::RoleNotAllowed);
    }

    #[test]
    fn attendance_is_optional_and_checked_against_the_class_size() {
        let mut inputs = lesson_prefill(
            &data(&[class(CLASS_A, "三年级", "三(1)班")]),
            id(CLASS_A),
            WANG,
            "王老师",
            NaiveDate::from_ymd_opt(2026, 9, 10).unwrap(),
        );
        inputs.insert("theme".into(), "消防安全".into());
        let size = |n| form::FormContext {
            class_size: Some(n),
            ..form::FormContext::default()
        };
        // Optional: no attendance, or an unknown class size, is fine.
        assert!(form::check_with(Kind::SafetyLesson, &inputs, true, size(40)).is_ok());
        inputs.insert("present".into(), "41".into());
        assert!(form::check(Kind::SafetyLesson, &inputs, true).is_ok());
        // More present than the class has: explained in Chinese and English.
        let c = form::check_with(Kind::SafetyLesson, &inputs, true, size(40));
        let p = &c.problems["present"];
        assert_eq!(p.code, ProblemCode::Inconsistent);
        assert_eq!(p.zh, "出勤人数（41）多于班级人数（40），请核对。");
        assert!(p.en.contains("41") && p.en.contains("40"), "{}", p.en);
        inputs.insert("present".into(), "40".into());
        assert!(form::check_with(Kind::SafetyLesson, &inputs, true, size(40)).is_ok());
        inputs.insert("present".into(), "-1".into());
        let c = form::check_with(Kind::SafetyLesson, &inputs, true, size(40));
        assert_eq!(c.problems["present"].code, ProblemCode::OutOfRange);
        // The server's rules know the field; it reaches the parsed lesson.
        assert!(validate_field(Kind::SafetyLesson, "present", &json!(38)).is_none());
        let r = rec(
            Kind::SafetyLesson,
            9,
            Some(CLASS_A),
            h(2, 1),
            json!({"date": "2026-09-10", "periods": 1, "theme": "fire", "present": 38}),
        );
        assert_eq!(Lesson::from_record(&r).unwrap().present, Some(38));
    }

    #[test]
    fn zero_periods_are_explained_in_chinese_and_the_other_inputs_kept() {
        let d = data(&[class(CLASS_A, "三年级", "三(1)班")]);
        let mut inputs = lesson_prefill(
            &d,
            id(CLASS_A),
            WANG,
            "王老师",
            NaiveDate::from_ymd_opt(2026, 9, 10).unwrap(),
        );
        inputs.insert("theme".into(), "消防安全".into());
        inputs.insert("lesson_plan".into(), "认识灭火器".into());
        assert!(form::check(Kind::SafetyLesson, &inputs, true).is_ok());
        inputs.insert("periods".into(), "0".into());
        let c = form::check(Kind::SafetyLesson, &inputs, true);
        let p = &c.problems["periods"];
        assert_eq!(p.code, ProblemCode::OutOfRange);
        assert_eq!(p.zh, "课时应在1到10之间，请修改。");
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.values["lesson_plan"], json!("认识灭火器"));
        assert_eq!(c.values["teacher_name"], json!("王老师"));

        let lesson = lesson(
            9,
            CLASS_A,
            "2026-09-10",
            2,
            "fire",
            (WANG, "王老师"),
            "",
            "",
        );
        assert!(validate(Kind::SafetyLesson, &lesson.values()).is_empty());
        let bad = validate_field(Kind::SafetyLesson, "date", &json!("2026-13-01")).unwrap();
        assert_eq!(bad.code, ProblemCode::BadDate);
        let bad = validate_field(Kind::SafetyLesson, "form", &json!("video")).unwrap();
        assert_eq!(bad.code, ProblemCode::NotOneOf);
    }

    #[test]
    fn term_codes_are_checked() {
        let ok = |t: &str| validate_field(Kind::LessonTermPlan, "term", &json!(t));
        assert_eq!(ok("2026-1"), None);
        assert_eq!(ok("2025-2"), None);
        for bad in ["2026-3", "2026-01", "2026", "+2026-1", "2026/1"] {
            assert_eq!(ok(bad).map(|p| p.code), Some(ProblemCode::BadTerm), "{bad}");
        }
        let p = ok("2026-3").unwrap();
        assert!(p.zh.starts_with("学期应为学期"), "{}", p.zh);
        assert!(p.en.contains("2026-1"), "{}", p.en);
        assert_eq!(
            validate_field(Kind::LessonTermPlan, "hours", &json!(0)).map(|p| p.code),
            Some(ProblemCode::OutOfRange)
        );
    }

    #[test]
    fn themes_match_by_code_or_name() {
        assert_eq!(theme_key(" 消防安全 "), "fire");
        assert_eq!(theme_key("fire safety"), "fire");
        assert_eq!(theme_key("防校园欺凌"), "防校园欺凌");
        assert_eq!(theme_label("drugs", Lang::Zh), "禁毒教育");
        assert_eq!(theme_label("drugs", Lang::En), "Drug prevention");
        assert_eq!(theme_label("防校园欺凌", Lang::En), "防校园欺凌");
        // A plan typed with the name and a lesson stored with the code meet.
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "消防安全", 2, Some((WANG, "王老师"))),
            plan(
                11,
                CLASS_A,
                "2026-1",
                "防校园欺凌",
                1,
                Some((WANG, "王老师")),
            ),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                2,
                "fire",
                (WANG, "王老师"),
                "x",
                "y",
            ),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert_eq!(row(&four, "fire").delivered, 2);
        assert_eq!(four.themes.len(), 2);
        let known = d.known_themes();
        assert_eq!(known.len(), THEMES.len() + 1);
        assert_eq!(known.last().map(String::as_str), Some("防校园欺凌"));
    }

    #[test]
    fn classes_sort_by_grade_and_name_as_people_count() {
        let mut names = vec![
            "三(10)班",
            "十一年级",
            "三(2)班",
            "二十班",
            "初一",
            "大班",
            "一年级",
            "小班",
            "托班",
            "三年级",
        ];
        names.sort_by_cached_key(|n| order_key(n));
        assert_eq!(
            names,
            [
                "托班",
                "小班",
                "大班",
                "一年级",
                "三(2)班",
                "三(10)班",
                "三年级",
                "十一年级",
                "二十班",
                "初一"
            ]
        );
        assert_eq!(cn_number(&['一', '零', '一']), 101);
        assert_eq!(cn_number(&['二', '十', '三']), 23);
    }

    #[test]
    fn four_in_place_of_a_class() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "fire", 2, Some((WANG, "王老师"))),
            plan(11, CLASS_A, "2026-1", "traffic", 1, None),
            plan(12, CLASS_A, "2026-1", "online", 1, Some((LI, "李老师"))),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                1,
                "fire",
                (WANG, "王老师"),
                "认识灭火器",
                "《消防安全读本》",
            ),
            lesson(
                21,
                CLASS_A,
                "2026-10-08",
                1,
                "fire",
                (WANG, "王老师"),
                "",
                "《消防安全读本》",
            ),
            // A theme the plan does not have still counts as delivered.
            lesson(
                22,
                CLASS_A,
                "2026-11-05",
                2,
                "drugs",
                (LI, "李老师"),
                "",
                "",
            ),
            lesson(
                23,
                CLASS_A,
                "2026-11-12",
                1,
                "online",
                (LI, "李老师"),
                "网络诈骗",
                "",
            ),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert_eq!(four.name, "三(1)班");
        let themes: Vec<&str> = four.themes.iter().map(|t| t.theme.as_str()).collect();
        assert_eq!(themes, ["fire", "traffic", "online", "drugs"]);
        assert_eq!(
            (row(&four, "fire").planned, row(&four, "fire").delivered),
            (2, 2)
        );
        assert_eq!(row(&four, "fire").lessons, 2);
        assert_eq!(
            (
                row(&four, "traffic").planned,
                row(&four, "traffic").delivered
            ),
            (1, 0)
        );
        assert_eq!(
            (row(&four, "drugs").planned, row(&four, "drugs").delivered),
            (0, 2)
        );
        assert_eq!((four.planned_total(), four.delivered_total()), (4, 5));
        assert_eq!(four.hours_due(), 1);
        assert!(!four.teacher_assigned(), "traffic has no teacher");
        assert!(!four.hours_delivered());
        assert_eq!(
            (four.lessons, four.with_plan, four.with_material),
            (4, 2, 2)
        );
        assert_eq!(four.plan_share(), Some(0.5));
        assert_eq!(four.material_share(), Some(0.5));
        assert_eq!(
            four.missing,
            vec![
                Missing::NoTeacher {
                    theme: "traffic".into()
                },
                Missing::HoursDue {
                    theme: "traffic".into(),
                    planned: 1,
                    delivered: 0
                },
                Missing::NoLessonPlan {
                    lessons: vec![id(21), id(22)]
                },
                Missing::NoMaterial {
                    lessons: vec![id(22), id(23)]
                },
            ]
        );
        assert_eq!(
            texts(&four, Lang::Zh),
            [
                "“交通安全”未指定任课教师",
                "“交通安全”已上0课时，计划1课时，还差1课时",
                "2节课没有教案",
                "2节课没有填写教材",
            ]
        );
        assert_eq!(
            texts(&four, Lang::En),
            [
                "No teacher assigned for “Traffic safety”",
                "“Traffic safety”: 0 of 1 planned hours delivered, 1 to go",
                "2 lessons have no lesson plan",
                "2 lessons have no teaching material named",
            ]
        );
        assert_eq!(four.gaps(), 4);
    }

    #[test]
    fn a_class_whose_plan_is_fully_in_place_has_no_gaps() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "fire", 1, Some((WANG, "王老师"))),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                1,
                "fire",
                (WANG, "王老师"),
                "教案",
                "教材",
            ),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert!(four.teacher_assigned() && four.hours_delivered());
        assert!(four.missing.is_empty(), "{:?}", four.missing);
        assert_eq!(four.plan_share(), Some(1.0));
    }

    #[test]
    fn a_plan_without_lessons_is_all_due() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "fire", 2, Some((WANG, "王老师"))),
            plan(11, CLASS_A, "2026-1", "drowning", 1, Some((WANG, "王老师"))),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert!(four.teacher_assigned());
        assert_eq!(
            (four.planned_total(), four.delivered_total(), four.lessons),
            (3, 0, 0)
        );
        assert_eq!((four.plan_share(), four.material_share()), (None, None));
        assert_eq!(
            texts(&four, Lang::Zh),
            [
                "“消防安全”已上0课时，计划2课时，还差2课时",
                "“防溺水”已上0课时，计划1课时，还差1课时",
            ]
        );
        let due = due(&d, WANG, term());
        assert_eq!(due.iter().map(Due::remaining).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(
            next_theme(&d, id(CLASS_A), term(), Some(WANG)).as_deref(),
            Some("fire")
        );
    }

    #[test]
    fn lessons_without_a_plan_say_the_plan_is_missing() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                2,
                "fire",
                (WANG, "王老师"),
                "",
                "教材",
            ),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert!(!four.has_term_plan());
        assert!(!four.teacher_assigned() && !four.hours_delivered());
        assert_eq!((four.planned_total(), four.delivered_total()), (0, 2));
        assert_eq!(
            texts(&four, Lang::En),
            [
                "No safety-education plan for this term yet",
                "1 lesson has no lesson plan"
            ]
        );
        assert_eq!(next_theme(&d, id(CLASS_A), term(), Some(WANG)), None);
        // The teacher's class all the same: they logged a lesson there.
        let mine: Vec<RecordId> = my_classes(&d, WANG, term()).iter().map(|c| c.id).collect();
        assert_eq!(mine, [id(CLASS_A)]);
        assert!(due(&d, WANG, term()).is_empty());
    }

    #[test]
    fn a_reassigned_teacher_takes_over_what_is_still_due() {
        let mut entry = plan(10, CLASS_A, "2026-1", "fire", 3, Some((WANG, "王老师")));
        let records = |entry: &Record| {
            vec![
                class(CLASS_A, "三年级", "三(1)班"),
                entry.clone(),
                lesson(
                    20,
                    CLASS_A,
                    "2026-09-10",
                    1,
                    "fire",
                    (WANG, "王老师"),
                    "p",
                    "m",
                ),
            ]
        };
        let before = data(&records(&entry));
        assert_eq!(due(&before, WANG, term())[0].remaining(), 2);
        assert!(due(&before, LI, term()).is_empty());

        // Mid-term the admin reassigns the theme to Li.
        write(
            &mut entry,
            h(50, 1),
            json!({"teacher": LI.to_string(), "teacher_name": "李老师"}),
        );
        let d = data(&records(&entry));
        let four = class_four(&d, id(CLASS_A), term());
        assert!(four.teacher_assigned());
        let fire = row(&four, "fire");
        assert_eq!(
            fire.teacher.as_ref().map(|t| t.name.as_str()),
            Some("李老师")
        );
        assert_eq!(
            (fire.planned, fire.delivered),
            (3, 1),
            "Wang's lesson still counts"
        );
        let li_due = due(&d, LI, term());
        assert_eq!(li_due.len(), 1);
        assert_eq!(
            (li_due[0].theme.as_str(), li_due[0].remaining()),
            ("fire", 2)
        );
        assert!(
            due(&d, WANG, term()).is_empty(),
            "nothing is due from Wang any more"
        );
        // Both see the class: Li by assignment, Wang by the lesson he gave.
        for t in [WANG, LI] {
            assert_eq!(my_classes(&d, t, term()).len(), 1);
        }
        assert_eq!(my_lessons(&d, WANG, term()).len(), 1);
        assert!(my_lessons(&d, LI, term()).is_empty());
    }

    #[test]
    fn a_lesson_edited_on_two_devices_counts_once_with_both_edits() {
        let base = lesson(
            20,
            CLASS_A,
            "2026-09-10",
            1,
            "fire",
            (WANG, "王老师"),
            "",
            "",
        );
        // The tablet adds the lesson plan and corrects the periods; the PC,
        // offline, names the material and also changes the periods, later.
        let mut tablet = base.clone();
        write(
            &mut tablet,
            h(10, 3),
            json!({"periods": 2, "lesson_plan": "灭火器的使用"}),
        );
        let mut pc = base.clone();
        write(
            &mut pc,
            h(11, 4),
            json!({"periods": 3, "material": "《消防安全读本》"}),
        );
        let mut ab = tablet.clone();
        ab.merge(&pc);
        let mut ba = pc.clone();
        ba.merge(&tablet);
        assert_eq!(ab, ba);
        assert_eq!(ab.concurrent_fields(), ["periods"]);

        let plan_entry = plan(10, CLASS_A, "2026-1", "fire", 3, Some((WANG, "王老师")));
        let cls = class(CLASS_A, "三年级", "三(1)班");
        let four = |l: &Record| {
            class_four(
                &data(&[cls.clone(), plan_entry.clone(), l.clone()]),
                id(CLASS_A),
                term(),
            )
        };
        let merged = four(&ab);
        assert_eq!(merged, four(&ba));
        assert_eq!(merged.lessons, 1);
        assert_eq!(row(&merged, "fire").delivered, 3, "the later write wins");
        assert_eq!((merged.with_plan, merged.with_material), (1, 1));
        assert!(merged.missing.is_empty(), "{:?}", merged.missing);
        // Either device alone still misses something.
        assert_eq!(four(&tablet).with_material, 0);
        assert_eq!(four(&pc).with_plan, 0);
    }

    #[test]
    fn deleted_records_other_terms_and_other_classes_are_ignored() {
        let mut gone = lesson(
            21,
            CLASS_A,
            "2026-09-17",
            2,
            "fire",
            (WANG, "王老师"),
            "",
            "",
        );
        write(&mut gone, h(9, 2), json!({"deleted": true}));
        let mut gone_plan = plan(11, CLASS_A, "2026-1", "drugs", 4, None);
        write(&mut gone_plan, h(9, 1), json!({"deleted": true}));
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            class(CLASS_B, "三年级", "三(2)班"),
            plan(10, CLASS_A, "2026-1", "fire", 2, Some((WANG, "王老师"))),
            gone_plan,
            // An entry without hours plans nothing.
            rec(
                Kind::LessonTermPlan,
                13,
                Some(CLASS_A),
                h(2, 1),
                json!({"term": "2026-1", "theme": "food"}),
            ),
            // Last term's plan and lesson.
            plan(12, CLASS_A, "2025-2", "traffic", 5, None),
            lesson(
                22,
                CLASS_A,
                "2026-07-01",
                1,
                "fire",
                (WANG, "王老师"),
                "",
                "",
            ),
            gone,
            // Another class's lesson.
            lesson(
                23,
                CLASS_B,
                "2026-09-10",
                1,
                "fire",
                (WANG, "王老师"),
                "",
                "",
            ),
            // A lesson with no usable date is skipped.
            rec(
                Kind::SafetyLesson,
                24,
                Some(CLASS_A),
                h(3, 2),
                json!({"date": "10/9/2026", "periods": 1, "theme": "fire"}),
            ),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                1,
                "fire",
                (WANG, "王老师"),
                "p",
                "m",
            ),
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        let themes: Vec<&str> = four.themes.iter().map(|t| t.theme.as_str()).collect();
        assert_eq!(themes, ["fire"]);
        assert_eq!(
            (row(&four, "fire").planned, row(&four, "fire").delivered),
            (2, 1)
        );
        assert_eq!((four.lessons, four.with_plan), (1, 1));
        let last = class_four(&d, id(CLASS_A), term().prev());
        assert_eq!((last.planned_total(), last.delivered_total()), (5, 1));
    }

    #[test]
    fn duplicate_entries_for_one_theme_count_once_the_latest_edited() {
        let mut later = plan(11, CLASS_A, "2026-1", "fire", 4, Some((LI, "李老师")));
        write(&mut later, h(40, 5), json!({"hours": 3}));
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "消防安全", 2, Some((WANG, "王老师"))),
            later,
        ]);
        let four = class_four(&d, id(CLASS_A), term());
        assert_eq!(four.themes.len(), 1);
        assert_eq!(row(&four, "fire").planned, 3);
        assert_eq!(row(&four, "fire").teacher.as_ref().unwrap().id, Some(LI));
    }

    #[test]
    fn school_four_aggregates_and_sorts_by_gaps() {
        let mut gone_class = class(3, "一年级", "一(1)班");
        write(&mut gone_class, h(9, 1), json!({"deleted": true}));
        let mut foreign = class(4, "一年级", "外校班");
        foreign.unit = OTHER_SCHOOL;
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            class(CLASS_B, "二年级", "二(1)班"),
            gone_class,
            foreign,
            plan(10, CLASS_A, "2026-1", "fire", 2, Some((WANG, "王老师"))),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                2,
                "fire",
                (WANG, "王老师"),
                "p",
                "m",
            ),
            plan(11, CLASS_B, "2026-1", "fire", 2, None),
            lesson(
                21,
                CLASS_B,
                "2026-09-10",
                1,
                "fire",
                (LI, "李老师"),
                "",
                "m",
            ),
        ]);
        let mut school = school_four(&d, SCHOOL, term());
        let names: Vec<&str> = school.classes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["二(1)班", "三(1)班"],
            "by grade, live classes of the unit"
        );
        assert_eq!(school.classes_with_teacher(), 1);
        assert_eq!(school.classes_with_hours(), 1);
        assert_eq!((school.planned_total(), school.delivered_total()), (4, 3));
        assert_eq!(school.lessons(), 2);
        assert_eq!(school.plan_share(), Some(0.5));
        assert_eq!(school.material_share(), Some(1.0));
        assert_eq!(school.gaps(), 3);
        let totals = school.theme_totals();
        assert_eq!(totals.len(), 1);
        assert_eq!(
            (totals[0].planned, totals[0].delivered, totals[0].lessons),
            (4, 3, 2)
        );

        // Fill B's gaps: A, now with a gap of its own, sorts first.
        let d2 = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            class(CLASS_B, "二年级", "二(1)班"),
            plan(10, CLASS_A, "2026-1", "fire", 2, None),
            plan(11, CLASS_B, "2026-1", "fire", 1, Some((LI, "李老师"))),
            lesson(
                21,
                CLASS_B,
                "2026-09-10",
                1,
                "fire",
                (LI, "李老师"),
                "p",
                "m",
            ),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                2,
                "fire",
                (WANG, "王老师"),
                "p",
                "m",
            ),
        ]);
        let mut s2 = school_four(&d2, SCHOOL, term());
        sort_by_gaps(&mut s2.classes);
        let names: Vec<&str> = s2.classes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["三(1)班", "二(1)班"]);
        sort_by_gaps(&mut school.classes);
        let gaps: Vec<usize> = school.classes.iter().map(ClassFour::gaps).collect();
        assert_eq!(gaps, [3, 0]);
    }

    #[test]
    fn the_form_is_prefilled_from_the_plan_and_the_last_lesson() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            plan(10, CLASS_A, "2026-1", "fire", 1, Some((WANG, "王老师"))),
            plan(11, CLASS_A, "2026-1", "traffic", 2, Some((LI, "李老师"))),
            plan(12, CLASS_A, "2026-1", "drugs", 1, Some((WANG, "王老师"))),
            lesson(
                20,
                CLASS_A,
                "2026-09-10",
                1,
                "fire",
                (WANG, "王老师"),
                "p",
                "《安全教育》三年级",
            ),
        ]);
        let today = NaiveDate::from_ymd_opt(2026, 9, 17).unwrap();
        let f = lesson_prefill(&d, id(CLASS_A), WANG, " 王老师 ", today);
        assert_eq!(f["date"], "2026-09-17");
        assert_eq!(f["periods"], "1");
        assert_eq!(f["teacher"], WANG.to_string());
        assert_eq!(f["teacher_name"], "王老师");
        assert_eq!(f["theme"], "drugs", "fire is done; traffic is Li's");
        assert_eq!(f["material"], "《安全教育》三年级");
        assert_eq!(
            (f["course_type"].as_str(), f["form"].as_str()),
            ("basic", "lecture")
        );
        assert_eq!(f["lesson_plan"], "");
        // Li's next theme is her own; without a user, the first one open.
        assert_eq!(
            next_theme(&d, id(CLASS_A), term(), Some(LI)).as_deref(),
            Some("traffic")
        );
        assert_eq!(
            next_theme(&d, id(CLASS_A), term(), None).as_deref(),
            Some("traffic")
        );
        // A first lesson ever gets the defaults.
        let f = lesson_prefill(&d, id(CLASS_A), LI, "李老师", today);
        assert_eq!(
            (f["material"].as_str(), f["theme"].as_str()),
            ("", "traffic")
        );
    }

    #[test]
    fn a_plan_is_copied_from_last_term_or_another_class() {
        let d = data(&[
            class(CLASS_A, "三年级", "三(1)班"),
            class(CLASS_B, "三年级", "三(2)班"),
            plan(10, CLASS_A, "2025-2", "fire", 2, Some((WANG, "王老师"))),
            plan(11, CLASS_A, "2025-2", "online", 1, None),
            plan(12, CLASS_A, "2026-1", "online", 4, None),
        ]);
        let copied = copy_plan(&d, id(CLASS_A), term().prev(), id(CLASS_A), term(), true);
        assert_eq!(copied.len(), 1, "online is already planned");
        assert_eq!(copied[0]["term"], json!("2026-1"));
        assert_eq!(copied[0]["theme"], json!("fire"));
        assert_eq!(copied[0]["hours"], json!(2));
        assert_eq!(copied[0]["teacher"], json!(WANG.to_string()));
        for m in &copied {
            assert!(validate(Kind::LessonTermPlan, m).is_empty());
        }
        let to_b = copy_plan(&d, id(CLASS_A), term(), id(CLASS_B), term(), false);
        assert_eq!(to_b.len(), 1);
        assert_eq!(to_b[0]["theme"], json!("online"));
        assert_eq!(to_b[0]["hours"], json!(4));
        assert!(!to_b[0].contains_key("teacher") && !to_b[0].contains_key("teacher_name"));
    }
}
