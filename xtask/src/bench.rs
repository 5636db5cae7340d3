//! `cargo xtask bench [SECTION...]`: named benchmark sections. Each section
//! measures something and checks it against a budget; add new ones (server
//! ingest, IndexedDB, ...) to [`SECTIONS`].

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::build;
use crate::ctx::{Ctx, fmt_duration, run, timed};
use crate::install::{self, Browser, locked_version};

struct Section {
    name: &'static str,
    about: &'static str,
    /// Returns the budget checks that went over (empty when all are ok).
    run: fn(&mut Ctx) -> Result<Vec<String>>,
}

const SECTIONS: &[Section] = &[Section {
    name: "size",
    about: "first-load bytes of the PWA (brotli) against a bare Leptos counter",
    run: size,
}];

pub fn help() -> String {
    let mut text = String::from(
        "cargo xtask bench [SECTION...] [--list]\n\n\
         Runs the named sections (all by default) and exits non-zero if a budget\n\
         is exceeded. Sections:\n",
    );
    for section in SECTIONS {
        text.push_str(&format!("  {:<8} {}\n", section.name, section.about));
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
    install::install(ctx, Browser::No)?;
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
const BROTLI_QUALITY: u32 = 11;
const BROTLI_WINDOW: u32 = 22;

fn size(ctx: &mut Ctx) -> Result<Vec<String>> {
    let (result, app_took) = timed(|| build::pwa(ctx));
    result?;
    let app = Sizes::of_dist(&build::dist_dir(ctx))?;

    let counter_dir = write_counter(ctx)?;
    let (result, counter_took) = timed(|| build_counter(ctx, &counter_dir));
    result?;
    let counter = Sizes::of_dist(&counter_dir.join("dist"))?;

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
    writeln!(out, "  app files: {}", app.files.join(", "))?;

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

/// Sizes of the code and styles in a dist/ directory (everything a first
/// load fetches: html, wasm, js including the service worker, css; icons
/// and the manifest are left out).
#[derive(Debug, Default)]
struct Sizes {
    by_kind: Vec<(Kind, Size)>,
    files: Vec<String>,
}

impl Sizes {
    fn of_dist(dist: &Path) -> Result<Self> {
        let mut sizes = Sizes::default();
        let mut files = Vec::new();
        collect_files(dist, &mut files)
            .with_context(|| format!("reading {} (was it built?)", dist.display()))?;
        files.sort();
        for path in files {
            let Some(kind) = Kind::of(&path) else {
                continue;
            };
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
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    writer.write_all(data)?;
    Ok(writer.into_inner().len() as u64)
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

fn build_counter(ctx: &Ctx, dir: &Path) -> Result<()> {
    run(ctx
        .cmd("trunk")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            ctx.target_dir.join("bench-counter-target"),
        )
        .args(["build", "--release"]))
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
