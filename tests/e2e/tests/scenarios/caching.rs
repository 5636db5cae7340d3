use anyhow::{Context as _, Result, ensure};
use anyuan_e2e::{Server, dist_dir, http_client};
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use reqwest::{Response, StatusCode};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn header(response: &Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Paths of trunk's hashed bundle in index.html: `/anyuan-<hex>_bg.wasm`
/// and `/anyuan-<hex>.js`.
fn hashed_assets(index: &str) -> (Option<String>, Option<String>) {
    let (mut wasm, mut js) = (None, None);
    let prefix = "/anyuan-";
    for (at, _) in index.match_indices(prefix) {
        let rest = &index[at + prefix.len()..];
        let hex_len = rest
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len());
        if hex_len < 8 {
            continue;
        }
        let (hash, tail) = rest.split_at(hex_len);
        if tail.starts_with("_bg.wasm") {
            wasm.get_or_insert(format!("{prefix}{hash}_bg.wasm"));
        } else if tail.starts_with(".js") {
            js.get_or_insert(format!("{prefix}{hash}.js"));
        }
    }
    (wasm, js)
}

#[tokio::test]
async fn caching_headers_of_index_and_hashed_assets() -> Result<()> {
    let server = Server::start_new().await?;
    let http = http_client()?;
    let get = |path: &str| http.get(server.url(path)).send();

    // index.html is never cached stale: it names the current hashed bundle.
    let index = get("/").await?;
    ensure!(
        index.status() == StatusCode::OK,
        "GET / → {}",
        index.status()
    );
    let cache = header(&index, CACHE_CONTROL);
    ensure!(cache.contains("no-cache"), "GET / Cache-Control: {cache:?}");
    let index = index.text().await?;

    let sw = get("/sw.js").await?;
    ensure!(
        sw.status() == StatusCode::OK,
        "GET /sw.js → {}",
        sw.status()
    );
    let cache = header(&sw, CACHE_CONTROL);
    ensure!(
        cache.contains("no-cache"),
        "GET /sw.js Cache-Control: {cache:?}"
    );

    // The hashed bundle is cached forever.
    let (wasm, js) = hashed_assets(&index);
    let wasm = wasm.context("index.html names no /anyuan-<hash>_bg.wasm")?;
    let js = js.context("index.html names no /anyuan-<hash>.js")?;
    for path in [&wasm, &js] {
        let asset = get(path).await?;
        ensure!(
            asset.status() == StatusCode::OK,
            "GET {path} → {}",
            asset.status()
        );
        let cache = header(&asset, CACHE_CONTROL);
        ensure!(cache == IMMUTABLE, "GET {path} Cache-Control: {cache:?}");
    }

    // ... and sent brotli-compressed to browsers that accept it.
    let compressed = http
        .get(server.url(&wasm))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await?;
    ensure!(compressed.status() == StatusCode::OK);
    let encoding = header(&compressed, CONTENT_ENCODING);
    ensure!(
        encoding == "br",
        "GET {wasm} (br) Content-Encoding: {encoding:?}"
    );
    let cache = header(&compressed, CACHE_CONTROL);
    ensure!(
        cache == IMMUTABLE,
        "GET {wasm} (br) Cache-Control: {cache:?}"
    );
    let vary = header(&compressed, VARY);
    ensure!(
        vary.eq_ignore_ascii_case("accept-encoding"),
        "GET {wasm} (br) Vary: {vary:?}"
    );
    // Exactly the quality-11 copy xtask wrote (the bytes `cargo xtask bench
    // size` counts), not a faster on-the-fly compression.
    let sent = compressed.bytes().await?;
    let copy = dist_dir()?.join(format!("{}.br", wasm.trim_start_matches('/')));
    let on_disk = std::fs::read(&copy).with_context(|| format!("reading {}", copy.display()))?;
    ensure!(
        sent.as_ref() == on_disk.as_slice(),
        "GET {wasm} (br) sent {} bytes, not the {} of {}",
        sent.len(),
        on_disk.len(),
        copy.display()
    );

    let health = get("/api/health").await?;
    ensure!(
        health.status() == StatusCode::OK,
        "GET /api/health → {}",
        health.status()
    );
    let kind = header(&health, CONTENT_TYPE);
    ensure!(
        kind.starts_with("application/json"),
        "GET /api/health Content-Type: {kind:?}"
    );
    health
        .json::<serde_json::Value>()
        .await
        .context("/api/health is not JSON")?;

    // App routes fall back to index.html; unknown API paths are JSON 404s.
    let route = get("/drills").await?;
    ensure!(
        route.status() == StatusCode::OK,
        "GET /drills → {}",
        route.status()
    );
    let cache = header(&route, CACHE_CONTROL);
    ensure!(
        cache.contains("no-cache"),
        "GET /drills Cache-Control: {cache:?}"
    );
    ensure!(
        route.text().await? == index,
        "GET /drills is not index.html"
    );

    let missing = get("/api/no-such-thing").await?;
    ensure!(
        missing.status() == StatusCode::NOT_FOUND,
        "GET /api/no-such-thing → {}",
        missing.status()
    );
    let kind = header(&missing, CONTENT_TYPE);
    ensure!(
        kind.starts_with("application/json"),
        "GET /api/no-such-thing Content-Type: {kind:?}"
    );
    missing
        .json::<serde_json::Value>()
        .await
        .context("the API 404 is not JSON")?;
    Ok(())
}

#[test]
fn finds_hashed_bundle_names() {
    let index = r#"<link rel="modulepreload" href="/anyuan-0123456789abcdef.js" crossorigin="anonymous">
<link rel="preload" href="/anyuan-0123456789abcdef_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm">
<link rel="manifest" href="/anyuan-manifest.webmanifest">"#;
    assert_eq!(
        hashed_assets(index),
        (
            Some("/anyuan-0123456789abcdef_bg.wasm".into()),
            Some("/anyuan-0123456789abcdef.js".into())
        )
    );
}
