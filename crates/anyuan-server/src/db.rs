//! The database: SQLite by default, PostgreSQL when the URL says so.
//!
//! Both backends go through sqlx's `Any` driver with one set of portable SQL
//! (numbered `$1` parameters, `ON CONFLICT`, `RETURNING`); only the
//! migrations are written per backend. Values cross as TEXT, BIGINT and
//! INTEGER only, which both backends and the `Any` driver support.

use std::path::Path;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::Error;

/// Which SQL engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A pool plus what the code needs to know about its backend.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer; writers queue here instead of failing with
    /// `SQLITE_BUSY`. PostgreSQL serialises sequence allocation in SQL instead.
    sqlite_writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// Connection pool limits.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// At most this many connections (`None`: 4 on SQLite, 16 on PostgreSQL).
    pub max_connections: Option<u32>,
    /// A request waits this long for a free connection before the server
    /// answers `503` with `Retry-After` (overload, not an error).
    pub acquire_timeout: std::time::Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            max_connections: None,
            acquire_timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl Db {
    /// Connects, creating the SQLite file and its directory when needed, and
    /// runs the backend's migrations.
    pub async fn connect(url: &str) -> Result<Db, Error> {
        Db::connect_with(url, PoolSettings::default()).await
    }

    /// [`Db::connect`] with explicit pool limits.
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Db, Error> {
        install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| {
            Error::Internal(format!("unsupported database URL scheme in {url:?}"))
        })?;
        if backend == Backend::Sqlite {
            create_sqlite_dir(url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(settings.max_connections.unwrap_or(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            }))
            .acquire_timeout(settings.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                             PRAGMA cache_size = -32768;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(url).await?;
        let db = Db {
            pool,
            backend,
            sqlite_writer: Default::default(),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), Error> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Holds SQLite's single writer slot for the duration of a write
    /// transaction (a no-op guard on PostgreSQL).
    pub async fn writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            Backend::Postgres => None,
        }
    }

    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

fn create_sqlite_dir(url: &str) -> Result<(), Error> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_backends_by_scheme() {
        assert_eq!(Backend::of_url("sqlite://data/a.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }

    #[tokio::test]
    async fn creates_and_migrates_a_fresh_sqlite_file_twice_without_error() {
        let dir = std::env::temp_dir().join(format!("anyuan-db-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.join("nested/anyuan.db").display()
        );
        let db = Db::connect(&url).await.unwrap();
        db.ping().await.unwrap();
        drop(db);
        // Reopening runs the migrations again: they must be recorded as applied.
        let db = Db::connect(&url).await.unwrap();
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert!(row.0 >= 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
