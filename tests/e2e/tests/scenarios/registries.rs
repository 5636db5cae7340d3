//! Registries on the generic record pages: a confidential clue filed
//! offline on a phone, and an emergency plan written offline that a drill
//! links to; overdue and missing registry items on Today.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};
use anyuan_e2e::app::{
    DEMO_PASSWORD, api_session, api_token, choose, choose_text, fill, server_records, set_value,
    sign_in, sign_out, wait_service_worker, wait_synced, wait_waiting,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport, http_client};
use serde_json::{Value, json};

/// Long enough for the client's backoff after failures while the server was down.
const RECONNECT: Duration = Duration::from_secs(90);

/// Everything in every IndexedDB database of the page's origin, as text.
async fn indexed_db_dump(browser: &Browser) -> Result<String> {
    let dump = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             (async () => {
               const out = [];
               for (const info of await indexedDB.databases()) {
                 const db = await new Promise((ok, no) => {
                   const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
                 });
                 for (const name of db.objectStoreNames) {
                   const all = await new Promise((ok, no) => {
                     const r = db.transaction(name).objectStore(name).getAll();
                     r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
                   });
                   out.push(info.name + '/' + name + ':' + JSON.stringify(all));
                 }
                 db.close();
               }
               return out.join('\\n');
             })().then(done, e => done('ERROR ' + e));",
        )
        .await?;
    let text = dump.as_str().unwrap_or_default().to_owned();
    ensure!(!text.starts_with("ERROR"), "reading IndexedDB: {text}");
    ensure!(text.contains("/"), "no IndexedDB database found: {text:?}");
    Ok(text)
}

/// A second staff account of 示例第一中学, made by its admin.
async fn second_teacher(server: &Server) -> Result<()> {
    let session = api_session(server, "school1").await?;
    let (token, me) = (
        session["token"].as_str().unwrap_or_default(),
        &session["user"],
    );
    http_client()?
        .post(server.url("/api/admin/users"))
        .bearer_auth(token)
        .json(&json!({
            "login": "teacher9", "display_name": "钱老师", "role": "staff",
            "unit_id": me["unit_id"], "password": DEMO_PASSWORD,
        }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The CSV export of clues as `login` sees it.
async fn clue_export(server: &Server, login: &str) -> Result<String> {
    let token = api_token(server, login).await?;
    Ok(http_client()?
        .get(server.url("/api/export/clues?format=csv"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?)
}

#[tokio::test]
async fn a_clue_filed_offline_on_a_phone_reaches_only_the_people_who_may_read_it() -> Result<()> {
    let mut server = Server::start_new().await?;
    second_teacher(&server).await?;
    let profile = Profile::new()?;
    let phone = Browser::launch(&profile, Viewport::PHONE).await?;
    phone.goto(&server.url("/")).await?;
    sign_in(&phone, "teacher1", DEMO_PASSWORD).await?;
    wait_service_worker(&phone).await?;
    wait_synced(&phone, RECONNECT).await?;

    // Offline: file the clue from More, name hidden from the school.
    server.stop()?;
    phone.click("nav-more").await?;
    phone.click("nav-report-clue").await?;
    phone.find("record-form").await?;
    choose(&phone, "clue-clue_type", "drug_lure").await?;
    fill(&phone, "clue-place", "学校南门外小卖部").await?;
    fill(
        &phone,
        "clue-description",
        "有社会人员向学生兜售可疑电子烟油",
    )
    .await?;
    phone.click("clue-hide_name").await?;
    phone.click("record-save").await?;
    let number = phone.wait_text_contains("record-tracking-no", "XS").await?;
    ensure!(
        number.trim().len() == "XS20261204-3F2A-K7QM2".len(),
        "tracking number {number:?}"
    );
    wait_waiting(&phone, 1, RECONNECT).await?;
    // The reporter finds it in the list, offline.
    phone.goto(&server.url("/r/clues")).await?;
    phone.wait_text_contains("record-list", "南门外").await?;

    server.start().await?;
    wait_waiting(&phone, 0, RECONNECT).await?;
    let has = |records: &[Value]| {
        records
            .iter()
            .any(|r| r["kind"] == "clue" && r["f"]["place"]["v"] == "学校南门外小卖部")
    };
    for (login, readable) in [
        ("teacher1", true),
        ("school1", true),
        ("district", true),
        ("teacher2", false),
        ("school2", false),
    ] {
        ensure!(
            has(&server_records(&server, login).await?) == readable,
            "{login}: pull"
        );
        ensure!(
            clue_export(&server, login).await?.contains("南门外") == readable,
            "{login}: export"
        );
    }
    ensure!(
        !has(&server_records(&server, "teacher9").await?),
        "another teacher pulls it"
    );
    ensure!(
        !clue_export(&server, "teacher9").await?.contains("南门外"),
        "another teacher's export holds it"
    );
    let school_copy = server_records(&server, "school1").await?;
    let clue = school_copy
        .iter()
        .find(|r| r["kind"] == "clue")
        .context("school1's clue")?;
    ensure!(
        clue["f"].get("reporter").is_none() && clue.get("by").is_none(),
        "the hidden reporter reached the school: {clue}"
    );
    ensure!(
        clue["f"]["tracking_no"]["v"] == json!(number.trim()),
        "tracking number changed: {clue}"
    );
    phone.close().await?;

    // Another teacher of the school, on their own phone: nothing of it on the device.
    let other_profile = Profile::new()?;
    let other = Browser::launch(&other_profile, Viewport::PHONE).await?;
    other.goto(&server.url("/")).await?;
    sign_in(&other, "teacher9", DEMO_PASSWORD).await?;
    wait_synced(&other, RECONNECT).await?;
    let dump = indexed_db_dump(&other).await?;
    ensure!(
        dump.contains("示例第一中学") || dump.contains("初一"),
        "the dump holds no records at all"
    );
    ensure!(
        !dump.contains("南门外") && !dump.contains(number.trim()),
        "another teacher's device holds the clue"
    );
    other.goto(&server.url("/r/clues")).await?;
    other.find("record-empty").await?;

    // The school admin on the same tablet-sized screen sees it, without the name.
    sign_out(&other).await?;
    sign_in(&other, "school1", DEMO_PASSWORD).await?;
    wait_synced(&other, RECONNECT).await?;
    other.goto(&server.url("/r/clues")).await?;
    other.wait_text_contains("record-list", "南门外").await?;
    other.click("record-open").await?;
    let page = other.text("page-record").await?;
    ensure!(
        page.contains(number.trim()) && !page.contains("张老师"),
        "school admin's view: {page}"
    );
    ensure!(
        !other.exists("record-moves").await?,
        "the school admin is offered district moves"
    );
    other.close().await
}

#[tokio::test]
async fn a_plan_written_offline_is_linked_from_a_drill_and_registry_gaps_reach_today() -> Result<()>
{
    let mut server = Server::start_new().await?;
    let profile = Profile::new()?;
    let tablet = Browser::launch(&profile, Viewport::TABLET).await?;
    tablet.goto(&server.url("/")).await?;
    sign_in(&tablet, "school1", DEMO_PASSWORD).await?;
    wait_service_worker(&tablet).await?;
    wait_synced(&tablet, RECONNECT).await?;
    // The demo's fire plan is past its revision date.
    let due = tablet
        .wait_text_contains("today-registries", "火灾应急疏散预案")
        .await?;
    ensure!(due.contains("已逾期"), "Today: {due}");

    server.stop()?;
    tablet.goto(&server.url("/r/emergency_plans/new")).await?;
    choose(&tablet, "emergency_plan-plan_kind", "weather").await?;
    fill(&tablet, "emergency_plan-title", "防台防汛应急预案").await?;
    fill(&tablet, "emergency_plan-responsible", "李明").await?;
    // Dates in the wrong order are refused before saving, with the reason.
    set_value(&tablet, "emergency_plan-approved_on", "2026-09-01").await?;
    set_value(&tablet, "emergency_plan-next_revision", "2026-08-01").await?;
    tablet.click("record-save").await?;
    let problem = tablet.text("emergency_plan-next_revision-error").await?;
    ensure!(
        problem.contains("不能早于"),
        "no date-order message: {problem:?}"
    );
    set_value(&tablet, "emergency_plan-next_revision", "2027-08-01").await?;
    tablet.click("record-save").await?;
    tablet.find("record-saved").await?;
    let plan_path = tablet.eval("return location.pathname").await?;
    let plan_id = plan_path
        .as_str()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();

    tablet.click("nav-drills").await?;
    tablet.click("drill-new").await?;
    choose(&tablet, "drill-drill_kind", "weather").await?;
    fill(&tablet, "drill-place", "操场").await?;
    choose_text(&tablet, "drill-plan_id", "防台防汛应急预案").await?;
    tablet.click("drill-save").await?;
    tablet.find("page-drill").await?;
    let link = tablet.text("drill-plan-link").await?;
    ensure!(link.contains("防台防汛"), "the drill's plan link: {link}");
    tablet.click("drill-plan-link").await?;
    tablet
        .wait_text_contains("record-title", "防台防汛应急预案")
        .await?;

    // A use of the demo's chemical, added from the chemical's own page.
    tablet.goto(&server.url("/r/chemicals")).await?;
    tablet.click("record-open").await?;
    tablet.click("record-add-chemical_use").await?;
    set_value(&tablet, "chemical_use-used_at", "2026-11-30T09:15").await?;
    fill(&tablet, "chemical_use-amount", "20毫升").await?;
    fill(&tablet, "chemical_use-used_by", "吴老师").await?;
    tablet.click("record-save").await?;
    tablet
        .wait_text_contains("record-children-chemical_use", "20毫升")
        .await?;

    server.start().await?;
    wait_waiting(&tablet, 0, RECONNECT).await?;
    let records = server_records(&server, "district").await?;
    let drill = records
        .iter()
        .find(|r| r["kind"] == "drill" && r["f"]["place"]["v"] == "操场")
        .context("the drill reached the server")?;
    ensure!(
        drill["f"]["plan_id"]["v"] == json!(plan_id),
        "drill's plan_id: {drill}"
    );

    // Another school's admin is told what it still lacks.
    sign_out(&tablet).await?;
    sign_in(&tablet, "school2", DEMO_PASSWORD).await?;
    tablet.click("nav-today").await?;
    let missing = tablet
        .wait_text_contains("today-registries", "领导小组")
        .await?;
    ensure!(
        missing.contains("分管领导") && missing.contains("联络员"),
        "Today: {missing}"
    );

    // The district is told which schools lack it, not its own office.
    sign_out(&tablet).await?;
    sign_in(&tablet, "district", DEMO_PASSWORD).await?;
    tablet.click("nav-today").await?;
    let gaps = tablet
        .wait_text_contains("today-registries", "示例实验小学")
        .await?;
    ensure!(
        !tablet.exists("today-registry-missing").await?,
        "the district is told its own office lacks a school ledger: {gaps}"
    );
    tablet.close().await
}
