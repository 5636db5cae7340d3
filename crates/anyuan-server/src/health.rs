//! `GET /api/health`: the server is up and its database answers.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::{AppState, Error};

#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub version: &'static str,
}

pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, Error> {
    state.db().ping().await?;
    Ok(Json(Health {
        status: "ok",
        database: state.db().backend().name(),
        version: env!("CARGO_PKG_VERSION"),
    }))
}
