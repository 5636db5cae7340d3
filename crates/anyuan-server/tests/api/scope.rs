//! Scope: who reads and writes what, across schools, roles and endpoints.

use std::collections::{BTreeMap, BTreeSet};

use anyuan_core::auth::can_read;
use anyuan_core::record::RecordId;
use anyuan_core::wire::{PushResultV1, RefusalCode};
use anyuan_core::{Actor, Kind, Role, UnitId};
use anyuan_server::sync::{pull_for, scope_sql};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Device, TestApp};

on_both!(
    no_one_reads_or_writes_another_school_on_any_endpoint,
    a_clue_is_read_by_its_reporter_its_schools_admins_and_the_district_only,
    scope_sql_selects_exactly_what_may_read_allows,
);

const LOGINS: [&str; 6] = [
    "district", "school1", "teacher1", "school2", "teacher2", "kg1",
];

/// The fields of a valid record of each kind.
fn fields(kind: Kind) -> Value {
    match kind {
        Kind::Unit => json!({"name": "x", "type": "school"}),
        Kind::Class => json!({"name": "测试班"}),
        Kind::Person => json!({"name": "测试人员"}),
        Kind::Drill => json!({"drill_kind": "fire"}),
        Kind::DrillEntry => json!({"what": "arrival", "class": "测试班", "present": 30}),
        Kind::DrillFix => {
            json!({"what": "疏散通道加贴指示", "owner": "王老师", "deadline": "2026-12-01"})
        }
        Kind::DrillRequirement => json!({"drill_kind": "fire", "per_term": 2, "due_week": 6}),
        Kind::Clue => json!({
            "clue_type": "other", "place": "校门口", "description": "校门口有可疑人员徘徊",
            "tracking_no": "XS20261204-0001-ABCDE", "status": "reported", "reporter": "测试",
        }),
        Kind::EmergencyPlan => {
            json!({"plan_kind": "fire", "title": "火灾应急预案", "responsible": "王校长"})
        }
        Kind::SafetyTeamMember => json!({"name": "赵保安", "member_type": "guard"}),
        Kind::Chemical => json!({
            "substance": "盐酸", "location": "化学准备室", "custodian_a": "甲", "custodian_b": "乙",
        }),
        Kind::ChemicalUse => {
            json!({"used_at": "2026-11-01T10:00", "amount": "50ml", "used_by": "王老师"})
        }
        Kind::FireCheck => json!({
            "area": "kitchen", "checked_on": "2026-11-01", "checker": "李主任", "result": "ok",
        }),
        Kind::VehicleBarrier => {
            json!({"gate": "东门", "status": "planned", "install_deadline": "2026-12-31"})
        }
        Kind::LeadingGroupMember => {
            json!({"name": "王校长", "group": "leading", "position": "leader_in_charge"})
        }
        Kind::Training => {
            json!({"held_on": "2026-11-01", "audience": "students", "topic": "first_aid"})
        }
        Kind::LessonTermPlan => json!({"term": "2026-1", "theme": "fire", "hours": 2}),
        Kind::SafetyLesson => json!({
            "date": "2026-09-10", "periods": 1, "teacher_name": "王老师", "theme": "fire",
            "course_type": "basic", "form": "lecture",
        }),
        Kind::DutyShift => json!({
            "person": "王伟", "role": "leader", "start": "2026-07-01T08:00", "end": "2026-07-01T20:00",
        }),
        Kind::DutyCoverage => json!({
            "reason": "holiday", "from": "2026-10-01T00:00", "until": "2026-10-08T00:00",
        }),
        Kind::DutyCheck => json!({"action": "check_in", "at": "2026-07-01T08:01"}),
        Kind::DutyPatrol => json!({"at": "2026-07-01T09:00", "area": "东门", "result": "normal"}),
        Kind::DutyIncident => {
            json!({"at": "2026-07-01T10:00", "incident_type": "other", "what": "测试事件"})
        }
        Kind::DutyHandover => json!({"note": "无异常"}),
        Kind::WeatherAlert => {
            json!({"alert_type": "typhoon", "level": "yellow", "from": "2026-07-01T06:00"})
        }
        Kind::AlertChecklist => json!({"alert_type": "typhoon", "items": "@outdoor_stopped"}),
        Kind::AlertTick => {
            json!({"alert": "00000000-0000-0000-0000-000000000001", "item": "@outdoor_stopped"})
        }
        Kind::AlertReport => json!({
            "alert": "00000000-0000-0000-0000-000000000001", "status": "all_well",
            "at": "2026-07-01T08:00",
        }),
    }
}

/// The district admin writes one record of every kind in each unit;
/// returns them by id with their kind and unit.
async fn one_of_everything(app: &TestApp, units: &[UnitId]) -> BTreeMap<RecordId, (Kind, UnitId)> {
    let token = app.login("district").await;
    let mut dev = Device::new();
    let mut changes = Vec::new();
    for &unit in units {
        // The last record made of each kind: a child kind's parent.
        let mut last: BTreeMap<Kind, RecordId> = BTreeMap::new();
        for &kind in Kind::ALL {
            if kind == Kind::Unit {
                continue; // unit records exist: the demo made them
            }
            let mut c = dev.change(app.now(), kind, unit, None, fields(kind));
            c.parent = kind.parent().and_then(|p| last.get(&p).copied());
            last.insert(kind, c.record);
            changes.push(c);
        }
    }
    let res = app.push(&token, &dev.batch(changes.clone())).await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r, PushResultV1::Accepted { .. })),
        "{res:?}"
    );
    let mut all: BTreeMap<_, _> = changes
        .iter()
        .map(|c| (c.record, (c.kind, c.unit)))
        .collect();
    for (_, unit) in &app.demo.units {
        all.insert(RecordId(unit.0), (Kind::Unit, *unit));
    }
    all
}

/// Whether `actor` reads a record `one_of_everything` made: the district
/// made them all, so staff read none of the confidential ones.
fn reads(actor: &Actor, kind: Kind, unit: UnitId) -> bool {
    can_read(actor, kind, unit) && !(kind.is_confidential() && actor.role == Role::Staff)
}

async fn actor_of(app: &TestApp, token: &str) -> Actor {
    let me = app.get("/api/auth/me", Some(token)).await;
    assert_eq!(me.status, StatusCode::OK);
    Actor {
        user: me.body["id"].as_str().unwrap().parse().unwrap(),
        role: serde_json::from_value(me.body["role"].clone()).unwrap(),
        unit: serde_json::from_value(me.body["unit_id"].clone()).unwrap(),
        district: serde_json::from_value(me.body["district_id"].clone()).unwrap(),
    }
}

async fn no_one_reads_or_writes_another_school_on_any_endpoint(app: TestApp) {
    let units: Vec<UnitId> = app.demo.units.iter().map(|(_, u)| *u).collect();
    let records = one_of_everything(&app, &units).await;
    let district_token = app.login("district").await;
    let all_users = app.get("/api/admin/users", Some(&district_token)).await;
    let all_users = all_users.body["users"].as_array().unwrap().clone();
    assert_eq!(all_users.len(), LOGINS.len());
    let a_class = records
        .iter()
        .find(|(_, (k, u))| *k == Kind::Class && *u == app.demo.unit("示例第一中学"))
        .map(|(id, _)| *id)
        .unwrap();

    for login in LOGINS {
        let token = app.login(login).await;
        let actor = actor_of(&app, &token).await;
        let ctx = format!("{login} ({:?})", actor.role);

        // Pull: exactly what the actor may read.
        let pulled: BTreeSet<RecordId> = app
            .pull_all(&token)
            .await
            .into_iter()
            .map(|r| r.id)
            .collect();
        for (id, (kind, unit)) in &records {
            assert_eq!(
                pulled.contains(id),
                reads(&actor, *kind, *unit),
                "{ctx}: pull {kind:?} of {unit}"
            );
        }
        // History: 404 for what the actor may not read.
        for (id, (kind, unit)) in &records {
            let r = app
                .get(&format!("/api/sync/history/{}", id.0), Some(&token))
                .await;
            let want = if reads(&actor, *kind, *unit) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(r.status, want, "{ctx}: history of {kind:?} in {unit}");
        }
        // Push: a new drill (everyone writes drills) only in the own unit,
        // except for the district; an edit of school A's class only by its
        // admin and the district.
        let mut dev = Device::new();
        for &unit in &units {
            let c = dev.change(app.now(), Kind::Drill, unit, None, fields(Kind::Drill));
            let res = app.push(&token, &dev.batch(vec![c])).await;
            let may = actor.role == Role::DistrictAdmin || unit == actor.unit;
            match &res.results[0] {
                PushResultV1::Accepted { .. } => assert!(may, "{ctx}: wrote a drill in {unit}"),
                PushResultV1::Refused { reason, .. } => {
                    assert!(!may, "{ctx}: refused in own unit: {reason:?}");
                    assert_eq!(reason.code, RefusalCode::OutOfScope, "{ctx}");
                    assert!(!reason.zh.is_empty() && !reason.en.is_empty());
                }
                other => panic!("{other:?}"),
            }
        }
        let edit = dev.change(
            app.now(),
            Kind::Class,
            app.demo.unit("示例第一中学"),
            Some(a_class),
            json!({"size": 33}),
        );
        let res = app.push(&token, &dev.batch(vec![edit])).await;
        let may = matches!(login, "district" | "school1");
        assert_eq!(
            matches!(res.results[0], PushResultV1::Accepted { .. }),
            may,
            "{ctx}: edit school A's class: {res:?}"
        );

        // Admin API.
        let list = app.get("/api/admin/users", Some(&token)).await;
        match actor.role {
            Role::Staff => assert_eq!(list.status, StatusCode::FORBIDDEN, "{ctx}"),
            Role::SchoolAdmin => {
                let users = list.body["users"].as_array().unwrap();
                assert!(!users.is_empty());
                assert!(
                    users.iter().all(|u| u["unit_id"] == json!(actor.unit)),
                    "{ctx}: {users:?}"
                );
            }
            Role::DistrictAdmin => {
                assert_eq!(list.body["users"].as_array().unwrap().len(), LOGINS.len())
            }
        }
        for target in &all_users {
            let target_unit: UnitId = serde_json::from_value(target["unit_id"].clone()).unwrap();
            if actor.role == Role::DistrictAdmin || target_unit == actor.unit {
                continue; // own unit: the accounts tests cover these
            }
            let id = target["id"].as_str().unwrap();
            let want = if actor.role == Role::Staff {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            for (path, body) in [
                (
                    format!("/api/admin/users/{id}/password"),
                    json!({"password": "new-password-1"}),
                ),
                (format!("/api/admin/users/{id}/disable"), json!({})),
                (format!("/api/admin/users/{id}/enable"), json!({})),
                (
                    format!("/api/admin/users/{id}/role"),
                    json!({"role": "staff"}),
                ),
            ] {
                let r = app.post(&path, Some(&token), body).await;
                assert_eq!(r.status, want, "{ctx}: {path}: {:?}", r.body);
            }
        }
        for &unit in &units {
            if actor.role == Role::DistrictAdmin || unit == actor.unit {
                continue;
            }
            let r = app
                .post(
                    "/api/admin/users",
                    Some(&token),
                    json!({"login": format!("x{}", &unit.to_string()[..8]), "display_name": "外校人员", "role": "staff", "unit_id": unit, "password": "long-enough-1"}),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{ctx}: create in {unit}: {:?}",
                r.body
            );
        }
        // Me: always oneself.
        let me = app.get("/api/auth/me", Some(&token)).await;
        assert_eq!(me.body["login"], login);
    }
    // Nobody outside the district got an account or changed one.
    let after = app.get("/api/admin/users", Some(&district_token)).await;
    assert_eq!(after.body["users"].as_array().unwrap(), &all_users);
}

async fn a_clue_is_read_by_its_reporter_its_schools_admins_and_the_district_only(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    // A second teacher of the same school.
    let admin = app.login("school1").await;
    let made = app
        .post(
            "/api/admin/users",
            Some(&admin),
            json!({"login": "teacher9", "display_name": "钱老师", "role": "staff", "unit_id": school, "password": "long-enough-1"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let reporter = app.login("teacher1").await;
    let mut dev = Device::new();
    let mut values = fields(Kind::Clue);
    values["hide_name"] = json!(true);
    values["reporter"] = json!("张老师");
    let clue = dev.change(app.now(), Kind::Clue, school, None, values);
    let res = app.push(&reporter, &dev.batch(vec![clue.clone()])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "{res:?}"
    );
    for (login, readable, sees_reporter) in [
        ("teacher1", true, true),
        ("school1", true, false),
        ("district", true, true),
        ("teacher9", false, false),
        ("school2", false, false),
        ("teacher2", false, false),
        ("kg1", false, false),
    ] {
        let token = if login == "teacher9" {
            app.login_with("teacher9", "long-enough-1").await
        } else {
            app.login(login).await
        };
        let pulled = app.pull_all(&token).await;
        let got = pulled.iter().find(|r| r.id == clue.record);
        assert_eq!(got.is_some(), readable, "{login}: pull");
        if let Some(r) = got {
            assert_eq!(
                r.fields.contains_key("reporter"),
                sees_reporter,
                "{login}: reporter"
            );
            assert_eq!(r.author.is_some(), sees_reporter, "{login}: author");
        }
        let r = app
            .get(
                &format!("/api/sync/history/{}", clue.record.0),
                Some(&token),
            )
            .await;
        assert_eq!(r.status == StatusCode::OK, readable, "{login}: history");
        assert!(
            !r.body.to_string().contains("可疑") || readable,
            "{login}: leaked"
        );
        assert_eq!(
            r.body.to_string().contains("张老师"),
            readable && sees_reporter,
            "{login}: name in history"
        );
        let csv = app.get("/api/export/clues?format=csv", Some(&token)).await;
        assert_eq!(csv.status, StatusCode::OK, "{login}: export");
        assert_eq!(
            csv.body.as_str().unwrap_or_default().contains("可疑"),
            readable,
            "{login}: export"
        );
        assert_eq!(
            csv.body.as_str().unwrap_or_default().contains("张老师"),
            readable && sees_reporter,
            "{login}: name in export"
        );
    }
    // Another teacher cannot write into it, even knowing its id.
    let other = app.login_with("teacher9", "long-enough-1").await;
    let mut dev = Device::new();
    let c = dev.change(
        app.now(),
        Kind::Clue,
        school,
        None,
        json!({"place": "改了"}),
    );
    let c = anyuan_core::ChangeV1 {
        record: clue.record,
        ..c
    };
    let res = app.push(&other, &dev.batch(vec![c])).await;
    let PushResultV1::Refused { reason, .. } = &res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.code, RefusalCode::OutOfScope);
    // Only the district moves it on.
    let c = dev.change(
        app.now(),
        Kind::Clue,
        school,
        None,
        json!({"status": "received"}),
    );
    let c = anyuan_core::ChangeV1 {
        record: clue.record,
        ..c
    };
    let res = app.push(&admin, &dev.batch(vec![c.clone()])).await;
    assert!(
        matches!(&res.results[0], PushResultV1::Refused { .. }),
        "{res:?}"
    );
    let district = app.login("district").await;
    let res = app.push(&district, &dev.batch(vec![c])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "{res:?}"
    );
}

async fn scope_sql_selects_exactly_what_may_read_allows(app: TestApp) {
    let units: Vec<UnitId> = app.demo.units.iter().map(|(_, u)| *u).collect();
    let records = one_of_everything(&app, &units).await;
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM records")
        .fetch_all(app.state.db().pool())
        .await
        .unwrap();
    let rows: Vec<anyuan_core::Record> = bodies
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    assert!(rows.len() >= records.len());
    // The district made the clues: as that user, staff read them.
    let authors: BTreeSet<uuid::Uuid> = rows.iter().filter_map(|r| r.author).collect();
    assert!(!authors.is_empty(), "clues record their author");
    let users: Vec<uuid::Uuid> = authors.into_iter().chain([uuid::Uuid::nil()]).collect();
    for (role, user) in [Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff]
        .into_iter()
        .flat_map(|r| users.iter().map(move |u| (r, *u)))
    {
        for &unit in &units {
            let actor = Actor {
                user,
                role,
                unit,
                district: app.demo.district,
            };
            let expected: BTreeSet<String> = rows
                .iter()
                .filter(|r| anyuan_core::registry::may_read(&actor, r))
                .map(|r| r.id.to_string())
                .collect();
            let (scope, binds) = scope_sql(&actor, 1);
            let sql = format!("SELECT id FROM records WHERE {scope}");
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for b in binds {
                q = q.bind(b);
            }
            let selected: BTreeSet<String> = q
                .fetch_all(app.state.db().pool())
                .await
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(selected, expected, "{role:?} {user} of {unit}");
            let page = pull_for(
                &app.state,
                &actor,
                &anyuan_core::wire::PullRequestV1 {
                    cursor: None,
                    limit: 1000,
                },
            )
            .await
            .unwrap();
            let pulled: BTreeSet<String> = page.records.iter().map(|r| r.id.to_string()).collect();
            assert_eq!(pulled, expected, "{role:?} of {unit}: pull");
        }
    }
}
