//! A module on its way: while any lazily loaded module (src/routes.rs) is
//! being fetched, `<html>` carries [`CLASS`] (a moving bar at the top of
//! the screen, in style.css) and `<main>` is `aria-busy`. On a slow network a
//! deep link or a first tap on a module would otherwise show nothing for
//! seconds. A module already loaded resolves at once and shows no bar.
//!
//! A fetch that fails (the network dropped before the service worker had
//! the module) shows a banner with a retry, in place of the module.

use std::cell::Cell;
use std::future::Future;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::i18n::use_i18n;

/// What a split point's loader gives: its module's view, or the failed fetch.
pub type Loaded = Result<AnyView, SplitLoaderError>;

/// The line shown while local data (or the module that reads it) loads.
pub fn loading_line() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{move || i18n.t().loading_local}</p> }
}

/// A route's module: `load`ed with the loading bar, the router keeping the
/// page before on screen meanwhile; a retry in its place if the fetch fails.
pub async fn module<L, F, E>(load: L) -> AnyView
where
    L: Fn() -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<AnyView, E>> + 'static,
{
    match while_loading(load()).await {
        Ok(view) => view,
        Err(_) => view! { <Module load failed=true/> }.into_any(),
    }
}

/// The view of the module `load` fetches: the loading line meanwhile, and
/// a banner with a retry while the fetch has failed. `failed` starts at the
/// banner, for a first fetch that already failed. (Any error type: the
/// split points' cannot be made outside their crate, and tests need one.)
#[component]
pub fn Module<L, F, E>(load: L, failed: bool) -> impl IntoView
where
    L: Fn() -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<AnyView, E>> + 'static,
{
    let i18n = use_i18n();
    // None while loading; Some(true) once the view waits in `loaded`;
    // Some(false) when the fetch failed.
    let state = RwSignal::new(failed.then_some(false));
    let loaded = StoredValue::new_local(None::<AnyView>);
    // The module's view is built under this component's owner (a retry's
    // click handler has none of its own), so leaving disposes of it.
    let owner = Owner::current().unwrap_or_default();
    let fetch = move || {
        state.set(None);
        let load = load.clone();
        owner.with(|| {
            leptos::task::spawn_local_scoped(async move {
                let view = while_loading(load()).await;
                let ok = view.is_ok();
                // Gone meanwhile (signed out, navigated away): nothing to show.
                if loaded.try_set_value(view.ok()).is_none() {
                    let _ = state.try_set(Some(ok));
                }
            })
        });
    };
    if !failed {
        fetch();
    }
    // Runs again only when `state` changes: the view is moved out of
    // `loaded` the one time it is shown.
    move || match state.get() {
        None => loading_line().into_any(),
        Some(true) => loaded.try_update_value(Option::take).flatten().into_any(),
        Some(false) => {
            let fetch = fetch.clone();
            view! {
                <div class="banner banner-bad" role="alert" data-testid="module-load-failed">
                    <span>{move || i18n.t().module_load_failed}</span>
                    <button type="button" class="btn" data-testid="module-load-retry" on:click=move |_| fetch()>
                        {move || i18n.t().retry}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}

/// The class on `<html>` while a module loads.
pub const CLASS: &str = "module-loading";

thread_local! {
    /// Modules being fetched right now.
    static PENDING: Cell<u32> = const { Cell::new(0) };
}

/// Awaits `fut` (a module's loader) with the loading bar showing.
pub async fn while_loading<F: Future>(fut: F) -> F::Output {
    let _pending = Pending::start();
    fut.await
}

/// One module in flight; dropping it (loaded, or the navigation abandoned)
/// takes the bar away once nothing else is loading.
struct Pending;

impl Pending {
    fn start() -> Pending {
        let n = PENDING.get() + 1;
        PENDING.set(n);
        if n == 1 {
            show(true);
        }
        Pending
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let n = PENDING.get().saturating_sub(1);
        PENDING.set(n);
        if n == 0 {
            show(false);
        }
    }
}

fn show(on: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        let classes = root.class_list();
        let _ = if on {
            classes.add_1(CLASS)
        } else {
            classes.remove_1(CLASS)
        };
    }
    if let Some(main) = doc.get_element_by_id("main") {
        let _ = if on {
            main.set_attribute("aria-busy", "true")
        } else {
            main.remove_attribute("aria-busy")
        };
    }
}
