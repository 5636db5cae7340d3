//! Steps a person takes in the app, shared by the scenarios.

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

use crate::{Browser, Server, TIMEOUT, http_client, poll};

/// The password of every demo account the server seeds with `--demo`.
pub const DEMO_PASSWORD: &str = "anyuan2018";

/// Types `text` into the input with `data-testid=id`, replacing what was there.
pub async fn fill(browser: &Browser, id: &str, text: &str) -> Result<()> {
    let input = browser.find(id).await?;
    input
        .clear()
        .await
        .with_context(|| format!("clearing {id}"))?;
    input
        .send_keys(text)
        .await
        .with_context(|| format!("typing into {id}"))?;
    Ok(())
}

/// Signs in on the login page and waits for the signed-in shell.
pub async fn sign_in(browser: &Browser, login: &str, password: &str) -> Result<()> {
    fill(browser, "login-name", login).await?;
    fill(browser, "login-password", password).await?;
    browser.click("login-submit").await?;
    browser.find("nav-today").await?;
    Ok(())
}

/// Waits until a service worker controls the page, so the server may stop.
pub async fn wait_service_worker(browser: &Browser) -> Result<()> {
    poll(
        "the service worker to control the page",
        TIMEOUT,
        || async {
            let state = browser
                .eval(
                    "return [document.documentElement.dataset.sw || null, \
                 !!(navigator.serviceWorker && navigator.serviceWorker.controller)]",
                )
                .await?;
            Ok((state == json!(["ready", true])).then_some(()))
        },
    )
    .await
}

/// The number of changes waiting to sync, as the header shows it.
pub async fn waiting(browser: &Browser) -> Result<u64> {
    let el = browser.find("sync-waiting").await?;
    let count = el.attr("data-count").await?.unwrap_or_default();
    count
        .parse()
        .with_context(|| format!("sync-waiting data-count {count:?}"))
}

/// Waits until the header shows `n` changes waiting.
pub async fn wait_waiting(browser: &Browser, n: u64, timeout: std::time::Duration) -> Result<()> {
    poll(&format!("{n} changes waiting"), timeout, || async {
        let now = waiting(browser).await?;
        if now == n {
            Ok(Some(()))
        } else {
            bail!("{now} waiting")
        }
    })
    .await
}

/// Adds a class on the classes page and waits for "saved".
pub async fn add_class(browser: &Browser, name: &str, size: &str) -> Result<()> {
    browser.click("nav-more").await?;
    browser.click("nav-classes").await?;
    browser.click("class-add").await?;
    fill(browser, "class-name", name).await?;
    fill(browser, "class-size", size).await?;
    browser.click("class-save").await?;
    browser.find("saved").await?;
    Ok(())
}

/// The names of the classes listed on the classes page.
pub async fn class_names(browser: &Browser) -> Result<Vec<String>> {
    browser.click("nav-more").await?;
    browser.click("nav-classes").await?;
    browser.find("page-classes").await?;
    let names = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=class-name]')]\
             .map(e => e.textContent)",
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// Signs in through the API and pulls everything the account may read.
pub async fn server_records(server: &Server, login: &str) -> Result<Vec<Value>> {
    let http = http_client()?;
    let token = api_token(server, login).await?;
    let mut records = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page: Value = http
            .post(server.url("/api/sync/pull"))
            .bearer_auth(&token)
            .json(&json!({ "cursor": cursor, "limit": 1000 }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        records.extend(page["records"].as_array().cloned().unwrap_or_default());
        cursor = page["next_cursor"].clone();
        if page["more"] != json!(true) {
            return Ok(records);
        }
    }
}

/// Whether the server holds a class called `name`.
pub async fn server_has_class(server: &Server, login: &str, name: &str) -> Result<bool> {
    let records = server_records(server, login).await?;
    Ok(records
        .iter()
        .any(|r| r["kind"] == "class" && r["f"]["name"]["v"] == json!(name)))
}

/// Waits until the header shows a finished sync with nothing waiting (the
/// "synced at" time appears only after a push and pull succeeded).
pub async fn wait_synced(browser: &Browser, timeout: std::time::Duration) -> Result<()> {
    poll("a finished sync with nothing waiting", timeout, || async {
        let el = browser.find("sync-waiting").await?;
        let count = el.attr("data-count").await?.unwrap_or_default();
        let text = el.text().await?;
        if count == "0" && !text.trim().is_empty() {
            Ok(Some(()))
        } else {
            bail!("data-count {count:?}, text {text:?}")
        }
    })
    .await
}

/// Signs out on the More page; taps again if the app warns about changes
/// that have not synced. Waits for the login page.
pub async fn sign_out(browser: &Browser) -> Result<()> {
    browser.click("nav-more").await?;
    browser.click("sign-out").await?;
    if browser.exists("signout-warning").await? {
        browser.click("sign-out").await?;
    }
    browser.find("page-login").await?;
    Ok(())
}

/// Signs in through the API; returns the session token.
pub async fn api_token(server: &Server, login: &str) -> Result<String> {
    let session = api_session(server, login).await?;
    Ok(session["token"].as_str().context("no token")?.to_owned())
}

/// Signs a demo account in through the API; the answer has `token` and `user`.
pub async fn api_session(server: &Server, login: &str) -> Result<Value> {
    Ok(http_client()?
        .post(server.url("/api/auth/login"))
        .json(&json!({ "login": login, "password": DEMO_PASSWORD }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// An administrator (`admin`) changes the role of the account `login`
/// through the admin API (`district_admin`, `school_admin` or `staff`).
pub async fn set_role(server: &Server, admin: &str, login: &str, role: &str) -> Result<()> {
    let http = http_client()?;
    let token = api_token(server, admin).await?;
    let list: Value = http
        .get(server.url("/api/admin/users"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = list["users"]
        .as_array()
        .context("no users in the admin list")?
        .iter()
        .find(|u| u["login"] == json!(login))
        .and_then(|u| u["id"].as_str())
        .with_context(|| format!("no account {login:?} in the admin list"))?
        .to_owned();
    let changed: Value = http
        .post(server.url(&format!("/api/admin/users/{id}/role")))
        .bearer_auth(&token)
        .json(&json!({ "role": role }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if changed["role"] != json!(role) {
        bail!(
            "the role of {login} is {} after setting {role}",
            changed["role"]
        );
    }
    Ok(())
}

/// A Chrome DevTools Protocol command sent through chromedriver's
/// `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct CdpCommand {
    cmd: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    // reqwest re-exports the `url` and `http` types fantoccini uses.
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _url: &reqwest::Url) -> (reqwest::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (reqwest::Method::POST, Some(body.to_string()))
    }
}

/// Runs a DevTools Protocol command on the current page; returns its result.
pub async fn cdp(browser: &Browser, cmd: &str, params: Value) -> Result<Value> {
    let command = CdpCommand {
        cmd: cmd.to_owned(),
        params,
    };
    browser
        .client()
        .issue_cmd(command)
        .await
        .with_context(|| format!("DevTools command {cmd}"))
}

/// Bytes this origin uses, as `navigator.storage.estimate()` reports them.
pub async fn storage_usage(browser: &Browser) -> Result<u64> {
    let usage = browser
        .eval("return navigator.storage.estimate().then(e => e.usage)")
        .await?;
    usage
        .as_f64()
        .map(|u| u as u64)
        .with_context(|| format!("storage usage {usage}"))
}

/// Chooses `value` in the `<select>` with `data-testid=id`, as a person
/// picking from the list does (the `change` event fires).
pub async fn choose(browser: &Browser, id: &str, value: &str) -> Result<()> {
    browser.find(id).await?;
    let done = browser
        .eval(&format!(
            "const s = document.querySelector('[data-testid={id}]'); s.value = {v}; \
             s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value",
            v = json!(value)
        ))
        .await?;
    if done != json!(value) {
        bail!("{id} has no option {value:?}");
    }
    Ok(())
}

/// Answers the next `confirm()` dialogs with OK (WebDriver would otherwise
/// block on them).
pub async fn accept_confirms(browser: &Browser) -> Result<()> {
    browser
        .eval("window.confirm = () => true; return true")
        .await?;
    Ok(())
}

/// Plans a drill of `kind` on the drills page with the form's defaults
/// (tomorrow 10:00, every class of the unit); returns the drill's id from
/// the page it lands on.
pub async fn plan_drill(browser: &Browser, kind: &str, place: &str) -> Result<String> {
    browser.click("nav-drills").await?;
    browser.click("drill-new").await?;
    choose(browser, "drill-drill_kind", kind).await?;
    fill(browser, "drill-place", place).await?;
    browser.click("drill-save").await?;
    browser.find("page-drill").await?;
    let url = browser.eval("return location.pathname").await?;
    let path = url.as_str().unwrap_or_default();
    path.strip_prefix("/drills/")
        .map(str::to_owned)
        .with_context(|| format!("after saving a drill the page is {path}"))
}

/// Records the arrival of the class called `name` on the stopwatch screen.
pub async fn record_arrival(browser: &Browser, name: &str) -> Result<()> {
    let selector = format!(
        "[data-testid=drill-class][data-class={}] [data-testid=drill-class-arrive]",
        json!(name)
    );
    poll(
        &format!("the arrival button of {name}"),
        TIMEOUT,
        || async {
            let clicked = browser
                .eval(&format!(
                    "const b = document.querySelector({s}); if (!b) return false; \
                 b.scrollIntoView({{block: 'center'}}); b.click(); return true",
                    s = json!(selector)
                ))
                .await?;
            Ok((clicked == json!(true)).then_some(()))
        },
    )
    .await?;
    let done = format!(
        "[data-testid=drill-class][data-class={}] [data-testid=drill-class-time]",
        json!(name)
    );
    poll(&format!("{name} to show as arrived"), TIMEOUT, || async {
        let there = browser
            .eval(&format!("return !!document.querySelector({})", json!(done)))
            .await?;
        Ok((there == json!(true)).then_some(()))
    })
    .await
}

/// The classes shown as arrived on the stopwatch screen.
pub async fn arrived_classes(browser: &Browser) -> Result<Vec<String>> {
    let names = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=drill-class]')]\
             .filter(e => e.querySelector('[data-testid=drill-class-time]'))\
             .map(e => e.dataset.class).sort()",
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// The stopwatch's reading in seconds (`mm:ss` or `h:mm:ss`).
pub async fn stopwatch_seconds(browser: &Browser) -> Result<u64> {
    let text = browser.text("drill-elapsed").await?;
    let mut total = 0;
    for part in text.trim().split(':') {
        total = total * 60
            + part
                .parse::<u64>()
                .with_context(|| format!("stopwatch reads {text:?}"))?;
    }
    Ok(total)
}

/// Sets the `<input>` with `data-testid=id` to a local date and time
/// `minutes` from now in the browser's time zone (`datetime-local` inputs
/// take no typing through WebDriver in every locale).
pub async fn set_local_time(browser: &Browser, id: &str, minutes: i64) -> Result<()> {
    browser.find(id).await?;
    browser
        .eval(&format!(
            "const d = new Date(Date.now() + {minutes} * 60000); \
             const p = n => String(n).padStart(2, '0'); \
             const v = `${{d.getFullYear()}}-${{p(d.getMonth() + 1)}}-${{p(d.getDate())}}T${{p(d.getHours())}}:${{p(d.getMinutes())}}`; \
             const i = document.querySelector('[data-testid={id}]'); i.value = v; \
             i.dispatchEvent(new Event('input', {{bubbles: true}})); return v"
        ))
        .await?;
    Ok(())
}

/// Adds a shift to the roster as an admin: `person` in `role` (`leader`,
/// `officer`, `guard`) from `start` to `end` minutes from now.
pub async fn add_shift(
    browser: &Browser,
    person: &str,
    role: &str,
    start: i64,
    end: i64,
) -> Result<()> {
    browser.click("nav-duty").await?;
    browser.click("duty-new-shift").await?;
    fill(browser, "duty_shift-person", person).await?;
    choose(browser, "duty_shift-role", role).await?;
    set_local_time(browser, "duty_shift-start", start).await?;
    set_local_time(browser, "duty_shift-end", end).await?;
    browser.click("duty-shift-save").await?;
    browser.find("page-duty").await?;
    Ok(())
}

/// Opens the shift of `person` from the roster's day view: today's, else
/// tomorrow's or yesterday's (a shift "in an hour" is tomorrow's near
/// midnight); returns the shift's id.
pub async fn open_shift(browser: &Browser, person: &str) -> Result<String> {
    browser.click("nav-duty").await?;
    browser.find("page-duty").await?;
    let selector = format!(
        "[data-testid=duty-shift][data-person={}] [data-testid=duty-shift-open]",
        json!(person)
    );
    let mut found = false;
    for step in [
        None,
        Some("duty-next"),
        Some("duty-prev"),
        Some("duty-prev"),
    ] {
        if let Some(step) = step {
            browser.click(step).await?;
        }
        let wait = if step.is_none() {
            TIMEOUT
        } else {
            std::time::Duration::from_secs(5)
        };
        let clicked = browser
            .click_selector(&selector, &format!("the shift of {person}"), wait)
            .await;
        if clicked.is_ok() {
            found = true;
            break;
        }
    }
    if !found {
        bail!("no shift of {person} on the roster of yesterday, today or tomorrow");
    }
    browser.find("page-duty-shift").await?;
    let url = browser.eval("return location.pathname").await?;
    let path = url.as_str().unwrap_or_default();
    path.strip_prefix("/duty/shifts/")
        .map(str::to_owned)
        .with_context(|| format!("opening a shift landed on {path}"))
}

/// The number of entries in the open shift's log.
pub async fn shift_log_len(browser: &Browser) -> Result<u64> {
    let n = browser
        .eval("return document.querySelectorAll('[data-testid=duty-log-entry]').length")
        .await?;
    n.as_u64().with_context(|| format!("log length {n}"))
}

/// Waits until the open shift's log has `n` entries.
pub async fn wait_shift_log(browser: &Browser, n: u64, timeout: std::time::Duration) -> Result<()> {
    poll(
        &format!("{n} entries in the shift log"),
        timeout,
        || async {
            let now = shift_log_len(browser).await?;
            if now == n {
                Ok(Some(()))
            } else {
                bail!("{now} entries")
            }
        },
    )
    .await
}

/// Chooses the option whose text is `text` in the `<select>` with
/// `data-testid=id` (the `change` event fires).
pub async fn choose_text(browser: &Browser, id: &str, text: &str) -> Result<()> {
    browser.find(id).await?;
    let done = browser
        .eval(&format!(
            "const s = document.querySelector('[data-testid={id}]'); \
             const o = [...s.options].find(o => o.textContent.trim() === {t}); \
             if (!o) return false; s.value = o.value; \
             s.dispatchEvent(new Event('change', {{bubbles: true}})); return true",
            t = json!(text)
        ))
        .await?;
    if done != json!(true) {
        bail!("{id} has no option {text:?}");
    }
    Ok(())
}

/// The texts of the options of the `<select>` with `data-testid=id`, the
/// empty "choose" option left out.
pub async fn option_texts(browser: &Browser, id: &str) -> Result<Vec<String>> {
    browser.find(id).await?;
    let texts = browser
        .eval(&format!(
            "return [...document.querySelector('[data-testid={id}]').options] \
             .filter(o => o.value !== '').map(o => o.textContent.trim())"
        ))
        .await?;
    Ok(serde_json::from_value(texts)?)
}

/// The value of the input with `data-testid=id`.
pub async fn input_value(browser: &Browser, id: &str) -> Result<String> {
    browser.find(id).await?;
    let v = browser
        .eval(&format!(
            "return document.querySelector('[data-testid={id}]').value"
        ))
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// The trimmed texts of every element with `data-testid=id`.
pub async fn texts_of(browser: &Browser, id: &str) -> Result<Vec<String>> {
    let texts = browser
        .eval(&format!(
            "return [...document.querySelectorAll('[data-testid={id}]')] \
             .map(e => e.textContent.trim())"
        ))
        .await?;
    Ok(serde_json::from_value(texts)?)
}

/// Fills the open lesson form (class and theme chosen, periods, lesson plan
/// and material typed) and saves it; waits for the lessons page.
pub async fn fill_lesson(
    browser: &Browser,
    class: &str,
    theme: &str,
    periods: &str,
    plan: &str,
    material: &str,
) -> Result<()> {
    choose_text(browser, "lesson-class", class).await?;
    choose(browser, "lesson-theme", theme).await?;
    fill(browser, "safety_lesson-periods", periods).await?;
    fill(browser, "safety_lesson-lesson_plan", plan).await?;
    fill(browser, "safety_lesson-material", material).await?;
    browser.click("lesson-save").await?;
    browser.find("page-lessons").await?;
    Ok(())
}

/// Pushes one change through the sync API as `login`; returns its result
/// (`r` is `accepted`, `duplicate` or `refused` with a `reason`).
pub async fn push_change(server: &Server, login: &str, change: Value) -> Result<Value> {
    let token = api_token(server, login).await?;
    let resp: Value = http_client()?
        .post(server.url("/api/sync/push"))
        .bearer_auth(&token)
        .json(&json!({ "device": "00000000000e2e01", "changes": [change] }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    resp["results"][0]
        .as_object()
        .map(|o| Value::Object(o.clone()))
        .context("no push result")
}

/// The school admin plans `hours` of `theme` for `class` this term, taught
/// by the teacher named `teacher`, on the term-plan page.
pub async fn plan_theme(
    browser: &Browser,
    class: &str,
    theme: &str,
    hours: &str,
    teacher: &str,
) -> Result<()> {
    browser.click("nav-lessons").await?;
    browser.click("lesson-plan-open").await?;
    choose_text(browser, "plan-class", class).await?;
    choose(browser, "plan-new-theme", theme).await?;
    fill(browser, "plan-new-hours", hours).await?;
    // The teachers come from the accounts list, fetched when the page opens.
    poll("the teacher to be offered", TIMEOUT, || async {
        Ok(choose_text(browser, "plan-new-teacher", teacher)
            .await
            .is_ok()
            .then_some(()))
    })
    .await?;
    browser.click("plan-add-save").await?;
    browser.find("plan-row").await?;
    Ok(())
}

/// Sets the value of the input with `data-testid=id` as typing would (an
/// `input` event fires), e.g. to empty a prefilled field.
pub async fn set_value(browser: &Browser, id: &str, value: &str) -> Result<()> {
    browser.find(id).await?;
    browser
        .eval(&format!(
            "const i = document.querySelector('[data-testid={id}]'); i.value = {v}; \
             i.dispatchEvent(new Event('input', {{bubbles: true}})); return 1",
            v = json!(value)
        ))
        .await?;
    Ok(())
}
