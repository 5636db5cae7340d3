//! Administration (管理): units (district admin) and accounts (district and
//! school admins). Units are synced records like any other, so they can be
//! added offline; accounts live only on the server, so managing them needs
//! the network, and the page says so when it is missing.

use anyuan_core::auth::{Role, may_manage_account};
use anyuan_core::form;
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use anyuan_core::sync::client::Edit;
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::i18n::{Strings, use_i18n};
use crate::sync::{SyncCtx, use_sync};

/// An account as the admin API lists it.
type Account = anyuan_core::wire::UserV1;

#[derive(Deserialize)]
struct AccountList {
    users: Vec<Account>,
}

#[derive(Serialize)]
struct NewAccount<'a> {
    login: &'a str,
    display_name: &'a str,
    role: Role,
    unit_id: UnitId,
    password: &'a str,
}

#[derive(Serialize)]
struct NewPassword<'a> {
    password: &'a str,
}

fn role_label(zh: bool, role: Role) -> &'static str {
    if zh { role.zh() } else { role.en() }
}

fn failure(t: &'static Strings, zh: bool, e: &ApiError) -> String {
    match e {
        ApiError::Rejected { zh: z, en, .. } => {
            if zh {
                z.clone()
            } else {
                en.clone()
            }
        }
        ApiError::Offline | ApiError::BadAnswer { .. } => t.admin_needs_network.to_string(),
        ApiError::Unauthorized => t.sync_problem_expired.to_string(),
        ApiError::Busy { .. } => t.sync_problem_busy.to_string(),
    }
}

/// Units the signed-in admin may attach accounts to: all of them for the
/// district, their own for a school.
fn unit_choices(sync: SyncCtx) -> Vec<(UnitId, String)> {
    let engine = sync.engine();
    let me = engine.session.user.clone();
    if me.role != Role::DistrictAdmin {
        return vec![(me.unit_id, me.unit_name)];
    }
    let mut units: Vec<(UnitId, String)> = engine
        .local
        .records_of(Kind::Unit)
        .into_iter()
        .map(|r| (UnitId(r.id.0), form::input_from_value(r.get("name"))))
        .collect();
    anyuan_core::order::sort_by(&mut units, |a, b| a.1.cmp(&b.1));
    units
}

#[component]
pub fn Admin() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let sync = use_sync();
    let role = sync.engine().session.user.role;
    view! {
        <section class="page" data-testid="page-admin">
            <h1 class="page-title">{move || t().admin_title}</h1>
            {(role == Role::DistrictAdmin).then(|| view! { <Units/> })}
            {(role != Role::Staff).then(|| view! { <Accounts/> })}
            {(role == Role::Staff).then(|| view! {
                <div class="empty-state" data-testid="admin-not-for-role">
                    <p class="empty-title">{move || t().admin_staff_title}</p>
                    <p class="muted">{move || t().admin_staff_text}</p>
                    <A href="/more" attr:class="btn" attr:data-testid="admin-back">{move || t().back_to_more}</A>
                </div>
            })}
        </section>
    }
}

/// The district's units, with a form to add one (a synced `unit` record).
#[component]
fn Units() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let units = Memo::new(move |_| {
        sync.status.data_version.track();
        unit_choices(sync)
    });
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("school".to_string());
    let touched = RwSignal::new(false);
    let checked = Memo::new(move |_| {
        let inputs = anyuan_core::order::map_of([
            ("name".to_string(), name.get()),
            ("type".to_string(), kind.get()),
        ]);
        form::check(Kind::Unit, &inputs, true)
    });
    let message = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let c = checked.get_untracked();
        if !c.is_ok() {
            return;
        }
        let id = Uuid::now_v7();
        let edit = Edit {
            record: RecordId(id),
            kind: Kind::Unit,
            unit: UnitId(id),
            parent: None,
            fields: c.values,
        };
        let engine = sync.engine();
        leptos::task::spawn_local(async move {
            match engine.save(edit).await {
                Ok(_) => {
                    name.set(String::new());
                    touched.set(false);
                    message.set(Some(i18n.t().saved_on_device.to_string()));
                }
                Err(_) => message.set(Some(i18n.t().save_failed.to_string())),
            }
        });
    };
    let name_problem = move || {
        checked.with(|c| {
            c.problems
                .get("name")
                .filter(|_| touched.get())
                .map(|p| if zh() { p.zh.clone() } else { p.en.clone() })
        })
    };
    view! {
        <div class="card">
            <h2>{move || t().admin_units}</h2>
            <ul class="plain-list" data-testid="unit-list">
                {move || units.get().into_iter().map(|(_, n)| view! { <li>{n}</li> }).collect_view()}
            </ul>
            <form class="form" on:submit=add novalidate>
                <label class="field">
                    <span class="label">{move || t().admin_unit_name}</span>
                    <input type="text" data-testid="unit-name" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    {move || name_problem().map(|m| view! { <span class="field-error">{m}</span> })}
                </label>
                <label class="field">
                    <span class="label">{move || t().admin_unit_type}</span>
                    <select data-testid="unit-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="school" selected=move || kind.get() == "school">{move || t().admin_school}</option>
                        <option value="kindergarten" selected=move || kind.get() == "kindergarten">{move || t().admin_kindergarten}</option>
                    </select>
                </label>
                {move || message.get().map(|m| view! { <p class="banner banner-ok" role="status">{m}</p> })}
                <button type="submit" class="btn btn-primary" data-testid="unit-add">{move || t().admin_unit_add}</button>
            </form>
        </div>
    }
}

/// Accounts: list, create, reset password, disable and enable.
#[component]
fn Accounts() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let me = sync.engine().session.user.clone();
    let actor = me.actor();
    let token = me_token(sync);
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        let token = token.clone();
        async move {
            api::get::<AccountList>("/api/admin/users", Some(&token))
                .await
                .map(|l| l.users)
        }
    });
    let roles: Vec<Role> = [Role::Staff, Role::SchoolAdmin, Role::DistrictAdmin]
        .into_iter()
        .filter(|r| may_manage_account(&actor, *r, actor.unit))
        .collect();
    let login = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff);
    let unit = RwSignal::new(me.unit_id);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = me_token(sync);
        leptos::task::spawn_local(async move {
            let (l, d, p) = (
                login.get_untracked(),
                display.get_untracked(),
                password.get_untracked(),
            );
            let body = NewAccount {
                login: l.trim(),
                display_name: d.trim(),
                role: role.get_untracked(),
                unit_id: unit.get_untracked(),
                password: &p,
            };
            let result: Result<serde::de::IgnoredAny, ApiError> =
                api::post("/api/admin/users", Some(&token), &body).await;
            match result {
                Ok(_) => {
                    outcome.set(Some(Ok(i18n.t().admin_account_created.to_string())));
                    login.set(String::new());
                    display.set(String::new());
                    password.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => outcome.set(Some(Err(failure(
                    i18n.t(),
                    i18n.lang.get_untracked() == anyuan_core::Lang::Zh,
                    &e,
                )))),
            }
        });
    };
    let units = Memo::new(move |_| {
        sync.status.data_version.track();
        unit_choices(sync)
    });
    view! {
        <div class="card">
            <h2>{move || t().admin_accounts}</h2>
            <Suspense fallback=move || view! { <p class="muted" role="status">{move || t().admin_loading}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="error" data-testid="accounts-error">{failure(t(), zh(), &e)}</p> }.into_any(),
                    Ok(users) => view! {
                        <ul class="cards" data-testid="account-list">
                            {users.into_iter().map(|u| view! { <AccountRow account=u on_change=move || reload.update(|n| *n += 1)/> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
            <form class="form" on:submit=create novalidate>
                <h3>{move || t().admin_account_new}</h3>
                <label class="field"><span class="label">{move || t().login_name}</span>
                    <input type="text" autocomplete="off" data-testid="account-login" prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/></label>
                <label class="field"><span class="label">{move || t().admin_display_name}</span>
                    <input type="text" data-testid="account-display" prop:value=move || display.get() on:input=move |ev| display.set(event_target_value(&ev))/></label>
                <label class="field"><span class="label">{move || t().admin_role}</span>
                    <select data-testid="account-role" on:change=move |ev| {
                        role.set(match event_target_value(&ev).as_str() { "school_admin" => Role::SchoolAdmin, "district_admin" => Role::DistrictAdmin, _ => Role::Staff })
                    }>
                        {roles.iter().map(|r| {
                            let r = *r;
                            let value = match r { Role::Staff => "staff", Role::SchoolAdmin => "school_admin", Role::DistrictAdmin => "district_admin" };
                            view! { <option value=value>{move || role_label(zh(), r)}</option> }
                        }).collect_view()}
                    </select></label>
                {move || (units.with(|u| u.len()) > 1).then(|| view! {
                    <label class="field"><span class="label">{move || t().admin_unit}</span>
                        <select data-testid="account-unit" on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse::<Uuid>() { unit.set(UnitId(id)) }
                        }>
                            {units.get().into_iter().map(|(id, n)| view! {
                                <option value=id.0.to_string() selected=move || unit.get() == id>{n}</option>
                            }).collect_view()}
                        </select></label>
                })}
                <label class="field"><span class="label">{move || t().admin_initial_password}</span>
                    <input type="password" autocomplete="new-password" data-testid="account-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/></label>
                {move || outcome.get().map(|o| match o {
                    Ok(m) => view! { <p class="banner banner-ok" role="status" data-testid="account-ok">{m}</p> }.into_any(),
                    Err(m) => view! { <p class="error" role="alert" data-testid="account-error">{m}</p> }.into_any(),
                })}
                <button type="submit" class="btn btn-primary" data-testid="account-create">{move || t().admin_account_create}</button>
            </form>
        </div>
    }
}

fn me_token(sync: SyncCtx) -> String {
    sync.engine().session.token.clone()
}

/// One account with its actions.
#[component]
fn AccountRow(
    account: Account,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let zh = move || i18n.lang.get() == anyuan_core::Lang::Zh;
    let sync = use_sync();
    let new_password = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let id = account.id;
    let disabled = account.disabled;
    let act = move |path: String, password: Option<String>| {
        let token = me_token(sync);
        leptos::task::spawn_local(async move {
            let result: Result<serde::de::IgnoredAny, ApiError> = match &password {
                Some(p) => api::post(&path, Some(&token), &NewPassword { password: p }).await,
                None => api::post(&path, Some(&token), &()).await,
            };
            match result {
                Ok(_) => {
                    new_password.set(String::new());
                    message.set(Some(i18n.t().admin_done.to_string()));
                    on_change();
                }
                Err(e) => message.set(Some(failure(
                    i18n.t(),
                    i18n.lang.get_untracked() == anyuan_core::Lang::Zh,
                    &e,
                ))),
            }
        });
    };
    let role = account.role;
    view! {
        <li class="card" data-testid="account-item">
            <p><strong>{account.display_name.clone()}</strong> " (" {account.login.clone()} ") · "
                {move || role_label(zh(), role)} " · " {account.unit_name.clone()}
                {disabled.then(|| view! { " " <span class="badge badge-bad">{move || t().admin_disabled}</span> })}
            </p>
            <div class="form-actions">
                <input type="password" autocomplete="new-password" aria-label=move || t().admin_new_password
                    placeholder=move || t().admin_new_password prop:value=move || new_password.get()
                    on:input=move |ev| new_password.set(event_target_value(&ev))/>
                <button class="btn" on:click=move |_| act(format!("/api/admin/users/{id}/password"), Some(new_password.get_untracked()))>
                    {move || t().admin_reset_password}
                </button>
                <button class="btn" on:click=move |_| act(format!("/api/admin/users/{id}/{}", if disabled { "enable" } else { "disable" }), None)>
                    {move || if disabled { t().admin_enable } else { t().admin_disable }}
                </button>
            </div>
            {move || message.get().map(|m| view! { <p class="muted" role="status">{m}</p> })}
        </li>
    }
}
