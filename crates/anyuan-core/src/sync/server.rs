//! The server's half of sync, sans IO.
//!
//! # Using [`ingest`] in a SQL transaction (one per push batch)
//!
//! 1. `BEGIN`. Take the sequence lock first: `UPDATE sync_seq SET n = n
//!    RETURNING n` (PostgreSQL: the row lock serialises ingesting
//!    transactions; SQLite: `BEGIN IMMEDIATE` does the same). This is what
//!    makes sequence numbers commit in order, so a pull with `seq > cursor`
//!    never skips a row committed late (sync promise 4).
//! 2. Load what [`ingest_needs`] lists: the records (and parents) by id, and
//!    which change ids are already in the log (with their stamp and seq).
//! 3. Call [`ingest`] with `next_seq = n + 1` and the process's [`Clock`].
//! 4. Upsert every [`StoredRecord`] in `records_to_write` (its JSON is
//!    [`RecordV1`](crate::wire::RecordV1); also store `kind`, `unit`,
//!    `parent`, `seq` as columns for scope filters and pulls; index
//!    `(seq)`), insert every [`LogEntry`] (unique index on `change`), set
//!    `sync_seq.n = next_seq - 1`, `COMMIT`, then send `results`.
//! 5. If the transaction fails, send nothing: the device retries and the
//!    retry is idempotent. The clock may have advanced; that is harmless.
//!
//! On start-up, resume the clock with
//! `Clock::resume(server_device, MAX(stamp) FROM log)`; give each server
//! process its own [`DeviceId`] so two processes never issue equal stamps.
//!
//! # Pulls
//!
//! `SELECT … FROM records WHERE seq > $cursor AND <scope> ORDER BY seq LIMIT
//! $limit + 1`, where the scope is [`can_read`] in SQL; [`pull_page`] is the
//! same thing over an in-memory iterator (used by tests and as the
//! reference). A record is sent whole, in its current state, each time it
//! changes; the cursor is the seq of the last record sent.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{Actor, Role, check_write};
use crate::hlc::{Clock, DeviceId, Hlc};
use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::validate::{is_deleted, validate};
use crate::wire::{
    ChangeId, ChangeV1, Cursor, FieldWriteV1, PullRequestV1, PullResponseV1, PushResultV1, Refusal,
    RefusalCode,
};

/// A pushed stamp more than this far ahead of the server's wall clock is
/// replaced by a server stamp, and the log keeps the pushed one
/// ([`LogEntry::pushed_stamp`]), so the history shows it.
///
/// 60 seconds: phones and PCs take their time from the network and are
/// within a few seconds of the server; a stamp further ahead is a wrong
/// clock (or a forged one) and, if kept, would beat every honest edit made
/// in the meantime. The window was 5 minutes; a minute still covers a
/// device whose clock drifted since its last network time sync.
pub const MAX_FUTURE_MS: u64 = 60 * 1000;

/// The largest page a pull returns.
pub const MAX_PULL_LIMIT: u32 = 1000;

/// What [`ingest`] needs loaded for a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestNeeds {
    /// The records the batch writes, and their parents.
    pub records: BTreeSet<RecordId>,
    /// The batch's change ids, to look up in the log.
    pub changes: BTreeSet<ChangeId>,
}

/// Lists the records and change ids to load for `batch`.
pub fn ingest_needs(batch: &[ChangeV1]) -> IngestNeeds {
    let mut n = IngestNeeds::default();
    for c in batch {
        n.records.insert(c.record);
        n.records.extend(c.parent);
        n.changes.insert(c.id);
    }
    n
}

/// A change already in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownChange {
    /// The stamp it was applied with.
    pub stamp: Hlc,
    /// Its log sequence number.
    pub seq: u64,
    /// Who pushed it: only they may be told it is a duplicate.
    pub author: Uuid,
    /// The record it wrote: a retry names the same one.
    pub record: RecordId,
}

impl KnownChange {
    /// What the log says of `entry`.
    pub fn of(entry: &LogEntry) -> KnownChange {
        KnownChange {
            stamp: entry.stamp,
            seq: entry.seq,
            author: entry.author,
            record: entry.record,
        }
    }
}

/// The current state the caller loaded for a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The existing records of [`IngestNeeds::records`] (missing ones are new).
    pub records: BTreeMap<RecordId, Record>,
    /// The changes of [`IngestNeeds::changes`] that are already logged.
    pub known: BTreeMap<ChangeId, KnownChange>,
    /// The next free log sequence number (the last one used + 1; 1 at first).
    pub next_seq: u64,
}

/// A record to upsert, with the seq of the latest change applied to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The merged record.
    pub record: Record,
    /// The seq of the last change applied to it; pulls page by this.
    pub seq: u64,
}

/// One entry of the append-only change log: the history of every accepted
/// write, including those that lost to a later stamp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Log position, unique and increasing in commit order.
    pub seq: u64,
    /// The change's id (unique).
    pub change: ChangeId,
    /// The record written.
    pub record: RecordId,
    /// Its kind.
    pub kind: Kind,
    /// Its unit.
    pub unit: UnitId,
    /// Its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    /// Who pushed it.
    pub author: Uuid,
    /// The author's role at the time.
    pub role: Role,
    /// The device that made it.
    pub device: DeviceId,
    /// The stamp it was applied with.
    pub stamp: Hlc,
    /// The stamp the device pushed, when the server re-stamped it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_stamp: Option<Hlc>,
    /// The fields written, as applied.
    pub fields: BTreeMap<String, FieldWriteV1>,
    /// The server's wall clock when it was accepted.
    pub server_ms: u64,
}

impl LogEntry {
    /// The change as it was applied (with the assigned stamp).
    pub fn to_change(&self) -> ChangeV1 {
        ChangeV1 {
            id: self.change,
            record: self.record,
            kind: self.kind,
            unit: self.unit,
            parent: self.parent,
            stamp: self.stamp,
            fields: self.fields.clone(),
        }
    }
}

/// What [`ingest`] decided. Refused changes contribute nothing but a result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// One result per pushed change, in order: the push response.
    pub results: Vec<PushResultV1>,
    /// Records to upsert (each once, in its final state).
    pub records_to_write: Vec<StoredRecord>,
    /// Log entries to insert, in seq order.
    pub log_entries: Vec<LogEntry>,
    /// The next free seq after this batch.
    pub next_seq: u64,
}

/// Applies one pushed batch: dedupes by change id (against the log and
/// within the batch), checks shape, authorises, validates, re-stamps stamps
/// more than [`MAX_FUTURE_MS`] ahead of `now_ms`, merges and logs.
///
/// Validation checks the record as the change's author meant it: the
/// existing values overlaid with the change's values. Problems are reported
/// for the fields the change writes (or every field, when it creates the
/// record), so a change is never refused for someone else's values.
///
/// A pushed `seen` that names a stamp the server replaced (in this batch, or
/// a duplicate's) is rewritten to the assigned stamp, as the device does when
/// it adopts the assigned stamp.
pub fn ingest(
    now_ms: u64,
    clock: &mut Clock,
    actor: &Actor,
    device: DeviceId,
    batch: &[ChangeV1],
    loaded: Loaded,
) -> IngestOutcome {
    let Loaded {
        mut records,
        known,
        mut next_seq,
    } = loaded;
    next_seq = next_seq.max(1);
    for stamp in records.values().filter_map(Record::max_stamp) {
        clock.observe(&stamp, now_ms);
    }
    let mut in_batch: BTreeMap<ChangeId, KnownChange> = BTreeMap::new();
    let mut restamped: BTreeMap<Hlc, Hlc> = BTreeMap::new();
    let mut touched: BTreeMap<RecordId, u64> = BTreeMap::new();
    let mut out = IngestOutcome::default();
    for change in batch {
        let refuse = |reason: Refusal| PushResultV1::Refused {
            change: change.id,
            reason,
        };
        let existing = records.get(&change.record);
        let parent = change.parent.and_then(|p| records.get(&p));
        // Permission first: a duplicate's answer (its stamp) is only for
        // someone who may make the change, and only for its own author.
        let permitted = change
            .check_shape(device)
            .and_then(|()| check_write(actor, change, existing, parent));
        if let Err(reason) = permitted {
            out.results.push(refuse(reason));
            continue;
        }
        if let Some(k) = known.get(&change.id).or_else(|| in_batch.get(&change.id)) {
            if k.author != actor.user || k.record != change.record {
                out.results.push(refuse(reused_id()));
                continue;
            }
            if k.stamp != change.stamp {
                restamped.insert(change.stamp, k.stamp);
            }
            out.results.push(PushResultV1::Duplicate {
                change: change.id,
                stamp: k.stamp,
                seq: k.seq,
            });
            continue;
        }
        if let Err(reason) = check_values(change, existing) {
            out.results.push(refuse(reason));
            continue;
        }
        let stamp = if change.stamp.ms > now_ms.saturating_add(MAX_FUTURE_MS) {
            let s = clock.tick(now_ms);
            restamped.insert(change.stamp, s);
            s
        } else {
            clock.observe(&change.stamp, now_ms);
            change.stamp
        };
        let fields: BTreeMap<String, FieldWriteV1> = change
            .fields
            .iter()
            .map(|(k, w)| {
                let seen = w.seen.map(|s| restamped.get(&s).copied().unwrap_or(s));
                (
                    k.clone(),
                    FieldWriteV1 {
                        value: w.value.clone(),
                        seen,
                    },
                )
            })
            .collect();
        let seq = next_seq;
        next_seq += 1;
        let entry = LogEntry {
            seq,
            change: change.id,
            record: change.record,
            kind: change.kind,
            unit: change.unit,
            parent: change.parent,
            author: actor.user,
            role: actor.role,
            device,
            stamp,
            pushed_stamp: (stamp != change.stamp).then_some(change.stamp),
            fields,
            server_ms: now_ms,
        };
        apply_entry(&mut records, &entry);
        touched.insert(change.record, seq);
        in_batch.insert(change.id, KnownChange::of(&entry));
        out.results.push(PushResultV1::Accepted {
            change: change.id,
            stamp,
            seq,
        });
        out.log_entries.push(entry);
    }
    out.records_to_write = touched
        .into_iter()
        .map(|(id, seq)| StoredRecord {
            record: records[&id].clone(),
            seq,
        })
        .collect();
    out.next_seq = next_seq;
    out
}

/// A change id that the log holds for another author or record: reusing it
/// must not be reported as a duplicate, which would drop the content.
fn reused_id() -> Refusal {
    Refusal::new(
        RefusalCode::Malformed,
        None,
        "此更改的编号已被另一条更改使用，服务器未保存它。请更新应用后重试。".into(),
        "This change's id is already used by another change, so the server did not keep it. Please update the app and try again.".into(),
    )
}

/// Validates every field the change writes, deleting or not; a change that
/// brings a deleted record back (or creates one) answers for the whole
/// record, since nothing checked the tombstone's values for it.
fn check_values(change: &ChangeV1, existing: Option<&Record>) -> Result<(), Refusal> {
    let mut values = existing.map(Record::values).unwrap_or_default();
    for (k, w) in &change.fields {
        values.insert(k.clone(), w.value.clone());
    }
    let undeletes = existing.is_some_and(Record::is_deleted) && !is_deleted(&values);
    let whole = existing.is_none() || undeletes;
    let problems: Vec<_> = validate(change.kind, &values)
        .into_iter()
        .filter(|p| whole || change.fields.contains_key(&p.field))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Refusal::invalid(problems))
    }
}

/// Applies a log entry to its record, creating it if new. A new record
/// takes the entry's `server_ms` as its received time; a record that has
/// one keeps the earlier (so [`rebuild_records`] may replay the log in any
/// order); a stored record without one (older than the field) gets none,
/// since a later change is not the time it was first received.
fn apply_entry(records: &mut BTreeMap<RecordId, Record>, e: &LogEntry) {
    let r = records.entry(e.record).or_insert_with(|| {
        let mut r = Record::new(e.record, e.kind, e.unit, e.parent);
        r.received_ms = Some(e.server_ms);
        r.author = e.kind.is_confidential().then_some(e.author);
        r
    });
    r.received_ms = r.received_ms.map(|ms| ms.min(e.server_ms));
    r.apply(e.stamp, e.fields.iter().map(|(k, w)| (k, &w.value, w.seen)));
}

/// Rebuilds every record from the log alone (entries in any order), e.g. to
/// check or repair the records table.
pub fn rebuild_records<'a>(
    log: impl IntoIterator<Item = &'a LogEntry>,
) -> BTreeMap<RecordId, StoredRecord> {
    let mut records = BTreeMap::new();
    let mut seqs: BTreeMap<RecordId, u64> = BTreeMap::new();
    for e in log {
        apply_entry(&mut records, e);
        let s = seqs.entry(e.record).or_insert(0);
        *s = (*s).max(e.seq);
    }
    records
        .into_iter()
        .map(|(id, record)| {
            (
                id,
                StoredRecord {
                    record,
                    seq: seqs[&id],
                },
            )
        })
        .collect()
}

/// One pull page over `rows`: `(seq, record)` pairs in increasing seq order
/// (rows at or below the cursor are skipped). Returns at most `limit` records
/// (capped to `1..=MAX_PULL_LIMIT`) that `actor` may read.
pub fn pull_page<'a>(
    actor: &Actor,
    req: &PullRequestV1,
    rows: impl IntoIterator<Item = (u64, &'a Record)>,
    now_ms: u64,
) -> PullResponseV1 {
    let after = req.cursor.map_or(0, |c| c.0);
    let limit = req.limit.clamp(1, MAX_PULL_LIMIT) as usize;
    let mut page = rows
        .into_iter()
        .filter(|(seq, r)| *seq > after && crate::registry::may_read(actor, r))
        .take(limit + 1);
    let mut records = Vec::new();
    let mut next_cursor = req.cursor;
    for (seq, r) in page.by_ref().take(limit) {
        records.push(crate::registry::redact(actor, r.clone()).into());
        next_cursor = Some(Cursor(seq));
    }
    let more = page.next().is_some();
    PullResponseV1 {
        records,
        next_cursor,
        more,
        server_time_ms: now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::RefusalCode;
    use serde_json::{Value, json};

    const NOW: u64 = 1_700_000_000_000;
    const SERVER: DeviceId = DeviceId(0x5e);
    const PHONE: DeviceId = DeviceId(0xa1);

    fn u(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    fn actor(role: Role, unit: u128) -> Actor {
        Actor {
            user: Uuid::from_u128(42),
            role,
            unit: u(unit),
            district: u(1),
        }
    }

    fn change(id: u128, rec: u128, kind: Kind, ms: u64, fields: Value) -> ChangeV1 {
        let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        ChangeV1 {
            id: ChangeId(Uuid::from_u128(id)),
            record: RecordId(Uuid::from_u128(rec)),
            kind,
            unit: u(10),
            parent: None,
            stamp: Hlc::new(ms, 0, PHONE),
            fields: fields
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        FieldWriteV1 {
                            value: v,
                            seen: None,
                        },
                    )
                })
                .collect(),
        }
    }

    fn run(batch: &[ChangeV1], loaded: Loaded, who: Actor) -> IngestOutcome {
        let mut clock = Clock::new(SERVER);
        ingest(NOW, &mut clock, &who, PHONE, batch, loaded)
    }

    fn admin() -> Actor {
        actor(Role::SchoolAdmin, 10)
    }

    #[test]
    fn accepts_logs_and_dedupes_within_a_batch_and_against_the_log() {
        let c = change(
            1,
            100,
            Kind::Class,
            NOW,
            json!({"name": "三(2)班", "size": 30}),
        );
        let out = run(
            &[c.clone(), c.clone()],
            Loaded {
                next_seq: 7,
                ..Loaded::default()
            },
            admin(),
        );
        let stamp = c.stamp;
        assert_eq!(
            out.results,
            vec![
                PushResultV1::Accepted {
                    change: c.id,
                    stamp,
                    seq: 7
                },
                PushResultV1::Duplicate {
                    change: c.id,
                    stamp,
                    seq: 7
                },
            ]
        );
        assert_eq!(out.log_entries.len(), 1);
        assert_eq!(out.log_entries[0].author, Uuid::from_u128(42));
        assert_eq!(out.records_to_write.len(), 1);
        assert_eq!(out.records_to_write[0].seq, 7);
        assert_eq!(out.next_seq, 8);
        let known = [(
            c.id,
            KnownChange {
                stamp,
                seq: 7,
                author: Uuid::from_u128(42),
                record: c.record,
            },
        )]
        .into();
        let again = run(
            std::slice::from_ref(&c),
            Loaded {
                known,
                next_seq: 8,
                ..Loaded::default()
            },
            admin(),
        );
        assert_eq!(
            again.results,
            vec![PushResultV1::Duplicate {
                change: c.id,
                stamp,
                seq: 7
            }]
        );
        assert!(again.log_entries.is_empty() && again.records_to_write.is_empty());
        assert_eq!(again.next_seq, 8);
    }

    #[test]
    fn far_future_stamps_are_restamped_with_the_server_clock_and_seen_follows() {
        let ahead = NOW + 24 * 3600 * 1000;
        let c1 = change(1, 100, Kind::Class, ahead, json!({"name": "a"}));
        let mut c2 = change(2, 100, Kind::Class, ahead + 1, json!({"name": "b"}));
        c2.fields.get_mut("name").unwrap().seen = Some(c1.stamp);
        let ok = change(
            3,
            101,
            Kind::Class,
            NOW + MAX_FUTURE_MS,
            json!({"name": "c"}),
        );
        let out = run(&[c1.clone(), c2, ok.clone()], Loaded::default(), admin());
        let PushResultV1::Accepted { stamp: s1, .. } = out.results[0] else {
            panic!()
        };
        let PushResultV1::Accepted { stamp: s2, .. } = out.results[1] else {
            panic!()
        };
        assert_eq!(s1.device, SERVER);
        assert!(s1.ms >= NOW && s1.ms < ahead && s2 > s1);
        assert_eq!(out.log_entries[0].pushed_stamp, Some(c1.stamp));
        assert_eq!(out.log_entries[1].fields["name"].seen, Some(s1));
        // Exactly at the limit: kept.
        assert_eq!(
            out.results[2],
            PushResultV1::Accepted {
                change: ok.id,
                stamp: ok.stamp,
                seq: 3
            }
        );
        let rec = &out.records_to_write[0].record;
        assert_eq!(rec.get("name"), Some(&json!("b")));
        assert!(rec.concurrent_fields().is_empty());
        // A retry of c1 is a duplicate that reports the assigned stamp.
        let known = [(
            c1.id,
            KnownChange {
                stamp: s1,
                seq: 1,
                author: Uuid::from_u128(42),
                record: c1.record,
            },
        )]
        .into();
        let again = run(
            std::slice::from_ref(&c1),
            Loaded {
                known,
                ..Loaded::default()
            },
            admin(),
        );
        assert_eq!(
            again.results,
            vec![PushResultV1::Duplicate {
                change: c1.id,
                stamp: s1,
                seq: 1
            }]
        );
    }

    #[test]
    fn a_reused_change_id_of_another_author_or_record_is_refused_not_a_duplicate() {
        let c = change(1, 100, Kind::Class, NOW - 10, json!({"name": "x"}));
        let first = run(std::slice::from_ref(&c), Loaded::default(), admin());
        let logged = KnownChange::of(&first.log_entries[0]);
        let records: BTreeMap<_, _> = first
            .records_to_write
            .into_iter()
            .map(|s| (s.record.id, s.record))
            .collect();
        let loaded = || Loaded {
            records: records.clone(),
            known: [(c.id, logged)].into(),
            next_seq: 2,
        };
        // The same author's retry is a duplicate.
        let again = run(std::slice::from_ref(&c), loaded(), admin());
        assert!(matches!(again.results[0], PushResultV1::Duplicate { .. }));
        // Another admin of the unit reusing the id, with other content.
        let mut other = actor(Role::SchoolAdmin, 10);
        other.user = Uuid::from_u128(43);
        let mut forged = change(1, 100, Kind::Class, NOW, json!({"name": "y"}));
        forged.id = c.id;
        let out = run(std::slice::from_ref(&forged), loaded(), other);
        let PushResultV1::Refused { reason, .. } = &out.results[0] else {
            panic!("{:?}", out.results)
        };
        assert_eq!(reason.code, RefusalCode::Malformed);
        assert!(reason.en.contains("already used"));
        // The same author reusing the id for another record.
        let mut elsewhere = change(1, 101, Kind::Class, NOW, json!({"name": "z"}));
        elsewhere.id = c.id;
        let out = run(&[elsewhere], loaded(), admin());
        assert!(matches!(out.results[0], PushResultV1::Refused { .. }));
        // Someone without permission learns nothing: the refusal is about
        // permission, not the id.
        let outsider = actor(Role::Staff, 11);
        let out = run(std::slice::from_ref(&forged), loaded(), outsider);
        let PushResultV1::Refused { reason, .. } = &out.results[0] else {
            panic!()
        };
        assert_ne!(reason.code, RefusalCode::Malformed);
    }

    #[test]
    fn a_minute_ahead_is_kept_and_more_is_restamped() {
        let kept = change(1, 100, Kind::Class, NOW + 60_000, json!({"name": "a"}));
        let ahead = change(2, 101, Kind::Class, NOW + 61_000, json!({"name": "b"}));
        let out = run(&[kept.clone(), ahead.clone()], Loaded::default(), admin());
        assert_eq!(out.log_entries[0].stamp, kept.stamp);
        assert_eq!(out.log_entries[0].pushed_stamp, None);
        assert_eq!(out.log_entries[1].pushed_stamp, Some(ahead.stamp));
        assert_eq!(out.log_entries[1].stamp.device, SERVER);
    }

    #[test]
    fn refused_changes_change_nothing_and_say_why() {
        let bad = change(1, 100, Kind::Class, NOW, json!({"name": "", "size": 500}));
        let staff = change(2, 101, Kind::Class, NOW, json!({"name": "x"}));
        let out = run(std::slice::from_ref(&bad), Loaded::default(), admin());
        let PushResultV1::Refused { reason, .. } = &out.results[0] else {
            panic!()
        };
        assert_eq!(reason.code, RefusalCode::Invalid);
        assert_eq!(reason.field.as_deref(), Some("name"));
        assert_eq!(reason.problems.len(), 2);
        assert_eq!(reason.zh, "请填写班级名称。");
        assert!(out.log_entries.is_empty() && out.records_to_write.is_empty());
        assert_eq!(out.next_seq, 1);
        let out = run(&[staff], Loaded::default(), actor(Role::Staff, 10));
        let PushResultV1::Refused { reason, .. } = &out.results[0] else {
            panic!()
        };
        assert_eq!(reason.code, RefusalCode::RoleNotAllowed);
        let mut other_device = bad;
        other_device.stamp.device = DeviceId(3);
        let out = run(&[other_device], Loaded::default(), admin());
        let PushResultV1::Refused { reason, .. } = &out.results[0] else {
            panic!()
        };
        assert_eq!(reason.code, RefusalCode::Malformed);
    }

    #[test]
    fn edits_are_validated_on_their_own_fields_and_deletes_always_pass() {
        let create = change(1, 100, Kind::Class, NOW - 10, json!({"name": "x"}));
        let first = run(&[create], Loaded::default(), admin());
        let existing: BTreeMap<_, _> = first
            .records_to_write
            .into_iter()
            .map(|s| (s.record.id, s.record))
            .collect();
        let size = change(2, 100, Kind::Class, NOW, json!({"size": 201}));
        let delete = change(3, 100, Kind::Class, NOW, json!({"deleted": true}));
        let out = run(
            &[size, delete],
            Loaded {
                records: existing,
                ..Loaded::default()
            },
            admin(),
        );
        assert!(
            matches!(&out.results[0], PushResultV1::Refused { reason, .. } if reason.field.as_deref() == Some("size"))
        );
        assert!(matches!(out.results[1], PushResultV1::Accepted { .. }));
        assert!(out.records_to_write[0].record.is_deleted());
    }

    #[test]
    fn deleting_changes_are_validated_and_undeleting_rechecks_the_record() {
        let create = change(1, 100, Kind::Class, NOW - 10, json!({"name": "x"}));
        let first = run(&[create], Loaded::default(), admin());
        let existing: BTreeMap<_, _> = first
            .records_to_write
            .into_iter()
            .map(|s| (s.record.id, s.record))
            .collect();
        let bad_delete = change(
            2,
            100,
            Kind::Class,
            NOW - 5,
            json!({"deleted": true, "size": -999_999}),
        );
        let out = run(
            &[bad_delete],
            Loaded {
                records: existing.clone(),
                ..Loaded::default()
            },
            admin(),
        );
        assert!(
            matches!(&out.results[0], PushResultV1::Refused { reason, .. } if reason.field.as_deref() == Some("size")),
            "{:?}",
            out.results
        );
        // A tombstone whose values are bad (stored before this rule) cannot
        // be brought back by writing `deleted` alone.
        let mut tombstone = existing[&RecordId(Uuid::from_u128(100))].clone();
        let stamp = Hlc::new(NOW - 4, 0, PHONE);
        tombstone.apply(
            stamp,
            [
                ("deleted".to_owned(), json!(true)),
                ("size".to_owned(), json!(-999_999)),
            ]
            .iter()
            .map(|(k, v)| (k, v, None)),
        );
        let loaded = || Loaded {
            records: [(tombstone.id, tombstone.clone())].into(),
            ..Loaded::default()
        };
        for undelete in [json!({"deleted": false}), json!({"deleted": null})] {
            let out = run(
                &[change(3, 100, Kind::Class, NOW, undelete)],
                loaded(),
                admin(),
            );
            assert!(
                matches!(&out.results[0], PushResultV1::Refused { reason, .. } if reason.field.as_deref() == Some("size")),
                "{:?}",
                out.results
            );
        }
        let fixed = change(
            4,
            100,
            Kind::Class,
            NOW,
            json!({"deleted": false, "size": 30}),
        );
        let out = run(&[fixed], loaded(), admin());
        assert!(matches!(out.results[0], PushResultV1::Accepted { .. }));
    }

    #[test]
    fn children_can_follow_their_parent_in_the_same_batch() {
        let staff = actor(Role::Staff, 10);
        let drill = change(1, 100, Kind::Drill, NOW, json!({"drill_kind": "fire"}));
        let mut arrival = change(
            2,
            101,
            Kind::DrillEntry,
            NOW,
            json!({"what": "arrival", "class": "三(2)班", "present": 30}),
        );
        arrival.parent = Some(drill.record);
        assert_eq!(
            ingest_needs(&[arrival.clone()]).records,
            [arrival.record, drill.record].into()
        );
        let out = run(&[drill.clone(), arrival.clone()], Loaded::default(), staff);
        assert!(
            out.results
                .iter()
                .all(|r| matches!(r, PushResultV1::Accepted { .. }))
        );
        let out = run(&[arrival], Loaded::default(), staff);
        assert!(
            matches!(&out.results[0], PushResultV1::Refused { reason, .. } if reason.code == RefusalCode::ParentMissing)
        );
    }

    #[test]
    fn pull_pages_are_scoped_and_resume_from_the_cursor() {
        let mk = |id: u128, unit: u128, kind: Kind| {
            Record::new(RecordId(Uuid::from_u128(id)), kind, u(unit), None)
        };
        let rows = [
            (1, mk(1, 10, Kind::Class)),
            (2, mk(2, 20, Kind::Class)),
            (3, mk(3, 10, Kind::Clue)),
            (5, mk(4, 1, Kind::Drill)),
            (8, mk(5, 10, Kind::Person)),
        ];
        let it = || rows.iter().map(|(s, r)| (*s, r));
        let staff = actor(Role::Staff, 10);
        let p1 = pull_page(
            &staff,
            &PullRequestV1 {
                cursor: None,
                limit: 2,
            },
            it(),
            NOW,
        );
        assert_eq!(
            p1.records.iter().map(|r| r.id).collect::<Vec<_>>(),
            [mk(1, 10, Kind::Class).id, mk(4, 1, Kind::Drill).id]
        );
        assert_eq!(
            (p1.next_cursor, p1.more, p1.server_time_ms),
            (Some(Cursor(5)), true, NOW)
        );
        let p2 = pull_page(
            &staff,
            &PullRequestV1 {
                cursor: p1.next_cursor,
                limit: 2,
            },
            it(),
            NOW,
        );
        assert_eq!(
            (p2.records.len(), p2.next_cursor, p2.more),
            (1, Some(Cursor(8)), false)
        );
        let p3 = pull_page(
            &staff,
            &PullRequestV1 {
                cursor: p2.next_cursor,
                limit: 0,
            },
            it(),
            NOW,
        );
        assert_eq!(
            (p3.records.len(), p3.next_cursor, p3.more),
            (0, Some(Cursor(8)), false)
        );
        let district = actor(Role::DistrictAdmin, 1);
        let all = pull_page(
            &district,
            &PullRequestV1 {
                cursor: None,
                limit: 100,
            },
            it(),
            NOW,
        );
        assert_eq!(all.records.len(), 5);
    }

    #[test]
    fn a_record_keeps_the_server_time_of_its_first_change_not_the_devices() {
        // The device claims a time a day earlier than the server's clock.
        let claimed = NOW - 24 * 3600 * 1000;
        let first = change(1, 100, Kind::Class, claimed, json!({"name": "a"}));
        let out = run(&[first], Loaded::default(), admin());
        let created = out.records_to_write[0].record.clone();
        assert_eq!(created.received_ms, Some(NOW));
        // A later change, received later, leaves it as it was.
        let later = change(2, 100, Kind::Class, NOW, json!({"name": "b"}));
        let mut clock = Clock::new(SERVER);
        let out = ingest(
            NOW + 60_000,
            &mut clock,
            &admin(),
            PHONE,
            std::slice::from_ref(&later),
            Loaded {
                records: [(created.id, created)].into(),
                next_seq: 2,
                ..Loaded::default()
            },
        );
        assert_eq!(out.records_to_write[0].record.received_ms, Some(NOW));
        assert_eq!(
            out.records_to_write[0].record.get("name"),
            Some(&json!("b"))
        );
        // A stored record from before the field: a later change is not when
        // it was first received, so it stays unknown.
        let mut old = Record::new(RecordId(Uuid::from_u128(100)), Kind::Class, u(10), None);
        old.apply(
            Hlc::new(claimed, 0, PHONE),
            [(&"name".to_owned(), &json!("a"), None)],
        );
        let out = run(
            &[later],
            Loaded {
                records: [(old.id, old)].into(),
                next_seq: 2,
                ..Loaded::default()
            },
            admin(),
        );
        assert_eq!(out.records_to_write[0].record.received_ms, None);
    }

    #[test]
    fn the_log_rebuilds_the_records() {
        let a = change(
            1,
            100,
            Kind::Class,
            NOW - 5,
            json!({"name": "a", "size": 3}),
        );
        let b = change(2, 100, Kind::Class, NOW, json!({"name": "b"}));
        let out = run(&[b, a], Loaded::default(), admin());
        let rebuilt = rebuild_records(out.log_entries.iter().rev());
        assert_eq!(
            rebuilt.values().cloned().collect::<Vec<_>>(),
            out.records_to_write
        );
    }
}
