//! The device's copy of a user's data: the core's [`Replica`] in memory,
//! mirrored to IndexedDB through [`crate::storage`].
//!
//! Every mutation follows one pattern: snapshot the small side tables
//! (outbox, acked, refused), mutate the replica with the pure core
//! functions, then write the difference plus the touched records and the
//! clock/cursor in ONE transaction. A save is reported only after that
//! transaction committed; if it fails, the in-memory change is undone, so
//! the screen never shows what the disk does not have.
//!
//! Records in `base` are stored a pulled page per IndexedDB value (a JSON
//! array), not one value per record: a put costs about the same for 300
//! bytes as for 300 KB, so per-record values made a first sync of 10,000
//! records IndexedDB-bound (`cargo xtask bench idb-import pull`). A record
//! pulled again lands in a newer page; the older copy is harmless because
//! loading merges every copy (merge is a join), and when the copies reach
//! twice the records plus a page, the table is rewritten compactly.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use anyuan_core::hlc::{Clock, DeviceId};
use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use anyuan_core::sync::client::{AckedChange, Edit, EditError, RefusedChange, Replica};
use anyuan_core::wire::{ChangeId, ChangeV1, Cursor, PullResponseV1, PushResponseV1, RecordV1};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::storage::{Op, Store, StoreError, Table};

const META_CLOCK: &str = "clock";
const META_CURSOR: &str = "cursor";
/// Records per `base` value when the table is rewritten (a pull page's size).
const PAGE_RECORDS: usize = 1000;

/// Why a local save failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    Store(StoreError),
    Edit(EditError),
}

/// A user's local data.
pub struct Local {
    store: Store,
    replica: RefCell<Replica>,
    /// Record copies stored in `base` (at least `replica.base.len()`).
    copies: Cell<usize>,
}

type SideTables = BTreeMap<(TableKey, String), String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TableKey {
    Outbox,
    Acked,
    Refused,
}

impl TableKey {
    fn table(self) -> Table {
        match self {
            TableKey::Outbox => Table::Outbox,
            TableKey::Acked => Table::Acked,
            TableKey::Refused => Table::Refused,
        }
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// The rows the side tables should hold for a replica.
fn side_tables(r: &Replica) -> SideTables {
    let mut rows = SideTables::new();
    for c in &r.outbox {
        rows.insert((TableKey::Outbox, c.id.0.to_string()), json(c));
    }
    for a in &r.acked {
        rows.insert((TableKey::Acked, a.change.id.0.to_string()), json(a));
    }
    for f in &r.refused {
        rows.insert((TableKey::Refused, f.change.id.0.to_string()), json(f));
    }
    rows
}

/// The writes that turn `before` into `after`.
fn diff(before: &SideTables, after: &SideTables) -> Vec<Op> {
    let mut ops = Vec::new();
    for ((t, key), value) in after {
        if before.get(&(*t, key.clone())) != Some(value) {
            ops.push(Op::Put(t.table(), key.clone(), value.clone()));
        }
    }
    for (t, key) in before.keys() {
        if !after.contains_key(&(*t, key.clone())) {
            ops.push(Op::Delete(t.table(), key.clone()));
        }
    }
    ops
}

impl Local {
    /// Loads everything stored for this user.
    pub async fn load(store: Store, device: DeviceId) -> Result<Local, StoreError> {
        let (replica, copies) = read_replica(&store, device).await?;
        Ok(Local {
            store,
            replica: RefCell::new(replica),
            copies: Cell::new(copies),
        })
    }

    /// Reads the stored state again (another tab of the same user wrote).
    pub async fn reload(&self) -> Result<(), StoreError> {
        let device = self.with(|r| r.device());
        let (fresh, copies) = read_replica(&self.store, device).await?;
        *self.replica.borrow_mut() = fresh;
        self.copies.set(copies);
        Ok(())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn meta_ops(r: &Replica) -> Vec<Op> {
        let mut ops = vec![Op::Put(Table::Meta, META_CLOCK.into(), json(&r.clock))];
        if let Some(c) = r.cursor {
            ops.push(Op::Put(Table::Meta, META_CURSOR.into(), json(&c)));
        }
        ops
    }

    /// Records an edit: on disk first, then in the view.
    pub async fn save(&self, edit: Edit, wall_ms: u64) -> Result<ChangeV1, SaveError> {
        let change = {
            let mut r = self.replica.borrow_mut();
            r.edit(ChangeId(Uuid::now_v7()), edit, wall_ms)
                .map_err(SaveError::Edit)?
        };
        let ops = {
            let r = self.replica.borrow();
            let mut ops = vec![Op::Put(
                Table::Outbox,
                change.id.0.to_string(),
                json(&change),
            )];
            ops.extend(Local::meta_ops(&r));
            ops
        };
        if let Err(e) = self.store.write(&ops).await {
            self.replica
                .borrow_mut()
                .outbox
                .retain(|c| c.id != change.id);
            return Err(SaveError::Store(e));
        }
        Ok(change)
    }

    /// Applies a mutation of the replica and writes what it changed.
    async fn mutate(
        &self,
        touched: &[RecordId],
        f: impl FnOnce(&mut Replica),
    ) -> Result<(), StoreError> {
        let (ops, copies) = {
            let mut r = self.replica.borrow_mut();
            let before = side_tables(&r);
            f(&mut r);
            let mut ops = diff(&before, &side_tables(&r));
            let copies = self.base_ops(&r, touched, &mut ops);
            ops.extend(Local::meta_ops(&r));
            (ops, copies)
        };
        self.store.write(&ops).await?;
        self.copies.set(copies);
        Ok(())
    }

    /// Adds the writes that store the `touched` records of `base` (one new
    /// value, or the whole table rewritten); returns the copies then stored.
    fn base_ops(&self, r: &Replica, touched: &[RecordId], ops: &mut Vec<Op>) -> usize {
        let page: Vec<RecordV1> = touched
            .iter()
            .filter_map(|id| r.base.get(id))
            .map(RecordV1::from)
            .collect();
        let copies = self.copies.get() + page.len();
        if page.is_empty() || copies <= 2 * r.base.len() + PAGE_RECORDS {
            if !page.is_empty() {
                ops.push(Op::Put(Table::Base, page_key(), json(&page)));
            }
            return copies;
        }
        ops.push(Op::Clear(Table::Base));
        let all: Vec<RecordV1> = r.base.values().map(RecordV1::from).collect();
        for chunk in all.chunks(PAGE_RECORDS) {
            ops.push(Op::Put(Table::Base, page_key(), json(&chunk)));
        }
        all.len()
    }

    /// Takes in a push answer and stores the result.
    pub async fn on_push_response(&self, resp: &PushResponseV1) -> Result<(), StoreError> {
        self.mutate(&[], |r| r.on_push_response(resp)).await
    }

    /// Takes in a pull page and stores the records it brought.
    pub async fn on_pull(&self, resp: PullResponseV1, wall_ms: u64) -> Result<usize, StoreError> {
        let ids: Vec<RecordId> = resp.records.iter().map(|r| r.id).collect();
        let mut result = Ok(());
        self.mutate(&ids, |r| result = r.on_pull(resp, wall_ms))
            .await?;
        result.map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(ids.len())
    }

    /// Drops a refused change because the user chose to.
    pub async fn discard_refused(&self, id: ChangeId) -> Result<(), StoreError> {
        self.mutate(&[], |r| {
            r.discard_refused(id);
        })
        .await
    }

    /// Sends a refused change again with corrections.
    pub async fn resend_refused(
        &self,
        id: ChangeId,
        corrected: BTreeMap<String, serde_json::Value>,
        wall_ms: u64,
    ) -> Result<(), SaveError> {
        let mut outcome = Ok(());
        self.mutate(&[], |r| {
            outcome = r
                .resend_refused(id, ChangeId(Uuid::now_v7()), corrected, wall_ms)
                .map(|_| ())
        })
        .await
        .map_err(SaveError::Store)?;
        outcome.map_err(SaveError::Edit)
    }

    /// Runs `f` with read access to the replica.
    pub fn with<T>(&self, f: impl FnOnce(&Replica) -> T) -> T {
        f(&self.replica.borrow())
    }

    /// The records of one kind as the user sees them, deleted ones left out.
    pub fn records_of(&self, kind: Kind) -> Vec<Record> {
        self.records_of_kinds(&[kind])
    }

    /// The records of these kinds as the user sees them, deleted ones left
    /// out, in record id order. Only these records are copied.
    pub fn records_of_kinds(&self, kinds: &[Kind]) -> Vec<Record> {
        self.with(|r| {
            r.records_where(|k| kinds.contains(&k))
                .into_values()
                .filter(|rec| !rec.is_deleted())
                .collect()
        })
    }

    pub fn waiting(&self) -> usize {
        self.with(|r| r.outbox.len())
    }

    pub fn refused(&self) -> Vec<RefusedChange> {
        self.with(|r| r.refused.clone())
    }
}

/// A fresh key for a `base` value; never a record id, so values written one
/// record per key before pages existed stay apart until a rewrite clears them.
fn page_key() -> String {
    format!("page-{}", Uuid::now_v7())
}

/// The stored replica, and how many record copies `base` holds.
async fn read_replica(store: &Store, device: DeviceId) -> Result<(Replica, usize), StoreError> {
    let mut replica = Replica::new(device);
    let mut copies = 0;
    for text in store.all(Table::Base).await? {
        // A page of records, or one record (written before pages).
        let wires: Vec<RecordV1> = if text.starts_with('[') {
            parse(&text, "records")?
        } else {
            vec![parse(&text, "record")?]
        };
        for wire in wires {
            copies += 1;
            let record = Record::try_from(wire).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            match replica.base.get_mut(&record.id) {
                Some(mine) => mine.merge(&record),
                None => {
                    replica.base.insert(record.id, record);
                }
            }
        }
    }
    for text in store.all(Table::Outbox).await? {
        replica.outbox.push(parse::<ChangeV1>(&text, "outbox")?);
    }
    for text in store.all(Table::Acked).await? {
        replica.acked.push(parse::<AckedChange>(&text, "acked")?);
    }
    for text in store.all(Table::Refused).await? {
        replica
            .refused
            .push(parse::<RefusedChange>(&text, "refused")?);
    }
    if let Some(text) = store.get(Table::Meta, META_CLOCK).await? {
        let stored: Clock = parse(&text, "clock")?;
        // The device id belongs to the browser profile; the stamps to the data.
        replica.clock = Clock { device, ..stored };
    }
    if let Some(text) = store.get(Table::Meta, META_CURSOR).await? {
        replica.cursor = Some(parse::<Cursor>(&text, "cursor")?);
    }
    Ok((replica, copies))
}
