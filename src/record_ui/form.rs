//! A registry record's form: the kind's fields that the form offers (not
//! the app's fills, not the workflow's), checked as the user types with the
//! core's rules, kept as a draft, saved on the device.

use std::collections::BTreeMap;

use anyuan_core::kind::Kind;
use anyuan_core::record::RecordId;
use anyuan_core::registry;
use anyuan_core::schema::Fill;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::{Missing, may_write};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView, draft_key};
use crate::data;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// `/r/<slug>/new`, `/r/<slug>/new/<parent id>` (a child kind) and
/// `/r/<slug>/<id>/edit`.
#[component]
pub fn RecordFormPage(kind: Kind, id: Option<RecordId>, parent: Option<RecordId>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let sync = use_sync();
    let existing = id.and_then(|id| {
        sync.engine()
            .local
            .with(|r| r.record(id))
            .filter(|r| !r.is_deleted())
    });
    if id.is_some() && existing.is_none() {
        return view! { <Missing kind=kind/> }.into_any();
    }
    let l = kind.listing().expect("a registry kind");
    let back = format!("/r/{}", l.slug);
    if !may_write(sync, kind, existing.as_ref()) {
        return view! {
            <section class="page" data-testid="record-not-allowed">
                <h1 class="page-title">{move || l.title.pick(i18n.lang.get())}</h1>
                <p>{move || t().not_allowed}</p>
                <A href=back attr:class="btn btn-primary">{move || t().back}</A>
            </section>
        }
        .into_any();
    }
    let parent = existing.as_ref().and_then(|r| r.parent).or(parent);
    let parent_record = parent.and_then(|p| data::record(sync, p));
    if kind.parent().is_some() && parent_record.is_none() && existing.is_none() {
        return view! {
            <section class="page" data-testid="record-parent-missing">
                <h1 class="page-title">{move || l.title.pick(i18n.lang.get())}</h1>
                <p>{move || t().parent_missing}</p>
                <A href=back attr:class="btn btn-primary">{move || t().back}</A>
            </section>
        }
        .into_any();
    }
    let user = sync.engine().session.user.clone();
    let unit = existing
        .as_ref()
        .map(|r| r.unit)
        .or(parent_record.as_ref().map(|p| p.unit))
        .unwrap_or(user.unit_id);
    let fields: Vec<&'static str> = kind
        .spec()
        .fields
        .iter()
        .map(|f| f.name)
        .filter(|f| l.in_form(f))
        .collect();
    let form = FormState::new(
        kind,
        &fields,
        existing.as_ref(),
        &[],
        Some(draft_key(kind.name(), id)),
    );
    let creating = existing.is_none();
    let parent_page = parent_record.as_ref().and_then(|p| {
        p.kind
            .listing()
            .map(|pl| format!("/r/{}/{}", pl.slug, p.id))
    });
    let navigate = use_navigate();
    let slug = l.slug;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut extra: BTreeMap<String, Value> = BTreeMap::new();
        if creating {
            let engine = sync.engine();
            for (field, fill) in l.fills {
                let value = match fill {
                    Fill::Me => engine.session.user.display_name.clone(),
                    Fill::Tracking => registry::tracking_number(
                        clock::local_now().date(),
                        engine.local.with(|r| r.device()),
                        uuid::Uuid::now_v7(),
                    ),
                };
                extra.insert((*field).to_owned(), Value::from(value));
            }
            if let Some(w) = l.workflow {
                extra.insert(w.field.to_owned(), Value::from(w.start));
            }
        }
        let navigate = navigate.clone();
        let parent_page = parent_page.clone();
        leptos::task::spawn_local(async move {
            if let Some(id) = form.save(unit, parent, extra).await {
                let to = match (creating, parent_page) {
                    (true, Some(page)) if kind.parent().is_some() => page,
                    (true, _) => {
                        super::mark_saved(id);
                        format!("/r/{slug}/{id}")
                    }
                    (false, _) => format!("/r/{slug}/{id}"),
                };
                navigate(&to, Default::default());
            }
        });
    };
    view! {
        <section class="page" data-testid="page-record-form" data-kind=kind.name()>
            <h1 class="page-title">
                {move || l.title.pick(i18n.lang.get())}" · "
                {move || if creating { t().new } else { t().edit }}
            </h1>
            <p class="page-subtitle">{move || l.about.pick(i18n.lang.get())}</p>
            <form class="card form" on:submit=submit novalidate data-testid="record-form">
                {fields.iter().map(|f| view! { <Field form=form field=f/> }).collect_view()}
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="record-save"/>
            </form>
        </section>
    }
    .into_any()
}
