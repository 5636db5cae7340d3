//! The only module that touches IndexedDB.
//!
//! One database per signed-in user (`anyuan-u-<user id>`), so a shared
//! tablet keeps each person's unsynced work apart and a user never sees
//! another unit's data. Values are JSON strings of the core's wire types;
//! every write is one transaction, so a save is either wholly on disk or not
//! at all.
//!
//! Schema history (never edit a released step, add one):
//! 1. `base`, `outbox`, `acked`, `refused`, `meta`
//! 2. `drafts` (form drafts saved as the user types)

use std::cell::Cell;
use std::rc::Rc;

use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 2;

/// An object store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// Records as the server delivered them, a pulled page per entry: see
    /// `local.rs` (key: `page-<UUIDv7>`; before pages, one record per entry,
    /// key: record id).
    Base,
    /// Changes waiting to be pushed (key: change id, UUIDv7, so oldest first).
    Outbox,
    /// Accepted changes not yet seen back in a pull (key: change id).
    Acked,
    /// Changes the server refused, with the reason (key: change id).
    Refused,
    /// Small state: clock, cursor (key: name).
    Meta,
    /// Unsaved form contents (key: form id).
    Drafts,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Base => "base",
            Table::Outbox => "outbox",
            Table::Acked => "acked",
            Table::Refused => "refused",
            Table::Meta => "meta",
            Table::Drafts => "drafts",
        }
    }

    /// The stores each schema step creates.
    fn created_in(version: u32) -> &'static [Table] {
        match version {
            1 => &[
                Table::Base,
                Table::Outbox,
                Table::Acked,
                Table::Refused,
                Table::Meta,
            ],
            2 => &[Table::Drafts],
            _ => &[],
        }
    }
}

/// One write in a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Put(Table, String, String),
    Delete(Table, String),
    /// Removes every entry of the table.
    Clear(Table),
}

/// Why the store could not do what was asked. Nothing already stored is lost
/// in any of these cases: a failed transaction changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused to store more (quota).
    Quota,
    /// Another tab holds the database open on an older version.
    Blocked,
    /// IndexedDB is missing (private mode in some browsers) or failed.
    Unavailable(String),
    /// The stored data could not be read back.
    Corrupt(String),
}

impl StoreError {
    /// A message for the user, in Chinese and English.
    pub fn message(&self) -> (&'static str, &'static str) {
        match self {
            StoreError::Quota => (
                "设备存储空间已满，本次未保存。之前保存的记录都完好无损。请联网同步或清理浏览器存储后重试。",
                "This device's storage is full, so this was not saved. Everything saved before is intact. Sync with a network or free browser storage, then try again.",
            ),
            StoreError::Blocked => (
                "安园已在另一个标签页中以旧版本打开。请关闭其他安园标签页后重新加载。",
                "Anyuan is open in another tab on an older version. Close the other Anyuan tabs, then reload.",
            ),
            StoreError::Unavailable(_) => (
                "此浏览器无法在本地保存数据（可能处于隐私模式）。请使用普通模式打开。",
                "This browser cannot store data locally (private mode?). Open Anyuan in a normal window.",
            ),
            StoreError::Corrupt(_) => (
                "本地数据无法读取。请联系管理员。",
                "Local data could not be read. Please contact your administrator.",
            ),
        }
    }
}

fn classify(e: impl std::fmt::Debug) -> StoreError {
    let text = format!("{e:?}");
    if text.contains("QuotaExceeded") || text.contains("quota") {
        StoreError::Quota
    } else {
        StoreError::Unavailable(text)
    }
}

/// An open database.
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens (creating or upgrading) the database `name` at the current
    /// schema. `on_blocked` runs if another tab blocks the upgrade;
    /// `on_stale` runs if another tab later needs to upgrade (this
    /// connection is then closed, so it never blocks a newer version).
    pub async fn open(
        name: &str,
        on_blocked: impl FnOnce() + 'static,
        on_stale: impl FnOnce() + 'static,
    ) -> Result<Store, StoreError> {
        Store::open_version(name, SCHEMA_VERSION, on_blocked, on_stale).await
    }

    /// Opens at a given schema version (tests open old versions to check
    /// upgrades).
    pub async fn open_version(
        name: &str,
        version: u32,
        on_blocked: impl FnOnce() + 'static,
        on_stale: impl FnOnce() + 'static,
    ) -> Result<Store, StoreError> {
        let factory = Factory::new().map_err(|e| StoreError::Unavailable(format!("{e:?}")))?;
        let mut request = factory
            .open(name, Some(version))
            .map_err(|e| StoreError::Unavailable(format!("{e:?}")))?;
        let failed = Rc::new(Cell::new(false));
        let failed_in_upgrade = failed.clone();
        request.on_upgrade_needed(move |event| {
            let Ok(db) = event.database() else {
                failed_in_upgrade.set(true);
                return;
            };
            let old = event.old_version().unwrap_or(0);
            let new = event.new_version().ok().flatten().unwrap_or(version);
            for step in (old + 1)..=new {
                for table in Table::created_in(step) {
                    if db
                        .create_object_store(table.name(), ObjectStoreParams::new())
                        .is_err()
                    {
                        failed_in_upgrade.set(true);
                    }
                }
            }
        });
        request.on_blocked(move |_| on_blocked());
        let mut db = request
            .await
            .map_err(|e| StoreError::Unavailable(format!("{e:?}")))?;
        if failed.get() {
            return Err(StoreError::Unavailable("schema upgrade failed".into()));
        }
        db.on_version_change(move |event| {
            if let Some(Ok(db)) = event.target().map(Database::try_from) {
                db.close();
            }
            on_stale();
        });
        Ok(Store { db })
    }

    /// The names of the object stores (for tests of the schema).
    pub fn tables(&self) -> Vec<String> {
        self.db.store_names()
    }

    /// Applies the writes in one transaction: all of them or none.
    pub async fn write(&self, ops: &[Op]) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let mut names: Vec<&str> = ops
            .iter()
            .map(|op| match op {
                Op::Put(t, ..) | Op::Delete(t, _) | Op::Clear(t) => t.name(),
            })
            .collect();
        anyuan_core::order::sort(&mut names);
        names.dedup();
        let tx = self
            .db
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(classify)?;
        for op in ops {
            let result = match op {
                Op::Put(t, key, value) => tx.object_store(t.name()).and_then(|s| {
                    s.put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))
                        .map(|_| ())
                }),
                Op::Delete(t, key) => tx
                    .object_store(t.name())
                    .and_then(|s| s.delete(JsValue::from_str(key)).map(|_| ())),
                Op::Clear(t) => tx
                    .object_store(t.name())
                    .and_then(|s| s.clear().map(|_| ())),
            };
            if let Err(e) = result {
                let _ = tx.abort();
                return Err(classify(e));
            }
        }
        match tx.commit().map_err(classify)?.await {
            Ok(TransactionResult::Committed) => Ok(()),
            Ok(TransactionResult::Aborted) => Err(StoreError::Quota),
            Err(e) => Err(classify(e)),
        }
    }

    /// Every value of a table, in key order.
    pub async fn all(&self, table: Table) -> Result<Vec<String>, StoreError> {
        let tx = self
            .db
            .transaction(&[table.name()], TransactionMode::ReadOnly)
            .map_err(classify)?;
        let store = tx.object_store(table.name()).map_err(classify)?;
        let values = store
            .get_all(None, None)
            .map_err(classify)?
            .await
            .map_err(classify)?;
        values
            .into_iter()
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| StoreError::Corrupt(table.name().into()))
            })
            .collect()
    }

    /// One value, if present.
    pub async fn get(&self, table: Table, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self
            .db
            .transaction(&[table.name()], TransactionMode::ReadOnly)
            .map_err(classify)?;
        let store = tx.object_store(table.name()).map_err(classify)?;
        let value = store
            .get(JsValue::from_str(key))
            .map_err(classify)?
            .await
            .map_err(classify)?;
        Ok(value.and_then(|v| v.as_string()))
    }

    /// How many entries a table holds.
    pub async fn count(&self, table: Table) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction(&[table.name()], TransactionMode::ReadOnly)
            .map_err(classify)?;
        let store = tx.object_store(table.name()).map_err(classify)?;
        store.count(None).map_err(classify)?.await.map_err(classify)
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.db.close();
    }

    /// Deletes a whole database (tests and benchmarks only clean up with it).
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        let factory = Factory::new().map_err(|e| StoreError::Unavailable(format!("{e:?}")))?;
        factory
            .delete(name)
            .map_err(|e| StoreError::Unavailable(format!("{e:?}")))?
            .await
            .map_err(|e| StoreError::Unavailable(format!("{e:?}")))
    }
}

/// Asks the browser to keep this origin's data even under storage pressure
/// (`navigator.storage.persist()`); `None` where the API is missing.
pub async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let granted = JsFuture::from(storage.persist().ok()?).await.ok()?;
    granted.as_bool()
}

/// Whether persistence was already granted.
pub async fn is_persisted() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let granted = JsFuture::from(storage.persisted().ok()?).await.ok()?;
    granted.as_bool()
}

/// Bytes used and available to this origin, if the browser says.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let estimate: web_sys::StorageEstimate = estimate.dyn_into().ok()?;
    Some((estimate.get_usage()?, estimate.get_quota()?))
}
