//! `cargo xtask bench [SECTION...]`: named benchmark sections. Each section
//! measures something and checks it against a budget; add new ones to
//! [`SECTIONS`].
//!
//! Speed is always a ratio against a baseline measured in the same run (or,
//! for `pull`, a rate measured end to end), never a timed test. The browser
//! sections run code that is compiled only for them (`--features bench`):
//! `tests/bench.rs` (wasm-bindgen-test, release build, headless Chromium) and
//! `tests/e2e/tests/bench.rs` (the built PWA against a running server). Both
//! print `anyuan-bench <section> key=value ...` lines that are parsed here.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::build::{self, ServerProfile};
use crate::ctx::{Ctx, display, fmt_duration, run, short, timed};
use crate::install::{self, Browser, CHROMEDRIVER, WASM_TARGET, locked_version};
use crate::test::TempDir;

struct Section {
    name: &'static str,
    about: &'static str,
    /// Whether it drives Chromium (so install must bring it).
    browser: bool,
    /// Returns the budget checks that went over (empty when all are ok).
    run: fn(&mut Ctx) -> Result<Vec<String>>,
}

const SECTIONS: &[Section] = &[
    Section {
        name: "size",
        about: "first-load bytes of the PWA (brotli) against a bare Leptos counter",
        browser: false,
        run: size,
    },
    Section {
        name: "idb-save",
        about: "one class edit through Local::save against one raw IndexedDB put",
        browser: true,
        run: idb_save,
    },
    Section {
        name: "idb-import",
        about: "10,000 records through Local::on_pull against one raw transaction",
        browser: true,
        run: idb_import,
    },
    Section {
        name: "ingest",
        about: "server ingest of 10,000 pushed changes on SQLite against a raw sqlx insert loop",
        browser: false,
        run: ingest,
    },
    Section {
        name: "pull",
        about: "first sync of 10,000 records from a local server into IndexedDB",
        browser: true,
        run: pull,
    },
];

pub fn help() -> String {
    let mut text = String::from(
        "cargo xtask bench [SECTION...] [--list]\n\n\
         Runs the named sections (all by default) and exits non-zero if a budget\n\
         is exceeded. Sections:\n",
    );
    for section in SECTIONS {
        text.push_str(&format!("  {:<11} {}\n", section.name, section.about));
    }
    text
}

pub fn bench_cmd(ctx: &mut Ctx, args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--list") {
        eprint!("{}", help());
        return Ok(());
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        bail!("unknown argument `{flag}`\n\n{}", help());
    }
    let chosen: Vec<&Section> = if args.is_empty() {
        SECTIONS.iter().collect()
    } else {
        args.iter()
            .map(|name| {
                SECTIONS
                    .iter()
                    .find(|s| s.name == name)
                    .with_context(|| format!("unknown bench section `{name}`\n\n{}", help()))
            })
            .collect::<Result<_>>()?
    };
    let browser = if chosen.iter().any(|s| s.browser) {
        Browser::Yes
    } else {
        Browser::No
    };
    install::install(ctx, browser)?;
    if chosen.iter().any(|s| s.name == "size") {
        // The size section builds its reference counter with trunk.
        install::trunk(ctx)?;
    }
    let mut over = Vec::new();
    for section in chosen {
        eprintln!("\n==> bench {}: {}", section.name, section.about);
        over.extend((section.run)(ctx)?);
    }
    if !over.is_empty() {
        bail!("over budget: {}", over.join("; "));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// size: what a phone downloads on first load.

/// First load, brotli-compressed, must stay under this many KB (1 KB = 1024 B).
const FIRST_LOAD_BUDGET_KB: f64 = 150.0;
/// ... and under this many times a bare Leptos counter built the same way.
const COUNTER_RATIO_BUDGET: f64 = 5.0;
/// The whole app (every wasm, JS and CSS file the service worker precaches,
/// brotli) once the registries, the hazard ledger and supervision are in.
const WHOLE_APP_BUDGET_KB: f64 = 650.0;
use crate::compress::BROTLI_QUALITY;

fn size(ctx: &mut Ctx) -> Result<Vec<String>> {
    let (result, app_took) = timed(|| build::pwa(ctx));
    let built = result?;
    let dist = build::dist_dir(ctx);
    // The first load is what a first visit fetches before its first screen,
    // sign-in. The lazy modules load when they are first needed (the
    // signed-in app once someone signs in, a page module when its route
    // opens), and the service worker precaches them after the first load.
    let app = Sizes::of_dist(&dist, &built.chunks)?;
    let brotli_of = |files: &[String]| -> Result<Vec<u64>> {
        files
            .iter()
            .map(|c| brotli_len(&std::fs::read(dist.join(c))?))
            .collect()
    };
    let lazy = brotli_of(&built.chunks)?;
    let signed_in = brotli_of(&built.signed_in)?;

    let counter_dir = write_counter(ctx)?;
    let (result, counter_took) = timed(|| build_counter(ctx, &counter_dir));
    result?;
    let counter = Sizes::of_dist(&counter_dir.join("dist"), &[])?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nbuild: app {}, counter {}",
        fmt_duration(app_took),
        fmt_duration(counter_took)
    )?;
    writeln!(
        out,
        "sizes in KB (1 KB = 1024 bytes), brotli quality {BROTLI_QUALITY}:"
    )?;
    writeln!(
        out,
        "  {:<6} {:>22} {:>22}",
        "", "app raw / br", "counter raw / br"
    )?;
    for kind in Kind::ALL {
        let (a, c) = (app.of(kind), counter.of(kind));
        writeln!(
            out,
            "  {:<6} {:>10} / {:>9} {:>10} / {:>9}",
            kind.label(),
            kb(a.raw),
            kb(a.brotli),
            kb(c.raw),
            kb(c.brotli)
        )?;
    }
    let (a, c) = (app.total(), counter.total());
    writeln!(
        out,
        "  {:<6} {:>10} / {:>9} {:>10} / {:>9}",
        "total",
        kb(a.raw),
        kb(a.brotli),
        kb(c.raw),
        kb(c.brotli)
    )?;
    writeln!(out, "  first-load files: {}", app.files.join(", "))?;
    writeln!(
        out,
        "  lazy modules (not first load): {} files, {} KB brotli in all, largest {} KB",
        lazy.len(),
        kb(lazy.iter().sum()),
        kb(lazy.iter().copied().max().unwrap_or(0)),
    )?;
    writeln!(
        out,
        "  signed-in start (first load + the signed-in app's module and {} chunks it shares): {} KB brotli",
        signed_in.len().saturating_sub(1),
        kb(a.brotli + signed_in.iter().sum::<u64>()),
    )?;
    // Each split point's own module (`split_<name>`), so a module's growth
    // shows; the chunks several modules share are counted together.
    let mut shared = 0;
    for (file, br) in built.chunks.iter().zip(&lazy) {
        match file.strip_prefix("split_") {
            Some(rest) => writeln!(
                out,
                "  module {:<10} {:>7} KB brotli",
                rest.split(['-', '.']).next().unwrap_or(rest),
                kb(*br)
            )?,
            None => shared += br,
        }
    }
    writeln!(
        out,
        "  chunks shared by modules {:>7} KB brotli",
        kb(shared)
    )?;
    let whole = a.brotli - app.of(Kind::Html).brotli + lazy.iter().sum::<u64>();
    let whole_kb = whole as f64 / 1024.0;

    let first_load_kb = a.brotli as f64 / 1024.0;
    let ratio = a.brotli as f64 / c.brotli.max(1) as f64;
    writeln!(out, "ratio app/counter (brotli total) {ratio:.2}")?;
    let mut over = Vec::new();
    let mut check = |line: String, ok: bool| -> Result<()> {
        writeln!(out, "{line}: {}", if ok { "ok" } else { "OVER" })?;
        if !ok {
            over.push(line);
        }
        Ok(())
    };
    check(
        format!("first load (brotli) {first_load_kb:.1} KB ≤ {FIRST_LOAD_BUDGET_KB} KB"),
        first_load_kb <= FIRST_LOAD_BUDGET_KB,
    )?;
    check(
        format!("ratio vs counter {ratio:.2} ≤ {COUNTER_RATIO_BUDGET}"),
        ratio <= COUNTER_RATIO_BUDGET,
    )?;
    check(
        format!("whole app (wasm, js, css; brotli) {whole_kb:.1} KB ≤ {WHOLE_APP_BUDGET_KB} KB"),
        whole_kb <= WHOLE_APP_BUDGET_KB,
    )?;
    Ok(over)
}

fn kb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Wasm,
    Js,
    Css,
    Html,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Wasm, Kind::Js, Kind::Css, Kind::Html];

    fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "wasm" => Some(Kind::Wasm),
            "js" | "mjs" => Some(Kind::Js),
            "css" => Some(Kind::Css),
            "html" => Some(Kind::Html),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Wasm => "wasm",
            Kind::Js => "js",
            Kind::Css => "css",
            Kind::Html => "html",
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Size {
    raw: u64,
    brotli: u64,
}

impl std::ops::AddAssign for Size {
    fn add_assign(&mut self, other: Self) {
        self.raw += other.raw;
        self.brotli += other.brotli;
    }
}

/// Sizes of the code and styles in a dist/ directory that a first load
/// fetches: html, wasm, js including the service worker, css, except the
/// lazily loaded modules named in `lazy`; icons and the manifest are left
/// out.
#[derive(Debug, Default)]
struct Sizes {
    by_kind: Vec<(Kind, Size)>,
    files: Vec<String>,
}

impl Sizes {
    fn of_dist(dist: &Path, lazy: &[String]) -> Result<Self> {
        let mut sizes = Sizes::default();
        let mut files = Vec::new();
        collect_files(dist, &mut files)
            .with_context(|| format!("reading {} (was it built?)", dist.display()))?;
        files.sort();
        for path in files {
            let Some(kind) = Kind::of(&path) else {
                continue;
            };
            if lazy
                .iter()
                .any(|l| path.file_name().is_some_and(|n| n == l.as_str()))
            {
                continue;
            }
            let data = std::fs::read(&path)?;
            let size = Size {
                raw: data.len() as u64,
                brotli: brotli_len(&data)?,
            };
            sizes.add(kind, size);
            let name = path
                .strip_prefix(dist)
                .unwrap_or(&path)
                .display()
                .to_string();
            sizes.files.push(name);
        }
        if sizes.of(Kind::Wasm).raw == 0 {
            bail!("no .wasm file in {}", dist.display());
        }
        Ok(sizes)
    }

    fn add(&mut self, kind: Kind, size: Size) {
        match self.by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, s)) => *s += size,
            None => self.by_kind.push((kind, size)),
        }
    }

    fn of(&self, kind: Kind) -> Size {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    fn total(&self) -> Size {
        let mut total = Size::default();
        for (_, size) in &self.by_kind {
            total += *size;
        }
        total
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn brotli_len(data: &[u8]) -> Result<u64> {
    Ok(crate::compress::brotli(data)?.len() as u64)
}

// ---------------------------------------------------------------------------
// idb-save, idb-import: tests/bench.rs in headless Chromium.

/// `Local::save` may take at most this many times a raw put (medians).
const SAVE_RATIO_BUDGET: f64 = 2.0;
/// Importing through `Local::on_pull` must reach this share of raw speed.
const IMPORT_SPEED_BUDGET: f64 = 0.5;
/// A first sync must bring at least this many records per second.
const PULL_RATE_BUDGET: f64 = 6000.0;

fn idb_save(ctx: &mut Ctx) -> Result<Vec<String>> {
    let result = browser_bench(ctx, "idb_save", "idb-save")?;
    let (app, raw, ratio) = (
        result.get("app_ms")?,
        result.get("raw_ms")?,
        result.get("ratio")?,
    );
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nidb-save (median of {} interleaved pairs, {} bytes written per save):",
        result.get("iterations")?,
        result.get("bytes")?
    )?;
    writeln!(out, "  Local::save (outbox + clock, 1 tx) {app:>9.3} ms")?;
    writeln!(out, "  raw put (same bytes, 1 tx)         {raw:>9.3} ms")?;
    let mut checks = Checks::new(out);
    checks.check(
        format!("idb-save ratio app/raw {ratio:.2} ≤ {SAVE_RATIO_BUDGET}"),
        ratio <= SAVE_RATIO_BUDGET,
    )?;
    Ok(checks.over)
}

fn idb_import(ctx: &mut Ctx) -> Result<Vec<String>> {
    let result = browser_bench(ctx, "idb_import", "idb-import")?;
    let (app, raw, speed) = (
        result.get("app_ms")?,
        result.get("raw_ms")?,
        result.get("speed")?,
    );
    let records = result.get("records")?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nidb-import of {records} records, {:.1} MB of JSON (median of {} interleaved rounds):",
        result.get("bytes")? / 1e6,
        result.get("rounds")?
    )?;
    writeln!(
        out,
        "  Local::on_pull, pages of 1,000   {app:>9.1} ms  ({:>7.0} records/s)",
        records / app * 1000.0
    )?;
    writeln!(
        out,
        "  raw, one transaction             {raw:>9.1} ms  ({:>7.0} records/s)",
        records / raw * 1000.0
    )?;
    let mut checks = Checks::new(out);
    checks.check(
        format!(
            "idb-import speed {:.0}% of raw ≥ {:.0}%",
            speed * 100.0,
            IMPORT_SPEED_BUDGET * 100.0
        ),
        speed >= IMPORT_SPEED_BUDGET,
    )?;
    Ok(checks.over)
}

/// Runs one function of tests/bench.rs (release build, as shipped) and
/// returns the numbers it printed for `section`.
fn browser_bench(ctx: &Ctx, test: &str, section: &str) -> Result<BenchLine> {
    let tmp = TempDir::new("anyuan-bench")?;
    let mut cmd = ctx.cargo();
    cmd.args([
        "test",
        "-p",
        "anyuan",
        "--release",
        "--target",
        WASM_TARGET,
        "--features",
        "bench",
        "--test",
        "bench",
        "--",
        "--nocapture",
        "--exact",
        test,
    ])
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        ctx.root.join("xtask").join("webdriver.json"),
    )
    // The default 20 s per test is too short for the import rounds.
    .env("WASM_BINDGEN_TEST_TIMEOUT", "600")
    .env("TMPDIR", tmp.path());
    let output = run_collecting(&mut cmd)?;
    BenchLine::find(&output, section)
}

// ---------------------------------------------------------------------------
// pull: the built PWA, served by a really running server, pulls 10,000 records
// (tests/e2e/tests/bench.rs).

/// The server's own bench binary (`crates/anyuan-server/benches/ingest.rs`)
/// measures both sides in one process and prints the ratio; it exits
/// non-zero when the ratio is under budget.
fn ingest(ctx: &mut Ctx) -> Result<Vec<String>> {
    let status = ctx
        .cargo()
        .args([
            "bench",
            "-p",
            "anyuan-server",
            "--bench",
            "ingest",
            "--profile",
            "server",
        ])
        .status()
        .context("running the ingest bench")?;
    Ok(if status.success() {
        Vec::new()
    } else {
        vec!["ingest: below 0.5x the raw insert rate (see its output above)".to_string()]
    })
}

fn pull(ctx: &mut Ctx) -> Result<Vec<String>> {
    // Its own dist directory: others' builds into dist/ must not swap the
    // files under the running benchmark.
    let dist = ctx.target_dir.join("bench-pull-dist");
    crate::split::build(ctx, &dist)?;
    let server_bin = build::server(ctx, ServerProfile::Server)?;
    let tmp = TempDir::new("anyuan-bench-pull")?;
    let mut cmd = ctx.cargo();
    cmd.args([
        "test",
        "-p",
        "anyuan-e2e",
        "--features",
        "bench",
        "--test",
        "bench",
        "--",
        "--nocapture",
    ])
    .env("ANYUAN_DIST", &dist)
    .env("ANYUAN_SERVER_BIN", server_bin)
    .env("TMPDIR", tmp.path());
    let output = run_collecting(&mut cmd)?;
    let result = BenchLine::find(&output, "pull")?;
    let (records, ms, rate) = (
        result.get("records")?,
        result.get("ms")?,
        result.get("rate")?,
    );
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\npull: first sync as school1, {records} records in {} requests, release PWA and server:",
        result.get("requests")?
    )?;
    writeln!(out, "  first request → last page in IndexedDB {ms:>8.1} ms",)?;
    writeln!(
        out,
        "    waiting for the server's answers     {:>8.1} ms",
        result.get("network_ms")?
    )?;
    writeln!(
        out,
        "    in the app (parse, merge, IndexedDB) {:>8.1} ms",
        result.get("app_ms")?
    )?;
    let mut checks = Checks::new(out);
    checks.check(
        format!("pull {rate:.0} records/s ≥ {PULL_RATE_BUDGET:.0}"),
        rate >= PULL_RATE_BUDGET,
    )?;
    Ok(checks.over)
}

/// Prints budget verdicts and collects those that went over.
struct Checks<W: std::io::Write> {
    out: W,
    over: Vec<String>,
}

impl<W: std::io::Write> Checks<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            over: Vec::new(),
        }
    }

    fn check(&mut self, line: String, ok: bool) -> Result<()> {
        writeln!(self.out, "{line}: {}", if ok { "ok" } else { "OVER" })?;
        if !ok {
            self.over.push(line);
        }
        Ok(())
    }
}

/// Runs a command, streaming its stdout through while keeping it.
fn run_collecting(cmd: &mut Command) -> Result<String> {
    // A failing benchmark's error, not anyhow's backtrace of it.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        cmd.env("RUST_LIB_BACKTRACE", "0");
    }
    eprintln!("{}", display(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", cmd.get_program().to_string_lossy()))?;
    let stdout = child.stdout.take().context("no stdout pipe")?;
    let mut kept = String::new();
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(out, "{line}")?;
        out.flush()?;
        kept.push_str(&line);
        kept.push('\n');
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{}` failed: {status}", short(cmd));
    }
    Ok(kept)
}

/// One `anyuan-bench <section> key=value ...` line printed by a benchmark.
#[derive(Debug)]
struct BenchLine {
    section: String,
    values: Vec<(String, f64)>,
}

impl BenchLine {
    const PREFIX: &'static str = "anyuan-bench ";

    /// The last line for `section` in `output` (runners may prefix lines).
    fn find(output: &str, section: &str) -> Result<Self> {
        output
            .lines()
            .rev()
            .filter_map(|line| line.find(Self::PREFIX).map(|at| &line[at..]))
            .filter_map(Self::parse)
            .find(|l| l.section == section)
            .with_context(|| format!("the benchmark printed no `anyuan-bench {section}` line"))
    }

    fn parse(line: &str) -> Option<Self> {
        let mut words = line.strip_prefix(Self::PREFIX)?.split_whitespace();
        let section = words.next()?.to_owned();
        let values = words
            .filter_map(|w| {
                let (key, value) = w.split_once('=')?;
                Some((key.to_owned(), value.parse().ok()?))
            })
            .collect();
        Some(Self { section, values })
    }

    fn get(&self, key: &str) -> Result<f64> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .with_context(|| format!("`anyuan-bench {}` has no {key}=", self.section))
    }
}

// The reference: a bare Leptos CSR counter, built exactly like the app.

const COUNTER_MAIN: &str = r#"use leptos::prelude::*;

fn main() {
    mount_to_body(|| {
        let (count, set_count) = signal(0);
        view! {
            <button on:click=move |_| set_count.update(|n| *n += 1)>
                "count: " {count}
            </button>
        }
    });
}
"#;

const COUNTER_INDEX: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>counter</title>
    <link data-trunk rel="rust" data-wasm-opt="z" />
  </head>
  <body></body>
</html>
"#;

const COUNTER_TRUNK: &str = r#"[build]
target = "index.html"
dist = "dist"
offline = true
"#;

/// Writes the counter project under target/bench-counter/; returns its directory.
fn write_counter(ctx: &Ctx) -> Result<PathBuf> {
    let dir = ctx.target_dir.join("bench-counter");
    std::fs::create_dir_all(dir.join("src"))?;
    let lock = std::fs::read_to_string(ctx.root.join("Cargo.lock"))?;
    let leptos = locked_version(&lock, "leptos").context("Cargo.lock has no leptos")?;
    let wasm_bindgen =
        locked_version(&lock, "wasm-bindgen").context("Cargo.lock has no wasm-bindgen")?;
    let root_manifest = std::fs::read_to_string(ctx.root.join("Cargo.toml"))?;
    let profile = release_profile(&root_manifest).context("Cargo.toml has no [profile.release]")?;
    let manifest = format!(
        "[package]\nname = \"bench-counter\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nleptos = {{ version = \"={leptos}\", features = [\"csr\"] }}\n\
         wasm-bindgen = \"={wasm_bindgen}\"\n\n{profile}\n\
         # Not part of the Anyuan workspace.\n[workspace]\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src").join("main.rs"), COUNTER_MAIN)?;
    write_if_changed(&dir.join("index.html"), COUNTER_INDEX)?;
    write_if_changed(&dir.join("Trunk.toml"), COUNTER_TRUNK)?;
    // Start from the app's lock file so both resolve to the same versions.
    if !dir.join("Cargo.lock").exists() {
        std::fs::write(dir.join("Cargo.lock"), lock)?;
    }
    Ok(dir)
}

/// trunk builds the counter; then its imports are shortened and its JS
/// minified, as the app's are.
fn build_counter(ctx: &Ctx, dir: &Path) -> Result<()> {
    run(ctx
        .cmd("trunk")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            ctx.target_dir.join("bench-counter-target"),
        )
        // No integrity hashes: the JS changes after trunk, as the app's does.
        .args(["build", "--release", "--no-sri"]))?;
    let dist = dir.join("dist");
    let with_end = |end: &str| -> Result<PathBuf> {
        for entry in std::fs::read_dir(&dist)? {
            let path = entry?.path();
            if path.to_str().is_some_and(|p| p.ends_with(end)) {
                return Ok(path);
            }
        }
        bail!("the counter's dist has no *{end}")
    };
    let js = with_end(".js")?;
    crate::imports::shorten_files(&with_end("_bg.wasm")?, &js)?;
    crate::split::minify_js(ctx, &js)
}

/// The `[profile.release]` table of a manifest, verbatim, so the counter is
/// built with exactly the app's size settings.
fn release_profile(manifest: &str) -> Option<String> {
    let mut lines = manifest
        .lines()
        .skip_while(|l| l.trim() != "[profile.release]");
    let header = lines.next()?;
    let mut table = vec![header];
    table.extend(lines.take_while(|l| !l.trim_start().starts_with('[')));
    Some(table.join("\n").trim_end().to_owned() + "\n")
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_profile_is_copied_verbatim() {
        let manifest = "[package]\nname = \"x\"\n\n[profile.release]\nopt-level = \"z\"\nlto = true\n\n[profile.server]\ninherits = \"release\"\n";
        assert_eq!(
            release_profile(manifest).as_deref(),
            Some("[profile.release]\nopt-level = \"z\"\nlto = true\n")
        );
        assert_eq!(release_profile("[package]\n"), None);
    }

    #[test]
    fn bench_lines_are_found_and_parsed() {
        let output = "running 1 test\n\
            anyuan-bench idb-save app_ms=1.5 raw_ms=1.0 ratio=1.500\n\
            log: anyuan-bench pull records=10000 ms=900.5 rate=11105 note=x\n";
        let save = BenchLine::find(output, "idb-save").unwrap();
        assert_eq!(save.get("ratio").unwrap(), 1.5);
        assert!(save.get("speed").is_err());
        let pull = BenchLine::find(output, "pull").unwrap();
        assert_eq!(pull.get("records").unwrap(), 10000.0);
        assert!(pull.get("note").is_err(), "non-numbers are left out");
        assert!(BenchLine::find(output, "idb-import").is_err());
    }

    #[test]
    fn brotli_shrinks_repetitive_text() {
        let text = "安园 anyuan ".repeat(1000);
        let len = brotli_len(text.as_bytes()).unwrap();
        assert!(len > 0 && len < text.len() as u64 / 20, "{len}");
    }

    #[test]
    fn sizes_add_up_by_kind() {
        let mut sizes = Sizes::default();
        sizes.add(Kind::Js, Size { raw: 10, brotli: 4 });
        sizes.add(Kind::Js, Size { raw: 5, brotli: 2 });
        sizes.add(
            Kind::Wasm,
            Size {
                raw: 100,
                brotli: 40,
            },
        );
        assert_eq!(sizes.of(Kind::Js), Size { raw: 15, brotli: 6 });
        assert_eq!(sizes.of(Kind::Css), Size::default());
        assert_eq!(
            sizes.total(),
            Size {
                raw: 115,
                brotli: 46
            }
        );
        assert_eq!(
            Kind::of(Path::new("a/anyuan-0123_bg.wasm")),
            Some(Kind::Wasm)
        );
        assert_eq!(Kind::of(Path::new("icon.png")), None);
    }
}
