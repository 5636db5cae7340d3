//! The page shown instead of a form the signed-in role may not use: what
//! the page is for, that this role cannot use it (the same rule the server
//! applies, from the core), whom to ask, and a way back.

use anyuan_core::kind::Kind;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// Whether the signed-in user may write records of `kind`.
pub fn may_write(kind: Kind) -> bool {
    kind.writable_by(use_sync().engine().session.user.role)
}

/// "Your role cannot use this page", for a form of `kind`; `back` is where
/// the link returns to.
#[component]
pub fn NotAllowed(kind: Kind, back: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let role = use_sync().engine().session.user.role;
    let spec = kind.spec();
    let text = move || {
        i18n.lang.get().pick(
            &format!(
                "此页面用于新增或修改{}。您的角色（{}）不能使用：只有学校管理员和区管理员可以。如需修改，请联系学校管理员。",
                spec.zh,
                role.zh()
            ),
            &format!(
                "This page adds or changes {} records. Your role ({}) cannot use it: only school and district administrators can. Ask your school administrator for a change.",
                spec.en,
                role.en()
            ),
        )
        .to_owned()
    };
    view! {
        <section class="page" data-testid="page-not-allowed">
            <h1 class="page-title">{move || i18n.lang.get().pick("无权使用此页面", "Not available to your role")}</h1>
            <p data-testid="not-allowed-text">{text}</p>
            <A href=back attr:class="btn btn-primary" attr:data-testid="not-allowed-back">
                {move || i18n.lang.get().pick("返回", "Go back")}
            </A>
        </section>
    }
}
