//! Main navigation: a bottom bar on phones, a side bar from 768 px.
//! Destinations are added here as modules land (at most five on phones:
//! Today, Drills, Duty, Lessons, More); the rest is reached from More.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icons::{IconDrill, IconDuty, IconLesson, IconMore, IconToday};
use crate::i18n::use_i18n;

#[component]
pub fn Nav() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    view! {
        <nav class="nav" aria-label=move || t().nav_label>
            <A href="/" exact=true attr:class="nav-item" attr:data-testid="nav-today">
                <IconToday/>
                <span>{move || t().nav_today}</span>
            </A>
            <A href="/drills" attr:class="nav-item" attr:data-testid="nav-drills">
                <IconDrill/>
                <span>{move || t().drill.nav}</span>
            </A>
            <A href="/duty" attr:class="nav-item" attr:data-testid="nav-duty">
                <IconDuty/>
                <span>{move || t().duty.nav}</span>
            </A>
            <A href="/lessons" attr:class="nav-item" attr:data-testid="nav-lessons">
                <IconLesson/>
                <span>{move || t().lesson.nav}</span>
            </A>
            <A href="/more" attr:class="nav-item" attr:data-testid="nav-more">
                <IconMore/>
                <span>{move || t().nav_more}</span>
            </A>
        </nav>
    }
}
