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
    clue_reports_are_read_only_by_their_schools_admins_and_the_district,
    scope_sql_selects_exactly_what_can_read_allows,
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
        Kind::Clue => json!({"clue_type": "other", "description": "校门口有可疑人员徘徊"}),
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
        let mut drill = None;
        let mut class = None;
        let mut shift = None;
        for &kind in Kind::ALL {
            if kind == Kind::Unit {
                continue; // unit records exist: the demo made them
            }
            let mut c = dev.change(app.now(), kind, unit, None, fields(kind));
            if kind == Kind::Drill {
                drill = Some(c.record);
            }
            if kind.parent() == Some(Kind::Drill) {
                c.parent = drill;
            }
            if kind == Kind::Class {
                class = Some(c.record);
            }
            if kind.parent() == Some(Kind::Class) {
                c.parent = class;
            }
            if kind == Kind::DutyShift {
                shift = Some(c.record);
            }
            if kind.parent() == Some(Kind::DutyShift) {
                c.parent = shift;
            }
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
                can_read(&actor, *kind, *unit),
                "{ctx}: pull {kind:?} of {unit}"
            );
        }
        // History: 404 for what the actor may not read.
        for (id, (kind, unit)) in &records {
            let r = app
                .get(&format!("/api/sync/history/{}", id.0), Some(&token))
                .await;
            let want = if can_read(&actor, *kind, *unit) {
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

async fn clue_reports_are_read_only_by_their_schools_admins_and_the_district(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let mut dev = Device::new();
    let clue = dev.change(app.now(), Kind::Clue, school, None, fields(Kind::Clue));
    let res = app.push(&admin, &dev.batch(vec![clue.clone()])).await;
    assert!(matches!(res.results[0], PushResultV1::Accepted { .. }));
    for (login, readable) in [
        ("school1", true),
        ("district", true),
        ("teacher1", false),
        ("school2", false),
        ("teacher2", false),
        ("kg1", false),
    ] {
        let token = app.login(login).await;
        let ids: BTreeSet<_> = app
            .pull_all(&token)
            .await
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids.contains(&clue.record), readable, "{login}: pull");
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
    }
    // Staff cannot write clues either, not even in their own school.
    let teacher = app.login("teacher1").await;
    let mut dev = Device::new();
    let c = dev.change(app.now(), Kind::Clue, school, None, fields(Kind::Clue));
    let res = app.push(&teacher, &dev.batch(vec![c])).await;
    let PushResultV1::Refused { reason, .. } = &res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.code, RefusalCode::RoleNotAllowed);
}

async fn scope_sql_selects_exactly_what_can_read_allows(app: TestApp) {
    let units: Vec<UnitId> = app.demo.units.iter().map(|(_, u)| *u).collect();
    let records = one_of_everything(&app, &units).await;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, kind, unit_id FROM records")
            .fetch_all(app.state.db().pool())
            .await
            .unwrap();
    assert!(rows.len() >= records.len());
    for role in [Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff] {
        for &unit in &units {
            let actor = Actor {
                user: uuid::Uuid::nil(),
                role,
                unit,
                district: app.demo.district,
            };
            let expected: BTreeSet<String> = rows
                .iter()
                .filter(|(_, k, u)| {
                    can_read(
                        &actor,
                        Kind::from_name(k).unwrap(),
                        UnitId(u.parse().unwrap()),
                    )
                })
                .map(|(id, _, _)| id.clone())
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
            assert_eq!(selected, expected, "{role:?} of {unit}");
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
