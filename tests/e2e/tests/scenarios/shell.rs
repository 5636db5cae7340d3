use anyhow::{Result, ensure};
use anyuan_e2e::app::{DEMO_PASSWORD, sign_in};
use anyuan_e2e::{Browser, Profile, Server, Viewport};

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
