//! Browser benchmarks of the app's IndexedDB paths against raw IndexedDB,
//! both measured in the same headless Chromium page, interleaved.
//!
//! Not a test: compiled only with `--features bench` (the `[[test]]` entry in
//! Cargo.toml), so `cargo test` and the PWA never see it. `cargo xtask bench
//! idb-save idb-import` runs it in release mode and reads the
//! `anyuan-bench <section> key=value ...` lines it prints; the budgets live
//! in xtask/src/bench.rs.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use anyuan::local::Local;
use anyuan::storage::{Store, Table};
use anyuan_core::hlc::{DeviceId, Hlc};
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use anyuan_core::sync::client::Edit;
use anyuan_core::wire::{Cursor, FieldV1, PullResponseV1, RecordV1};
use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

const NOW_MS: u64 = 1_700_000_000_000;
const RAW_STORE: &str = "values";

fn fresh_name(tag: &str) -> String {
    format!("anyuan-bench-{tag}-{}", Uuid::now_v7())
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

/// The baseline: a database with one object store, written with the `idb`
/// crate directly, exactly as `Store::write` does (put, commit, await).
async fn raw_open(name: &str) -> Database {
    let factory = Factory::new().expect("IndexedDB");
    let mut request = factory.open(name, Some(1)).expect("open");
    request.on_upgrade_needed(|event| {
        let db = event.database().expect("upgrade database");
        db.create_object_store(RAW_STORE, ObjectStoreParams::new())
            .expect("create store");
    });
    request.await.expect("open raw database")
}

/// Puts every `(key, value)` in one transaction and waits for the commit.
async fn raw_put_all(db: &Database, rows: &[(String, String)]) {
    let tx = db
        .transaction(&[RAW_STORE], TransactionMode::ReadWrite)
        .expect("transaction");
    let store = tx.object_store(RAW_STORE).expect("store");
    for (key, value) in rows {
        store
            .put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))
            .expect("put");
    }
    let result = tx.commit().expect("commit").await.expect("committed");
    assert!(matches!(result, TransactionResult::Committed));
}

async fn raw_count(db: &Database) -> u32 {
    let tx = db
        .transaction(&[RAW_STORE], TransactionMode::ReadOnly)
        .expect("transaction");
    let store = tx.object_store(RAW_STORE).expect("store");
    store.count(None).expect("count").await.expect("counted")
}

async fn delete_database(name: &str) {
    Store::delete(name).await.expect("delete database");
}

// ---------------------------------------------------------------------------
// idb-save: one class edit through `Local::save` (outbox put + clock in one
// transaction) against one raw put of a value of the same size.

const SAVE_WARMUP: usize = 30;
const SAVE_ITERATIONS: usize = 400;
const SAVE_CLASSES: usize = 20;

#[wasm_bindgen_test]
async fn idb_save() {
    let device = DeviceId(0xbe7c_0000_0000_0001);
    let unit = UnitId(Uuid::now_v7());
    let classes: Vec<RecordId> = (0..SAVE_CLASSES)
        .map(|_| RecordId(Uuid::now_v7()))
        .collect();
    let app_name = fresh_name("save-app");
    let raw_name = fresh_name("save-raw");
    let store = Store::open(&app_name, || {}, || {}).await.expect("open");
    let local = Local::load(store, device).await.expect("load");
    let raw = raw_open(&raw_name).await;

    let edit = |i: usize| {
        let mut fields = BTreeMap::new();
        fields.insert("name".to_string(), json!(format!("初二({})班", i % 40 + 1)));
        fields.insert("size".to_string(), json!(30 + (i % 20) as i64));
        Edit {
            record: classes[i % SAVE_CLASSES],
            kind: Kind::Class,
            unit,
            parent: None,
            fields,
        }
    };

    // The baseline writes as many bytes as a save does: the change plus the clock.
    let first = local.save(edit(0), NOW_MS).await.expect("save");
    let clock = local.with(|r| serde_json::to_string(&r.clock).expect("clock json"));
    let bytes = serde_json::to_string(&first).expect("change json").len() + clock.len();
    let raw_value = format!("{{\"pad\":\"{}\"}}", "x".repeat(bytes.saturating_sub(10)));
    assert_eq!(raw_value.len(), bytes.max(10));

    let mut app = Vec::with_capacity(SAVE_ITERATIONS);
    let mut base = Vec::with_capacity(SAVE_ITERATIONS);
    for i in 0..SAVE_WARMUP + SAVE_ITERATIONS {
        let raw_row = [(Uuid::now_v7().to_string(), raw_value.clone())];
        let the_edit = edit(i + 1);
        // Alternate which goes first, so neither always runs on a warmer engine.
        let (mut a, mut b) = (0.0, 0.0);
        for step in 0..2 {
            if (step == 0) == (i % 2 == 0) {
                let t = performance_now();
                local
                    .save(the_edit.clone(), NOW_MS + i as u64)
                    .await
                    .expect("save");
                a = performance_now() - t;
            } else {
                let t = performance_now();
                raw_put_all(&raw, &raw_row).await;
                b = performance_now() - t;
            }
        }
        if i >= SAVE_WARMUP {
            app.push(a);
            base.push(b);
        }
    }

    let saved = local.store().count(Table::Outbox).await.expect("count");
    assert_eq!(saved as usize, SAVE_WARMUP + SAVE_ITERATIONS + 1);
    assert_eq!(
        raw_count(&raw).await as usize,
        SAVE_WARMUP + SAVE_ITERATIONS
    );

    let (app_ms, raw_ms) = (median(&mut app), median(&mut base));
    console_log!(
        "anyuan-bench idb-save app_ms={app_ms:.4} raw_ms={raw_ms:.4} ratio={:.3} iterations={SAVE_ITERATIONS} bytes={bytes}",
        app_ms / raw_ms
    );

    local.store().close();
    raw.close();
    delete_database(&app_name).await;
    delete_database(&raw_name).await;
}

// ---------------------------------------------------------------------------
// idb-import: a first sync's pull of 10,000 records through `Local::on_pull`
// (pages of 1,000, as `sync.rs` asks for) against one raw transaction
// putting the same 10,000 JSON values.

const IMPORT_RECORDS: usize = 10_000;
/// The app's pull page size (`sync::PULL_PAGE`, the server's maximum).
const IMPORT_PAGE: usize = 1_000;
const IMPORT_ROUNDS: usize = 7;

/// Class records of one school as the server would send them.
fn class_records(n: usize) -> Vec<RecordV1> {
    let unit = UnitId(Uuid::now_v7());
    let server = DeviceId(0x5e);
    (0..n)
        .map(|i| {
            let stamp = Hlc::new(NOW_MS + i as u64, 0, server);
            let field = |value: serde_json::Value| FieldV1 {
                value,
                stamp,
                seen: None,
                runner_up: None,
            };
            let mut fields = BTreeMap::new();
            fields.insert(
                "name".to_string(),
                field(json!(format!("初{}({})班", i % 3 + 1, i % 40 + 1))),
            );
            fields.insert(
                "grade".to_string(),
                field(json!(format!("{}年级", i % 9 + 1))),
            );
            fields.insert("size".to_string(), field(json!(30 + (i % 20) as i64)));
            RecordV1 {
                id: RecordId(Uuid::now_v7()),
                kind: Kind::Class,
                unit,
                parent: None,
                fields,
                received_ms: Some(NOW_MS + i as u64),
                author: None,
            }
        })
        .collect()
}

fn pull_pages(records: &[RecordV1]) -> Vec<PullResponseV1> {
    let pages = records.len().div_ceil(IMPORT_PAGE);
    records
        .chunks(IMPORT_PAGE)
        .enumerate()
        .map(|(i, chunk)| PullResponseV1 {
            records: chunk.to_vec(),
            next_cursor: Some(Cursor(((i + 1) * IMPORT_PAGE) as u64)),
            more: i + 1 < pages,
            server_time_ms: NOW_MS + records.len() as u64,
        })
        .collect()
}

async fn import_app(records: &[RecordV1]) -> f64 {
    let name = fresh_name("import-app");
    let store = Store::open(&name, || {}, || {}).await.expect("open");
    let local = Local::load(store, DeviceId(0xbe7c_0000_0000_0002))
        .await
        .expect("load");
    let pages = pull_pages(records);
    let t = performance_now();
    for page in pages {
        local.on_pull(page, NOW_MS).await.expect("on_pull");
    }
    let took = performance_now() - t;
    local.store().close();
    drop(local);
    // Everything is on disk: a fresh load finds every record.
    let store = Store::open(&name, || {}, || {}).await.expect("reopen");
    let reloaded = Local::load(store, DeviceId(0xbe7c_0000_0000_0002))
        .await
        .expect("reload");
    assert_eq!(reloaded.with(|r| r.base.len()), records.len());
    reloaded.store().close();
    drop(reloaded);
    delete_database(&name).await;
    took
}

async fn import_raw(rows: &[(String, String)]) -> f64 {
    let name = fresh_name("import-raw");
    let db = raw_open(&name).await;
    let t = performance_now();
    raw_put_all(&db, rows).await;
    let took = performance_now() - t;
    assert_eq!(raw_count(&db).await as usize, rows.len());
    db.close();
    delete_database(&name).await;
    took
}

#[wasm_bindgen_test]
async fn idb_import() {
    let records = class_records(IMPORT_RECORDS);
    // The same JSON the app stores for each record in `base`.
    let rows: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r.id.0.to_string(),
                serde_json::to_string(r).expect("record json"),
            )
        })
        .collect();
    let bytes: usize = rows.iter().map(|(_, v)| v.len()).sum();

    // One unmeasured round of each first.
    import_app(&records).await;
    import_raw(&rows).await;
    let mut app = Vec::with_capacity(IMPORT_ROUNDS);
    let mut base = Vec::with_capacity(IMPORT_ROUNDS);
    for i in 0..IMPORT_ROUNDS {
        if i % 2 == 0 {
            app.push(import_app(&records).await);
            base.push(import_raw(&rows).await);
        } else {
            base.push(import_raw(&rows).await);
            app.push(import_app(&records).await);
        }
    }
    let (app_ms, raw_ms) = (median(&mut app), median(&mut base));
    console_log!(
        "anyuan-bench idb-import app_ms={app_ms:.2} raw_ms={raw_ms:.2} speed={:.3} records={IMPORT_RECORDS} rounds={IMPORT_ROUNDS} bytes={bytes}",
        raw_ms / app_ms
    );
}
