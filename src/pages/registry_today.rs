//! Today's registry section: records past or near their due date (a plan
//! to revise, a certificate expiring, a barrier not installed, a chemical
//! check) and what the unit must keep but lacks (a plan per drill kind, a
//! leader in charge and a liaison), for the people who can act on them.

use anyuan_core::kind::Kind;
use anyuan_core::registry;
use anyuan_core::schema::Standing;
use anyuan_core::timefmt;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::clock;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// One thing to act on.
#[derive(Clone, PartialEq)]
enum Item {
    Due {
        kind: Kind,
        href: String,
        title: String,
        standing: Standing,
        date: chrono::NaiveDate,
    },
    Missing {
        kind: Kind,
        codes: Vec<&'static str>,
    },
    /// For the district: the schools that miss some of a registry.
    Gaps { kind: Kind, schools: Vec<String> },
}

#[component]
pub fn RegistryToday() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().registry;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let (unit, role) = (user.unit_id, user.role);
    let items = Memo::new(move |_| {
        sync.status.data_version.track();
        let today = clock::local_now().date();
        let kinds: Vec<Kind> = registry::kinds()
            .filter(|k| {
                k.writable_by(role)
                    && k.listing()
                        .is_some_and(|l| l.due.is_some() || l.expect.is_some())
            })
            .collect();
        let records = sync.engine().local.records_of_kinds(&kinds);
        let mut out = Vec::new();
        if role == anyuan_core::Role::DistrictAdmin {
            // The district keeps no school ledger itself: it is told which
            // schools lack what.
            let schools = registry::schools(&sync.engine().local.records_of(Kind::Unit));
            for &kind in &kinds {
                let lacking = registry::lacking(kind, &records, &schools);
                if !lacking.is_empty() {
                    out.push(Item::Gaps {
                        kind,
                        schools: lacking,
                    });
                }
            }
            return out;
        }
        for &kind in &kinds {
            let l = kind.listing().expect("a registry kind");
            let mine = records
                .iter()
                .filter(|r| r.kind == kind && r.unit == unit && !r.is_deleted());
            for r in mine {
                if let Some((standing, date)) = registry::standing(r, today) {
                    out.push(Item::Due {
                        kind,
                        href: format!("/r/{}/{}", l.slug, r.id),
                        title: registry::title(r, lang()),
                        standing,
                        date,
                    });
                }
            }
            let codes = registry::missing(kind, &records, unit);
            if !codes.is_empty() {
                out.push(Item::Missing { kind, codes });
            }
        }
        out
    });
    move || {
        let list = items.get();
        (!list.is_empty()).then(|| view! {
            <ul class="cards" data-testid="today-registries">
                {list.into_iter().map(|item| match item {
                    Item::Due { kind, href, title, standing, date } => {
                        let overdue = standing == Standing::Overdue;
                        let what = kind.listing().and_then(|l| l.due).map(|d| d.what);
                        view! {
                            <li class="card row-card" data-testid="today-registry-due">
                                <div class="grow">
                                    <span class=if overdue { "badge badge-bad" } else { "badge badge-warn" }>
                                        {move || if overdue { t().overdue } else { t().due_soon }}
                                    </span>
                                    <strong>{title}</strong>
                                    <span class="muted">
                                        {move || what.map(|w| w.pick(lang())).unwrap_or_default()}" · "
                                        {move || t().due_on}{move || timefmt::date(lang(), date)}
                                    </span>
                                </div>
                                <A href=href attr:class="btn">{move || i18n.t().drill.open}</A>
                            </li>
                        }.into_any()
                    }
                    Item::Gaps { kind, schools } => {
                        let l = kind.listing().expect("a registry kind");
                        view! {
                            <li class="card row-card" data-testid="today-registry-gaps">
                                <div class="grow">
                                    <span class="badge badge-warn">{move || t().missing}</span>
                                    <strong>{move || l.title.pick(lang())}</strong>
                                    <span class="muted">{move || t().schools_lacking}{schools.join("、")}</span>
                                </div>
                                <A href=format!("/r/{}", l.slug) attr:class="btn">{move || i18n.t().drill.open}</A>
                            </li>
                        }.into_any()
                    }
                    Item::Missing { kind, codes } => {
                        let l = kind.listing().expect("a registry kind");
                        let field = l.expect.map_or("", |e| e.field);
                        view! {
                            <li class="card row-card" data-testid="today-registry-missing">
                                <div class="grow">
                                    <span class="badge badge-warn">{move || t().missing}</span>
                                    <strong>{move || l.title.pick(lang())}</strong>
                                    <span class="muted">
                                        {move || t().missing_in}
                                        {move || codes.iter().map(|c| registry::code_label(kind, field, c, lang())).collect::<Vec<_>>().join("、")}
                                    </span>
                                </div>
                                <A href=format!("/r/{}/new", l.slug) attr:class="btn">{move || t().new}</A>
                            </li>
                        }.into_any()
                    }
                }).collect_view()}
            </ul>
        })
    }
}
