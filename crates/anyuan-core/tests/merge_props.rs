//! Property tests: record merge is a join, so any delivery order with any
//! duplication converges, concurrent-edit flags included.

use std::collections::BTreeMap;

use anyuan_core::record::{FieldVersion, Record, RecordId, UnitId};
use anyuan_core::{DeviceId, Hlc, Kind};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use uuid::Uuid;

const ID: RecordId = RecordId(Uuid::from_u128(7));
const UNIT: UnitId = UnitId(Uuid::from_u128(1));
const FIELDS: [&str; 3] = ["name", "size", "deleted"];

/// One write: a stamp (unique per write, as devices guarantee), the fields it
/// writes and, per field, what its author had seen.
#[derive(Clone, Debug)]
struct Write {
    stamp: Hlc,
    fields: BTreeMap<String, (Value, Option<Hlc>)>,
}

fn stamp() -> impl Strategy<Value = Hlc> {
    (0u64..8, 0u32..3, 0u64..4).prop_map(|(ms, c, d)| Hlc::new(ms, c, DeviceId(d)))
}

fn writes() -> impl Strategy<Value = Vec<Write>> {
    let fields = proptest::collection::btree_map(
        (0..FIELDS.len()).prop_map(|i| FIELDS[i].to_owned()),
        (0i64..5, proptest::option::of(stamp())),
        1..=3,
    );
    proptest::collection::btree_map(stamp(), fields, 1..10).prop_map(|m| {
        m.into_iter()
            .map(|(stamp, f)| Write {
                stamp,
                fields: f
                    .into_iter()
                    .map(|(k, (v, seen))| (k, (json!(v), seen.filter(|s| *s < stamp))))
                    .collect(),
            })
            .collect()
    })
}

fn record_of(ws: &[&Write]) -> Record {
    let mut r = Record::new(ID, Kind::Class, UNIT, None);
    for w in ws {
        r.apply(w.stamp, w.fields.iter().map(|(k, (v, s))| (k, v, *s)));
    }
    r
}

fn merged(a: &Record, b: &Record) -> Record {
    let mut m = a.clone();
    m.merge(b);
    m
}

/// Picks `n` items (with repeats) from `all` by index.
fn pick<'a>(all: &'a [Write], idx: &[Index]) -> Vec<&'a Write> {
    idx.iter().map(|i| i.get(all)).collect()
}

/// The reference: per field, the write with the highest stamp wins; the
/// runner-up is the highest other stamp; concurrent iff seen < runner-up.
fn reference(ws: &[Write]) -> BTreeMap<String, (Value, Hlc, Option<Hlc>, bool)> {
    let mut by_field: BTreeMap<String, Vec<(Hlc, Value, Option<Hlc>)>> = BTreeMap::new();
    for w in ws {
        for (k, (v, seen)) in &w.fields {
            by_field
                .entry(k.clone())
                .or_default()
                .push((w.stamp, v.clone(), *seen));
        }
    }
    by_field
        .into_iter()
        .map(|(k, mut all)| {
            all.sort_by_key(|(s, _, _)| *s);
            let (stamp, value, seen) = all.pop().unwrap();
            let runner_up = all.last().map(|(s, _, _)| *s);
            let concurrent = runner_up.is_some_and(|r| seen < Some(r));
            (k, (value, stamp, runner_up, concurrent))
        })
        .collect()
}

fn summary(r: &Record) -> BTreeMap<String, (Value, Hlc, Option<Hlc>, bool)> {
    r.fields
        .iter()
        .map(|(k, f): (&String, &FieldVersion)| {
            (
                k.clone(),
                (f.value.clone(), f.stamp, f.runner_up, f.is_concurrent()),
            )
        })
        .collect()
}

proptest! {
    // Integration tests have no lib.rs next to them to store regressions in.
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn record_merge_is_commutative_associative_and_idempotent(
        ws in writes(),
        ia in proptest::collection::vec(any::<Index>(), 0..6),
        ib in proptest::collection::vec(any::<Index>(), 0..6),
        ic in proptest::collection::vec(any::<Index>(), 0..6),
    ) {
        let (a, b, c) = (record_of(&pick(&ws, &ia)), record_of(&pick(&ws, &ib)), record_of(&pick(&ws, &ic)));
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
        prop_assert_eq!(merged(&a, &a), a.clone());
        let ab = merged(&a, &b);
        let ba = merged(&b, &a);
        prop_assert_eq!(ab.concurrent_fields(), ba.concurrent_fields());
    }

    /// Every write reaches several replicas in different orders, some twice;
    /// the replicas then exchange states in a random order. All end equal to
    /// the reference computed from the set of writes.
    #[test]
    fn any_delivery_order_with_duplication_converges(
        ws in writes(),
        orders in proptest::collection::vec(proptest::collection::vec(any::<Index>(), 0..25), 3),
        exchange in proptest::collection::vec((any::<Index>(), any::<Index>()), 0..10),
    ) {
        let mut replicas: Vec<Record> = orders
            .iter()
            .map(|o| {
                let mut seq = pick(&ws, o);
                seq.extend(ws.iter()); // each replica gets everything at least once
                seq.rotate_left(o.len() / 2);
                record_of(&seq)
            })
            .collect();
        for (i, j) in &exchange {
            let (i, j) = (i.index(replicas.len()), j.index(replicas.len()));
            let from = replicas[j].clone();
            replicas[i].merge(&from);
        }
        let want = reference(&ws);
        for r in &replicas {
            prop_assert_eq!(summary(r), want.clone());
            prop_assert_eq!(r, &replicas[0]);
        }
    }
}
