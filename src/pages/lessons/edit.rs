//! Log a safety lesson or correct one: class, date, periods, teacher,
//! theme, course type, form, lesson plan and material. A new lesson is
//! prefilled (the signed-in teacher, today, the class's next planned theme,
//! the course type, form and material of the teacher's last lesson), so a
//! typical lesson takes a few taps and the lesson plan.

use std::collections::BTreeMap;

use anyuan_core::kind::Kind;
use anyuan_core::lesson::{self, theme_label};
use anyuan_core::record::RecordId;
use anyuan_core::{Term, UnitId};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{course_label, form_label, lesson_data};
use crate::clock;
use crate::components::form::{Field, FormActions, FormState, SaveErrorView};
use crate::data::{classes_of, record, route_id};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

const FIELDS: [&str; 10] = [
    "date",
    "periods",
    "teacher",
    "teacher_name",
    "theme",
    "course_type",
    "form",
    "lesson_plan",
    "material",
    "present",
];

/// Where the class chosen for a new lesson is kept on the device, so a
/// reload keeps it with the draft and the next lesson starts from it.
const CLASS_KEY: &str = "anyuan.lesson.class";

/// The select value that opens the own-theme input.
const OWN_THEME: &str = "__own";

#[component]
pub fn LessonEdit() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let id = route_id();
    let existing = id.and_then(|id| record(sync, id));
    if id.is_some()
        && existing
            .as_ref()
            .is_none_or(|r| r.kind != Kind::SafetyLesson)
    {
        return view! { <crate::pages::not_found::NotFound/> }.into_any();
    }
    let user = sync.engine().session.user.clone();
    let unit: UnitId = existing.as_ref().map_or(user.unit_id, |r| r.unit);
    // Only the unit's own classes are offered: a lesson for another
    // school's class is refused by the server anyway.
    let mut classes = classes_of(sync, unit);
    // 初一 < 初二 < 初三, 三(2)班 < 三(10)班.
    anyuan_core::order::sort_by(&mut classes, |a, b| {
        anyuan_core::export::natural_cmp(&a.name, &b.name)
    });
    let data = lesson_data(sync);
    let today = clock::local_now().date();
    let term = Term::of(today);

    let from_query = use_query_map().with_untracked(|q| q.get("class"));
    let known = |s: Option<String>| {
        s.and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(RecordId)
            .filter(|id| classes.iter().any(|c| c.id == *id))
    };
    let initial_class = match &existing {
        Some(r) => r.parent,
        None => known(from_query)
            .or_else(|| known(LocalStorage::get::<String>(CLASS_KEY).ok()))
            .or_else(|| {
                lesson::my_classes(&data, user.id, term)
                    .first()
                    .map(|c| c.id)
            }),
    };
    let class = RwSignal::new(initial_class);
    let prefill = lesson::lesson_prefill(
        &data,
        initial_class.unwrap_or(RecordId(uuid::Uuid::nil())),
        user.id,
        &user.display_name,
        today,
    );
    let defaults: Vec<(&str, String)> = FIELDS
        .iter()
        .map(|f| (*f, prefill.get(*f).cloned().unwrap_or_default()))
        .collect();
    let draft = crate::components::form::draft_key("lesson", id);
    let form = FormState::new(
        Kind::SafetyLesson,
        &FIELDS,
        existing.as_ref(),
        &defaults,
        Some(draft),
    );
    // Attendance is checked against the chosen class's size.
    Effect::new(move |_| {
        let chosen = class.get();
        let size = classes_of(sync, unit)
            .into_iter()
            .find(|c| Some(c.id) == chosen)
            .and_then(|c| c.size);
        form.context.update(|c| c.class_size = size);
    });
    let creating = existing.is_none();
    let class_problem = RwSignal::new(false);
    let me = user.id;
    let choose_class = move |value: String| {
        let chosen = uuid::Uuid::parse_str(&value).ok().map(RecordId);
        class.set(chosen);
        class_problem.set(chosen.is_none());
        if let Some(c) = chosen {
            let _ = LocalStorage::set(CLASS_KEY, c.to_string());
            let data = lesson_data(sync);
            if let Some(theme) = lesson::next_theme(&data, c, term, Some(me)) {
                form.set("theme", theme);
            }
        }
    };

    // Themes: the defaults, then the school's own, each by its name.
    let themes = StoredValue::new(data.known_themes());
    let chose_own = RwSignal::new(false);
    // Own theme: chosen so, or a theme typed earlier (a draft, a record).
    let own = move || {
        chose_own.get() || {
            let theme = form.get("theme");
            !theme.is_empty() && !themes.with_value(|t| t.contains(&theme))
        }
    };
    let theme_options = themes.get_value();
    let theme_value = move || {
        if own() {
            OWN_THEME.to_owned()
        } else {
            form.get("theme")
        }
    };
    let pick_theme = move |value: String| {
        if value == OWN_THEME {
            chose_own.set(true);
            form.set("theme", String::new());
        } else {
            chose_own.set(false);
            form.set("theme", value);
        }
    };
    let theme_problem = move || form.problem("theme", lang());

    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(parent) = class.get_untracked() else {
            class_problem.set(true);
            form.touched.set(true);
            return;
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if form
                .save(unit, Some(parent), BTreeMap::new())
                .await
                .is_some()
            {
                navigate("/lessons", Default::default());
            }
        });
    };
    let class_name = move |id: Option<RecordId>| {
        classes_of(sync, unit)
            .into_iter()
            .find(|c| Some(c.id) == id)
            .map(|c| c.name)
            .unwrap_or_default()
    };
    let no_classes = classes.is_empty();

    view! {
        <section class="page" data-testid="page-lesson-edit">
            <h1 class="page-title">{move || if creating { t().new } else { t().edit }}</h1>
            {creating.then(|| view! { <p class="muted">{move || t().prefill_note}</p> })}
            <form class="card form" on:submit=submit novalidate data-testid="lesson-form">
                {if creating {
                    view! {
                        <label class="field">
                            <span class="label">{move || t().class}<span class="muted">{move || lang().pick(" （必填）", " (required)")}</span></span>
                            <select data-testid="lesson-class" aria-invalid=move || class_problem.get().to_string()
                                prop:value=move || class.get().map(|c| c.to_string()).unwrap_or_default()
                                on:change=move |ev| choose_class(event_target_value(&ev))>
                                <option value="">{move || t().class_pick}</option>
                                {classes.iter().map(|c| {
                                    let value = c.id.to_string();
                                    let id = c.id;
                                    view! { <option value=value selected=move || class.get() == Some(id)>{c.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            {move || class_problem.get().then(|| view! { <span class="field-error" data-testid="lesson-class-error">{move || t().class_required}</span> })}
                            {no_classes.then(|| view! { <span class="muted">{move || t().classes_none}</span> })}
                        </label>
                    }.into_any()
                } else {
                    view! {
                        <dl class="facts"><dt>{move || t().class}</dt><dd data-testid="lesson-class-name">{move || class_name(class.get())}</dd></dl>
                    }.into_any()
                }}
                <label class="field">
                    <span class="label">{move || lang().pick("主题", "Theme")}<span class="muted">{move || lang().pick(" （必填）", " (required)")}</span></span>
                    <select data-testid="lesson-theme" aria-invalid=move || theme_problem().is_some().to_string()
                        prop:value=theme_value on:change=move |ev| pick_theme(event_target_value(&ev))>
                        <option value="">{move || t().theme_pick}</option>
                        {theme_options.into_iter().map(|code| {
                            let label = code.clone();
                            let c = code.clone();
                            view! { <option value=code selected=move || !own() && form.get("theme") == c>{move || theme_label(&label, lang())}</option> }
                        }).collect_view()}
                        <option value=OWN_THEME selected=own>{move || t().theme_own}</option>
                    </select>
                    {move || (!own()).then(|| theme_problem().map(|m| view! { <span class="field-error" data-testid="safety_lesson-theme-error">{m}</span> }))}
                </label>
                {move || own().then(|| view! { <Field form=form field="theme"/> })}
                <div class="form-row">
                    <Field form=form field="date"/>
                    <Field form=form field="periods"/>
                </div>
                <div class="form-row">
                    <Field form=form field="teacher_name"/>
                    <Field form=form field="present"/>
                </div>
                <div class="form-row">
                    <Field form=form field="course_type" labels=course_label/>
                    <Field form=form field="form" labels=form_label/>
                </div>
                <Field form=form field="lesson_plan"/>
                <Field form=form field="material"/>
                <SaveErrorView error=form.error/>
                <FormActions form=form save_testid="lesson-save"/>
            </form>
        </section>
    }
    .into_any()
}
