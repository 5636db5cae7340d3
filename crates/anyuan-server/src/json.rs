//! `ApiJson<T>`: axum's `Json` extractor with rejections in the API's error
//! shape (`{"error": {"code", "zh", "en"}}`), so a malformed or oversized
//! body gets a message a person can read, like every other error.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;

/// A JSON request body.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(rejected(&rejection)),
        }
    }
}

fn rejected(rejection: &JsonRejection) -> Error {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Error::PayloadTooLarge;
    }
    Error::bad_request(
        "bad_json",
        "请求格式不正确。请更新应用后重试。",
        format!(
            "The request is not valid ({}). Please update the app and try again.",
            rejection.body_text()
        ),
    )
}
