//! `POST /api/sync/push`, `POST /api/sync/pull` and a record's history, over
//! the core's sans-IO `ingest` and `pull_page`.
//!
//! # Push: one transaction per batch
//!
//! 1. Lock the sequence counter first: `UPDATE sync_seq SET value = value
//!    RETURNING value`. On PostgreSQL the row lock makes every ingesting
//!    transaction, in any server process, wait for the previous one to
//!    commit, so sequence numbers become visible in order and a pull with
//!    `seq > cursor` never skips a row that commits late (sync promise 4).
//!    On SQLite the process-wide writer guard ([`Db::writer`]) serialises
//!    writers and the first statement takes the write lock.
//! 2. Load what `ingest_needs` lists (records, parents, known change ids).
//! 3. `ingest` with the process's clock.
//! 4. Upsert the records and append the log entries with multi-row
//!    `INSERT`s, store the last seq, commit, answer.
//!
//! If anything fails the transaction rolls back and the device retries the
//! same batch, which is idempotent.
//!
//! # Pull
//!
//! `SELECT seq, body FROM records WHERE seq > $cursor AND <scope> ORDER BY
//! seq LIMIT n + 1`, where `<scope>` is the core's `can_read` in SQL
//! ([`scope_sql`]); the rows then go through `pull_page`, which applies
//! `can_read` again and builds the page.
//!
//! [`Db::writer`]: crate::db::Db::writer

use std::collections::BTreeMap;
use std::time::Duration;

use anyuan_core::record::RecordId;
use anyuan_core::registry;
use anyuan_core::sync::server::{
    KnownChange, Loaded, LogEntry, MAX_PULL_LIMIT, StoredRecord, ingest, ingest_needs, pull_page,
};
use anyuan_core::wire::{
    FieldWriteV1, PullRequestV1, PullResponseV1, PushRequestV1, PushResponseV1,
};
use anyuan_core::{Actor, ChangeId, ChangeV1, DeviceId, Kind, Record, Role, UnitId};
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::accounts::{parse_role, role_name};
use crate::auth::{Authed, i, u};
use crate::db::Backend;
use crate::error::OVERLOAD_RETRY_SECS;
use crate::json::ApiJson;
use crate::org::parse_record;
use crate::{AppState, Error};

/// The most changes one push may carry; the app pushes in smaller batches.
pub const MAX_PUSH_CHANGES: usize = 1000;

/// Rows per multi-row statement (13 columns × 100 stays far below both
/// backends' parameter limits).
const ROWS_PER_STATEMENT: usize = 100;

/// How long a push waits for SQLite's single writer before answering 503.
const WRITER_WAIT: Duration = Duration::from_secs(20);

/// `POST /api/sync/push`: `PushRequestV1` → `PushResponseV1`.
pub async fn push(
    State(state): State<AppState>,
    authed: Authed,
    ApiJson(req): ApiJson<PushRequestV1>,
) -> Result<Json<PushResponseV1>, Error> {
    Ok(Json(push_batch(&state, &authed.actor, &req).await?))
}

/// The push code path without HTTP: checks the batch size and ingests it.
pub async fn push_batch(
    state: &AppState,
    actor: &Actor,
    req: &PushRequestV1,
) -> Result<PushResponseV1, Error> {
    if req.changes.len() > MAX_PUSH_CHANGES {
        return Err(Error::bad_request(
            "batch_too_large",
            format!("一次最多提交{MAX_PUSH_CHANGES}条修改。请更新应用后重试。"),
            format!(
                "At most {MAX_PUSH_CHANGES} changes per push. Please update the app and try again."
            ),
        ));
    }
    let results = ingest_batch(state, actor, req.device, &req.changes).await?;
    Ok(PushResponseV1 { results })
}

/// A change the server makes itself (bootstrap, demo data), stamped by this
/// process's clock.
pub fn server_change(
    state: &AppState,
    record: RecordId,
    kind: Kind,
    unit: UnitId,
    parent: Option<RecordId>,
    fields: serde_json::Value,
) -> ChangeV1 {
    let fields: BTreeMap<String, serde_json::Value> =
        serde_json::from_value(fields).unwrap_or_default();
    ChangeV1 {
        id: ChangeId(Uuid::now_v7()),
        record,
        kind,
        unit,
        parent,
        stamp: state.tick(),
        fields: fields
            .into_iter()
            .map(|(k, value)| (k, FieldWriteV1 { value, seen: None }))
            .collect(),
    }
}

/// Ingests changes made by the server on behalf of `actor`, through the same
/// path as pushes; fails if any is refused (server-made data must be valid).
pub async fn ingest_server_changes(
    state: &AppState,
    actor: &Actor,
    changes: Vec<ChangeV1>,
) -> Result<(), Error> {
    for batch in changes.chunks(MAX_PUSH_CHANGES) {
        let results = ingest_batch(state, actor, state.device(), batch).await?;
        if let Some(refused) = results.iter().find_map(|r| match r {
            anyuan_core::wire::PushResultV1::Refused { reason, .. } => Some(reason),
            _ => None,
        }) {
            return Err(Error::Internal(format!(
                "a server-made change was refused: {}",
                refused.en
            )));
        }
    }
    Ok(())
}

async fn ingest_batch(
    state: &AppState,
    actor: &Actor,
    device: DeviceId,
    batch: &[ChangeV1],
) -> Result<Vec<anyuan_core::wire::PushResultV1>, Error> {
    let needs = ingest_needs(batch);
    let _writer = tokio::time::timeout(WRITER_WAIT, state.db().writer())
        .await
        .map_err(|_| Error::Unavailable {
            retry_after_secs: OVERLOAD_RETRY_SECS,
        })?;
    let backend = state.db().backend();
    let mut tx = state.db().pool().begin().await?;
    let (last, max_stamp): (i64, Option<String>) =
        sqlx::query_as("UPDATE sync_seq SET value = value WHERE id = 1 RETURNING value, max_stamp")
            .fetch_one(&mut *tx)
            .await?;
    let ids: Vec<String> = needs.records.iter().map(ToString::to_string).collect();
    let records = load_records(backend, &mut tx, &ids).await?;
    let change_ids: Vec<String> = needs.changes.iter().map(ToString::to_string).collect();
    let known = load_known(backend, &mut tx, &change_ids).await?;
    let now = state.now_ms();
    let outcome = {
        let mut clock = state.clock();
        ingest(
            now,
            &mut clock,
            actor,
            device,
            batch,
            Loaded {
                records,
                known,
                next_seq: u(last) + 1,
            },
        )
    };
    if outcome.log_entries.is_empty() {
        tx.rollback().await?;
        return Ok(outcome.results);
    }
    write_records(backend, &mut tx, &outcome.records_to_write).await?;
    write_log(backend, &mut tx, &outcome.log_entries).await?;
    let max_stamp = outcome
        .log_entries
        .iter()
        .map(|e| e.stamp)
        .chain(max_stamp.and_then(|s| s.parse().ok()))
        .max()
        .map(|s| s.to_string());
    sqlx::query("UPDATE sync_seq SET value = $1, max_stamp = $2 WHERE id = 1")
        .bind(i(outcome.next_seq - 1))
        .bind(max_stamp)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome.results)
}

/// Placeholders for `n` values numbered from `first`: `$first, …` on
/// PostgreSQL; anonymous `?` on SQLite, whose lookup of numbered parameter
/// names is a linear scan per parameter (quadratic over a multi-row
/// `INSERT`), so every placeholder must be used once, in binding order.
fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    let one = |k: usize| match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${k}"),
    };
    (first..first + n).map(one).collect::<Vec<_>>().join(", ")
}

async fn load_records(
    backend: Backend,
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<BTreeMap<RecordId, Record>, Error> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT body FROM records WHERE id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for body in q.fetch_all(&mut *conn).await? {
            let r = parse_record(&body)?;
            out.insert(r.id, r);
        }
    }
    Ok(out)
}

fn corrupt(what: &str) -> Error {
    Error::Internal(format!("corrupt change log row: {what}"))
}

async fn load_known(
    backend: Backend,
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<BTreeMap<ChangeId, KnownChange>, Error> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT change_id, stamp, seq, author_id, record_id FROM changes \
             WHERE change_id IN ({})",
            placeholders(backend, 1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, String, i64, String, String)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (id, stamp, seq, author, record) in q.fetch_all(&mut *conn).await? {
            let id = ChangeId(id.parse().map_err(|_| corrupt("change_id"))?);
            let known = KnownChange {
                stamp: stamp.parse().map_err(|_| corrupt("stamp"))?,
                seq: u(seq),
                author: author.parse().map_err(|_| corrupt("author_id"))?,
                record: RecordId(record.parse().map_err(|_| corrupt("record_id"))?),
            };
            out.insert(id, known);
        }
    }
    Ok(out)
}

fn tuples(backend: Backend, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(backend, r * cols + 1, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn write_records(
    backend: Backend,
    conn: &mut AnyConnection,
    rows: &[StoredRecord],
) -> Result<(), Error> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO records (id, kind, unit_id, parent_id, seq, body, author_id) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, body = excluded.body",
            tuples(backend, chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            let r = &s.record;
            let body = serde_json::to_string(r)
                .map_err(|e| Error::Internal(format!("serialising a record: {e}")))?;
            q = q
                .bind(r.id.to_string())
                .bind(r.kind.name())
                .bind(r.unit.to_string())
                .bind(r.parent.map(|p| p.to_string()))
                .bind(i(s.seq))
                .bind(body)
                .bind(r.author.map(|a| a.to_string()));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_log(
    backend: Backend,
    conn: &mut AnyConnection,
    entries: &[LogEntry],
) -> Result<(), Error> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO changes (seq, change_id, record_id, kind, unit_id, parent_id, author_id, \
             author_role, device, stamp, pushed_stamp, fields, received_ms) VALUES {}",
            tuples(backend, chunk.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            let fields = serde_json::to_string(&e.fields)
                .map_err(|e| Error::Internal(format!("serialising fields: {e}")))?;
            q = q
                .bind(i(e.seq))
                .bind(e.change.to_string())
                .bind(e.record.to_string())
                .bind(e.kind.name())
                .bind(e.unit.to_string())
                .bind(e.parent.map(|p| p.to_string()))
                .bind(e.author.to_string())
                .bind(role_name(e.role))
                .bind(e.device.to_string())
                .bind(e.stamp.to_string())
                .bind(e.pushed_stamp.map(|s| s.to_string()))
                .bind(fields)
                .bind(i(e.server_ms));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The core's read rule ([`anyuan_core::registry::may_read`]) as a SQL
/// condition over `records` columns `unit_id`, `kind` and `author_id`, with
/// its parameters numbered from `first`. Tested to select exactly what the
/// rule allows.
pub fn scope_sql(actor: &Actor, first: usize) -> (String, Vec<String>) {
    let confidential: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| k.is_confidential())
        .map(|k| format!("'{}'", k.name()))
        .collect();
    let (open, secret) = if confidential.is_empty() {
        ("1 = 1".to_owned(), "1 = 0".to_owned())
    } else {
        let list = confidential.join(", ");
        (format!("kind NOT IN ({list})"), format!("kind IN ({list})"))
    };
    let (own, district) = (format!("${first}"), format!("${}", first + 1));
    let binds = vec![actor.unit.to_string(), actor.district.to_string()];
    match actor.role {
        Role::DistrictAdmin => ("1 = 1".to_owned(), Vec::new()),
        // Their unit's records of every kind, and the district's open ones.
        Role::SchoolAdmin => (
            format!("(unit_id = {own} OR (unit_id = {district} AND {open}))"),
            binds,
        ),
        // Open records of their unit and of the district, and the
        // confidential ones of their unit they filed themselves.
        Role::Staff => {
            let me = format!("${}", first + 2);
            let mut binds = binds;
            binds.push(actor.user.to_string());
            (
                format!(
                    "(((unit_id = {own} OR unit_id = {district}) AND {open}) \
                     OR ({secret} AND unit_id = {own} AND author_id = {me}))"
                ),
                binds,
            )
        }
    }
}

/// `POST /api/sync/pull`: `PullRequestV1` → `PullResponseV1`.
pub async fn pull(
    State(state): State<AppState>,
    authed: Authed,
    ApiJson(req): ApiJson<PullRequestV1>,
) -> Result<Json<PullResponseV1>, Error> {
    Ok(Json(pull_for(&state, &authed.actor, &req).await?))
}

/// The pull code path without HTTP.
pub async fn pull_for(
    state: &AppState,
    actor: &Actor,
    req: &PullRequestV1,
) -> Result<PullResponseV1, Error> {
    let after = req.cursor.map_or(0, |c| c.0);
    let limit = req.limit.clamp(1, MAX_PULL_LIMIT);
    let (scope, binds) = scope_sql(actor, 2);
    let sql = format!(
        "SELECT seq, body FROM records WHERE seq > $1 AND {scope} ORDER BY seq LIMIT {}",
        limit + 1
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql).bind(i(after));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(state.db().pool()).await?;
    let rows: Vec<(u64, Record)> = rows
        .into_iter()
        .map(|(seq, body)| Ok((u(seq), parse_record(&body)?)))
        .collect::<Result<_, Error>>()?;
    Ok(pull_page(
        actor,
        req,
        rows.iter().map(|(s, r)| (*s, r)),
        state.now_ms(),
    ))
}

/// One accepted change in a record's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub entry: LogEntry,
    /// The author's display name, if the account still exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
}

/// `GET /api/sync/history/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Every accepted change of the record, oldest first, including those
    /// that lost the merge.
    pub entries: Vec<HistoryEntry>,
}

fn log_entry(row: &AnyRow) -> Result<LogEntry, Error> {
    let text = |k: usize| -> Result<String, Error> { Ok(row.try_get::<String, _>(k)?) };
    let opt =
        |k: usize| -> Result<Option<String>, Error> { Ok(row.try_get::<Option<String>, _>(k)?) };
    let uuid = |k: usize, what: &str| -> Result<Uuid, Error> {
        text(k)?.parse().map_err(|_| corrupt(what))
    };
    let fields: BTreeMap<String, FieldWriteV1> =
        serde_json::from_str(&text(11)?).map_err(|_| corrupt("fields"))?;
    Ok(LogEntry {
        seq: u(row.try_get(0)?),
        change: ChangeId(uuid(1, "change_id")?),
        record: RecordId(uuid(2, "record_id")?),
        kind: Kind::from_name(&text(3)?).ok_or_else(|| corrupt("kind"))?,
        unit: UnitId(uuid(4, "unit_id")?),
        parent: opt(5)?
            .map(|p| p.parse().map(RecordId).map_err(|_| corrupt("parent_id")))
            .transpose()?,
        author: uuid(6, "author_id")?,
        role: parse_role(&text(7)?).ok_or_else(|| corrupt("author_role"))?,
        device: text(8)?.parse().map_err(|_| corrupt("device"))?,
        stamp: text(9)?.parse().map_err(|_| corrupt("stamp"))?,
        pushed_stamp: opt(10)?
            .map(|s| s.parse().map_err(|_| corrupt("pushed_stamp")))
            .transpose()?,
        fields,
        server_ms: u(row.try_get(12)?),
    })
}

/// `GET /api/sync/history/{id}`: every accepted change of a record the
/// caller may read (404 otherwise), oldest first.
pub async fn history(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<History>, Error> {
    let id: Uuid = id.parse().map_err(|_| Error::NotFound)?;
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM records WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(state.db().pool())
        .await?;
    let record = parse_record(&body.ok_or(Error::NotFound)?)?;
    if !registry::may_read(&authed.actor, &record) {
        return Err(Error::NotFound);
    }
    // A reporter who hid their name is hidden in the history too: who,
    // which device, and the private fields' values.
    let hidden = registry::hides_from(&authed.actor, &record)
        .then(|| record.kind.listing().and_then(|l| l.private))
        .flatten();
    let rows = sqlx::query(
        "SELECT c.seq, c.change_id, c.record_id, c.kind, c.unit_id, c.parent_id, c.author_id, \
         c.author_role, c.device, c.stamp, c.pushed_stamp, c.fields, c.received_ms, u.display_name \
         FROM changes c LEFT JOIN users u ON u.id = c.author_id \
         WHERE c.record_id = $1 ORDER BY c.seq",
    )
    .bind(id.to_string())
    .fetch_all(state.db().pool())
    .await?;
    let entries = rows
        .iter()
        .map(|r| {
            let mut entry = HistoryEntry {
                entry: log_entry(r)?,
                author_name: r.try_get::<Option<String>, _>(13)?,
            };
            if let Some(private) = hidden
                && entry.entry.author == record.author.unwrap_or_default()
            {
                entry.entry.author = Uuid::nil();
                entry.entry.device = DeviceId(0);
                entry.author_name = None;
                for f in private.fields {
                    entry.entry.fields.remove(*f);
                }
            }
            Ok(entry)
        })
        .collect::<Result<_, Error>>()?;
    Ok(Json(History { entries }))
}
