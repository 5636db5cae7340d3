//! Anyuan's PWA: the shell (header, navigation, routes) and the pages.
//!
//! Logic lives in `anyuan-core`; components here only wire signals to it.

pub mod components;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::header::Header;
use crate::components::nav::Nav;
use crate::i18n::I18n;

/// The whole app: language context, shell and routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::from_device();
    provide_context(i18n);

    view! {
        <Router>
            <div class="shell">
                <Header/>
                <Nav/>
                <main class="content" id="main">
                    <Routes fallback=pages::not_found::NotFound>
                        <Route path=path!("/") view=pages::today::Today/>
                        <Route path=path!("/more") view=pages::more::More/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
