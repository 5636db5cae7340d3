use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context as _, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::server::tail;
use crate::{TIMEOUT, TempDir, artifacts_dir, free_port, http_client, poll};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A Chromium profile (`--user-data-dir`), kept across browser restarts so
/// storage, IndexedDB and the service worker survive them.
#[derive(Debug)]
pub struct Profile {
    dir: TempDir,
}

impl Profile {
    pub fn new() -> Result<Self> {
        Ok(Self {
            dir: TempDir::new("profile")?,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The page's viewport in CSS pixels, emulated exactly through chromedriver's
/// `mobileEmulation` (headless Chromium's windows are at least 500 px wide).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel.
    pub pixel_ratio: f64,
    /// A phone: mobile viewport rules and touch events.
    pub mobile: bool,
}

impl Viewport {
    /// A small, cheap phone.
    pub const PHONE: Viewport = Viewport {
        width: 360,
        height: 740,
        pixel_ratio: 2.0,
        mobile: true,
    };
    /// A tablet in portrait, as a school shares it between staff.
    pub const TABLET: Viewport = Viewport {
        width: 800,
        height: 1280,
        pixel_ratio: 2.0,
        mobile: true,
    };
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 800,
        pixel_ratio: 1.0,
        mobile: false,
    };
}

/// Headless Chromium driven through its own chromedriver.
///
/// chromedriver runs in its own process group together with the Chromium it
/// starts; dropping the browser (or [`kill`](Browser::kill)) SIGKILLs the
/// whole group, so even a panicking test leaves nothing running.
#[derive(Debug)]
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    /// The process group of chromedriver and Chromium (= chromedriver's pid).
    pgid: u32,
    killed: bool,
    /// Holds chromedriver.log.
    dir: TempDir,
}

impl Browser {
    /// Starts chromedriver and a Chromium session on `profile`.
    pub async fn launch(profile: &Profile, viewport: Viewport) -> Result<Self> {
        let dir = TempDir::new("chromedriver")?;
        let log = File::create(dir.path().join("chromedriver.log"))?;
        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| {
                format!("starting {CHROMEDRIVER} (`cargo xtask install --browser`)")
            })?;
        let pgid = driver.id();
        // From here on, Drop kills the group whatever happens.
        let mut browser = Self {
            client: None,
            driver,
            pgid,
            killed: false,
            dir,
        };

        let driver_url = format!("http://127.0.0.1:{port}");
        let http = http_client()?;
        let status = format!("{driver_url}/status");
        poll("chromedriver to be ready", TIMEOUT, || {
            let request = http.get(&status).send();
            async move {
                let body: Value = request.await?.json().await?;
                Ok((body["value"]["ready"] == json!(true)).then_some(()))
            }
        })
        .await
        .map_err(|err| browser.with_log(err))?;

        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            // After a SIGKILL, do not offer to restore the last session.
            "--hide-crash-restore-bubble",
        ]
        .into_iter()
        .map(String::from)
        .chain([
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={},{}", viewport.width, viewport.height),
        ])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": args,
                "mobileEmulation": {
                    "deviceMetrics": {
                        "width": viewport.width,
                        "height": viewport.height,
                        "pixelRatio": viewport.pixel_ratio,
                        "mobile": viewport.mobile,
                        "touch": viewport.mobile,
                    }
                },
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .map_err(|err| {
                browser.with_log(anyhow::anyhow!("opening a Chromium session: {err}"))
            })?;
        browser.client = Some(client);
        Ok(browser)
    }

    /// The underlying WebDriver client, for anything the helpers lack.
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("a launched browser has a session")
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client()
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    pub async fn reload(&self) -> Result<()> {
        Ok(self.client().refresh().await?)
    }

    /// Runs JavaScript (a function body: use `return`) and returns its result.
    pub async fn eval(&self, script: &str) -> Result<Value> {
        self.client()
            .execute(script, Vec::new())
            .await
            .with_context(|| format!("running {script:?}"))
    }

    /// Runs asynchronous JavaScript: the script calls the callback it gets
    /// as its last argument with the result.
    pub async fn eval_async(&self, script: &str) -> Result<Value> {
        self.client()
            .execute_async(script, Vec::new())
            .await
            .with_context(|| format!("running {script:?}"))
    }

    /// `<html lang>` of the current page.
    pub async fn html_lang(&self) -> Result<String> {
        let lang = self.eval("return document.documentElement.lang").await?;
        Ok(lang.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until `<html lang>` is `lang`.
    pub async fn wait_lang(&self, lang: &str) -> Result<()> {
        let waited = poll(&format!("<html lang=\"{lang}\">"), TIMEOUT, || async {
            let got = self.html_lang().await?;
            if got == lang {
                Ok(Some(()))
            } else {
                bail!("lang is {got:?}")
            }
        })
        .await;
        self.or_artifacts(waited, &format!("lang-{lang}")).await
    }

    /// Waits for the element with `data-testid=id` to be in the page.
    pub async fn find(&self, id: &str) -> Result<Element> {
        let css = testid(id);
        let waited = poll(&css, TIMEOUT, || async {
            match self.client().find(Locator::Css(&css)).await {
                Ok(element) => Ok(Some(element)),
                Err(err) if err.is_no_such_element() => Ok(None),
                Err(err) => Err(err.into()),
            }
        })
        .await;
        self.or_artifacts(waited, id).await
    }

    /// Whether an element with `data-testid=id` is in the page right now.
    pub async fn exists(&self, id: &str) -> Result<bool> {
        Ok(!self
            .client()
            .find_all(Locator::Css(&testid(id)))
            .await?
            .is_empty())
    }

    /// The rendered text of the element with `data-testid=id` (waits for it).
    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self.find(id).await?.text().await?)
    }

    /// Waits until the text of `data-testid=id` contains `needle`; returns the text.
    pub async fn wait_text_contains(&self, id: &str, needle: &str) -> Result<String> {
        let css = testid(id);
        let waited = poll(&format!("{css} to contain {needle:?}"), TIMEOUT, || async {
            let text = self.client().find(Locator::Css(&css)).await?.text().await?;
            if text.contains(needle) {
                Ok(Some(text))
            } else {
                bail!("text is {text:?}")
            }
        })
        .await;
        self.or_artifacts(waited, id).await
    }

    /// Clicks the element with `data-testid=id` (waits for it).
    /// The element is first scrolled to the middle of the screen, as a
    /// person would, so the fixed bottom navigation never covers it.
    /// An element the page re-rendered between finding and clicking it
    /// (stale) is found again, a few times.
    pub async fn click(&self, id: &str) -> Result<()> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let element = self.find(id).await?;
            let arg = serde_json::to_value(&element)?;
            let result = match self
                .client()
                .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg])
                .await
            {
                Ok(_) => element.click().await,
                Err(err) => Err(err),
            };
            match result {
                Ok(()) => return Ok(()),
                Err(err) if err.is_stale_element_reference() && attempts < 5 => {}
                Err(err) => {
                    return Err(err).with_context(|| format!("clicking {}", testid(id)));
                }
            }
        }
    }

    /// Clicks the first element matching the CSS `selector` once one is
    /// there, waiting up to `wait` (`what` names it in the error); for a
    /// button inside one row of a list, which a test id alone cannot name.
    pub async fn click_selector(
        &self,
        selector: &str,
        what: &str,
        wait: std::time::Duration,
    ) -> Result<()> {
        let script = format!(
            "const b = document.querySelector({s}); if (!b) return false; b.click(); return true",
            s = json!(selector)
        );
        poll(what, wait, || async {
            let clicked = self.eval(&script).await?;
            Ok((clicked == json!(true)).then_some(()))
        })
        .await
    }

    /// Saves a screenshot and the page source under tests/e2e/artifacts/;
    /// returns the screenshot's path.
    pub async fn save_artifacts(&self, label: &str) -> Result<PathBuf> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir)?;
        let label: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let stem = format!(
            "{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let png = dir.join(format!("{stem}.png"));
        std::fs::write(&png, self.client().screenshot().await?)?;
        std::fs::write(
            dir.join(format!("{stem}.html")),
            self.client().source().await?,
        )?;
        Ok(png)
    }

    /// Adds a screenshot of the moment to a failed wait.
    async fn or_artifacts<T>(&self, result: Result<T>, label: &str) -> Result<T> {
        match result {
            Ok(value) => Ok(value),
            Err(err) => match self.save_artifacts(label).await {
                Ok(png) => Err(anyhow::anyhow!("{err:#}\nscreenshot: {}", png.display())),
                Err(_) => Err(err),
            },
        }
    }

    /// Ends the session properly (Chromium writes its profile out), then
    /// stops chromedriver.
    pub async fn close(mut self) -> Result<()> {
        if let Some(client) = self.client.take() {
            client.close().await?;
        }
        self.kill_group();
        Ok(())
    }

    /// SIGKILLs chromedriver and Chromium at once, like a phone killing the
    /// app: nothing gets to flush.
    pub fn kill(mut self) {
        self.kill_group();
    }

    fn kill_group(&mut self) {
        if self.killed {
            return;
        }
        self.killed = true;
        // pgid is chromedriver's pid, never 0: `kill -- -0` would hit our own group.
        if self.pgid > 0 {
            // The shell's own `kill`: procps may not be installed.
            let _ = Command::new("sh")
                .args(["-c", r#"kill -s KILL -- "-$1""#, "sh"])
                .arg(self.pgid.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // The session task would only report errors to a dead driver.
        self.client = None;
    }

    fn with_log(&self, err: anyhow::Error) -> anyhow::Error {
        anyhow::anyhow!(
            "{err:#}\nchromedriver log:\n{}",
            tail(&self.dir.path().join("chromedriver.log"), 40)
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill_group();
    }
}

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}
