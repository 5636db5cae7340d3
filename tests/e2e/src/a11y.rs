//! Accessibility checks with axe-core, injected into the page under test.
//!
//! `cargo xtask test` installs axe-core from npm (pinned in
//! `xtask/src/install.rs`) for the e2e step only and names its browser
//! script in `ANYUAN_AXE_JS`.

use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

use crate::Browser;

/// The axe-core script (read once per test binary).
fn script() -> Result<&'static str> {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    if let Some(s) = SCRIPT.get() {
        return Ok(s);
    }
    let path = std::env::var_os("ANYUAN_AXE_JS")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .context(
            "ANYUAN_AXE_JS is not set (run `cargo xtask test --only e2e`, which installs axe-core)",
        )?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading axe-core from {}", path.display()))?;
    Ok(SCRIPT.get_or_init(|| text))
}

/// axe-core's violations on the current page, each as
/// `{id, impact, help, nodes: ["<selector> :: <summary>", …]}`.
pub async fn violations(browser: &Browser) -> Result<Vec<Value>> {
    let loaded = browser
        .eval("return typeof window.axe === 'object'")
        .await?;
    if loaded != json!(true) {
        // The script assigns `window.axe` itself.
        let inject = format!("{}\n;return typeof window.axe === 'object'", script()?);
        let loaded = browser.client().execute(&inject, Vec::new()).await?;
        if loaded != json!(true) {
            bail!("axe-core did not load into the page");
        }
    }
    let found = browser
        .eval(
            "return window.axe.run(document, {resultTypes: ['violations']}).then(r => \
             r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, \
             nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + \
             (n.failureSummary || '').replace(/\\s+/g, ' '))})))",
        )
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// Fails, with a screenshot, when axe-core finds any violation on the
/// current page; `page` names it in the error.
pub async fn assert_no_violations(browser: &Browser, page: &str) -> Result<()> {
    match report(browser, page).await? {
        None => Ok(()),
        Some(text) => bail!(text),
    }
}

/// What axe-core finds wrong on the current page, as a message naming
/// `page` with a screenshot saved; `None` when it finds nothing.
pub async fn report(browser: &Browser, page: &str) -> Result<Option<String>> {
    let found = violations(browser).await?;
    if found.is_empty() {
        return Ok(None);
    }
    let shot = browser.save_artifacts(&format!("axe-{page}")).await.ok();
    let list: Vec<String> = found
        .iter()
        .map(|v| {
            format!(
                "  {} ({}): {}\n    {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                v["nodes"]
                    .as_array()
                    .map(|n| n
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("\n    "))
                    .unwrap_or_default()
            )
        })
        .collect();
    Ok(Some(format!(
        "axe-core: {} violation(s) on {page}:\n{}{}",
        found.len(),
        list.join("\n"),
        shot.map(|p| format!("\nscreenshot: {}", p.display()))
            .unwrap_or_default()
    )))
}
