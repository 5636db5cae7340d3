//! Refused changes: when the server refuses a change, the device keeps it,
//! says why in words, and lets the user send it again.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, add_class, class_names, server_has_class, set_role, sign_in, wait_synced,
    wait_waiting, waiting,
};
use anyuan_e2e::{Browser, Profile, Server, TIMEOUT, Viewport, poll};

/// A sync after a save is debounced and may follow a backoff.
const SYNC: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_change_refused_because_the_role_changed_is_shown_with_its_reason_and_kept() -> Result<()>
{
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    browser.wait_lang("zh-CN").await?;
    wait_synced(&browser, SYNC).await?;

    // The district office makes school1 a staff member while the app is open;
    // the app still believes school1 is a school administrator.
    set_role(&server, "district", "school1", "staff").await?;
    let name = "角色变更测试班";
    add_class(&browser, name, "35").await?;

    browser.find("sync-refused").await?;
    wait_waiting(&browser, 0, SYNC).await?;
    ensure!(
        !server_has_class(&server, "district", name).await?,
        "the server took a class from a staff member"
    );

    browser.click("sync-status").await?;
    browser.find("page-sync").await?;
    let items = browser
        .eval("return document.querySelectorAll('[data-testid=refused-item]').length")
        .await?;
    ensure!(items == 1, "{items} refused items listed");
    // The core's refusal: 您的角色（教职工）不能修改班级记录。请联系学校管理员处理。
    let reason = browser.text("refused-reason").await?;
    for part in ["您的角色", "教职工", "不能修改", "班级"] {
        ensure!(
            reason.contains(part),
            "refused-reason {reason:?} lacks {part:?}"
        );
    }
    ensure!(
        browser.text("sync-page-waiting").await?.trim() == "0",
        "the sync page counts the refused change as waiting"
    );

    // Refused is not lost: the class is still on the device, also after a reload.
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == name),
        "the refused class is gone from the list: {names:?}"
    );
    browser.reload().await?;
    browser.find("sync-refused").await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().any(|n| n == name),
        "the refused class is gone after a reload: {names:?}"
    );
    ensure!(waiting(&browser).await? == 0, "refused counted as waiting");

    // The role is back: the user resends the change as it was.
    set_role(&server, "district", "school1", "school_admin").await?;
    browser.click("sync-status").await?;
    browser.click("refused-resend").await?;
    poll("the class to reach the server", SYNC, || async {
        Ok(server_has_class(&server, "school1", name)
            .await?
            .then_some(()))
    })
    .await?;
    poll("the refused badge to go", TIMEOUT, || async {
        Ok((!browser.exists("sync-refused").await?).then_some(()))
    })
    .await?;
    poll("the refused item to go", TIMEOUT, || async {
        Ok((!browser.exists("refused-item").await?).then_some(()))
    })
    .await?;
    wait_synced(&browser, SYNC).await?;
    let names = class_names(&browser).await?;
    ensure!(
        names.iter().filter(|n| *n == name).count() == 1,
        "after resending: {names:?}"
    );
    browser.close().await
}
