//! Two server processes on one PostgreSQL database take concurrent pushes
//! while a client pulls in a loop: the client sees every accepted change
//! exactly once (sync promise 4, the `seq > cursor` interleaving gap).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyuan_core::record::RecordId;
use anyuan_core::wire::{PullRequestV1, PullResponseV1, PushResponseV1, PushResultV1};
use anyuan_core::{Cursor, Kind};
use serde_json::{Value, json};

use crate::helpers::{Device, TestApp, serve, state_on};

const PUSHERS: usize = 6;
const BATCHES: usize = 15;
const PER_BATCH: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_under_concurrent_pushes_never_let_a_pull_skip_a_change() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    // Two processes: separate pools, separate clocks and device ids.
    let second = state_on(&app.db.url, &app.clock, Default::default()).await;
    assert_ne!(second.device(), app.state.device());
    let servers = Arc::new([app.serve().await, serve(second).await]);
    let token = app.login("district").await;
    let client = reqwest::Client::new();
    let school = app.demo.unit("示例第一中学");
    let start_cursor = {
        let mut cursor = None;
        loop {
            let page = app
                .pull(
                    &token,
                    &PullRequestV1 {
                        cursor,
                        limit: 1000,
                    },
                )
                .await;
            cursor = page.next_cursor;
            if !page.more {
                break cursor;
            }
        }
    };

    let done = Arc::new(AtomicBool::new(false));
    let puller = {
        let (client, servers, token, done) =
            (client.clone(), servers.clone(), token.clone(), done.clone());
        tokio::spawn(async move {
            let mut cursor: Option<Cursor> = start_cursor;
            let mut seen: Vec<(RecordId, Value)> = Vec::new();
            let mut n = 0usize;
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                // Read the flag before pulling: a pull that starts after the
                // pushers finished and says "no more" has seen everything.
                let finished = done.load(Ordering::SeqCst);
                let page: PullResponseV1 = client
                    .post(format!("{}/api/sync/pull", servers[n % 2]))
                    .bearer_auth(&token)
                    .json(&PullRequestV1 { cursor, limit: 7 })
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                n += 1;
                assert!(page.next_cursor >= cursor);
                cursor = page.next_cursor;
                seen.extend(
                    page.records
                        .into_iter()
                        .map(|r| (r.id, r.fields["name"].value.clone())),
                );
                if finished && !page.more {
                    return (seen, n);
                }
                assert!(Instant::now() < deadline, "pulling took too long");
            }
        })
    };

    let mut pushers = Vec::new();
    for p in 0..PUSHERS {
        let (client, servers, token) = (client.clone(), servers.clone(), token.clone());
        let now = app.now();
        pushers.push(tokio::spawn(async move {
            let mut dev = Device::new();
            let mut accepted: BTreeMap<RecordId, Value> = BTreeMap::new();
            for b in 0..BATCHES {
                let changes: Vec<_> = (0..PER_BATCH)
                    .map(|k| {
                        let name = json!(format!("并发班{p}-{b}-{k}"));
                        dev.change(now, Kind::Class, school, None, json!({ "name": name }))
                    })
                    .collect();
                let names: Vec<_> = changes
                    .iter()
                    .map(|c| (c.record, c.fields["name"].value.clone()))
                    .collect();
                let res: PushResponseV1 = client
                    .post(format!("{}/api/sync/push", servers[(p + b) % 2]))
                    .bearer_auth(&token)
                    .json(&dev.batch(changes))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                for (r, (id, name)) in res.results.iter().zip(names) {
                    assert!(matches!(r, PushResultV1::Accepted { .. }), "{r:?}");
                    accepted.insert(id, name);
                }
            }
            accepted
        }));
    }
    let mut accepted = BTreeMap::new();
    for p in pushers {
        accepted.extend(p.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let (seen, pulls) = puller.await.unwrap();

    assert_eq!(accepted.len(), PUSHERS * BATCHES * PER_BATCH);
    let seen_ids: BTreeSet<_> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        seen.len(),
        seen_ids.len(),
        "each change delivered exactly once"
    );
    let missed: Vec<_> = accepted
        .keys()
        .filter(|id| !seen_ids.contains(id))
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} changes never reached the client",
        missed.len(),
        accepted.len()
    );
    for (id, name) in &seen {
        assert_eq!(accepted.get(id), Some(name));
    }
    // The log is gap-free: seq 1..=n.
    let (count, max): (i64, i64) = sqlx::query_as("SELECT COUNT(*), MAX(seq) FROM changes")
        .fetch_one(app.state.db().pool())
        .await
        .unwrap();
    assert_eq!(count, max);
    eprintln!(
        "{} changes from {PUSHERS} pushers over 2 servers; {pulls} pulls saw each once",
        accepted.len()
    );
}
