//! Accounts (server-only: login, password hash, role, unit, disabled) and
//! the admin API over them.
//!
//! Who may manage whom: a district admin manages every account; a school
//! admin manages the staff accounts of their own unit (and sees, read-only,
//! every account of it); staff manage nothing. A district admin account
//! belongs to the district unit and every other account to a school or
//! kindergarten. Nobody disables their own account or changes their own role,
//! so an admin cannot lock themselves out.

use std::collections::BTreeMap;

use anyuan_core::{Actor, Role, UnitId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::auth::{self, Authed, i, u};
use crate::json::ApiJson;
use crate::org::{self, UnitInfo};
use crate::{AppState, Error};

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit: UnitId,
    pub disabled: bool,
}

impl User {
    /// The user as the core's `Actor`.
    pub fn actor(&self, district: UnitId) -> Actor {
        Actor {
            user: self.id,
            role: self.role,
            unit: self.unit,
            district,
        }
    }
}

/// An account as the API shows it: the core's wire type, shared with the app.
pub use anyuan_core::wire::UserV1 as UserView;

/// A role's wire and SQL name.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::DistrictAdmin => "district_admin",
        Role::SchoolAdmin => "school_admin",
        Role::Staff => "staff",
    }
}

/// Parses a role's wire name.
pub fn parse_role(name: &str) -> Option<Role> {
    [Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff]
        .into_iter()
        .find(|r| role_name(*r) == name)
}

/// Logins are case-insensitive: stored and compared trimmed and lower-case.
pub fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

const USER_COLUMNS: &str = "u.id, u.login, u.display_name, u.role, u.unit_id, u.disabled";

fn user_of(row: &AnyRow) -> Result<User, Error> {
    let corrupt = |what: &str| Error::Internal(format!("corrupt users row: {what}"));
    let id: String = row.try_get(0)?;
    let role: String = row.try_get(3)?;
    let unit: String = row.try_get(4)?;
    let disabled: i64 = row.try_get(5)?;
    Ok(User {
        id: id.parse().map_err(|_| corrupt("id"))?,
        login: row.try_get(1)?,
        display_name: row.try_get(2)?,
        role: parse_role(&role).ok_or_else(|| corrupt("role"))?,
        unit: UnitId(unit.parse().map_err(|_| corrupt("unit_id"))?),
        disabled: disabled != 0,
    })
}

/// The account with `login` (normalised) and its password hash.
pub async fn find_by_login(state: &AppState, login: &str) -> Result<Option<(User, String)>, Error> {
    let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.login = $1");
    let row = sqlx::query(&sql)
        .bind(login)
        .fetch_optional(state.db().pool())
        .await?;
    row.map(|r| Ok((user_of(&r)?, r.try_get(6)?))).transpose()
}

/// The account with `id`.
pub async fn find_by_id(state: &AppState, id: Uuid) -> Result<Option<User>, Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(state.db().pool())
        .await?;
    row.as_ref().map(user_of).transpose()
}

/// The account of a session, with the session's `(expires_ms, absolute_ms)`.
pub(crate) async fn session_user(
    state: &AppState,
    token_hash: &str,
) -> Result<Option<(User, u64, u64)>, Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.expires_ms, s.absolute_ms \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(state.db().pool())
        .await?;
    row.map(|r| {
        let expires: i64 = r.try_get(6)?;
        let absolute: i64 = r.try_get(7)?;
        Ok((user_of(&r)?, u(expires), u(absolute)))
    })
    .transpose()
}

/// The API view of `user`.
pub async fn view(state: &AppState, user: &User) -> Result<UserView, Error> {
    let units = org::unit_info(state.db(), user.unit).await?;
    let names = units.into_iter().map(|info| (user.unit, info)).collect();
    view_with(state, user, &names).await
}

async fn view_with(
    state: &AppState,
    user: &User,
    units: &BTreeMap<UnitId, UnitInfo>,
) -> Result<UserView, Error> {
    let district = state
        .district()
        .await?
        .ok_or_else(|| Error::Internal("no district".into()))?;
    Ok(UserView {
        id: user.id,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        unit_id: user.unit,
        unit_name: units
            .get(&user.unit)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        district_id: district,
        disabled: user.disabled,
    })
}

pub(crate) fn check_login(login: &str) -> Result<(), Error> {
    let ok = (3..=32).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(
            "login_invalid",
            "登录名需为3到32个字符，只能包含英文字母、数字、点、下划线和连字符。",
            "A login is 3 to 32 characters: letters, digits, '.', '_' and '-' only.",
        ))
    }
}

pub(crate) fn check_display_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 40 {
        return Err(Error::bad_request(
            "display_name_invalid",
            "请填写姓名（最多40个字）。",
            "Please enter a name (at most 40 characters).",
        ));
    }
    Ok(name.to_owned())
}

/// A new account, after every check. Used by the admin API, bootstrap and
/// the demo seed.
pub async fn insert_user(
    state: &AppState,
    login: &str,
    display_name: &str,
    role: Role,
    unit: UnitId,
    password: &str,
) -> Result<User, Error> {
    insert_user_with_id(
        state,
        Uuid::now_v7(),
        login,
        display_name,
        role,
        unit,
        password,
    )
    .await
}

/// [`insert_user`] with a chosen id.
pub async fn insert_user_with_id(
    state: &AppState,
    id: Uuid,
    login: &str,
    display_name: &str,
    role: Role,
    unit: UnitId,
    password: &str,
) -> Result<User, Error> {
    let login = normalize_login(login);
    check_login(&login)?;
    let display_name = check_display_name(display_name)?;
    auth::check_password_rules(password)?;
    let hash = auth::hash_password(password.to_owned()).await?;
    let user = User {
        id,
        login,
        display_name,
        role,
        unit,
        disabled: false,
    };
    let now = state.now_ms();
    let inserted = sqlx::query(
        "INSERT INTO users (id, login, password_hash, display_name, role, unit_id, disabled, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)",
    )
    .bind(user.id.to_string())
    .bind(&user.login)
    .bind(hash)
    .bind(&user.display_name)
    .bind(role_name(role))
    .bind(unit.to_string())
    .bind(i(now))
    .execute(state.db().pool())
    .await;
    match inserted {
        Ok(_) => Ok(user),
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Err(Error::conflict(
            "login_taken",
            format!("登录名“{}”已被使用，请换一个。", user.login),
            format!(
                "The login \"{}\" is already taken. Please choose another.",
                user.login
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Who may manage which account is a core rule, shared with the app's admin page.
pub use anyuan_core::auth::may_manage_account as may_manage;

fn require_admin(actor: &Actor) -> Result<(), Error> {
    if actor.role == Role::Staff {
        Err(Error::denied(
            "admins_only",
            "只有管理员可以管理账号。",
            "Only administrators can manage accounts.",
        ))
    } else {
        Ok(())
    }
}

fn not_yours() -> Error {
    Error::denied(
        "not_manageable",
        "学校管理员只能管理本单位的教职工账号。",
        "School administrators can only manage staff accounts of their own unit.",
    )
}

/// Checks that `role` fits `unit`: district admins belong to the district,
/// everyone else to a school or kindergarten.
async fn check_role_fits_unit(state: &AppState, role: Role, unit: UnitId) -> Result<(), Error> {
    let district = state
        .district()
        .await?
        .ok_or_else(|| Error::Internal("no district".into()))?;
    let info = org::unit_info(state.db(), unit).await?;
    if info.is_none_or(|u| u.deleted) {
        return Err(Error::bad_request(
            "unit_unknown",
            "找不到该单位。请先同步或创建单位，再创建账号。",
            "That unit does not exist. Sync or create the unit first, then the account.",
        ));
    }
    // The district is the unit bootstrap made; a unit record's `type` is
    // data (only the district admin may change it) and never trusted here.
    let is_district = unit == district;
    if (role == Role::DistrictAdmin) != is_district {
        return Err(Error::bad_request(
            "role_unit_mismatch",
            "区管理员账号必须属于区教育局，学校管理员和教职工账号必须属于学校或幼儿园。",
            "District administrators belong to the district; school administrators and staff to a school or kindergarten.",
        ));
    }
    Ok(())
}

/// `GET /api/admin/users` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserList {
    pub users: Vec<UserView>,
}

/// `GET /api/admin/users`: every account the caller may see, by login.
pub async fn list(State(state): State<AppState>, authed: Authed) -> Result<Json<UserList>, Error> {
    let actor = authed.actor;
    require_admin(&actor)?;
    let all = actor.role == Role::DistrictAdmin;
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u {} ORDER BY u.login",
        if all { "" } else { "WHERE u.unit_id = $1" }
    );
    let mut q = sqlx::query(&sql);
    if !all {
        q = q.bind(actor.unit.to_string());
    }
    let rows = q.fetch_all(state.db().pool()).await?;
    let units = org::all_units(state.db()).await?;
    let mut users = Vec::with_capacity(rows.len());
    for r in &rows {
        users.push(view_with(&state, &user_of(r)?, &units).await?);
    }
    Ok(Json(UserList { users }))
}

/// `POST /api/admin/users` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub password: String,
}

/// `POST /api/admin/users` → 201 and the new account.
pub async fn create(
    State(state): State<AppState>,
    authed: Authed,
    ApiJson(req): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<UserView>), Error> {
    let actor = authed.actor;
    require_admin(&actor)?;
    if !may_manage(&actor, req.role, req.unit_id) {
        return Err(not_yours());
    }
    check_role_fits_unit(&state, req.role, req.unit_id).await?;
    let user = insert_user(
        &state,
        &req.login,
        &req.display_name,
        req.role,
        req.unit_id,
        &req.password,
    )
    .await?;
    tracing::info!(by = %actor.user, login = %user.login, role = role_name(user.role), "account created");
    Ok((StatusCode::CREATED, Json(view(&state, &user).await?)))
}

/// The account `id` if the caller may manage it: 404 when they may not even
/// see it (another unit), 403 when they see but may not change it.
async fn manageable(state: &AppState, actor: &Actor, id: &str) -> Result<User, Error> {
    require_admin(actor)?;
    let id: Uuid = id.parse().map_err(|_| Error::NotFound)?;
    let user = find_by_id(state, id).await?.ok_or(Error::NotFound)?;
    if actor.role != Role::DistrictAdmin && user.unit != actor.unit {
        return Err(Error::NotFound);
    }
    if !may_manage(actor, user.role, user.unit) {
        return Err(not_yours());
    }
    Ok(user)
}

fn not_self(actor: &Actor, user: &User) -> Result<(), Error> {
    if actor.user == user.id {
        Err(Error::bad_request(
            "cannot_change_self",
            "不能停用自己的账号或更改自己的角色，请联系其他管理员。",
            "You cannot disable your own account or change your own role. Ask another administrator.",
        ))
    } else {
        Ok(())
    }
}

async fn end_sessions(state: &AppState, user: Uuid, keep: Option<&str>) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.to_string())
        .bind(keep.unwrap_or(""))
        .execute(state.db().pool())
        .await?;
    Ok(())
}

/// `POST /api/admin/users/{id}/password` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPassword {
    pub password: String,
}

/// `POST /api/admin/users/{id}/password` → 204. Ends the account's other
/// sessions.
pub async fn set_password(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SetPassword>,
) -> Result<StatusCode, Error> {
    let user = manageable(&state, &authed.actor, &id).await?;
    auth::check_password_rules(&req.password)?;
    let hash = auth::hash_password(req.password).await?;
    sqlx::query("UPDATE users SET password_hash = $1, updated_ms = $2 WHERE id = $3")
        .bind(hash)
        .bind(i(state.now_ms()))
        .bind(user.id.to_string())
        .execute(state.db().pool())
        .await?;
    end_sessions(&state, user.id, Some(&authed.token_hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_disabled(
    state: &AppState,
    authed: &Authed,
    id: &str,
    disabled: bool,
) -> Result<(), Error> {
    let user = manageable(state, &authed.actor, id).await?;
    not_self(&authed.actor, &user)?;
    sqlx::query("UPDATE users SET disabled = $1, updated_ms = $2 WHERE id = $3")
        .bind(i64::from(disabled))
        .bind(i(state.now_ms()))
        .bind(user.id.to_string())
        .execute(state.db().pool())
        .await?;
    if disabled {
        end_sessions(state, user.id, None).await?;
    }
    tracing::info!(by = %authed.actor.user, user = %user.login, disabled, "account (en|dis)abled");
    Ok(())
}

/// `POST /api/admin/users/{id}/disable` → 204. Ends all its sessions.
pub async fn disable(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    set_disabled(&state, &authed, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/admin/users/{id}/enable` → 204.
pub async fn enable(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    set_disabled(&state, &authed, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/admin/users/{id}/role` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetRole {
    pub role: Role,
}

/// `POST /api/admin/users/{id}/role` → the changed account. Takes effect on
/// the account's next request (roles are read per request).
pub async fn set_role(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SetRole>,
) -> Result<Json<UserView>, Error> {
    let mut user = manageable(&state, &authed.actor, &id).await?;
    not_self(&authed.actor, &user)?;
    if !may_manage(&authed.actor, req.role, user.unit) {
        return Err(not_yours());
    }
    check_role_fits_unit(&state, req.role, user.unit).await?;
    sqlx::query("UPDATE users SET role = $1, updated_ms = $2 WHERE id = $3")
        .bind(role_name(req.role))
        .bind(i(state.now_ms()))
        .bind(user.id.to_string())
        .execute(state.db().pool())
        .await?;
    user.role = req.role;
    Ok(Json(view(&state, &user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_match_the_core_serde_names() {
        for r in [Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff] {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(role_name(r).into())
            );
            assert_eq!(parse_role(role_name(r)), Some(r));
        }
        assert_eq!(parse_role("root"), None);
    }

    #[test]
    fn logins_are_normalised_and_checked() {
        assert_eq!(normalize_login("  Teacher1 "), "teacher1");
        assert!(check_login("teacher1").is_ok());
        assert!(check_login("li.ming_2-x").is_ok());
        assert!(check_login("ab").is_err());
        assert!(check_login("李明").is_err());
        assert!(check_login("a b c").is_err());
    }
}
