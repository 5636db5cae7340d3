//! Browser protections: CSP and friends on the shell and the API; HSTS only
//! over HTTPS.

use anyuan_server::Policy;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, TestDb};

on_both!(security_headers_are_on_the_shell_and_the_api);

fn assert_protected(h: &HeaderMap, what: &str) {
    let get = |n: &str| {
        h.get(n)
            .unwrap_or_else(|| panic!("{what}: no {n}"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let csp = get("content-security-policy");
    for part in [
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
    ] {
        assert!(csp.contains(part), "{what}: CSP {csp} lacks {part}");
    }
    assert!(!csp.contains("'unsafe-eval'") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    let pp = get("permissions-policy");
    assert!(
        pp.contains("camera=(self)") && pp.contains("microphone=()"),
        "{pp}"
    );
}

async fn security_headers_are_on_the_shell_and_the_api(app: TestApp) {
    let r = app.get("/api/health", None).await;
    assert_protected(&r.headers, "/api/health");
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "nobody", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_protected(&r.headers, "a refused sign-in");
    for path in ["/", "/drills/list", "/style-0123456789abcdef.css"] {
        let r = app.get(path, None).await;
        assert_protected(&r.headers, path);
        assert!(
            !r.headers.contains_key("strict-transport-security"),
            "no HSTS over plain HTTP"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_when_served_over_https() {
    let app = TestApp::on(
        TestDb::sqlite(),
        Policy {
            https: true,
            ..Policy::default()
        },
    )
    .await;
    for path in ["/", "/api/health"] {
        let r = app.get(path, None).await;
        assert_eq!(
            r.headers["strict-transport-security"], "max-age=31536000",
            "{path}"
        );
    }
    // The device cookie is Secure then, too.
    let r = app
        .post(
            "/api/auth/login",
            None,
            json!({"login": "teacher1", "password": anyuan_server::demo::DEMO_PASSWORD}),
        )
        .await;
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
