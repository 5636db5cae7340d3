//! Steps a person takes in the app, shared by the scenarios.

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

use crate::{Browser, Server, TIMEOUT, http_client, poll};

/// The password of every demo account the server seeds with `--demo`.
pub const DEMO_PASSWORD: &str = "anyuan2018";

/// Types `text` into the input with `data-testid=id`, replacing what was there.
pub async fn fill(browser: &Browser, id: &str, text: &str) -> Result<()> {
    let input = browser.find(id).await?;
    input
        .clear()
        .await
        .with_context(|| format!("clearing {id}"))?;
    input
        .send_keys(text)
        .await
        .with_context(|| format!("typing into {id}"))?;
    Ok(())
}

/// Signs in on the login page and waits for the signed-in shell.
pub async fn sign_in(browser: &Browser, login: &str, password: &str) -> Result<()> {
    fill(browser, "login-name", login).await?;
    fill(browser, "login-password", password).await?;
    browser.click("login-submit").await?;
    browser.find("nav-today").await?;
    Ok(())
}

/// Waits until a service worker controls the page, so the server may stop.
pub async fn wait_service_worker(browser: &Browser) -> Result<()> {
    poll(
        "the service worker to control the page",
        TIMEOUT,
        || async {
            let state = browser
                .eval(
                    "return [document.documentElement.dataset.sw || null, \
                 !!(navigator.serviceWorker && navigator.serviceWorker.controller)]",
                )
                .await?;
            Ok((state == json!(["ready", true])).then_some(()))
        },
    )
    .await
}

/// The number of changes waiting to sync, as the header shows it.
pub async fn waiting(browser: &Browser) -> Result<u64> {
    let el = browser.find("sync-waiting").await?;
    let count = el.attr("data-count").await?.unwrap_or_default();
    count
        .parse()
        .with_context(|| format!("sync-waiting data-count {count:?}"))
}

/// Waits until the header shows `n` changes waiting.
pub async fn wait_waiting(browser: &Browser, n: u64, timeout: std::time::Duration) -> Result<()> {
    poll(&format!("{n} changes waiting"), timeout, || async {
        let now = waiting(browser).await?;
        if now == n {
            Ok(Some(()))
        } else {
            bail!("{now} waiting")
        }
    })
    .await
}

/// Adds a class on the classes page and waits for "saved".
pub async fn add_class(browser: &Browser, name: &str, size: &str) -> Result<()> {
    browser.click("nav-classes").await?;
    browser.click("class-add").await?;
    fill(browser, "class-name", name).await?;
    fill(browser, "class-size", size).await?;
    browser.click("class-save").await?;
    browser.find("saved").await?;
    Ok(())
}

/// The names of the classes listed on the classes page.
pub async fn class_names(browser: &Browser) -> Result<Vec<String>> {
    browser.click("nav-classes").await?;
    browser.find("page-classes").await?;
    let names = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=class-name]')]\
             .map(e => e.textContent)",
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// Signs in through the API and pulls everything the account may read.
pub async fn server_records(server: &Server, login: &str) -> Result<Vec<Value>> {
    let http = http_client()?;
    let session: Value = http
        .post(server.url("/api/auth/login"))
        .json(&json!({ "login": login, "password": DEMO_PASSWORD }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["token"].as_str().context("no token")?.to_owned();
    let mut records = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page: Value = http
            .post(server.url("/api/sync/pull"))
            .bearer_auth(&token)
            .json(&json!({ "cursor": cursor, "limit": 1000 }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        records.extend(page["records"].as_array().cloned().unwrap_or_default());
        cursor = page["next_cursor"].clone();
        if page["more"] != json!(true) {
            return Ok(records);
        }
    }
}

/// Whether the server holds a class called `name`.
pub async fn server_has_class(server: &Server, login: &str, name: &str) -> Result<bool> {
    let records = server_records(server, login).await?;
    Ok(records
        .iter()
        .any(|r| r["kind"] == "class" && r["f"]["name"]["v"] == json!(name)))
}
