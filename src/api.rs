//! The HTTP boundary: JSON requests to the server's `/api`, with failures
//! sorted into what the sync scheduler must do about them.
//!
//! A response only counts as an answer when the status is 2xx AND the body is
//! JSON: a cached page, an HTML error page from a proxy or a captive portal is
//! a failure, never a successful sync.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// Why a request did not produce the expected answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer at all: no network, or the server is down.
    Offline,
    /// The session is missing, expired or ended (401).
    Unauthorized,
    /// The server asks us to slow down (429/503), maybe saying for how long.
    Busy { retry_after_secs: Option<u64> },
    /// The server answered with an error meant for the user.
    Rejected { status: u16, zh: String, en: String },
    /// Something answered, but not our API (HTML, wrong JSON, 5xx).
    BadAnswer { status: u16 },
}

impl ApiError {
    /// Whether retrying later may help (as opposed to needing the user).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Offline | ApiError::Busy { .. } | ApiError::BadAnswer { .. }
        )
    }
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Deserialize)]
struct ErrorDetail {
    zh: String,
    en: String,
}

/// `POST path` with a JSON body; the answer parsed as `R`.
pub async fn post<B: Serialize, R: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::BadAnswer { status: 0 })?;
    let (status, body) = send("POST", path, token, Some(text)).await?;
    parse(status, &body)
}

/// `GET path`; the answer parsed as `R`.
pub async fn get<R: DeserializeOwned>(path: &str, token: Option<&str>) -> Result<R, ApiError> {
    let (status, body) = send("GET", path, token, None).await?;
    parse(status, &body)
}

/// `POST path` where only success matters (e.g. logout answers 204).
pub async fn post_empty(path: &str, token: Option<&str>) -> Result<(), ApiError> {
    send("POST", path, token, None).await.map(|_| ())
}

fn parse<R: DeserializeOwned>(status: u16, body: &str) -> Result<R, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::BadAnswer { status })
}

async fn send(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<(u16, String), ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Offline)?;
    let _ = headers.set("Accept", "application/json");
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(body) = &body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Offline)?;
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Offline)?
        .dyn_into()
        .map_err(|_| ApiError::Offline)?;
    let status = response.status();
    let is_json = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|c| c.starts_with("application/json"));
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.map_err(|_| ApiError::Offline)?,
        Err(_) => return Err(ApiError::Offline),
    };
    let text = text.as_string().unwrap_or_default();
    classify(status, is_json, response_retry_after(&response), text)
}

fn response_retry_after(response: &Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok())
}

/// Sorts a raw answer into success or the kind of failure.
pub fn classify(
    status: u16,
    is_json: bool,
    retry_after_secs: Option<u64>,
    body: String,
) -> Result<(u16, String), ApiError> {
    match status {
        204 => Ok((status, "null".into())),
        200..=299 if is_json => Ok((status, body)),
        401 => Err(ApiError::Unauthorized),
        429 | 503 => Err(ApiError::Busy { retry_after_secs }),
        400..=499 if is_json => match serde_json::from_str::<ErrorBody>(&body) {
            Ok(e) => Err(ApiError::Rejected {
                status,
                zh: e.error.zh,
                en: e.error.en,
            }),
            Err(_) => Err(ApiError::BadAnswer { status }),
        },
        _ => Err(ApiError::BadAnswer { status }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_never_a_successful_answer() {
        assert_eq!(
            classify(200, false, None, "<!doctype html>".into()),
            Err(ApiError::BadAnswer { status: 200 })
        );
        assert_eq!(
            classify(200, true, None, "{}".into()),
            Ok((200, "{}".into()))
        );
        assert_eq!(
            classify(204, false, None, String::new()),
            Ok((204, "null".into()))
        );
    }

    #[test]
    fn busy_and_rejections_are_told_apart() {
        assert_eq!(
            classify(429, true, Some(30), "{}".into()),
            Err(ApiError::Busy {
                retry_after_secs: Some(30)
            })
        );
        assert_eq!(
            classify(401, true, None, "{}".into()),
            Err(ApiError::Unauthorized)
        );
        let body = r#"{"error":{"code":"x","zh":"错","en":"wrong"}}"#.to_string();
        assert_eq!(
            classify(400, true, None, body),
            Err(ApiError::Rejected {
                status: 400,
                zh: "错".into(),
                en: "wrong".into()
            })
        );
        assert!(
            classify(502, false, None, String::new())
                .unwrap_err()
                .is_transient()
        );
    }
}
