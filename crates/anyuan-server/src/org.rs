//! The organisation: the district this server serves, units (synced `unit`
//! records whose record id is the unit id) and bootstrapping an empty
//! database with its district and first district admin.

use std::collections::BTreeMap;

use anyuan_core::record::RecordId;
use anyuan_core::{Actor, Kind, Record, Role, UnitId};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::{self, User};
use crate::db::Db;
use crate::{AppState, Error, sync};

/// What the server needs to know about a unit, from its synced record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInfo {
    pub name: String,
    /// `district`, `school` or `kindergarten`.
    pub kind: String,
    pub deleted: bool,
}

fn info_of(record: &Record) -> UnitInfo {
    let text = |f: &str| {
        record
            .get(f)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    UnitInfo {
        name: text("name"),
        kind: text("type"),
        deleted: record.is_deleted(),
    }
}

pub(crate) fn parse_record(body: &str) -> Result<Record, Error> {
    serde_json::from_str(body).map_err(|e| Error::Internal(format!("corrupt record body: {e}")))
}

/// The district's unit id, once bootstrapped.
pub async fn load_district(db: &Db) -> Result<Option<UnitId>, Error> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'district_id'")
            .fetch_optional(db.pool())
            .await?;
    value
        .map(|v| {
            v.parse()
                .map(UnitId)
                .map_err(|_| Error::Internal("corrupt district_id".into()))
        })
        .transpose()
}

/// A unit's name, type and whether it is deleted.
pub async fn unit_info(db: &Db, unit: UnitId) -> Result<Option<UnitInfo>, Error> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM records WHERE id = $1 AND kind = 'unit'")
            .bind(unit.to_string())
            .fetch_optional(db.pool())
            .await?;
    body.map(|b| Ok(info_of(&parse_record(&b)?))).transpose()
}

/// Every unit (a district has tens to hundreds).
pub async fn all_units(db: &Db) -> Result<BTreeMap<UnitId, UnitInfo>, Error> {
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM records WHERE kind = 'unit'")
        .fetch_all(db.pool())
        .await?;
    bodies
        .iter()
        .map(|b| {
            let r = parse_record(b)?;
            Ok((UnitId(r.id.0), info_of(&r)))
        })
        .collect()
}

/// Creates the district unit (through the sync path, so it is in the change
/// log and in pulls) and its first district admin. Refused when the database
/// already has a district.
pub async fn bootstrap(
    state: &AppState,
    district_name: &str,
    login: &str,
    display_name: &str,
    password: &str,
) -> Result<(UnitId, User), Error> {
    if state.district().await?.is_some() {
        return Err(Error::conflict(
            "already_bootstrapped",
            "数据库中已有区教育局，无需再次初始化。",
            "This database already has its district; bootstrap runs only once.",
        ));
    }
    let name = district_name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::bad_request(
            "district_name_invalid",
            "请填写区教育局名称（最多60个字）。",
            "Please give the district's name (at most 60 characters).",
        ));
    }
    crate::auth::check_password_rules(password)?;
    accounts::check_login(&accounts::normalize_login(login))?;
    accounts::check_display_name(display_name)?;
    let district = UnitId(Uuid::now_v7());
    let admin = Uuid::now_v7();
    let actor = Actor {
        user: admin,
        role: Role::DistrictAdmin,
        unit: district,
        district,
    };
    let change = sync::server_change(
        state,
        RecordId(district.0),
        Kind::Unit,
        district,
        None,
        json!({"name": name, "type": "district"}),
    );
    sync::ingest_server_changes(state, &actor, vec![change]).await?;
    sqlx::query(
        "INSERT INTO server_meta (key, value) VALUES ('district_id', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(district.to_string())
    .execute(state.db().pool())
    .await?;
    if load_district(state.db()).await? != Some(district) {
        return Err(Error::conflict(
            "already_bootstrapped",
            "另一个进程已完成初始化。",
            "Another process bootstrapped this database at the same time.",
        ));
    }
    let user = accounts::insert_user_with_id(
        state,
        admin,
        login,
        display_name,
        Role::DistrictAdmin,
        district,
        password,
    )
    .await?;
    Ok((district, user))
}
