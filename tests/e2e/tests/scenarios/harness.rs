//! The harness itself: later scenarios rely on these properties.

use anyhow::{Result, ensure};
use anyuan_e2e::{Browser, Profile, Server, Viewport, http_client};

#[tokio::test]
async fn server_comes_back_on_the_same_port_after_being_killed() -> Result<()> {
    let mut server = Server::start_new().await?;
    let (port, health) = (server.port(), server.url("/api/health"));
    let http = http_client()?;

    server.stop()?;
    ensure!(!server.is_running());
    ensure!(
        http.get(&health).send().await.is_err(),
        "a stopped server still answers"
    );

    server.start().await?;
    ensure!(server.port() == port);
    let status = http.get(&health).send().await?.status();
    ensure!(status == 200, "GET /api/health after restart → {status}");
    Ok(())
}

#[tokio::test]
async fn browser_profile_survives_close_and_sigkill() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;

    let browser = Browser::launch(&profile, Viewport::DESKTOP).await?;
    browser.goto(&server.url("/")).await?;
    browser
        .eval("localStorage.setItem('e2e-harness', 'kept'); return null")
        .await?;
    let width = browser.eval("return window.innerWidth").await?;
    ensure!(width == 1280, "innerWidth is {width}");
    browser.close().await?;

    // Same profile after a clean close: storage is there.
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    let kept = browser
        .eval("return localStorage.getItem('e2e-harness')")
        .await?;
    ensure!(kept == "kept", "localStorage after restart: {kept}");
    // The emulated phone's screen (the layout viewport also depends on the
    // page's <meta name="viewport">).
    let screen = browser
        .eval("return [screen.width, screen.height, devicePixelRatio]")
        .await?;
    ensure!(
        screen == serde_json::json!([360, 740, 2]),
        "screen is {screen}"
    );
    browser.kill();

    // A profile whose browser was SIGKILLed opens again.
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    browser.close().await
}
