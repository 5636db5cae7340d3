//! Safety lessons: a teacher on a tablet logs lessons with no network, the
//! form keeps what was typed through a validation error and a reload, and
//! the school admin sees the lessons and the four in place once the server
//! is back. A lesson for another school's class is neither offered nor
//! accepted.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, api_session, choose, choose_text, fill, fill_lesson, input_value, option_texts,
    plan_theme, push_change, server_records, set_value, sign_in, texts_of, wait_service_worker,
    wait_synced,
};
use anyuan_e2e::{Browser, Profile, Server, TIMEOUT, Viewport, poll};
use serde_json::{Value, json};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

const SCHOOL1_CLASSES: [&str; 4] = ["初一(1)班", "初一(2)班", "初二(1)班", "初三(1)班"];

/// The class names of `login`'s unit on the server.
async fn class_records(server: &Server, login: &str) -> Result<Vec<Value>> {
    Ok(server_records(server, login)
        .await?
        .into_iter()
        .filter(|r| r["kind"] == json!("class"))
        .collect())
}

/// Waits until the four-in-place row of `class` shows `hours`
/// (delivered / planned).
async fn wait_hours(browser: &Browser, class: &str, hours: &str) -> Result<()> {
    poll(
        &format!("{class} to show {hours} hours"),
        TIMEOUT,
        || async {
            let classes = texts_of(browser, "lesson-four-class").await?;
            let shown = texts_of(browser, "lesson-four-hours").await?;
            let got = classes
                .iter()
                .position(|c| c == class)
                .and_then(|i| shown.get(i).cloned());
            Ok((got.as_deref() == Some(hours)).then_some(()))
        },
    )
    .await
}

#[tokio::test]
async fn a_teacher_logs_lessons_offline_and_the_school_admin_sees_them() -> Result<()> {
    let mut server = Server::start_new().await?;
    // The school admin plans fire safety for 初一(1)班, taught by 张老师.
    let office = Profile::new()?;
    let admin = Browser::launch(&office, Viewport::TABLET).await?;
    admin.goto(&server.url("/")).await?;
    sign_in(&admin, "school1", DEMO_PASSWORD).await?;
    wait_synced(&admin, RECONNECT).await?;
    plan_theme(&admin, "初一(1)班", "fire", "2", "张老师").await?;
    let planned = admin.text("plan-row").await?;
    ensure!(planned.contains("消防安全"), "plan row {planned}");
    wait_synced(&admin, RECONNECT).await?;

    let tablet = Profile::new()?;
    let browser = Browser::launch(&tablet, Viewport::TABLET).await?;
    browser.goto(&server.url("/")).await?;
    sign_in(&browser, "teacher1", DEMO_PASSWORD).await?;
    wait_service_worker(&browser).await?;
    wait_synced(&browser, RECONNECT).await?;

    // What is due from her: the planned theme.
    browser.click("nav-lessons").await?;
    let due = browser.text("lesson-due-item").await?;
    ensure!(
        due.contains("初一(1)班") && due.contains("消防安全") && due.contains("还差2课时"),
        "due: {due}"
    );
    // Only her school's classes are offered.
    browser.click("lesson-new").await?;
    let offered = option_texts(&browser, "lesson-class").await?;
    ensure!(offered == SCHOOL1_CLASSES, "classes offered: {offered:?}");
    let other: Vec<String> = class_records(&server, "school2")
        .await?
        .iter()
        .filter_map(|c| c["f"]["name"]["v"].as_str().map(str::to_owned))
        .collect();
    ensure!(!other.is_empty(), "school2 has no classes");
    ensure!(
        other
            .iter()
            .all(|c| !offered.contains(c) || SCHOOL1_CLASSES.contains(&c.as_str())),
        "another school's classes offered: {offered:?} / {other:?}"
    );
    ensure!(
        input_value(&browser, "safety_lesson-teacher_name").await? == "张老师",
        "the teacher is prefilled"
    );
    // The class's next planned theme is prefilled.
    choose_text(&browser, "lesson-class", "初一(1)班").await?;
    ensure!(
        input_value(&browser, "lesson-theme").await? == "fire",
        "the planned theme is prefilled"
    );

    // Between classes, the school Wi-Fi is gone.
    server.stop()?;
    fill_lesson(
        &browser,
        "初一(1)班",
        "fire",
        "1",
        "认识灭火器，演示“提、拔、握、压”四步。",
        "《中小学公共安全教育读本》",
    )
    .await?;

    // The second lesson: zero periods is explained in Chinese, and nothing
    // typed is lost, not even by a reload.
    browser.click("lesson-new").await?;
    choose_text(&browser, "lesson-class", "初二(1)班").await?;
    choose(&browser, "lesson-theme", "traffic").await?;
    // Her last lesson's material is prefilled; this time there is none.
    ensure!(
        input_value(&browser, "safety_lesson-material").await? == "《中小学公共安全教育读本》",
        "the material is prefilled"
    );
    set_value(&browser, "safety_lesson-material", "").await?;
    let plan = "过马路“一停二看三通过”，认识交通信号。";
    fill(&browser, "safety_lesson-lesson_plan", plan).await?;
    fill(&browser, "safety_lesson-periods", "0").await?;
    let error = browser.text("safety_lesson-periods-error").await?;
    ensure!(
        error.contains("课时") && error.contains("1到10"),
        "periods error {error:?}"
    );
    browser.click("lesson-save").await?;
    browser.find("page-lesson-edit").await?;
    ensure!(
        input_value(&browser, "safety_lesson-lesson_plan").await? == plan,
        "the lesson plan is kept after the error"
    );
    browser.reload().await?;
    poll("the draft to come back", TIMEOUT, || async {
        let (p, n) = (
            input_value(&browser, "safety_lesson-lesson_plan").await?,
            input_value(&browser, "safety_lesson-periods").await?,
        );
        Ok((p == plan && n == "0").then_some(()))
    })
    .await?;
    browser.find("safety_lesson-periods-error").await?;
    let chosen = browser
        .eval(
            "const s = document.querySelector('[data-testid=lesson-class]'); \
             return s.options[s.selectedIndex].textContent.trim()",
        )
        .await?;
    ensure!(chosen == json!("初二(1)班"), "class after reload: {chosen}");
    ensure!(
        input_value(&browser, "lesson-theme").await? == "traffic",
        "theme after reload"
    );
    fill(&browser, "safety_lesson-periods", "2").await?;
    ensure!(
        !browser.exists("safety_lesson-periods-error").await?,
        "the error goes once the periods are right"
    );
    browser.click("lesson-save").await?;
    browser.find("page-lessons").await?;

    // Reloaded, still offline: both lessons and her four in place.
    browser.reload().await?;
    browser.find("page-lessons").await?;
    let check_teacher = || async {
        poll("two lessons listed", TIMEOUT, || async {
            Ok((texts_of(&browser, "lesson-row").await?.len() == 2).then_some(()))
        })
        .await?;
        let classes = texts_of(&browser, "lesson-row-class").await?;
        ensure!(
            classes == ["初一(1)班", "初二(1)班"] || classes == ["初二(1)班", "初一(1)班"],
            "lesson classes {classes:?}"
        );
        wait_hours(&browser, "初一(1)班", "1 / 2").await?;
        wait_hours(&browser, "初二(1)班", "2 / 0").await?;
        let missing = browser.text("lesson-missing").await?;
        for part in [
            "“消防安全”已上1课时，计划2课时，还差1课时",
            "1节课没有填写教材",
            "本学期还没有安全教育计划",
        ] {
            ensure!(missing.contains(part), "missing lacks {part}: {missing}");
        }
        let due = browser.text("lesson-due-item").await?;
        ensure!(due.contains("还差1课时"), "due: {due}");
        anyhow::Ok(())
    };
    check_teacher().await?;
    // Offline, the CSV is made on the tablet; Excel says it needs a network.
    browser.click("export-lessons-csv").await?;
    ensure!(
        !browser.exists("export-error").await?,
        "the offline CSV failed: {}",
        browser.text("export-error").await.unwrap_or_default()
    );
    // Clicked from the page: after the CSV download, a WebDriver click at
    // the bottom of the viewport does not reach the page (Chromium's
    // download notice is over it).
    browser
        .eval("document.querySelector('[data-testid=export-four_in_place-xlsx]').click(); return 1")
        .await?;
    let error = browser
        .text("export-error")
        .await
        .with_context(|| "no message after the Excel export offline".to_owned())?;
    ensure!(error.contains("需要联网"), "offline Excel: {error}");

    // Back on the network: everything syncs.
    server.start().await?;
    wait_synced(&browser, RECONNECT).await?;
    let lessons: Vec<Value> = server_records(&server, "school1")
        .await?
        .into_iter()
        .filter(|r| r["kind"] == json!("safety_lesson"))
        .collect();
    ensure!(lessons.len() == 2, "the server has lessons {lessons:?}");

    // The school admin, on her own profile, sees both and the updated table.
    admin.reload().await?;
    wait_synced(&admin, RECONNECT).await?;
    admin.click("nav-lessons").await?;
    poll("the admin to see two lessons", TIMEOUT, || async {
        Ok((texts_of(&admin, "lesson-row").await?.len() == 2).then_some(()))
    })
    .await?;
    let rows = texts_of(&admin, "lesson-four-class").await?;
    ensure!(rows.len() == 4, "four-in-place rows {rows:?}");
    wait_hours(&admin, "初一(1)班", "1 / 2").await?;
    wait_hours(&admin, "初二(1)班", "2 / 0").await?;
    wait_hours(&admin, "初三(1)班", "0 / 0").await?;
    let hours = admin.text("lesson-school-hours").await?;
    ensure!(hours == "3 / 2", "school hours {hours}");
    let material = admin.text("lesson-school-material").await?;
    ensure!(material == "50%", "school material share {material}");
    choose(&admin, "lesson-sort", "class").await?;
    let by_class = texts_of(&admin, "lesson-four-class").await?;
    ensure!(by_class == SCHOOL1_CLASSES, "by class {by_class:?}");

    // The server refuses a lesson for another school's class, whichever
    // unit the change claims.
    let session = api_session(&server, "teacher1").await?;
    let my_unit = session["user"]["unit_id"]
        .as_str()
        .context("unit")?
        .to_owned();
    let target = class_records(&server, "school2").await?;
    let target = target.first().context("a school2 class")?;
    for (n, unit) in [my_unit.as_str(), target["unit"].as_str().context("unit")?]
        .into_iter()
        .enumerate()
    {
        let change = json!({
            "id": format!("0190e2e0-0000-7000-8000-00000000000{n}"),
            "rec": format!("0190e2e0-0000-7000-8000-00000000010{n}"),
            "kind": "safety_lesson",
            "unit": unit,
            "parent": target["id"],
            "at": format!("{:015}-0000000000-00000000000e2e01", now_ms()),
            "f": {
                "date": { "v": "2026-11-20" },
                "periods": { "v": 1 },
                "teacher_name": { "v": "张老师" },
                "theme": { "v": "fire" },
                "course_type": { "v": "basic" },
                "form": { "v": "lecture" },
            },
        });
        let result = push_change(&server, "teacher1", change).await?;
        ensure!(
            result["r"] == json!("refused"),
            "pushed as {unit}: {result}"
        );
    }
    let foreign = server_records(&server, "school2")
        .await?
        .into_iter()
        .filter(|r| r["kind"] == json!("safety_lesson"))
        .count();
    ensure!(foreign == 0, "school2 has {foreign} lessons");
    Ok(())
}

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}
