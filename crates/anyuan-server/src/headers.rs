//! Browser protections on every response, the shell's and the API's.
//!
//! The Content-Security-Policy allows only the app's own files: scripts
//! from this origin and wasm compiled from them (`'wasm-unsafe-eval'`, which
//! lets `WebAssembly.instantiate` run, not `eval`); no inline script (the
//! start script is a file, see `xtask/src/split.rs`), no plugins, no
//! framing, no `<base>`. Style *attributes* stay allowed
//! (`style-src-attr 'unsafe-inline'`): the update banner sets one, and an
//! attribute cannot load or run anything; `<style>` elements and foreign
//! stylesheets are refused. HSTS is sent only when the server is configured
//! as reached over HTTPS (`--https`), since over plain HTTP it means nothing
//! and on localhost it would stick to every port.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; \
     connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Only the camera (photos), and only for this origin.
pub const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(), geolocation=(), \
     payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), display-capture=(), \
     accelerometer=(), gyroscope=(), magnetometer=()";

/// HSTS when served over HTTPS: a year.
pub const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every response.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if state.policy().https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}
