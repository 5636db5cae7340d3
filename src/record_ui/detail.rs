//! One registry record: its fields (concurrent edits marked), its workflow
//! moves for the signed-in role, its child records, edit and delete, and
//! its history (from the server online; the device's version offline).

use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId};
use anyuan_core::registry;
use anyuan_core::schema::Transition;
use anyuan_core::validate::{DELETED, format_date_time};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::Value;

use super::{Missing, due_badge, may_write, unit_name};
use crate::clock;
use crate::components::form::{SaveErrorView, save_fields};
use crate::components::history::RecordHistory;
use crate::data;
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::use_sync;

/// `/r/<slug>/<id>`.
#[component]
pub fn RecordDetail(kind: Kind, id: RecordId) -> impl IntoView {
    let sync = use_sync();
    let exists = Memo::new(move |_| data::record(sync, id).is_some_and(|r| r.kind == kind));
    move || {
        if exists.get() {
            view! { <Detail kind=kind id=id/> }.into_any()
        } else {
            view! { <Missing kind=kind/> }.into_any()
        }
    }
}

#[component]
fn Detail(kind: Kind, id: RecordId) -> AnyView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let l = kind.listing().expect("a registry kind");
    let rec = Memo::new(move |_| data::record(sync, id));
    // The record as last seen: a delete (here or synced in) swaps this page
    // for "not found", but closures may run once more before that.
    let Some(first) = rec.get_untracked() else {
        return view! { <Missing kind=kind/> }.into_any();
    };
    let last = StoredValue::new(first.clone());
    let get = move || {
        rec.get()
            .inspect(|r| last.set_value(r.clone()))
            .unwrap_or_else(|| last.get_value())
    };
    let unit = first.unit;
    let parent = first.parent;
    let editable = may_write(sync, kind, Some(&first));
    let role = sync.engine().session.user.role;
    let district = role == anyuan_core::Role::DistrictAdmin;
    let saved = super::take_saved(id);
    let today = clock::local_now().date();
    let error = RwSignal::new(None::<SaveError>);
    let note = RwSignal::new(None::<&'static str>);
    let slug = l.slug;

    // Workflow moves the role may make from the current state.
    let moves = Memo::new(move |_| {
        let r = get();
        let state = registry::state(&r).unwrap_or_default().to_owned();
        l.workflow
            .map(|w| w.moves_from(&state, role))
            .unwrap_or_default()
            .into_iter()
            .filter(|_| editable)
            .collect::<Vec<&'static Transition>>()
    });
    let make_move = move |m: &'static Transition| {
        let Some(w) = l.workflow else { return };
        let who = sync.engine().session.user.display_name.clone();
        let fields = anyuan_core::order::map_of([
            (w.field.to_owned(), Value::from(m.to)),
            (m.by_field.to_owned(), Value::from(who)),
            (
                m.at_field.to_owned(),
                Value::from(format_date_time(clock::local_now())),
            ),
        ]);
        leptos::task::spawn_local(async move {
            match save_fields(sync, kind, id, unit, parent, fields).await {
                Ok(()) => {
                    error.set(None);
                    note.set(Some(i18n.t().registry.moved));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Delete asks twice.
    let armed = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = move |_| {
        if !armed.get_untracked() {
            armed.set(true);
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let fields = anyuan_core::order::map_of([(DELETED.to_owned(), Value::Bool(true))]);
            match save_fields(sync, kind, id, unit, parent, fields).await {
                Ok(()) => navigate(&format!("/r/{slug}"), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let fields = move || {
        let r = get();
        let concurrent = r
            .concurrent_fields()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        kind.spec()
            .fields
            .iter()
            .filter(|f| r.get(f.name).is_some_and(|v| !v.is_null()))
            .map(|f| {
                let value = registry::display(&r, f.name, lang());
                let clash = concurrent.iter().any(|c| c == f.name);
                view! {
                    <div class="field-row" data-testid=format!("record-field-{}", f.name)>
                        <dt class="label">{lang().pick(f.zh, f.en)}</dt>
                        <dd>
                            {value}
                            {clash.then(|| view! {
                                " "<span class="badge badge-warn" data-testid="record-concurrent">{move || t().concurrent}</span>
                            })}
                        </dd>
                    </div>
                }
            })
            .collect_view()
    };
    let tracking = move || {
        (kind == Kind::Clue)
            .then(|| {
                get()
                    .get("tracking_no")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .flatten()
    };

    view! {
        <section class="page" data-testid="page-record" data-kind=kind.name()>
            <p><A href=format!("/r/{slug}") attr:class="muted">{move || l.title.pick(lang())}</A></p>
            <h1 class="page-title" data-testid="record-title">{move || registry::title(&get(), lang())}</h1>
            <crate::components::history::ConcurrentNote id=id/>
            {district.then(|| view! { <p class="page-subtitle">{unit_name(sync, unit)}</p> })}
            {saved.then(|| view! {
                <p class="banner banner-ok" role="status" data-testid="record-saved">{move || t().saved}</p>
            })}
            {move || tracking().map(|no| view! {
                <div class="card" data-testid="record-tracking">
                    <p>{move || t().tracking}</p>
                    <p class="big-number" data-testid="record-tracking-no">{no}</p>
                    <p class="muted">{move || t().tracking_note}</p>
                </div>
            })}
            <div class="card">
                <p>{move || due_badge(&get(), today)}
                   {move || sync.engine().local.with(|r| r.is_pending(id)).then(|| view! { <span class="badge badge-warn">{move || t().waiting}</span> })}
                </p>
                <dl class="fields">{fields}</dl>
            </div>
            {move || note.get().map(|n| view! { <p class="banner banner-ok" role="status">{n}</p> })}
            <SaveErrorView error=error/>
            {move || {
                let ms = moves.get();
                (!ms.is_empty()).then(|| view! {
                    <div class="form-actions" data-testid="record-moves">
                        {ms.into_iter().map(|m| view! {
                            <button class="btn btn-primary" data-testid=format!("record-move-{}", m.to) on:click=move |_| make_move(m)>
                                {move || m.label.pick(lang())}
                            </button>
                        }).collect_view()}
                    </div>
                })
            }}
            {l.children.iter().map(|&child| view! { <Children kind=child parent=id/> }).collect_view()}
            {editable.then(|| view! {
                <div class="form-actions">
                    <A href=format!("/r/{slug}/{id}/edit") attr:class="btn" attr:data-testid="record-edit">{move || t().edit}</A>
                    <button class="btn" data-testid="record-delete" on:click=delete>
                        {move || if armed.get() { t().delete_confirm } else { t().delete }}
                    </button>
                </div>
            })}
            <RecordHistory kind=kind id=id editable=editable/>
        </section>
    }
    .into_any()
}

/// A record's children of one kind, each with its columns, and an add
/// button for those who may write them.
#[component]
fn Children(kind: Kind, parent: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let l = kind.listing().expect("a registry kind");
    let rows = Memo::new(move |_| {
        let mut rows = data::children(sync, kind, parent);
        let mut refs: Vec<&Record> = rows.iter().collect();
        registry::sort(&mut refs, l, lang());
        let order: Vec<RecordId> = refs.iter().map(|r| r.id).collect();
        rows.sort_by_key(|r| order.iter().position(|o| *o == r.id));
        rows
    });
    let writable = may_write(sync, kind, None);
    view! {
        <section class="card" data-testid=format!("record-children-{}", kind.name())>
            <h2>{move || l.title.pick(lang())}</h2>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p class="muted">{move || t().children_none}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {list.into_iter().map(|r| {
                            let cols: Vec<String> = l.columns.iter().map(|f| registry::display(&r, f, lang())).filter(|v| !v.is_empty()).collect();
                            view! {
                                <li class="card row-card" data-testid="record-child">
                                    <div class="grow">
                                        <A href=format!("/r/{}/{}", l.slug, r.id)><strong>{registry::title(&r, lang())}</strong></A>
                                        <span class="muted">{cols.join(" · ")}</span>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {writable.then(|| view! {
                <A href=format!("/r/{}/new/{parent}", l.slug) attr:class="btn" attr:data-testid=format!("record-add-{}", kind.name())>
                    {move || t().children_add}
                </A>
            })}
        </section>
    }
}
