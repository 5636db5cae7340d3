//! Anyuan's server: the sync and admin API, and the built PWA as static files.
//!
//! `app(state)` builds the whole router so that tests can drive it with
//! `tower::ServiceExt::oneshot` or on a real listener.

pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod static_files;
pub mod telemetry;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;
pub use error::Error;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    dist: PathBuf,
}

impl AppState {
    /// Opens (creating and migrating when needed) the configured database.
    pub async fn open(config: &Config) -> Result<AppState, Error> {
        let db = Db::connect(&config.database_url()).await?;
        Ok(AppState::new(db, config.dist.clone()))
    }

    pub fn new(db: Db, dist: PathBuf) -> AppState {
        AppState {
            inner: Arc::new(Inner { db, dist }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn dist(&self) -> &std::path::Path {
        &self.inner.dist
    }
}

/// The whole HTTP surface: `/api/...` and, for everything else, the PWA.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::routes())
        .fallback(error::api_not_found);
    Router::new()
        .nest("/api", api)
        .fallback_service(static_files::service(state.dist()))
        .layer(axum::middleware::from_fn(static_files::cache_headers))
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
