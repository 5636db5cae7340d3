//! Forms: what a person typed, turned into field values and checked with
//! the same rules the server applies. Every form in the app goes through
//! here, so "validates as you type" and "the server refuses" never disagree.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::kind::Kind;
use crate::validate::{FieldProblem, Rule, field_spec, validate_field};

/// The value a text input stands for: trimmed text, a whole number for
/// number fields (text that is not one is kept as text, so the check says
/// so), `null` for a blank input.
pub fn value_from_input(kind: Kind, field: &str, input: &str) -> Value {
    let input = input.trim();
    if input.is_empty() {
        return Value::Null;
    }
    match field_spec(kind, field).map(|s| s.rule) {
        Some(Rule::Int { .. }) => input
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(input)),
        Some(Rule::Bool) => match input {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::from(other),
        },
        _ => Value::from(input),
    }
}

/// The text an input shows for a stored value.
pub fn input_from_value(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A form's inputs checked together: the values to save and the problems
/// per field (empty when the form can be saved).
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub values: BTreeMap<String, Value>,
    pub problems: BTreeMap<String, FieldProblem>,
}

impl Checked {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a form's rules across fields compare with beyond its own inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormContext {
    /// The size of the class a record is for (a lesson's attendance may
    /// not exceed it).
    pub class_size: Option<i64>,
    /// The device's today: when something happened cannot be after it.
    pub today: Option<chrono::NaiveDate>,
}

/// Checks every input of a form for `kind`. `creating` also requires the
/// kind's required fields that the form left out. Rules across fields (an
/// end after its start: [`crate::duty::form_problems`]) apply to forms
/// only, not on the server: two offline edits of a start and an end may
/// cross, and the merge must never be refused for it.
pub fn check(kind: Kind, inputs: &BTreeMap<String, String>, creating: bool) -> Checked {
    check_with(kind, inputs, creating, FormContext::default())
}

/// [`check`], with the rules that compare a field with something outside
/// the form (a lesson's attendance with its class's size:
/// [`crate::lesson::form_problems`]).
pub fn check_with(
    kind: Kind,
    inputs: &BTreeMap<String, String>,
    creating: bool,
    context: FormContext,
) -> Checked {
    let mut values = BTreeMap::new();
    let mut problems = BTreeMap::new();
    for (field, text) in inputs {
        let value = value_from_input(kind, field, text);
        if let Some(p) = validate_field(kind, field, &value) {
            problems.insert(field.clone(), p);
        }
        values.insert(field.clone(), value);
    }
    if creating {
        // Fields the app fills (a registry's fills and workflow state) are
        // not the form's to require.
        let filled = |f: &str| kind.listing().is_some_and(|l| !l.in_form(f));
        for spec in kind.spec().fields.iter().filter(|s| s.required) {
            if !inputs.contains_key(spec.name)
                && !filled(spec.name)
                && let Some(p) = validate_field(kind, spec.name, &Value::Null)
            {
                problems.insert(spec.name.to_owned(), p);
            }
        }
        // A new record does not need to store empty optional fields.
        values.retain(|_, v| !v.is_null());
    }
    let across = crate::duty::form_problems(kind, &values)
        .into_iter()
        .chain(crate::lesson::form_problems(
            kind,
            &values,
            context.class_size,
        ))
        .chain(crate::registry::cross_problems(
            kind,
            &values,
            context.today,
        ));
    for p in across {
        problems.entry(p.field.clone()).or_insert(p);
    }
    Checked { values, problems }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ProblemCode;

    fn inputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn numbers_are_parsed_and_bad_numbers_explained() {
        assert_eq!(
            value_from_input(Kind::Class, "size", " 42 "),
            Value::from(42)
        );
        let c = check(
            Kind::Class,
            &inputs(&[("name", "初一(1)班"), ("size", "四十")]),
            true,
        );
        assert_eq!(c.problems["size"].code, ProblemCode::NotInteger);
        assert!(
            c.problems["size"].zh.contains("整数"),
            "{}",
            c.problems["size"].zh
        );
        let c = check(
            Kind::Class,
            &inputs(&[("name", "初一(1)班"), ("size", "999")]),
            true,
        );
        assert_eq!(c.problems["size"].code, ProblemCode::OutOfRange);
    }

    #[test]
    fn creating_requires_required_fields_and_drops_blanks() {
        let c = check(Kind::Class, &inputs(&[("grade", "")]), true);
        assert_eq!(c.problems["name"].code, ProblemCode::Required);
        assert!(c.values.is_empty());
        let c = check(
            Kind::Class,
            &inputs(&[("name", " 初二(3)班 "), ("grade", "")]),
            true,
        );
        assert!(c.is_ok());
        assert_eq!(c.values["name"], Value::from("初二(3)班"));
        assert!(!c.values.contains_key("grade"));
    }

    #[test]
    fn editing_keeps_blanks_so_a_field_can_be_cleared() {
        let c = check(Kind::Class, &inputs(&[("grade", "")]), false);
        assert!(c.is_ok());
        assert_eq!(c.values["grade"], Value::Null);
        let c = check(Kind::Class, &inputs(&[("name", "")]), false);
        assert_eq!(c.problems["name"].code, ProblemCode::Required);
    }

    #[test]
    fn inputs_show_stored_values() {
        assert_eq!(input_from_value(Some(&Value::from(40))), "40");
        assert_eq!(input_from_value(Some(&Value::from("初一"))), "初一");
        assert_eq!(input_from_value(None), "");
    }
}
