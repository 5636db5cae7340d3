//! `GET /api/openapi.json`: a hand-written OpenAPI 3.1 description of the
//! API. Hand-written `serde_json` rather than a derive crate: it costs no
//! compile time, and a test checks that it documents exactly the routes of
//! [`crate::routes::api`] and that every `$ref` resolves.

use axum::Json;
use serde_json::{Value, json};

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn body(name: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema(name) } } })
}

fn ok(description: &str, name: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema(name) } } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema("Error") } } })
}

/// The responses every signed-in endpoint may give besides its own.
fn with_common(mut responses: Value, signed_in: bool) -> Value {
    let map = responses.as_object_mut().expect("an object");
    map.insert(
        "400".into(),
        error("Malformed request (code `bad_json` and others)"),
    );
    if signed_in {
        map.insert("401".into(), error("No valid session: sign in again"));
    }
    map.insert(
        "413".into(),
        error("Body larger than 8 MiB after decompression"),
    );
    map.insert("500".into(), error("Server error; nothing was changed"));
    map.insert(
        "503".into(),
        json!({ "description": "Overloaded; retry after `Retry-After` seconds", "headers": { "Retry-After": { "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": schema("Error") } } }),
    );
    responses
}

fn op(
    summary: &str,
    description: &str,
    signed_in: bool,
    request: Option<&str>,
    responses: Value,
) -> Value {
    let mut o = json!({
        "summary": summary,
        "description": description,
        "responses": with_common(responses, signed_in),
    });
    if let Some(r) = request {
        o["requestBody"] = body(r);
    }
    if signed_in {
        o["security"] = json!([{ "bearer": [] }]);
    } else {
        o["security"] = json!([]);
    }
    o
}

fn user_op(summary: &str, description: &str, request: Option<&str>, success: Value) -> Value {
    let mut o = op(summary, description, true, request, success);
    o["parameters"] = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
    let r = o["responses"].as_object_mut().expect("an object");
    r.insert(
        "403".into(),
        error("The caller may not manage this account"),
    );
    r.insert(
        "404".into(),
        error("No such account, or one of another unit"),
    );
    o
}

fn schemas() -> Value {
    let stamp = json!({ "type": "string", "pattern": "^[0-9]{15}-[0-9]{10}-[0-9a-f]{16}$", "description": "HLC stamp: ms-counter-device; string order = stamp order" });
    let uuid = json!({ "type": "string", "format": "uuid" });
    let kind = json!({ "type": "string", "enum": anyuan_core::Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>() });
    let role = json!({ "type": "string", "enum": ["district_admin", "school_admin", "staff"] });
    let mut all = serde_json::Map::new();
    let part = json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "zh", "en"], "properties": {
                "code": { "type": "string" }, "zh": { "type": "string" }, "en": { "type": "string" } } } }
        },
        "Stamp": stamp,
        "Uuid": uuid,
        "Kind": kind,
        "Role": role,
        "Cursor": { "type": "string", "pattern": "^[0-9]+$", "description": "Opaque position; a decimal string" }
    });
    all.extend(part.as_object().cloned().unwrap_or_default());
    let part = json!({
        "DeviceId": { "type": "string", "pattern": "^[0-9a-f]{16}$" },
        "Health": { "type": "object", "properties": { "status": { "type": "string" }, "database": { "type": "string", "enum": ["sqlite", "postgres"] }, "version": { "type": "string" } } },
        "LoginRequest": { "type": "object", "required": ["login", "password"], "properties": { "login": { "type": "string" }, "password": { "type": "string" } } },
        "LoginResponse": { "type": "object", "required": ["token", "expires_ms", "user"], "properties": {
            "token": { "type": "string", "description": "Bearer token (256 bits, hex); shown only once" },
            "expires_ms": { "type": "integer", "description": "Session end unless used; slides on use up to 90 days" },
            "user": schema("User") } },
        "User": { "type": "object", "required": ["id", "login", "display_name", "role", "unit_id", "unit_name", "district_id", "disabled"], "properties": {
            "id": schema("Uuid"), "login": { "type": "string" }, "display_name": { "type": "string" }, "role": schema("Role"),
            "unit_id": schema("Uuid"), "unit_name": { "type": "string" }, "district_id": schema("Uuid"), "disabled": { "type": "boolean" } } },
        "UserList": { "type": "object", "required": ["users"], "properties": { "users": { "type": "array", "items": schema("User") } } }
    });
    all.extend(part.as_object().cloned().unwrap_or_default());
    let part = json!({
        "CreateUser": { "type": "object", "required": ["login", "display_name", "role", "unit_id", "password"], "properties": {
            "login": { "type": "string", "pattern": "^[a-zA-Z0-9._-]{3,32}$" }, "display_name": { "type": "string", "maxLength": 40 },
            "role": schema("Role"), "unit_id": schema("Uuid"), "password": { "type": "string", "minLength": 8 } } },
        "SetPassword": { "type": "object", "required": ["password"], "properties": { "password": { "type": "string", "minLength": 8 } } },
        "SetRole": { "type": "object", "required": ["role"], "properties": { "role": schema("Role") } },
        "FieldWriteV1": { "type": "object", "required": ["v"], "properties": { "v": {}, "seen": schema("Stamp") } },
        "ChangeV1": { "type": "object", "required": ["id", "rec", "kind", "unit", "at", "f"], "properties": {
            "id": schema("Uuid"), "rec": schema("Uuid"), "kind": schema("Kind"), "unit": schema("Uuid"), "parent": schema("Uuid"),
            "at": schema("Stamp"), "f": { "type": "object", "additionalProperties": schema("FieldWriteV1") } } },
        "PushRequestV1": { "type": "object", "required": ["device", "changes"], "properties": {
            "device": schema("DeviceId"), "changes": { "type": "array", "maxItems": crate::sync::MAX_PUSH_CHANGES, "items": schema("ChangeV1") } } }
    });
    all.extend(part.as_object().cloned().unwrap_or_default());
    let part = json!({
        "Refusal": { "type": "object", "required": ["code", "zh", "en"], "properties": {
            "code": { "type": "string", "enum": ["role_not_allowed", "out_of_scope", "immutable", "parent_missing", "invalid", "malformed", "too_large"] },
            "field": { "type": "string" }, "zh": { "type": "string" }, "en": { "type": "string" },
            "problems": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "code": { "type": "string" }, "zh": { "type": "string" }, "en": { "type": "string" } } } } } },
        "PushResultV1": { "oneOf": [
            { "type": "object", "required": ["r", "change", "at", "seq"], "properties": { "r": { "enum": ["accepted", "duplicate"] }, "change": schema("Uuid"), "at": schema("Stamp"), "seq": { "type": "integer" } } },
            { "type": "object", "required": ["r", "change", "reason"], "properties": { "r": { "const": "refused" }, "change": schema("Uuid"), "reason": schema("Refusal") } } ] },
        "PushResponseV1": { "type": "object", "required": ["results"], "properties": { "results": { "type": "array", "items": schema("PushResultV1") } } },
        "PullRequestV1": { "type": "object", "required": ["limit"], "properties": { "cursor": schema("Cursor"), "limit": { "type": "integer", "minimum": 0, "description": "Capped to 1..=1000" } } },
        "FieldV1": { "type": "object", "required": ["v", "at"], "properties": { "v": {}, "at": schema("Stamp"), "seen": schema("Stamp"), "beat": schema("Stamp") } },
        "RecordV1": { "type": "object", "required": ["id", "kind", "unit", "f"], "properties": {
            "id": schema("Uuid"), "kind": schema("Kind"), "unit": schema("Uuid"), "parent": schema("Uuid"),
            "f": { "type": "object", "additionalProperties": schema("FieldV1") },
            "rcv": { "type": "integer", "description": "The server's wall clock (ms since the Unix epoch) when it accepted the record's first change" } } }
    });
    all.extend(part.as_object().cloned().unwrap_or_default());
    let part = json!({
        "PullResponseV1": { "type": "object", "required": ["records", "more", "server_time_ms"], "properties": {
            "records": { "type": "array", "items": schema("RecordV1") }, "next_cursor": schema("Cursor"),
            "more": { "type": "boolean" }, "server_time_ms": { "type": "integer" } } },
        "HistoryEntry": { "type": "object", "required": ["seq", "change", "record", "kind", "unit", "author", "role", "device", "stamp", "fields", "server_ms"], "properties": {
            "seq": { "type": "integer" }, "change": schema("Uuid"), "record": schema("Uuid"), "kind": schema("Kind"), "unit": schema("Uuid"),
            "parent": schema("Uuid"), "author": schema("Uuid"), "author_name": { "type": "string" }, "role": schema("Role"), "device": schema("DeviceId"),
            "stamp": schema("Stamp"), "pushed_stamp": schema("Stamp"),
            "fields": { "type": "object", "additionalProperties": schema("FieldWriteV1") }, "server_ms": { "type": "integer" } } },
        "History": { "type": "object", "required": ["entries"], "properties": { "entries": { "type": "array", "items": schema("HistoryEntry") } } }
    });
    all.extend(part.as_object().cloned().unwrap_or_default());
    Value::Object(all)
}

/// `GET /api/export/{report}`: a file, not JSON, on success.
fn export_op() -> Value {
    let reports: Vec<&str> = anyuan_core::export::all_reports().map(|r| r.name).collect();
    let query = |name: &str, description: &str, schema: Value| json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema });
    json!({
        "summary": "Export a report",
        "description": "A report as a file with Chinese (or English) headers: CSV (UTF-8 with BOM, CRLF, RFC 4180; formula-like text prefixed with an apostrophe) or xlsx (bold header row, dates as dates). Only records the caller may read are included. `Content-Disposition` names the file in UTF-8 (`filename*`, e.g. 班级名单-2026-11-28.xlsx) with an ASCII `filename` fallback.",
        "security": [{ "bearer": [] }],
        "parameters": [
            { "name": "report", "in": "path", "required": true, "schema": { "type": "string", "enum": reports } },
            { "name": "format", "in": "query", "required": true, "schema": { "type": "string", "enum": ["csv", "xlsx"] } },
            query("id", "The record, for reports of one record", schema("Uuid")),
            query("term", "A school term, `2026-1` or `2026-2`", json!({ "type": "string", "pattern": "^[0-9]{4}-[12]$" })),
            query("unit", "Only this unit's records (default: every unit the caller may read)", schema("Uuid")),
            query("lang", "Language of title and headers (default `zh-CN`)", json!({ "type": "string", "enum": ["zh-CN", "en"] }))
        ],
        "responses": with_common(json!({
            "200": { "description": "The file", "headers": { "Content-Disposition": { "schema": { "type": "string" } } },
                "content": {
                    "text/csv": { "schema": { "type": "string" } },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } },
            "403": error("`unit` names a unit whose records the caller may not read (`export_out_of_scope`)"),
            "404": error("No such report (`unknown_report`), or the requested record is not there (`export_record_not_found`)")
        }), true)
    })
}

/// The document.
pub fn spec() -> Value {
    let no_content = |d: &str| json!({ "204": { "description": d } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Anyuan (安园) API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sync and administration API of the Anyuan campus-safety PWA. Errors are `{\"error\": {\"code\", \"zh\", \"en\"}}`. Request bodies may be gzip-compressed (`Content-Encoding: gzip`); responses are compressed when the client accepts it."
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "The token from `POST /api/auth/login`" } },
            "schemas": schemas()
        },
        "paths": {
            "/api/health": { "get": op("Health check", "The server is up and its database answers.", false, None, json!({ "200": ok("Healthy", "Health") })) },
            "/api/openapi.json": { "get": op("This document", "The OpenAPI 3.1 description of the API.", false, None, json!({ "200": { "description": "The document", "content": { "application/json": {} } } })) },
            "/api/auth/login": { "post": op("Sign in", "Checks login and password and starts a session. Failed sign-ins are limited per account (5 per 15 minutes) and per client address (20): over the limit the answer is 429 with `Retry-After`.", false, Some("LoginRequest"), json!({
                "200": ok("Signed in", "LoginResponse"),
                "401": error("Wrong login or password (`bad_credentials`)"),
                "403": error("The account is disabled (`account_disabled`)"),
                "429": { "description": "Too many failed sign-ins", "headers": { "Retry-After": { "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": schema("Error") } } } })) },
            "/api/auth/logout": { "post": op("Sign out", "Ends the calling session.", true, None, no_content("Signed out")) },
            "/api/auth/me": { "get": op("The signed-in user", "The account of the calling session.", true, None, json!({ "200": ok("The user", "User") })) },
            "/api/admin/users": {
                "get": op("List accounts", "District admins see every account, school admins those of their unit; staff get 403.", true, None, json!({ "200": ok("Accounts by login", "UserList"), "403": error("Staff manage no accounts") })),
                "post": op("Create an account", "District admins create any account (district admins in the district unit, others in a school or kindergarten); school admins create staff accounts of their own unit.", true, Some("CreateUser"), json!({ "201": ok("Created", "User"), "403": error("Not allowed for this role or unit"), "409": error("Login taken (`login_taken`)") }))
            },
            "/api/admin/users/{id}/password": { "post": user_op("Set a password", "Sets a new password (at least 8 characters) and ends the account's other sessions.", Some("SetPassword"), no_content("Password set")) },
            "/api/admin/users/{id}/disable": { "post": user_op("Disable an account", "The account can no longer sign in; its sessions end at once. Not for one's own account.", None, no_content("Disabled")) },
            "/api/admin/users/{id}/enable": { "post": user_op("Enable an account", "The account can sign in again.", None, no_content("Enabled")) },
            "/api/admin/users/{id}/role": { "post": user_op("Change a role", "District admins only (school admins may only keep staff as staff). Not for one's own account.", Some("SetRole"), json!({ "200": ok("The changed account", "User") })) },
            "/api/sync/push": { "post": op("Push changes", "Applies a batch of changes in one transaction. Every change gets a result in order: accepted (with the stamp to adopt and its log seq), duplicate (already applied: nothing changed) or refused (with the reason in Chinese and English; nothing changed).", true, Some("PushRequestV1"), json!({ "200": ok("One result per change", "PushResponseV1") })) },
            "/api/sync/pull": { "post": op("Pull records", "Records changed after the cursor that the caller may read, each in its full current state, in update order. Repeat with `next_cursor` while `more`.", true, Some("PullRequestV1"), json!({ "200": ok("One page", "PullResponseV1") })) },
            "/api/sync/history/{id}": { "get": {
                "summary": "A record's history",
                "description": "Every accepted change of a record the caller may read, oldest first, including writes that lost the merge: who, when, which device, what.",
                "security": [{ "bearer": [] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": with_common(json!({ "200": ok("The history", "History"), "404": error("No such record, or not readable by the caller") }), true)
            } },
            "/api/export/{report}": { "get": export_op() }
        }
    })
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(spec())
}
