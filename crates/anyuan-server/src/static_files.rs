//! The built PWA (`dist/`, built by xtask), with caching that never serves a stale
//! shell: content-hashed assets are immutable, everything that names them
//! (`index.html`, the service worker, the manifest) is revalidated every time.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower::service_fn;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

/// How long a browser may keep a response for `path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Content-hashed file: cache forever.
    Immutable,
    /// Names other files or is the app itself: always revalidate.
    Revalidate,
    /// Other static files (icons): an hour.
    Short,
    /// API responses: never store.
    NoStore,
}

impl CachePolicy {
    pub fn for_path(path: &str) -> CachePolicy {
        if path.starts_with("/api/") || path == "/api" {
            return CachePolicy::NoStore;
        }
        let name = path.rsplit('/').next().unwrap_or("");
        if is_content_hashed(name) {
            CachePolicy::Immutable
        } else if name.is_empty() || !name.contains('.') || name.ends_with(".html") {
            // "/", app routes served as index.html, and index.html itself.
            CachePolicy::Revalidate
        } else if matches!(name, "sw.js" | "manifest.webmanifest") {
            CachePolicy::Revalidate
        } else {
            CachePolicy::Short
        }
    }

    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
            CachePolicy::Revalidate => "no-cache",
            CachePolicy::Short => "public, max-age=3600",
            CachePolicy::NoStore => "no-store",
        })
    }
}

/// Trunk names built assets `<stem>-<16 hex digits>[_bg].<ext>`.
fn is_content_hashed(name: &str) -> bool {
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((base, hash)) => {
            !base.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// Sets `Cache-Control` on every response unless the handler chose one.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let policy = CachePolicy::for_path(request.uri().path());
    let mut response = next.run(request).await;
    let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if ok || policy == CachePolicy::NoStore {
        policy
    } else {
        CachePolicy::NoStore
    };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert_with(|| policy.header_value());
    response
}

/// Serves files from `dist`; a path without a file extension is an app route
/// and gets `index.html` (the router in the app takes it from there), while a
/// missing file with an extension is a plain 404, so a stale asset name is
/// never answered with HTML.
pub fn service(dist: &Path) -> BoxCloneSyncService<Request, Response, Infallible> {
    // xtask writes brotli (quality 11) and gzip copies beside each
    // content-hashed file; they are sent as they are, with no compression
    // work per request. Everything else (index.html, sw.js) is compressed on
    // the fly by the app's layer, so an edited file never meets a stale copy.
    let index = ServeFile::new(dist.join("index.html"));
    let fallback = service_fn(move |request: Request| {
        let index = index.clone();
        async move {
            let last = request.uri().path().rsplit('/').next().unwrap_or("");
            if last.contains('.') {
                return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
            }
            let response = index.oneshot(request).await.into_response();
            Ok(response)
        }
    });
    let dir = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(fallback);
    BoxCloneSyncService::new(dir.map_response(|mut r| {
        // A pre-compressed copy depends on Accept-Encoding like any other
        // compressed response: shared caches (a school's proxy) must know.
        // (The compression layer says so itself for what it compresses.)
        if r.headers().contains_key(header::CONTENT_ENCODING) {
            r.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        r.map(Body::new)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_immutable_and_the_shell_revalidates() {
        use CachePolicy::*;
        assert_eq!(
            CachePolicy::for_path("/anyuan-8f3a1c2b9d4e5f60_bg.wasm"),
            Immutable
        );
        assert_eq!(
            CachePolicy::for_path("/anyuan-8f3a1c2b9d4e5f60.js"),
            Immutable
        );
        assert_eq!(
            CachePolicy::for_path("/style-0123456789abcdef.css"),
            Immutable
        );
        assert_eq!(CachePolicy::for_path("/"), Revalidate);
        assert_eq!(CachePolicy::for_path("/index.html"), Revalidate);
        assert_eq!(CachePolicy::for_path("/drills/abc"), Revalidate);
        assert_eq!(CachePolicy::for_path("/sw.js"), Revalidate);
        assert_eq!(CachePolicy::for_path("/manifest.webmanifest"), Revalidate);
        assert_eq!(CachePolicy::for_path("/icon-192.png"), Short);
        assert_eq!(CachePolicy::for_path("/api/health"), NoStore);
        // Not a 16-hex-digit hash: not immutable.
        assert_eq!(CachePolicy::for_path("/anyuan-8f3a.js"), Short);
        assert_eq!(CachePolicy::for_path("/anyuan-zzzzzzzzzzzzzzzz.js"), Short);
        assert_eq!(CachePolicy::for_path("/-8f3a1c2b9d4e5f60.js"), Short);
    }

    #[tokio::test]
    async fn pre_compressed_copies_are_sent_to_browsers_that_take_them() {
        use http_body_util::BodyExt as _;

        let dist = std::env::temp_dir().join(format!("anyuan-static-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dist);
        std::fs::create_dir_all(&dist).unwrap();
        let js = "app-0123456789abcdef.js";
        std::fs::write(dist.join(js), "plain").unwrap();
        // Not real brotli: the point is which bytes go out.
        std::fs::write(dist.join(format!("{js}.br")), "as-brotli").unwrap();
        std::fs::write(dist.join("index.html"), "<p>index</p>").unwrap();
        std::fs::write(dist.join("index.html.gz"), "stale").unwrap();
        let svc = service(&dist);
        let get = |path: &str, accept: &str| {
            let request = Request::get(path)
                .header(header::ACCEPT_ENCODING, accept)
                .body(Body::empty())
                .unwrap();
            let svc = svc.clone();
            async move {
                let response = svc.oneshot(request).await.unwrap();
                let encoding = response
                    .headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap().to_owned());
                if encoding.is_some() {
                    assert_eq!(response.headers()[header::VARY], "accept-encoding");
                }
                let body = response.into_body().collect().await.unwrap().to_bytes();
                (encoding, String::from_utf8(body.to_vec()).unwrap())
            }
        };
        let br = (Some("br".to_owned()), "as-brotli".to_owned());
        assert_eq!(get(&format!("/{js}"), "gzip, deflate, br").await, br);
        assert_eq!(
            get(&format!("/{js}"), "identity").await,
            (None, "plain".into())
        );
        // No gzip copy of this one: the plain file (the app's compression
        // layer would compress it on the way out).
        assert_eq!(get(&format!("/{js}"), "gzip").await, (None, "plain".into()));
        // An app route is index.html itself, never a copy beside it.
        let index = (None, "<p>index</p>".to_owned());
        assert_eq!(get("/drills", "gzip").await, index);
        assert_eq!(get("/drills", "").await, index);
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
