//! More (更多): settings that live on this device, and what Anyuan is.

use anyuan_core::Lang;
use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn More() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let choice = move |lang: Lang, label: &'static str| {
        view! {
            <button
                class="btn choice"
                lang=lang.tag()
                aria-pressed=move || (i18n.lang.get() == lang).to_string()
                on:click=move |_| i18n.lang.set(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="page" data-testid="page-more">
            <h1 class="page-title">{move || t().more_title}</h1>
            <div class="card">
                <h2>{move || t().settings_language}</h2>
                <div class="choices" role="group" aria-label=move || t().settings_language>
                    {choice(Lang::Zh, "中文")}
                    {choice(Lang::En, "English")}
                </div>
                <p class="muted">{move || t().settings_language_hint}</p>
            </div>
            <div class="card">
                <h2>{move || t().about_title}</h2>
                <p>{move || t().about_text}</p>
            </div>
        </section>
    }
}
