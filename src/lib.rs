//! Anyuan's PWA: the shell (header, navigation, routes) and the pages.
//!
//! Logic lives in `anyuan-core`; components here only wire signals to it.
//! `storage` is the only module that touches IndexedDB; `sync` decides when
//! to push and pull; `api` is the only one that talks HTTP.

pub mod api;
pub mod clock;
pub mod components;
pub mod data;
pub mod download;
pub mod i18n;
pub mod loading;
pub mod local;
pub mod pages;
pub mod record_ui;
pub mod routes;
pub mod session;
pub mod storage;
pub mod sync;

use leptos::prelude::*;
use leptos_router::Lazy;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use crate::components::header::Header;
use crate::components::nav::Nav;
use crate::i18n::{I18n, use_i18n};
use crate::session::Session;
use crate::storage::StoreError;
use crate::sync::{Engine, SyncCtx};

/// The whole app: language context, then sign-in or the signed-in shell.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::from_device();
    provide_context(i18n);
    let session = RwSignal::new(None::<Session>);
    let loaded = RwSignal::new(false);
    provide_context(session);
    leptos::task::spawn_local(async move {
        session.set(Session::load().await);
        loaded.set(true);
    });

    view! {
        <components::update::UpdateBanner/>
        {move || match (loaded.get(), session.get()) {
            (false, _) => loading::loading_line().into_any(),
            (true, None) => view! { <pages::login::Login/> }.into_any(),
            (true, Some(s)) => view! { <SignedInModule session=s/> }.into_any(),
        }}
    }
}

/// The signed-in app, fetched as its own wasm chunk ([`routes::signed_in`]):
/// a first visit downloads only what the sign-in screen needs.
#[component]
fn SignedInModule(session: Session) -> impl IntoView {
    view! { <loading::Module load=move || routes::signed_in(session.clone()) failed=false/> }
}

/// The signed-in app: the router, then the engine and the shell.
pub(crate) fn signed_in_app(session: Session) -> AnyView {
    view! { <Router><SignedIn session/></Router> }.into_any()
}

/// Opens the user's local data, then shows the shell. Errors opening the
/// store (blocked upgrade, no IndexedDB) are shown in words.
///
/// A signal set once the engine has started, not a resource under
/// `<Suspense>`: the same screens, without the async-derived and suspense
/// machinery in the signed-in module (the page modules that use them carry it).
#[component]
fn SignedIn(session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let notice = RwSignal::new(None::<StoreError>);
    let engine = RwSignal::new(None::<Result<SyncCtx, StoreError>>);
    leptos::task::spawn_local(async move {
        let started = Engine::start(
            session,
            move || notice.set(Some(StoreError::Blocked)),
            move || notice.set(Some(StoreError::Blocked)),
        )
        .await;
        // Signed out meanwhile: the signal is gone and nothing is shown.
        let _ = engine.try_set(Some(started));
    });
    view! {
        {move || notice.get().map(|e| {
            let (zh, en) = e.message();
            view! { <div class="banner banner-bad" role="alert" data-testid="store-notice">
                {move || if i18n.lang.get() == anyuan_core::Lang::Zh { zh } else { en }}
            </div> }
        })}
        {move || match engine.get() {
            None => loading::loading_line().into_any(),
            Some(Ok(ctx)) => {
                provide_context(ctx);
                view! { <Shell/> }.into_any()
            }
            Some(Err(e)) => {
                let (zh, en) = e.message();
                view! { <div class="banner banner-bad" role="alert" data-testid="store-error">
                    {move || if i18n.lang.get() == anyuan_core::Lang::Zh { zh } else { en }}
                </div> }.into_any()
            }
        }}
    }
}

#[component]
fn Shell() -> impl IntoView {
    view! {
        <div class="shell">
            <Header/>
            <Nav/>
            <main class="content" id="main">
                <components::alert_banner::AlertBanner/>
                <FlatRoutes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::today::Today/>
                    <Route path=path!("/drills/*rest") view={Lazy::<routes::DrillsRoute>::new()}/>
                    <Route path=path!("/duty/*rest") view={Lazy::<routes::DutyRoute>::new()}/>
                    <Route path=path!("/lessons/*rest") view={Lazy::<routes::LessonsRoute>::new()}/>
                    <Route path=path!("/r/*rest") view={Lazy::<routes::RegistryRoute>::new()}/>
                    <Route path=path!("/classes") view={Lazy::<routes::ClassesRoute>::new()}/>
                    <Route path=path!("/sync") view={Lazy::<routes::SyncRoute>::new()}/>
                    <Route path=path!("/more") view={Lazy::<routes::MoreRoute>::new()}/>
                    <Route path=path!("/admin") view={Lazy::<routes::AdminRoute>::new()}/>
                </FlatRoutes>
            </main>
        </div>
    }
}
