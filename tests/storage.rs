//! Browser tests of the IndexedDB store, in headless Chromium
//! (`cargo test -p anyuan --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use anyuan::local::Local;
use anyuan::storage::{Op, SCHEMA_VERSION, Store, Table};
use anyuan_core::hlc::{DeviceId, Hlc};
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use anyuan_core::sync::client::Edit;
use anyuan_core::wire::{Cursor, FieldV1, PullResponseV1, RecordV1};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name(tag: &str) -> String {
    format!("anyuan-test-{tag}-{}", Uuid::now_v7())
}

async fn open(name: &str) -> Store {
    Store::open(name, || {}, || {}).await.expect("open")
}

#[wasm_bindgen_test]
async fn values_round_trip_and_a_transaction_writes_all_or_nothing() {
    let name = fresh_name("roundtrip");
    let store = open(&name).await;
    store
        .write(&[
            Op::Put(Table::Meta, "a".into(), "\"one\"".into()),
            Op::Put(Table::Meta, "b".into(), "\"two\"".into()),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.get(Table::Meta, "a").await.unwrap().as_deref(),
        Some("\"one\"")
    );
    assert_eq!(
        store.all(Table::Meta).await.unwrap(),
        vec!["\"one\"", "\"two\""]
    );
    store
        .write(&[Op::Delete(Table::Meta, "a".into())])
        .await
        .unwrap();
    assert_eq!(store.get(Table::Meta, "a").await.unwrap(), None);
    assert_eq!(store.count(Table::Meta).await.unwrap(), 1);
    store.close();
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn upgrading_from_schema_1_keeps_the_data_and_adds_drafts() {
    let name = fresh_name("upgrade");
    let v1 = Store::open_version(&name, 1, || {}, || {}).await.unwrap();
    assert!(!v1.tables().contains(&"drafts".to_string()));
    v1.write(&[Op::Put(Table::Outbox, "c1".into(), "{\"x\":1}".into())])
        .await
        .unwrap();
    v1.close();

    let current = open(&name).await;
    assert_eq!(SCHEMA_VERSION, 2);
    assert!(
        current.tables().contains(&"drafts".to_string()),
        "{:?}",
        current.tables()
    );
    assert_eq!(
        current.get(Table::Outbox, "c1").await.unwrap().as_deref(),
        Some("{\"x\":1}")
    );
    current
        .write(&[Op::Put(Table::Drafts, "form".into(), "{}".into())])
        .await
        .unwrap();
    current.close();
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_saved_edit_is_in_the_outbox_after_reopening_the_database() {
    let name = fresh_name("outbox");
    let device = DeviceId(0xabc);
    let unit = UnitId(Uuid::now_v7());
    let record = RecordId(Uuid::now_v7());
    let local = Local::load(open(&name).await, device).await.unwrap();
    let mut fields = BTreeMap::new();
    fields.insert("name".to_string(), json!("初一(1)班"));
    fields.insert("size".to_string(), json!(40));
    let change = local
        .save(
            Edit {
                record,
                kind: Kind::Class,
                unit,
                parent: None,
                fields,
            },
            1_700_000_000_000,
        )
        .await
        .unwrap();
    local.store().close();
    drop(local);

    let reopened = Local::load(open(&name).await, device).await.unwrap();
    assert_eq!(reopened.waiting(), 1);
    reopened.with(|r| {
        assert_eq!(r.outbox[0].id, change.id);
        let rec = r.record(record).expect("the record is in the view");
        assert_eq!(rec.get("name"), Some(&json!("初一(1)班")));
        // The clock resumed past the saved stamp, so the next edit sorts after it.
        assert!(r.clock.last() >= change.stamp);
    });
    reopened.store().close();
    Store::delete(&name).await.unwrap();
}

/// A pull page of class records with `size` written at `ms`, each as
/// received by the server at `ms` (a record pulled again keeps the earliest).
fn class_page(ids: &[RecordId], unit: UnitId, size: i64, ms: u64) -> PullResponseV1 {
    let stamp = Hlc::new(ms, 0, DeviceId(0x5e));
    let records = ids
        .iter()
        .map(|id| {
            let mut fields = BTreeMap::new();
            fields.insert(
                "size".to_string(),
                FieldV1 {
                    value: json!(size),
                    stamp,
                    seen: None,
                    runner_up: None,
                },
            );
            RecordV1 {
                id: *id,
                kind: Kind::Class,
                unit,
                parent: None,
                fields,
                received_ms: Some(ms),
                author: None,
            }
        })
        .collect();
    PullResponseV1 {
        records,
        next_cursor: Some(Cursor(ms)),
        more: false,
        server_time_ms: ms,
    }
}

fn size_of(local: &Local, id: RecordId) -> Option<serde_json::Value> {
    local.with(|r| r.record(id).and_then(|rec| rec.get("size").cloned()))
}

fn received_of(local: &Local, id: RecordId) -> Option<u64> {
    local.with(|r| r.record(id).and_then(|rec| rec.received_ms))
}

#[wasm_bindgen_test]
async fn pulled_pages_keep_the_newest_copy_and_are_rewritten_when_copies_pile_up() {
    let name = fresh_name("pages");
    let device = DeviceId(0xdef);
    let unit = UnitId(Uuid::now_v7());
    let ids: Vec<RecordId> = (0..10).map(|_| RecordId(Uuid::now_v7())).collect();
    let local = Local::load(open(&name).await, device).await.unwrap();
    let t0 = 1_700_000_000_000;
    local
        .on_pull(class_page(&ids, unit, 1, t0), t0)
        .await
        .unwrap();
    // One record pulled again with a newer value: its old copy stays on disk.
    local
        .on_pull(class_page(&ids[..1], unit, 2, t0 + 1), t0)
        .await
        .unwrap();
    assert_eq!(local.store().count(Table::Base).await.unwrap(), 2);
    local.store().close();
    drop(local);

    let local = Local::load(open(&name).await, device).await.unwrap();
    assert_eq!(size_of(&local, ids[0]), Some(json!(2)));
    assert_eq!(size_of(&local, ids[9]), Some(json!(1)));
    // The server's received time is kept on the device, the earliest one.
    assert_eq!(received_of(&local, ids[0]), Some(t0));
    // Pulling the same records again and again: once the copies reach twice
    // the records plus a page, the table is rewritten compactly.
    for k in 0..110 {
        local
            .on_pull(class_page(&ids, unit, 10 + k, t0 + 10 + k as u64), t0)
            .await
            .unwrap();
    }
    let entries = local.store().count(Table::Base).await.unwrap();
    assert!(entries < 20, "{entries} entries after a rewrite");
    local.store().close();
    drop(local);

    let local = Local::load(open(&name).await, device).await.unwrap();
    assert_eq!(local.with(|r| r.base.len()), 10);
    for id in &ids {
        assert_eq!(size_of(&local, *id), Some(json!(119)));
        assert_eq!(received_of(&local, *id), Some(t0));
    }
    local.store().close();
    Store::delete(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn records_stored_one_per_entry_before_pages_still_load() {
    let name = fresh_name("legacy-base");
    let unit = UnitId(Uuid::now_v7());
    let id = RecordId(Uuid::now_v7());
    let old = &class_page(&[id], unit, 7, 1_700_000_000_000).records[0];
    let store = open(&name).await;
    store
        .write(&[Op::Put(
            Table::Base,
            id.0.to_string(),
            serde_json::to_string(old).unwrap(),
        )])
        .await
        .unwrap();
    let local = Local::load(store, DeviceId(0x1e9)).await.unwrap();
    assert_eq!(size_of(&local, id), Some(json!(7)));
    local.store().close();
    Store::delete(&name).await.unwrap();
}
