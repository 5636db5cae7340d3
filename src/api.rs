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

/// A file the server made: its content and the name the server gave it.
#[derive(Debug, Clone)]
pub struct FileAnswer {
    /// The content, ready for [`crate::download::save_blob`].
    pub blob: web_sys::Blob,
    /// The name from `Content-Disposition` (UTF-8 `filename*` preferred).
    pub file_name: Option<String>,
}

/// The path of an export: `/api/export/classes?format=xlsx&unit=…`.
pub fn export_path(
    report: &str,
    format: anyuan_core::export::Format,
    params: &anyuan_core::export::ReportParams,
    lang: anyuan_core::Lang,
) -> String {
    let mut path = format!(
        "/api/export/{}?format={}&lang={}",
        percent_encode(report),
        format.name(),
        lang.tag()
    );
    if let Some(id) = params.id {
        path.push_str(&format!("&id={id}"));
    }
    if let Some(term) = params.term {
        path.push_str(&format!("&term={term}"));
    }
    if let Some(unit) = params.unit {
        path.push_str(&format!("&unit={unit}"));
    }
    path
}

/// `GET /api/export/{report}`: a report of `anyuan_core::export::REPORTS`
/// made by the server (xlsx needs the server; CSV can also be made offline
/// with `anyuan_core::export::to_csv`). Success only when the answer is the
/// requested file type: a cached HTML page never passes as a download.
pub async fn export(
    report: &str,
    format: anyuan_core::export::Format,
    params: &anyuan_core::export::ReportParams,
    lang: anyuan_core::Lang,
    token: Option<&str>,
) -> Result<FileAnswer, ApiError> {
    let path = export_path(report, format, params, lang);
    let media_type = format.mime().split(';').next().unwrap_or_default();
    get_file(&path, token, media_type).await
}

/// `GET path` for a file of `media_type` (e.g. `text/csv`); errors as for
/// JSON requests.
pub async fn get_file(
    path: &str,
    token: Option<&str>,
    media_type: &str,
) -> Result<FileAnswer, ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Offline)?;
    let _ = headers.set("Accept", &format!("{media_type}, application/json"));
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    init.set_cache(web_sys::RequestCache::NoStore);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Offline)?;
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Offline)?
        .dyn_into()
        .map_err(|_| ApiError::Offline)?;
    let status = response.status();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let content_type = header("content-type").unwrap_or_default();
    if (200..300).contains(&status) && content_type.starts_with(media_type) {
        let blob = match response.blob() {
            Ok(p) => JsFuture::from(p).await.map_err(|_| ApiError::Offline)?,
            Err(_) => return Err(ApiError::Offline),
        };
        let blob: web_sys::Blob = blob.dyn_into().map_err(|_| ApiError::Offline)?;
        return Ok(FileAnswer {
            blob,
            file_name: header("content-disposition").and_then(|v| disposition_file_name(&v)),
        });
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.map_err(|_| ApiError::Offline)?,
        Err(_) => return Err(ApiError::Offline),
    };
    let is_json = content_type.starts_with("application/json");
    let text = text.as_string().unwrap_or_default();
    match classify(status, is_json, response_retry_after(&response), text) {
        // A 2xx that is not the file asked for (HTML, JSON) is not an answer.
        Ok(_) => Err(ApiError::BadAnswer { status }),
        Err(e) => Err(e),
    }
}

/// The file name in a `Content-Disposition` value: the RFC 5987
/// `filename*=UTF-8''…` when present, else the plain `filename`.
pub fn disposition_file_name(value: &str) -> Option<String> {
    let params = value.split(';').map(str::trim);
    let mut plain = None;
    for param in params {
        let Some((key, v)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let mut parts = v.trim().splitn(3, '\'');
                let (charset, encoded) = (parts.next(), parts.nth(1));
                let name = encoded
                    .filter(|_| charset.is_some_and(|c| c.eq_ignore_ascii_case("utf-8")))
                    .and_then(percent_decode)
                    .filter(|n| !n.is_empty());
                if name.is_some() {
                    return name;
                }
            }
            "filename" => {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(v);
                plain = Some(v.replace("\\\"", "\"")).filter(|n| !n.is_empty());
            }
            _ => {}
        }
    }
    plain
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod export_tests {
    use super::*;
    use anyuan_core::export::{Format, ReportParams};
    use anyuan_core::{Lang, Term, UnitId};

    #[test]
    fn export_paths_carry_format_language_and_parameters() {
        let params = ReportParams {
            unit: Some(UnitId(uuid::Uuid::nil())),
            term: Term::parse("2026-1"),
            ..ReportParams::default()
        };
        assert_eq!(
            export_path("classes", Format::Xlsx, &params, Lang::Zh),
            "/api/export/classes?format=xlsx&lang=zh-CN&term=2026-1\
             &unit=00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            export_path("a b", Format::Csv, &ReportParams::default(), Lang::En),
            "/api/export/a%20b?format=csv&lang=en"
        );
    }

    #[test]
    fn file_names_come_from_content_disposition() {
        let v = "attachment; filename=\"classes-2026-11-28.xlsx\"; \
                 filename*=UTF-8''%E7%8F%AD%E7%BA%A7%E5%90%8D%E5%8D%95-2026-11-28.xlsx";
        assert_eq!(
            disposition_file_name(v).as_deref(),
            Some("班级名单-2026-11-28.xlsx")
        );
        assert_eq!(
            disposition_file_name("attachment; filename=\"a.csv\"").as_deref(),
            Some("a.csv")
        );
        assert_eq!(
            disposition_file_name("attachment; filename*=UTF-8''%ZZ; filename=b.csv").as_deref(),
            Some("b.csv"),
            "a broken filename* falls back to the plain name"
        );
        assert_eq!(disposition_file_name("attachment"), None);
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
