//! Sign-in, sessions and the bearer-token extractor.
//!
//! * Passwords are stored as argon2id PHC strings; hashing runs on the
//!   blocking pool so it never stalls the async workers.
//! * A session token is 256 bits from the OS random source, sent to the
//!   client once and stored only as its SHA-256, so a copy of the database
//!   cannot be used to sign in.
//! * Sessions slide: each use moves the expiry to `now + session_idle`
//!   (written at most once an hour), never past `created + session_absolute`.
//!   The defaults (30 days idle, 90 days absolute) survive a week of typhoon
//!   offline.
//! * Failed sign-ins are counted in SQL per account and per client address
//!   and slow sign-in down (`429` with `Retry-After`, before the password is
//!   checked) without locking anyone out; a device that signed in as the
//!   user before gets through. See [`crate::throttle`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::OnceLock;

use anyuan_core::Actor;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::{self, User, UserView};
use crate::json::ApiJson;
use crate::throttle::{self, device_cookie_name, new_device_cookie, trusted_device, wait_secs};
use crate::{AppState, Db, Error};

/// Sliding expiry is written back at most this often per session.
const SLIDE_GRANULARITY_MS: u64 = 3600 * 1000;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks the password rules, with messages in both languages.
pub fn check_password_rules(password: &str) -> Result<(), Error> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Error::bad_request(
            "password_too_short",
            format!("密码至少需要{MIN_PASSWORD_CHARS}个字符，请换一个更长的密码。"),
            format!(
                "The password must be at least {MIN_PASSWORD_CHARS} characters. Please choose a longer one."
            ),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::bad_request(
            "password_too_long",
            format!("密码最多{MAX_PASSWORD_CHARS}个字符，请缩短。"),
            format!(
                "The password may be at most {MAX_PASSWORD_CHARS} characters. Please shorten it."
            ),
        ));
    }
    if password.trim().is_empty() {
        return Err(Error::bad_request(
            "password_blank",
            "密码不能全是空格。",
            "The password cannot be only spaces.",
        ));
    }
    Ok(())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Internal(format!("OS random source: {e}")))?;
    Ok(b)
}

fn hash_now(password: &str) -> Result<String, Error> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

fn verify_now(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// An argon2id hash of `password` (on the blocking pool).
pub async fn hash_password(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task: {e}")))?
}

/// Whether `password` matches `hash`; with no hash (unknown login) a dummy
/// hash is checked, so a wrong login takes as long as a wrong password.
/// Runs in the bounded hashing pool with the caller's place in its queue.
pub async fn verify_password(
    state: &AppState,
    admission: throttle::Admission,
    hash: Option<String>,
    password: String,
) -> Result<bool, Error> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    state
        .password_work()
        .run(admission, move || match hash {
            Some(h) => verify_now(&h, &password),
            None => {
                let dummy = match DUMMY.get() {
                    Some(d) => d.clone(),
                    None => DUMMY
                        .get_or_init(|| hash_now("dummy").unwrap_or_default())
                        .clone(),
                };
                let _ = verify_now(&dummy, &password);
                false
            }
        })
        .await
}

/// The key device cookies are signed with: made once, kept in
/// `server_meta`, so every process (and restart) shares it.
pub async fn device_secret(db: &Db) -> Result<Vec<u8>, Error> {
    sqlx::query(
        "INSERT INTO server_meta (key, value) VALUES ('device_cookie_key', $1) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(hex(&random_bytes::<32>()?))
    .execute(db.pool())
    .await?;
    let key: String =
        sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'device_cookie_key'")
            .fetch_one(db.pool())
            .await?;
    Ok(key.into_bytes())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The stored form of a token: lower-case hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new session for `user`: returns the token (shown once) and its expiry.
pub async fn create_session(state: &AppState, user: &str) -> Result<(String, u64), Error> {
    let token = hex(&random_bytes::<32>()?);
    let now = state.now_ms();
    let p = state.policy();
    let absolute = now.saturating_add(ms(p.session_absolute));
    let expires = now.saturating_add(ms(p.session_idle)).min(absolute);
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_ms, expires_ms, absolute_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user)
    .bind(i(now))
    .bind(i(expires))
    .bind(i(absolute))
    .execute(state.db().pool())
    .await?;
    Ok((token, expires))
}

/// Milliseconds of a duration, saturating.
pub(crate) fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A `u64` for a BIGINT column, saturating.
pub(crate) fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A BIGINT column as `u64` (negative values are 0).
pub(crate) fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The client's address, for rate limiting: the peer address, or the last
/// `X-Forwarded-For` entry when the policy trusts a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        if state.policy().trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty());
            if let Some(addr) = forwarded {
                return Ok(ClientAddr(addr.to_owned()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}

/// The signed-in user of a request (`Authorization: Bearer <token>`).
#[derive(Debug, Clone)]
pub struct Authed {
    /// Who is acting, for the core's checks.
    pub actor: Actor,
    /// The account.
    pub user: User,
    /// The session's stored token hash.
    pub token_hash: String,
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or(Error::Unauthorized)?;
        let hash = token_hash(token);
        let (user, expires, absolute) = accounts::session_user(state, &hash)
            .await?
            .ok_or(Error::Unauthorized)?;
        let now = state.now_ms();
        if now >= expires || now >= absolute {
            end_session(state, &hash).await?;
            return Err(Error::Unauthorized);
        }
        if user.disabled {
            return Err(Error::Unauthorized);
        }
        let idle = ms(state.policy().session_idle);
        let slid = now.saturating_add(idle).min(absolute);
        if slid > expires.saturating_add(SLIDE_GRANULARITY_MS)
            || (slid == absolute && slid > expires)
        {
            sqlx::query("UPDATE sessions SET expires_ms = $1 WHERE token_hash = $2")
                .bind(i(slid))
                .bind(&hash)
                .execute(state.db().pool())
                .await?;
        }
        let district = state
            .district()
            .await?
            .ok_or_else(|| Error::Internal("no district: run `anyuan-server bootstrap`".into()))?;
        Ok(Authed {
            actor: user.actor(district),
            user,
            token_hash: hash,
        })
    }
}

async fn end_session(state: &AppState, hash: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash)
        .execute(state.db().pool())
        .await?;
    Ok(())
}

/// `POST /api/auth/login` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// `POST /api/auth/login` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The bearer token; shown only now.
    pub token: String,
    /// When the session ends unless used (it slides on use).
    pub expires_ms: u64,
    pub user: UserView,
}

/// How long until `key` may try again, if it is past its free failures.
async fn wait_for(state: &AppState, key: &str, free: u32, now: u64) -> Result<Option<u64>, Error> {
    let p = state.policy();
    let since = now.saturating_sub(ms(p.login_window));
    let (count, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(at_ms) FROM login_failures WHERE key = $1 AND at_ms > $2",
    )
    .bind(key)
    .bind(i(since))
    .fetch_one(state.db().pool())
    .await?;
    Ok(wait_secs(
        u(count),
        last.map_or(0, u),
        free,
        ms(p.throttle_base),
        ms(p.throttle_max),
        now,
    ))
}

/// Counts an attempt against `keys` before its password is checked, unless
/// one of them must still wait: then `429` with the longest wait. Check and
/// reservation are one step under the process's sign-in lock.
async fn reserve_attempt(
    state: &AppState,
    keys: &[(String, u32)],
    attempt: &str,
    now: u64,
) -> Result<(), Error> {
    let _one_at_a_time = state.login_lock().lock().await;
    let mut wait = None;
    for (key, free) in keys {
        wait = wait.max(wait_for(state, key, *free, now).await?);
    }
    if let Some(retry_after_secs) = wait {
        return Err(Error::TooManyRequests { retry_after_secs });
    }
    let window = ms(state.policy().login_window);
    let mut tx = state.db().pool().begin().await?;
    sqlx::query("DELETE FROM login_failures WHERE at_ms <= $1")
        .bind(i(now.saturating_sub(window)))
        .execute(&mut *tx)
        .await?;
    for (key, _) in keys {
        sqlx::query("INSERT INTO login_failures (key, at_ms, attempt) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(i(now))
            .bind(attempt)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Takes back an attempt's reservation (it succeeded, or was never checked).
async fn release_attempt(state: &AppState, attempt: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
        .bind(attempt)
        .execute(state.db().pool())
        .await?;
    Ok(())
}

/// The device cookie for `user`, set on every successful sign-in.
fn device_cookie(state: &AppState, user: Uuid, nonce: &str) -> Result<HeaderValue, Error> {
    let value = new_device_cookie(state.device_secret(), user, nonce)?;
    let secure = if state.policy().https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/api/auth; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        device_cookie_name(user),
        DEVICE_COOKIE_MAX_AGE_SECS,
    ))
    .map_err(|e| Error::Internal(format!("device cookie: {e}")))
}

/// How long a device stays known without signing in again (a year).
const DEVICE_COOKIE_MAX_AGE_SECS: u64 = 365 * 24 * 3600;

/// `POST /api/auth/login {login, password}` → `{token, expires_ms, user}`,
/// and the device cookie.
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, Error> {
    let login = accounts::normalize_login(&req.login);
    let now = state.now_ms();
    let p = state.policy();
    let user = accounts::find_by_login(&state, &login).await?;
    let device = user
        .as_ref()
        .and_then(|(u, _)| trusted_device(state.device_secret(), &headers, u.id));
    let login_key = format!("login:{login}");
    // A known device answers for itself only; anyone else is slowed down
    // per login and per address.
    let keys = match &device {
        Some(nonce) => vec![(format!("device:{nonce}"), p.max_failures_per_login)],
        None => vec![
            (login_key.clone(), p.max_failures_per_login),
            (format!("addr:{}", addr.0), p.max_failures_per_addr),
        ],
    };
    let attempt = hex(&random_bytes::<16>()?);
    if let Err(e) = reserve_attempt(&state, &keys, &attempt, now).await {
        if matches!(e, Error::TooManyRequests { .. }) {
            tracing::warn!(%login, addr = %addr.0, "sign-in slowed down");
        }
        return Err(e);
    }
    let admission = match state.password_work().admit() {
        Ok(a) => a,
        Err(busy) => {
            release_attempt(&state, &attempt).await?;
            return Err(busy);
        }
    };
    let hash = user.as_ref().map(|(_, h)| h.clone());
    let ok = req.password.len() <= 4 * MAX_PASSWORD_CHARS
        && verify_password(&state, admission, hash, req.password).await?;
    let Some((user, _)) = user.filter(|_| ok) else {
        // The reservation stays: it is the failure.
        return Err(Error::BadCredentials);
    };
    release_attempt(&state, &attempt).await?;
    if user.disabled {
        return Err(Error::denied(
            "account_disabled",
            "此账号已停用。如需使用，请联系管理员。",
            "This account is disabled. Please contact your administrator.",
        ));
    }
    let counted = match &device {
        Some(nonce) => format!("device:{nonce}"),
        None => login_key,
    };
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(&counted)
        .execute(state.db().pool())
        .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_ms <= $1 OR absolute_ms <= $1")
        .bind(i(now))
        .execute(state.db().pool())
        .await?;
    let (token, expires_ms) = create_session(&state, &user.id.to_string()).await?;
    let nonce = match device {
        Some(n) => n,
        None => hex(&random_bytes::<16>()?),
    };
    let cookie = device_cookie(&state, user.id, &nonce)?;
    let user = accounts::view(&state, &user).await?;
    let mut response = Json(LoginResponse {
        token,
        expires_ms,
        user,
    })
    .into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /api/auth/logout` → 204: ends the calling session.
pub async fn logout(State(state): State<AppState>, authed: Authed) -> Result<StatusCode, Error> {
    end_session(&state, &authed.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/auth/me` → the signed-in user.
pub async fn me(State(state): State<AppState>, authed: Authed) -> Result<Json<UserView>, Error> {
    Ok(Json(accounts::view(&state, &authed.user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_tokens_are_hashed_hex() {
        let h = hash_now("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_now(&h, "correct horse"));
        assert!(!verify_now(&h, "wrong horse"));
        assert!(!verify_now("not a hash", "x"));
        let t = token_hash("abc");
        assert_eq!(
            t,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn password_rules_explain_themselves() {
        assert!(check_password_rules("12345678").is_ok());
        let Err(Error::BadRequest { code, zh, en }) = check_password_rules("1234567") else {
            panic!()
        };
        assert_eq!(code, "password_too_short");
        assert!(zh.contains('8') && en.contains('8'));
        assert!(check_password_rules("        ").is_err());
        assert!(check_password_rules(&"x".repeat(257)).is_err());
        // Characters, not bytes: eight Chinese characters are enough.
        assert!(check_password_rules("安园安园安园安园").is_ok());
    }
}
