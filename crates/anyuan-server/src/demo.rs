//! The demo district (`--demo`): on the first start of an empty database,
//! a district with two schools and a kindergarten, their classes and staff
//! directory, and one account per role, all with [`DEMO_PASSWORD`]. The
//! records go through the same ingest path as pushes, so they are in the
//! change log and in pulls like any other data.

use anyuan_core::record::RecordId;
use anyuan_core::{Actor, Kind, Role, UnitId};
use serde_json::json;
use uuid::Uuid;

use crate::{AppState, Error, accounts, org, sync};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "anyuan2018";

/// The demo district's name.
pub const DISTRICT_NAME: &str = "示例区教育局";

/// A demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub login: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// The unit's name.
    pub unit: &'static str,
}

/// What the demo seed made.
#[derive(Debug, Clone)]
pub struct Demo {
    pub district: UnitId,
    /// Unit ids by name, the district first.
    pub units: Vec<(&'static str, UnitId)>,
    pub logins: Vec<DemoLogin>,
}

impl Demo {
    /// A unit's id by name.
    pub fn unit(&self, name: &str) -> UnitId {
        self.units
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
            .unwrap_or_else(|| panic!("no demo unit {name}"))
    }

    /// The text printed at start-up: where to sign in and with what.
    pub fn banner(&self) -> String {
        let mut s = format!(
            "演示数据已创建 / Demo data created. 所有演示账号的密码 / password of every demo account: {DEMO_PASSWORD}\n"
        );
        for l in &self.logins {
            s.push_str(&format!(
                "  {:<14} {} · {} ({})\n",
                l.login,
                l.display_name,
                l.unit,
                accounts::role_name(l.role)
            ));
        }
        s
    }
}

/// A demo class: (grade, name, size).
type DemoClass = (&'static str, &'static str, i64);

/// Schools and kindergartens: (name, type, classes).
const UNITS: &[(&str, &str, &[DemoClass])] = &[
    (
        "示例第一中学",
        "school",
        &[
            ("初一", "初一(1)班", 40),
            ("初一", "初一(2)班", 42),
            ("初二", "初二(1)班", 41),
            ("初三", "初三(1)班", 38),
        ],
    ),
    (
        "示例实验小学",
        "school",
        &[
            ("一年级", "一年级(1)班", 36),
            ("三年级", "三年级(2)班", 38),
            ("五年级", "五年级(1)班", 40),
        ],
    ),
    (
        "示例幼儿园",
        "kindergarten",
        &[
            ("小班", "小一班", 25),
            ("中班", "中一班", 28),
            ("大班", "大一班", 30),
        ],
    ),
];

/// Staff directory: (unit name, person name, job, phone).
const PEOPLE: &[(&str, &str, &str, &str)] = &[
    (DISTRICT_NAME, "周建国", "法制科科长", "021-60000001"),
    ("示例第一中学", "王校长", "校长", "13800000001"),
    ("示例第一中学", "李明", "分管安全副校长", "13800000002"),
    ("示例第一中学", "张老师", "初一(1)班班主任", "13800000003"),
    ("示例第一中学", "赵师傅", "保安", "13800000004"),
    ("示例实验小学", "陈校长", "校长", "13900000001"),
    ("示例实验小学", "刘老师", "安全联络员", "13900000002"),
    ("示例实验小学", "孙老师", "三年级(2)班班主任", "13900000003"),
    ("示例幼儿园", "黄园长", "园长", "13700000001"),
    ("示例幼儿园", "吴老师", "保育员", "13700000002"),
];

/// The calendar day in China at `ms`.
fn demo_today(ms: u64) -> chrono::NaiveDate {
    let ms = i64::try_from(ms)
        .unwrap_or(i64::MAX)
        .saturating_add(8 * 3_600_000);
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Registry records that make the demo worth opening: 示例第一中学 keeps a
/// leading group, plans (one past its revision date), a guard whose
/// certificate expires soon, a chemical and its barriers; 示例实验小学 and
/// 示例幼儿园 have none yet, so their Today says what is missing. Dates are
/// relative to `today`.
fn registry_records(today: chrono::NaiveDate) -> Vec<(&'static str, Kind, serde_json::Value)> {
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    let school = "示例第一中学";
    vec![
        (
            school,
            Kind::LeadingGroupMember,
            json!({"name": "王校长", "group": "leading", "position": "leader", "post": "校长", "phone": "13800000001", "duties": "全面负责学校安全工作"}),
        ),
        (
            school,
            Kind::LeadingGroupMember,
            json!({"name": "李明", "group": "leading", "position": "leader_in_charge", "post": "分管安全副校长", "phone": "13800000002", "duties": "分管安全工作，组织演练和隐患排查"}),
        ),
        (
            school,
            Kind::LeadingGroupMember,
            json!({"name": "张老师", "group": "working", "position": "liaison", "post": "德育处干事", "phone": "13800000003", "duties": "信息报送和联络"}),
        ),
        (
            school,
            Kind::EmergencyPlan,
            json!({"plan_kind": "general", "title": "示例第一中学突发事件总体应急预案", "version": "2026版", "approved_on": day(-90), "next_revision": day(270), "responsible": "李明", "commander": "王校长", "deputy": "李明", "partners": "辖区派出所 110；消防 119；急救 120"}),
        ),
        (
            school,
            Kind::EmergencyPlan,
            json!({"plan_kind": "fire", "title": "火灾应急疏散预案", "version": "2025版", "approved_on": day(-400), "next_revision": day(-35), "responsible": "李明", "commander": "王校长", "steps": "发现火情→报警→组织疏散→清点人数→配合消防"}),
        ),
        (
            school,
            Kind::EmergencyPlan,
            json!({"plan_kind": "earthquake", "title": "地震应急疏散预案", "version": "2026版", "approved_on": day(-60), "next_revision": day(300), "responsible": "李明"}),
        ),
        (
            school,
            Kind::SafetyTeamMember,
            json!({"name": "赵师傅", "member_type": "guard", "post": "东门", "phone": "13800000004", "cert_no": "沪保0012345", "cert_expiry": day(20)}),
        ),
        (
            school,
            Kind::SafetyTeamMember,
            json!({"name": "张老师", "member_type": "teacher", "post": "护导", "phone": "13800000003"}),
        ),
        (
            school,
            Kind::SafetyTeamMember,
            json!({"name": "钱女士", "member_type": "parent", "post": "上学护导", "phone": "13600000001"}),
        ),
        (
            school,
            Kind::Chemical,
            json!({"substance": "浓盐酸", "location": "化学准备室柜2", "quantity": 6, "quantity_unit": "瓶", "custodian_a": "吴老师", "custodian_b": "郑老师", "last_check": day(-20), "next_check": day(10)}),
        ),
        (
            school,
            Kind::VehicleBarrier,
            json!({"gate": "东门", "status": "planned", "install_deadline": day(10)}),
        ),
        (
            school,
            Kind::FireCheck,
            json!({"area": "kitchen", "area_name": "食堂后厨", "checked_on": day(-7), "checker": "李明", "result": "problems", "problems": "灭火器一具压力不足，已报修"}),
        ),
        (
            school,
            Kind::Training,
            json!({"held_on": day(-14), "audience": "teachers", "topic": "first_aid", "title": "心肺复苏和AED使用", "hours": 2, "participants": 46, "organiser": "李明"}),
        ),
    ]
}

/// The demo accounts: (login, display name, role, unit name).
const LOGINS: &[(&str, &str, Role, &str)] = &[
    ("district", "周建国", Role::DistrictAdmin, DISTRICT_NAME),
    ("school1", "李明", Role::SchoolAdmin, "示例第一中学"),
    ("teacher1", "张老师", Role::Staff, "示例第一中学"),
    ("school2", "刘老师", Role::SchoolAdmin, "示例实验小学"),
    ("teacher2", "孙老师", Role::Staff, "示例实验小学"),
    ("kg1", "黄园长", Role::SchoolAdmin, "示例幼儿园"),
];

/// Seeds the demo district if the database has no district yet; `None` when
/// it already has one (the demo is never mixed into real data).
pub async fn seed_if_empty(state: &AppState) -> Result<Option<Demo>, Error> {
    if state.district().await?.is_some() {
        return Ok(None);
    }
    let (district, admin) = org::bootstrap(
        state,
        DISTRICT_NAME,
        LOGINS[0].0,
        LOGINS[0].1,
        DEMO_PASSWORD,
    )
    .await?;
    let actor = Actor {
        user: admin.id,
        role: Role::DistrictAdmin,
        unit: district,
        district,
    };
    let mut units = vec![(DISTRICT_NAME, district)];
    let mut changes = Vec::new();
    for (name, kind, classes) in UNITS {
        let unit = UnitId(Uuid::now_v7());
        units.push((name, unit));
        changes.push(sync::server_change(
            state,
            RecordId(unit.0),
            Kind::Unit,
            unit,
            None,
            json!({"name": name, "type": kind}),
        ));
        for (grade, class, size) in *classes {
            changes.push(sync::server_change(
                state,
                RecordId(Uuid::now_v7()),
                Kind::Class,
                unit,
                None,
                json!({"name": class, "grade": grade, "size": size}),
            ));
        }
    }
    let unit_of = |name: &str| {
        units
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, u)| *u)
            .ok_or_else(|| Error::Internal(format!("demo unit {name} missing")))
    };
    for (unit, name, job, phone) in PEOPLE {
        changes.push(sync::server_change(
            state,
            RecordId(Uuid::now_v7()),
            Kind::Person,
            unit_of(unit)?,
            None,
            json!({"name": name, "role": job, "phone": phone}),
        ));
    }
    let today = demo_today(state.now_ms());
    for (unit, kind, fields) in registry_records(today) {
        changes.push(sync::server_change(
            state,
            RecordId(Uuid::now_v7()),
            kind,
            unit_of(unit)?,
            None,
            fields,
        ));
    }
    sync::ingest_server_changes(state, &actor, changes).await?;
    let mut logins = vec![DemoLogin {
        login: LOGINS[0].0,
        display_name: LOGINS[0].1,
        role: LOGINS[0].2,
        unit: LOGINS[0].3,
    }];
    for &(login, display_name, role, unit) in &LOGINS[1..] {
        accounts::insert_user(
            state,
            login,
            display_name,
            role,
            unit_of(unit)?,
            DEMO_PASSWORD,
        )
        .await?;
        logins.push(DemoLogin {
            login,
            display_name,
            role,
            unit,
        });
    }
    Ok(Some(Demo {
        district,
        units,
        logins,
    }))
}
