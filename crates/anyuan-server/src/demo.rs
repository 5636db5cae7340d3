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
