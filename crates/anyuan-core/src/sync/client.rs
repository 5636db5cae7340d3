//! The device's half of sync, sans IO.
//!
//! A [`Replica`] is plain data, serialisable piece by piece (the app may
//! store `base` records, `outbox` entries and `refused` entries as separate
//! IndexedDB rows). It keeps server truth and local intent apart:
//!
//! * `base`: exactly what pulls delivered (the join of server states);
//! * `acked`: own changes the server accepted (with the stamp it assigned)
//!   that a completed pull has not yet delivered back;
//! * `outbox`: changes waiting to be pushed, oldest first;
//! * `refused`: changes the server refused, with the reason, kept until the
//!   user discards or corrects them.
//!
//! What the user sees is the *view*: `base` merged with every change in
//! `acked`, `outbox` and `refused` ([`Replica::record`]). Because merge is a
//! join, pending changes stay applied on top whatever a pull brings, and a
//! stamp the device made never reaches `base` when the server replaced it.

use std::collections::{BTreeMap, BTreeSet};

use crate::order::map_of;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::hlc::{Clock, DeviceId, Hlc};
use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::wire::{
    ChangeId, ChangeV1, Cursor, FieldWriteV1, PullRequestV1, PullResponseV1, PushRequestV1,
    PushResponseV1, PushResultV1, Refusal, WireError,
};

/// An own change the server accepted, kept in the view until a completed
/// pull has brought the server's record back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckedChange {
    /// The change, with the stamp the server assigned.
    pub change: ChangeV1,
    /// Its log seq.
    pub seq: u64,
}

/// A change the server refused, kept visible with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedChange {
    /// The change as it was pushed.
    pub change: ChangeV1,
    /// Why, for the user.
    pub reason: Refusal,
}

/// A local edit: some fields of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The record (a fresh UUIDv7 to create one).
    pub record: RecordId,
    /// Its kind.
    pub kind: Kind,
    /// Its unit.
    pub unit: UnitId,
    /// Its parent, for child kinds.
    pub parent: Option<RecordId>,
    /// The new values (`null` clears a field, `deleted: true` deletes).
    pub fields: BTreeMap<String, Value>,
}

/// Why an edit cannot be queued.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The edit writes no field.
    #[error("the edit writes no field")]
    NoFields,
    /// The edit names another kind, unit or parent than the record has.
    #[error("a record's kind, unit and parent cannot change")]
    Immutable,
    /// No refused change has this id.
    #[error("no refused change {0}")]
    NotRefused(ChangeId),
}

/// The device's sync state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica {
    /// The device's clock.
    pub clock: Clock,
    /// Records as the server delivered them.
    pub base: BTreeMap<RecordId, Record>,
    /// Accepted own changes not yet seen back in a completed pull.
    pub acked: Vec<AckedChange>,
    /// Changes waiting to be pushed, oldest first.
    pub outbox: Vec<ChangeV1>,
    /// Changes the server refused.
    pub refused: Vec<RefusedChange>,
    /// Where the next pull starts.
    pub cursor: Option<Cursor>,
}

impl Replica {
    /// An empty replica for a device.
    pub fn new(device: DeviceId) -> Replica {
        Replica {
            clock: Clock::new(device),
            base: BTreeMap::new(),
            acked: Vec::new(),
            outbox: Vec::new(),
            refused: Vec::new(),
            cursor: None,
        }
    }

    /// The device's id.
    pub fn device(&self) -> DeviceId {
        self.clock.device
    }

    fn local_changes(&self) -> impl Iterator<Item = &ChangeV1> {
        self.acked
            .iter()
            .map(|a| &a.change)
            .chain(&self.outbox)
            .chain(self.refused.iter().map(|r| &r.change))
    }

    /// One record as the user sees it: the server's version with every local
    /// change (accepted, pending or refused) applied on top.
    pub fn record(&self, id: RecordId) -> Option<Record> {
        let mut rec = self.base.get(&id).cloned();
        for c in self.local_changes().filter(|c| c.record == id) {
            apply(&mut rec, c);
        }
        rec
    }

    /// Every record as the user sees it.
    pub fn records(&self) -> BTreeMap<RecordId, Record> {
        self.records_where(|_| true)
    }

    /// The records of the kinds `keep` accepts, as the user sees them: the
    /// same as filtering [`Replica::records`] by kind, but only those
    /// records are copied (a screen that needs one kind does not copy the
    /// whole replica).
    pub fn records_where(&self, keep: impl Fn(Kind) -> bool) -> BTreeMap<RecordId, Record> {
        let mut all: BTreeMap<RecordId, Option<Record>> = map_of(
            self.base
                .iter()
                .filter(|(_, v)| keep(v.kind))
                .map(|(k, v)| (*k, Some(v.clone()))),
        );
        // A record's kind is its base's, or else its first local change's.
        let mut left_out = BTreeSet::new();
        for c in self.local_changes() {
            if let Some(rec) = all.get_mut(&c.record) {
                apply(rec, c);
            } else if self.base.contains_key(&c.record) || left_out.contains(&c.record) {
                // Not a kind to keep.
            } else if keep(c.kind) {
                apply(all.entry(c.record).or_default(), c);
            } else {
                left_out.insert(c.record);
            }
        }
        map_of(all.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))))
    }

    /// Whether the record has changes the server has not accepted yet.
    pub fn is_pending(&self, id: RecordId) -> bool {
        self.outbox.iter().any(|c| c.record == id)
    }

    /// Records an edit: applies it locally at once (it is in the view) and
    /// queues it. `id` is a fresh UUIDv7 made by the caller.
    pub fn edit(&mut self, id: ChangeId, edit: Edit, wall_ms: u64) -> Result<ChangeV1, EditError> {
        if edit.fields.is_empty() {
            return Err(EditError::NoFields);
        }
        let current = self.record(edit.record);
        if let Some(r) = &current
            && (r.kind, r.unit, r.parent) != (edit.kind, edit.unit, edit.parent)
        {
            return Err(EditError::Immutable);
        }
        let stamp = self.clock.tick(wall_ms);
        let fields = map_of(edit.fields.into_iter().map(|(k, value)| {
            let seen = current.as_ref().and_then(|r| r.stamp_of(&k));
            (k, FieldWriteV1 { value, seen })
        }));
        let change = ChangeV1 {
            id,
            record: edit.record,
            kind: edit.kind,
            unit: edit.unit,
            parent: edit.parent,
            stamp,
            fields,
        };
        self.outbox.push(change.clone());
        Ok(change)
    }

    /// The next push: the oldest `max` pending changes, or `None` if there
    /// are none. Pushing the same batch again is safe (idempotent).
    pub fn push_batch(&self, max: usize) -> Option<PushRequestV1> {
        if self.outbox.is_empty() || max == 0 {
            return None;
        }
        let changes = self.outbox.iter().take(max).cloned().collect();
        Some(PushRequestV1 {
            device: self.device(),
            changes,
        })
    }

    /// Takes in a push response (possibly late, duplicated or out of order).
    /// Accepted and duplicate changes leave the outbox (or the refused list)
    /// and adopt the stamp the server assigned; refused ones move to
    /// `refused` with the reason. Results for unknown changes are ignored.
    pub fn on_push_response(&mut self, resp: &PushResponseV1) {
        for result in &resp.results {
            match result {
                PushResultV1::Accepted { change, stamp, seq }
                | PushResultV1::Duplicate { change, stamp, seq } => {
                    let Some(mut c) = self.take_local(*change) else {
                        continue;
                    };
                    if c.stamp != *stamp {
                        self.adopt_stamp(c.stamp, *stamp);
                        c.stamp = *stamp;
                    }
                    self.acked.push(AckedChange {
                        change: c,
                        seq: *seq,
                    });
                }
                PushResultV1::Refused { change, reason } => {
                    if let Some(i) = self.outbox.iter().position(|c| c.id == *change) {
                        let c = self.outbox.remove(i);
                        self.refused.push(RefusedChange {
                            change: c,
                            reason: reason.clone(),
                        });
                    }
                }
            }
        }
    }

    fn take_local(&mut self, id: ChangeId) -> Option<ChangeV1> {
        if let Some(i) = self.outbox.iter().position(|c| c.id == id) {
            return Some(self.outbox.remove(i));
        }
        let i = self.refused.iter().position(|r| r.change.id == id)?;
        Some(self.refused.remove(i).change)
    }

    /// Rewrites `seen` references to a stamp the server replaced.
    fn adopt_stamp(&mut self, old: Hlc, new: Hlc) {
        let changes = self
            .outbox
            .iter_mut()
            .chain(self.refused.iter_mut().map(|r| &mut r.change));
        for c in changes {
            for w in c.fields.values_mut() {
                if w.seen == Some(old) {
                    w.seen = Some(new);
                }
            }
        }
    }

    /// The next pull request.
    pub fn pull_request(&self, limit: u32) -> PullRequestV1 {
        PullRequestV1 {
            cursor: self.cursor,
            limit,
        }
    }

    /// Takes in a pull page: validates every record (nothing is applied if
    /// one is invalid), merges them into `base`, moves the clock past them
    /// and the server's time, and advances the cursor (never backwards). When
    /// the page is the last one, accepted changes it covers leave `acked`.
    pub fn on_pull(&mut self, resp: PullResponseV1, wall_ms: u64) -> Result<(), WireError> {
        let records: Vec<Record> = resp
            .records
            .into_iter()
            .map(Record::try_from)
            .collect::<Result<_, _>>()?;
        for r in records {
            if let Some(s) = r.max_stamp() {
                self.clock.observe(&s, wall_ms);
            }
            match self.base.get_mut(&r.id) {
                Some(mine) => mine.merge(&r),
                None => {
                    self.base.insert(r.id, r);
                }
            }
        }
        let server = Hlc::new(resp.server_time_ms, 0, DeviceId(0));
        self.clock.observe(&server, wall_ms);
        if let Some(next) = resp.next_cursor {
            self.cursor = self.cursor.max(Some(next));
            if !resp.more {
                self.acked.retain(|a| a.seq > next.0);
            }
        }
        Ok(())
    }

    /// Drops a refused change for good (the user chose not to fix it).
    pub fn discard_refused(&mut self, id: ChangeId) -> Option<RefusedChange> {
        let i = self.refused.iter().position(|r| r.change.id == id)?;
        Some(self.refused.remove(i))
    }

    /// Replaces a refused change with a corrected one: the refused change's
    /// fields with `corrected` laid over them, as a new change `new_id` at
    /// the end of the outbox.
    pub fn resend_refused(
        &mut self,
        id: ChangeId,
        new_id: ChangeId,
        corrected: BTreeMap<String, Value>,
        wall_ms: u64,
    ) -> Result<ChangeV1, EditError> {
        let i = self
            .refused
            .iter()
            .position(|r| r.change.id == id)
            .ok_or(EditError::NotRefused(id))?;
        let old = self.refused.remove(i).change;
        let mut fields: BTreeMap<String, Value> =
            map_of(old.fields.iter().map(|(k, w)| (k.clone(), w.value.clone())));
        fields.extend(corrected);
        let edit = Edit {
            record: old.record,
            kind: old.kind,
            unit: old.unit,
            parent: old.parent,
            fields,
        };
        self.edit(new_id, edit, wall_ms)
    }
}

fn apply(rec: &mut Option<Record>, c: &ChangeV1) {
    rec.get_or_insert_with(|| Record::new(c.record, c.kind, c.unit, c.parent))
        .apply(c.stamp, c.writes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Actor, Role};
    use crate::sync::server::{
        KnownChange, Loaded, MAX_FUTURE_MS, StoredRecord, ingest, pull_page,
    };
    use crate::wire::RefusalCode;
    use serde_json::json;
    use uuid::Uuid;

    const NOW: u64 = 1_700_000_000_000;
    const UNIT: UnitId = UnitId(Uuid::from_u128(10));

    /// A minimal in-memory server around the pure functions.
    struct Server {
        clock: Clock,
        records: BTreeMap<RecordId, StoredRecord>,
        known: BTreeMap<ChangeId, KnownChange>,
        next_seq: u64,
    }

    impl Server {
        fn new() -> Server {
            Server {
                clock: Clock::new(DeviceId(0x5e)),
                records: BTreeMap::new(),
                known: BTreeMap::new(),
                next_seq: 1,
            }
        }

        fn push(&mut self, actor: &Actor, req: &PushRequestV1) -> PushResponseV1 {
            let loaded = Loaded {
                records: self
                    .records
                    .iter()
                    .map(|(k, v)| (*k, v.record.clone()))
                    .collect(),
                known: self.known.clone(),
                next_seq: self.next_seq,
            };
            let out = ingest(
                NOW,
                &mut self.clock,
                actor,
                req.device,
                &req.changes,
                loaded,
            );
            for e in &out.log_entries {
                self.known.insert(e.change, KnownChange::of(e));
            }
            for s in out.records_to_write {
                self.records.insert(s.record.id, s);
            }
            self.next_seq = out.next_seq;
            PushResponseV1 {
                results: out.results,
            }
        }

        fn pull(&self, actor: &Actor, req: &PullRequestV1) -> PullResponseV1 {
            let mut rows: Vec<(u64, &Record)> =
                self.records.values().map(|s| (s.seq, &s.record)).collect();
            crate::order::sort_by_key(&mut rows, |(s, _)| *s);
            pull_page(actor, req, rows, NOW)
        }
    }

    fn admin() -> Actor {
        Actor {
            user: Uuid::from_u128(1),
            role: Role::SchoolAdmin,
            unit: UNIT,
            district: UnitId(Uuid::from_u128(1)),
        }
    }

    fn class_edit(rec: u128, fields: Value) -> Edit {
        Edit {
            record: RecordId(Uuid::from_u128(rec)),
            kind: Kind::Class,
            unit: UNIT,
            parent: None,
            fields: serde_json::from_value(fields).unwrap(),
        }
    }

    fn cid(n: u128) -> ChangeId {
        ChangeId(Uuid::from_u128(n))
    }

    fn sync(r: &mut Replica, s: &mut Server, who: &Actor) {
        while let Some(req) = r.push_batch(10) {
            let resp = s.push(who, &req);
            r.on_push_response(&resp);
        }
        loop {
            let resp = s.pull(who, &r.pull_request(2));
            let more = resp.more;
            r.on_pull(resp, NOW).unwrap();
            if !more {
                break;
            }
        }
    }

    #[test]
    fn offline_edits_on_two_phones_converge_after_reconnect() {
        let mut s = Server::new();
        let mut a = Replica::new(DeviceId(1));
        let mut b = Replica::new(DeviceId(2));
        a.edit(
            cid(1),
            class_edit(100, json!({"name": "三(1)班", "size": 30})),
            NOW,
        )
        .unwrap();
        sync(&mut a, &mut s, &admin());
        sync(&mut b, &mut s, &admin());
        // Both edit the name offline; b later.
        a.edit(
            cid(2),
            class_edit(100, json!({"name": "三(2)班"})),
            NOW + 10,
        )
        .unwrap();
        b.edit(
            cid(3),
            class_edit(100, json!({"name": "三(3)班", "grade": "3"})),
            NOW + 20,
        )
        .unwrap();
        assert_eq!(
            a.record(RecordId(Uuid::from_u128(100)))
                .unwrap()
                .get("name"),
            Some(&json!("三(2)班"))
        );
        sync(&mut b, &mut s, &admin());
        sync(&mut a, &mut s, &admin());
        sync(&mut b, &mut s, &admin());
        assert_eq!(a.records(), b.records());
        assert!(a.acked.is_empty() && a.outbox.is_empty());
        let rec = a.record(RecordId(Uuid::from_u128(100))).unwrap();
        assert_eq!(rec.get("name"), Some(&json!("三(3)班")));
        assert_eq!(rec.concurrent_fields(), vec!["name"]);
        assert_eq!(
            a.base,
            s.records
                .values()
                .map(|r| (r.record.id, r.record.clone()))
                .collect()
        );
    }

    #[test]
    fn records_of_some_kinds_are_the_records_of_those_kinds() {
        let mut s = Server::new();
        let mut r = Replica::new(DeviceId(1));
        let unit_edit = |rec: u128, name: &str| Edit {
            record: RecordId(Uuid::from_u128(rec)),
            kind: Kind::Unit,
            unit: UNIT,
            parent: None,
            fields: serde_json::from_value(json!({"name": name, "level": "school"})).unwrap(),
        };
        // Synced: two classes and a unit.
        r.edit(cid(1), class_edit(100, json!({"name": "一班"})), NOW)
            .unwrap();
        r.edit(cid(2), class_edit(101, json!({"name": "二班"})), NOW)
            .unwrap();
        r.edit(cid(3), unit_edit(200, "一中"), NOW).unwrap();
        sync(&mut r, &mut s, &admin());
        // Pending: a class renamed, one deleted, a new class and a new unit.
        r.edit(cid(4), class_edit(100, json!({"name": "甲班"})), NOW)
            .unwrap();
        r.edit(cid(5), class_edit(101, json!({"deleted": true})), NOW)
            .unwrap();
        r.edit(cid(6), class_edit(102, json!({"name": "三班"})), NOW)
            .unwrap();
        r.edit(cid(7), unit_edit(201, "二中"), NOW).unwrap();
        // Changes that name another kind than their record's (the server
        // refuses those; a replica still shows them as `records` does).
        let mut odd = r.outbox[0].clone();
        odd.id = cid(8);
        odd.kind = Kind::Unit;
        r.outbox.push(odd);
        let mut odd = r.outbox[3].clone();
        odd.id = cid(9);
        odd.kind = Kind::Class;
        r.outbox.push(odd);

        let all = r.records();
        for keep in [
            &[Kind::Class][..],
            &[Kind::Unit],
            &[Kind::Class, Kind::Unit],
            &[Kind::Drill],
        ] {
            let want: BTreeMap<RecordId, Record> = all
                .iter()
                .filter(|(_, rec)| keep.contains(&rec.kind))
                .map(|(k, v)| (*k, v.clone()))
                .collect();
            assert_eq!(r.records_where(|k| keep.contains(&k)), want, "{keep:?}");
        }
        let classes = r.records_where(|k| k == Kind::Class);
        let name = |id: u128| classes[&RecordId(Uuid::from_u128(id))].get("name").cloned();
        assert_eq!(name(100), Some(json!("甲班")));
        assert_eq!(name(102), Some(json!("三班")));
        assert_eq!(classes.len(), 3, "the deleted class is still a record");
        assert_eq!(r.records_where(|k| k == Kind::Unit).len(), 2);
    }

    #[test]
    fn pending_changes_stay_on_top_of_pulled_data() {
        let mut s = Server::new();
        let mut a = Replica::new(DeviceId(1));
        let mut b = Replica::new(DeviceId(2));
        a.edit(cid(1), class_edit(100, json!({"name": "x"})), NOW)
            .unwrap();
        sync(&mut a, &mut s, &admin());
        b.edit(cid(2), class_edit(100, json!({"name": "mine"})), NOW + 5)
            .unwrap();
        a.edit(cid(3), class_edit(100, json!({"name": "older"})), NOW + 1)
            .unwrap();
        sync(&mut a, &mut s, &admin());
        // b pulls without pushing: its newer pending name stays visible.
        let resp = s.pull(&admin(), &b.pull_request(10));
        b.on_pull(resp, NOW).unwrap();
        let id = RecordId(Uuid::from_u128(100));
        assert_eq!(b.record(id).unwrap().get("name"), Some(&json!("mine")));
        assert!(b.is_pending(id));
        assert_eq!(b.base[&id].get("name"), Some(&json!("older")));
    }

    #[test]
    fn a_restamped_change_is_adopted_so_the_device_converges() {
        let mut s = Server::new();
        let ahead = NOW + 24 * 3600 * 1000;
        let mut a = Replica::new(DeviceId(1));
        a.edit(cid(1), class_edit(100, json!({"name": "a"})), ahead)
            .unwrap();
        a.edit(cid(2), class_edit(100, json!({"name": "b"})), ahead)
            .unwrap();
        // The first response is lost: the retry reports duplicates.
        let req = a.push_batch(1).unwrap();
        let _lost = s.push(&admin(), &req);
        let resp = s.push(&admin(), &a.push_batch(10).unwrap());
        assert!(matches!(resp.results[0], PushResultV1::Duplicate { .. }));
        a.on_push_response(&resp);
        let PushResultV1::Accepted { stamp, .. } = resp.results[1] else {
            panic!()
        };
        assert!(stamp.ms <= NOW + MAX_FUTURE_MS);
        assert_eq!(a.acked[1].change.stamp, stamp);
        sync(&mut a, &mut s, &admin());
        assert!(a.acked.is_empty());
        let id = RecordId(Uuid::from_u128(100));
        assert_eq!(a.record(id), Some(s.records[&id].record.clone()));
        assert!(a.record(id).unwrap().concurrent_fields().is_empty());
    }

    #[test]
    fn an_assigned_stamp_wins_over_the_local_one_in_the_view_and_in_later_edits() {
        let mut s = Server::new();
        let ahead = NOW + 24 * 3600 * 1000;
        let id = RecordId(Uuid::from_u128(100));
        let mut a = Replica::new(DeviceId(1));
        a.edit(cid(1), class_edit(100, json!({"name": "mine"})), ahead)
            .unwrap();
        let resp = s.push(&admin(), &a.push_batch(1).unwrap());
        let PushResultV1::Accepted { stamp, .. } = resp.results[0] else {
            panic!()
        };
        a.on_push_response(&resp);
        assert_eq!(a.acked[0].change.stamp, stamp);
        // Another device writes the name after the server stamped ours: the
        // view shows theirs before any pull completes, as the server does.
        let mut b = Replica::new(DeviceId(2));
        b.on_pull(s.pull(&admin(), &b.pull_request(10)), NOW)
            .unwrap();
        b.edit(cid(3), class_edit(100, json!({"name": "theirs"})), NOW + 1)
            .unwrap();
        b.edit(cid(6), class_edit(101, json!({"name": "later"})), NOW + 1)
            .unwrap();
        b.on_push_response(&s.push(&admin(), &b.push_batch(10).unwrap()));
        // A first page only, so the accepted change is still in `acked`.
        let page = s.pull(&admin(), &a.pull_request(1));
        assert!(page.more);
        a.on_pull(page, ahead).unwrap();
        assert_eq!(a.acked.len(), 1);
        assert_eq!(a.record(id).unwrap().get("name"), Some(&json!("theirs")));
        // An edit queued before the ack has seen the local stamp; the ack
        // rewrites it to the assigned one, as the server would.
        let mut c = Replica::new(DeviceId(3));
        c.edit(cid(4), class_edit(100, json!({"name": "x"})), ahead)
            .unwrap();
        let first = c.push_batch(1).unwrap();
        c.edit(cid(5), class_edit(100, json!({"name": "y"})), ahead)
            .unwrap();
        assert_eq!(
            c.outbox[1].fields["name"].seen,
            Some(first.changes[0].stamp)
        );
        let resp = s.push(&admin(), &first);
        c.on_push_response(&resp);
        let PushResultV1::Accepted {
            stamp: assigned, ..
        } = resp.results[0]
        else {
            panic!()
        };
        assert_eq!(c.outbox[0].fields["name"].seen, Some(assigned));
    }

    #[test]
    fn refused_changes_stay_visible_until_discarded_or_corrected() {
        let mut s = Server::new();
        let mut a = Replica::new(DeviceId(1));
        let id = RecordId(Uuid::from_u128(100));
        a.edit(
            cid(1),
            class_edit(100, json!({"name": "三(2)班", "size": 999})),
            NOW,
        )
        .unwrap();
        sync(&mut a, &mut s, &admin());
        assert_eq!(a.refused.len(), 1);
        assert_eq!(a.refused[0].reason.code, RefusalCode::Invalid);
        assert_eq!(a.refused[0].reason.field.as_deref(), Some("size"));
        assert_eq!(
            a.record(id).unwrap().get("size"),
            Some(&json!(999)),
            "still shown"
        );
        // A stale duplicate refusal changes nothing.
        let before = a.clone();
        a.on_push_response(&PushResponseV1 {
            results: vec![PushResultV1::Refused {
                change: cid(1),
                reason: a.refused[0].reason.clone(),
            }],
        });
        assert_eq!(a, before);
        let mut fix = BTreeMap::new();
        fix.insert("size".to_owned(), json!(35));
        a.resend_refused(cid(1), cid(2), fix, NOW + 1).unwrap();
        assert!(a.refused.is_empty());
        sync(&mut a, &mut s, &admin());
        assert_eq!(s.records[&id].record.get("size"), Some(&json!(35)));
        assert_eq!(a.record(id).unwrap().get("name"), Some(&json!("三(2)班")));
        assert_eq!(
            a.resend_refused(cid(1), cid(3), BTreeMap::new(), NOW),
            Err(EditError::NotRefused(cid(1)))
        );
        // Discarding reverts the view to the server's data.
        a.edit(cid(4), class_edit(100, json!({"name": ""})), NOW + 2)
            .unwrap();
        sync(&mut a, &mut s, &admin());
        assert_eq!(a.record(id).unwrap().get("name"), Some(&json!("")));
        assert!(a.discard_refused(cid(4)).is_some());
        assert_eq!(a.record(id).unwrap().get("name"), Some(&json!("三(2)班")));
    }

    #[test]
    fn edits_cannot_change_identity_and_state_round_trips_through_json() {
        let mut a = Replica::new(DeviceId(1));
        a.edit(cid(1), class_edit(100, json!({"name": "x"})), NOW)
            .unwrap();
        let mut other = class_edit(100, json!({"name": "y"}));
        other.kind = Kind::Person;
        assert_eq!(a.edit(cid(2), other, NOW), Err(EditError::Immutable));
        assert_eq!(
            a.edit(cid(2), class_edit(100, json!({})), NOW),
            Err(EditError::NoFields)
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Replica>(&json).unwrap(), a);
    }
}
