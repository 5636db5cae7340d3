//! Today's lesson section: what a teacher still has to teach this term.

use anyuan_core::Term;
use anyuan_core::lesson::{self, theme_label};
use leptos::prelude::*;
use leptos_router::components::A;

use super::lesson_data;
use crate::clock;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// The planned hours due from the signed-in teacher this term, each with
/// "log a lesson" one tap away; nothing when none are due.
#[component]
pub fn LessonsDue() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().lesson;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let me = sync.engine().session.user.id;
    let term = Term::of(clock::local_now().date());
    let due = Memo::new(move |_| {
        let data = lesson_data(sync);
        lesson::due(&data, me, term)
            .into_iter()
            .map(|d| {
                let name = data
                    .classes
                    .get(&d.class)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (d.class, name, d.theme.clone(), d.remaining())
            })
            .collect::<Vec<_>>()
    });
    move || {
        let items = due.get();
        (!items.is_empty()).then(|| view! {
            <section data-testid="today-lessons">
                <h2>{move || t().today_due}</h2>
                <ul class="cards">
                    {items.into_iter().map(|(class, name, theme, left)| view! {
                        <li class="card row-card" data-testid="today-lesson">
                            <div class="grow">
                                <strong>{name}" · "{move || theme_label(&theme, lang())}</strong>
                                <span class="muted">{move || t().due_hours.replace("{n}", &left.to_string())}</span>
                            </div>
                            <A href=format!("/lessons/new?class={class}") attr:class="btn btn-primary">{move || t().today_log}</A>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
