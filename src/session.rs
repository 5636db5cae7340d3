//! Who is signed in on this device, and the device's own id. Both live in
//! a small IndexedDB database of the device (`anyuan-device`), written
//! durably before the app moves on: local storage is flushed lazily, so a
//! phone that kills the browser right after sign-in would lose it there.
//! Passwords are never stored.

use anyuan_core::hlc::DeviceId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::storage::{Op, Store, StoreError, Table};

const DEVICE_DB: &str = "anyuan-device";
const SESSION_KEY: &str = "session";
const DEVICE_KEY: &str = "device";

async fn device_store() -> Result<Store, StoreError> {
    Store::open(DEVICE_DB, || {}, || {}).await
}

/// The signed-in user as the server described them at login.
pub use anyuan_core::wire::UserV1 as User;

/// The IndexedDB database that holds a user's records and outbox.
pub fn database_name(user: &User) -> String {
    format!("anyuan-u-{}", user.id)
}

/// A signed-in session: the opaque token and the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: User,
}

/// The server's answer to a login.
#[derive(Clone, Debug, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub user: User,
}

#[derive(Serialize)]
pub struct LoginRequest<'a> {
    pub login: &'a str,
    pub password: &'a str,
}

impl Session {
    /// The session kept on this device, if any.
    pub async fn load() -> Option<Session> {
        let store = device_store().await.ok()?;
        let text = store.get(Table::Meta, SESSION_KEY).await.ok().flatten();
        store.close();
        serde_json::from_str(&text?).ok()
    }

    /// Keeps the session on this device; returns once it is on disk.
    pub async fn store(&self) -> Result<(), StoreError> {
        let store = device_store().await?;
        let text = serde_json::to_string(self).unwrap_or_default();
        let result = store
            .write(&[Op::Put(Table::Meta, SESSION_KEY.into(), text)])
            .await;
        store.close();
        result
    }

    /// Forgets the token on this device. The user's records and unsynced
    /// changes stay in their database for their next sign-in.
    pub async fn forget() {
        if let Ok(store) = device_store().await {
            let _ = store
                .write(&[Op::Delete(Table::Meta, SESSION_KEY.into())])
                .await;
            store.close();
        }
    }
}

/// This browser profile's device id, made once and kept.
pub async fn device_id() -> DeviceId {
    let Ok(store) = device_store().await else {
        return fresh_device_id();
    };
    let stored = store.get(Table::Meta, DEVICE_KEY).await.ok().flatten();
    let id = match stored
        .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
        .filter(|id| *id != 0)
    {
        Some(id) => DeviceId(id),
        None => {
            let id = fresh_device_id();
            let _ = store
                .write(&[Op::Put(
                    Table::Meta,
                    DEVICE_KEY.into(),
                    format!("{:016x}", id.0),
                )])
                .await;
            id
        }
    };
    store.close();
    id
}

/// The low 64 bits of a UUIDv7 are random (crypto.getRandomValues).
fn fresh_device_id() -> DeviceId {
    DeviceId((Uuid::now_v7().as_u128() as u64) | 1)
}
