//! The API's route table. The router is built from it, and the OpenAPI test
//! checks that every `(method, path)` in it is documented, so an endpoint
//! cannot be added without its description.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

use crate::{AppState, accounts, auth, export, health, openapi, sync};

/// A router that remembers its routes. Paths are relative to `/api`.
pub struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, handler);
        self.list.push((method, path));
        self
    }

    /// Every `(method, path)`, with paths as mounted (under `/api`).
    pub fn list(&self) -> Vec<(Method, String)> {
        self.list
            .iter()
            .map(|(m, p)| (m.clone(), format!("/api{p}")))
            .collect()
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Every API route.
pub fn api() -> Routes {
    use Method as M;
    Routes::new()
        .add(M::GET, "/health", get(health::health))
        .add(M::GET, "/openapi.json", get(openapi::document))
        .add(M::POST, "/auth/login", post(auth::login))
        .add(M::POST, "/auth/logout", post(auth::logout))
        .add(M::GET, "/auth/me", get(auth::me))
        .add(M::GET, "/admin/users", get(accounts::list))
        .add(M::POST, "/admin/users", post(accounts::create))
        .add(
            M::POST,
            "/admin/users/{id}/password",
            post(accounts::set_password),
        )
        .add(
            M::POST,
            "/admin/users/{id}/disable",
            post(accounts::disable),
        )
        .add(M::POST, "/admin/users/{id}/enable", post(accounts::enable))
        .add(M::POST, "/admin/users/{id}/role", post(accounts::set_role))
        .add(M::POST, "/sync/push", post(sync::push))
        .add(M::POST, "/sync/pull", post(sync::pull))
        .add(M::GET, "/sync/history/{id}", get(sync::history))
        .add(M::GET, "/export/{report}", get(export::export))
}
