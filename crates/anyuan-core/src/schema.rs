//! Declarations a registry is made of (the vocabulary of XLSForm's
//! `choices` and Django's `ModelAdmin`): choice lists with their names,
//! list columns, filters, due dates, what a unit is expected to keep, and
//! status workflows. Only data and small pure functions over it: the
//! generic record pages (`src/record_ui/`) and the server read the same
//! declarations, so a registry is a [`Listing`] plus its kind's fields.

use crate::auth::Role;
use crate::lang::Lang;
use crate::record::Record;

/// A text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    /// Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn pick(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// A [`Text`] in a const context.
pub const fn text(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

/// A code with its names, for a choice list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What is stored.
    pub code: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
}

impl Choice {
    /// The name in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// A [`Choice`] in a const context.
pub const fn choice(code: &'static str, zh: &'static str, en: &'static str) -> Choice {
    Choice { code, zh, en }
}

/// The name of `code` among `choices`, or the code itself when unknown.
pub fn choice_label<'a>(choices: &[Choice], code: &'a str, lang: Lang) -> &'a str {
    choices
        .iter()
        .find(|c| c.code == code)
        .map_or(code, |c| c.label(lang))
}

/// Where a registry is listed on the registries page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Organisation: leading group, safety team, emergency plans.
    Organisation,
    /// Special checks (专项检查): chemicals, fire areas, vehicle barriers.
    Checks,
    /// Education: publicity and training.
    Education,
    /// Confidential reports.
    Reports,
}

impl Group {
    /// Every group, in page order.
    pub const ALL: [Group; 4] = [
        Group::Organisation,
        Group::Checks,
        Group::Education,
        Group::Reports,
    ];

    /// The group's heading.
    pub fn title(self) -> Text {
        match self {
            Group::Organisation => text("组织与预案", "Organisation and plans"),
            Group::Checks => text("专项检查", "Special checks"),
            Group::Education => text("宣传培训", "Publicity and training"),
            Group::Reports => text("线索举报", "Clue reports"),
        }
    }
}

/// A date field that makes a record due: overdue once the date has passed,
/// due soon within `warn_days` before it, unless the record is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    /// The date (`Rule::Date`) field.
    pub field: &'static str,
    /// The record is done (never due) once this date field holds a date
    /// that is not after today.
    pub done_when_set: Option<&'static str>,
    /// The record is done in these workflow states.
    pub done_states: &'static [&'static str],
    /// How many days ahead "due soon" starts (0: only overdue counts).
    pub warn_days: u16,
    /// What is due, e.g. "修订" / "revision".
    pub what: Text,
}

/// Where a record stands against its [`Due`] date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// The date has passed and the record is not done.
    Overdue,
    /// The date is within the warning window.
    DueSoon,
}

impl Due {
    /// Where `record` stands on `today`, `None` when nothing is due.
    pub fn standing(
        &self,
        record: &Record,
        state_field: Option<&str>,
        today: chrono::NaiveDate,
    ) -> Option<(Standing, chrono::NaiveDate)> {
        if record.is_deleted() {
            return None;
        }
        // Done once the field holds a date that has come (a future install
        // date is a plan, not a fact).
        let done = |f: &str| {
            record
                .get(f)
                .and_then(|v| v.as_str())
                .and_then(crate::validate::parse_date)
                .is_some_and(|d| d <= today)
        };
        if self.done_when_set.is_some_and(done) {
            return None;
        }
        let state = state_field
            .and_then(|f| record.get(f))
            .and_then(|v| v.as_str());
        if state.is_some_and(|s| self.done_states.contains(&s)) {
            return None;
        }
        let date = record
            .get(self.field)
            .and_then(|v| v.as_str())
            .and_then(crate::validate::parse_date)?;
        if date < today {
            Some((Standing::Overdue, date))
        } else if (date - today).num_days() <= i64::from(self.warn_days) {
            Some((Standing::DueSoon, date))
        } else {
            None
        }
    }
}

/// What every unit is expected to keep in a registry: a live record for
/// each listed code of `field` (e.g. a plan per drill kind, a leader in
/// charge and a liaison). A missing one shows on Today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The choice field.
    pub field: &'static str,
    /// The codes each unit must have at least one live record of.
    pub codes: &'static [&'static str],
}

/// A move of a [`Workflow`]: from one of `from` to `to`, by one of `by`,
/// stamping who and when into `by_field` and `at_field`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The states it starts from.
    pub from: &'static [&'static str],
    /// The state it leads to.
    pub to: &'static str,
    /// The roles that may make it.
    pub by: &'static [Role],
    /// The button's words.
    pub label: Text,
    /// The text field that gets the person's name.
    pub by_field: &'static str,
    /// The date-time field that gets the time.
    pub at_field: &'static str,
}

/// A status workflow: a choice field whose value moves only by
/// [`Transition`]s. The server refuses a state the author's role may not
/// set (a new record must start at `start`); moving *from* the right state
/// is the app's check only, since two offline moves may cross and their
/// merge must never be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// The state field (a `Rule::Choice` over the states).
    pub field: &'static str,
    /// The state a new record starts in.
    pub start: &'static str,
    /// The moves.
    pub moves: &'static [Transition],
}

impl Workflow {
    /// The moves `role` may make from `state`.
    pub fn moves_from(&self, state: &str, role: Role) -> Vec<&'static Transition> {
        self.moves
            .iter()
            .filter(|t| t.from.contains(&state) && t.by.contains(&role))
            .collect()
    }

    /// Whether `role` may set the state to `to` on an existing record (it
    /// is the target of one of the role's moves).
    pub fn may_set(&self, to: &str, role: Role) -> bool {
        self.moves
            .iter()
            .any(|t| t.to == to && t.by.contains(&role))
    }

    /// Whether `field` is written only by transitions (the state and the
    /// stamps), so forms must not offer it.
    pub fn owns(&self, field: &str) -> bool {
        field == self.field
            || self
                .moves
                .iter()
                .any(|t| t.by_field == field || t.at_field == field)
    }
}

/// A value the app fills in when a record is created, instead of a form
/// input (XLSForm's `default` for hidden fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// The signed-in person's display name.
    Me,
    /// A tracking number, unique without a network
    /// (see [`crate::registry::tracking_number`]).
    Tracking,
}

/// Fields of a confidential record hidden from everyone but the district
/// and the author while `flag` is `true` (a reporter's name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Private {
    /// The boolean field that hides them.
    pub flag: &'static str,
    /// The fields hidden (the record's author is hidden too).
    pub fields: &'static [&'static str],
}

/// A rule across two date fields: `later` must not be before `earlier`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct After {
    /// The later field.
    pub later: &'static str,
    /// The earlier field.
    pub earlier: &'static str,
}

/// How a kind appears as a registry: everything the generic list, detail,
/// form, export and Today need besides the kind's fields.
#[derive(Debug)]
pub struct Listing {
    /// The path segment: `/r/<slug>`; also the export's report name.
    pub slug: &'static str,
    /// The list's title, e.g. 应急预案.
    pub title: Text,
    /// One sentence under the title: what the registry is for.
    pub about: Text,
    /// Where the registries page lists it.
    pub group: Group,
    /// The fields that name a record, joined (its title in lists).
    pub name: &'static [&'static str],
    /// The fields shown under the name in lists and exported, in order.
    pub columns: &'static [&'static str],
    /// Choice or boolean fields the list can filter by (with counts).
    pub filters: &'static [&'static str],
    /// The field lists are sorted by, and whether newest first.
    pub sort: (&'static str, bool),
    /// Fields the app fills on create, not shown in the form.
    pub fills: &'static [(&'static str, Fill)],
    /// A date that makes records due.
    pub due: Option<Due>,
    /// What each unit must keep.
    pub expect: Option<Expect>,
    /// A status workflow.
    pub workflow: Option<Workflow>,
    /// Date fields in order (checked on device and server).
    pub after: &'static [After],
    /// Date and date-time fields that cannot be in the future (when
    /// something happened), checked against the device's today by forms
    /// and the server's (a day's grace for time zones) by the server.
    pub past: &'static [&'static str],
    /// Pairs of fields that must differ (双人双锁: two custodians).
    pub differ: &'static [(&'static str, &'static str)],
    /// Child kinds listed on a record's page, each with an add button.
    pub children: &'static [crate::kind::Kind],
    /// Fields hidden from the school (confidential kinds).
    pub private: Option<Private>,
    /// The export of this registry (`/api/export/<slug>`).
    pub report: crate::export::ReportSpec,
}

impl Listing {
    /// Whether the form offers `field` (not filled by the app, not moved by
    /// the workflow).
    pub fn in_form(&self, field: &str) -> bool {
        !self.fills.iter().any(|(f, _)| *f == field)
            && !self.workflow.is_some_and(|w| w.owns(field))
    }
}
