//! The lessons page: what is missing first, the teacher's hours due and
//! lessons, the four in place (四落实) per class and for the school, and
//! exports.

use std::collections::BTreeSet;

use anyuan_core::export::ReportParams;
use anyuan_core::lesson::{
    self, ClassFour, Lesson, LessonData, Missing, SchoolFour, class_four, school_four,
    sort_by_gaps, theme_label,
};
use anyuan_core::record::RecordId;
use anyuan_core::{Role, Term, UnitId, timefmt};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{course_label, form_label, lesson_data, percent};
use crate::clock;
use crate::components::export::ExportButtons;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// Who is looking decides which classes the page covers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// A teacher: their classes and lessons.
    Teacher,
    /// A school admin: every class of the unit.
    School,
    /// The district: every class of every school.
    District,
}

/// The classes the page covers, four in place each, by grade and name.
fn fours(d: &LessonData, view: View, me: uuid::Uuid, unit: UnitId, term: Term) -> Vec<ClassFour> {
    match view {
        View::Teacher => lesson::my_classes(d, me, term)
            .iter()
            .map(|c| class_four(d, c.id, term))
            .collect(),
        View::School => school_four(d, unit, term).classes,
        View::District => {
            let units: BTreeSet<UnitId> =
                anyuan_core::order::set_of(d.classes.values().map(|c| c.unit));
            units
                .into_iter()
                .flat_map(|u| school_four(d, u, term).classes)
                .collect()
        }
    }
}

#[component]
pub fn LessonList() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let (me, unit) = (user.id, user.unit_id);
    let view_as = match user.role {
        Role::Staff => View::Teacher,
        Role::SchoolAdmin => View::School,
        Role::DistrictAdmin => View::District,
    };
    let today = clock::local_now().date();
    let term = Term::of(today);
    let data = Memo::new(move |_| lesson_data(sync));
    let sort_gaps = RwSignal::new(true);
    let classes = Memo::new(move |_| data.with(|d| fours(d, view_as, me, unit, term)));
    let sorted = Memo::new(move |_| {
        let mut rows = classes.get();
        if sort_gaps.get() {
            sort_by_gaps(&mut rows);
        }
        rows
    });
    let lessons = Memo::new(move |_| {
        data.with(|d| {
            let mut rows: Vec<Lesson> = match view_as {
                View::Teacher => lesson::my_lessons(d, me, term)
                    .into_iter()
                    .cloned()
                    .collect(),
                _ => d
                    .lessons
                    .iter()
                    .filter(|l| l.term() == term)
                    .filter(|l| view_as == View::District || l.unit == unit)
                    .cloned()
                    .collect(),
            };
            anyuan_core::order::sort_by_key(&mut rows, |l| std::cmp::Reverse((l.date, l.id)));
            rows
        })
    });
    let class_name = move |id: RecordId| {
        data.with(|d| {
            d.classes
                .get(&id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        })
    };
    let class_size = move |id: RecordId| data.with(|d| d.classes.get(&id).and_then(|c| c.size));
    let teacher = view_as == View::Teacher;

    view! {
        <section class="page" data-testid="page-lessons">
            <h1 class="page-title">{move || t().title}</h1>
            <p class="page-subtitle">{move || term.label(lang())}</p>
            {(view_as != View::District).then(|| view! {
                <div class="primary-action">
                    <A href="/lessons/new" attr:class="btn btn-primary btn-block" attr:data-testid="lesson-new">
                        {move || t().new}
                    </A>
                </div>
            })}

            <section class="card" data-testid="lesson-missing">
                <h2>{move || t().missing_title}</h2>
                {move || {
                    let rows = sorted.get();
                    let items: Vec<(ClassFour, Missing)> = rows
                        .iter()
                        .flat_map(|c| c.missing.iter().map(move |m| (c.clone(), m.clone())))
                        .collect();
                    if items.is_empty() {
                        return view! { <p class="muted" data-testid="lesson-missing-none">{move || t().missing_none}</p> }.into_any();
                    }
                    view! {
                        <ul class="cards">
                            {items.into_iter().map(|(c, m)| view! { <MissingItem class=c missing=m/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>

            {teacher.then(|| view! {
                <section class="card" data-testid="lesson-due">
                    <h2>{move || t().due_title}</h2>
                    {move || {
                        let due = data.with(|d| lesson::due(d, me, term));
                        if due.is_empty() {
                            return view! { <p class="muted">{move || t().due_none}</p> }.into_any();
                        }
                        view! {
                            <ul class="cards">
                                {due.into_iter().map(|d| {
                                    let name = class_name(d.class);
                                    let theme = d.theme.clone();
                                    let left = d.remaining();
                                    view! {
                                        <li class="card row-card" data-testid="lesson-due-item">
                                            <div class="grow">
                                                <strong>{name}" · "{move || theme_label(&theme, lang())}</strong>
                                                <span class="muted">{move || t().due_hours.replace("{n}", &left.to_string())}</span>
                                            </div>
                                            <A href=format!("/lessons/new?class={}", d.class) attr:class="btn">{move || t().fix_log}</A>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            })}

            <section class="card" data-testid="lesson-four">
                <h2>{move || t().four_title}<span class="muted">{" · "}{move || t().four_hint}</span></h2>
                {(view_as != View::Teacher).then(|| view! {
                    <SchoolSummary data=data view_as=view_as unit=unit term=term/>
                    <label class="field inline-field">
                        <span class="label">{move || t().sort}</span>
                        <select data-testid="lesson-sort" on:change=move |ev| sort_gaps.set(event_target_value(&ev) == "gaps")>
                            <option value="gaps" selected=true>{move || t().sort_gaps}</option>
                            <option value="class">{move || t().sort_class}</option>
                        </select>
                    </label>
                })}
                {(view_as == View::School).then(|| view! {
                    <A href="/lessons/plan" attr:class="btn" attr:data-testid="lesson-plan-open">{move || t().plan_open}</A>
                })}
                <FourTable rows=sorted/>
            </section>

            <section class="card" data-testid="lesson-lessons">
                <h2>{move || if teacher { t().mine_title } else { t().all_title }}</h2>
                {move || lessons.with(|l| l.is_empty()).then(|| view! {
                    <p class="muted">{move || if teacher { t().mine_none } else { t().none }}</p>
                })}
                <LessonTable lessons=lessons class_name=class_name class_size=class_size/>
            </section>

            <Exports view_as=view_as unit=unit term=term/>
        </section>
    }
}

/// One thing missing, in words, with the way to fix it one tap away.
#[component]
fn MissingItem(class: ClassFour, missing: Missing) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let action = match &missing {
        Missing::NoLessonPlan { lessons } | Missing::NoMaterial { lessons } => lessons
            .first()
            .map(|id| (format!("/lessons/{id}/edit"), true)),
        Missing::HoursDue { .. } => Some((format!("/lessons/new?class={}", class.class), false)),
        Missing::NoTermPlan | Missing::NoTeacher { .. } => None,
    };
    let name = class.name.clone();
    let text = move || missing.text(lang());
    view! {
        <li class="card row-card" data-testid="lesson-missing-item">
            <div class="grow">
                <strong>{name}</strong>
                <span><span class="badge badge-bad">{move || t().col_gaps}</span>" "{text}</span>
            </div>
            {action.map(|(href, fill)| view! {
                <A href=href attr:class="btn">{move || if fill { t().fix_edit } else { t().fix_log }}</A>
            })}
        </li>
    }
}

/// The whole unit's four in place (or the district's).
#[component]
fn SchoolSummary(data: Memo<LessonData>, view_as: View, unit: UnitId, term: Term) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let school = Memo::new(move |_| {
        let classes = data.with(|d| fours(d, view_as, uuid::Uuid::nil(), unit, term));
        SchoolFour {
            unit,
            term,
            classes,
        }
    });
    view! {
        <dl class="facts" data-testid="lesson-school">
            <dt>{move || t().summary_teacher}</dt>
            <dd data-testid="lesson-school-teacher">{move || school.with(|s| format!("{} / {}", s.classes_with_teacher(), s.classes.len()))}</dd>
            <dt>{move || t().summary_hours}</dt>
            <dd data-testid="lesson-school-hours">{move || school.with(|s| format!("{} / {}", s.delivered_total(), s.planned_total()))}</dd>
            <dt>{move || t().summary_plan}</dt>
            <dd data-testid="lesson-school-plan">{move || school.with(|s| percent(s.plan_share()))}</dd>
            <dt>{move || t().summary_material}</dt>
            <dd data-testid="lesson-school-material">{move || school.with(|s| percent(s.material_share()))}</dd>
        </dl>
    }
}

/// The four in place per class: a table from 768 px, cards on phones; the
/// hours per theme below.
#[component]
fn FourTable(rows: Memo<Vec<ClassFour>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let yes_no = move |b: bool, has_plan: bool| {
        if !has_plan {
            view! { <span class="badge badge-bad">{move || t().no_plan_yet}</span> }.into_any()
        } else if b {
            view! { <span class="badge badge-ok">{move || t().yes}</span> }.into_any()
        } else {
            view! { <span class="badge badge-bad">{move || t().no}</span> }.into_any()
        }
    };
    let hours = |c: &ClassFour| format!("{} / {}", c.delivered_total(), c.planned_total());
    view! {
        <table class="table wide-only" tabindex="0" aria-label=move || t().four_title data-testid="lesson-four-table">
            <thead><tr>
                <th>{move || t().col_class}</th>
                <th>{move || t().col_teacher}</th>
                <th>{move || t().col_hours}</th>
                <th>{move || t().col_plan}</th>
                <th>{move || t().col_material}</th>
                <th>{move || t().col_gaps}</th>
            </tr></thead>
            <tbody>
                {move || rows.get().into_iter().map(|c| view! {
                    <tr data-testid="lesson-four-row">
                        <td data-testid="lesson-four-class">{c.name.clone()}</td>
                        <td>{yes_no(c.teacher_assigned(), c.has_term_plan())}</td>
                        <td data-testid="lesson-four-hours">{hours(&c)}</td>
                        <td data-testid="lesson-four-plan">{percent(c.plan_share())}</td>
                        <td data-testid="lesson-four-material">{percent(c.material_share())}</td>
                        <td data-testid="lesson-four-gaps">{c.gaps()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <ul class="cards narrow-only">
            {move || rows.get().into_iter().map(|c| view! {
                <li class="card">
                    <strong>{c.name.clone()}</strong>
                    <dl class="facts">
                        <dt>{move || t().col_teacher}</dt><dd>{yes_no(c.teacher_assigned(), c.has_term_plan())}</dd>
                        <dt>{move || t().col_hours}</dt><dd>{hours(&c)}</dd>
                        <dt>{move || t().col_plan}</dt><dd>{percent(c.plan_share())}</dd>
                        <dt>{move || t().col_material}</dt><dd>{percent(c.material_share())}</dd>
                        <dt>{move || t().col_gaps}</dt><dd>{c.gaps()}</dd>
                    </dl>
                </li>
            }).collect_view()}
        </ul>
        <details data-testid="lesson-themes">
            <summary>{move || t().themes_show}</summary>
            <table class="table" tabindex="0" aria-label=move || t().themes_show>
                <thead><tr>
                    <th>{move || t().col_class}</th>
                    <th>{move || t().col_theme}</th>
                    <th>{move || t().col_hours}</th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().flat_map(|c| {
                        let name = c.name.clone();
                        c.themes.into_iter().map(move |th| {
                            let theme = th.theme.clone();
                            view! {
                                <tr>
                                    <td>{name.clone()}</td>
                                    <td>{move || theme_label(&theme, lang())}</td>
                                    <td>{format!("{} / {}", th.delivered, th.planned)}</td>
                                </tr>
                            }
                        })
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// A lesson's attendance as schools report it: `38/40` (present / class
/// size), or just `38` when the class has no size; `None` if not recorded.
fn attendance(present: Option<u32>, size: Option<u32>) -> Option<String> {
    present.map(|p| match size {
        Some(size) => format!("{p}/{size}"),
        None => p.to_string(),
    })
}

/// Lessons, newest first: a table from 768 px, cards on phones.
#[component]
fn LessonTable(
    lessons: Memo<Vec<Lesson>>,
    class_name: impl Fn(RecordId) -> String + Copy + Send + Sync + 'static,
    class_size: impl Fn(RecordId) -> Option<u32> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let badges = move |l: &Lesson| {
        let (plan, material) = (l.has_plan(), l.has_material());
        view! {
            <span class=if plan { "badge badge-ok" } else { "badge badge-bad" }>
                {move || if plan { t().has_plan } else { t().no_plan }}
            </span>" "
            <span class=if material { "badge badge-ok" } else { "badge badge-bad" }>
                {move || if material { t().has_material } else { t().no_material }}
            </span>
        }
    };
    let teacher = |l: &Lesson| {
        l.teacher
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    view! {
        <table class="table wide-only" tabindex="0" aria-label=move || t().all_title data-testid="lesson-table">
            <thead><tr>
                <th>{move || t().col_date}</th>
                <th>{move || t().col_class}</th>
                <th>{move || t().col_theme}</th>
                <th>{move || t().col_periods}</th>
                <th>{move || t().col_present}</th>
                <th>{move || lang().pick("任课教师", "Teacher")}</th>
                <th>{move || t().col_status}</th>
                <th>{move || lang().pick("操作", "Action")}</th>
            </tr></thead>
            <tbody>
                {move || lessons.get().into_iter().map(|l| {
                    let theme = l.theme.clone();
                    let (course, form) = (l.course_type.clone(), l.form.clone());
                    let detail = move || {
                        let kind = [course.as_deref().map(|c| course_label(c, lang())), form.as_deref().map(|f| form_label(f, lang()))];
                        kind.into_iter().flatten().collect::<Vec<_>>().join(" · ")
                    };
                    view! {
                        <tr data-testid="lesson-row">
                            <td>{move || timefmt::date(lang(), l.date)}</td>
                            <td data-testid="lesson-row-class">{class_name(l.class)}</td>
                            <td data-testid="lesson-row-theme">{move || theme_label(&theme, lang())}<br/><span class="muted">{detail.clone()}</span></td>
                            <td data-testid="lesson-row-periods">{l.periods}</td>
                            <td data-testid="lesson-row-present">{attendance(l.present, class_size(l.class)).unwrap_or_default()}</td>
                            <td>{teacher(&l)}</td>
                            <td>{badges(&l)}</td>
                            <td><A href=format!("/lessons/{}/edit", l.id) attr:class="btn">{move || i18n.t().edit}</A></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <ul class="cards narrow-only">
            {move || lessons.get().into_iter().map(|l| {
                let theme = l.theme.clone();
                view! {
                    <li class="card row-card">
                        <div class="grow">
                            <strong>{class_name(l.class)}" · "{move || theme_label(&theme, lang())}</strong>
                            <span class="muted">{move || timefmt::date(lang(), l.date)}" · "{l.periods}" "{move || t().col_periods}" · "{teacher(&l)}
                                {attendance(l.present, class_size(l.class)).map(|a| view! { " · "{move || t().present}" "<span data-testid="lesson-card-present">{a}</span> })}
                            </span>
                            <span>{badges(&l)}</span>
                        </div>
                        <A href=format!("/lessons/{}/edit", l.id) attr:class="btn">{move || i18n.t().edit}</A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The lessons and the four in place as CSV (made on the device, works
/// offline) and Excel (made by the server).
#[component]
fn Exports(view_as: View, unit: UnitId, term: Term) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let params = ReportParams {
        id: None,
        term: Some(term),
        unit: (view_as != View::District).then_some(unit),
    };
    view! {
        <section class="card" data-testid="lesson-export">
            <h2>{move || t().export_title}</h2>
            <h3>{move || t().export_lessons}</h3>
            <ExportButtons name="lessons" params=params/>
            <h3>{move || t().export_four}</h3>
            <ExportButtons name="four_in_place" params=params/>
        </section>
    }
}
