//! The admin API over accounts, and bootstrap.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestClock, TestDb, state_on};

on_both!(
    school_admins_manage_their_own_staff_accounts,
    district_admins_manage_every_account_but_not_themselves,
    account_rules_are_explained_in_both_languages,
);

async fn school_admins_manage_their_own_staff_accounts(app: TestApp) {
    let admin = app.login("school1").await;
    let school = app.demo.unit("示例第一中学");
    let r = app
        .post(
            "/api/admin/users",
            Some(&admin),
            json!({"login": "Guard1", "display_name": " 赵师傅 ", "role": "staff", "unit_id": school, "password": "gate-house-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["login"], "guard1");
    assert_eq!(r.body["display_name"], "赵师傅");
    assert_eq!(r.body["unit_name"], "示例第一中学");
    let id = r.body["id"].as_str().unwrap().to_owned();
    let guard = app.login_with("guard1", "gate-house-1").await;

    // Listed with the unit's other accounts.
    let list = app.get("/api/admin/users", Some(&admin)).await;
    let logins: Vec<_> = list.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(logins, ["guard1", "school1", "teacher1"]);

    // A new password ends the account's sessions.
    let r = app
        .post(
            &format!("/api/admin/users/{id}/password"),
            Some(&admin),
            json!({"password": "new-gate-pass"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(
        app.get("/api/auth/me", Some(&guard)).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.login_with("guard1", "new-gate-pass").await;

    // A school admin cannot make admins, nor manage their fellow admin.
    let r = app
        .post(
            &format!("/api/admin/users/{id}/role"),
            Some(&admin),
            json!({"role": "school_admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            "/api/admin/users",
            Some(&admin),
            json!({"login": "deputy", "display_name": "副校长", "role": "school_admin", "unit_id": school, "password": "long-enough"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"]["code"], "not_manageable");
    let me = app.get("/api/auth/me", Some(&admin)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            &format!("/api/admin/users/{me}/disable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Staff manage nothing.
    let teacher = app.login("teacher1").await;
    let r = app
        .post(
            &format!("/api/admin/users/{id}/disable"),
            Some(&teacher),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"]["code"], "admins_only");
}

async fn district_admins_manage_every_account_but_not_themselves(app: TestApp) {
    let district = app.login("district").await;
    let teacher = app.login("teacher2").await;
    let teacher_id = app.get("/api/auth/me", Some(&teacher)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Promote a teacher; the new role applies to the running session.
    let r = app
        .post(
            &format!("/api/admin/users/{teacher_id}/role"),
            Some(&district),
            json!({"role": "school_admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["role"], "school_admin");
    assert_eq!(
        app.get("/api/admin/users", Some(&teacher)).await.status,
        StatusCode::OK
    );
    // District admins belong to the district.
    let r = app
        .post(
            &format!("/api/admin/users/{teacher_id}/role"),
            Some(&district),
            json!({"role": "district_admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "role_unit_mismatch");
    // A new district colleague.
    let r = app
        .post(
            "/api/admin/users",
            Some(&district),
            json!({"login": "inspector", "display_name": "督导员", "role": "district_admin", "unit_id": app.demo.district, "password": "inspect-all"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let me = app.get("/api/auth/me", Some(&district)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for action in ["disable", "role"] {
        let r = app
            .post(
                &format!("/api/admin/users/{me}/{action}"),
                Some(&district),
                json!({"role": "staff"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{action}");
        assert_eq!(r.body["error"]["code"], "cannot_change_self");
    }
    let r = app
        .post(
            "/api/admin/users/not-a-uuid/disable",
            Some(&district),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn account_rules_are_explained_in_both_languages(app: TestApp) {
    let district = app.login("district").await;
    let school = app.demo.unit("示例实验小学");
    let create = |login: &str, password: &str, unit: serde_json::Value| json!({"login": login, "display_name": "新老师", "role": "staff", "unit_id": unit, "password": password});
    for (body, status, code) in [
        (
            create("newteacher", "short", json!(school)),
            StatusCode::BAD_REQUEST,
            "password_too_short",
        ),
        (
            create("x", "long-enough", json!(school)),
            StatusCode::BAD_REQUEST,
            "login_invalid",
        ),
        (
            create("teacher1", "long-enough", json!(school)),
            StatusCode::CONFLICT,
            "login_taken",
        ),
        (
            create("newteacher", "long-enough", json!(uuid::Uuid::nil())),
            StatusCode::BAD_REQUEST,
            "unit_unknown",
        ),
        (
            create("newteacher", "long-enough", json!(app.demo.district)),
            StatusCode::BAD_REQUEST,
            "role_unit_mismatch",
        ),
    ] {
        let r = app.post("/api/admin/users", Some(&district), body).await;
        assert_eq!(r.status, status, "{:?}", r.body);
        assert_eq!(r.body["error"]["code"], code);
        assert!(!r.body["error"]["zh"].as_str().unwrap().is_empty());
        assert!(!r.body["error"]["en"].as_str().unwrap().is_empty());
    }
    let r = app
        .post(
            "/api/admin/users",
            Some(&district),
            create("newteacher", "long-enough", json!(school)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .post(
            &format!(
                "/api/admin/users/{}/password",
                r.body["id"].as_str().unwrap()
            ),
            Some(&district),
            json!({"password": "1234567"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.body["error"]["zh"],
        "密码至少需要8个字符，请换一个更长的密码。"
    );
    let r = app
        .post("/api/admin/users", Some(&district), json!({"login": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "bad_json");
}

#[tokio::test]
async fn bootstrap_creates_the_district_and_its_first_admin_once() {
    for db in [Some(TestDb::sqlite()), TestDb::postgres().await]
        .into_iter()
        .flatten()
    {
        let clock = TestClock::new();
        let state = state_on(&db.url, &clock, Default::default()).await;
        let (district, admin) = anyuan_server::org::bootstrap(
            &state,
            "某某区教育局",
            "Admin",
            "管理员",
            "first-admin-pw",
        )
        .await
        .unwrap();
        assert_eq!(admin.login, "admin");
        let again =
            anyuan_server::org::bootstrap(&state, "别的区", "other", "x", "first-admin-pw").await;
        assert!(matches!(
            again,
            Err(anyuan_server::Error::Conflict {
                code: "already_bootstrapped",
                ..
            })
        ));
        // A demo seed never mixes into a bootstrapped database.
        assert!(
            anyuan_server::demo::seed_if_empty(&state)
                .await
                .unwrap()
                .is_none()
        );
        let app = anyuan_server::app(state.clone());
        let helper = TestAppLite { router: app };
        let token = helper.login("admin", "first-admin-pw").await;
        let page = anyuan_server::sync::pull_for(
            &state,
            &anyuan_core::Actor {
                user: admin.id,
                role: anyuan_core::Role::DistrictAdmin,
                unit: district,
                district,
            },
            &anyuan_core::wire::PullRequestV1 {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.records[0].fields["name"].value, json!("某某区教育局"));
        assert!(!token.is_empty());
        drop(helper);
        drop(state);
        drop(db);
    }
}

/// Just enough of a client to sign in on a router without the demo.
struct TestAppLite {
    router: axum::Router,
}

impl TestAppLite {
    async fn login(&self, login: &str, password: &str) -> String {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let req = axum::http::Request::post("/api/auth/login")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({"login": login, "password": password}).to_string(),
            ))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: serde_json::Value =
            serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(body["user"]["unit_name"], "某某区教育局");
        assert_eq!(body["user"]["role"], "district_admin");
        body["token"].as_str().unwrap().to_owned()
    }
}
