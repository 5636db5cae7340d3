//! More (更多): the signed-in account, sign out, settings that live on this
//! device (language, storage), and what Anyuan is.

use anyuan_core::Lang;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::icons::IconClasses;
use crate::i18n::use_i18n;
use crate::session::Session;
use crate::storage;
use crate::sync::use_sync;

#[component]
pub fn More() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == Lang::Zh;
    let sync = use_sync();
    let user = sync.engine().session.user.clone();
    let session = expect_context::<RwSignal<Option<Session>>>();
    let confirm = RwSignal::new(false);
    let persisted = LocalResource::new(storage::is_persisted);
    let sign_out = move |_| {
        if sync.status.waiting.get_untracked() > 0 && !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        let token = sync.engine().session.token.clone();
        sync.engine().local.store().close();
        leptos::task::spawn_local(async move {
            Session::forget().await;
            session.set(None);
            // The server ends the session when it can be reached; the local
            // data, including unsynced changes, stays for the next sign-in.
            let _ = api::post_empty("/api/auth/logout", Some(&token)).await;
        });
    };
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
    let role = user.role;
    view! {
        <section class="page" data-testid="page-more">
            <h1 class="page-title">{move || t().more_title}</h1>
            <div class="card">
                <h2>{move || t().account_title}</h2>
                <p data-testid="account-name"><strong>{user.display_name.clone()}</strong>
                    " · " {move || if zh() { role.zh() } else { role.en() }}</p>
                <p class="muted" data-testid="account-unit">{user.unit_name.clone()}</p>
                <A href="/classes" attr:class="btn" attr:data-testid="nav-classes"><IconClasses/>{move || t().nav_classes}</A>
                <A href="/r" attr:class="btn" attr:data-testid="nav-registries">{move || t().registry.nav}</A>
                {(role != anyuan_core::Role::DistrictAdmin).then(|| view! {
                    <A href="/r/clues/new" attr:class="btn" attr:data-testid="nav-report-clue">{move || t().registry.new_clue}</A>
                })}
                {move || confirm.get().then(|| view! {
                    <p class="banner banner-warn" role="alert" data-testid="signout-warning">
                        {move || t().signout_unsynced.replace("{n}", &sync.status.waiting.get().to_string())}
                    </p>
                })}
                {(role != anyuan_core::Role::Staff).then(|| view! {
                    <A href="/admin" attr:class="btn" attr:data-testid="nav-admin">{move || t().nav_admin}</A>
                })}
                <button class="btn" data-testid="sign-out" on:click=sign_out>
                    {move || if confirm.get() { t().signout_anyway } else { t().signout }}
                </button>
            </div>
            <div class="card">
                <h2>{move || t().settings_language}</h2>
                <div class="choices" role="group" aria-label=move || t().settings_language>
                    {choice(Lang::Zh, "中文")}
                    {choice(Lang::En, "English")}
                </div>
                <p class="muted">{move || t().settings_language_hint}</p>
            </div>
            <div class="card">
                <h2>{move || t().storage_title}</h2>
                <p data-testid="storage-persisted">
                    {move || match persisted.get().flatten() {
                        Some(true) => t().storage_persisted,
                        Some(false) => t().storage_not_persisted,
                        None => t().storage_unknown,
                    }}
                </p>
            </div>
            <div class="card">
                <h2>{move || t().about_title}</h2>
                <p data-testid="about-text">{move || t().about_text}</p>
            </div>
        </section>
    }
}
