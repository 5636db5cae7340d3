//! The versioned types that cross the network (and sit in IndexedDB and SQL).
//!
//! Converted by hand from the internal model and validated on arrival.
//! JSON field names are short but readable:
//!
//! | type | JSON |
//! |---|---|
//! | [`ChangeV1`] | `{"id", "rec", "kind", "unit", "parent"?, "at", "f": {name: FieldWriteV1}}` |
//! | [`FieldWriteV1`] | `{"v": value, "seen"?: stamp}` |
//! | [`RecordV1`] | `{"id", "kind", "unit", "parent"?, "f": {name: FieldV1}, "rcv"?: ms, "by"?: uuid}` (`rcv` = when the server accepted the record's first change; `by` = who created a confidential record) |
//! | [`FieldV1`] | `{"v": value, "at": stamp, "seen"?: stamp, "beat"?: stamp}` (`beat` = runner-up) |
//! | [`PushResultV1`] | `{"r": "accepted"\|"duplicate", "change", "at", "seq"}` or `{"r": "refused", "change", "reason"}` |
//! | [`Cursor`] | a decimal string, e.g. `"1042"` |
//!
//! Stamps are [`Hlc`] strings, device ids 16-digit hex strings, ids UUID
//! strings; absent optional fields are omitted.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

use crate::hlc::{DeviceId, Hlc, MAX_MS};
use crate::kind::Kind;
use crate::record::{FieldVersion, Record, RecordId, UnitId};
use crate::validate::FieldProblem;

/// At most this many fields in one change.
pub const MAX_FIELDS: usize = 64;
/// At most this many bytes of JSON per field value.
pub const MAX_VALUE_BYTES: usize = 16 * 1024;

/// A change's id: a UUIDv7 made on the device. The idempotency key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChangeId(pub Uuid);

impl fmt::Display for ChangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A position in the server's stream of record updates: the highest record
/// sequence number the device has received. Opaque to the app; a decimal
/// string on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor(pub u64);

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom("a cursor is a decimal string"));
        }
        s.parse().map(Cursor).map_err(serde::de::Error::custom)
    }
}

/// One field written by a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldWriteV1 {
    /// The new value (`null` clears the field).
    #[serde(rename = "v")]
    pub value: Value,
    /// The stamp of the value this write replaced on the device, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Hlc>,
}

/// A change: several fields of one record written with one stamp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeV1 {
    /// Idempotency key.
    pub id: ChangeId,
    /// The record written.
    #[serde(rename = "rec")]
    pub record: RecordId,
    /// The record's kind (must match the record's).
    pub kind: Kind,
    /// The record's unit (must match the record's).
    pub unit: UnitId,
    /// The record's parent, for child kinds (must match the record's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    /// The write's stamp (the server may re-stamp it: see `sync::server`).
    #[serde(rename = "at")]
    pub stamp: Hlc,
    /// The fields written.
    #[serde(rename = "f")]
    pub fields: BTreeMap<String, FieldWriteV1>,
}

/// Whether `name` is a well-formed field key: 1 to 64 of `[a-z0-9_]`.
pub fn is_field_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl ChangeV1 {
    /// The writes in the shape [`Record::apply`] takes.
    pub fn writes(&self) -> impl Iterator<Item = (&String, &Value, Option<Hlc>)> {
        self.fields.iter().map(|(k, w)| (k, &w.value, w.seen))
    }

    /// Shape checks that need no other data: fields present, well-formed
    /// names, bounded sizes, a stamp from `device`.
    pub fn check_shape(&self, device: DeviceId) -> Result<(), Refusal> {
        let malformed = |zh: &str, en: &str| {
            Err(Refusal::new(
                RefusalCode::Malformed,
                None,
                zh.into(),
                en.into(),
            ))
        };
        if self.fields.is_empty() {
            return malformed(
                "这条修改没有任何内容。请删除它。",
                "This change contains no fields. Discard it.",
            );
        }
        if self.stamp.device != device || self.stamp.ms > MAX_MS {
            return malformed(
                "这条修改的时间戳无效。请更新应用后重试。",
                "This change has an invalid timestamp. Please update the app and try again.",
            );
        }
        if let Some(bad) = self.fields.keys().find(|k| !is_field_name(k)) {
            return Err(Refusal::new(
                RefusalCode::Malformed,
                Some(bad.clone()),
                format!("字段名“{bad}”无效。请更新应用后重试。"),
                format!(
                    "The field name \"{bad}\" is invalid. Please update the app and try again."
                ),
            ));
        }
        let too_big = self
            .fields
            .iter()
            .find(|(_, w)| w.value.to_string().len() > MAX_VALUE_BYTES);
        if self.fields.len() > MAX_FIELDS || too_big.is_some() {
            return Err(Refusal::new(
                RefusalCode::TooLarge,
                too_big.map(|(k, _)| k.clone()),
                "内容太大，无法保存。请缩短文字或分成几条记录。".into(),
                "This is too large to save. Shorten the text or split it into several records."
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Why the server refused a change, for code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The user's role may not write this kind.
    RoleNotAllowed,
    /// The record belongs to another unit.
    OutOfScope,
    /// The change tries to alter a record's kind, unit or parent.
    Immutable,
    /// A child record's parent does not exist (or is deleted).
    ParentMissing,
    /// A field value is invalid; see `field` and `problems`.
    Invalid,
    /// The change is not well-formed (an app bug or an outdated app).
    Malformed,
    /// The change is too large.
    TooLarge,
}

/// Why the server refused a change, for people: what was wrong and what to
/// do, in Chinese and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// What was wrong, for code.
    pub code: RefusalCode,
    /// The field at fault, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Message in Chinese.
    pub zh: String,
    /// Message in English.
    pub en: String,
    /// Every field problem, for `invalid`; the first is also in `zh`/`en`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FieldProblem>,
}

impl Refusal {
    /// A refusal without field problems.
    pub fn new(code: RefusalCode, field: Option<String>, zh: String, en: String) -> Refusal {
        Refusal {
            code,
            field,
            zh,
            en,
            problems: Vec::new(),
        }
    }

    /// An `invalid` refusal from validation problems (at least one).
    pub fn invalid(problems: Vec<FieldProblem>) -> Refusal {
        let first = problems.first();
        Refusal {
            code: RefusalCode::Invalid,
            field: first.map(|p| p.field.clone()),
            zh: first.map_or_else(|| "内容无效。".into(), |p| p.zh.clone()),
            en: first.map_or_else(|| "Invalid content.".into(), |p| p.en.clone()),
            problems,
        }
    }
}

/// A batch of changes from one device, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequestV1 {
    /// The pushing device; every change's stamp must be from it.
    pub device: DeviceId,
    /// The changes, in the order they were made.
    pub changes: Vec<ChangeV1>,
}

/// The outcome for one pushed change. Every outcome is a normal value.
///
/// On the wire it is one object tagged by `"r"`. It is read through
/// [`PushResultFields`], not serde's internally tagged enum support, which
/// buffers every object into a generic tree first: that cost about 4 KB of
/// the app's first load (brotli) and time on every push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "r", rename_all = "snake_case", try_from = "PushResultFields")]
pub enum PushResultV1 {
    /// Applied and logged now.
    Accepted {
        /// The change.
        change: ChangeId,
        /// The stamp it was applied with; differs from the pushed stamp when
        /// the server re-stamped it, and the device must adopt it.
        #[serde(rename = "at")]
        stamp: Hlc,
        /// Its position in the change log.
        seq: u64,
    },
    /// Already applied by an earlier push (same change id): nothing changed.
    Duplicate {
        /// The change.
        change: ChangeId,
        /// The stamp it was applied with back then.
        #[serde(rename = "at")]
        stamp: Hlc,
        /// Its position in the change log.
        seq: u64,
    },
    /// Not applied; nothing changed. The device keeps it and shows the reason.
    Refused {
        /// The change.
        change: ChangeId,
        /// Why, for people.
        reason: Refusal,
    },
}

/// Every field a [`PushResultV1`] can have, as read off the wire.
#[derive(Deserialize)]
struct PushResultFields {
    r: PushResultTag,
    change: ChangeId,
    #[serde(default)]
    at: Option<Hlc>,
    #[serde(default)]
    seq: Option<u64>,
    #[serde(default)]
    reason: Option<Refusal>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum PushResultTag {
    Accepted,
    Duplicate,
    Refused,
}

impl TryFrom<PushResultFields> for PushResultV1 {
    type Error = &'static str;

    fn try_from(f: PushResultFields) -> Result<Self, Self::Error> {
        let applied = || -> Result<(Hlc, u64), &'static str> {
            Ok((
                f.at.ok_or("missing field `at`")?,
                f.seq.ok_or("missing field `seq`")?,
            ))
        };
        Ok(match f.r {
            PushResultTag::Accepted => {
                let (stamp, seq) = applied()?;
                PushResultV1::Accepted {
                    change: f.change,
                    stamp,
                    seq,
                }
            }
            PushResultTag::Duplicate => {
                let (stamp, seq) = applied()?;
                PushResultV1::Duplicate {
                    change: f.change,
                    stamp,
                    seq,
                }
            }
            PushResultTag::Refused => PushResultV1::Refused {
                change: f.change,
                reason: f.reason.ok_or("missing field `reason`")?,
            },
        })
    }
}

impl PushResultV1 {
    /// The change this result is about.
    pub fn change(&self) -> ChangeId {
        match self {
            PushResultV1::Accepted { change, .. }
            | PushResultV1::Duplicate { change, .. }
            | PushResultV1::Refused { change, .. } => *change,
        }
    }
}

/// One result per pushed change, in the same order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponseV1 {
    /// The results.
    pub results: Vec<PushResultV1>,
}

/// Asks for the records changed since `cursor`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequestV1 {
    /// Where the previous pull stopped; `None` for everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// At most this many records (the server may cap it).
    pub limit: u32,
}

/// One page of records, each in its full current state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponseV1 {
    /// The records, in update order.
    pub records: Vec<RecordV1>,
    /// The cursor to send next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Cursor>,
    /// Whether another page is waiting.
    pub more: bool,
    /// The server's wall clock, for the device's clock.
    pub server_time_ms: u64,
}

/// The wire form of one merged field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldV1 {
    /// The winning value.
    #[serde(rename = "v")]
    pub value: Value,
    /// The winning stamp.
    #[serde(rename = "at")]
    pub stamp: Hlc,
    /// What the winning write had seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Hlc>,
    /// The runner-up stamp.
    #[serde(default, rename = "beat", skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<Hlc>,
}

/// The wire form of a [`Record`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordV1 {
    /// The record's id.
    pub id: RecordId,
    /// Its kind.
    pub kind: Kind,
    /// Its unit.
    pub unit: UnitId,
    /// Its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    /// Its fields.
    #[serde(rename = "f")]
    pub fields: BTreeMap<String, FieldV1>,
    /// The server's wall clock (ms since the Unix epoch) when it accepted
    /// the record's first change (see [`Record::received_ms`]). Only the
    /// server sets it; absent on records older than the field and on
    /// records the device has not had back from a pull.
    #[serde(default, rename = "rcv", skip_serializing_if = "Option::is_none")]
    pub received_ms: Option<u64>,
    /// The account that created it, for confidential kinds (see
    /// [`Record::author`]); absent otherwise and where hidden.
    #[serde(default, rename = "by", skip_serializing_if = "Option::is_none")]
    pub author: Option<uuid::Uuid>,
}

/// Why a wire record is not a valid [`Record`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A field key is not `[a-z0-9_]{1,64}`.
    #[error("invalid field name {0:?}")]
    BadFieldName(String),
    /// A runner-up stamp is not below its winner's stamp.
    #[error("field {0:?}: the runner-up stamp must be below the winning stamp")]
    RunnerUpNotBelowStamp(String),
    /// A stamp's milliseconds exceed 15 digits.
    #[error("field {0:?}: stamp out of range")]
    StampOutOfRange(String),
    /// The received time exceeds 15 digits of milliseconds.
    #[error("received time out of range")]
    ReceivedOutOfRange,
}

impl From<&Record> for RecordV1 {
    fn from(r: &Record) -> RecordV1 {
        RecordV1 {
            id: r.id,
            kind: r.kind,
            unit: r.unit,
            parent: r.parent,
            fields: crate::order::map_of(r.fields.iter().map(|(k, f)| {
                let v = FieldV1 {
                    value: f.value.clone(),
                    stamp: f.stamp,
                    seen: f.seen,
                    runner_up: f.runner_up,
                };
                (k.clone(), v)
            })),
            received_ms: r.received_ms,
            author: r.author,
        }
    }
}

impl From<Record> for RecordV1 {
    fn from(r: Record) -> RecordV1 {
        RecordV1::from(&r)
    }
}

impl TryFrom<RecordV1> for Record {
    type Error = WireError;

    fn try_from(r: RecordV1) -> Result<Record, WireError> {
        if r.received_ms.is_some_and(|ms| ms > MAX_MS) {
            return Err(WireError::ReceivedOutOfRange);
        }
        let mut fields = BTreeMap::new();
        for (k, f) in r.fields {
            if !is_field_name(&k) {
                return Err(WireError::BadFieldName(k));
            }
            if f.runner_up.is_some_and(|ru| ru >= f.stamp) {
                return Err(WireError::RunnerUpNotBelowStamp(k));
            }
            if f.stamp.ms > MAX_MS {
                return Err(WireError::StampOutOfRange(k));
            }
            let v = FieldVersion {
                value: f.value,
                stamp: f.stamp,
                seen: f.seen,
                runner_up: f.runner_up,
            };
            fields.insert(k, v);
        }
        Ok(Record {
            id: r.id,
            kind: r.kind,
            unit: r.unit,
            parent: r.parent,
            fields,
            received_ms: r.received_ms,
            author: r.author,
        })
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RecordV1::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Record::try_from(RecordV1::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn h(ms: u64, d: u64) -> Hlc {
        Hlc::new(ms, 0, DeviceId(d))
    }

    fn change() -> ChangeV1 {
        ChangeV1 {
            id: ChangeId(Uuid::from_u128(1)),
            record: RecordId(Uuid::from_u128(2)),
            kind: Kind::Class,
            unit: UnitId(Uuid::from_u128(3)),
            parent: None,
            stamp: h(1_700_000_000_000, 0xab),
            fields: [(
                "name".to_owned(),
                FieldWriteV1 {
                    value: json!("三(2)班"),
                    seen: None,
                },
            )]
            .into(),
        }
    }

    #[test]
    fn change_json_is_compact_and_documented() {
        let j = serde_json::to_value(change()).unwrap();
        assert_eq!(
            j,
            json!({
                "id": "00000000-0000-0000-0000-000000000001",
                "rec": "00000000-0000-0000-0000-000000000002",
                "kind": "class",
                "unit": "00000000-0000-0000-0000-000000000003",
                "at": "001700000000000-0000000000-00000000000000ab",
                "f": {"name": {"v": "三(2)班"}}
            })
        );
        assert_eq!(serde_json::from_value::<ChangeV1>(j).unwrap(), change());
    }

    #[test]
    fn results_and_cursors_serialise_as_documented() {
        let r = PushResultV1::Accepted {
            change: ChangeId(Uuid::from_u128(1)),
            stamp: h(5, 1),
            seq: 7,
        };
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["r"], "accepted");
        assert_eq!(j["seq"], 7);
        let refused = PushResultV1::Refused {
            change: ChangeId(Uuid::from_u128(1)),
            reason: Refusal::new(RefusalCode::RoleNotAllowed, None, "zh".into(), "en".into()),
        };
        let j = serde_json::to_value(&refused).unwrap();
        assert_eq!(j["reason"]["code"], "role_not_allowed");
        assert_eq!(serde_json::from_value::<PushResultV1>(j).unwrap(), refused);
        let duplicate = PushResultV1::Duplicate {
            change: ChangeId(Uuid::from_u128(2)),
            stamp: h(6, 1),
            seq: 8,
        };
        for result in [&r, &duplicate] {
            let text = serde_json::to_string(result).unwrap();
            assert_eq!(
                &serde_json::from_str::<PushResultV1>(&text).unwrap(),
                result
            );
        }
        // Each outcome needs its own fields, and only known outcomes parse.
        let mut no_seq = serde_json::to_value(&duplicate).unwrap();
        no_seq.as_object_mut().unwrap().remove("seq");
        let err = serde_json::from_value::<PushResultV1>(no_seq).unwrap_err();
        assert!(err.to_string().contains("`seq`"), "{err}");
        let mut no_reason = serde_json::to_value(&refused).unwrap();
        no_reason.as_object_mut().unwrap().remove("reason");
        assert!(serde_json::from_value::<PushResultV1>(no_reason).is_err());
        let mut unknown = serde_json::to_value(&r).unwrap();
        unknown["r"] = "postponed".into();
        assert!(serde_json::from_value::<PushResultV1>(unknown).is_err());
        assert_eq!(serde_json::to_string(&Cursor(1042)).unwrap(), "\"1042\"");
        assert_eq!(
            serde_json::from_str::<Cursor>("\"1042\"").unwrap(),
            Cursor(1042)
        );
        assert!(serde_json::from_str::<Cursor>("1042").is_err());
        assert!(serde_json::from_str::<Cursor>("\"-1\"").is_err());
    }

    #[test]
    fn records_round_trip_and_are_validated_on_arrival() {
        let mut r = Record::new(
            RecordId(Uuid::from_u128(2)),
            Kind::Class,
            UnitId(Uuid::from_u128(3)),
            None,
        );
        r.apply(h(5, 1), [(&"name".to_owned(), &json!("a"), None)]);
        r.apply(h(9, 2), [(&"name".to_owned(), &json!("b"), Some(h(5, 1)))]);
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(
            j["f"]["name"]["beat"],
            "000000000000005-0000000000-0000000000000001"
        );
        assert_eq!(serde_json::from_value::<Record>(j.clone()).unwrap(), r);
        let mut bad = j.clone();
        bad["f"]["name"]["beat"] = json!("000000000000009-0000000000-0000000000000002");
        assert!(serde_json::from_value::<Record>(bad).is_err());
        let mut bad = j;
        bad["f"]["Name!"] = bad["f"]["name"].clone();
        assert!(serde_json::from_value::<Record>(bad).is_err());
    }

    #[test]
    fn the_received_time_is_optional_and_backward_compatible() {
        let mut r = Record::new(
            RecordId(Uuid::from_u128(2)),
            Kind::Class,
            UnitId(Uuid::from_u128(3)),
            None,
        );
        r.apply(h(5, 1), [(&"name".to_owned(), &json!("a"), None)]);
        // Absent: omitted, and JSON without it (an older server) parses.
        let j = serde_json::to_value(&r).unwrap();
        assert!(j.get("rcv").is_none(), "{j}");
        assert_eq!(
            serde_json::from_value::<Record>(j).unwrap().received_ms,
            None
        );
        // Present: a number of milliseconds that survives the round trip.
        r.received_ms = Some(1_700_000_123_456);
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["rcv"], json!(1_700_000_123_456u64));
        assert_eq!(serde_json::from_value::<Record>(j.clone()).unwrap(), r);
        let mut bad = j;
        bad["rcv"] = json!(MAX_MS + 1);
        assert!(serde_json::from_value::<Record>(bad).is_err());
    }

    #[test]
    fn shape_checks_explain_themselves() {
        let dev = DeviceId(0xab);
        assert!(change().check_shape(dev).is_ok());
        assert_eq!(
            change().check_shape(DeviceId(1)).unwrap_err().code,
            RefusalCode::Malformed
        );
        let mut c = change();
        c.fields.clear();
        assert_eq!(c.check_shape(dev).unwrap_err().code, RefusalCode::Malformed);
        let mut c = change();
        c.fields.insert(
            "Bad Name".into(),
            FieldWriteV1 {
                value: json!(1),
                seen: None,
            },
        );
        assert_eq!(
            c.check_shape(dev).unwrap_err().field.as_deref(),
            Some("Bad Name")
        );
        let mut c = change();
        c.fields.insert(
            "name".into(),
            FieldWriteV1 {
                value: json!("x".repeat(MAX_VALUE_BYTES)),
                seen: None,
            },
        );
        assert_eq!(c.check_shape(dev).unwrap_err().code, RefusalCode::TooLarge);
    }
}

/// An account as the API shows it: the login answer, `GET /api/auth/me`
/// and the admin lists. Accounts live only on the server; this is their
/// one wire form, shared by the server and the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserV1 {
    /// The account's id.
    pub id: Uuid,
    /// The sign-in name.
    pub login: String,
    /// The name people see.
    pub display_name: String,
    /// What the account may do.
    pub role: crate::auth::Role,
    /// The unit the account belongs to.
    pub unit_id: UnitId,
    /// That unit's name (empty if unknown).
    pub unit_name: String,
    /// The district's unit.
    pub district_id: UnitId,
    /// A disabled account cannot sign in.
    #[serde(default)]
    pub disabled: bool,
}

impl UserV1 {
    /// The account as the core's [`crate::auth::Actor`], for scope and
    /// permission checks.
    pub fn actor(&self) -> crate::auth::Actor {
        crate::auth::Actor {
            user: self.id,
            role: self.role,
            unit: self.unit_id,
            district: self.district_id,
        }
    }
}
