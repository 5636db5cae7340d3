//! Record kinds and their metadata: who may write them, whether they are
//! confidential, whether they are children of another kind, and their fields.
//!
//! Adding a kind: a variant in [`Kind`], its arm in [`Kind::spec`] (a
//! `static` [`KindSpec`], kept with its domain) and its entry in
//! [`Kind::ALL`]. A registry's kind also has a [`Listing`] (its list,
//! filters, due dates, workflow and export) and an entry in
//! [`crate::registry::LISTINGS`]; the generic record pages need nothing else.
//!
//! [`Listing`]: crate::schema::Listing

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::validate::{FieldSpec, Rule};

/// A kind of synced record. Serialised in snake_case (`"drill_arrival"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A school, kindergarten or the district itself (单位). A unit record's
    /// id equals its [`UnitId`](crate::record::UnitId) and its unit is itself.
    Unit,
    /// A class (班级) of a unit.
    Class,
    /// A staff directory entry (人员): name, role, phone.
    Person,
    /// An emergency drill (应急演练): the plan and its evaluation. See
    /// [`crate::drill`].
    Drill,
    /// A drill stopwatch entry (alarm, milestone or class arrival): a child
    /// of [`Kind::Drill`], so concurrent entries never conflict.
    DrillEntry,
    /// An improvement (整改) found by a drill: a child of [`Kind::Drill`].
    DrillFix,
    /// How many drills of a kind a unit must run per term, and by when.
    DrillRequirement,
    /// A clue report (线索). Confidential: readable by the school's admins,
    /// the district and its reporter only. See [`crate::registry`].
    Clue,
    /// An emergency plan (应急预案).
    EmergencyPlan,
    /// A member of the safety team (安全管理队伍).
    SafetyTeamMember,
    /// A hazardous chemical in the ledger (危化物品).
    Chemical,
    /// One use of a hazardous chemical: a child of [`Kind::Chemical`].
    ChemicalUse,
    /// A fire-hazard check of a key area (重点区域消防隐患排查).
    FireCheck,
    /// A vehicle anti-ramming barrier at a gate (防冲撞车阻装置).
    VehicleBarrier,
    /// A member of the leading or working group (领导小组 / 工作小组).
    LeadingGroupMember,
    /// A publicity or training session (宣传培训).
    Training,
    /// One theme of a class's safety-education term plan: a child of
    /// [`Kind::Class`]. See [`crate::lesson`].
    LessonTermPlan,
    /// A safety lesson (安全教育课) given to a class: a child of
    /// [`Kind::Class`]. See [`crate::lesson`].
    SafetyLesson,
    /// A duty roster shift (值班班次). See [`crate::duty`].
    DutyShift,
    /// A period requiring coverage, with its rule (值班保障时段).
    DutyCoverage,
    /// A check-in or check-out: a child of [`Kind::DutyShift`].
    DutyCheck,
    /// A patrol round (巡查): a child of [`Kind::DutyShift`].
    DutyPatrol,
    /// An incident (突发事件): a child of [`Kind::DutyShift`].
    DutyIncident,
    /// A handover note (交接班): a child of [`Kind::DutyShift`].
    DutyHandover,
    /// A weather alert (气象预警); the district's apply to every unit.
    WeatherAlert,
    /// A unit's edited checklist for one alert type.
    AlertChecklist,
    /// One checklist item done for one alert, in the ticking unit.
    AlertTick,
    /// A status report during an alert, in the reporting unit.
    AlertReport,
}

/// What the rest of the system needs to know about a kind.
#[derive(Debug)]
pub struct KindSpec {
    /// The wire name (`serde`), also used in SQL.
    pub name: &'static str,
    /// Chinese label for messages.
    pub zh: &'static str,
    /// English label for messages.
    pub en: &'static str,
    /// Readable only by the unit's admins and the district.
    pub confidential: bool,
    /// Roles that may create or change records of this kind.
    pub writers: &'static [Role],
    /// The kind of the parent record, for child records.
    pub parent: Option<Kind>,
    /// The fields a record of this kind may have, besides `deleted`.
    pub fields: &'static [FieldSpec],
    /// How it shows as a registry on the generic record pages, if it is one
    /// (see [`crate::registry`]).
    pub listing: Option<&'static crate::schema::Listing>,
}

pub(crate) const ADMINS: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin];
pub(crate) const EVERYONE: &[Role] = &[Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff];

static UNIT: KindSpec = KindSpec {
    name: "unit",
    zh: "单位",
    en: "unit",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "名称", "Name", Rule::Text { max: 60 }).required(),
        FieldSpec::new(
            "type",
            "类型",
            "Type",
            Rule::OneOf(&["school", "kindergarten", "district"]),
        )
        .required(),
        FieldSpec::new("address", "地址", "Address", Rule::Text { max: 200 }),
    ],
};

static CLASS: KindSpec = KindSpec {
    name: "class",
    zh: "班级",
    en: "class",
    confidential: false,
    listing: None,
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "班级名称", "Class name", Rule::Text { max: 40 }).required(),
        FieldSpec::new("grade", "年级", "Grade", Rule::Text { max: 20 }),
        FieldSpec::new(
            "size",
            "人数",
            "Number of students",
            Rule::Int { min: 0, max: 200 },
        ),
    ],
};

static PERSON: KindSpec = KindSpec {
    name: "person",
    zh: "人员",
    en: "person",
    confidential: false,
    listing: Some(&crate::registry::kinds::PEOPLE_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "姓名", "Name", Rule::Text { max: 40 }).required(),
        FieldSpec::new("role", "职务", "Role", Rule::Text { max: 40 }),
        FieldSpec::new("phone", "电话", "Phone", Rule::Phone),
    ],
};

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[
        Kind::Unit,
        Kind::Class,
        Kind::Person,
        Kind::Drill,
        Kind::DrillEntry,
        Kind::DrillFix,
        Kind::DrillRequirement,
        Kind::Clue,
        Kind::EmergencyPlan,
        Kind::SafetyTeamMember,
        Kind::Chemical,
        Kind::ChemicalUse,
        Kind::FireCheck,
        Kind::VehicleBarrier,
        Kind::LeadingGroupMember,
        Kind::Training,
        Kind::LessonTermPlan,
        Kind::SafetyLesson,
        Kind::DutyShift,
        Kind::DutyCoverage,
        Kind::DutyCheck,
        Kind::DutyPatrol,
        Kind::DutyIncident,
        Kind::DutyHandover,
        Kind::WeatherAlert,
        Kind::AlertChecklist,
        Kind::AlertTick,
        Kind::AlertReport,
    ];

    /// The kind's metadata.
    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Unit => &UNIT,
            Kind::Class => &CLASS,
            Kind::Person => &PERSON,
            Kind::Drill => &crate::drill::DRILL,
            Kind::DrillEntry => &crate::drill::DRILL_ENTRY,
            Kind::DrillFix => &crate::drill::DRILL_FIX,
            Kind::DrillRequirement => &crate::drill::DRILL_REQUIREMENT,
            Kind::Clue => &crate::registry::kinds::CLUE,
            Kind::EmergencyPlan => &crate::registry::kinds::EMERGENCY_PLAN,
            Kind::SafetyTeamMember => &crate::registry::kinds::SAFETY_TEAM_MEMBER,
            Kind::Chemical => &crate::registry::kinds::CHEMICAL,
            Kind::ChemicalUse => &crate::registry::kinds::CHEMICAL_USE,
            Kind::FireCheck => &crate::registry::kinds::FIRE_CHECK,
            Kind::VehicleBarrier => &crate::registry::kinds::VEHICLE_BARRIER,
            Kind::LeadingGroupMember => &crate::registry::kinds::LEADING_GROUP_MEMBER,
            Kind::Training => &crate::registry::kinds::TRAINING,
            Kind::LessonTermPlan => &crate::lesson::TERM_PLAN_SPEC,
            Kind::SafetyLesson => &crate::lesson::LESSON_SPEC,
            Kind::DutyShift => &crate::duty::kinds::DUTY_SHIFT,
            Kind::DutyCoverage => &crate::duty::kinds::DUTY_COVERAGE,
            Kind::DutyCheck => &crate::duty::kinds::DUTY_CHECK,
            Kind::DutyPatrol => &crate::duty::kinds::DUTY_PATROL,
            Kind::DutyIncident => &crate::duty::kinds::DUTY_INCIDENT,
            Kind::DutyHandover => &crate::duty::kinds::DUTY_HANDOVER,
            Kind::WeatherAlert => &crate::duty::kinds::WEATHER_ALERT,
            Kind::AlertChecklist => &crate::duty::kinds::ALERT_CHECKLIST,
            Kind::AlertTick => &crate::duty::kinds::ALERT_TICK,
            Kind::AlertReport => &crate::duty::kinds::ALERT_REPORT,
        }
    }

    /// The wire name, e.g. `"drill_arrival"`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Parses a wire name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Readable only by the unit's admins and the district.
    pub fn is_confidential(self) -> bool {
        self.spec().confidential
    }

    /// Whether `role` may create or change records of this kind.
    pub fn writable_by(self, role: Role) -> bool {
        self.spec().writers.contains(&role)
    }

    /// The parent kind, for child records.
    pub fn parent(self) -> Option<Kind> {
        self.spec().parent
    }

    /// The field spec for `field`, if the kind has that field.
    pub fn field(self, field: &str) -> Option<&'static FieldSpec> {
        self.spec().fields.iter().find(|f| f.name == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        for &k in Kind::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Kind::from_name("note_test"), None);
    }

    #[test]
    fn only_clues_are_confidential_and_arrivals_are_children_of_drills() {
        let confidential: Vec<Kind> = Kind::ALL
            .iter()
            .copied()
            .filter(|k| k.is_confidential())
            .collect();
        assert_eq!(confidential, vec![Kind::Clue]);
        assert_eq!(Kind::DrillEntry.parent(), Some(Kind::Drill));
        assert!(!Kind::Class.writable_by(Role::Staff));
        assert!(Kind::DrillEntry.writable_by(Role::Staff));
    }
}
