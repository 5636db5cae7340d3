//! Sign in (登录). Needs the network once; afterwards the session lasts
//! through weeks offline.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::header::{Brand, LangSwitch};
use crate::i18n::{Strings, use_i18n};
use crate::session::{LoginRequest, LoginResponse, Session};

/// The words for a failed sign-in.
fn failure_text(t: &'static Strings, zh: bool, e: &ApiError) -> String {
    match e {
        ApiError::Rejected {
            zh: m_zh, en: m_en, ..
        } => {
            if zh {
                m_zh.clone()
            } else {
                m_en.clone()
            }
        }
        ApiError::Unauthorized => t.login_wrong.to_string(),
        ApiError::Busy { .. } => t.login_busy.to_string(),
        ApiError::Offline | ApiError::BadAnswer { .. } => t.login_offline.to_string(),
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let session = expect_context::<RwSignal<Option<Session>>>();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let (l, p) = (login.get_untracked(), password.get_untracked());
            let request = LoginRequest {
                login: l.trim(),
                password: &p,
            };
            let result: Result<LoginResponse, ApiError> =
                api::post("/api/auth/login", None, &request).await;
            busy.set(false);
            match result {
                Ok(r) => {
                    let s = Session {
                        token: r.token,
                        user: r.user,
                    };
                    // On disk before the app moves on, so a killed browser
                    // does not sign the user out.
                    if let Err(e) = s.store().await {
                        let (zh, en) = e.message();
                        error.set(Some(ApiError::Rejected {
                            status: 0,
                            zh: zh.into(),
                            en: en.into(),
                        }));
                        return;
                    }
                    password.set(String::new());
                    session.set(Some(s));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <header class="topbar">
            <Brand/>
            <LangSwitch/>
        </header>
        <main class="content narrow" id="main">
            <section class="page" data-testid="page-login">
                <h1 class="page-title">{move || t().login_title}</h1>
                <p class="muted">{move || t().app_tagline}</p>
                <form class="card form" on:submit=submit novalidate>
                    <label class="field">
                        <span class="label">{move || t().login_name}</span>
                        <input
                            type="text"
                            name="login"
                            autocomplete="username"
                            autocapitalize="off"
                            required
                            data-testid="login-name"
                            prop:value=move || login.get()
                            on:input=move |ev| login.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field">
                        <span class="label">{move || t().login_password}</span>
                        <input
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                            data-testid="login-password"
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </label>
                    {move || error.get().map(|e| view! {
                        <p class="error" role="alert" data-testid="login-error">
                            {failure_text(t(), i18n.lang.get() == anyuan_core::Lang::Zh, &e)}
                        </p>
                    })}
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        data-testid="login-submit"
                        disabled=move || busy.get()
                    >
                        {move || if busy.get() { t().login_busy_button } else { t().login_submit }}
                    </button>
                </form>
            </section>
        </main>
    }
}
