//! Ingest throughput against a raw insert loop, on a temporary SQLite file.
//!
//! `cargo bench -p anyuan-server --bench ingest --profile server`
//!
//! Ingest: N = 10,000 new-record changes pushed in batches of 500, as a
//! device would push them, through the real push code path without HTTP
//! (`sync::push_batch`: batch checks, the sequence lock, loading what
//! `ingest_needs` lists, the core's `ingest`, record upserts, change-log
//! inserts, commit — one transaction per batch).
//!
//! Baseline: the same 10,000 rows (id, record, kind, unit, stamp, fields as
//! JSON) inserted into a plain table with a per-row `INSERT` loop in one
//! transaction, through the same sqlx pool. The budget: ingest at least 0.5×
//! the baseline's rate. Each round uses fresh database files and runs both
//! back to back; the verdict is the median of the rounds' ratios (robust to
//! a busy machine slowing a whole round), printed with the median rates.
//! Exits non-zero when over budget.

use std::time::{Duration, Instant};

use anyuan_core::record::RecordId;
use anyuan_core::wire::FieldWriteV1;
use anyuan_core::wire::{PushRequestV1, PushResultV1};
use anyuan_core::{Actor, ChangeId, ChangeV1, Clock, DeviceId, Kind, Role, UnitId};
use anyuan_server::{AppState, Db, Options};
use serde_json::json;
use uuid::Uuid;

const N: usize = 10_000;
const BATCH: usize = 500;
const ROUNDS: usize = 7;
const BUDGET: f64 = 0.5;

fn changes(unit: UnitId, now: u64) -> (DeviceId, Vec<ChangeV1>) {
    let device = DeviceId(0x00be_0c40_0000_0001);
    let mut clock = Clock::new(device);
    let changes = (0..N)
        .map(|n| ChangeV1 {
            id: ChangeId(Uuid::now_v7()),
            record: RecordId(Uuid::now_v7()),
            kind: Kind::Class,
            unit,
            parent: None,
            stamp: clock.tick(now),
            fields: [
                ("name", json!(format!("{}年级({})班", n % 6 + 1, n))),
                ("grade", json!(format!("{}年级", n % 6 + 1))),
                ("size", json!(30 + n % 20)),
            ]
            .into_iter()
            .map(|(k, value)| (k.to_owned(), FieldWriteV1 { value, seen: None }))
            .collect(),
        })
        .collect();
    (device, changes)
}

fn fresh_url(dir: &std::path::Path, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(name).display())
}

async fn ingest_round(dir: &std::path::Path, round: usize) -> Duration {
    let db = Db::connect(&fresh_url(dir, &format!("ingest-{round}.db")))
        .await
        .unwrap();
    let state = AppState::with_options(db, Options::default())
        .await
        .unwrap();
    let unit = UnitId(Uuid::now_v7());
    let actor = Actor {
        user: Uuid::now_v7(),
        role: Role::DistrictAdmin,
        unit,
        district: unit,
    };
    let (device, changes) = changes(unit, anyuan_server::system_now_ms());
    let start = Instant::now();
    for batch in changes.chunks(BATCH) {
        let req = PushRequestV1 {
            device,
            changes: batch.to_vec(),
        };
        let res = anyuan_server::sync::push_batch(&state, &actor, &req)
            .await
            .unwrap();
        assert!(
            res.results
                .iter()
                .all(|r| matches!(r, PushResultV1::Accepted { .. }))
        );
    }
    let took = start.elapsed();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes")
        .fetch_one(state.db().pool())
        .await
        .unwrap();
    assert_eq!(n as usize, N);
    took
}

async fn raw_round(dir: &std::path::Path, round: usize) -> Duration {
    let db = Db::connect(&fresh_url(dir, &format!("raw-{round}.db")))
        .await
        .unwrap();
    sqlx::query(
        "CREATE TABLE raw_changes (id TEXT PRIMARY KEY, record_id TEXT NOT NULL, kind TEXT NOT NULL, \
         unit_id TEXT NOT NULL, stamp TEXT NOT NULL, fields TEXT NOT NULL)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let (_, changes) = changes(UnitId(Uuid::now_v7()), anyuan_server::system_now_ms());
    let start = Instant::now();
    let mut tx = db.pool().begin().await.unwrap();
    for c in &changes {
        sqlx::query(
            "INSERT INTO raw_changes (id, record_id, kind, unit_id, stamp, fields) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id.to_string())
        .bind(c.record.to_string())
        .bind(c.kind.name())
        .bind(c.unit.to_string())
        .bind(c.stamp.to_string())
        .bind(serde_json::to_string(&c.fields).unwrap())
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    start.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rate(d: Duration) -> f64 {
    N as f64 / d.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("anyuan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut ingest, mut raw) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate the order so neither side always runs on a warmer cache.
        if round % 2 == 0 {
            ingest.push(ingest_round(&dir, round).await);
            raw.push(raw_round(&dir, round).await);
        } else {
            raw.push(raw_round(&dir, round).await);
            ingest.push(ingest_round(&dir, round).await);
        }
        println!(
            "round {}: ingest {:>8.0} changes/s, raw insert loop {:>8.0} rows/s",
            round + 1,
            rate(ingest[round]),
            rate(raw[round])
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut ratios: Vec<f64> = ingest
        .iter()
        .zip(&raw)
        .map(|(i, r)| rate(*i) / rate(*r))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    let (i, r) = (rate(median(ingest)), rate(median(raw)));
    println!(
        "ingest (push path without HTTP, SQLite, {N} changes in batches of {BATCH}): {i:.0} changes/s (median of {ROUNDS})"
    );
    println!(
        "raw sqlx insert loop, one transaction, same rows:                  {r:.0} rows/s (median of {ROUNDS})"
    );
    println!("ratio {ratio:.2} (median of the rounds' ratios; budget >= {BUDGET})");
    if ratio < BUDGET {
        eprintln!("OVER BUDGET: ingest is {ratio:.2}x the raw insert rate, below {BUDGET}x");
        std::process::exit(1);
    }
}
