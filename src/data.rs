//! Reading the device's records for pages. Every function here tracks the
//! sync engine's data version, so a view that calls it updates by itself
//! when a save or a sync changes the data.

use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::sync::SyncCtx;

/// The record id in the current module path (`/drills/:id/run`,
/// `/duty/shifts/:id`: the first segment that is a record id).
pub(crate) fn route_id() -> Option<RecordId> {
    use_params_map().with_untracked(|p| {
        p.get(crate::routes::REST).and_then(|rest| {
            crate::routes::segments(&rest)
                .into_iter()
                .find_map(|s| uuid::Uuid::parse_str(s).ok())
                .map(RecordId)
        })
    })
}

/// The live records of `kind` under `parent` (tracked: changes with data).
pub(crate) fn children(sync: SyncCtx, kind: Kind, parent: RecordId) -> Vec<Record> {
    sync.status.data_version.track();
    sync.engine()
        .local
        .records_of(kind)
        .into_iter()
        .filter(|r| r.parent == Some(parent) && !r.is_deleted())
        .collect()
}

/// One record (tracked), `None` if unknown or deleted.
pub(crate) fn record(sync: SyncCtx, id: RecordId) -> Option<Record> {
    sync.status.data_version.track();
    sync.engine()
        .local
        .with(|r| r.record(id))
        .filter(|r| !r.is_deleted())
}

/// A class as pages need it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ClassInfo {
    pub id: RecordId,
    pub name: String,
    pub size: Option<i64>,
}

/// The live classes of a unit, sorted by grade then name (tracked).
pub(crate) fn classes_of(sync: SyncCtx, unit: anyuan_core::UnitId) -> Vec<ClassInfo> {
    sync.status.data_version.track();
    let mut rows: Vec<(String, ClassInfo)> = sync
        .engine()
        .local
        .records_of(Kind::Class)
        .into_iter()
        .filter(|r| r.unit == unit && !r.is_deleted())
        .map(|r| {
            let text = |f| anyuan_core::form::input_from_value(r.get(f));
            (
                text("grade"),
                ClassInfo {
                    id: r.id,
                    name: text("name"),
                    size: anyuan_core::drill::expected_of(&r),
                },
            )
        })
        .collect();
    anyuan_core::order::sort_by(&mut rows, |a, b| (&a.0, &a.1.name).cmp(&(&b.0, &b.1.name)));
    rows.into_iter().map(|(_, c)| c).collect()
}
