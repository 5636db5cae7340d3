//! Harness for the end-to-end tests: a really running server ([`Server`])
//! serving the built PWA, driven by headless Chromium ([`Browser`]).
//!
//! `cargo xtask test` builds both and points the tests at them with
//! `ANYUAN_DIST` and `ANYUAN_SERVER_BIN`; without those, the tests use
//! `dist/` and `target/debug/anyuan-server` of this workspace.
//!
//! "Offline" in these tests means the server is down ([`Server::stop`]):
//! Chromium's network emulation does not cover service-worker requests.

pub mod a11y;
pub mod app;
mod browser;
mod server;
mod temp;

use std::path::PathBuf;
use std::time::Duration;

pub use browser::{Browser, Profile, Viewport};
pub use server::Server;
pub use temp::TempDir;

/// How long to wait for something to show up before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
}

/// The built PWA (`ANYUAN_DIST`, or dist/ of the workspace).
pub fn dist_dir() -> anyhow::Result<PathBuf> {
    let dist = match std::env::var_os("ANYUAN_DIST").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("dist"),
    };
    anyhow::ensure!(
        dist.join("index.html").is_file(),
        "no built PWA at {} (set ANYUAN_DIST, or run `cargo xtask test --only e2e`)",
        dist.display()
    );
    Ok(dist)
}

/// The server binary (`ANYUAN_SERVER_BIN`, or target/debug/anyuan-server).
pub fn server_bin() -> anyhow::Result<PathBuf> {
    let bin = match std::env::var_os("ANYUAN_SERVER_BIN").filter(|b| !b.is_empty()) {
        Some(bin) => PathBuf::from(bin),
        None => workspace_root()
            .join("target")
            .join("debug")
            .join("anyuan-server"),
    };
    anyhow::ensure!(
        bin.is_file(),
        "no server binary at {} (set ANYUAN_SERVER_BIN, or run `cargo xtask test --only e2e`)",
        bin.display()
    );
    Ok(bin)
}

/// Where failing tests leave screenshots and page sources.
pub fn artifacts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts")
}

/// A port on loopback that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// A plain HTTP client for loopback: no proxy, no automatic decompression
/// (so `Content-Encoding` can be checked as sent).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Polls `check` every 100 ms until it returns `Some`, or fails after `timeout`
/// with `what` and the last error seen.
pub async fn poll<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let last = match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => "not yet".to_owned(),
            Err(err) => format!("{err:#}"),
        };
        if tokio::time::Instant::now() >= deadline {
            anyhow::bail!("timed out after {timeout:?} waiting for {what} ({last})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
