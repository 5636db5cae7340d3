//! The top bar: the app's name, the sync status and the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icons::IconShield;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// The app's name with its mark.
#[component]
pub fn Brand() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="brand" href="/">
            <IconShield/>
            <span class="brand-name" data-testid="app-name">{move || i18n.t().app_name}</span>
        </a>
    }
}

/// One tap switches between Chinese and English; the choice is remembered.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="btn btn-ghost lang-switch"
            data-testid="lang-switch"
            lang=move || i18n.lang.get().other().tag()
            aria-label=move || i18n.t().lang_switch_label
            on:click=move |_| i18n.lang.update(|l| *l = l.other())
        >
            {move || i18n.t().lang_switch}
        </button>
    }
}

/// The signed-in header.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{move || i18n.t().skip_to_content}</a>
        <header class="topbar">
            <Brand/>
            <div class="topbar-status">
                <SyncBadge/>
                <LangSwitch/>
            </div>
        </header>
    }
}

/// Online/offline, changes waiting, last sync and refused changes, always
/// visible; a tap opens the sync page.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let i18n = use_i18n();
    let status = use_sync().status;
    let t = move || i18n.t();
    let last = move || {
        status.last_sync_ms.get().map(|ms| {
            let d = js_sys::Date::new(&ms.into());
            format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
        })
    };
    view! {
        <A href="/sync" attr:class="sync-status" attr:data-testid="sync-status">
            <span class="dot" class:is-offline=move || !status.online.get() aria-hidden="true"></span>
            <span data-testid="sync-online">
                {move || if status.online.get() { t().online } else { t().offline }}
            </span>
            <span class="sync-count" data-testid="sync-waiting" data-count=move || status.waiting.get().to_string()>
                {move || match status.waiting.get() {
                    0 => last().map(|l| format!("{} {l}", t().synced_at)).unwrap_or_default(),
                    n => format!("{} {n}", t().waiting),
                }}
            </span>
            {move || (status.refused.get() > 0).then(|| view! {
                <span class="badge badge-bad" data-testid="sync-refused">
                    {format!("{} {}", t().refused, status.refused.get())}
                </span>
            })}
        </A>
    }
}
