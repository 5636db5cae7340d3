//! HTTP concerns: compression both ways, body limits, the OpenAPI document.

use std::collections::BTreeSet;
use std::io::Write;

use anyuan_core::Kind;
use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Device, TestApp};

on_both!(
    gzip_request_bodies_are_accepted_and_responses_are_compressed,
    oversized_bodies_are_refused_with_413,
);

async fn gzip_request_bodies_are_accepted_and_responses_are_compressed(app: TestApp) {
    let base = app.serve().await;
    let token = app.login("teacher1").await;
    let mut dev = Device::new();
    let school = app.demo.unit("示例第一中学");
    let changes: Vec<_> = (0..50)
        .map(|_| {
            dev.change(
                app.now(),
                Kind::Drill,
                school,
                None,
                json!({"drill_kind": "fire", "place": "操场东侧集合点"}),
            )
        })
        .collect();
    let body = serde_json::to_vec(&dev.batch(changes)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() * 3 < body.len());
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/sync/push"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gz)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let res: anyuan_core::wire::PushResponseV1 = r.json().await.unwrap();
    assert_eq!(res.results.len(), 50);

    // Responses are compressed when the client accepts it (reqwest here has
    // no decompression, so the raw bytes are gzip).
    let r = client
        .post(format!("{base}/api/sync/pull"))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .json(&json!({"limit": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let bytes = r.bytes().await.unwrap();
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain)
        .unwrap();
    let page: anyuan_core::wire::PullResponseV1 = serde_json::from_str(&plain).unwrap();
    assert!(page.records.len() >= 50);
}

async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let token = app.login("teacher1").await;
    let huge = "x".repeat(anyuan_server::MAX_BODY_BYTES + 1);
    let r = app
        .post(
            "/api/sync/push",
            Some(&token),
            json!({"device": "0000000000000001", "changes": [], "pad": huge}),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{:?}", r.headers);
    assert_eq!(r.body["error"]["code"], "too_large");
    // Too many changes in one push: a clear 400.
    let mut dev = Device::new();
    let school = app.demo.unit("示例第一中学");
    let changes: Vec<_> = (0..=anyuan_server::sync::MAX_PUSH_CHANGES)
        .map(|_| {
            dev.change(
                app.now(),
                Kind::Drill,
                school,
                None,
                json!({"drill_kind": "fire"}),
            )
        })
        .collect();
    let r = app
        .post(
            "/api/sync/push",
            Some(&token),
            serde_json::to_value(dev.batch(changes)).unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "batch_too_large");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::sqlite().await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["summary"].is_string(), "{method} {path} has a summary");
            assert!(op["responses"].is_object(), "{method} {path} has responses");
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routed: BTreeSet<_> = anyuan_server::routes::api()
        .list()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    assert_eq!(
        routed, documented,
        "every route documented, nothing documented that is not routed"
    );
    // Every $ref resolves.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "schema {name}"
        );
    }
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after() {
    use anyuan_server::db::PoolSettings;
    let db = crate::helpers::TestDb::sqlite();
    let settings = PoolSettings {
        max_connections: Some(1),
        acquire_timeout: std::time::Duration::from_millis(200),
    };
    let state = anyuan_server::AppState::new(
        anyuan_server::Db::connect_with(&db.url, settings)
            .await
            .unwrap(),
        std::env::temp_dir(),
    )
    .await
    .unwrap();
    anyuan_server::demo::seed_if_empty(&state).await.unwrap();
    let busy = state.db().pool().acquire().await.unwrap();
    let app = anyuan_server::app(state.clone());
    let req = axum::http::Request::post("/api/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"login": "teacher1", "password": "anyuan2018"}).to_string(),
        ))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "5");
    drop(busy);
}
