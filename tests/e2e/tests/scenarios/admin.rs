//! Administration: a school admin creates a staff account that can then
//! sign in; the district admin adds a unit, which syncs like any record.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{DEMO_PASSWORD, fill, server_records, sign_in, wait_waiting};
use anyuan_e2e::{Browser, Profile, Server, Viewport};
use serde_json::json;

#[tokio::test]
async fn a_school_admin_creates_a_staff_account_that_can_sign_in() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    browser.click("nav-more").await?;
    browser.click("nav-admin").await?;
    browser.find("account-list").await?;
    fill(&browser, "account-login", "teacher9").await?;
    fill(&browser, "account-display", "王老师").await?;
    fill(&browser, "account-password", "short").await?;
    browser.click("account-create").await?;
    // The server's password rule is explained in Chinese, and nothing is created.
    let error = browser.text("account-error").await?;
    ensure!(error.contains('8'), "password rule message: {error:?}");
    fill(&browser, "account-password", "teacher9-pass").await?;
    browser.click("account-create").await?;
    browser.find("account-ok").await?;
    browser
        .wait_text_contains("account-list", "teacher9")
        .await?;

    browser.click("nav-more").await?;
    browser.click("sign-out").await?;
    sign_in(&browser, "teacher9", "teacher9-pass").await?;
    browser.click("nav-more").await?;
    browser.wait_text_contains("account-name", "王老师").await?;
    browser.close().await
}

#[tokio::test]
async fn the_district_admin_adds_a_unit_that_syncs() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "district", DEMO_PASSWORD).await?;
    browser.click("nav-more").await?;
    browser.click("nav-admin").await?;
    browser
        .wait_text_contains("unit-list", "示例第一中学")
        .await?;
    browser.click("unit-add").await?; // empty name: explained, not saved
    fill(&browser, "unit-name", "示例第二中学").await?;
    browser.click("unit-add").await?;
    browser
        .wait_text_contains("unit-list", "示例第二中学")
        .await?;
    wait_waiting(&browser, 0, Duration::from_secs(60)).await?;
    let records = server_records(&server, "district").await?;
    ensure!(
        records
            .iter()
            .any(|r| r["kind"] == "unit" && r["f"]["name"]["v"] == json!("示例第二中学")),
        "the server has no unit 示例第二中学"
    );
    browser.close().await
}
