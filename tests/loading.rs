//! Browser test of the module-loading bar (src/loading.rs), in headless
//! Chromium (`cargo test -p anyuan --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use anyuan::loading::{CLASS, while_loading};
use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
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
