//! One error type for every handler. It maps to a status code and a JSON body
//! `{"error": {"code", "zh", "en"}}` that a person can read in either
//! language. Internal causes are logged and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
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

impl Error {
    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The machine-readable code and the two human messages.
    fn parts(&self) -> (&str, &str, &str) {
        match self {
            Error::NotFound => ("not_found", "找不到该资源。", "Not found."),
            Error::BadRequest { code, zh, en } => (code, zh, en),
            Error::Unauthorized => (
                "unauthorized",
                "请先登录，或登录已过期，请重新登录。",
                "Please sign in; your session may have expired.",
            ),
            Error::Forbidden => (
                "forbidden",
                "您的账号无权进行此操作。",
                "Your account may not do this.",
            ),
            Error::TooManyRequests { .. } => (
                "too_many_requests",
                "尝试次数过多，请稍后再试。",
                "Too many attempts. Please wait a moment and try again.",
            ),
            Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => (
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
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (code, zh, en) = self.parts();
        let mut response = (
            status,
            Json(Body {
                error: Detail { code, zh, en },
            }),
        )
            .into_response();
        if let Error::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
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

    async fn body_of(e: Error) -> (StatusCode, serde_json::Value) {
        let r = e.into_response();
        let status = r.status();
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn internal_errors_do_not_leak_their_cause() {
        let (status, body) = body_of(Error::Internal("secret path /var/db".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.to_string().contains("secret"), "{body}");
        assert_eq!(body["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn bad_requests_carry_both_languages() {
        let (status, body) = body_of(Error::bad_request(
            "name_required",
            "请填写名称。",
            "Enter a name.",
        ))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["zh"], "请填写名称。");
        assert_eq!(body["error"]["en"], "Enter a name.");
    }
}
