//! Browser tests of the module-loading bar and the retry of a failed module
//! fetch (src/loading.rs), in headless Chromium (`cargo test -p anyuan
//! --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use anyuan::i18n::I18n;
use anyuan::loading::{CLASS, Module, while_loading};
use js_sys::{Function, Promise};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A promise and the function that resolves it.
fn pending() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    (promise, resolve.expect("the executor runs at once"))
}

/// Lets every spawned task run up to its next wait.
async fn settle() {
    let promise = Promise::new(&mut |res, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&res, 0)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn bar_shows() -> bool {
    let root = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    root.class_list().contains(CLASS)
}

/// Starts a "module load" that finishes when its promise is resolved.
fn load(promise: Promise) -> Rc<Cell<bool>> {
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    spawn_local(async move {
        while_loading(JsFuture::from(promise)).await.unwrap();
        flag.set(true);
    });
    done
}

#[wasm_bindgen_test]
async fn the_bar_shows_until_every_module_in_flight_has_loaded() {
    assert!(!bar_shows());
    let (first, finish_first) = pending();
    let (second, finish_second) = pending();
    let first_done = load(first);
    settle().await;
    assert!(bar_shows(), "one module loading");
    let second_done = load(second);
    finish_first.call0(&JsValue::NULL).unwrap();
    settle().await;
    assert!(first_done.get() && !second_done.get());
    assert!(bar_shows(), "the second module is still loading");
    finish_second.call0(&JsValue::NULL).unwrap();
    settle().await;
    assert!(second_done.get());
    assert!(!bar_shows(), "nothing left loading");
}

#[wasm_bindgen_test]
async fn a_module_already_loaded_shows_no_bar() {
    assert_eq!(while_loading(async { 7 }).await, 7);
    assert!(!bar_shows());
}

/// A module whose fetch fails its first `failures` times; counts the fetches.
fn flaky_module(
    failures: u32,
) -> (
    impl Fn() -> std::future::Ready<Result<AnyView, ()>> + Clone + Send + Sync,
    Arc<AtomicU32>,
) {
    let fetches = Arc::new(AtomicU32::new(0));
    let counter = fetches.clone();
    let load = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        std::future::ready(if n < failures {
            Err(())
        } else {
            Ok(view! { <p data-testid="module-view">"module"</p> }.into_any())
        })
    };
    (load, fetches)
}

/// Mounts `<Module>` in a fresh element; returns the element.
fn mount_module<L, F>(load: L, failed: bool) -> web_sys::HtmlElement
where
    L: Fn() -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<AnyView, ()>> + 'static,
{
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        provide_context(I18n::from_device());
        view! { <Module load failed/> }
    });
    handle.forget();
    host
}

fn has(host: &web_sys::HtmlElement, test_id: &str) -> bool {
    host.query_selector(&format!("[data-testid={test_id}]"))
        .unwrap()
        .is_some()
}

async fn click_retry(host: &web_sys::HtmlElement) {
    let retry: web_sys::HtmlElement = host
        .query_selector("[data-testid=module-load-retry]")
        .unwrap()
        .expect("a retry button")
        .unchecked_into();
    retry.click();
    settle().await;
}

#[wasm_bindgen_test]
async fn a_failed_module_fetch_shows_a_retry_that_fetches_again() {
    let (load, fetches) = flaky_module(2);
    let host = mount_module(load, false);
    settle().await;
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert!(has(&host, "module-load-failed") && !has(&host, "module-view"));

    click_retry(&host).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert!(
        has(&host, "module-load-failed"),
        "the second fetch failed too"
    );

    click_retry(&host).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    assert!(has(&host, "module-view") && !has(&host, "module-load-failed"));
}

#[wasm_bindgen_test]
async fn a_module_whose_first_fetch_failed_waits_for_the_retry() {
    let (load, fetches) = flaky_module(0);
    let host = mount_module(load, true);
    settle().await;
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        0,
        "no fetch before the retry"
    );
    assert!(has(&host, "module-load-failed"));

    click_retry(&host).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert!(has(&host, "module-view") && !has(&host, "module-load-failed"));
}
