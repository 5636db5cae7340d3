//! Sign-in, sessions, rate limits.

use std::time::Duration;

use anyuan_server::demo::DEMO_PASSWORD;
use axum::http::{Method, StatusCode, header};
use serde_json::json;

use crate::helpers::TestApp;

on_both!(
    sign_in_returns_a_token_and_the_user,
    wrong_passwords_are_rate_limited_per_account_with_retry_after,
    failures_are_rate_limited_per_client_address,
    sessions_slide_for_a_typhoon_week_but_expire_when_idle_or_too_old,
    logout_ends_the_session,
    disabling_an_account_ends_its_sessions,
    every_protected_endpoint_needs_a_session,
    parallel_wrong_passwords_are_counted_before_they_are_checked,
    a_full_hashing_queue_refuses_at_once_without_hashing,
    a_known_device_gets_through_while_its_login_is_slowed_down,
);

const DAY: Duration = Duration::from_secs(24 * 3600);

async fn sign_in_returns_a_token_and_the_user(app: TestApp) {
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": " Teacher1 ", "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let token = r.body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64, "256 bits, hex");
    assert!(r.body["expires_ms"].as_u64().unwrap() >= app.now() + 29 * DAY.as_millis() as u64);
    let user = &r.body["user"];
    assert_eq!(user["login"], "teacher1");
    assert_eq!(user["display_name"], "张老师");
    assert_eq!(user["role"], "staff");
    assert_eq!(user["unit_name"], "示例第一中学");
    assert_eq!(user["unit_id"], json!(app.demo.unit("示例第一中学")));
    assert_eq!(user["district_id"], json!(app.demo.district));
    let me = app.get("/api/auth/me", Some(token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(&me.body, user);
    // Only the token's hash is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.state.db().pool())
        .await
        .unwrap();
    assert!(stored.iter().all(|h| h != token));
    assert!(stored.contains(&anyuan_server::auth::token_hash(token)));
    // Wrong password and unknown login look the same.
    for (login, password) in [("teacher1", "wrong-password"), ("nobody", DEMO_PASSWORD)] {
        let r = app
            .post(
                "/api/auth/login",
                None,
                json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["error"]["code"], "bad_credentials");
        assert_eq!(r.body["error"]["zh"], "登录名或密码不正确，请检查后重试。");
    }
}

async fn wrong_passwords_are_rate_limited_per_account_with_retry_after(app: TestApp) {
    for _ in 0..5 {
        let r = app
            .post(
                "/api/auth/login",
                None,
                json!({"login": "school1", "password": "guess-guess"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, before it is checked.
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "school1", "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", r.body);
    let retry: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // A slow-down, not a 15-minute wall.
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(r.body["error"]["code"], "too_many_requests");
    assert!(r.body["error"]["zh"].as_str().unwrap().contains("秒后再试"));
    assert!(
        r.body["error"]["en"]
            .as_str()
            .unwrap()
            .contains("try again in")
    );
    // Other accounts are not affected.
    app.login("teacher1").await;
    // After the window the account can sign in again, and success resets it.
    app.clock.advance(Duration::from_secs(retry));
    app.login("school1").await;
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "school1", "password": "guess-guess"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn failures_are_rate_limited_per_client_address(app: TestApp) {
    // On a real listener, so the peer address is known.
    let base = app.serve().await;
    let client = reqwest::Client::new();
    let login = |login: String, password: &'static str| {
        let client = client.clone();
        let url = format!("{base}/api/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"login": login, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    for n in 0..20 {
        // Different logins, so the per-account limit never trips.
        let r = login(format!("nobody{n}"), "wrong-password").await;
        assert_eq!(r.status(), 401);
    }
    let r = login("teacher2".into(), DEMO_PASSWORD).await;
    assert_eq!(r.status(), 429);
    // A school behind one NAT address is slowed down, not walled off.
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    app.clock.advance(Duration::from_secs(retry));
    assert_eq!(login("teacher2".into(), DEMO_PASSWORD).await.status(), 200);
}

async fn sessions_slide_for_a_typhoon_week_but_expire_when_idle_or_too_old(app: TestApp) {
    let token = app.login("teacher1").await;
    // Used every 25 days: never idle for 30, so it lives until 90 days.
    for _ in 0..3 {
        app.clock.advance(25 * DAY);
        assert_eq!(
            app.get("/api/auth/me", Some(&token)).await.status,
            StatusCode::OK
        );
    }
    app.clock.advance(16 * DAY); // 91 days after sign-in
    let r = app.get("/api/auth/me", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers[header::WWW_AUTHENTICATE],
        "Bearer realm=\"anyuan\""
    );
    assert_eq!(r.body["error"]["code"], "unauthorized");

    // A week offline is fine; 31 days without use is not.
    let token = app.login("teacher1").await;
    app.clock.advance(7 * DAY);
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status,
        StatusCode::OK
    );
    app.clock.advance(31 * DAY);
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn logout_ends_the_session(app: TestApp) {
    let token = app.login("school2").await;
    let other = app.login("school2").await;
    let r = app
        .request(Method::POST, "/api/auth/logout", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .request(Method::POST, "/api/auth/logout", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Only that session: the same user's other device stays signed in.
    assert_eq!(
        app.get("/api/auth/me", Some(&other)).await.status,
        StatusCode::OK
    );
}

async fn disabling_an_account_ends_its_sessions(app: TestApp) {
    let teacher = app.login("teacher1").await;
    let admin = app.login("school1").await;
    let id = app.get("/api/auth/me", Some(&teacher)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            &format!("/api/admin/users/{id}/disable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(
        app.get("/api/auth/me", Some(&teacher)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post("/api/sync/pull", Some(&teacher), json!({"limit": 10}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "teacher1", "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"]["code"], "account_disabled");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'teacher1'").await, 0);
    let r = app
        .post(
            &format!("/api/admin/users/{id}/enable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    app.login("teacher1").await;
}

async fn every_protected_endpoint_needs_a_session(app: TestApp) {
    let id = uuid::Uuid::nil();
    for (method, path) in anyuan_server::routes::api().list() {
        if matches!(
            path.as_str(),
            "/api/health" | "/api/openapi.json" | "/api/auth/login"
        ) {
            continue;
        }
        let path = path.replace("{id}", &id.to_string());
        for token in [None, Some("not-a-token"), Some("")] {
            let r = app
                .request(method.clone(), &path, token, Some(json!({})))
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {token:?}"
            );
        }
    }
}

async fn parallel_wrong_passwords_are_counted_before_they_are_checked(app: TestApp) {
    let verified_before = app.state.password_work().done();
    let attempts = (0..40).map(|_| {
        app.post(
            "/api/auth/login",
            None,
            json!({"login": "school1", "password": "guess-guess"}),
        )
    });
    let statuses: Vec<StatusCode> = futures_join_all(attempts).await;
    let wrong = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let slowed = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((wrong, slowed), (5, 35), "{statuses:?}");
    assert_eq!(app.state.password_work().done() - verified_before, 5);
}

/// Runs the requests concurrently; their statuses in order.
async fn futures_join_all(
    requests: impl Iterator<Item = impl std::future::Future<Output = crate::helpers::Resp>>,
) -> Vec<StatusCode> {
    let futures: Vec<_> = requests.map(Box::pin).collect();
    join_all(futures)
        .await
        .into_iter()
        .map(|r| r.status)
        .collect()
}

/// A minimal join_all: polls every future until all are done.
async fn join_all<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in futures.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.unwrap()).collect()
}

async fn a_full_hashing_queue_refuses_at_once_without_hashing(app: TestApp) {
    let work = app.state.password_work();
    // Fill every place (workers and queue), as a burst of sign-ins would.
    let mut held = Vec::new();
    while let Ok(place) = work.admit() {
        held.push(place);
    }
    assert!(!held.is_empty());
    let hashed = work.done();
    let failures = app.count("SELECT COUNT(*) FROM login_failures").await;
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "teacher1", "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", r.body);
    assert_eq!(r.headers[header::RETRY_AFTER], "1");
    assert_eq!(work.done(), hashed, "nothing was hashed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM login_failures").await,
        failures,
        "a refused attempt is not a failure"
    );
    drop(held);
    app.login("teacher1").await;
    assert_eq!(work.done(), hashed + 1);
}

/// Signs in with `cookie` (may be empty); the response.
async fn login_with_cookie(
    app: &TestApp,
    login: &str,
    password: &str,
    cookie: &str,
) -> axum::response::Response {
    use tower::ServiceExt;
    let mut req = axum::http::Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/json");
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    let req = req
        .body(axum::body::Body::from(
            json!({"login": login, "password": password}).to_string(),
        ))
        .unwrap();
    app.router.clone().oneshot(req).await.unwrap()
}

async fn a_known_device_gets_through_while_its_login_is_slowed_down(app: TestApp) {
    // The teacher's phone signed in before: it has the device cookie.
    let r = login_with_cookie(&app, "teacher1", DEMO_PASSWORD, "").await;
    assert_eq!(r.status(), StatusCode::OK);
    let set_cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    // Someone guesses at the teacher's login.
    for _ in 0..12 {
        let r = login_with_cookie(&app, "teacher1", "guess-guess", "").await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&r.status()),
            "{}",
            r.status()
        );
    }
    // Without the cookie, the right password is slowed down, not locked out.
    let r = login_with_cookie(&app, "teacher1", DEMO_PASSWORD, "").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // The phone gets in at once.
    let r = login_with_cookie(&app, "teacher1", DEMO_PASSWORD, &cookie).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A forged or another user's cookie is no cookie.
    let (name, value) = cookie.split_once('=').unwrap();
    let last = if value.ends_with('0') { '1' } else { '0' };
    let forged = format!("{name}={}{last}", &value[..value.len() - 1]);
    let r = login_with_cookie(&app, "teacher1", DEMO_PASSWORD, &forged).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = login_with_cookie(&app, "teacher2", DEMO_PASSWORD, &cookie).await;
    assert_eq!(r.status(), StatusCode::OK, "teacher2 is not throttled");
    // The phone's own wrong passwords count against the phone.
    let r = login_with_cookie(&app, "teacher1", "typo-typo", &cookie).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Once the wait has passed, the right password works without the cookie.
    app.clock.advance(Duration::from_secs(retry));
    let r = login_with_cookie(&app, "teacher1", DEMO_PASSWORD, "").await;
    assert_eq!(r.status(), StatusCode::OK);
}
