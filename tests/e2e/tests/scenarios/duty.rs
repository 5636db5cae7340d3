//! Duty watch: a shift's log written on two phones with no network reaches
//! both phones and the school admin, with the time the server received each
//! check-in; a district weather alert reaches a phone that was offline when
//! it was set, and its reports reach the district; a holiday period shows
//! its gap on the roster until a shift is corrected to fill it, and a
//! school's edited typhoon checklist is what its duty officer ticks off.

use std::time::Duration;

use anyhow::{Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, add_shift, choose, fill, open_shift, server_records, set_local_time, sign_in,
    texts_of, wait_service_worker, wait_shift_log, wait_synced,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, poll};
use serde_json::json;

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

#[tokio::test]
async fn a_shift_logged_offline_on_two_phones_reaches_everyone() -> Result<()> {
    let mut server = Server::start_new().await?;
    // The school admin builds today's roster: one officer now, the next after.
    let office = Profile::new()?;
    let admin = Browser::launch(&office, Viewport::TABLET).await?;
    admin.goto(&server.url("/")).await?;
    sign_in(&admin, "school1", DEMO_PASSWORD).await?;
    add_shift(&admin, "张值班", "officer", -60, 60).await?;
    add_shift(&admin, "李接班", "officer", 60, 180).await?;
    wait_synced(&admin, RECONNECT).await?;

    let (pa, pb) = (Profile::new()?, Profile::new()?);
    let a = Browser::launch(&pa, Viewport::PHONE).await?;
    let b = Browser::launch(&pb, Viewport::PHONE).await?;
    for phone in [&a, &b] {
        phone.goto(&server.url("/")).await?;
        sign_in(phone, "teacher1", DEMO_PASSWORD).await?;
        wait_service_worker(phone).await?;
        wait_synced(phone, RECONNECT).await?;
    }

    // The night: no network.
    server.stop()?;
    a.goto(&server.url("/")).await?;
    let first = open_shift(&a, "张值班").await?;
    a.click("duty-check-in").await?;
    a.find("duty-check-out").await?;
    // Only the phone's time so far: the server has not received it.
    a.find("duty-log-not-received").await?;
    a.click("duty-add-patrol").await?;
    fill(&a, "duty_patrol-area", "教学楼一层").await?;
    a.click("duty_patrol-save").await?;
    wait_shift_log(&a, 2, Duration::from_secs(10)).await?;
    a.click("duty-add-incident").await?;
    choose(&a, "duty_incident-incident_type", "intrusion").await?;
    fill(&a, "duty_incident-what", "校门口有陌生人徘徊").await?;
    fill(&a, "duty_incident-action", "保安劝离").await?;
    fill(&a, "duty_incident-reported_to", "王校长").await?;
    a.click("duty_incident-save").await?;
    wait_shift_log(&a, 3, Duration::from_secs(10)).await?;
    a.click("duty-add-handover").await?;
    fill(&a, "duty_handover-note", "东门门锁需维修").await?;
    fill(&a, "duty_handover-to", "李接班").await?;
    a.click("duty_handover-save").await?;
    wait_shift_log(&a, 4, Duration::from_secs(10)).await?;

    b.goto(&server.url("/")).await?;
    let second = open_shift(&b, "李接班").await?;
    b.click("duty-check-in").await?;
    b.find("duty-check-out").await?;
    wait_shift_log(&b, 1, Duration::from_secs(10)).await?;

    // Morning: the server is back.
    server.start().await?;
    for phone in [&a, &b] {
        wait_synced(phone, RECONNECT).await?;
    }
    // Phone A's check-in now shows when the server received it too.
    let received = a
        .wait_text_contains("duty-log-received", "服务器收到")
        .await?;
    ensure!(
        !a.exists("duty-log-not-received").await?,
        "a check-in still waits for the server after the sync: {received}"
    );
    let records = server_records(&server, "school1").await?;
    let children = |id: &str| records.iter().filter(|r| r["parent"] == json!(id)).count();
    ensure!(
        children(&first) == 4 && children(&second) == 1,
        "the server has {} entries for the first shift and {} for the second",
        children(&first),
        children(&second)
    );
    // Phone B sees the whole first shift and the handover it received.
    b.goto(&server.url(&format!("/duty/shifts/{first}")))
        .await?;
    wait_shift_log(&b, 4, RECONNECT).await?;
    b.goto(&server.url(&format!("/duty/shifts/{second}")))
        .await?;
    let received = b.text("duty-received-handovers").await?;
    ensure!(received.contains("东门门锁需维修"), "handover: {received}");
    // Phone A sees the next officer's check-in.
    a.goto(&server.url(&format!("/duty/shifts/{second}")))
        .await?;
    wait_shift_log(&a, 1, RECONNECT).await?;
    // The school admin sees the whole log.
    admin
        .goto(&server.url(&format!("/duty/shifts/{first}")))
        .await?;
    wait_shift_log(&admin, 4, RECONNECT).await?;
    let log = admin.text("duty-log").await?;
    ensure!(
        log.contains("教学楼一层") && log.contains("校门口有陌生人徘徊") && log.contains("王校长"),
        "the admin's log: {log}"
    );
    // A shift with a log is corrected, never deleted.
    admin.click("duty-shift-edit").await?;
    admin.find("duty-shift-has-log").await?;
    ensure!(
        !admin.exists("duty-shift-delete").await?,
        "a shift with a log offers deletion"
    );
    admin.close().await?;
    a.close().await?;
    b.close().await
}

#[tokio::test]
async fn a_district_typhoon_alert_reaches_an_offline_school_and_its_reports_reach_the_district()
-> Result<()> {
    let mut server = Server::start_new().await?;
    // The school's phone is set up, then goes quiet before the alert.
    let pp = Profile::new()?;
    let phone = Browser::launch(&pp, Viewport::PHONE).await?;
    phone.goto(&server.url("/")).await?;
    sign_in(&phone, "teacher1", DEMO_PASSWORD).await?;
    wait_service_worker(&phone).await?;
    wait_synced(&phone, RECONNECT).await?;
    phone.close().await?;

    // The district sets a typhoon alert.
    let pd = Profile::new()?;
    let district = Browser::launch(&pd, Viewport::DESKTOP).await?;
    district.goto(&server.url("/")).await?;
    sign_in(&district, "district", DEMO_PASSWORD).await?;
    district.click("nav-duty").await?;
    district.click("duty-new-alert").await?;
    choose(&district, "weather_alert-alert_type", "typhoon").await?;
    choose(&district, "weather_alert-level", "orange").await?;
    fill(&district, "weather_alert-note", "台风“山竹”将于今晚登陆").await?;
    district.click("weather-alert-save").await?;
    district.find("page-duty-alert").await?;
    let url = district.eval("return location.pathname").await?;
    let alert_path = url.as_str().unwrap_or_default().to_owned();
    wait_synced(&district, RECONNECT).await?;

    // The phone opens with no network: it has not heard of the alert.
    server.stop()?;
    let phone = Browser::launch(&pp, Viewport::PHONE).await?;
    phone.goto(&server.url("/")).await?;
    phone.find("page-today").await?;
    ensure!(
        !phone.exists("alert-banner").await?,
        "the banner showed before the phone synced"
    );
    // Its next sync brings the alert: the banner and the checklist.
    server.start().await?;
    wait_synced(&phone, RECONNECT).await?;
    let banner = phone.wait_text_contains("alert-banner", "台风").await?;
    ensure!(banner.contains("橙色"), "banner: {banner}");
    phone.click("alert-banner").await?;
    phone.find("duty-checklist").await?;
    poll(
        "a ticked checklist item",
        Duration::from_secs(10),
        || async {
            let ticked = phone
                .eval(
                    "const i = document.querySelector('[data-testid=duty-checklist-item] input'); \
                 if (!i) return false; if (!i.checked) i.click(); return i.checked",
                )
                .await?;
            Ok((ticked == json!(true)).then_some(()))
        },
    )
    .await?;
    // A status report, sent offline, reaches the district after the sync.
    server.stop()?;
    fill(&phone, "alert_report-note", "门窗已加固，学生已离校").await?;
    phone.click("duty-report-send").await?;
    phone.find("duty-report-row").await?;
    server.start().await?;
    wait_synced(&phone, RECONNECT).await?;

    district.goto(&server.url(&alert_path)).await?;
    let row = poll("the school's report at the district", RECONNECT, || async {
        let text = district.text("duty-report-row").await?;
        Ok(text.contains("一切正常").then_some(text))
    })
    .await?;
    ensure!(
        row.contains("门窗已加固"),
        "the district's report row: {row}"
    );
    let records = server_records(&server, "district").await?;
    ensure!(
        records.iter().any(|r| r["kind"] == json!("alert_tick")),
        "the district has no checklist tick"
    );
    district.close().await?;
    phone.close().await
}

/// Clicks the button `button` inside the element with `data-testid=item`
/// and `data-attr` = `value` (e.g. one checklist item's "remove").
async fn click_in(
    browser: &anyuan_e2e::Browser,
    item: &str,
    attr: &str,
    value: &str,
    button: &str,
) -> Result<()> {
    let selector = format!(
        "[data-testid={item}][data-{attr}={}] [data-testid={button}]",
        json!(value)
    );
    browser
        .click_selector(
            &selector,
            &format!("{button} of {value}"),
            Duration::from_secs(10),
        )
        .await
}

/// The coverage period `name`'s status word on the roster.
async fn coverage_status(browser: &anyuan_e2e::Browser, name: &str) -> Result<String> {
    let text = browser
        .eval(&format!(
            "const i = document.querySelector('[data-testid=duty-coverage-item][data-name={}] [data-testid=duty-coverage-status]'); \
             return i ? i.textContent.trim() : ''",
            json!(name)
        ))
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

/// Waits until the roster shows `name`'s status containing `word`.
async fn wait_coverage_status(
    browser: &anyuan_e2e::Browser,
    name: &str,
    word: &str,
) -> Result<String> {
    poll(
        &format!("{name} to read {word}"),
        Duration::from_secs(20),
        || async {
            let now = coverage_status(browser, name).await?;
            Ok(now.contains(word).then_some(now))
        },
    )
    .await
}

/// The roster's gaps on the first day of coverage period `name` and the day
/// after (a period in the evening runs past midnight), without repeats; the
/// roster is back on today after.
async fn gaps_of_period(browser: &anyuan_e2e::Browser, name: &str) -> Result<Vec<String>> {
    click_in(
        browser,
        "duty-coverage-item",
        "name",
        name,
        "duty-coverage-show",
    )
    .await?;
    browser.find("duty-gaps").await?;
    let mut gaps = texts_of(browser, "duty-gap").await?;
    browser.click("duty-next").await?;
    browser.find("duty-gaps").await?;
    for g in texts_of(browser, "duty-gap").await? {
        if !gaps.contains(&g) {
            gaps.push(g);
        }
    }
    browser.click("duty-today").await?;
    Ok(gaps)
}

#[tokio::test]
async fn a_holiday_gap_shows_until_a_shift_is_corrected_and_the_edited_typhoon_checklist_reaches_the_officer()
-> Result<()> {
    let server = Server::start_new().await?;
    let office = Profile::new()?;
    let admin = Browser::launch(&office, Viewport::TABLET).await?;
    admin.goto(&server.url("/")).await?;
    sign_in(&admin, "school1", DEMO_PASSWORD).await?;

    // A holiday period from in an hour to in three hours, with the default
    // rule (a leader and an officer at every minute).
    admin.click("nav-duty").await?;
    admin.click("duty-new-coverage").await?;
    choose(&admin, "duty_coverage-reason", "holiday").await?;
    fill(&admin, "duty_coverage-name", "国庆值守").await?;
    set_local_time(&admin, "duty_coverage-from", 60).await?;
    // An end before the start is explained next to the field, not saved.
    set_local_time(&admin, "duty_coverage-until", 30).await?;
    admin.click("duty-coverage-save").await?;
    let problem = admin
        .wait_text_contains("duty_coverage-until-error", "须晚于")
        .await?;
    ensure!(
        admin.exists("page-duty-coverage").await?,
        "saved despite: {problem}"
    );
    set_local_time(&admin, "duty_coverage-until", 180).await?;
    admin.click("duty-coverage-save").await?;
    admin.find("page-duty").await?;

    // Nobody is rostered: the period has a gap, and its day on the roster
    // shows both roles missing.
    wait_coverage_status(&admin, "国庆值守", "缺口").await?;
    click_in(
        &admin,
        "duty-coverage-item",
        "name",
        "国庆值守",
        "duty-coverage-show",
    )
    .await?;
    let gap = admin.wait_text_contains("duty-gap", "带班领导").await?;
    ensure!(gap.contains("值班人员"), "the gap: {gap}");

    // A leader for the whole period, an officer for its first part only.
    add_shift(&admin, "周带班", "leader", 0, 300).await?;
    add_shift(&admin, "吴值班", "officer", 30, 120).await?;
    let gap = poll("the officer-only gap", Duration::from_secs(20), || async {
        let gaps = gaps_of_period(&admin, "国庆值守").await?;
        let officer_only = |g: &String| !g.contains("带班领导") && g.contains("值班人员");
        Ok((!gaps.is_empty() && gaps.iter().all(officer_only)).then(|| gaps.join("; ")))
    })
    .await?;
    ensure!(
        coverage_status(&admin, "国庆值守").await?.contains("缺口"),
        "the period reads covered with a gap: {gap}"
    );

    // The admin corrects the officer's shift to run to the period's end.
    open_shift(&admin, "吴值班").await?;
    admin.click("duty-shift-edit").await?;
    admin.find("duty-shift-delete").await?;
    set_local_time(&admin, "duty_shift-end", 240).await?;
    admin.click("duty-shift-save").await?;
    admin.find("page-duty").await?;
    wait_coverage_status(&admin, "国庆值守", "已排满").await?;
    let gaps = gaps_of_period(&admin, "国庆值守").await?;
    ensure!(
        gaps.is_empty(),
        "gaps remain after the correction: {gaps:?}"
    );
    // A shift with nothing logged on it may be deleted (asked twice): the
    // leader's goes, and the period has a gap again.
    open_shift(&admin, "周带班").await?;
    admin.click("duty-shift-edit").await?;
    admin.click("duty-shift-delete").await?;
    admin
        .wait_text_contains("duty-shift-delete", "再点一次")
        .await?;
    admin.click("duty-shift-delete").await?;
    admin.find("page-duty").await?;
    wait_coverage_status(&admin, "国庆值守", "缺口").await?;
    let people = texts_of(&admin, "duty-shift-person").await?;
    ensure!(
        !people.iter().any(|p| p == "周带班"),
        "the deleted shift is still on the roster: {people:?}"
    );

    // The school edits its typhoon checklist: drops "outdoor activities
    // stopped", adds its own item and moves it up one place.
    admin.click("nav-duty").await?;
    admin.click("duty-edit-checklists").await?;
    admin.click("checklist-type-typhoon").await?;
    admin.wait_text_contains("checklist-source", "内置").await?;
    click_in(
        &admin,
        "checklist-edit-item",
        "key",
        "@outdoor_stopped",
        "checklist-item-remove",
    )
    .await?;
    fill(&admin, "checklist-new-item", "检查教学楼屋顶排水口").await?;
    admin.click("checklist-add").await?;
    click_in(
        &admin,
        "checklist-edit-item",
        "key",
        "检查教学楼屋顶排水口",
        "checklist-item-up",
    )
    .await?;
    admin.click("checklist-save").await?;
    admin.find("checklist-saved").await?;
    admin.wait_text_contains("checklist-source", "本校").await?;
    let edited: Vec<String> = serde_json::from_value(
        admin
            .eval(
                "return [...document.querySelectorAll('[data-testid=checklist-edit-item] .grow')] \
                 .map(e => e.textContent.trim())",
            )
            .await?,
    )?;

    // A typhoon alert for the school.
    admin.click("nav-duty").await?;
    admin.click("duty-new-alert").await?;
    choose(&admin, "weather_alert-alert_type", "typhoon").await?;
    choose(&admin, "weather_alert-level", "orange").await?;
    admin.click("weather-alert-save").await?;
    admin.find("page-duty-alert").await?;
    wait_synced(&admin, RECONNECT).await?;

    // The duty officer's phone: the alert's checklist is the school's.
    let pp = Profile::new()?;
    let phone = Browser::launch(&pp, Viewport::PHONE).await?;
    phone.goto(&server.url("/")).await?;
    sign_in(&phone, "teacher1", DEMO_PASSWORD).await?;
    wait_synced(&phone, RECONNECT).await?;
    phone.wait_text_contains("alert-banner", "台风").await?;
    phone.click("alert-banner").await?;
    phone.find("duty-checklist").await?;
    let items = poll("the school's checklist", RECONNECT, || async {
        let items = texts_of(&phone, "duty-checklist-item").await?;
        Ok(items
            .iter()
            .any(|i| i.contains("检查教学楼屋顶排水口"))
            .then_some(items))
    })
    .await?;
    ensure!(
        !items.iter().any(|i| i.contains("户外活动已停止")),
        "the removed item is still on the officer's list: {items:?}"
    );
    ensure!(
        items == edited,
        "the officer's list {items:?} is not the edited one {edited:?}"
    );
    let roof = items
        .iter()
        .position(|i| i.contains("检查教学楼屋顶排水口"));
    ensure!(
        roof == Some(items.len() - 2),
        "the moved item is not second to last: {items:?}"
    );

    // Reset to the default: the alert's checklist is the built-in one again.
    admin.click("nav-duty").await?;
    admin.click("duty-edit-checklists").await?;
    admin.click("checklist-type-typhoon").await?;
    admin.click("checklist-reset").await?;
    admin.click("checklist-reset").await?;
    admin.wait_text_contains("checklist-source", "内置").await?;
    admin.click("nav-duty").await?;
    admin.click("duty-alert-open").await?;
    admin.find("duty-checklist").await?;
    let items = poll(
        "the built-in checklist",
        Duration::from_secs(20),
        || async {
            let items = texts_of(&admin, "duty-checklist-item").await?;
            Ok(items
                .iter()
                .any(|i| i.contains("户外活动已停止"))
                .then_some(items))
        },
    )
    .await?;
    ensure!(
        !items.iter().any(|i| i.contains("检查教学楼屋顶排水口")),
        "the school's own item outlived the reset: {items:?}"
    );
    admin.close().await?;
    phone.close().await
}
