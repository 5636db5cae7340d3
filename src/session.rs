//! Who is signed in on this device, and the device's own id. Both are small
//! settings kept in local storage; passwords never are.

use anyuan_core::auth::{Actor, Role};
use anyuan_core::hlc::DeviceId;
use anyuan_core::record::UnitId;
use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const SESSION_KEY: &str = "anyuan.session";
const DEVICE_KEY: &str = "anyuan.device";

/// The signed-in user as the server described them at login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub district_id: UnitId,
}

impl User {
    /// The core's view of this user, for scope and permission checks.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.id,
            role: self.role,
            unit: self.unit_id,
            district: self.district_id,
        }
    }

    /// The IndexedDB database that holds this user's records and outbox.
    pub fn database_name(&self) -> String {
        format!("anyuan-u-{}", self.id)
    }
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
    pub fn load() -> Option<Session> {
        LocalStorage::get(SESSION_KEY).ok()
    }

    pub fn store(&self) {
        let _ = LocalStorage::set(SESSION_KEY, self);
    }

    /// Forgets the token on this device. The user's records and unsynced
    /// changes stay in their database for their next sign-in.
    pub fn forget() {
        LocalStorage::delete(SESSION_KEY);
    }
}

/// This browser profile's device id, made once and kept.
pub fn device_id() -> DeviceId {
    if let Ok(hex) = LocalStorage::get::<String>(DEVICE_KEY)
        && let Ok(id) = u64::from_str_radix(&hex, 16)
        && id != 0
    {
        return DeviceId(id);
    }
    // The low 64 bits of a UUIDv7 are random (crypto.getRandomValues).
    let id = (Uuid::now_v7().as_u128() as u64) | 1;
    let _ = LocalStorage::set(DEVICE_KEY, format!("{id:016x}"));
    DeviceId(id)
}
