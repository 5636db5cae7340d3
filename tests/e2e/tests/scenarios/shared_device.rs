//! A tablet shared by several people: each user's unsynced work stays theirs
//! across sign-outs, and reaches the server under their own account.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, add_class, class_names, server_has_class, sign_in, wait_service_worker,
    wait_synced, wait_waiting, waiting,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, poll};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

#[tokio::test]
async fn a_shared_tablet_keeps_each_users_unsynced_work_apart() -> Result<()> {
    let mut server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::TABLET).await?;
    browser.goto(&server.url("/")).await?;
    let name = "共用平板测试班";

    // school1 works offline and signs out with the change still waiting.
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    wait_service_worker(&browser).await?;
    wait_synced(&browser, RECONNECT).await?;
    server.stop()?;
    add_class(&browser, name, "33").await?;
    wait_waiting(&browser, 1, RECONNECT).await?;
    browser.click("nav-more").await?;
    browser.click("sign-out").await?;
    let warning = browser.text("signout-warning").await?;
    ensure!(
        warning.contains('1'),
        "the warning does not count the change: {warning:?}"
    );
    ensure!(
        !browser.exists("page-login").await?,
        "signed out without heeding the warning"
    );
    browser.click("sign-out").await?;
    browser.find("page-login").await?;

    // school2, another school, on the same tablet.
    server.start().await?;
    sign_in(&browser, "school2", DEMO_PASSWORD).await?;
    wait_synced(&browser, RECONNECT).await?;
    ensure!(waiting(&browser).await? == 0, "school2 has changes waiting");
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == "一年级(1)班"),
        "school2 does not see its own classes: {names:?}"
    );
    ensure!(
        !names.iter().any(|n| n == name || n == "初一(1)班"),
        "school2 sees school1's classes: {names:?}"
    );
    ensure!(
        !browser.exists("sync-refused").await?,
        "school2's sync had changes refused (school1's change pushed as school2?)"
    );
    browser.click("nav-more").await?;
    browser.click("sign-out").await?; // nothing waiting: one tap
    browser.find("page-login").await?;

    // school1 again: the class is there and syncs under school1.
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == name),
        "school1's class is gone after another user: {names:?}"
    );
    ensure!(
        !names.iter().any(|n| n == "一年级(1)班"),
        "school1 sees school2's classes: {names:?}"
    );
    wait_waiting(&browser, 0, RECONNECT).await?;
    poll("the server to have school1's class", RECONNECT, || async {
        Ok(server_has_class(&server, "school1", name)
            .await?
            .then_some(()))
    })
    .await?;
    ensure!(
        !server_has_class(&server, "school2", name).await?,
        "school2 can pull school1's class"
    );
    ensure!(
        !browser.exists("sync-refused").await?,
        "school1's change was refused"
    );
    browser.close().await
}
