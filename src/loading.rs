//! A page module on its way: while any lazily loaded module (src/routes.rs)
//! is being fetched, `<html>` carries [`CLASS`] (a moving bar at the top of
//! the screen, in style.css) and `<main>` is `aria-busy`. On a slow network a
//! deep link or a first tap on a module would otherwise show nothing for
//! seconds. A module already loaded resolves at once and shows no bar.

use std::cell::Cell;
use std::future::Future;

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
