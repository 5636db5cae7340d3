//! What keeps sign-in standing under attack, without locking anyone out.
//!
//! * **Slow-down, not lockout.** Failed sign-ins are counted per login and
//!   per client address over [`Policy::login_window`](crate::Policy). Up to
//!   a free number of failures nothing happens; past it, each further
//!   attempt must wait after the last failure, the wait doubling from
//!   [`Policy::throttle_base`](crate::Policy) up to
//!   [`Policy::throttle_max`](crate::Policy). Nobody is walled off for the
//!   whole window, and a school behind one NAT address is only slowed.
//! * **Reserved before checked.** An attempt is counted (a row in
//!   `login_failures`, named by the attempt) before its password is
//!   verified, under one lock with the check, so parallel guesses cannot all
//!   pass the check before any is counted. A correct password takes its
//!   reservation back. The lock is this process's: with several processes
//!   on one PostgreSQL database, each process can let one extra attempt per
//!   key through at the same instant, no more.
//! * **Device cookies** (OWASP "device cookies"): a successful sign-in sets
//!   an HttpOnly cookie naming the user, signed with HMAC-SHA256 under a
//!   server secret kept in the database. With it, sign-in for that user
//!   skips the login and address throttles and is counted only against the
//!   device, so an attacker who guesses at a known login does not keep its
//!   owner out.
//! * **Bounded hashing.** Argon2 verification takes about 19 MiB and a core
//!   for tens of milliseconds; [`PasswordWork`] runs at most one per core
//!   with a short queue, and answers `503` with `Retry-After` at once when
//!   the queue is full, so a burst cannot exhaust memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::Error;

/// Seconds a client should wait when the hashing queue is full.
pub const BUSY_RETRY_SECS: u64 = 1;

/// The bounded pool of password hashing work.
pub struct PasswordWork {
    /// Running plus queued: the queue is what is left after the workers.
    admission: Arc<Semaphore>,
    /// Running.
    workers: Arc<Semaphore>,
    /// How many hashes or verifications ran (for tests and metrics).
    done: AtomicU64,
}

/// A place in the hashing queue; dropping it gives the place back.
#[derive(Debug)]
pub struct Admission(#[allow(dead_code)] OwnedSemaphorePermit);

impl PasswordWork {
    /// `workers` hashes at a time (at least 1), `queue` more waiting.
    pub fn new(workers: usize, queue: usize) -> PasswordWork {
        let workers = workers.max(1);
        PasswordWork {
            admission: Arc::new(Semaphore::new(workers + queue)),
            workers: Arc::new(Semaphore::new(workers)),
            done: AtomicU64::new(0),
        }
    }

    /// A place in the queue, or `503` with `Retry-After` at once when full.
    pub fn admit(&self) -> Result<Admission, Error> {
        Arc::clone(&self.admission)
            .try_acquire_owned()
            .map(Admission)
            .map_err(|_| Error::Unavailable {
                retry_after_secs: BUSY_RETRY_SECS,
            })
    }

    /// Runs `f` on the blocking pool once a worker is free.
    pub async fn run<T: Send + 'static>(
        &self,
        admission: Admission,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let worker = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|e| Error::Internal(format!("hashing pool closed: {e}")))?;
        self.done.fetch_add(1, Ordering::Relaxed);
        let out = tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| Error::Internal(format!("hashing task: {e}")));
        drop((worker, admission));
        out
    }

    /// How many hashes or verifications have started.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

/// How long an attempt must still wait, in whole seconds, after `failures`
/// failures within the window, the last at `last_ms`; `None` when it may go.
pub fn wait_secs(
    failures: u64,
    last_ms: u64,
    free: u32,
    base_ms: u64,
    max_ms: u64,
    now_ms: u64,
) -> Option<u64> {
    let excess = failures.checked_sub(u64::from(free))?;
    let factor = 1u64.checked_shl(u32::try_from(excess).unwrap_or(u32::MAX));
    let delay = factor
        .and_then(|f| base_ms.checked_mul(f))
        .unwrap_or(max_ms)
        .min(max_ms);
    let wait = last_ms.saturating_add(delay).saturating_sub(now_ms);
    (wait > 0).then(|| wait.div_ceil(1000).max(1))
}

type HmacSha256 = Hmac<Sha256>;

/// The name of `user`'s device cookie (one per user, so a shared tablet
/// keeps each of its users' cookies).
pub fn device_cookie_name(user: Uuid) -> String {
    format!("anyuan_dev_{}", user.simple())
}

fn mac(secret: &[u8], user: Uuid, nonce: &str) -> Result<HmacSha256, Error> {
    let mut m = HmacSha256::new_from_slice(secret)
        .map_err(|e| Error::Internal(format!("device cookie key: {e}")))?;
    m.update(b"anyuan-device-v1\0");
    m.update(user.as_bytes());
    m.update(nonce.as_bytes());
    Ok(m)
}

/// A new device cookie's value for `user`: `<nonce>.<mac>`, both hex.
pub fn new_device_cookie(secret: &[u8], user: Uuid, nonce: &str) -> Result<String, Error> {
    let tag = mac(secret, user, nonce)?.finalize().into_bytes();
    Ok(format!("{nonce}.{}", crate::auth::hex(&tag)))
}

/// The nonce of `user`'s device cookie in `headers`, if one is there and
/// its signature holds.
pub fn trusted_device(secret: &[u8], headers: &HeaderMap, user: Uuid) -> Option<String> {
    let name = device_cookie_name(user);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .find_map(|(_, value)| {
            let (nonce, tag) = value.split_once('.')?;
            if nonce.is_empty() || nonce.len() > 64 || tag.len() != 64 {
                return None;
            }
            let tag: Vec<u8> = (0..tag.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(tag.get(i..i + 2)?, 16).ok())
                .collect::<Option<_>>()?;
            // `verify_slice` compares in constant time.
            mac(secret, user, nonce)
                .ok()?
                .verify_slice(&tag)
                .ok()
                .map(|()| nonce.to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn waits_double_from_the_base_up_to_the_cap_after_the_free_failures() {
        let w = |n, now| wait_secs(n, 10_000, 5, 1000, 60_000, now);
        assert_eq!(w(4, 10_000), None);
        assert_eq!(w(5, 10_000), Some(1));
        assert_eq!(w(6, 10_000), Some(2));
        assert_eq!(w(7, 10_500), Some(4));
        assert_eq!(w(7, 14_000), None);
        assert_eq!(w(60, 10_000), Some(60));
        assert_eq!(w(u64::MAX, 10_000), Some(60));
    }

    #[test]
    fn device_cookies_verify_only_for_their_user_and_secret() {
        let (alice, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let value = new_device_cookie(b"secret", alice, "abcd").unwrap();
        let headers = |name: String, value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                COOKIE,
                HeaderValue::from_str(&format!("x=1; {name}={value}")).unwrap(),
            );
            h
        };
        let h = headers(device_cookie_name(alice), &value);
        assert_eq!(
            trusted_device(b"secret", &h, alice).as_deref(),
            Some("abcd")
        );
        assert_eq!(trusted_device(b"other", &h, alice), None);
        assert_eq!(trusted_device(b"secret", &h, bob), None);
        let h = headers(device_cookie_name(bob), &value);
        assert_eq!(trusted_device(b"secret", &h, bob), None);
        let forged = value.replacen("abcd", "abce", 1);
        let h = headers(device_cookie_name(alice), &forged);
        assert_eq!(trusted_device(b"secret", &h, alice), None);
        let h = headers(device_cookie_name(alice), "abcd.zz");
        assert_eq!(trusted_device(b"secret", &h, alice), None);
    }
}
