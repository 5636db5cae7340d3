//! `cargo xtask test`: everything CI checks, in order, collecting results.
//! If this passes locally, CI is green.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::build::{self, ServerProfile};
use crate::ctx::{Ctx, capture, display, fmt_duration, run, short, timed};
use crate::install::{self, Browser, CHROMEDRIVER, WASM_TARGET};

struct Step {
    name: &'static str,
    about: &'static str,
    /// Steps whose output this one uses; selecting it selects them too.
    needs: &'static [&'static str],
    /// Whether it drives Chromium (so install must bring it).
    browser: bool,
    run: fn(&mut Runner) -> Result<()>,
}

const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        about: "cargo fmt --all --check",
        needs: &[],
        browser: false,
        run: fmt,
    },
    Step {
        name: "clippy",
        about: "clippy, native, whole workspace, -D warnings",
        needs: &[],
        browser: false,
        run: clippy,
    },
    Step {
        name: "clippy-wasm",
        about: "clippy for wasm32 (app and core), -D warnings",
        needs: &[],
        browser: false,
        run: clippy_wasm,
    },
    Step {
        name: "core-deps",
        about: "the core crate depends on none of sqlx, web-sys, axum, tokio",
        needs: &[],
        browser: false,
        run: core_deps,
    },
    Step {
        name: "unit",
        about: "native tests (core, server, xtask, the app's pure helpers)",
        needs: &[],
        browser: false,
        run: unit,
    },
    Step {
        name: "browser",
        about: "the app's wasm-bindgen tests in headless Chromium",
        needs: &[],
        browser: true,
        run: browser,
    },
    Step {
        name: "build-pwa",
        about: "the PWA into dist/ (release, split at lazy routes)",
        needs: &[],
        browser: false,
        run: build_pwa,
    },
    Step {
        name: "build-server",
        about: "cargo build -p anyuan-server (dev profile)",
        needs: &[],
        browser: false,
        run: build_server,
    },
    Step {
        name: "e2e",
        about: "end-to-end tests: Chromium against the built PWA and a real server",
        needs: &["build-pwa", "build-server"],
        browser: true,
        run: e2e,
    },
];

pub fn help() -> String {
    let mut text = String::from(
        "cargo xtask test [--only STEP[,STEP]] [--skip STEP] [--skip-e2e] [--list]\n\n\
         Runs every step below in order, keeps going after a failure, prints a recap\n\
         and exits non-zero if any step failed. Steps:\n",
    );
    for step in STEPS {
        text.push_str(&format!("  {:<13} {}\n", step.name, step.about));
    }
    text
}

/// What the command line selected.
#[derive(Debug, Default)]
pub struct Options {
    only: Vec<String>,
    skip: Vec<String>,
    list: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let mut value = |flag: &str| -> Result<Vec<String>> {
                let v = match arg.strip_prefix(&format!("{flag}=")) {
                    Some(v) => v.to_owned(),
                    None => iter
                        .next()
                        .with_context(|| format!("{flag} needs a step name"))?
                        .clone(),
                };
                Ok(v.split(',').map(str::to_owned).collect())
            };
            match arg.as_str() {
                "--list" => options.list = true,
                "--skip-e2e" => options.skip.push("e2e".into()),
                a if a == "--only" || a.starts_with("--only=") => {
                    options.only.extend(value("--only")?)
                }
                a if a == "--skip" || a.starts_with("--skip=") => {
                    options.skip.extend(value("--skip")?)
                }
                other => bail!("unknown argument `{other}`\n\n{}", help()),
            }
        }
        for name in options.only.iter().chain(&options.skip) {
            if !STEPS.iter().any(|s| s.name == name) {
                bail!("unknown step `{name}`\n\n{}", help());
            }
        }
        Ok(options)
    }

    /// The selected steps, in their fixed order.
    fn selected(&self) -> Vec<&'static Step> {
        let mut chosen: BTreeSet<&str> = if self.only.is_empty() {
            STEPS.iter().map(|s| s.name).collect()
        } else {
            let mut set: BTreeSet<&str> = BTreeSet::new();
            let mut todo: Vec<&str> = STEPS
                .iter()
                .filter(|s| self.only.iter().any(|o| o == s.name))
                .map(|s| s.name)
                .collect();
            while let Some(name) = todo.pop() {
                if set.insert(name) {
                    todo.extend(step(name).needs);
                }
            }
            set
        };
        chosen.retain(|name| !self.skip.iter().any(|s| s == name));
        STEPS.iter().filter(|s| chosen.contains(s.name)).collect()
    }
}

fn step(name: &str) -> &'static Step {
    STEPS
        .iter()
        .find(|s| s.name == name)
        .expect("step names are checked when parsing")
}

/// State shared by the steps of one run.
struct Runner<'a> {
    ctx: &'a Ctx,
    tally: Tally,
    /// A fresh TMPDIR for the browser-driving steps (Chromium litters it).
    tmp: TempDir,
    services: Services,
    server_bin: Option<PathBuf>,
}

enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

pub fn test_cmd(ctx: &mut Ctx, options: &Options) -> Result<()> {
    let steps = options.selected();
    if options.list {
        eprint!("{}", help());
        eprintln!(
            "selected: {}",
            steps.iter().map(|s| s.name).collect::<Vec<_>>().join(" ")
        );
        return Ok(());
    }
    let wants_browser = steps.iter().any(|s| s.browser);
    install::install(
        ctx,
        if wants_browser {
            Browser::Yes
        } else {
            Browser::No
        },
    )?;
    let mut runner = Runner {
        ctx,
        tally: Tally::default(),
        tmp: TempDir::new("anyuan-test")?,
        services: start_services(ctx, steps.iter().any(|s| s.name == "unit"))?,
        server_bin: None,
    };

    let mut results: Vec<(&str, Status, Duration)> = Vec::new();
    for step in steps {
        let failed_need = step.needs.iter().find(|need| {
            results
                .iter()
                .any(|(name, status, _)| name == *need && !matches!(status, Status::Passed))
        });
        if let Some(need) = failed_need {
            eprintln!("\n==> {}: skipped, `{need}` did not pass", step.name);
            results.push((
                step.name,
                Status::Skipped(format!("{need} did not pass")),
                Duration::ZERO,
            ));
            continue;
        }
        eprintln!("\n==> {}: {}", step.name, step.about);
        let (result, took) = timed(|| (step.run)(&mut runner));
        let status = match result {
            Ok(()) => Status::Passed,
            Err(err) => {
                eprintln!("==> {} FAILED: {err:#}", step.name);
                Status::Failed(format!("{err:#}"))
            }
        };
        results.push((step.name, status, took));
    }
    drop(runner.services);

    eprintln!("\n==> recap");
    let mut failures = 0;
    for (name, status, took) in &results {
        let (word, note) = match status {
            Status::Passed => ("ok", String::new()),
            Status::Failed(why) => {
                failures += 1;
                ("FAIL", first_line(why))
            }
            Status::Skipped(why) => {
                failures += 1;
                ("SKIP", why.clone())
            }
        };
        eprintln!("  {word:<5} {name:<13} {:>8}  {note}", fmt_duration(*took));
    }
    // A plain closing line summing every test runner's `test result:` lines.
    let t = &runner.tally;
    println!(
        "tests: {} passed, {} failed, {} skipped",
        t.passed, t.failed, t.ignored
    );
    std::io::stdout().flush()?;
    if failures > 0 {
        bail!("{failures} of {} steps did not pass", results.len());
    }
    Ok(())
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(100).collect::<String>())
    } else {
        line.to_owned()
    }
}

fn fmt(r: &mut Runner) -> Result<()> {
    run(r.ctx.cargo().args(["fmt", "--all", "--check"]))
}

fn clippy(r: &mut Runner) -> Result<()> {
    run(r.ctx.cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn clippy_wasm(r: &mut Runner) -> Result<()> {
    // The app with its browser tests; the core's library only (its
    // dev-dependencies, proptest and rand, are native test tools).
    run(r.ctx.cargo().args([
        "clippy",
        "-p",
        "anyuan",
        "--target",
        WASM_TARGET,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(r.ctx.cargo().args([
        "clippy",
        "-p",
        "anyuan-core",
        "--target",
        WASM_TARGET,
        "--lib",
        "--",
        "-D",
        "warnings",
    ]))
}

/// The core crate stays pure: none of these may be among its normal
/// dependencies, on any target.
const CORE_FORBIDDEN: &[&str] = &["sqlx", "web-sys", "axum", "tokio"];

fn core_deps(r: &mut Runner) -> Result<()> {
    let mut offenders = Vec::new();
    for krate in CORE_FORBIDDEN {
        let (ok, stdout, stderr) = capture(r.ctx.cargo().args([
            "tree",
            "-p",
            "anyuan-core",
            "-e",
            "normal",
            "--target",
            "all",
            "-i",
            krate,
        ]))?;
        match tree_verdict(ok, &stdout, &stderr) {
            TreeVerdict::Absent => eprintln!("    anyuan-core does not depend on {krate}"),
            TreeVerdict::Present => {
                eprintln!("anyuan-core depends on {krate}:\n{stdout}");
                offenders.push(*krate);
            }
            TreeVerdict::Error => {
                eprintln!("{stderr}");
                bail!("`cargo tree` failed for {krate}");
            }
        }
    }
    if !offenders.is_empty() {
        bail!(
            "the core crate must do no IO, but depends on {}",
            offenders.join(", ")
        );
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum TreeVerdict {
    Absent,
    Present,
    Error,
}

fn tree_verdict(ok: bool, stdout: &str, stderr: &str) -> TreeVerdict {
    if ok {
        if stdout.trim().is_empty() {
            TreeVerdict::Absent
        } else {
            TreeVerdict::Present
        }
    } else if stderr.contains("did not match any packages") {
        // Not even in Cargo.lock.
        TreeVerdict::Absent
    } else {
        TreeVerdict::Error
    }
}

fn unit(r: &mut Runner) -> Result<()> {
    let mut cmd = r.ctx.cargo();
    cmd.args([
        "test",
        "--workspace",
        "--exclude",
        "anyuan",
        "--exclude",
        "anyuan-e2e",
    ]);
    r.services.apply(&mut cmd);
    run_tests(&mut cmd, &mut r.tally)?;
    // The app's pure helpers (API answer classification, backoff) run natively too.
    let mut app = r.ctx.cargo();
    app.args(["test", "-p", "anyuan", "--lib"]);
    run_tests(&mut app, &mut r.tally)
}

fn browser(r: &mut Runner) -> Result<()> {
    let mut cmd = r.ctx.cargo();
    cmd.args(["test", "-p", "anyuan", "--target", WASM_TARGET])
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            r.ctx.root.join("xtask").join("webdriver.json"),
        )
        .env("TMPDIR", r.tmp.path());
    run_tests(&mut cmd, &mut r.tally)
}

fn build_pwa(r: &mut Runner) -> Result<()> {
    build::pwa(r.ctx).map(drop)
}

fn build_server(r: &mut Runner) -> Result<()> {
    r.server_bin = Some(build::server(r.ctx, ServerProfile::Dev)?);
    Ok(())
}

fn e2e(r: &mut Runner) -> Result<()> {
    let server_bin = r
        .server_bin
        .clone()
        .context("the server binary was not built")?;
    // The accessibility checks' script; only this step needs it.
    let axe = install::axe(r.ctx)?;
    let tmp = r.tmp.path().join("e2e");
    std::fs::create_dir_all(&tmp)?;
    let mut cmd = r.ctx.cargo();
    cmd.args(["test", "-p", "anyuan-e2e"])
        .env("ANYUAN_AXE_JS", axe)
        .env("ANYUAN_DIST", build::dist_dir(r.ctx))
        .env("ANYUAN_SERVER_BIN", server_bin)
        .env("TMPDIR", &tmp);
    r.services.apply(&mut cmd);
    let result = run_tests(&mut cmd, &mut r.tally);
    // Chromium leaves profile and scoped_dir litter behind; start clean next time.
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// Services (databases) that tests need, started once per `cargo xtask test`
/// and stopped on drop: a throwaway PostgreSQL cluster, announced to the
/// server's tests through `ANYUAN_TEST_POSTGRES_URL` (each test creates its
/// own database there). Started only when a step that needs it will run.
struct Services {
    env: Vec<(String, String)>,
    _postgres: Option<crate::postgres::Postgres>,
}

fn start_services(_ctx: &Ctx, needs_postgres: bool) -> Result<Services> {
    if !needs_postgres {
        return Ok(Services {
            env: Vec::new(),
            _postgres: None,
        });
    }
    let pg = crate::postgres::Postgres::start()?;
    Ok(Services {
        env: vec![("ANYUAN_TEST_POSTGRES_URL".into(), pg.url())],
        _postgres: Some(pg),
    })
}

impl Services {
    fn apply(&self, cmd: &mut Command) {
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
    }
}

/// Counts from test runners' `test result:` lines.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Tally {
    /// Adds a libtest / wasm-bindgen-test-runner summary line such as
    /// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match kind {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" => self.ignored += count,
                _ => {}
            }
        }
    }
}

/// Runs a test runner, streaming its stdout while counting its results.
fn run_tests(cmd: &mut Command, tally: &mut Tally) -> Result<()> {
    // Tests returning `Err` print the error; anyhow's captured backtrace
    // (RUST_BACKTRACE=1 is common in CI) would bury it. Panics keep theirs.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        cmd.env("RUST_LIB_BACKTRACE", "0");
    }
    eprintln!("{}", display(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", cmd.get_program().to_string_lossy()))?;
    let stdout = child.stdout.take().context("no stdout pipe")?;
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        tally.add_line(&line);
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{}` failed: {status}", short(cmd));
    }
    Ok(())
}

/// A directory that is removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self> {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(options: &Options) -> Vec<&'static str> {
        options.selected().iter().map(|s| s.name).collect()
    }

    fn parse(args: &[&str]) -> Options {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn all_steps_run_by_default_in_order() {
        assert_eq!(
            names(&parse(&[])),
            STEPS.iter().map(|s| s.name).collect::<Vec<_>>()
        );
    }

    #[test]
    fn only_brings_what_a_step_needs() {
        assert_eq!(
            names(&parse(&["--only", "e2e"])),
            ["build-pwa", "build-server", "e2e"]
        );
        assert_eq!(names(&parse(&["--only=fmt,unit"])), ["fmt", "unit"]);
        assert_eq!(
            names(&parse(&["--only", "e2e", "--skip", "build-pwa"])),
            ["build-server", "e2e"]
        );
    }

    #[test]
    fn skip_e2e_keeps_the_rest() {
        let selected = names(&parse(&["--skip-e2e"]));
        assert!(!selected.contains(&"e2e"));
        assert!(selected.contains(&"build-pwa"));
    }

    #[test]
    fn unknown_steps_are_refused() {
        assert!(Options::parse(&["--only".into(), "lint".into()]).is_err());
        assert!(Options::parse(&["--fast".into()]).is_err());
    }

    #[test]
    fn tally_sums_libtest_and_runner_summaries() {
        let mut tally = Tally::default();
        tally.add_line("test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        tally.add_line(
            "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 filtered out; finished in 1.20s",
        );
        tally.add_line("test foo ... ok");
        assert_eq!(
            tally,
            Tally {
                passed: 4,
                failed: 2,
                ignored: 1
            }
        );
    }

    #[test]
    fn tree_verdicts() {
        assert_eq!(
            tree_verdict(true, "", "warning: nothing to print"),
            TreeVerdict::Absent
        );
        assert_eq!(
            tree_verdict(
                false,
                "",
                "error: package ID specification `sqlx` did not match any packages"
            ),
            TreeVerdict::Absent
        );
        assert_eq!(
            tree_verdict(true, "tokio v1.0.0\n└── anyuan-core", ""),
            TreeVerdict::Present
        );
        assert_eq!(
            tree_verdict(false, "", "error: failed to load manifest"),
            TreeVerdict::Error
        );
    }
}
