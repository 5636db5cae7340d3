//! The top bar: the app's name, the connection/sync status and the language switch.

use leptos::ev;
use leptos::prelude::*;

use crate::components::icons::IconShield;
use crate::i18n::use_i18n;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    view! {
        <a class="skip-link" href="#main">{move || t().skip_to_content}</a>
        <header class="topbar">
            <a class="brand" href="/">
                <IconShield/>
                <span class="brand-name" data-testid="app-name">{move || t().app_name}</span>
            </a>
            <div class="topbar-status">
                <SyncStatus/>
                <button
                    class="btn btn-ghost lang-switch"
                    data-testid="lang-switch"
                    lang=move || i18n.lang.get().other().tag()
                    aria-label=move || t().lang_switch_label
                    on:click=move |_| i18n.lang.update(|l| *l = l.other())
                >
                    {move || t().lang_switch}
                </button>
            </div>
        </header>
    }
}

/// Connection state, always visible. The sync client fills in the waiting
/// count and the last sync time.
#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = RwSignal::new(window().navigator().on_line());
    let on = window_event_listener(ev::online, move |_| online.set(true));
    let off = window_event_listener(ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    view! {
        <span
            class="sync-status"
            class:is-offline=move || !online.get()
            data-testid="sync-status"
            role="status"
        >
            <span class="dot" aria-hidden="true"></span>
            {move || if online.get() { i18n.t().online } else { i18n.t().offline }}
        </span>
    }
}
