//! Spawning the app on a fresh database, and a small client for it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyuan_core::record::RecordId;
use anyuan_core::wire::{
    FieldWriteV1, PullRequestV1, PullResponseV1, PushRequestV1, PushResponseV1, RecordV1,
};
use anyuan_core::{ChangeId, ChangeV1, Clock, DeviceId, Kind, UnitId};
use anyuan_server::demo::{DEMO_PASSWORD, Demo};
use anyuan_server::{AppState, Db, Options, Policy, app};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use tower::ServiceExt;
use uuid::Uuid;

/// The environment variable naming a PostgreSQL server for the tests.
pub const POSTGRES_ENV: &str = "ANYUAN_TEST_POSTGRES_URL";

/// A fresh database, removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { base: String, name: String },
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!(
            "anyuan-api-{}-{}",
            std::process::id(),
            Uuid::now_v7().simple()
        ));
        TestDb {
            url: format!("sqlite://{}?mode=rwc", dir.join("anyuan.db").display()),
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// A new database on the server of `ANYUAN_TEST_POSTGRES_URL`, or `None`
    /// (with a note) when it is not set.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(base) = std::env::var(POSTGRES_ENV) else {
            // Once per run, and past the test harness's output capture.
            static NOTED: std::sync::Once = std::sync::Once::new();
            NOTED.call_once(|| {
                use std::io::Write;
                let mut err: Box<dyn Write> =
                    match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
                        Ok(f) => Box::new(f),
                        Err(_) => Box::new(std::io::stderr()),
                    };
                let _ = writeln!(
                    err,
                    "note: PostgreSQL variants skipped: set {POSTGRES_ENV} (e.g. postgres://postgres@127.0.0.1:5433/postgres) to run them"
                );
            });
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!("anyuan_t_{}", Uuid::now_v7().simple());
        let mut conn = sqlx::AnyConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("connecting to {POSTGRES_ENV}={base}: {e}"));
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE");
        let (prefix, rest) = base.rsplit_once('/').expect("a URL with a database path");
        let query = rest
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        Some(TestDb {
            url: format!("{prefix}/{name}{query}"),
            cleanup: Cleanup::Postgres { base, name },
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { base, name } => {
                let (base, name) = (base.clone(), name.clone());
                // Drop runs inside a test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(mut c) = sqlx::AnyConnection::connect(&base).await {
                            let _ = c
                                .execute(
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                                )
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The test clock: starts at the real time and moves only when told.
#[derive(Clone)]
pub struct TestClock(Arc<AtomicU64>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(AtomicU64::new(anyuan_server::system_now_ms())))
    }

    pub fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    pub fn advance(&self, d: Duration) {
        self.0.fetch_add(d.as_millis() as u64, Ordering::SeqCst);
    }
}

/// One server (state + router) on a fresh database with the demo district.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub demo: Demo,
    pub clock: TestClock,
    // Last: the database outlives the pool.
    pub db: TestDb,
}

/// A response, with the JSON body (`null` when empty).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        TestApp::on(TestDb::sqlite(), Policy::default()).await
    }

    pub async fn postgres() -> Option<TestApp> {
        Some(TestApp::on(TestDb::postgres().await?, Policy::default()).await)
    }

    pub async fn on(db: TestDb, policy: Policy) -> TestApp {
        let clock = TestClock::new();
        let state = state_on(&db.url, &clock, policy).await;
        let demo = anyuan_server::demo::seed_if_empty(&state)
            .await
            .expect("demo seed")
            .expect("an empty database");
        TestApp {
            router: app(state.clone()),
            state,
            demo,
            clock,
            db,
        }
    }

    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Signs in a demo account; returns the bearer token.
    pub async fn login(&self, login: &str) -> String {
        self.login_with(login, DEMO_PASSWORD).await
    }

    pub async fn login_with(&self, login: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/auth/login",
                None,
                json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {login}: {:?}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn push(&self, token: &str, req: &PushRequestV1) -> PushResponseV1 {
        let r = self
            .post(
                "/api/sync/push",
                Some(token),
                serde_json::to_value(req).unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "push: {:?}", r.body);
        serde_json::from_value(r.body).unwrap()
    }

    pub async fn pull(&self, token: &str, req: &PullRequestV1) -> PullResponseV1 {
        let r = self
            .post(
                "/api/sync/pull",
                Some(token),
                serde_json::to_value(req).unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "pull: {:?}", r.body);
        serde_json::from_value(r.body).unwrap()
    }

    /// Pulls every page; returns the records in delivery order.
    pub async fn pull_all(&self, token: &str) -> Vec<RecordV1> {
        let mut cursor = None;
        let mut out = Vec::new();
        loop {
            let page = self
                .pull(token, &PullRequestV1 { cursor, limit: 100 })
                .await;
            out.extend(page.records);
            cursor = page.next_cursor;
            if !page.more {
                return out;
            }
        }
    }

    /// Serves the router on a real loopback listener; returns its base URL.
    pub async fn serve(&self) -> String {
        serve(self.state.clone()).await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.state.db().pool())
            .await
            .unwrap()
    }
}

/// A state on `url` with the test clock.
pub async fn state_on(url: &str, clock: &TestClock, policy: Policy) -> AppState {
    let db = Db::connect(url)
        .await
        .expect("connecting the test database");
    let c = clock.clone();
    AppState::with_options(
        db,
        Options {
            dist: std::env::temp_dir().join("anyuan-no-dist"),
            now: Arc::new(move || c.now()),
            policy,
            device: None,
        },
    )
    .await
    .expect("state")
}

/// Serves `state` on 127.0.0.1:0 until the test ends.
pub async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

/// A device that makes changes, as the app does.
pub struct Device {
    pub clock: Clock,
}

impl Device {
    pub fn new() -> Device {
        Device {
            clock: Clock::new(DeviceId(Uuid::now_v7().as_u128() as u64)),
        }
    }

    pub fn id(&self) -> DeviceId {
        self.clock.device
    }

    /// A change of `record` (a fresh id when `None`).
    pub fn change(
        &mut self,
        now_ms: u64,
        kind: Kind,
        unit: UnitId,
        record: Option<RecordId>,
        fields: Value,
    ) -> ChangeV1 {
        let fields: std::collections::BTreeMap<String, Value> =
            serde_json::from_value(fields).unwrap();
        ChangeV1 {
            id: ChangeId(Uuid::now_v7()),
            record: record.unwrap_or_else(|| RecordId(Uuid::now_v7())),
            kind,
            unit,
            parent: None,
            stamp: self.clock.tick(now_ms),
            fields: fields
                .into_iter()
                .map(|(k, value)| (k, FieldWriteV1 { value, seen: None }))
                .collect(),
        }
    }

    pub fn batch(&self, changes: Vec<ChangeV1>) -> PushRequestV1 {
        PushRequestV1 {
            device: self.id(),
            changes,
        }
    }
}
