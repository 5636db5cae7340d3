//! The server's API tests: one binary, every scenario on SQLite and, when
//! `ANYUAN_TEST_POSTGRES_URL` names a PostgreSQL server where databases may
//! be created, on PostgreSQL too (each test gets a fresh database).
//!
//! A scenario is an `async fn(TestApp)`; `on_both!` turns each into
//! `<name>::sqlite` and `<name>::postgres` tests.

mod helpers;

/// Runs each named scenario on both backends.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

mod accounts;
mod auth;
mod concurrency;
mod drills;
mod duty;
mod export;
mod headers;
mod http;
mod scope;
mod sync;
