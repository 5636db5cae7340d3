//! The page for addresses that do not exist.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    view! {
        <section class="page" data-testid="not-found">
            <h1 class="page-title">{move || t().not_found_title}</h1>
            <p>{move || t().not_found_text}</p>
            <A href="/" attr:class="btn btn-primary">{move || t().not_found_home}</A>
        </section>
    }
}
