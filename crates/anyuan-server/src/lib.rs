//! Anyuan's server: the sync and admin API, and the built PWA as static files.
//!
//! `app(state)` builds the whole router so that tests can drive it with
//! `tower::ServiceExt::oneshot` or on a real listener. The server keeps no
//! state outside the database (sessions, rate limits and the change log are
//! all in SQL), so several processes can serve one PostgreSQL database behind
//! a load balancer; each process only has its own HLC clock and device id.
//!
//! Map: [`auth`] (sign-in, sessions, the bearer extractor) · [`accounts`]
//! (the admin API over accounts) · [`org`] (the district, units, bootstrap) ·
//! [`sync`] (push, pull, history over the core's `ingest`/`pull_page`) ·
//! [`export`] (the core's reports as CSV or xlsx files) ·
//! [`demo`] (the demo district) · [`openapi`] (the API description) ·
//! [`routes`] (the route table both the router and the OpenAPI test use).

pub mod accounts;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod headers;
pub mod health;
pub mod json;
pub mod openapi;
pub mod org;
pub mod routes;
pub mod static_files;
pub mod sync;
pub mod telemetry;
pub mod throttle;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyuan_core::{Clock, DeviceId, Hlc, UnitId};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;
pub use error::Error;

/// The largest request body, after gzip decompression (a push batch of a
/// few hundred changes is well below this).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A wall clock in milliseconds since the Unix epoch; tests inject their own.
pub type WallClock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system's wall clock.
pub fn system_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Session and sign-in rules. The defaults are the product's; tests may
/// shorten them.
#[derive(Debug, Clone)]
pub struct Policy {
    /// A session ends after this long without use (sliding).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute: Duration,
    /// The window over which failed sign-ins are counted.
    pub login_window: Duration,
    /// Failed sign-ins per account within the window before sign-in slows
    /// down (`429` with `Retry-After` until the wait has passed).
    pub max_failures_per_login: u32,
    /// Failed sign-ins per client address within the window before it slows
    /// down.
    pub max_failures_per_addr: u32,
    /// The first wait past the free failures; each failure doubles it.
    pub throttle_base: Duration,
    /// The longest wait: sign-in slows down, it never locks anyone out.
    pub throttle_max: Duration,
    /// Password hashes that may run at once (one per core by default).
    pub hash_workers: usize,
    /// Sign-ins that may wait for a hashing worker; beyond, `503` at once.
    pub hash_queue: usize,
    /// Take the client address from the last `X-Forwarded-For` entry (only
    /// behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Served over HTTPS (directly or by a proxy): send HSTS and mark the
    /// device cookie `Secure`.
    pub https: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        const DAY: u64 = 24 * 3600;
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Policy {
            // A week of typhoon without network must not sign anyone out.
            session_idle: Duration::from_secs(30 * DAY),
            session_absolute: Duration::from_secs(90 * DAY),
            login_window: Duration::from_secs(15 * 60),
            max_failures_per_login: 5,
            max_failures_per_addr: 20,
            throttle_base: Duration::from_secs(1),
            throttle_max: Duration::from_secs(60),
            hash_workers: cores,
            hash_queue: 4 * cores,
            trust_forwarded_for: false,
            https: false,
        }
    }
}

/// How to build an [`AppState`] besides its database.
#[derive(Clone)]
pub struct Options {
    /// Directory of the built PWA.
    pub dist: PathBuf,
    /// The wall clock.
    pub now: WallClock,
    /// Session and sign-in rules.
    pub policy: Policy,
    /// This process's HLC device id; random when `None`.
    pub device: Option<DeviceId>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dist: PathBuf::from("dist"),
            now: Arc::new(system_now_ms),
            policy: Policy::default(),
            device: None,
        }
    }
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    dist: PathBuf,
    now: WallClock,
    policy: Policy,
    /// This process's clock: stamps for server-made and re-stamped changes.
    clock: Mutex<Clock>,
    /// The district, once known (it never changes after bootstrap).
    district: OnceLock<UnitId>,
    /// Bounded password hashing.
    password_work: throttle::PasswordWork,
    /// Makes a sign-in's throttle check and its reservation one step.
    login_lock: tokio::sync::Mutex<()>,
    /// The key device cookies are signed with (shared by all processes).
    device_secret: Vec<u8>,
}

impl AppState {
    /// Opens (creating and migrating when needed) the configured database.
    pub async fn open(config: &Config) -> Result<AppState, Error> {
        let db = Db::connect(&config.database_url()).await?;
        let policy = Policy {
            trust_forwarded_for: config.trust_forwarded_for,
            https: config.https,
            ..Policy::default()
        };
        AppState::with_options(
            db,
            Options {
                dist: config.dist.clone(),
                policy,
                ..Options::default()
            },
        )
        .await
    }

    /// A state with the default options and `dist` as the PWA directory.
    pub async fn new(db: Db, dist: PathBuf) -> Result<AppState, Error> {
        AppState::with_options(
            db,
            Options {
                dist,
                ..Options::default()
            },
        )
        .await
    }

    /// A state; resumes this process's clock above every stamp in the log
    /// (`sync_seq.max_stamp`, kept by every push).
    pub async fn with_options(db: Db, options: Options) -> Result<AppState, Error> {
        let device = match options.device {
            Some(d) => d,
            None => DeviceId(
                getrandom::u64().map_err(|e| Error::Internal(format!("random device id: {e}")))?,
            ),
        };
        let highest: Option<String> = sqlx::query_scalar("SELECT max_stamp FROM sync_seq")
            .fetch_one(db.pool())
            .await?;
        let highest: Option<Hlc> = highest
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| Error::Internal(format!("corrupt stamp in the change log: {e}")))?;
        let device_secret = auth::device_secret(&db).await?;
        let password_work =
            throttle::PasswordWork::new(options.policy.hash_workers, options.policy.hash_queue);
        Ok(AppState {
            inner: Arc::new(Inner {
                db,
                dist: options.dist,
                now: options.now,
                policy: options.policy,
                clock: Mutex::new(Clock::resume(device, highest)),
                district: OnceLock::new(),
                password_work,
                login_lock: tokio::sync::Mutex::new(()),
                device_secret,
            }),
        })
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn dist(&self) -> &std::path::Path {
        &self.inner.dist
    }

    /// The wall clock, in ms since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        (self.inner.now)()
    }

    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The bounded pool of password hashing.
    pub fn password_work(&self) -> &throttle::PasswordWork {
        &self.inner.password_work
    }

    pub(crate) fn login_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.inner.login_lock
    }

    pub(crate) fn device_secret(&self) -> &[u8] {
        &self.inner.device_secret
    }

    /// This process's HLC device id.
    pub fn device(&self) -> DeviceId {
        self.clock().device
    }

    /// A fresh stamp of this process's clock, for changes the server makes.
    pub fn tick(&self) -> Hlc {
        let now = self.now_ms();
        self.clock().tick(now)
    }

    /// The process's clock, locked. Hold it only for pure computations.
    pub(crate) fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        // A panic while holding the lock cannot leave a clock half-updated in
        // a way that matters (it only moves forward), so poison is ignored.
        self.inner
            .clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The district this server serves, or `None` before bootstrap.
    pub async fn district(&self) -> Result<Option<UnitId>, Error> {
        if let Some(d) = self.inner.district.get() {
            return Ok(Some(*d));
        }
        let found = org::load_district(self.db()).await?;
        if let Some(d) = found {
            let _ = self.inner.district.set(d);
        }
        Ok(found)
    }
}

/// The whole HTTP surface: `/api/...` and, for everything else, the PWA.
pub fn app(state: AppState) -> Router {
    let api = routes::api()
        .into_router()
        .fallback(error::api_not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .nest("/api", api)
        .fallback_service(static_files::service(state.dist()))
        .layer(axum::middleware::from_fn(static_files::cache_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(RequestDecompressionLayer::new())
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
