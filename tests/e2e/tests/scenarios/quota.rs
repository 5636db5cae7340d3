//! A full device: a save that does not fit says so in words, and nothing
//! saved before is lost.
//!
//! The origin's quota is shrunk through the DevTools protocol
//! (`Storage.overrideQuotaForOrigin`) to just above what it uses, and the
//! rest is filled with random bytes (incompressible) in a database of its own.
//!
//! Two Chromium behaviours shape the test:
//! - `navigator.storage.estimate()` reports usage + 10 GiB whatever the real
//!   quota (static quota reporting), so the quota is read through DevTools.
//! - IndexedDB caches the space left for 30 s after it asked the quota
//!   manager (`BucketContext::kBucketSpaceCacheTimeLimit`), and only asks
//!   again when a write needs more than what is cached. With the real quota
//!   (~10 GiB here) cached, a shrunk quota is not enforced for up to 30 s. So
//!   the quota is bounded before the app writes anything ([`START_QUOTA`]):
//!   what Chromium caches, and hence what the filler writes before the shrunk
//!   quota applies, is then at most a few megabytes.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, add_class, cdp, class_names, fill, server_has_class, sign_in, storage_usage,
    wait_service_worker, wait_synced, wait_waiting, waiting,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, poll};
use serde_json::{Value, json};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

/// The origin's quota from the start: room for the app (its precache is
/// about 1 MB) and a bound on what IndexedDB caches as free.
const START_QUOTA: u64 = 8 * 1024 * 1024;

/// Room left above the usage when the quota is shrunk.
const HEADROOM: u64 = 512 * 1024;

/// The filler gives up beyond this: the quota is evidently not enforced.
const FILL_LIMIT: u64 = 64 * 1024 * 1024;

const FILLER_DB: &str = "e2e-filler";

/// Writes random bytes into its own database, halving the chunk after each
/// refused write down to 16 bytes, until nothing more fits. Returns
/// `{written, errors}` (the names of the errors that stopped writes).
const FILL_STORAGE: &str = r#"
const [name, start, limit] = arguments;
return (async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('junk', { autoIncrement: true });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const put = (size) => new Promise((ok) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    }
    let tx;
    try {
      tx = db.transaction('junk', 'readwrite');
      tx.objectStore('junk').add(bytes);
    } catch (e) {
      ok(e.name);
      return;
    }
    tx.oncomplete = () => ok(null);
    tx.onabort = () => ok(tx.error ? tx.error.name : 'AbortError');
  });
  let size = start, written = 0, errors = [];
  while (size >= 16) {
    const failed = await put(size);
    if (failed === null) {
      written += size;
      if (written > limit) return { written, errors, unenforced: true };
    } else {
      errors.push(failed);
      size = Math.floor(size / 2);
    }
  }
  db.close();
  return { written, errors };
})();
"#;

const DELETE_FILLER: &str = r#"
const [name] = arguments;
return new Promise((ok, fail) => {
  const r = indexedDB.deleteDatabase(name);
  r.onsuccess = () => ok(true);
  r.onerror = () => fail(r.error);
  r.onblocked = () => fail(new Error('blocked'));
});
"#;

#[tokio::test]
async fn a_save_that_exceeds_the_quota_shows_a_clear_message_and_keeps_earlier_records()
-> Result<()> {
    let mut server = Server::start_new().await?;
    let origin = server.origin();
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    set_quota(&browser, &origin, Some(START_QUOTA)).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    browser.wait_lang("zh-CN").await?;
    wait_service_worker(&browser).await?;
    wait_synced(&browser, RECONNECT).await?;

    // Offline, so the first class exists only on this device.
    server.stop()?;
    let first = "存储测试一班";
    add_class(&browser, first, "30").await?;
    wait_waiting(&browser, 1, RECONNECT).await?;

    // Shrink the quota to just above the usage, then fill what is left.
    let usage = storage_usage(&browser).await?;
    set_quota(&browser, &origin, Some(usage + HEADROOM)).await?;
    let filled = browser
        .client()
        .execute(
            FILL_STORAGE,
            vec![json!(FILLER_DB), json!(64 * 1024), json!(FILL_LIMIT)],
        )
        .await?;
    let errors: Vec<String> = serde_json::from_value(filled["errors"].clone())?;
    ensure!(
        filled["unenforced"].is_null() && errors.iter().any(|e| e == "QuotaExceededError"),
        "filling the storage did not hit the quota: {filled}"
    );

    // The second class does not fit: a message, not "saved".
    browser.click("nav-more").await?;
    browser.click("nav-classes").await?;
    browser.click("class-add").await?;
    fill(&browser, "class-name", "存储测试二班").await?;
    fill(&browser, "class-size", "31").await?;
    browser.click("class-save").await?;
    let message = browser
        .wait_text_contains("save-error", "存储空间已满")
        .await?;
    ensure!(
        message.contains("之前保存的记录都完好无损"),
        "the message does not say earlier records are safe: {message:?}"
    );
    ensure!(
        !browser.exists("saved").await?,
        "\"saved\" shown for a failed save"
    );
    ensure!(
        waiting(&browser).await? == 1,
        "the failed save is counted as waiting"
    );

    // The screen does not show what the disk does not have.
    browser.click("nav-today").await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == first) && !names.iter().any(|n| n == "存储测试二班"),
        "after the failed save: {names:?}"
    );

    // After a reload, still full: the first class is there, the second not.
    browser.reload().await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == first),
        "the earlier class is gone: {names:?}"
    );
    ensure!(
        !names.iter().any(|n| n == "存储测试二班"),
        "the class that did not fit is listed: {names:?}"
    );
    ensure!(waiting(&browser).await? == 1, "waiting count after reload");

    // Space again (quota restored, filler gone): the save works and all syncs.
    set_quota(&browser, &origin, None).await?;
    let deleted: Value = browser
        .client()
        .execute(DELETE_FILLER, vec![json!(FILLER_DB)])
        .await?;
    ensure!(deleted == json!(true), "deleting the filler: {deleted}");
    add_class(&browser, "存储测试二班", "31").await?;
    server.start().await?;
    wait_waiting(&browser, 0, RECONNECT).await?;
    for name in [first, "存储测试二班"] {
        poll(&format!("the server to have {name}"), RECONNECT, || async {
            Ok(server_has_class(&server, "school1", name)
                .await?
                .then_some(()))
        })
        .await?;
    }
    browser.close().await
}

/// Overrides the origin's quota (`None`: back to the browser's own) and
/// checks through DevTools that it took.
async fn set_quota(browser: &Browser, origin: &str, quota: Option<u64>) -> Result<()> {
    let mut params = json!({ "origin": origin });
    if let Some(q) = quota {
        params["quotaSize"] = json!(q);
    }
    cdp(browser, "Storage.overrideQuotaForOrigin", params).await?;
    let info = cdp(
        browser,
        "Storage.getUsageAndQuota",
        json!({ "origin": origin }),
    )
    .await?;
    let took = match quota {
        Some(q) => {
            info["overrideActive"] == json!(true) && info["quota"].as_f64() == Some(q as f64)
        }
        None => info["overrideActive"] == json!(false),
    };
    ensure!(took, "the quota override {quota:?} did not take: {info}");
    Ok(())
}
