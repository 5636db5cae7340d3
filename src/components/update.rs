//! The service worker's side in the page: registers `/sw.js`, tells when a
//! new version is ready, and switches to it only when the user asks.
//!
//! A new worker installs in the background and then waits. The banner offers
//! "update": the page asks the waiting worker to take over (SKIP_WAITING),
//! and reloads once when it does (`controllerchange`), so a page never runs
//! old code against new cached files or the other way round. Other open
//! tabs of the app reload too when their controller changes.
//!
//! Tests can tell that the worker controls the page: `<html data-sw="ready">`.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

use crate::i18n::use_i18n;

const SCRIPT: &str = "/sw.js";

/// Fixed above the bottom navigation, so it never shifts the layout.
const BANNER_STYLE: &str = "position:fixed;z-index:6;left:8px;right:8px;\
    bottom:calc(var(--nav-h,64px) + env(safe-area-inset-bottom) + 8px);\
    max-width:560px;margin:0 auto;display:flex;flex-wrap:wrap;align-items:center;gap:8px;\
    padding:12px 16px;background:var(--surface,#fff);color:var(--text,#1f2933);\
    border:2px solid var(--brand,#0b6e6e);border-radius:var(--radius,10px);\
    box-shadow:0 4px 16px rgba(0,0,0,.15)";

/// Registers the service worker and shows "update available" when a new
/// version is waiting. Mount it once, in the app's root.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let waiting = RwSignal::new(false);
    let dismissed = RwSignal::new(false);
    if let Some(container) = container() {
        watch(&container, waiting);
    }
    let update = move |_| {
        dismissed.set(true);
        activate_waiting();
    };
    view! {
        <div role="status" aria-live="polite">
            {move || (waiting.get() && !dismissed.get()).then(|| view! {
                <div class="update-banner" data-testid="update-banner" style=BANNER_STYLE>
                    <strong style="flex:1 1 10em">{move || i18n.t().update_available}</strong>
                    <button class="btn btn-primary" data-testid="update-reload" on:click=update>
                        {move || i18n.t().update_reload}
                    </button>
                    <button class="btn" data-testid="update-later" on:click=move |_| dismissed.set(true)>
                        {move || i18n.t().update_later}
                    </button>
                </div>
            })}
        </div>
    }
}

/// `navigator.serviceWorker`, where there is one (secure contexts only).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    let has =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    has.then(|| navigator.service_worker())
}

/// Registers the worker and keeps `waiting` and `<html data-sw>` up to date.
fn watch(container: &ServiceWorkerContainer, waiting: RwSignal<bool>) {
    // Whether a worker controlled this page before the current change: the
    // first worker taking over (clients.claim) needs no reload, a new
    // version taking over does.
    let controlled = Rc::new(Cell::new(container.controller().is_some()));
    if controlled.get() {
        mark_ready();
    }
    let reloading = Rc::new(Cell::new(false));
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if controlled.replace(true) {
            if !reloading.replace(true) {
                let _ = window().location().reload();
            }
        } else {
            mark_ready();
        }
    });
    listen(container, "controllerchange", on_change);

    // Offline, register() fails (it cannot fetch sw.js) although a worker is
    // installed: then watch the registration there is.
    let container_ = container.clone();
    then_or(
        container.register(SCRIPT),
        move |registration| follow(registration, waiting),
        move |error| {
            leptos::logging::warn!("service worker: {error:?}");
            then(container_.get_registration(), move |registration| {
                follow(registration, waiting)
            });
        },
    );
}

/// Shows the banner when `registration` has, or gets, a waiting worker, and
/// looks for a new version whenever the device comes back online.
fn follow(registration: JsValue, waiting: RwSignal<bool>) {
    let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
        return;
    };
    // A worker only waits when an older one is active: an update.
    if registration.waiting().is_some() {
        waiting.set(true);
    }
    let registration_ = registration.clone();
    let on_found = Closure::<dyn FnMut()>::new(move || {
        let Some(worker) = registration_.installing() else {
            return;
        };
        let worker_ = worker.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            let controlled = container().is_some_and(|c| c.controller().is_some());
            if worker_.state() == ServiceWorkerState::Installed && controlled {
                waiting.set(true);
            }
        });
        listen(&worker, "statechange", on_state);
    });
    listen(&registration, "updatefound", on_found);

    let on_online = Closure::<dyn FnMut()>::new(move || {
        if let Ok(check) = registration.update() {
            then(check, |_| {});
        }
    });
    listen(&window(), "online", on_online);
}

/// Asks the waiting worker to take over; `controllerchange` then reloads.
fn activate_waiting() {
    let Some(container) = container() else {
        return;
    };
    then(container.get_registration(), |registration| {
        let worker: Option<ServiceWorker> = registration
            .dyn_into::<ServiceWorkerRegistration>()
            .ok()
            .and_then(|r| r.waiting());
        match worker {
            Some(worker) => {
                let message = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
                let _ = worker.post_message(&message);
            }
            // Nothing waits any more (another tab took it): just reload.
            None => {
                let _ = window().location().reload();
            }
        }
    });
}

/// `<html data-sw="ready">`: a service worker controls this page.
fn mark_ready() {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("data-sw", "ready");
    }
}

/// Calls `f` with the promise's value; logs a rejection.
fn then(promise: js_sys::Promise, f: impl FnOnce(JsValue) + 'static) {
    then_or(promise, f, |error| {
        leptos::logging::warn!("service worker: {error:?}");
    });
}

/// Calls `ok` with the promise's value, or `err` with its rejection.
fn then_or(
    promise: js_sys::Promise,
    ok: impl FnOnce(JsValue) + 'static,
    err: impl FnOnce(JsValue) + 'static,
) {
    let ok = Closure::<dyn FnMut(JsValue)>::once(ok);
    let err = Closure::<dyn FnMut(JsValue)>::once(err);
    let _ = promise.then2(&ok, &err);
    // One of them runs once, when the promise settles; both are tiny.
    ok.forget();
    err.forget();
}

/// Adds a listener that lives as long as the page (the app mounts this once).
fn listen(target: &web_sys::EventTarget, event: &str, handler: Closure<dyn FnMut()>) {
    let _ = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    handler.forget();
}
