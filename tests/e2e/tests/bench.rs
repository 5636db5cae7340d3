//! The `pull` benchmark: a first sync of 10,000 records from a really running
//! server into IndexedDB, by the real built app (dist/) in headless Chromium.
//!
//! Not a test: compiled only with `--features bench` (see Cargo.toml) and run
//! by `cargo xtask bench pull`, which reads the `anyuan-bench pull ...` line
//! and checks the budget.
//!
//! The app is served by the server itself, so the pull is same-origin exactly
//! as in production: no CORS, no test-only seam in the app. The school is
//! seeded through the public push API as `school1`; then `school1` signs in on
//! a fresh browser profile and the app's own sync engine pulls everything.
//! The clock runs from the start of the first `/api/sync/pull` request (the
//! page's Resource Timing) to the moment the header shows "synced", which the
//! app does only after the last page's IndexedDB transaction committed
//! (a MutationObserver in the page notes the time). The count of records in
//! IndexedDB is then checked.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};
use anyuan_e2e::app::{DEMO_PASSWORD, api_session, sign_in};
use anyuan_e2e::{Browser, Profile, Server, Viewport, http_client, poll};
use serde_json::{Value, json};

/// Class records pushed before the pull.
const RECORDS: usize = 10_000;
/// The server accepts at most this many changes per push.
const PUSH_BATCH: usize = 1_000;
const LOGIN: &str = "school1";

/// A UUID-shaped id (version 7 layout) from a per-run seed and a counter;
/// the server only needs them unique.
fn uuid(seed: u64, n: u64) -> String {
    let ms = (seed >> 16) & 0xffff_ffff_ffff;
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        ms >> 16,
        ms & 0xffff,
        seed & 0xfff,
        0x8000 | ((n >> 48) & 0x3fff),
        n & 0xffff_ffff_ffff
    )
}

async fn seed(server: &Server) -> Result<(String, usize)> {
    let http = http_client()?;
    let session = api_session(server, LOGIN).await?;
    let token = session["token"].as_str().context("no token")?.to_owned();
    let user_id = session["user"]["id"].as_str().context("no user id")?;
    let unit = session["user"]["unit_id"].as_str().context("no unit")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let now_ms = now.as_millis() as u64;
    let seed = now.as_nanos() as u64 ^ u64::from(std::process::id());
    let device = format!("{:016x}", seed | 1);
    let mut accepted = 0;
    for batch in 0..RECORDS / PUSH_BATCH {
        let changes: Vec<Value> = (0..PUSH_BATCH)
            .map(|i| {
                let n = (batch * PUSH_BATCH + i) as u64;
                json!({
                    "id": uuid(seed, 2 * n),
                    "rec": uuid(seed, 2 * n + 1),
                    "kind": "class",
                    "unit": unit,
                    "at": format!("{now_ms:015}-{n:010}-{device}"),
                    "f": {
                        "name": { "v": format!("初{}({})班", n % 3 + 1, n % 40 + 1) },
                        "grade": { "v": format!("{}年级", n % 9 + 1) },
                        "size": { "v": 30 + n % 20 },
                    },
                })
            })
            .collect();
        let resp: Value = http
            .post(server.url("/api/sync/push"))
            .bearer_auth(&token)
            .json(&json!({ "device": device, "changes": changes }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let results = resp["results"].as_array().context("no results")?;
        let refused: Vec<&Value> = results.iter().filter(|r| r["r"] != "accepted").collect();
        ensure!(refused.is_empty(), "refused: {:?}", refused.first());
        accepted += results.len();
    }
    // Sign this session out again; the browser signs in on its own.
    let _ = http
        .post(server.url("/api/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await;
    Ok((format!("anyuan-u-{user_id}"), accepted))
}

/// Notes (once) when the header first shows a completed sync with nothing waiting.
const WATCH_SYNC: &str = r#"
window.__anyuanBench = { synced: null };
const check = () => {
  const el = document.querySelector('[data-testid=sync-waiting]');
  if (window.__anyuanBench.synced === null && el && el.dataset.count === '0'
      && el.textContent.trim() !== '') {
    window.__anyuanBench.synced = performance.now();
  }
};
new MutationObserver(check).observe(document.documentElement,
  { subtree: true, childList: true, characterData: true, attributes: true });
return null;
"#;

/// [pull requests, start of the first, time spent waiting for responses,
/// synced at].
const TIMES: &str = r#"
const pulls = performance.getEntriesByType('resource')
  .filter(e => new URL(e.name).pathname === '/api/sync/pull');
if (pulls.length === 0) return null;
const waiting = pulls.reduce((sum, e) => sum + (e.responseEnd - e.startTime), 0);
return [pulls.length, pulls[0].startTime, waiting, window.__anyuanBench.synced];
"#;

/// How many distinct records the user's database holds in `base` (whose
/// values are JSON: a page of records, or one record).
const COUNT_BASE: &str = r#"
const [name, done] = arguments;
const open = indexedDB.open(name);
open.onerror = () => done(-1);
open.onsuccess = () => {
  const db = open.result;
  const all = db.transaction('base').objectStore('base').getAll();
  all.onsuccess = () => {
    db.close();
    const ids = new Set();
    for (const text of all.result) {
      const value = JSON.parse(text);
      for (const record of Array.isArray(value) ? value : [value]) ids.add(record.id);
    }
    done(ids.size);
  };
  all.onerror = () => { db.close(); done(-2); };
};
"#;

#[tokio::test]
async fn pull() -> Result<()> {
    let server = Server::start_new().await?;
    let (database, pushed) = seed(&server).await?;

    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    browser.find("login-name").await?;
    browser.eval(WATCH_SYNC).await?;
    sign_in(&browser, LOGIN, DEMO_PASSWORD).await?;
    let times = poll(
        "the first sync to finish",
        Duration::from_secs(180),
        || async {
            let times = browser.eval(TIMES).await?;
            Ok(times
                .as_array()
                .filter(|t| t.get(3).is_some_and(|s| !s.is_null()))
                .cloned())
        },
    )
    .await?;
    let number = |i: usize| times[i].as_f64().context("a timing is missing");
    let (requests, start, waiting, synced) = (number(0)?, number(1)?, number(2)?, number(3)?);
    let stored = browser
        .client()
        .execute_async(COUNT_BASE, vec![json!(database)])
        .await?
        .as_i64()
        .context("no count")?;
    ensure!(
        stored as usize >= pushed,
        "IndexedDB holds {stored} records, the server accepted {pushed}"
    );
    let ms = synced - start;
    let rate = stored as f64 / (ms / 1000.0);
    println!(
        "anyuan-bench pull records={stored} ms={ms:.1} rate={rate:.0} requests={requests} network_ms={waiting:.1} app_ms={:.1}",
        ms - waiting
    );
    browser.close().await
}
