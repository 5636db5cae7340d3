//! Synced records and their merge: a last-writer-wins map of fields.
//!
//! # Why the merge is a join (commutative, associative, idempotent)
//!
//! Think of one field of one record as the *set* `W` of all writes ever made
//! to it. A [`FieldVersion`] is a summary of `W`:
//!
//! * the winner: the write with the highest stamp (its value, stamp and
//!   `seen`);
//! * `runner_up`: the highest stamp among the other writes (`None` if none).
//!
//! Merging two versions must give the summary of the union `W1 ∪ W2`, which
//! is computable from the two summaries alone: the winner is the higher of
//! the two winners; the runner-up is the highest stamp of everything else,
//! i.e. the maximum of both runner-ups and the losing winner's stamp (when
//! both winners are the same write, just the maximum of the runner-ups,
//! because a summary's runner-up is always below its winner). Set union is
//! commutative, associative and idempotent, and the summary of a union
//! depends only on the union, so [`FieldVersion::merge`] is too. The
//! concurrent-edit flag `winner.seen < runner_up` is a function of the
//! summary, so it converges with it.
//!
//! Two different writes never share a stamp (one device never issues a stamp
//! twice, and stamps include the device). Should corrupt data break that, the
//! tie is broken by comparing the canonical JSON of `(value, seen)`, which
//! keeps the merge a deterministic join.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::kind::Kind;
use crate::validate;

/// A record's id: a UUIDv7 made by the device that created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub Uuid);

/// A unit's (school's, kindergarten's, district's) id. A unit's own record
/// has `RecordId(unit.0)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitId(pub Uuid);

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The merged state of one field: the winning write plus what is needed to
/// tell whether it was edited concurrently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldVersion {
    /// The winning value.
    pub value: Value,
    /// The winning write's stamp.
    pub stamp: Hlc,
    /// The stamp of the value the winning write replaced on its device
    /// (`None`: the field was empty there).
    pub seen: Option<Hlc>,
    /// The highest stamp among the writes the winner beat. Always `< stamp`.
    pub runner_up: Option<Hlc>,
}

fn canonical(value: &Value, seen: &Option<Hlc>) -> (String, Option<Hlc>) {
    // serde_json's default `Map` is a `BTreeMap`, so this string is canonical.
    (value.to_string(), *seen)
}

impl FieldVersion {
    /// A single write, not merged with anything yet.
    pub fn write(value: Value, stamp: Hlc, seen: Option<Hlc>) -> FieldVersion {
        FieldVersion {
            value,
            stamp,
            seen,
            runner_up: None,
        }
    }

    /// Merges `other` into `self`. A join: see the module docs.
    pub fn merge(&mut self, other: &FieldVersion) {
        match other.stamp.cmp(&self.stamp) {
            Ordering::Less => self.runner_up = self.runner_up.max(Some(other.stamp)),
            Ordering::Greater => {
                let runner_up = other.runner_up.max(Some(self.stamp));
                *self = FieldVersion {
                    runner_up,
                    ..other.clone()
                };
            }
            Ordering::Equal => {
                let runner_up = self.runner_up.max(other.runner_up);
                if canonical(&other.value, &other.seen) > canonical(&self.value, &self.seen) {
                    self.value = other.value.clone();
                    self.seen = other.seen;
                }
                self.runner_up = runner_up;
            }
        }
    }

    /// Whether another write lost to this one without its author having seen
    /// it: `seen < runner_up`.
    pub fn is_concurrent(&self) -> bool {
        self.runner_up.is_some() && self.seen < self.runner_up
    }
}

/// The earlier of two known times; an unknown one (`None`) loses.
fn earliest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A synced record: identity (immutable once created) and a map of fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The record's id.
    pub id: RecordId,
    /// Its kind; never changes.
    pub kind: Kind,
    /// The unit it belongs to; never changes.
    pub unit: UnitId,
    /// The parent record, for child kinds; never changes.
    pub parent: Option<RecordId>,
    /// The merged fields.
    pub fields: BTreeMap<String, FieldVersion>,
    /// The server's wall clock (ms since the Unix epoch) when it accepted
    /// the record's first change; set by the server only, `None` until a
    /// pull brings it (and for records created before servers kept it).
    /// Merging keeps the earliest, so it is a join like the fields.
    pub received_ms: Option<u64>,
    /// The account that created the record, kept for confidential kinds
    /// only (a clue's reporter reads their own clues by it); set by the
    /// server, and hidden from readers the record's private fields are
    /// hidden from ([`crate::registry::redact`]). Merging keeps the smaller
    /// of two, so it is a join too (two never differ in practice).
    pub author: Option<Uuid>,
}

impl Record {
    /// A record with no fields yet.
    pub fn new(id: RecordId, kind: Kind, unit: UnitId, parent: Option<RecordId>) -> Record {
        Record {
            id,
            kind,
            unit,
            parent,
            fields: BTreeMap::new(),
            received_ms: None,
            author: None,
        }
    }

    /// Merges `other` (a version of the same record) into `self`, field by
    /// field. Records with the same id always share kind, unit and parent (the
    /// server refuses anything else); if corrupt data disagrees, the smaller
    /// identity is kept so the merge stays deterministic.
    pub fn merge(&mut self, other: &Record) {
        let ident = |r: &Record| (r.kind, r.unit, r.parent);
        if ident(other) < ident(self) {
            (self.kind, self.unit, self.parent) = ident(other);
        }
        for (name, theirs) in &other.fields {
            match self.fields.get_mut(name) {
                Some(ours) => ours.merge(theirs),
                None => {
                    self.fields.insert(name.clone(), theirs.clone());
                }
            }
        }
        self.received_ms = earliest(self.received_ms, other.received_ms);
        self.author = match (self.author, other.author) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// Merges single writes `(field, value, seen)` made with one stamp.
    pub fn apply<'a>(
        &mut self,
        stamp: Hlc,
        writes: impl IntoIterator<Item = (&'a String, &'a Value, Option<Hlc>)>,
    ) {
        for (name, value, seen) in writes {
            let w = FieldVersion::write(value.clone(), stamp, seen);
            match self.fields.get_mut(name) {
                Some(ours) => ours.merge(&w),
                None => {
                    self.fields.insert(name.clone(), w);
                }
            }
        }
    }

    /// A field's current value.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).map(|f| &f.value)
    }

    /// A field's current stamp.
    pub fn stamp_of(&self, field: &str) -> Option<Hlc> {
        self.fields.get(field).map(|f| f.stamp)
    }

    /// The current values, e.g. for [`validate::validate`].
    pub fn values(&self) -> BTreeMap<String, Value> {
        crate::order::map_of(
            self.fields
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone())),
        )
    }

    /// Whether the record is deleted (its `deleted` field is `true`).
    pub fn is_deleted(&self) -> bool {
        self.get(validate::DELETED) == Some(&Value::Bool(true))
    }

    /// The fields that were edited concurrently (see [`FieldVersion::is_concurrent`]).
    pub fn concurrent_fields(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(_, f)| f.is_concurrent())
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// The highest stamp of any field or runner-up, if any.
    pub fn max_stamp(&self) -> Option<Hlc> {
        self.fields.values().map(|f| f.stamp).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::DeviceId;
    use proptest::prelude::*;
    use serde_json::json;

    fn h(ms: u64, d: u64) -> Hlc {
        Hlc::new(ms, 0, DeviceId(d))
    }

    #[test]
    fn later_stamp_wins_and_a_blind_overwrite_is_flagged_concurrent() {
        // Alice (device 1) and Bob (device 2) both start from the value at t=10.
        let base = FieldVersion::write(json!("三(1)班"), h(10, 1), None);
        let alice = FieldVersion::write(json!("三(2)班"), h(20, 1), Some(h(10, 1)));
        let bob = FieldVersion::write(json!("三(3)班"), h(30, 2), Some(h(10, 1)));
        let mut m = base.clone();
        m.merge(&alice);
        assert!(!m.is_concurrent(), "alice saw the base value");
        m.merge(&bob);
        assert_eq!(m.value, json!("三(3)班"));
        assert_eq!(m.runner_up, Some(h(20, 1)));
        assert!(m.is_concurrent(), "bob never saw alice's write");
        // Carol edits after seeing Bob's value: no longer concurrent.
        let carol = FieldVersion::write(json!("三(4)班"), h(40, 3), Some(h(30, 2)));
        m.merge(&carol);
        assert!(!m.is_concurrent());
        assert_eq!(m.runner_up, Some(h(30, 2)));
    }

    #[test]
    fn record_merge_unions_fields_and_reports_concurrent_ones() {
        let id = RecordId(Uuid::from_u128(1));
        let unit = UnitId(Uuid::from_u128(2));
        let mut a = Record::new(id, Kind::Class, unit, None);
        a.apply(h(5, 1), [(&"name".to_owned(), &json!("a"), None)]);
        let mut b = Record::new(id, Kind::Class, unit, None);
        b.apply(
            h(6, 2),
            [
                (&"name".to_owned(), &json!("b"), None),
                (&"size".to_owned(), &json!(3), None),
            ],
        );
        a.merge(&b);
        assert_eq!(a.get("name"), Some(&json!("b")));
        assert_eq!(a.get("size"), Some(&json!(3)));
        assert_eq!(a.concurrent_fields(), vec!["name"]);
        assert!(!a.is_deleted());
    }

    fn small_hlc() -> impl Strategy<Value = Hlc> {
        (0u64..6, 0u32..2, 0u64..3).prop_map(|(m, c, d)| Hlc::new(m, c, DeviceId(d)))
    }

    /// A version that satisfies the invariant `runner_up < stamp`; values are
    /// a function of the stamp (as in reality) except in `corrupt` versions.
    fn version() -> impl Strategy<Value = FieldVersion> {
        (
            small_hlc(),
            proptest::option::of(small_hlc()),
            proptest::option::of(small_hlc()),
            0u8..8,
        )
            .prop_map(|(stamp, seen, ru, corrupt)| {
                let value = if corrupt == 0 {
                    json!("x")
                } else {
                    json!(stamp.to_string())
                };
                let seen = if corrupt == 0 {
                    seen
                } else {
                    seen.filter(|s| *s < stamp)
                };
                FieldVersion {
                    value,
                    stamp,
                    seen,
                    runner_up: ru.filter(|r| *r < stamp),
                }
            })
    }

    fn merged(a: &FieldVersion, b: &FieldVersion) -> FieldVersion {
        let mut m = a.clone();
        m.merge(b);
        m
    }

    proptest! {
        #[test]
        fn field_merge_is_a_join(a in version(), b in version(), c in version()) {
            prop_assert_eq!(merged(&a, &b), merged(&b, &a));
            prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
            prop_assert_eq!(merged(&a, &a), a.clone());
            let ab = merged(&a, &b);
            prop_assert_eq!(merged(&ab, &b), ab.clone());
            prop_assert!(ab.runner_up.is_none_or(|r| r < ab.stamp));
            prop_assert_eq!(ab.is_concurrent(), merged(&b, &a).is_concurrent());
        }

        /// The summary equals the definition over the set of writes: the
        /// winner is the max stamp, the runner-up the max of the others.
        #[test]
        fn runner_up_is_the_max_of_all_losing_stamps(
            writes in proptest::collection::btree_map(small_hlc(), proptest::option::of(small_hlc()), 1..8),
            order in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let all: Vec<FieldVersion> = writes
                .iter()
                .map(|(s, seen)| FieldVersion::write(json!(s.to_string()), *s, *seen))
                .collect();
            // Fold in a random order with duplicates.
            let mut seq: Vec<&FieldVersion> = order.iter().map(|i| i.get(&all)).collect();
            seq.extend(all.iter());
            let mut m = seq[0].clone();
            for w in &seq[1..] { m.merge(w); }
            let mut stamps: Vec<Hlc> = writes.keys().copied().collect();
            crate::order::sort(&mut stamps);
            let top = stamps.pop().unwrap();
            prop_assert_eq!(m.stamp, top);
            prop_assert_eq!(m.runner_up, stamps.last().copied());
            prop_assert_eq!(m.seen, writes[&top]);
            prop_assert_eq!(m.is_concurrent(), stamps.last().is_some_and(|r| writes[&top] < Some(*r)));
        }

        /// The received time merges as a join too: the earliest known one.
        #[test]
        fn received_time_merge_is_a_join(
            a in proptest::option::of(0u64..5),
            b in proptest::option::of(0u64..5),
            c in proptest::option::of(0u64..5),
        ) {
            let rec = |ms: Option<u64>| {
                let mut r = Record::new(RecordId(Uuid::from_u128(1)), Kind::Class, UnitId(Uuid::from_u128(2)), None);
                r.received_ms = ms;
                r
            };
            let m = |x: &Record, y: &Record| { let mut x = x.clone(); x.merge(y); x };
            let (a, b, c) = (rec(a), rec(b), rec(c));
            prop_assert_eq!(m(&a, &b), m(&b, &a));
            prop_assert_eq!(m(&m(&a, &b), &c), m(&a, &m(&b, &c)));
            prop_assert_eq!(m(&a, &a), a.clone());
            let known = [a.received_ms, b.received_ms].into_iter().flatten().min();
            prop_assert_eq!(m(&a, &b).received_ms, known);
        }
    }
}
