//! The generic record pages: every registry (`anyuan_core::registry`) is
//! listed, shown, created, edited, moved through its workflow, exported and
//! given a history by these pages alone, from its kind's declaration. A new
//! registry needs no page here (see ARCHITECTURE.md, "Registries").
//!
//! Pages: [`list::Index`] (`/r`), [`list::RecordList`] (`/r/<slug>`),
//! [`form::RecordFormPage`] (`/r/<slug>/new`, `/r/<slug>/<id>/edit`),
//! [`detail::RecordDetail`] (`/r/<slug>/<id>`). One lazy module.

pub mod detail;
pub mod form;
pub mod list;

use anyuan_core::kind::Kind;
use anyuan_core::record::Record;
use anyuan_core::{Role, registry};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::sync::SyncCtx;

thread_local! {
    /// The record the form just saved, for its page's "saved" banner.
    static JUST_SAVED: std::cell::Cell<Option<anyuan_core::RecordId>> = const { std::cell::Cell::new(None) };
}

/// Remembers that the form saved `id` (its page says so once).
pub(crate) fn mark_saved(id: anyuan_core::RecordId) {
    JUST_SAVED.with(|c| c.set(Some(id)));
}

/// Whether `id` was just saved by the form (asked once: the mark is taken).
pub(crate) fn take_saved(id: anyuan_core::RecordId) -> bool {
    JUST_SAVED.with(|c| {
        let hit = c.get() == Some(id);
        if hit {
            c.set(None);
        }
        hit
    })
}

/// Whether the signed-in user may change `record` (or create one of its
/// kind when `None`): the kind's writers, and for confidential kinds, staff
/// only their own. The same rule the server applies.
pub(crate) fn may_write(sync: SyncCtx, kind: Kind, record: Option<&Record>) -> bool {
    let user = &sync.engine().session.user;
    if !kind.writable_by(user.role) {
        return false;
    }
    match record {
        Some(r) if registry::locked(r, user.role) => false,
        Some(r) if kind.is_confidential() && user.role != Role::DistrictAdmin => {
            // Only one's own: the author, or a record this device made that
            // has not come back from the server yet (no author known).
            r.author == Some(user.id) || (r.author.is_none() && r.received_ms.is_none())
        }
        Some(r) => user.role == Role::DistrictAdmin || r.unit == user.unit_id,
        None => true,
    }
}

/// The live records of `kind` on this device (tracked).
pub(crate) fn records_of(sync: SyncCtx, kind: Kind) -> Vec<Record> {
    sync.status.data_version.track();
    sync.engine()
        .local
        .records_of(kind)
        .into_iter()
        .filter(|r| !r.is_deleted())
        .collect()
}

/// The names of the units on this device, for the district's lists.
pub(crate) fn unit_name(sync: SyncCtx, unit: anyuan_core::UnitId) -> String {
    sync.engine()
        .local
        .with(|r| r.record(anyuan_core::RecordId(unit.0)))
        .map(|u| anyuan_core::form::input_from_value(u.get("name")))
        .unwrap_or_default()
}

/// The page shown for a record that is not here (deleted, not readable,
/// not synced yet): says so and links back to its list.
#[component]
pub(crate) fn Missing(kind: Kind) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let slug = kind.listing().map_or("", |l| l.slug);
    view! {
        <section class="page" data-testid="record-missing">
            <h1 class="page-title">{move || kind.listing().map_or("", |l| l.title.pick(i18n.lang.get()))}</h1>
            <p>{move || t().not_found}</p>
            <A href=format!("/r/{slug}") attr:class="btn btn-primary">{move || t().back}</A>
        </section>
    }
}

/// The badge of a record's due date, if it is due soon or overdue.
pub(crate) fn due_badge(record: &Record, today: chrono::NaiveDate) -> Option<AnyView> {
    let (standing, date) = registry::standing(record, today)?;
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let (word, class): (
        fn(&'static crate::i18n::registry::RegistryStrings) -> &'static str,
        _,
    ) = match standing {
        anyuan_core::schema::Standing::Overdue => (|t| t.overdue, "badge badge-bad"),
        anyuan_core::schema::Standing::DueSoon => (|t| t.due_soon, "badge badge-warn"),
    };
    Some(
        view! {
            <span class=class data-testid="record-due">
                {move || word(t())}" · "{move || anyuan_core::timefmt::date(i18n.lang.get(), date)}
            </span>
        }
        .into_any(),
    )
}
