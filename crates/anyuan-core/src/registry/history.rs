//! A record's history as a person reads it: each accepted change with who,
//! the device's time, the server's time, which device, and every field's
//! old → new value, marking writes that lost to a concurrent edit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::hlc::{DeviceId, Hlc};
use crate::record::{Record, RecordId, UnitId};
use crate::wire::FieldWriteV1;
use crate::{Kind, Role};

/// One entry of `GET /api/sync/history/{id}` as the app reads it (the
/// server's change-log row and the author's name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntryV1 {
    /// Log position.
    pub seq: u64,
    /// The record's kind.
    pub kind: Kind,
    /// Who pushed it (nil when hidden).
    pub author: Uuid,
    /// Their role then.
    pub role: Role,
    /// The device that made it.
    pub device: DeviceId,
    /// The stamp it was applied with.
    pub stamp: Hlc,
    /// The device's own stamp, when the server re-stamped it (a clock far ahead).
    #[serde(default)]
    pub pushed_stamp: Option<Hlc>,
    /// The fields written.
    pub fields: BTreeMap<String, FieldWriteV1>,
    /// The server's clock when it was accepted.
    pub server_ms: u64,
    /// The author's name, if known and not hidden.
    #[serde(default)]
    pub author_name: Option<String>,
}

/// The answer of `GET /api/sync/history/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryV1 {
    /// Oldest first.
    pub entries: Vec<HistoryEntryV1>,
}

/// One field written by one change.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value before (as the log had it at that point), if any.
    pub old: Option<Value>,
    /// The value written.
    pub new: Value,
    /// The write lost to a later or concurrent one (it never showed).
    pub lost: bool,
}

/// One change as the history shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    /// Log position.
    pub seq: u64,
    /// Who, if known.
    pub author_name: Option<String>,
    /// Which device.
    pub device: DeviceId,
    /// The device's clock when it was made (the stamp it pushed).
    pub device_ms: u64,
    /// The server's clock when it arrived.
    pub server_ms: u64,
    /// The server replaced the device's stamp (its clock was far ahead).
    pub restamped: bool,
    /// What it wrote.
    pub changes: Vec<FieldChange>,
}

/// Replays `entries` (in seq order) and says, for each, what it changed.
pub fn rows(kind: Kind, entries: &[HistoryEntryV1]) -> Vec<HistoryRow> {
    let mut sorted: Vec<&HistoryEntryV1> = entries.iter().collect();
    crate::order::sort_by_key(&mut sorted, |e| e.seq);
    let mut record = Record::new(RecordId(Uuid::nil()), kind, UnitId(Uuid::nil()), None);
    sorted
        .into_iter()
        .map(|e| {
            let old: Vec<(String, Option<Value>)> = e
                .fields
                .keys()
                .map(|f| (f.clone(), record.get(f).cloned()))
                .collect();
            record.apply(e.stamp, e.fields.iter().map(|(k, w)| (k, &w.value, w.seen)));
            let changes = old
                .into_iter()
                .map(|(field, old)| FieldChange {
                    lost: record.stamp_of(&field) != Some(e.stamp),
                    new: e.fields[&field].value.clone(),
                    field,
                    old,
                })
                .collect();
            HistoryRow {
                seq: e.seq,
                author_name: e.author_name.clone(),
                device: e.device,
                device_ms: e.pushed_stamp.unwrap_or(e.stamp).ms,
                server_ms: e.server_ms,
                restamped: e.pushed_stamp.is_some(),
                changes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(seq: u64, ms: u64, device: u64, fields: Value) -> HistoryEntryV1 {
        let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        HistoryEntryV1 {
            seq,
            kind: Kind::Training,
            author: Uuid::nil(),
            role: Role::Staff,
            device: DeviceId(device),
            stamp: Hlc::new(ms, 0, DeviceId(device)),
            pushed_stamp: None,
            fields: fields
                .into_iter()
                .map(|(k, value)| (k, FieldWriteV1 { value, seen: None }))
                .collect(),
            server_ms: 5_000 + seq,
            author_name: Some(format!("u{device}")),
        }
    }

    #[test]
    fn each_change_shows_old_and_new_and_a_late_arriving_loser_is_marked() {
        let entries = [
            entry(1, 1_000, 1, json!({"title": "急救培训", "hours": 2})),
            entry(2, 3_000, 2, json!({"title": "急救技能培训"})),
            // Made offline before the previous one, arrives after it: loses.
            entry(3, 2_000, 3, json!({"title": "急救课", "hours": 3})),
        ];
        let rows = rows(Kind::Training, &entries);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].changes[1].old, None);
        let second = &rows[1].changes[0];
        assert_eq!(
            (second.old.clone(), second.new.clone(), second.lost),
            (Some(json!("急救培训")), json!("急救技能培训"), false)
        );
        let third: BTreeMap<&str, &FieldChange> = rows[2]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c))
            .collect();
        assert!(third["title"].lost, "an older stamp never shows");
        assert_eq!(third["title"].old, Some(json!("急救技能培训")));
        assert!(!third["hours"].lost);
        assert_eq!(rows[2].author_name.as_deref(), Some("u3"));
    }

    #[test]
    fn the_servers_log_entries_parse() {
        let e = crate::sync::server::LogEntry {
            seq: 4,
            change: crate::wire::ChangeId(Uuid::from_u128(1)),
            record: RecordId(Uuid::from_u128(2)),
            kind: Kind::Training,
            unit: UnitId(Uuid::from_u128(3)),
            parent: None,
            author: Uuid::from_u128(4),
            role: Role::Staff,
            device: DeviceId(0xa1),
            stamp: Hlc::new(1_790_000_000_000, 2, DeviceId(0xa1)),
            pushed_stamp: Some(Hlc::new(1_790_000_900_000, 0, DeviceId(0xa1))),
            fields: [(
                "title".to_owned(),
                FieldWriteV1 {
                    value: json!("x"),
                    seen: None,
                },
            )]
            .into(),
            server_ms: 1_790_000_000_001,
        };
        let mut v = serde_json::to_value(&e).unwrap();
        v["author_name"] = json!("张老师");
        let h: HistoryV1 = serde_json::from_value(json!({ "entries": [v] })).unwrap();
        let got = &h.entries[0];
        assert_eq!(got.author_name.as_deref(), Some("张老师"));
        assert_eq!(
            (got.seq, got.stamp, got.pushed_stamp),
            (e.seq, e.stamp, e.pushed_stamp)
        );
        assert_eq!(got.fields, e.fields);
        let row = &rows(Kind::Training, &h.entries)[0];
        assert!(row.restamped);
        assert_eq!(row.device_ms, 1_790_000_900_000, "the device's own clock");
    }
}
