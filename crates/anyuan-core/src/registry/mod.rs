//! Registries (台帐): record kinds declared as data and shown by one set of
//! generic pages. A registry is a kind whose [`KindSpec`](crate::kind::KindSpec)
//! has a [`Listing`]; this module lists them and holds the pure logic the
//! pages, Today, the exports and the server share: a record's title, what
//! is due or missing, the workflow rules, the tracking number of a clue and
//! what a confidential record hides from whom.
//!
//! Adding a registry: a variant in [`Kind`] (with its `ALL` entry and
//! `spec` arm), a `static` [`KindSpec`](crate::kind::KindSpec) with its
//! [`Listing`] in [`kinds`], and the listing in [`LISTINGS`]. The generic
//! pages, the export, Today and the tests that walk every listing need no
//! other change.

pub mod history;
pub mod kinds;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::{Actor, Role};
use crate::export::{Cell, Column, ReportError, ReportInput, Table};
use crate::hlc::DeviceId;
use crate::kind::Kind;
use crate::lang::Lang;
use crate::record::{Record, UnitId};
use crate::schema::{Listing, Standing, choice_label};
use crate::validate::{FieldProblem, ProblemCode, Rule, field_spec, parse_date, parse_date_time};
use crate::wire::{ChangeV1, Refusal, RefusalCode};

/// Every registry, in the order the registries page lists them.
pub static LISTINGS: &[&Listing] = &[
    &kinds::GROUP_LISTING,
    &kinds::PLAN_LISTING,
    &kinds::PEOPLE_LISTING,
    &kinds::TEAM_LISTING,
    &kinds::CHEMICAL_LISTING,
    &kinds::FIRE_LISTING,
    &kinds::BARRIER_LISTING,
    &kinds::TRAINING_LISTING,
    &kinds::CLUE_LISTING,
    &kinds::CHEMICAL_USE_LISTING,
];

/// The registry kinds, in [`LISTINGS`] order.
pub fn kinds() -> impl Iterator<Item = Kind> {
    LISTINGS.iter().filter_map(|l| {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.listing().is_some_and(|m| std::ptr::eq(m, *l)))
    })
}

/// The kind of the registry at `/r/<slug>`.
pub fn by_slug(slug: &str) -> Option<Kind> {
    kinds().find(|k| k.listing().is_some_and(|l| l.slug == slug))
}

impl Kind {
    /// The kind's listing, if it is a registry.
    pub fn listing(self) -> Option<&'static Listing> {
        self.spec().listing
    }
}

/// A field's value as a person reads it: a choice's name, yes/no, a date
/// in the language's form, the text itself.
pub fn display(record: &Record, field: &str, lang: Lang) -> String {
    record
        .get(field)
        .map_or_else(String::new, |v| display_value(record.kind, field, v, lang))
}

/// [`display`] for a value of `kind`'s `field` (e.g. from the history).
pub fn display_value(kind: Kind, field: &str, value: &Value, lang: Lang) -> String {
    match (field_spec(kind, field).map(|s| s.rule), value) {
        (_, Value::Null) => String::new(),
        (Some(Rule::Choice(choices)), Value::String(s)) => {
            choice_label(choices, s, lang).to_owned()
        }
        (Some(Rule::Date), Value::String(s)) => {
            parse_date(s).map_or_else(|| s.clone(), |d| crate::timefmt::date(lang, d))
        }
        (Some(Rule::DateTime), Value::String(s)) => {
            parse_date_time(s).map_or_else(|| s.clone(), |t| crate::timefmt::date_time(lang, t))
        }
        (_, Value::Bool(b)) => lang
            .pick(if *b { "是" } else { "否" }, if *b { "Yes" } else { "No" })
            .to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A record's name in lists: its listing's name fields, joined.
pub fn title(record: &Record, lang: Lang) -> String {
    let Some(listing) = record.kind.listing() else {
        return String::new();
    };
    let parts: Vec<String> = listing
        .name
        .iter()
        .map(|f| display(record, f, lang))
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        record.kind.spec().zh.to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The workflow state of a record (`None` without a workflow).
pub fn state(record: &Record) -> Option<&str> {
    let w = record.kind.listing()?.workflow?;
    record.get(w.field).and_then(Value::as_str)
}

/// Whether `record` is locked for `role`: its workflow has left the start
/// state and the role has no move in it (a clue the district has received
/// is no longer the school's to edit).
pub fn locked(record: &Record, role: Role) -> bool {
    let Some(w) = record.kind.listing().and_then(|l| l.workflow) else {
        return false;
    };
    let state = record.get(w.field).and_then(Value::as_str);
    state.is_some_and(|s| s != w.start) && !w.moves.iter().any(|t| t.by.contains(&role))
}

/// Where a record stands against its registry's due date.
pub fn standing(record: &Record, today: NaiveDate) -> Option<(Standing, NaiveDate)> {
    let listing = record.kind.listing()?;
    let due = listing.due?;
    due.standing(record, listing.workflow.map(|w| w.field), today)
}

/// Whether `record` matches what the user typed in a list's search box:
/// every word appears in one of the record's values, as shown.
pub fn matches(record: &Record, query: &str, lang: Lang) -> bool {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return true;
    }
    let hay: String = record
        .kind
        .spec()
        .fields
        .iter()
        .map(|f| display(record, f.name, lang).to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    words.iter().all(|w| hay.contains(w.as_str()))
}

/// The registry's expected codes a unit has no live record of (a missing
/// plan kind, a missing liaison), in declaration order.
pub fn missing<'a>(
    kind: Kind,
    records: impl IntoIterator<Item = &'a Record>,
    unit: UnitId,
) -> Vec<&'static str> {
    let Some(expect) = kind.listing().and_then(|l| l.expect) else {
        return Vec::new();
    };
    let have: BTreeSet<&str> = records
        .into_iter()
        .filter(|r| r.kind == kind && r.unit == unit && !r.is_deleted())
        .filter_map(|r| r.get(expect.field).and_then(Value::as_str))
        .collect();
    expect
        .codes
        .iter()
        .copied()
        .filter(|c| !have.contains(c))
        .collect()
}

/// The schools and kindergartens among `records` (live unit records that
/// are not the district): the units the district expects registries of.
pub fn schools<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<(UnitId, String)> {
    let mut out: Vec<(UnitId, String)> = records
        .into_iter()
        .filter(|r| r.kind == Kind::Unit && !r.is_deleted())
        .filter(|r| r.get("type").and_then(Value::as_str) != Some("district"))
        .map(|r| (UnitId(r.id.0), display(r, "name", Lang::Zh)))
        .collect();
    crate::order::sort_by(&mut out, |a, b| a.1.cmp(&b.1));
    out
}

/// For the district: each school that misses some of the registry's
/// expected records, with what it misses.
pub fn gaps(
    kind: Kind,
    records: &[Record],
    schools: &[(UnitId, String)],
) -> Vec<(UnitId, Vec<&'static str>)> {
    schools
        .iter()
        .map(|(u, _)| (*u, missing(kind, records, *u)))
        .filter(|(_, m)| !m.is_empty())
        .collect()
}

/// The names of the schools [`gaps`] finds, in `schools`' order.
pub fn lacking(kind: Kind, records: &[Record], schools: &[(UnitId, String)]) -> Vec<String> {
    let gaps = gaps(kind, records, schools);
    schools
        .iter()
        .filter(|(u, _)| gaps.iter().any(|(g, _)| g == u))
        .map(|(_, name)| name.clone())
        .collect()
}

/// The label of an expected code, e.g. 火灾 for a plan kind.
pub fn code_label(kind: Kind, field: &str, code: &str, lang: Lang) -> String {
    match field_spec(kind, field).map(|s| s.rule) {
        Some(Rule::Choice(choices)) => choice_label(choices, code, lang).to_owned(),
        _ => code.to_owned(),
    }
}

/// A clue's tracking number, made on the device with no network:
/// `XS` + the date + the device + 5 characters of the record id's random
/// part (`XS20261204-3F2A-K7QM2`). Unique per device unless two clues made
/// on one device on one day share 25 random bits.
pub fn tracking_number(date: NaiveDate, device: DeviceId, id: Uuid) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let random = id.as_u128() & ((1u128 << 62) - 1);
    let code: String = (0..5)
        .map(|i| char::from(ALPHABET[((random >> (i * 5)) & 31) as usize]))
        .collect();
    use chrono::Datelike as _;
    format!(
        "XS{:04}{:02}{:02}-{:04X}-{code}",
        date.year(),
        date.month(),
        date.day(),
        device.0 & 0xFFFF
    )
}

/// Whether `actor` may read this record: [`crate::auth::can_read`] for its
/// kind and unit, and for confidential kinds, staff only their own.
pub fn may_read(actor: &Actor, record: &Record) -> bool {
    crate::auth::can_read(actor, record.kind, record.unit)
        && (!record.kind.is_confidential()
            || actor.role != Role::Staff
            || record.author == Some(actor.user))
}

/// Whether the private fields of `record` are hidden from `actor`: a
/// confidential record whose reporter asked to hide their name, read by
/// someone other than the district and the reporter.
pub fn hides_from(actor: &Actor, record: &Record) -> bool {
    let Some(private) = record.kind.listing().and_then(|l| l.private) else {
        return false;
    };
    record.get(private.flag) == Some(&Value::Bool(true))
        && actor.role != Role::DistrictAdmin
        && record.author != Some(actor.user)
}

/// `record` as `actor` may see it: private fields and the author removed
/// when [`hides_from`]. Every path that sends a record (pull, export,
/// history) goes through this.
pub fn redact(actor: &Actor, mut record: Record) -> Record {
    if hides_from(actor, &record)
        && let Some(private) = record.kind.listing().and_then(|l| l.private)
    {
        for f in private.fields {
            record.fields.remove(*f);
        }
        record.author = None;
    }
    record
}

/// The problems across a registry record's fields: dates in the wrong
/// order (on the later field), fields that must differ (on the second), and
/// when `today` is given (forms: the device's day), dates of things that
/// happened set in the future. Forms run all of it; the server, through
/// [`crate::validate::validate`], all but the future dates (it cannot know
/// the device's day better than the device).
pub fn cross_problems(
    kind: Kind,
    values: &std::collections::BTreeMap<String, Value>,
    today: Option<NaiveDate>,
) -> Vec<FieldProblem> {
    let Some(listing) = kind.listing() else {
        return Vec::new();
    };
    let date = |f: &str| {
        let s = values.get(f).and_then(Value::as_str)?;
        parse_date(s).or_else(|| parse_date_time(s).map(|t| t.date()))
    };
    let text = |f: &str| {
        values
            .get(f)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let problem = |field: &str, zh: String, en: String| FieldProblem {
        field: field.to_owned(),
        code: ProblemCode::Inconsistent,
        zh,
        en,
    };
    let mut out = Vec::new();
    for a in listing.after {
        if let (Some(later), Some(earlier), Some(l), Some(e)) = (
            date(a.later),
            date(a.earlier),
            field_spec(kind, a.later),
            field_spec(kind, a.earlier),
        ) && later < earlier
        {
            out.push(problem(
                a.later,
                format!("{}不能早于{}，请修改。", l.zh, e.zh),
                format!(
                    "{} cannot be before {}. Please correct it.",
                    l.en,
                    e.en.to_ascii_lowercase()
                ),
            ));
        }
    }
    for (a, b) in listing.differ {
        if let (Some(x), Some(y), Some(sa), Some(sb)) =
            (text(a), text(b), field_spec(kind, a), field_spec(kind, b))
            && x == y
        {
            out.push(problem(
                b,
                format!("{}不能与{}是同一人，请修改。", sb.zh, sa.zh),
                format!(
                    "{} cannot be the same as {}. Please correct it.",
                    sb.en,
                    sa.en.to_ascii_lowercase()
                ),
            ));
        }
    }
    if let Some(today) = today {
        for f in listing.past {
            if let (Some(d), Some(spec)) = (date(f), field_spec(kind, f))
                && d > today
            {
                out.push(problem(
                    f,
                    format!("{}不能晚于今天，请修改。", spec.zh),
                    format!("{} cannot be in the future. Please correct it.", spec.en),
                ));
            }
        }
    }
    out
}

/// The workflow rule the server applies to a change (the same one the app
/// uses to offer moves): a new record starts at the workflow's start; on an
/// existing record, `actor` may set only a state one of its moves leads to.
pub fn check_workflow(actor: &Actor, change: &ChangeV1, exists: bool) -> Result<(), Refusal> {
    let Some(w) = change.kind.listing().and_then(|l| l.workflow) else {
        return Ok(());
    };
    let Some(write) = change.fields.get(w.field) else {
        return Ok(());
    };
    let Some(to) = write.value.as_str() else {
        return Ok(()); // not text: validation says so
    };
    let ok = if exists {
        w.may_set(to, actor.role)
    } else {
        to == w.start
    };
    if ok {
        return Ok(());
    }
    let spec = change.kind.spec();
    Err(Refusal::new(
        RefusalCode::RoleNotAllowed,
        Some(w.field.to_owned()),
        format!(
            "您的角色（{}）不能把{}改为这个状态。请刷新后从记录页面操作。",
            actor.role.zh(),
            spec.zh
        ),
        format!(
            "Your role ({}) may not move a {} to this state. Refresh and use the record's page.",
            actor.role.en(),
            spec.en
        ),
    ))
}

/// What a registry's export is built from: the listing of its first kind.
pub(crate) fn registry_report(input: &ReportInput<'_>) -> Result<Table, ReportError> {
    let kind = input.kinds[0];
    let listing = kind.listing().ok_or_else(ReportError::not_found)?;
    let units: Vec<&Record> = input.of_kind(Kind::Unit).collect();
    let mut rows: Vec<&Record> = input.of_kind(kind).collect();
    sort(&mut rows, listing, input.lang);
    let many_units = rows.iter().map(|r| r.unit).collect::<BTreeSet<_>>().len() > 1;
    // The name and the list's columns first, then every other field: the
    // export is the whole ledger.
    let mut fields: Vec<&str> = listing.name.to_vec();
    let rest = kind.spec().fields.iter().map(|f| &f.name);
    for c in listing.columns.iter().chain(rest) {
        if !fields.contains(c) {
            fields.push(c);
        }
    }
    let mut columns: Vec<Column> = Vec::new();
    if many_units {
        columns.push(Column::new("单位", "Unit"));
    }
    columns.extend(fields.iter().map(|f| Column::of_field(kind, f)));
    let mut table = Table::new(listing.title.zh, listing.title.en, columns);
    table.rows = rows
        .into_iter()
        .map(|r| {
            let mut row = Vec::new();
            if many_units {
                let name = units
                    .iter()
                    .find(|u| u.id.0 == r.unit.0)
                    .map(|u| display(u, "name", input.lang))
                    .unwrap_or_default();
                row.push(Cell::text(name.as_str()));
            }
            row.extend(fields.iter().map(|f| Cell::of_field(r, f, input.lang)));
            row
        })
        .collect();
    Ok(table)
}

/// Sorts records as the listing says (its sort field, then the title, then
/// the id, so the order is total).
pub fn sort(rows: &mut [&Record], listing: &Listing, lang: Lang) {
    let (field, desc) = listing.sort;
    let key = |r: &&Record| {
        let v = r.get(field).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        (v.unwrap_or_default(), title(r, lang), r.id)
    };
    crate::order::sort_by_cached_key(rows, key);
    if desc {
        rows.reverse();
    }
}
