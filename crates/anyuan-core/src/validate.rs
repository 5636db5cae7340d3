//! Field validation with messages a person can act on, in Chinese and English.
//!
//! The same rules run in the app (next to form fields, as the user types: use
//! [`validate_field`]) and on the server (on the record a pushed change would
//! produce: [`validate`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kind::Kind;

/// The field every kind has: `true` marks the record deleted (a tombstone).
pub const DELETED: &str = "deleted";

/// How a field's value is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A string of at most `max` characters (Unicode scalar values).
    Text {
        /// Maximum length in characters.
        max: usize,
    },
    /// A string that is one of the listed codes.
    OneOf(&'static [&'static str]),
    /// A string that is the code of one of the listed choices (whose names
    /// the forms and lists show).
    Choice(&'static [crate::schema::Choice]),
    /// The id of a record of this kind (a link, e.g. a drill to its plan).
    Ref(Kind),
    /// An integer in `min..=max`.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A phone number: 5 to 20 characters, digits, `+` and `-` only.
    Phone,
    /// `true` or `false`.
    Bool,
    /// A calendar date, `YYYY-MM-DD` (what `<input type=date>` gives).
    Date,
    /// A local date and time to the minute, `YYYY-MM-DDTHH:MM` (what
    /// `<input type=datetime-local>` gives).
    DateTime,
    /// A school term code, `2026-1` or `2026-2` (see [`crate::term::Term`]).
    Term,
}

/// One field of a kind.
#[derive(Debug)]
pub struct FieldSpec {
    /// The field's key in a record.
    pub name: &'static str,
    /// Chinese label, as the form shows it.
    pub zh: &'static str,
    /// English label, as the form shows it.
    pub en: &'static str,
    /// How the value is checked.
    pub rule: Rule,
    /// Whether a live (not deleted) record must have a non-empty value.
    pub required: bool,
}

impl FieldSpec {
    /// An optional field.
    pub const fn new(name: &'static str, zh: &'static str, en: &'static str, rule: Rule) -> Self {
        FieldSpec {
            name,
            zh,
            en,
            rule,
            required: false,
        }
    }

    /// The same field, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

static DELETED_SPEC: FieldSpec = FieldSpec::new(DELETED, "删除标记", "Deleted", Rule::Bool);

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// A required field is missing or empty.
    Required,
    /// Text longer than allowed.
    TooLong,
    /// Expected text.
    NotText,
    /// Expected a whole number.
    NotInteger,
    /// A number outside its range.
    OutOfRange,
    /// Not one of the allowed codes.
    NotOneOf,
    /// Not a phone number.
    BadPhone,
    /// Expected `true` or `false`.
    NotBool,
    /// Not a date (`YYYY-MM-DD`).
    BadDate,
    /// Not a date and time (`YYYY-MM-DDTHH:MM`).
    BadDateTime,
    /// Not a term code (`2026-1`).
    BadTerm,
    /// The kind has no such field.
    UnknownField,
    /// The value does not fit with another field's (e.g. an end before the
    /// start). Forms only: see [`crate::form::check`].
    Inconsistent,
}

/// A problem with one field, with user-facing messages in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's key.
    pub field: String,
    /// What is wrong, for code.
    pub code: ProblemCode,
    /// What is wrong and what to do, in Chinese.
    pub zh: String,
    /// What is wrong and what to do, in English.
    pub en: String,
}

fn problem(spec: &FieldSpec, code: ProblemCode) -> FieldProblem {
    let (l, e) = (spec.zh, spec.en);
    let (zh, en) = match (code, spec.rule) {
        (ProblemCode::Required, _) => (
            format!("请填写{l}。"),
            format!("{e} is required. Please fill it in."),
        ),
        (ProblemCode::TooLong, Rule::Text { max }) => (
            format!("{l}最多{max}个字，请缩短。"),
            format!("{e} is too long: at most {max} characters. Please shorten it."),
        ),
        (ProblemCode::OutOfRange, Rule::Int { min, max }) => (
            format!("{l}应在{min}到{max}之间，请修改。"),
            format!("{e} must be between {min} and {max}. Please correct it."),
        ),
        (ProblemCode::NotInteger, _) => (
            format!("{l}应为整数，请修改。"),
            format!("{e} must be a whole number. Please correct it."),
        ),
        (ProblemCode::NotOneOf, _) => (
            format!("{l}的取值无效，请从列表中选择。"),
            format!("{e} has an invalid value. Please choose one from the list."),
        ),
        (ProblemCode::BadPhone, _) => (
            format!("{l}格式不对：只能包含数字、+ 和 -，长度5到20位。"),
            format!(
                "{e} is not a valid phone number: use only digits, + and -, 5 to 20 characters."
            ),
        ),
        (ProblemCode::BadDate, _) => (
            format!("{l}不是有效日期，请按“年-月-日”选择或填写。"),
            format!("{e} is not a valid date. Please pick or type it as year-month-day."),
        ),
        (ProblemCode::BadDateTime, _) => (
            format!("{l}不是有效的日期时间，请选择日期和时间。"),
            format!("{e} is not a valid date and time. Please pick a date and a time."),
        ),
        (ProblemCode::BadTerm, _) => (
            format!("{l}应为学期，格式如2026-1（第一学期）或2026-2（第二学期）。"),
            format!("{e} must be a term such as 2026-1 (first term) or 2026-2 (second term)."),
        ),
        (ProblemCode::NotBool, _) => (
            format!("{l}应为是或否。"),
            format!("{e} must be yes or no."),
        ),
        _ => (
            format!("{l}应为文字，请修改。"),
            format!("{e} must be text. Please correct it."),
        ),
    };
    FieldProblem {
        field: spec.name.to_owned(),
        code,
        zh,
        en,
    }
}

fn unknown(field: &str) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        code: ProblemCode::UnknownField,
        zh: format!("未知字段“{field}”。请更新应用后重试。"),
        en: format!("Unknown field \"{field}\". Please update the app and try again."),
    }
}

/// The spec of `field` for `kind`, including the universal `deleted` field.
pub fn field_spec(kind: Kind, field: &str) -> Option<&'static FieldSpec> {
    if field == DELETED {
        Some(&DELETED_SPEC)
    } else {
        kind.field(field)
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Checks one field's value, as a form does while the user types. `null` and
/// blank text mean "no value" and are only a problem for required fields.
pub fn validate_field(kind: Kind, field: &str, value: &Value) -> Option<FieldProblem> {
    let Some(spec) = field_spec(kind, field) else {
        return Some(unknown(field));
    };
    if is_blank(value) {
        return spec.required.then(|| problem(spec, ProblemCode::Required));
    }
    let code = match (spec.rule, value) {
        (Rule::Text { max }, Value::String(s)) => {
            (s.chars().count() > max).then_some(ProblemCode::TooLong)
        }
        (Rule::Text { .. }, _) => Some(ProblemCode::NotText),
        (Rule::OneOf(allowed), Value::String(s)) => {
            (!allowed.contains(&s.as_str())).then_some(ProblemCode::NotOneOf)
        }
        (Rule::OneOf(_), _) => Some(ProblemCode::NotOneOf),
        (Rule::Choice(choices), Value::String(s)) => {
            (!choices.iter().any(|c| c.code == s)).then_some(ProblemCode::NotOneOf)
        }
        (Rule::Choice(_), _) => Some(ProblemCode::NotOneOf),
        (Rule::Ref(_), Value::String(s)) => uuid::Uuid::parse_str(s)
            .is_err()
            .then_some(ProblemCode::NotOneOf),
        (Rule::Ref(_), _) => Some(ProblemCode::NotOneOf),
        (Rule::Int { min, max }, Value::Number(n)) => match n.as_i64() {
            Some(i) => (!(min..=max).contains(&i)).then_some(ProblemCode::OutOfRange),
            None => Some(ProblemCode::NotInteger),
        },
        (Rule::Int { .. }, _) => Some(ProblemCode::NotInteger),
        (Rule::Phone, Value::String(s)) => {
            let ok = (5..=20).contains(&s.chars().count())
                && s.chars()
                    .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
                && s.chars().any(|c| c.is_ascii_digit());
            (!ok).then_some(ProblemCode::BadPhone)
        }
        (Rule::Phone, _) => Some(ProblemCode::BadPhone),
        (Rule::Bool, Value::Bool(_)) => None,
        (Rule::Bool, _) => Some(ProblemCode::NotBool),
        (Rule::Date, Value::String(s)) => parse_date(s).is_none().then_some(ProblemCode::BadDate),
        (Rule::Date, _) => Some(ProblemCode::BadDate),
        (Rule::DateTime, Value::String(s)) => parse_date_time(s)
            .is_none()
            .then_some(ProblemCode::BadDateTime),
        (Rule::DateTime, _) => Some(ProblemCode::BadDateTime),
        (Rule::Term, Value::String(s)) => crate::term::Term::parse(s)
            .is_none_or(|t| t.to_string() != *s)
            .then_some(ProblemCode::BadTerm),
        (Rule::Term, _) => Some(ProblemCode::BadTerm),
    };
    code.map(|c| problem(spec, c))
}

/// Parses a [`Rule::Date`] value, `YYYY-MM-DD`.
///
/// Hand-written rather than `NaiveDate::parse_from_str`: chrono's format
/// parser is about 7 KB of the app's first load (brotli) for this one form.
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..])?,
    )
}

/// Parses a [`Rule::DateTime`] value, `YYYY-MM-DDTHH:MM` (seconds, as some
/// browsers add them, are accepted and dropped).
pub fn parse_date_time(s: &str) -> Option<chrono::NaiveDateTime> {
    let b = s.as_bytes();
    let (minute, rest) = (b.get(..16)?, &b[16..]);
    let seconds_ok = match rest {
        [] => true,
        [b':', sec @ ..] => digits(sec).is_some_and(|s| sec.len() == 2 && s < 60),
        _ => false,
    };
    if !seconds_ok || minute[10] != b'T' || minute[13] != b':' {
        return None;
    }
    let date = parse_date(std::str::from_utf8(&minute[..10]).ok()?)?;
    let (h, m) = (digits(&minute[11..13])?, digits(&minute[14..])?);
    date.and_hms_opt(h, m, 0)
}

/// The number written by `b`, only ASCII digits (at least one, at most nine).
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// The [`Rule::DateTime`] form of a local date and time.
pub fn format_date_time(t: chrono::NaiveDateTime) -> String {
    use chrono::Timelike as _;
    format!("{}T{:02}:{:02}", t.date(), t.hour(), t.minute())
}

/// Whether a record's current values mark it deleted.
pub fn is_deleted(values: &BTreeMap<String, Value>) -> bool {
    values.get(DELETED) == Some(&Value::Bool(true))
}

/// Checks a whole record's current values: every field present, and every
/// required field. A deleted record's values are checked as strictly as a
/// live one's (a tombstone that is undeleted must not bring back a size of
/// -999999), except that its required fields may be empty or missing.
/// Problems are in field order, required-but-missing fields last.
pub fn validate(kind: Kind, values: &BTreeMap<String, Value>) -> Vec<FieldProblem> {
    let deleted = is_deleted(values);
    let mut out: Vec<FieldProblem> = values
        .iter()
        .filter_map(|(f, v)| {
            validate_field(kind, f, v).filter(|p| !(deleted && p.code == ProblemCode::Required))
        })
        .collect();
    if !deleted {
        for spec in kind.spec().fields.iter().filter(|s| s.required) {
            if !values.contains_key(spec.name) {
                out.push(problem(spec, ProblemCode::Required));
            }
        }
        // Registries' date order holds on the server too: their records
        // are edited by one office at a time, not merged from the field.
        out.extend(crate::registry::cross_problems(kind, values, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vals(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    fn codes(kind: Kind, v: Value) -> Vec<(String, ProblemCode)> {
        validate(kind, &vals(v))
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    #[test]
    fn unit_needs_a_name_and_a_known_type() {
        assert!(codes(Kind::Unit, json!({"name": "实验小学", "type": "school"})).is_empty());
        assert_eq!(
            codes(Kind::Unit, json!({"name": "  ", "type": "hospital"})),
            vec![
                ("name".into(), ProblemCode::Required),
                ("type".into(), ProblemCode::NotOneOf)
            ]
        );
        assert_eq!(codes(Kind::Unit, json!({})).len(), 2);
    }

    #[test]
    fn dates_and_date_times() {
        assert_eq!(
            parse_date("2026-11-28").map(|d| d.to_string()).as_deref(),
            Some("2026-11-28")
        );
        for bad in [
            "2026-02-30",
            "2026-1-5",
            "28/11/2026",
            "",
            "2026-11-28T10:00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let t = parse_date_time("2026-11-28T14:30").unwrap();
        assert_eq!(format_date_time(t), "2026-11-28T14:30");
        assert_eq!(parse_date_time("2026-11-28T14:30:00"), Some(t));
        for bad in [
            "2026-11-28",
            "2026-11-28T24:00",
            "2026-11-28T14:60",
            "2026-11-28T14:30:61",
            "2026-11-28T14:30:5x",
            "2026-11-28T1a:30",
            "+026-11-28T14:30",
            "2026-11-28 14:30",
            "2026-11-28T14:30Z",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// The hand-written parsers accept exactly what chrono's strict
        /// format parser accepts for the same shape, and agree on the value.
        #[test]
        fn date_parsers_agree_with_chrono(
            s in "[0-9]{4}-[01][0-9]-[0-3][0-9]|[0-9+ -]{10}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}",
            hm in "[0-2][0-9]:[0-6][0-9]|[0-9 ]{2}:[0-9]{1,2}",
        ) {
            let strict = |s: &str| (s.len() == 10)
                .then(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .flatten()
                .filter(|d| d.to_string() == s);
            proptest::prop_assert_eq!(parse_date(&s), strict(&s));
            let t = format!("{s}T{hm}");
            let strict_t = (t.len() == 16)
                .then(|| chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M").ok())
                .flatten()
                .filter(|v| format_date_time(*v) == t);
            proptest::prop_assert_eq!(parse_date_time(&t), strict_t);
        }
    }

    #[test]
    fn class_rules() {
        assert!(
            codes(
                Kind::Class,
                json!({"name": "三(2)班", "grade": "3", "size": 0})
            )
            .is_empty()
        );
        assert!(codes(Kind::Class, json!({"name": "x", "size": 200})).is_empty());
        assert_eq!(
            codes(Kind::Class, json!({"name": "x", "size": 201}))[0].1,
            ProblemCode::OutOfRange
        );
        assert_eq!(
            codes(Kind::Class, json!({"name": "x", "size": -1}))[0].1,
            ProblemCode::OutOfRange
        );
        assert_eq!(
            codes(Kind::Class, json!({"name": "x", "size": 2.5}))[0].1,
            ProblemCode::NotInteger
        );
        assert_eq!(
            codes(Kind::Class, json!({"name": "x", "size": "30"}))[0].1,
            ProblemCode::NotInteger
        );
        let forty = "班".repeat(40);
        assert!(codes(Kind::Class, json!({ "name": forty })).is_empty());
        let long = "班".repeat(41);
        assert_eq!(
            codes(Kind::Class, json!({ "name": long }))[0].1,
            ProblemCode::TooLong
        );
        assert_eq!(
            codes(Kind::Class, json!({"name": 5}))[0].1,
            ProblemCode::NotText
        );
    }

    #[test]
    fn person_phone_is_optional_but_well_formed() {
        assert!(codes(Kind::Person, json!({"name": "李明", "role": "保安"})).is_empty());
        assert!(
            codes(
                Kind::Person,
                json!({"name": "李明", "phone": "+86-138-0000-0000"})
            )
            .is_empty()
        );
        assert!(codes(Kind::Person, json!({"name": "李明", "phone": ""})).is_empty());
        for bad in [
            "1234",
            "138 0000 0000",
            "abcde",
            "123456789012345678901",
            "-----",
        ] {
            assert_eq!(
                codes(Kind::Person, json!({"name": "李明", "phone": bad})),
                vec![("phone".into(), ProblemCode::BadPhone)],
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_fields_and_bad_deleted_flags_are_reported_even_when_deleted() {
        assert_eq!(
            codes(
                Kind::Class,
                json!({"deleted": true, "colour": "red", "size": 99})
            ),
            vec![("colour".into(), ProblemCode::UnknownField)]
        );
        assert_eq!(
            codes(Kind::Class, json!({"name": "x", "deleted": "yes"}))[0].1,
            ProblemCode::NotBool
        );
    }

    #[test]
    fn deleted_records_values_are_still_checked_but_may_lack_required_ones() {
        assert_eq!(
            codes(
                Kind::Class,
                json!({"deleted": true, "size": -999_999, "name": {"a": 1}, "grade": "x".repeat(5000)})
            ),
            vec![
                ("grade".into(), ProblemCode::TooLong),
                ("name".into(), ProblemCode::NotText),
                ("size".into(), ProblemCode::OutOfRange),
            ]
        );
        assert!(codes(Kind::Class, json!({"deleted": true, "name": null})).is_empty());
        assert!(codes(Kind::Class, json!({"deleted": true})).is_empty());
    }

    #[test]
    fn messages_say_what_is_wrong_and_what_to_do_in_both_languages() {
        let p = validate_field(Kind::Class, "size", &json!(300)).unwrap();
        assert_eq!(p.zh, "人数应在0到200之间，请修改。");
        assert_eq!(
            p.en,
            "Number of students must be between 0 and 200. Please correct it."
        );
        let p = validate_field(Kind::Class, "name", &Value::Null).unwrap();
        assert_eq!(
            (p.zh.as_str(), p.en.as_str()),
            (
                "请填写班级名称。",
                "Class name is required. Please fill it in."
            )
        );
        assert!(validate_field(Kind::Person, "phone", &Value::Null).is_none());
    }
}
