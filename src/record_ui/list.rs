//! The registries page and one registry's list: search, filters with
//! counts, the listing's order and columns, due badges, and the exports.

use std::collections::BTreeMap;

use anyuan_core::export::ReportParams;
use anyuan_core::kind::Kind;
use anyuan_core::record::Record;
use anyuan_core::schema::{Group, Standing};
use anyuan_core::validate::{Rule, field_spec};
use anyuan_core::{Role, registry};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{due_badge, may_write, records_of, unit_name};
use crate::clock;
use crate::components::export::ExportButtons;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// `/r`: every registry by group, with its count, overdue items and what
/// the unit still lacks.
#[component]
pub fn Index() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let unit = user.unit_id;
    let district = user.role == Role::DistrictAdmin;
    let today = clock::local_now().date();
    view! {
        <section class="page" data-testid="page-registries">
            <h1 class="page-title">{move || t().index_title}</h1>
            <p class="page-subtitle">{move || t().index_about}</p>
            {Group::ALL.into_iter().map(|group| {
                let kinds: Vec<Kind> = registry::kinds()
                    .filter(|k| k.parent().is_none())
                    .filter(|k| k.listing().is_some_and(|l| l.group == group))
                    .collect();
                view! {
                    <section class="card">
                        <h2>{move || group.title().pick(lang())}</h2>
                        <ul class="cards">
                            {kinds.into_iter().map(|kind| {
                                let l = kind.listing().expect("a registry kind");
                                let stats = Memo::new(move |_| {
                                    let rows = records_of(sync, kind);
                                    let overdue = rows
                                        .iter()
                                        .filter(|r| matches!(registry::standing(r, today), Some((Standing::Overdue, _))))
                                        .count();
                                    // A school is told what it lacks; the district,
                                    // which schools lack something.
                                    let missing = if district {
                                        let schools = registry::schools(&records_of(sync, Kind::Unit));
                                        registry::lacking(kind, &rows, &schools)
                                    } else {
                                        let field = kind.listing().and_then(|l| l.expect).map_or("", |e| e.field);
                                        registry::missing(kind, &rows, unit)
                                            .into_iter()
                                            .map(|c| registry::code_label(kind, field, c, lang()))
                                            .collect()
                                    };
                                    (rows.len(), overdue, missing)
                                });
                                view! {
                                    <li class="card row-card" data-testid="registry-item" data-slug=l.slug>
                                        <div class="grow">
                                            <A href=format!("/r/{}", l.slug) attr:data-testid=format!("registry-{}", l.slug)>
                                                <strong>{move || l.title.pick(lang())}</strong>
                                            </A>
                                            <span class="muted">{move || l.about.pick(lang())}</span>
                                            <span>
                                                <span class="badge">{move || t().count.replace("{n}", &stats.with(|s| s.0).to_string())}</span>
                                                {move || (stats.with(|s| s.1) > 0).then(|| view! {
                                                    " "<span class="badge badge-bad">{move || format!("{} {}", t().overdue, stats.with(|s| s.1))}</span>
                                                })}
                                                {move || {
                                                    let missing = stats.with(|s| s.2.clone());
                                                    (!missing.is_empty() && user_may_see_gaps(kind)).then(|| {
                                                        let lead = if district { t().schools_lacking } else { t().missing_in };
                                                        view! { " "<span class="badge badge-warn" data-testid="registry-missing">{format!("{lead}{}", missing.join("、"))}</span> }
                                                    })
                                                }}
                                            </span>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view()}
        </section>
    }
}

/// Gaps in what a unit must keep are for the people who can fill them.
fn user_may_see_gaps(kind: Kind) -> bool {
    let sync = use_sync();
    kind.writable_by(sync.engine().session.user.role)
}

/// `/r/<slug>`: one registry's records.
#[component]
pub fn RecordList(kind: Kind) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let l = kind.listing().expect("a registry kind");
    let role = sync.engine().session.user.role;
    let today = clock::local_now().date();
    let query = RwSignal::new(String::new());
    let filters = RwSignal::new(BTreeMap::<&'static str, String>::new());
    let all = Memo::new(move |_| records_of(sync, kind));
    let shown = Memo::new(move |_| {
        let lang = lang();
        let q = query.get();
        let f = filters.get();
        all.with(|rows| {
            let mut keep: Vec<&Record> = rows
                .iter()
                .filter(|r| registry::matches(r, &q, lang))
                .filter(|r| f.iter().all(|(field, code)| value_code(r, field) == *code))
                .collect();
            registry::sort(&mut keep, l, lang);
            keep.into_iter().cloned().collect::<Vec<_>>()
        })
    });
    let many_units = role == Role::DistrictAdmin;
    let writable = may_write(sync, kind, None) && kind.parent().is_none();
    let confidential_staff = kind.is_confidential() && role == Role::Staff;
    view! {
        <section class="page" data-testid="page-record-list" data-kind=kind.name()>
            <h1 class="page-title">{move || l.title.pick(lang())}</h1>
            <p class="page-subtitle">{move || l.about.pick(lang())}</p>
            {confidential_staff.then(|| view! { <p class="banner" data-testid="record-own-only">{move || t().own_only}</p> })}
            <div class="card form">
                <label class="field">
                    <span class="label">{move || t().search}</span>
                    <input type="search" data-testid="record-search" placeholder=move || t().search_hint
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                </label>
                {l.filters.iter().map(|&field| view! { <FilterChips kind=kind field=field all=all filters=filters/> }).collect_view()}
            </div>
            {move || {
                let rows = shown.get();
                if rows.is_empty() {
                    let empty = all.with(Vec::is_empty);
                    return view! {
                        <div class="empty-state" data-testid="record-empty">
                            <p class="empty-title">{move || if empty { t().none } else { t().none_match }}</p>
                            <p class="muted">{move || if writable { t().none_hint_writer } else { t().none_hint_reader }}</p>
                        </div>
                    }.into_any();
                }
                view! {
                    <ul class="cards" data-testid="record-list">
                        {rows.into_iter().map(|r| {
                            let id = r.id;
                            let title = registry::title(&r, lang());
                            let details: Vec<String> = l.columns.iter()
                                .filter_map(|f| {
                                    let v = registry::display(&r, f, lang());
                                    let label = field_spec(kind, f).map(|s| lang().pick(s.zh, s.en)).unwrap_or_default();
                                    (!v.is_empty()).then(|| format!("{label}：{v}"))
                                })
                                .collect();
                            let unit = many_units.then(|| unit_name(sync, r.unit));
                            let badge = due_badge(&r, today);
                            let pending = sync.engine().local.with(|x| x.is_pending(id));
                            view! {
                                <li class="card row-card" data-testid="record-item">
                                    <div class="grow">
                                        <A href=format!("/r/{}/{id}", l.slug) attr:data-testid="record-open"><strong>{title}</strong></A>
                                        {unit.map(|u| view! { <span class="badge badge-muted">{u}</span> })}
                                        {badge}
                                        {pending.then(|| view! { <span class="badge badge-warn">{move || t().waiting}</span> })}
                                        <span class="muted">{details.join(" · ")}</span>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {if writable {
                view! {
                    <div class="primary-action">
                        <A href=format!("/r/{}/new", l.slug) attr:class="btn btn-primary btn-block" attr:data-testid="record-new">
                            {move || if kind == Kind::Clue { t().new_clue } else { t().new }}
                        </A>
                    </div>
                }.into_any()
            } else {
                view! { <p class="muted" data-testid="record-read-only">{move || t().read_only}</p> }.into_any()
            }}
            <ExportButtons name=l.slug params=ReportParams::default()/>
        </section>
    }
}

/// The stored code of a choice or boolean field, as text.
fn value_code(r: &Record, field: &str) -> String {
    match r.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// One filter: "all" and each choice with how many records have it.
#[component]
fn FilterChips(
    kind: Kind,
    field: &'static str,
    all: Memo<Vec<Record>>,
    filters: RwSignal<BTreeMap<&'static str, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang.get();
    let Some(spec) = field_spec(kind, field) else {
        return ().into_any();
    };
    let codes: Vec<(&'static str, &'static str, &'static str)> = match spec.rule {
        Rule::Choice(cs) => cs.iter().map(|c| (c.code, c.zh, c.en)).collect(),
        _ => vec![("true", "是", "Yes"), ("false", "否", "No")],
    };
    let chosen = move || filters.with(|f| f.get(field).cloned());
    let set = move |code: Option<&'static str>| {
        filters.update(|f| {
            match code {
                Some(c) => f.insert(field, c.to_owned()),
                None => f.remove(field),
            };
        })
    };
    view! {
        <div class="choices" role="group" aria-label=move || lang().pick(spec.zh, spec.en) data-testid=format!("record-filter-{field}")>
            <span class="label">{move || lang().pick(spec.zh, spec.en)}</span>
            <button type="button" class="btn choice" aria-pressed=move || chosen().is_none().to_string()
                on:click=move |_| set(None)>{move || i18n.t().registry.filter_all}</button>
            {codes.into_iter().map(|(code, zh, en)| {
                let count = move || all.with(|rows| rows.iter().filter(|r| value_code(r, field) == code).count());
                view! {
                    <button type="button" class="btn choice" data-code=code
                        aria-pressed=move || (chosen().as_deref() == Some(code)).to_string()
                        on:click=move |_| set(Some(code))>
                        {move || format!("{} {}", lang().pick(zh, en), count())}
                    </button>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}
