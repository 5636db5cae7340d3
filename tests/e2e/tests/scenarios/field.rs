//! What people met in the field (issue 19): a page that rendered only its
//! title, Today rows that could not be told apart, contrast and keyboard
//! problems (axe-core on every signed-in page, phone and tablet), an About
//! text that claimed modules the app does not have, and a lesson form
//! without attendance.

use std::time::Duration;

use anyhow::{Context as _, Result, bail, ensure};
use anyuan_e2e::a11y;
use anyuan_e2e::app::{
    DEMO_PASSWORD, api_token, choose_text, fill, fill_lesson, plan_drill, sign_in, sign_out,
    texts_of, wait_synced,
};
use anyuan_e2e::{Browser, Profile, Server, TIMEOUT, Viewport, http_client, poll};
use serde_json::json;

/// Long enough for a first sync after sign-in.
const SYNC: Duration = Duration::from_secs(90);

/// Opens `path` and waits for the page `testid` with its module loaded.
async fn open(browser: &Browser, server: &Server, path: &str, testid: &str) -> Result<()> {
    browser.goto(&server.url(path)).await?;
    browser.find(testid).await?;
    poll(&format!("{path} to finish loading"), TIMEOUT, || async {
        let busy = browser
            .eval("return document.documentElement.classList.contains('module-loading')")
            .await?;
        Ok((busy == json!(false)).then_some(()))
    })
    .await
}

/// The page's text without its title: what it says besides its name.
async fn body_text(browser: &Browser, testid: &str) -> Result<String> {
    let text = browser
        .eval(&format!(
            "const p = document.querySelector('[data-testid={testid}]'); \
             const c = p.cloneNode(true); c.querySelectorAll('h1').forEach(h => h.remove()); \
             return c.textContent.trim()"
        ))
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

/// Opens `path`, checks it says something besides its title, and runs
/// axe-core on it; what is wrong is added to `problems` (so one run names
/// every page's problems).
async fn check_page(
    browser: &Browser,
    server: &Server,
    who: &str,
    path: &str,
    testid: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    open(browser, server, path, testid).await?;
    check_open_page(browser, &format!("{who} {path}"), testid, problems).await
}

/// [`check_page`] for the page already open.
async fn check_open_page(
    browser: &Browser,
    label: &str,
    testid: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    if body_text(browser, testid).await?.is_empty() {
        problems.push(format!("{label} shows only its title"));
    }
    problems.extend(a11y::report(browser, label).await?);
    Ok(())
}

/// Every signed-in page, as each role that can see it, at `viewport`.
async fn every_signed_in_page_passes_axe(viewport: Viewport) -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, viewport).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "school1", DEMO_PASSWORD).await?;
    wait_synced(&browser, SYNC).await?;
    // Something in each list: a drill (its detail page) and a lesson.
    let drill = plan_drill(&browser, "fire", "操场东侧").await?;
    browser.click("nav-lessons").await?;
    browser.click("lesson-new").await?;
    fill_lesson(&browser, "初一(1)班", "fire", "1", "认识灭火器", "读本").await?;
    let drill_path = format!("/drills/{drill}");
    let mut problems = Vec::new();
    let problems = &mut problems;
    let school_pages = [
        ("/", "page-today"),
        ("/drills", "page-drills"),
        (drill_path.as_str(), "page-drill"),
        ("/duty", "page-duty"),
        ("/lessons", "page-lessons"),
        ("/lessons/plan", "page-lesson-plan"),
        ("/classes", "page-classes"),
        ("/sync", "page-sync"),
        ("/more", "page-more"),
    ];
    for (path, testid) in school_pages {
        check_page(&browser, &server, "school1", path, testid, problems).await?;
    }
    open(&browser, &server, "/admin", "page-admin").await?;
    browser.find("account-list").await?;
    check_open_page(&browser, "school1 /admin", "page-admin", problems).await?;
    // The registries: the list of them, lists, a form, record pages (one
    // with child records and the history).
    for (path, testid) in [
        ("/r", "page-registries"),
        ("/r/emergency_plans", "page-record-list"),
        ("/r/emergency_plans/new", "page-record-form"),
        ("/r/vehicle_barriers", "page-record-list"),
    ] {
        check_page(&browser, &server, "school1", path, testid, problems).await?;
    }
    for list in ["/r/chemicals", "/r/vehicle_barriers"] {
        open(&browser, &server, list, "page-record-list").await?;
        browser.click("record-open").await?;
        browser.find("page-record").await?;
        browser.click("history-show").await?;
        browser.find("history-list").await?;
        check_open_page(
            &browser,
            &format!("school1 {list}/<id>"),
            "page-record",
            problems,
        )
        .await?;
    }

    sign_out(&browser).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    wait_synced(&browser, SYNC).await?;
    for (path, testid) in [
        ("/", "page-today"),
        ("/lessons", "page-lessons"),
        ("/duty", "page-duty"),
        ("/admin", "page-admin"),
        ("/r/clues", "page-record-list"),
        ("/r/clues/new", "page-record-form"),
        ("/r/leading_group", "page-record-list"),
    ] {
        check_page(&browser, &server, "teacher1", path, testid, problems).await?;
    }

    sign_out(&browser).await?;
    sign_in(&browser, "district", DEMO_PASSWORD).await?;
    wait_synced(&browser, SYNC).await?;
    for (path, testid) in [
        ("/drills", "page-drills"),
        ("/lessons", "page-lessons"),
        ("/r", "page-registries"),
        ("/r/emergency_plans", "page-record-list"),
        ("/r/clues", "page-record-list"),
    ] {
        check_page(&browser, &server, "district", path, testid, problems).await?;
    }
    open(&browser, &server, "/admin", "page-admin").await?;
    browser.find("unit-list").await?;
    browser.find("account-list").await?;
    check_open_page(&browser, "district /admin", "page-admin", problems).await?;
    browser.close().await?;
    ensure!(problems.is_empty(), "{}", problems.join("\n\n"));
    Ok(())
}

#[tokio::test]
async fn every_signed_in_page_passes_axe_on_a_phone() -> Result<()> {
    every_signed_in_page_passes_axe(Viewport::PHONE).await
}

#[tokio::test]
async fn every_signed_in_page_passes_axe_on_a_tablet() -> Result<()> {
    every_signed_in_page_passes_axe(Viewport::TABLET).await
}

#[tokio::test]
async fn staff_opening_admin_are_told_why_it_is_empty_and_led_back() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    open(&browser, &server, "/admin", "page-admin").await?;
    let body = body_text(&browser, "page-admin").await?;
    ensure!(
        body.contains("管理员") && body.contains("教职工"),
        "the admin page tells staff nothing: {body:?}"
    );
    browser.click("admin-back").await?;
    browser.find("page-more").await?;
    browser.close().await
}

#[tokio::test]
async fn staff_typing_an_admin_form_address_are_told_they_cannot_use_it() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    for (path, form) in [
        ("/duty/shifts/new", "duty-shift-form"),
        ("/duty/alerts/new", "weather-alert-form"),
        ("/duty/coverage/new", "duty-coverage-form"),
        ("/duty/checklists", "checklist-editor"),
    ] {
        open(&browser, &server, path, "page-not-allowed").await?;
        let text = browser.text("not-allowed-text").await?;
        ensure!(
            text.contains("教职工") && text.contains("管理员"),
            "{path} does not say why: {text:?}"
        );
        ensure!(!browser.exists(form).await?, "{path} still offers the form");
    }
    browser.click("not-allowed-back").await?;
    browser.find("page-duty").await?;
    browser.close().await
}

#[tokio::test]
async fn today_tells_unfinished_drills_of_one_kind_apart() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    // Two earthquake drills, started and left running.
    for place in ["操场东侧", "体育馆"] {
        let id = plan_drill(&browser, "earthquake", place).await?;
        open(
            &browser,
            &server,
            &format!("/drills/{id}/run"),
            "page-drill-run",
        )
        .await?;
        browser.click("drill-alarm").await?;
        browser.find("drill-elapsed").await?;
    }
    open(&browser, &server, "/", "page-today").await?;
    let rows = poll("two running drills on Today", TIMEOUT, || async {
        let rows: Vec<String> = texts_of(&browser, "today-drill")
            .await?
            .into_iter()
            .filter(|r| r.contains("演练进行中"))
            .collect();
        Ok((rows.len() == 2).then_some(rows))
    })
    .await?;
    ensure!(
        rows[0] != rows[1],
        "the running drills look alike: {rows:?}"
    );
    for place in ["操场东侧", "体育馆"] {
        ensure!(
            rows.iter().filter(|r| r.contains(place)).count() == 1,
            "{place} is not named on exactly one row: {rows:?}"
        );
    }
    browser.close().await
}

#[tokio::test]
async fn the_about_text_claims_only_what_the_app_does() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::PHONE).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    // The whole More page: the About text, wherever it sits.
    open(&browser, &server, "/more", "page-more").await?;
    let zh = body_text(&browser, "page-more").await?;
    ensure!(zh.contains("关于安园"), "no About on More: {zh}");
    for word in [
        "演练",
        "值班",
        "安全教育课",
        "班级",
        "应急预案",
        "线索举报",
        "同步",
    ] {
        ensure!(zh.contains(word), "About does not name {word}: {zh}");
    }
    // Not yet in the app: the hazard ledger and information reporting.
    for claim in ["隐患", "报送"] {
        ensure!(!zh.contains(claim), "About claims {claim}: {zh}");
    }
    browser.click("lang-switch").await?;
    browser.wait_lang("en").await?;
    let en = body_text(&browser, "page-more").await?.to_lowercase();
    ensure!(en.contains("about anyuan"), "no About on More: {en}");
    for claim in ["hazard", "reporting"] {
        ensure!(!en.contains(claim), "About claims {claim}: {en}");
    }
    browser.close().await
}

#[tokio::test]
async fn a_lesson_records_attendance_checked_against_the_class_size() -> Result<()> {
    let server = Server::start_new().await?;
    let profile = Profile::new()?;
    let browser = Browser::launch(&profile, Viewport::TABLET).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    wait_synced(&browser, SYNC).await?;
    browser.click("nav-lessons").await?;
    browser.click("lesson-new").await?;
    // 初一(1)班 has 40 students: 41 present is explained, and not saved.
    choose_text(&browser, "lesson-class", "初一(1)班").await?;
    fill(&browser, "safety_lesson-present", "41").await?;
    let error = browser.text("safety_lesson-present-error").await?;
    ensure!(
        error.contains("41") && error.contains("40"),
        "attendance message: {error:?}"
    );
    fill_lesson(&browser, "初一(1)班", "fire", "1", "认识灭火器", "读本")
        .await
        .err()
        .context("a lesson with 41 of 40 students present was saved")?;
    browser.find("page-lesson-edit").await?;
    fill(&browser, "safety_lesson-present", "38").await?;
    browser.click("lesson-save").await?;
    browser.find("page-lessons").await?;
    let shown = browser.text("lesson-row-present").await?;
    ensure!(
        shown == "38/40",
        "the lessons list shows attendance {shown:?}"
    );
    wait_synced(&browser, SYNC).await?;

    // The lessons export has it too (the server runs the same report).
    let token = api_token(&server, "teacher1").await?;
    let csv = http_client()?
        .get(server.url("/api/export/lessons?format=csv&lang=zh"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    ensure!(
        header.contains("学生出勤人数") && header.contains("班级人数"),
        "export header: {header}"
    );
    let Some(row) = lines.find(|l| l.contains("初一(1)班")) else {
        bail!("no lesson of 初一(1)班 in the export:\n{csv}");
    };
    ensure!(row.ends_with(",38,40"), "export row: {row}");
    browser.close().await
}
