//! The registries' kinds: their fields and how they list. Each is a
//! [`KindSpec`] with a [`Listing`]; nothing else in the app or the server
//! is written per registry.

use crate::auth::Role;
use crate::export::ReportSpec;
use crate::kind::{ADMINS, EVERYONE, Kind, KindSpec};
use crate::schema::{
    After, Choice, Due, Expect, Fill, Group, Listing, Private, Transition, Workflow, choice, text,
};
use crate::validate::{FieldSpec, Rule};

const NAME: Rule = Rule::Text { max: 40 };
const SHORT: Rule = Rule::Text { max: 100 };
const LONG: Rule = Rule::Text { max: 2000 };
const DISTRICT: &[Role] = &[Role::DistrictAdmin];

const fn report(
    slug: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: &'static [Kind],
) -> ReportSpec {
    ReportSpec {
        name: slug,
        zh,
        en,
        kinds: kind,
        build: super::registry_report,
    }
}

// ---------------------------------------------------------------- 应急预案

/// What a plan is for: the general plan and one per drill kind (the codes
/// are the drill kinds', so a drill finds its plan).
pub static PLAN_KINDS: &[Choice] = &[
    choice("general", "总体预案", "General plan"),
    choice("violence", "防范暴力事件", "Violence / intruder"),
    choice("fire", "火灾", "Fire"),
    choice("weather", "气象灾害", "Severe weather"),
    choice("earthquake", "地震", "Earthquake"),
    choice("disease", "传染病", "Infectious disease"),
    choice("food_poisoning", "集体性食物中毒", "Mass food poisoning"),
    choice("school_bus", "校车事故应急逃生", "School-bus evacuation"),
    choice("other", "其他", "Other"),
];

pub static PLAN_LISTING: Listing = Listing {
    slug: "emergency_plans",
    title: text("应急预案", "Emergency plans"),
    about: text(
        "总体预案和每类演练的专项预案：指挥体系、响应程序、分工和联动单位，按期修订。",
        "The general plan and a plan per drill kind: command, response steps, division of work and partners, revised on time.",
    ),
    group: Group::Organisation,
    name: &["title"],
    columns: &[
        "plan_kind",
        "version",
        "approved_on",
        "next_revision",
        "responsible",
    ],
    filters: &["plan_kind"],
    sort: ("plan_kind", false),
    fills: &[],
    due: Some(Due {
        field: "next_revision",
        done_when_set: None,
        done_states: &[],
        warn_days: 30,
        what: text("预案修订", "plan revision"),
    }),
    expect: Some(Expect {
        field: "plan_kind",
        codes: &[
            "general",
            "violence",
            "fire",
            "weather",
            "earthquake",
            "disease",
            "food_poisoning",
            "school_bus",
        ],
    }),
    workflow: None,
    after: &[After {
        later: "next_revision",
        earlier: "approved_on",
    }],
    past: &["approved_on"],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "emergency_plans",
        "应急预案",
        "Emergency plans",
        &[Kind::EmergencyPlan, Kind::Unit],
    ),
};

/// [`Kind::EmergencyPlan`].
pub static EMERGENCY_PLAN: KindSpec = KindSpec {
    name: "emergency_plan",
    zh: "应急预案",
    en: "emergency plan",
    confidential: false,
    listing: Some(&PLAN_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new(
            "plan_kind",
            "预案类别",
            "Plan for",
            Rule::Choice(PLAN_KINDS),
        )
        .required(),
        FieldSpec::new("title", "预案名称", "Title", SHORT).required(),
        FieldSpec::new("version", "版本", "Version", Rule::Text { max: 20 }),
        FieldSpec::new("approved_on", "批准日期", "Approved on", Rule::Date),
        FieldSpec::new(
            "next_revision",
            "下次修订日期",
            "Next revision due",
            Rule::Date,
        ),
        FieldSpec::new("responsible", "责任人", "Person responsible", NAME).required(),
        FieldSpec::new("commander", "总指挥", "Commander", NAME),
        FieldSpec::new("deputy", "副总指挥", "Deputy commander", NAME),
        FieldSpec::new("steps", "响应程序", "Response steps", LONG),
        FieldSpec::new("division", "职责分工", "Division of work", LONG),
        FieldSpec::new(
            "partners",
            "联动单位及联系方式（110/119/120、派出所、医院）",
            "Partners and contacts (110/119/120, police station, hospital)",
            Rule::Text { max: 1000 },
        ),
    ],
};

// ---------------------------------------------------------------- 人员名录

/// The staff directory ([`Kind::Person`], declared in `kind.rs`): a plain
/// registry with no page of its own.
pub static PEOPLE_LISTING: Listing = Listing {
    slug: "people",
    title: text("人员名录", "Staff directory"),
    about: text(
        "本单位人员的职务和电话，值班、预案和队伍登记时可以查到。",
        "The unit's people with their jobs and phones, for duty, plans and the safety team.",
    ),
    group: Group::Organisation,
    name: &["name"],
    columns: &["role", "phone"],
    filters: &[],
    sort: ("name", false),
    fills: &[],
    due: None,
    expect: None,
    workflow: None,
    after: &[],
    past: &[],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "people",
        "人员名录",
        "Staff directory",
        &[Kind::Person, Kind::Unit],
    ),
};

// ---------------------------------------------------------------- 安全管理队伍

/// Types of safety-team members.
pub static MEMBER_TYPES: &[Choice] = &[
    choice("guard", "专职保安", "Security guard"),
    choice("teacher", "教师", "Teacher"),
    choice("parent", "家长志愿者", "Parent volunteer"),
];

pub static TEAM_LISTING: Listing = Listing {
    slug: "safety_team",
    title: text("安全管理队伍", "Safety team"),
    about: text(
        "专职保安、教师和家长志愿者：岗位、电话，保安员证到期前提醒。",
        "Security guards, teachers and parent volunteers: posts and phones, with a reminder before a guard's certificate expires.",
    ),
    group: Group::Organisation,
    name: &["name"],
    columns: &["member_type", "post", "phone", "cert_expiry"],
    filters: &["member_type"],
    sort: ("member_type", false),
    fills: &[],
    due: Some(Due {
        field: "cert_expiry",
        done_when_set: None,
        done_states: &[],
        warn_days: 30,
        what: text("证书到期", "certificate expiry"),
    }),
    expect: None,
    workflow: None,
    after: &[],
    past: &[],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "safety_team",
        "安全管理队伍",
        "Safety team",
        &[Kind::SafetyTeamMember, Kind::Unit],
    ),
};

/// [`Kind::SafetyTeamMember`].
pub static SAFETY_TEAM_MEMBER: KindSpec = KindSpec {
    name: "safety_team_member",
    zh: "安全管理队伍成员",
    en: "safety team member",
    confidential: false,
    listing: Some(&TEAM_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "姓名", "Name", NAME).required(),
        FieldSpec::new("member_type", "类别", "Type", Rule::Choice(MEMBER_TYPES)).required(),
        FieldSpec::new("post", "岗位", "Post", NAME),
        FieldSpec::new("phone", "电话", "Phone", Rule::Phone),
        FieldSpec::new(
            "cert_no",
            "保安员证号",
            "Certificate number",
            Rule::Text { max: 40 },
        ),
        FieldSpec::new(
            "cert_expiry",
            "证书有效期至",
            "Certificate valid until",
            Rule::Date,
        ),
    ],
};

// ---------------------------------------------------------------- 危化物品

pub static CHEMICAL_LISTING: Listing = Listing {
    slug: "chemicals",
    title: text("危化物品台帐", "Hazardous chemicals"),
    about: text(
        "危险化学品的存放地点、数量和双人双锁保管人，定期检查，每次领用登记。",
        "Where hazardous chemicals are kept, how much, the two custodians (two people, two locks), regular checks and every use.",
    ),
    group: Group::Checks,
    name: &["substance"],
    columns: &[
        "location",
        "quantity",
        "quantity_unit",
        "custodian_a",
        "custodian_b",
        "next_check",
    ],
    filters: &[],
    sort: ("substance", false),
    fills: &[],
    due: Some(Due {
        field: "next_check",
        done_when_set: None,
        done_states: &[],
        warn_days: 7,
        what: text("危化物品检查", "chemical check"),
    }),
    expect: None,
    workflow: None,
    after: &[After {
        later: "next_check",
        earlier: "last_check",
    }],
    past: &["last_check"],
    differ: &[("custodian_a", "custodian_b")],
    children: &[Kind::ChemicalUse],
    private: None,
    report: report(
        "chemicals",
        "危化物品台帐",
        "Hazardous chemicals",
        &[Kind::Chemical, Kind::Unit],
    ),
};

/// [`Kind::Chemical`].
pub static CHEMICAL: KindSpec = KindSpec {
    name: "chemical",
    zh: "危化物品",
    en: "hazardous chemical",
    confidential: false,
    listing: Some(&CHEMICAL_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("substance", "物品名称", "Substance", SHORT).required(),
        FieldSpec::new("location", "存放地点", "Location", SHORT).required(),
        FieldSpec::new(
            "quantity",
            "数量",
            "Quantity",
            Rule::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
        FieldSpec::new("quantity_unit", "单位", "Unit", Rule::Text { max: 10 }),
        FieldSpec::new("custodian_a", "保管人（一）", "Custodian 1", NAME).required(),
        FieldSpec::new("custodian_b", "保管人（二）", "Custodian 2", NAME).required(),
        FieldSpec::new("last_check", "上次检查", "Last checked", Rule::Date),
        FieldSpec::new("next_check", "下次检查", "Next check due", Rule::Date),
    ],
};

pub static CHEMICAL_USE_LISTING: Listing = Listing {
    slug: "chemical_uses",
    title: text("危化物品领用记录", "Chemical use log"),
    about: text(
        "每次领用：时间、用量、用途和领用人。",
        "Each use: when, how much, what for and by whom.",
    ),
    group: Group::Checks,
    name: &["used_at"],
    columns: &["amount", "purpose", "used_by"],
    filters: &[],
    sort: ("used_at", true),
    fills: &[],
    due: None,
    expect: None,
    workflow: None,
    after: &[],
    past: &["used_at"],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "chemical_uses",
        "危化物品领用记录",
        "Chemical use log",
        &[Kind::ChemicalUse, Kind::Unit],
    ),
};

/// [`Kind::ChemicalUse`]: a child of [`Kind::Chemical`].
pub static CHEMICAL_USE: KindSpec = KindSpec {
    name: "chemical_use",
    zh: "危化物品领用",
    en: "chemical use",
    confidential: false,
    listing: Some(&CHEMICAL_USE_LISTING),
    writers: EVERYONE,
    parent: Some(Kind::Chemical),
    fields: &[
        FieldSpec::new("used_at", "领用时间", "Used at", Rule::DateTime).required(),
        FieldSpec::new("amount", "用量", "Amount", Rule::Text { max: 20 }).required(),
        FieldSpec::new("purpose", "用途", "Purpose", SHORT),
        FieldSpec::new("used_by", "领用人", "Used by", NAME).required(),
    ],
};

// ---------------------------------------------------------------- 消防隐患排查

/// Key areas for fire checks.
pub static FIRE_AREAS: &[Choice] = &[
    choice("lab", "实验室", "Laboratory"),
    choice("kitchen", "食堂厨房", "Kitchen"),
    choice("dormitory", "宿舍", "Dormitory"),
    choice("library", "图书馆", "Library"),
    choice("power", "配电房", "Power room"),
    choice("other", "其他", "Other"),
];

/// A check's result.
pub static CHECK_RESULTS: &[Choice] = &[
    choice("ok", "未发现问题", "No problems"),
    choice("problems", "发现问题", "Problems found"),
];

pub static FIRE_LISTING: Listing = Listing {
    slug: "fire_checks",
    title: text("重点区域消防隐患排查", "Fire checks of key areas"),
    about: text(
        "实验室、食堂、宿舍等重点区域的消防检查：日期、检查人、结果和发现的问题。",
        "Fire checks of labs, kitchens, dormitories and other key areas: date, checker, result and problems found.",
    ),
    group: Group::Checks,
    name: &["area", "area_name"],
    columns: &["checked_on", "checker", "result"],
    filters: &["area", "result"],
    sort: ("checked_on", true),
    fills: &[],
    due: None,
    expect: None,
    workflow: None,
    after: &[],
    past: &["checked_on"],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "fire_checks",
        "重点区域消防隐患排查",
        "Fire checks",
        &[Kind::FireCheck, Kind::Unit],
    ),
};

/// [`Kind::FireCheck`].
pub static FIRE_CHECK: KindSpec = KindSpec {
    name: "fire_check",
    zh: "消防隐患排查",
    en: "fire check",
    confidential: false,
    listing: Some(&FIRE_LISTING),
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new("area", "区域", "Area", Rule::Choice(FIRE_AREAS)).required(),
        FieldSpec::new("area_name", "具体位置", "Place", SHORT),
        FieldSpec::new("checked_on", "检查日期", "Checked on", Rule::Date).required(),
        FieldSpec::new("checker", "检查人", "Checker", NAME).required(),
        FieldSpec::new("result", "检查结果", "Result", Rule::Choice(CHECK_RESULTS)).required(),
        FieldSpec::new("problems", "发现的问题", "Problems found", LONG),
    ],
};

// ---------------------------------------------------------------- 防冲撞车阻装置

/// A barrier's states.
pub static BARRIER_STATES: &[Choice] = &[
    choice("planned", "计划安装", "Planned"),
    choice("installed", "已安装", "Installed"),
    choice("checked", "已验收", "Checked"),
];

pub static BARRIER_LISTING: Listing = Listing {
    slug: "vehicle_barriers",
    title: text("防冲撞车阻装置", "Vehicle barriers"),
    about: text(
        "每个校门的防车辆冲撞装置：安装期限、安装和验收，逾期未装的会提醒。",
        "The anti-ramming barrier at each gate: install deadline, installation and check; late ones are flagged.",
    ),
    group: Group::Checks,
    name: &["gate"],
    columns: &["status", "install_deadline", "installed_on", "checked_at"],
    filters: &["status"],
    sort: ("install_deadline", false),
    fills: &[],
    due: Some(Due {
        field: "install_deadline",
        done_when_set: Some("installed_on"),
        done_states: &["installed", "checked"],
        warn_days: 14,
        what: text("车阻安装", "barrier installation"),
    }),
    expect: None,
    workflow: Some(Workflow {
        field: "status",
        start: "planned",
        moves: &[
            Transition {
                from: &["planned"],
                to: "installed",
                by: ADMINS,
                label: text("标记为已安装", "Mark installed"),
                by_field: "installed_by",
                at_field: "installed_at",
            },
            Transition {
                from: &["installed"],
                to: "checked",
                by: ADMINS,
                label: text("验收", "Check and accept"),
                by_field: "checked_by",
                at_field: "checked_at",
            },
        ],
    }),
    after: &[],
    past: &["installed_on"],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "vehicle_barriers",
        "防冲撞车阻装置",
        "Vehicle barriers",
        &[Kind::VehicleBarrier, Kind::Unit],
    ),
};

/// [`Kind::VehicleBarrier`].
pub static VEHICLE_BARRIER: KindSpec = KindSpec {
    name: "vehicle_barrier",
    zh: "防冲撞车阻装置",
    en: "vehicle barrier",
    confidential: false,
    listing: Some(&BARRIER_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("gate", "校门", "Gate", SHORT).required(),
        FieldSpec::new("status", "状态", "Status", Rule::Choice(BARRIER_STATES)).required(),
        FieldSpec::new("install_deadline", "安装期限", "Install by", Rule::Date).required(),
        FieldSpec::new("installed_on", "安装日期", "Installed on", Rule::Date),
        FieldSpec::new("installed_by", "标记安装人", "Marked installed by", NAME),
        FieldSpec::new(
            "installed_at",
            "标记安装时间",
            "Marked installed at",
            Rule::DateTime,
        ),
        FieldSpec::new("checked_by", "验收人", "Checked by", NAME),
        FieldSpec::new("checked_at", "验收时间", "Checked at", Rule::DateTime),
        FieldSpec::new("notes", "备注", "Notes", LONG),
    ],
};

// ---------------------------------------------------------------- 领导小组

/// Which group.
pub static GROUPS: &[Choice] = &[
    choice("leading", "领导小组", "Leading group"),
    choice("working", "工作小组", "Working group"),
];

/// Positions in a group.
pub static POSITIONS: &[Choice] = &[
    choice("leader", "组长", "Leader"),
    choice("deputy", "副组长", "Deputy leader"),
    choice("leader_in_charge", "分管领导", "Leader in charge"),
    choice("liaison", "联络员", "Liaison"),
    choice("member", "成员", "Member"),
];

pub static GROUP_LISTING: Listing = Listing {
    slug: "leading_group",
    title: text("领导小组", "Leading group"),
    about: text(
        "领导小组和工作小组：分管领导、联络员、成员和职责。每个单位都必须有分管领导和联络员。",
        "The leading and working groups: leader in charge, liaison, members and duties. Every unit must have a leader in charge and a liaison.",
    ),
    group: Group::Organisation,
    name: &["name"],
    columns: &["group", "position", "post", "phone", "duties"],
    filters: &["group", "position"],
    sort: ("position", false),
    fills: &[],
    due: None,
    expect: Some(Expect {
        field: "position",
        codes: &["leader_in_charge", "liaison"],
    }),
    workflow: None,
    after: &[],
    past: &[],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "leading_group",
        "领导小组",
        "Leading group",
        &[Kind::LeadingGroupMember, Kind::Unit],
    ),
};

/// [`Kind::LeadingGroupMember`].
pub static LEADING_GROUP_MEMBER: KindSpec = KindSpec {
    name: "leading_group_member",
    zh: "领导小组成员",
    en: "group member",
    confidential: false,
    listing: Some(&GROUP_LISTING),
    writers: ADMINS,
    parent: None,
    fields: &[
        FieldSpec::new("name", "姓名", "Name", NAME).required(),
        FieldSpec::new("group", "小组", "Group", Rule::Choice(GROUPS)).required(),
        FieldSpec::new("position", "组内职务", "Position", Rule::Choice(POSITIONS)).required(),
        FieldSpec::new("post", "行政职务", "Post", NAME),
        FieldSpec::new("phone", "电话", "Phone", Rule::Phone),
        FieldSpec::new("duties", "职责", "Duties", Rule::Text { max: 500 }),
    ],
};

// ---------------------------------------------------------------- 宣传培训

/// Who a session was for.
pub static AUDIENCES: &[Choice] = &[
    choice("teachers", "教职工", "Teachers and staff"),
    choice("students", "学生", "Students"),
    choice("parents", "家长", "Parents"),
];

/// Topics of publicity and training.
pub static TOPICS: &[Choice] = &[
    choice("safety", "安全常识", "General safety"),
    choice("anti_terror", "反恐防暴", "Anti-terrorism"),
    choice("first_aid", "急救技能", "First aid"),
    choice("fire", "消防安全", "Fire safety"),
    choice("traffic", "交通安全", "Traffic safety"),
    choice("anti_crime", "扫黑除恶", "Anti-organised crime"),
    choice("other", "其他", "Other"),
];

pub static TRAINING_LISTING: Listing = Listing {
    slug: "trainings",
    title: text("宣传培训", "Publicity and training"),
    about: text(
        "面向教职工、学生和家长的安全、反恐宣传和技能培训。",
        "Safety and anti-terrorism publicity and skills training for staff, students and parents.",
    ),
    group: Group::Education,
    name: &["topic", "title"],
    columns: &["held_on", "audience", "hours", "participants", "organiser"],
    filters: &["audience", "topic"],
    sort: ("held_on", true),
    fills: &[],
    due: None,
    expect: None,
    workflow: None,
    after: &[],
    past: &["held_on"],
    differ: &[],
    children: &[],
    private: None,
    report: report(
        "trainings",
        "宣传培训",
        "Publicity and training",
        &[Kind::Training, Kind::Unit],
    ),
};

/// [`Kind::Training`].
pub static TRAINING: KindSpec = KindSpec {
    name: "training",
    zh: "宣传培训",
    en: "training",
    confidential: false,
    listing: Some(&TRAINING_LISTING),
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new("held_on", "日期", "Date", Rule::Date).required(),
        FieldSpec::new("audience", "对象", "Audience", Rule::Choice(AUDIENCES)).required(),
        FieldSpec::new("topic", "主题", "Topic", Rule::Choice(TOPICS)).required(),
        FieldSpec::new("title", "内容", "Title", SHORT),
        FieldSpec::new("hours", "课时", "Hours", Rule::Int { min: 1, max: 100 }),
        FieldSpec::new(
            "participants",
            "参加人数",
            "Participants",
            Rule::Int {
                min: 0,
                max: 100_000,
            },
        ),
        FieldSpec::new("organiser", "组织者", "Organiser", NAME),
    ],
};

// ---------------------------------------------------------------- 线索

/// Categories of clue reports.
pub static CLUE_TYPES: &[Choice] = &[
    choice("drug_lure", "引诱学生涉毒", "Luring students to drugs"),
    choice("gambling", "赌博", "Gambling"),
    choice("harassment", "骚扰师生", "Harassing teachers or students"),
    choice("gang", "帮派、敲诈勒索", "Gangs or extortion"),
    choice("other", "其他", "Other"),
];

/// A clue's states.
pub static CLUE_STATES: &[Choice] = &[
    choice("reported", "已上报", "Reported"),
    choice("received", "区教育局已接收", "Received by the district"),
    choice("forwarded", "已移送公安", "Forwarded to the police"),
    choice("closed", "已办结", "Closed"),
];

pub static CLUE_LISTING: Listing = Listing {
    slug: "clues",
    title: text("线索举报", "Clue reports"),
    about: text(
        "校园周边涉黑涉恶、涉毒、赌博、骚扰师生等线索。保密：举报人只能看到自己的举报，学校管理员和区教育局可见本范围内的全部。",
        "Clues of organised crime, drugs, gambling or harassment near campus. Confidential: reporters see only their own; school administrators and the district see all in their scope.",
    ),
    group: Group::Reports,
    name: &["clue_type", "place"],
    columns: &["tracking_no", "status", "occurred_at", "reporter"],
    filters: &["clue_type", "status"],
    sort: ("tracking_no", true),
    fills: &[("tracking_no", Fill::Tracking), ("reporter", Fill::Me)],
    due: None,
    expect: None,
    workflow: Some(Workflow {
        field: "status",
        start: "reported",
        moves: &[
            Transition {
                from: &["reported"],
                to: "received",
                by: DISTRICT,
                label: text("确认接收", "Mark received"),
                by_field: "received_by",
                at_field: "received_at",
            },
            Transition {
                from: &["reported", "received"],
                to: "forwarded",
                by: DISTRICT,
                label: text("移送公安", "Forward to the police"),
                by_field: "forwarded_by",
                at_field: "forwarded_at",
            },
            Transition {
                from: &["reported", "received", "forwarded"],
                to: "closed",
                by: DISTRICT,
                label: text("办结", "Close"),
                by_field: "closed_by",
                at_field: "closed_at",
            },
        ],
    }),
    after: &[],
    past: &["occurred_at"],
    differ: &[],
    children: &[],
    private: Some(Private {
        flag: "hide_name",
        fields: &["reporter"],
    }),
    report: report(
        "clues",
        "线索举报",
        "Clue reports",
        &[Kind::Clue, Kind::Unit],
    ),
};

/// [`Kind::Clue`]: confidential (see [`crate::auth::can_read_record`]).
pub static CLUE: KindSpec = KindSpec {
    name: "clue",
    zh: "线索",
    en: "clue report",
    confidential: true,
    listing: Some(&CLUE_LISTING),
    writers: EVERYONE,
    parent: None,
    fields: &[
        FieldSpec::new(
            "clue_type",
            "线索类别",
            "Category",
            Rule::Choice(CLUE_TYPES),
        )
        .required(),
        FieldSpec::new("place", "地点", "Place", SHORT).required(),
        FieldSpec::new("occurred_at", "发生时间", "When", Rule::DateTime),
        FieldSpec::new(
            "people",
            "涉及人员",
            "People involved",
            Rule::Text { max: 500 },
        ),
        FieldSpec::new("description", "情况描述", "Description", LONG).required(),
        FieldSpec::new(
            "hide_name",
            "对学校隐去我的姓名",
            "Hide my name from the school",
            Rule::Bool,
        ),
        FieldSpec::new(
            "tracking_no",
            "受理编号",
            "Tracking number",
            Rule::Text { max: 40 },
        )
        .required(),
        FieldSpec::new("reporter", "举报人", "Reported by", NAME),
        FieldSpec::new("status", "办理状态", "Status", Rule::Choice(CLUE_STATES)).required(),
        FieldSpec::new("received_by", "接收人", "Received by", NAME),
        FieldSpec::new("received_at", "接收时间", "Received at", Rule::DateTime),
        FieldSpec::new("forwarded_by", "移送人", "Forwarded by", NAME),
        FieldSpec::new("forwarded_at", "移送时间", "Forwarded at", Rule::DateTime),
        FieldSpec::new("closed_by", "办结人", "Closed by", NAME),
        FieldSpec::new("closed_at", "办结时间", "Closed at", Rule::DateTime),
    ],
};
