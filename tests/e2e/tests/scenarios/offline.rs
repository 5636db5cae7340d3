//! Offline-first: work done with the server down survives reloads and a
//! killed browser, and reaches the server by itself when it is back.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, add_class, class_names, server_has_class, sign_in, wait_service_worker,
    wait_waiting, waiting,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, poll};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

#[tokio::test]
async fn a_class_added_offline_survives_a_reload_and_syncs_when_the_server_returns() -> Result<()> {
    let mut server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    wait_service_worker(&browser).await?;
    wait_waiting(&browser, 0, RECONNECT).await?;

    server.stop()?;
    browser.reload().await?;
    browser.find("app-name").await?; // the shell came from the service worker
    add_class(&browser, "离线测试一班", "38").await?;
    browser.reload().await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == "离线测试一班"),
        "after reload: {names:?}"
    );
    ensure!(
        waiting(&browser).await? == 1,
        "the class is not counted as waiting"
    );

    server.start().await?;
    wait_waiting(&browser, 0, RECONNECT).await?;
    ensure!(
        server_has_class(&server, "school1", "离线测试一班").await?,
        "the server does not have the class"
    );
    browser.close().await
}

#[tokio::test]
async fn a_class_saved_right_before_the_browser_is_killed_is_kept_and_syncs() -> Result<()> {
    let mut server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    wait_service_worker(&browser).await?;

    server.stop()?;
    add_class(&browser, "断电测试班", "41").await?;
    browser.kill(); // SIGKILL right after "saved"

    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?; // server down: the service worker answers
    browser.find("nav-today").await?; // still signed in
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == "断电测试班"),
        "after SIGKILL: {names:?}"
    );
    ensure!(
        waiting(&browser).await? == 1,
        "the class is not counted as waiting"
    );

    server.start().await?;
    wait_waiting(&browser, 0, RECONNECT).await?;
    poll("the server to have the class", RECONNECT, || async {
        Ok(server_has_class(&server, "school1", "断电测试班")
            .await?
            .then_some(()))
    })
    .await?;
    browser.close().await
}
