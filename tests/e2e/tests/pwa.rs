//! The installable, offline-first PWA: the service worker serves the shell
//! with the server down, never answers the API from its cache, and switches
//! to a new version only when the user taps "update"; the web manifest.
//!
//! Run through `cargo xtask test --only e2e` (it builds and stamps dist/).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail, ensure};
use anyuan_e2e::{Browser, Profile, Server, TIMEOUT, Viewport, dist_dir, http_client, poll};
use serde_json::Value;

/// The update test rewrites dist/sw.js for a while; the others must not
/// load the app meanwhile.
static DIST_LOCK: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// `VERSION` as stamped into a sw.js.
fn stamped_version(sw: &str) -> Result<String> {
    let rest = sw
        .split_once("const VERSION = \"")
        .context("sw.js has no `const VERSION = \"…\"`")?
        .1;
    let version = rest.split('"').next().unwrap_or_default();
    ensure!(
        !version.is_empty() && !version.starts_with("__"),
        "sw.js is not stamped (VERSION = {version:?}): build with `cargo xtask build`"
    );
    Ok(version.to_owned())
}

fn dist_sw() -> Result<PathBuf> {
    Ok(dist_dir()?.join("sw.js"))
}

/// Runs `script` (a function body whose last argument, `done`, is called
/// with the result) and returns what it passed to `done`.
async fn eval_async(browser: &Browser, script: &str) -> Result<Value> {
    let body = format!("const done = arguments[arguments.length - 1];\n{script}");
    browser
        .client()
        .execute_async(&body, Vec::new())
        .await
        .with_context(|| format!("running {script:?}"))
}

/// Waits until a service worker controls the page (`<html data-sw="ready">`
/// set by the app, and `navigator.serviceWorker.controller`).
async fn wait_controlled(browser: &Browser) -> Result<()> {
    const STATE: &str = "return [document.documentElement.dataset.sw || null, \
        !!(navigator.serviceWorker && navigator.serviceWorker.controller)]";
    let waited = poll(
        "the service worker to control the page",
        TIMEOUT,
        || async {
            let state = browser.eval(STATE).await?;
            Ok((state == serde_json::json!(["ready", true])).then_some(()))
        },
    )
    .await;
    match waited {
        Ok(()) => Ok(()),
        Err(err) => {
            let png = browser.save_artifacts("sw-ready").await.ok();
            Err(err.context(format!("screenshot: {png:?}")))
        }
    }
}

/// The names of the page's Cache Storage caches.
async fn cache_names(browser: &Browser) -> Result<Vec<String>> {
    let names = eval_async(
        browser,
        "caches.keys().then(done, e => done('error: ' + e))",
    )
    .await?;
    serde_json::from_value(names.clone()).with_context(|| format!("caches.keys() gave {names}"))
}

/// `fetch(path)` from the page: `{status, type, body}` or `{error}`.
/// Whether a script injected inline into the page runs (the CSP must
/// block it: only the app's own script files may run).
async fn inline_script_runs(browser: &Browser) -> Result<bool> {
    let ran = browser
        .eval(
            "window.__inline_ran = false; const s = document.createElement('script'); \
             s.textContent = 'window.__inline_ran = true'; document.head.appendChild(s); \
             return window.__inline_ran",
        )
        .await?;
    Ok(ran == Value::Bool(true))
}

async fn page_fetch(browser: &Browser, path: &str) -> Result<Value> {
    let script = format!(
        "fetch({path:?}).then(\
           r => r.text().then(body => done({{status: r.status, type: r.headers.get('content-type'), body: body.slice(0, 300)}})), \
           e => done({{error: String(e)}}))"
    );
    eval_async(browser, &script).await
}

#[tokio::test]
async fn shell_starts_from_the_service_worker_with_the_server_down() -> Result<()> {
    let _dist = DIST_LOCK.read().await;
    let version = stamped_version(&std::fs::read_to_string(dist_sw()?)?)?;
    let mut server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;

    browser.goto(&server.url("/")).await?;
    browser.find("app-name").await?;
    wait_controlled(&browser).await?;
    let caches = cache_names(&browser).await?;
    ensure!(
        caches == [format!("anyuan-{version}")],
        "caches are {caches:?}, expected only anyuan-{version}"
    );
    let online = page_fetch(&browser, "/api/health").await?;
    ensure!(online["status"] == 200, "online /api/health: {online}");
    ensure!(
        !inline_script_runs(&browser).await?,
        "online, an injected inline script ran"
    );
    eprintln!("online: controlled by the service worker, cache anyuan-{version}");

    // Offline: the server process is gone.
    server.stop()?;
    browser.reload().await?;
    let name = browser.text("app-name").await?;
    ensure!(name == "安园", "offline, the app name is {name:?}");
    wait_controlled(&browser).await?;
    ensure!(
        !inline_script_runs(&browser).await?,
        "offline (the shell from the service worker), an injected inline script ran"
    );
    // A deep link is an app route: the cached shell, and the router.
    browser.goto(&server.url("/more")).await?;
    let name = browser.text("app-name").await?;
    ensure!(name == "安园", "offline at /more, the app name is {name:?}");
    eprintln!("offline: the shell rendered from the service worker at / and /more");

    // The API is never answered from the cache.
    let offline = page_fetch(&browser, "/api/health").await?;
    ensure!(
        offline.get("error").is_some(),
        "offline, GET /api/health did not fail: {offline}"
    );
    eprintln!(
        "offline: fetch('/api/health') failed as it should: {}",
        offline["error"]
    );

    server.start().await?;
    let back = page_fetch(&browser, "/api/health").await?;
    ensure!(
        back["status"] == 200 && back["type"].as_str().unwrap_or("").contains("json"),
        "back online, /api/health: {back}"
    );
    browser.close().await
}

/// Puts a byte-different sw.js with another version into dist/ and puts the
/// original back on drop (unless a new build replaced it meanwhile).
struct NewServiceWorker {
    path: PathBuf,
    original: String,
    replaced: String,
}

impl NewServiceWorker {
    fn install(version: &str, new_version: &str) -> Result<Self> {
        let path = dist_sw()?;
        let original = std::fs::read_to_string(&path)?;
        let replaced = original.replace(
            &format!("const VERSION = \"{version}\""),
            &format!("const VERSION = \"{new_version}\""),
        );
        ensure!(
            replaced != original,
            "could not change the version in sw.js"
        );
        std::fs::write(&path, &replaced)?;
        Ok(Self {
            path,
            original,
            replaced,
        })
    }
}

impl Drop for NewServiceWorker {
    fn drop(&mut self) {
        if std::fs::read_to_string(&self.path).is_ok_and(|now| now == self.replaced) {
            let _ = std::fs::write(&self.path, &self.original);
        }
    }
}

#[tokio::test]
async fn update_waits_for_the_user_then_reloads_once() -> Result<()> {
    let _dist = DIST_LOCK.write().await;
    let version = stamped_version(&std::fs::read_to_string(dist_sw()?)?)?;
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;

    browser.goto(&server.url("/")).await?;
    wait_controlled(&browser).await?;
    ensure!(
        !browser.exists("update-reload").await?,
        "an update is offered on a first visit"
    );

    // A new build is deployed: the browser finds a byte-different sw.js.
    let new_version = format!("{version}e2e");
    let _deployed = NewServiceWorker::install(&version, &new_version)?;
    browser.reload().await?;
    browser.find("update-reload").await?;
    // It waits: the page still runs on the old version's cache.
    wait_controlled(&browser).await?;
    let caches = cache_names(&browser).await?;
    ensure!(
        caches.contains(&format!("anyuan-{version}")),
        "while the new worker waits, the caches are {caches:?}"
    );
    eprintln!("update offered; caches while it waits: {caches:?}");

    // Tapping "update" activates it, and the page reloads by itself.
    browser
        .eval("window.__beforeUpdate = true; return null")
        .await?;
    browser.click("update-reload").await?;
    poll("the page to reload after the update", TIMEOUT, || async {
        let mark = browser
            .eval("return window.__beforeUpdate === true")
            .await?;
        Ok((mark == Value::Bool(false)).then_some(()))
    })
    .await?;
    browser.find("app-name").await?;
    wait_controlled(&browser).await?;
    let caches = poll("the old cache to be deleted", TIMEOUT, || async {
        let caches = cache_names(&browser).await?;
        Ok((caches == [format!("anyuan-{new_version}")]).then_some(caches))
    })
    .await?;
    if browser.exists("update-reload").await? {
        bail!("the update is still offered after updating");
    }
    eprintln!("updated: reloaded once, caches now {caches:?}");
    browser.close().await
}

#[tokio::test]
async fn manifest_and_icons_are_served() -> Result<()> {
    let _dist = DIST_LOCK.read().await;
    let server = Server::start_new().await?;
    let http = http_client()?;

    let index = http.get(server.url("/")).send().await?.text().await?;
    for link in [
        r#"<link rel="manifest" href="/manifest.webmanifest">"#,
        r#"<link rel="apple-touch-icon" href="/apple-touch-icon.png">"#,
        r##"<meta name="theme-color" content="#0b6e6e">"##,
    ] {
        ensure!(index.contains(link), "index.html lacks {link}");
    }

    let response = http.get(server.url("/manifest.webmanifest")).send().await?;
    ensure!(
        response.status() == 200,
        "GET /manifest.webmanifest → {}",
        response.status()
    );
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let manifest: Value =
        serde_json::from_str(&response.text().await?).context("the manifest is not JSON")?;
    eprintln!("manifest ({kind}): {manifest}");
    ensure!(
        manifest["name"] == "安园 Anyuan",
        "name: {}",
        manifest["name"]
    );
    ensure!(manifest["short_name"] == "安园");
    ensure!(manifest["lang"] == "zh-CN");
    ensure!(manifest["start_url"] == "/" && manifest["scope"] == "/");
    ensure!(manifest["display"] == "standalone");
    ensure!(manifest["theme_color"] == "#0b6e6e");
    ensure!(manifest["background_color"] == "#f7f8f8");

    let icons = manifest["icons"].as_array().context("no icons")?;
    let mut seen = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().context("an icon without src")?;
        let sizes = icon["sizes"].as_str().context("an icon without sizes")?;
        let purpose = icon["purpose"].as_str().unwrap_or("any");
        let png = http.get(server.url(src)).send().await?;
        ensure!(png.status() == 200, "GET {src} → {}", png.status());
        let bytes = png.bytes().await?;
        ensure!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 24,
            "{src} is not a PNG"
        );
        let width = u32::from_be_bytes(bytes[16..20].try_into()?);
        let height = u32::from_be_bytes(bytes[20..24].try_into()?);
        ensure!(
            sizes == format!("{width}x{height}"),
            "{src} is {width}x{height}, the manifest says {sizes}"
        );
        seen.push(format!("{sizes} {purpose}"));
    }
    for want in ["192x192 any", "512x512 any", "512x512 maskable"] {
        ensure!(
            seen.iter().any(|s| s == want),
            "no {want} icon among {seen:?}"
        );
    }

    // The served worker is stamped and every file it precaches is there.
    let sw = http.get(server.url("/sw.js")).send().await?.text().await?;
    stamped_version(&sw)?;
    let list = sw
        .split_once("const PRECACHE = ")
        .and_then(|(_, rest)| rest.split_once(';'))
        .context("sw.js has no PRECACHE list")?
        .0;
    let precache: Vec<String> = serde_json::from_str(list).context("PRECACHE is not a list")?;
    for want in ["/", "/manifest.webmanifest", "/icon-512.png"] {
        ensure!(
            precache.iter().any(|p| p == want),
            "{want} is not precached: {precache:?}"
        );
    }
    ensure!(
        precache.iter().any(|p| p.ends_with("_bg.wasm")),
        "the wasm is not precached: {precache:?}"
    );
    for path in &precache {
        let status = http.get(server.url(path)).send().await?.status();
        ensure!(status == 200, "precached {path} → {status}");
    }
    Ok(())
}
