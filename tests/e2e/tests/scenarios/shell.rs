use anyhow::{Result, ensure};
use anyuan_e2e::app::{DEMO_PASSWORD, cdp, fill, sign_in};
use anyuan_e2e::{Browser, Profile, Server, Viewport};
use serde_json::json;

#[tokio::test]
async fn shell_is_chinese_first_and_remembers_english() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;

    browser.goto(&server.url("/")).await?;
    let name = browser.text("app-name").await?;
    ensure!(name == "安园", "app name is {name:?}");
    browser.wait_lang("zh-CN").await?;
    browser.find("page-login").await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    browser.wait_text_contains("nav-today", "今日").await?;

    browser.click("lang-switch").await?;
    browser.wait_lang("en").await?;
    browser.wait_text_contains("nav-today", "Today").await?;

    // The choice is remembered across a reload.
    browser.reload().await?;
    browser.find("app-name").await?;
    browser.wait_lang("en").await?;
    browser.wait_text_contains("nav-today", "Today").await?;

    browser.goto(&server.url("/no-such-page")).await?;
    browser.find("not-found").await?;

    browser.close().await
}

/// The wasm files this page has fetched, by file name.
async fn wasm_fetched(browser: &Browser) -> Result<Vec<String>> {
    let names = browser
        .eval(
            "return performance.getEntriesByType('resource')\
               .map(e => new URL(e.name).pathname.slice(1))\
               .filter(n => n.endsWith('.wasm'))",
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// Makes requests for URLs matching `patterns` fail, as a dropped network
/// does (none: every request goes through again).
async fn block(browser: &Browser, patterns: &[&str]) -> Result<()> {
    cdp(
        browser,
        "Network.setBlockedURLs",
        json!({ "urls": patterns }),
    )
    .await?;
    Ok(())
}

/// Waits for the banner of a failed module fetch, lets every request
/// through again, retries, and waits for `shown`.
async fn unblock_and_retry(browser: &Browser, shown: &str) -> Result<()> {
    browser
        .wait_text_contains("module-load-failed", "网络中断")
        .await?;
    block(browser, &[]).await?;
    browser.click("module-load-retry").await?;
    browser.find(shown).await?;
    Ok(())
}

#[tokio::test]
async fn sign_in_needs_only_the_first_load_and_failed_module_fetches_can_be_retried() -> Result<()>
{
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    // The signed-in app's module fails to download, as on a network that
    // drops right after sign-in; the service worker is bypassed so it
    // cannot answer from its precache. Then the same for the drills module.
    cdp(&browser, "Network.enable", json!({})).await?;
    cdp(
        &browser,
        "Network.setBypassServiceWorker",
        json!({ "bypass": true }),
    )
    .await?;
    block(&browser, &["*split_signed_in*"]).await?;

    browser.goto(&server.url("/")).await?;
    browser.find("page-login").await?;
    let first = wasm_fetched(&browser).await?;
    ensure!(
        first.len() == 1 && first[0].ends_with("_bg.wasm"),
        "the sign-in screen fetched {first:?}, not only the main module"
    );

    fill(&browser, "login-name", "teacher1").await?;
    fill(&browser, "login-password", DEMO_PASSWORD).await?;
    browser.click("login-submit").await?;
    unblock_and_retry(&browser, "nav-today").await?;
    let after = wasm_fetched(&browser).await?;
    ensure!(
        after.iter().any(|n| n.starts_with("split_signed_in")),
        "signed in without fetching the signed-in module: {after:?}"
    );

    block(&browser, &["*split_drills*"]).await?;
    browser.click("nav-drills").await?;
    unblock_and_retry(&browser, "page-drills").await?;
    browser.close().await
}
