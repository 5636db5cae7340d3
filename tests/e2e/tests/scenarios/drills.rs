//! Drills: the stopwatch works in a playground with no network, survives a
//! reload, and everything it recorded reaches the school admin.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, accept_confirms, arrived_classes, fill, plan_drill, record_arrival,
    server_records, sign_in, stopwatch_seconds, wait_service_worker, wait_synced,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, poll};
use serde_json::{Value, json};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

/// The server's records of `kind` under the drill `id`, as `login` reads them.
async fn drill_children(server: &Server, login: &str, id: &str, kind: &str) -> Result<Vec<Value>> {
    Ok(server_records(server, login)
        .await?
        .into_iter()
        .filter(|r| r["kind"] == json!(kind) && r["parent"] == json!(id))
        .collect())
}

#[tokio::test]
async fn a_drill_run_offline_from_a_cold_start_reaches_the_school_admin() -> Result<()> {
    let mut server = Server::start_new().await?;
    let phone = Profile::new()?;
    let browser = Browser::launch(&phone, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    wait_service_worker(&browser).await?;
    let id = plan_drill(&browser, "fire", "操场东侧").await?;
    wait_synced(&browser, RECONNECT).await?;

    // In the playground: no network, the app opens cold.
    server.stop()?;
    browser.goto(&server.url("/")).await?;
    browser.find("today-drill").await?;
    browser.click("today-drill-start").await?; // tap 1
    browser.click("drill-alarm").await?; // tap 2: the stopwatch runs
    browser.find("drill-missing").await?;
    for class in ["初一(1)班", "初二(1)班", "初三(1)班"] {
        record_arrival(&browser, class).await?;
    }
    browser.click("drill-milestone-evacuation_started").await?;
    poll(
        "the stopwatch to pass 2 s",
        Duration::from_secs(10),
        || async { Ok((stopwatch_seconds(&browser).await? >= 2).then_some(())) },
    )
    .await?;
    let before = stopwatch_seconds(&browser).await?;

    browser.reload().await?;
    let after = stopwatch_seconds(&browser).await?;
    ensure!(
        after >= before,
        "the stopwatch went back from {before} s to {after} s"
    );
    poll(
        "the stopwatch to keep running",
        Duration::from_secs(10),
        || async { Ok((stopwatch_seconds(&browser).await? > after).then_some(())) },
    )
    .await?;
    let arrived = arrived_classes(&browser).await?;
    ensure!(
        arrived == ["初一(1)班", "初三(1)班", "初二(1)班"],
        "after the reload: {arrived:?}"
    );
    let missing = browser.text("drill-missing").await?;
    ensure!(missing.contains("初一(2)班"), "still missing: {missing}");

    record_arrival(&browser, "初一(2)班").await?;
    browser.find("drill-all-arrived").await?;
    accept_confirms(&browser).await?;
    browser.click("drill-finish").await?;
    browser.find("page-drill-evaluate").await?;
    fill(&browser, "drill-staff", "12").await?;
    fill(&browser, "drill-problems", "初三(1)班走错楼梯").await?;
    fill(&browser, "drill-evaluation", "疏散有序，整体良好").await?;
    browser.click("drill-evaluate-save").await?;
    browser.find("drill-evaluation").await?;
    browser.click("drill-fix-add").await?;
    fill(&browser, "drill_fix-what", "楼梯口加贴疏散指示").await?;
    fill(&browser, "drill_fix-owner", "王主任").await?;
    browser
        .eval(
            "const i = document.querySelector('[data-testid=drill_fix-deadline]'); \
             i.value = '2026-12-31'; i.dispatchEvent(new Event('input', {bubbles: true})); return 1",
        )
        .await?;
    browser.click("drill-fix-save").await?;
    browser.find("drill-fix").await?;

    // Back in the office: the server returns and everything syncs.
    server.start().await?;
    wait_synced(&browser, RECONNECT).await?;
    let entries = drill_children(&server, "school1", &id, "drill_entry").await?;
    let what = |w: &str| {
        entries
            .iter()
            .filter(|e| e["f"]["what"]["v"] == json!(w))
            .count()
    };
    ensure!(
        what("alarm") == 1 && what("arrival") == 4 && what("evacuation_started") == 1,
        "the server has entries {entries:?}"
    );
    let fixes = drill_children(&server, "school1", &id, "drill_fix").await?;
    ensure!(fixes.len() == 1, "the server has improvements {fixes:?}");

    // The school admin, on another browser, sees the drill with its arrivals.
    let office = Profile::new()?;
    let admin = Browser::launch(&office, Viewport::TABLET).await?;
    admin.goto(&server.url("/")).await?;
    sign_in(&admin, "school1", DEMO_PASSWORD).await?;
    admin.goto(&server.url(&format!("/drills/{id}"))).await?;
    let status = admin.wait_text_contains("drill-status", "已完成").await?;
    ensure!(status.contains("已完成"), "status {status}");
    poll("four arrivals in the admin's table", RECONNECT, || async {
        let rows = admin
            .eval("return document.querySelectorAll('[data-testid=drill-arrival-row]').length")
            .await?;
        Ok((rows == json!(4)).then_some(()))
    })
    .await?;
    let problems = admin.text("drill-fact-problems").await?;
    ensure!(problems.contains("走错楼梯"), "problems: {problems}");
    admin.close().await?;
    browser.close().await
}

#[tokio::test]
async fn two_phones_record_arrivals_of_one_drill_offline_and_both_see_all() -> Result<()> {
    let mut server = Server::start_new().await?;
    let (pa, pb) = (Profile::new()?, Profile::new()?);
    let a = Browser::launch(&pa, Viewport::PHONE).await?;
    a.goto(&server.url("/")).await?;
    sign_in(&a, "teacher1", DEMO_PASSWORD).await?;
    wait_service_worker(&a).await?;
    let id = plan_drill(&a, "earthquake", "操场").await?;
    wait_synced(&a, RECONNECT).await?;
    let b = Browser::launch(&pb, Viewport::PHONE).await?;
    b.goto(&server.url("/")).await?;
    sign_in(&b, "school1", DEMO_PASSWORD).await?;
    wait_service_worker(&b).await?;
    wait_synced(&b, RECONNECT).await?;

    server.stop()?;
    let run = server.url(&format!("/drills/{id}/run"));
    for (name, phone, classes) in [
        ("A", &a, ["初一(1)班", "初一(2)班"]),
        ("B", &b, ["初二(1)班", "初三(1)班"]),
    ] {
        phone.goto(&run).await?;
        phone
            .click("drill-alarm")
            .await
            .with_context(|| format!("phone {name} at {run}"))?;
        for class in classes {
            record_arrival(phone, class).await?;
        }
    }
    ensure!(arrived_classes(&a).await?.len() == 2, "phone A before sync");

    server.start().await?;
    let all = ["初一(1)班", "初一(2)班", "初三(1)班", "初二(1)班"];
    for phone in [&a, &b] {
        wait_synced(phone, RECONNECT).await?;
        poll("all four arrivals on the phone", RECONNECT, || async {
            // A sync that pulled the other phone's entries updates the screen.
            let arrived = arrived_classes(phone).await?;
            Ok((arrived == all).then_some(()))
        })
        .await?;
    }
    ensure!(
        a.text("drill-all-arrived").await?.contains("全部"),
        "phone A does not show full accountability"
    );
    a.close().await?;
    b.close().await
}
