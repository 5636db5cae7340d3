//! One error type for every handler. It maps to a status code and a JSON body
//! `{"error": {"code", "zh", "en"}}` that a person can read in either
//! language. Internal causes are logged and never sent to the client.
//!
//! Overload (the pool has no free connection in time, SQLite is busy,
//! PostgreSQL asks for a retry) answers `503` with `Retry-After`, so devices
//! back off instead of hammering a struggling server.

use std::borrow::Cow;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Seconds a client should wait after a `503`.
pub const OVERLOAD_RETRY_SECS: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("bad request: {en}")]
    BadRequest {
        code: &'static str,
        zh: String,
        en: String,
    },
    /// No valid session: missing, unknown, expired or ended token.
    #[error("not signed in")]
    Unauthorized,
    /// A sign-in with a wrong login or password.
    #[error("wrong login or password")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden, with a specific explanation.
    #[error("forbidden: {en}")]
    Denied {
        code: &'static str,
        zh: String,
        en: String,
    },
    /// The request conflicts with existing data (e.g. a login already taken).
    #[error("conflict: {en}")]
    Conflict {
        code: &'static str,
        zh: String,
        en: String,
    },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable { retry_after_secs: u64 },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("internal: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    zh: &'a str,
    en: &'a str,
}

/// Whether a database error means "overloaded, try again later" rather than
/// a bug: no pooled connection in time, SQLite busy or locked, PostgreSQL
/// serialization failure, deadlock or too many connections.
pub fn is_overload(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => matches!(
            d.code().as_deref(),
            Some("5" | "6" | "517" | "40001" | "40P01" | "53300" | "57P03")
        ),
        _ => false,
    }
}

impl Error {
    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn denied(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Denied {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Conflict {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Error::TooManyRequests { retry_after_secs }
            | Error::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            Error::Database(e) if is_overload(e) => Some(OVERLOAD_RETRY_SECS),
            _ => None,
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::Unauthorized | Error::BadCredentials => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::Denied { .. } => StatusCode::FORBIDDEN,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(e) if is_overload(e) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The machine-readable code and the two human messages (Chinese,
    /// English), as the client gets them.
    pub fn messages(&self) -> (&str, Cow<'_, str>, Cow<'_, str>) {
        let s = |code, zh: &'static str, en: &'static str| (code, zh.into(), en.into());
        match self {
            Error::NotFound => s("not_found", "找不到该资源。", "Not found."),
            Error::BadRequest { code, zh, en }
            | Error::Denied { code, zh, en }
            | Error::Conflict { code, zh, en } => (code, zh.into(), en.into()),
            Error::Unauthorized => s(
                "unauthorized",
                "请先登录，或登录已过期，请重新登录。",
                "Please sign in; your session may have expired.",
            ),
            Error::BadCredentials => s(
                "bad_credentials",
                "登录名或密码不正确，请检查后重试。",
                "Wrong login or password. Check them and try again.",
            ),
            Error::Forbidden => s(
                "forbidden",
                "您的账号无权进行此操作。",
                "Your account may not do this.",
            ),
            Error::PayloadTooLarge => s(
                "too_large",
                "一次提交的内容太多。应用会分批重试。",
                "Too much data in one request. The app will retry in smaller batches.",
            ),
            Error::TooManyRequests { retry_after_secs } if *retry_after_secs < 60 => {
                let secs = (*retry_after_secs).max(1);
                (
                    "too_many_requests",
                    format!("登录失败次数过多，请{secs}秒后再试。").into(),
                    format!("Too many failed sign-ins. Please try again in {secs} second(s).")
                        .into(),
                )
            }
            Error::TooManyRequests { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                (
                    "too_many_requests",
                    format!("登录失败次数过多，请{minutes}分钟后再试。").into(),
                    format!("Too many failed sign-ins. Please try again in {minutes} minute(s).")
                        .into(),
                )
            }
            Error::Unavailable { .. } => s(
                "unavailable",
                "服务器繁忙，您的数据仍保存在设备上，稍后会自动重试。",
                "The server is busy. Your data is still on your device and will be retried shortly.",
            ),
            Error::Database(e) if is_overload(e) => s(
                "unavailable",
                "服务器繁忙，您的数据仍保存在设备上，稍后会自动重试。",
                "The server is busy. Your data is still on your device and will be retried shortly.",
            ),
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => s(
                "internal",
                "服务器出错，您的数据仍保存在设备上，稍后会自动重试。",
                "Server error. Your data is still on your device and will be retried.",
            ),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "overloaded");
        } else if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (code, zh, en) = self.messages();
        let mut response = (
            status,
            Json(Body {
                error: Detail {
                    code,
                    zh: &zh,
                    en: &en,
                },
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"anyuan\""),
            );
        }
        response
    }
}

/// Unknown paths under `/api` answer JSON, never the app's HTML.
pub async fn api_not_found() -> Error {
    Error::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(e: Error) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
        let r = e.into_response();
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        (status, headers, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn internal_errors_do_not_leak_their_cause() {
        let (status, _, body) = body_of(Error::Internal("secret path /var/db".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.to_string().contains("secret"), "{body}");
        assert_eq!(body["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn bad_requests_carry_both_languages() {
        let (status, _, body) = body_of(Error::bad_request(
            "name_required",
            "请填写名称。",
            "Enter a name.",
        ))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["zh"], "请填写名称。");
        assert_eq!(body["error"]["en"], "Enter a name.");
    }

    #[tokio::test]
    async fn overload_answers_503_with_retry_after() {
        let (status, headers, body) = body_of(Error::Database(sqlx::Error::PoolTimedOut)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers[header::RETRY_AFTER], "5");
        assert_eq!(body["error"]["code"], "unavailable");
        let (status, headers, body) = body_of(Error::TooManyRequests {
            retry_after_secs: 601,
        })
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "601");
        assert!(body["error"]["zh"].as_str().unwrap().contains("11分钟"));
    }
}
