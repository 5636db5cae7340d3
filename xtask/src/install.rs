//! `cargo xtask install`: brings every tool the build and the tests need,
//! from package registries only (see shared toolchain notes), idempotently.
//!
//! Afterwards the [`Ctx`] environment pins trunk to the tool versions found,
//! so Trunk.toml's `[tools]` can never go stale. trunk itself (the size
//! benchmark's reference build and the development loop, not the release
//! build) and axe-core (the end-to-end tests) are installed only by what
//! uses them: [`trunk`], [`axe`].

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::ctx::{Ctx, fmt_duration, probe, run, timed};

/// trunk 0.22 needs a newer rustc than the project's; keep this pinned.
pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen from npm. Never Debian's binaryen (108): its `-Oz` output breaks
/// at runtime in Chromium.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// terser from npm minifies the JS glue (see `split::minify_js`).
pub const TERSER_VERSION: &str = "5.51.4";
/// axe-core from npm: the end-to-end tests run its accessibility checks
/// in every signed-in page (injected as a script; nothing else uses it).
pub const AXE_VERSION: &str = "4.14.1";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Also install Chromium and chromedriver (for browser and e2e tests).
    Yes,
    No,
}

/// Installs what is missing and sets up `ctx` to use it.
pub fn install(ctx: &mut Ctx, browser: Browser) -> Result<()> {
    let (result, took) = timed(|| install_inner(ctx, browser));
    result?;
    eprintln!("install: all tools ready ({})", fmt_duration(took));
    Ok(())
}

fn install_inner(ctx: &mut Ctx, browser: Browser) -> Result<()> {
    // Tools installed by `cargo install` land in $CARGO_HOME/bin; make sure
    // they are found even when that is not on the caller's PATH.
    ctx.prepend_path(&cargo_home().join("bin"));

    step("wasm32 target", || wasm_target(ctx))?;
    let wasm_bindgen = step("wasm-bindgen-cli", || wasm_bindgen(ctx))?;
    let (wasm_opt_bin, wasm_opt) = step("wasm-opt", || wasm_opt(ctx))?;
    let terser_bin = step("terser", || terser(ctx))?;
    if browser == Browser::Yes {
        step("chromium", || chromium(ctx))?;
    }

    ctx.prepend_path(&wasm_opt_bin);
    ctx.prepend_path(&terser_bin);
    ctx.set_env("TRUNK_SKIP_VERSION_CHECK", "true");
    ctx.set_env("TRUNK_OFFLINE", "true");
    ctx.set_env("TRUNK_TOOLS_WASM_BINDGEN", &wasm_bindgen);
    ctx.set_env("TRUNK_TOOLS_WASM_OPT", &wasm_opt);
    Ok(())
}

/// Runs one install step and reports what it did and how long it took.
fn step<T>(name: &str, f: impl FnOnce() -> Result<(T, Outcome)>) -> Result<T> {
    let (result, took) = timed(f);
    let (value, outcome) = result.with_context(|| format!("installing {name}"))?;
    match outcome {
        Outcome::Present(what) => eprintln!("install: {name}: {what} (already there)"),
        Outcome::Installed(what) => {
            eprintln!(
                "install: {name}: installed {what} in {}",
                fmt_duration(took)
            )
        }
    }
    Ok(value)
}

enum Outcome {
    Present(String),
    Installed(String),
}

fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    home_dir().join(".cargo")
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// Where npm-installed tools are cached between runs.
pub fn tools_cache() -> PathBuf {
    match std::env::var_os("XDG_CACHE_HOME").filter(|h| !h.is_empty()) {
        Some(cache) => PathBuf::from(cache).join("anyuan-tools"),
        None => home_dir().join(".cache").join("anyuan-tools"),
    }
}

fn wasm_target(ctx: &Ctx) -> Result<((), Outcome)> {
    let installed = probe(ctx.cmd("rustup").args(["target", "list", "--installed"]))
        .context("`rustup` is needed to add the wasm32 target")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(((), Outcome::Present(WASM_TARGET.into())));
    }
    run(ctx.cmd("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(((), Outcome::Installed(WASM_TARGET.into())))
}

/// Installs trunk (for `trunk serve` in development and the size
/// benchmark's reference counter; the release build does not use it).
pub fn trunk(ctx: &mut Ctx) -> Result<()> {
    ctx.prepend_path(&cargo_home().join("bin"));
    step("trunk", || trunk_step(ctx))
}

/// Installs axe-core from npm into the tools cache; returns the path of
/// its browser script (`axe.min.js`), for the end-to-end tests to inject.
pub fn axe(ctx: &Ctx) -> Result<PathBuf> {
    let want = format!("axe-core {AXE_VERSION}");
    let bin = step("axe-core", || {
        npm_tool(ctx, "axe-core", AXE_VERSION, &want, |bin| {
            // No executable: the package's own manifest tells its version.
            let dir = bin.parent()?.join("axe-core");
            let manifest = std::fs::read_to_string(dir.join("package.json")).ok()?;
            let found = manifest.contains(&format!("\"version\": \"{AXE_VERSION}\""));
            (found && dir.join("axe.min.js").is_file()).then(|| want.clone())
        })
    })?;
    let script = bin.with_file_name("axe-core").join("axe.min.js");
    Ok(script)
}

fn trunk_step(ctx: &Ctx) -> Result<((), Outcome)> {
    let want = format!("trunk {TRUNK_VERSION}");
    if probe(ctx.cmd("trunk").arg("--version")).as_deref() == Some(want.as_str()) {
        return Ok(((), Outcome::Present(want)));
    }
    run(ctx
        .cargo()
        .args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]))?;
    check_version(ctx, "trunk", &want)?;
    Ok(((), Outcome::Installed(want)))
}

/// Installs wasm-bindgen-cli at exactly the version in Cargo.lock; returns that version.
fn wasm_bindgen(ctx: &Ctx) -> Result<(String, Outcome)> {
    let lock =
        std::fs::read_to_string(ctx.root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let version = locked_version(&lock, "wasm-bindgen")
        .context("Cargo.lock has no `wasm-bindgen` package")?;
    let want = format!("wasm-bindgen {version}");
    if probe(ctx.cmd("wasm-bindgen").arg("--version")).as_deref() == Some(want.as_str()) {
        return Ok((version, Outcome::Present(want)));
    }
    // Not --locked: the CLI's lock file names a crate version this registry lacks.
    run(ctx
        .cargo()
        .args(["install", &format!("wasm-bindgen-cli@{version}")]))?;
    check_version(ctx, "wasm-bindgen", &want)?;
    Ok((version, Outcome::Installed(want)))
}

/// Installs binaryen from npm into the tools cache; returns its bin directory
/// and the version in trunk's format (`version_132`).
fn wasm_opt(ctx: &Ctx) -> Result<((PathBuf, String), Outcome)> {
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let want = format!("version_{major}");
    let (bin, outcome) = npm_tool(ctx, "binaryen", BINARYEN_VERSION, &want, |bin| {
        probe(ctx.cmd(bin.join("wasm-opt")).arg("--version")).and_then(|out| wasm_opt_version(&out))
    })?;
    Ok(((bin, want), outcome))
}

/// Installs terser from npm into the tools cache; returns its bin directory.
fn terser(ctx: &Ctx) -> Result<(PathBuf, Outcome)> {
    let want = format!("terser {TERSER_VERSION}");
    npm_tool(ctx, "terser", TERSER_VERSION, &want, |bin| {
        probe(ctx.cmd(bin.join("terser")).arg("--version"))
    })
}

/// npm's `package@version` in its own folder of the tools cache, unless
/// `installed` (asked of its bin directory) already says `want`; checked
/// again after installing. Returns the bin directory.
fn npm_tool(
    ctx: &Ctx,
    package: &str,
    version: &str,
    want: &str,
    installed: impl Fn(&Path) -> Option<String>,
) -> Result<(PathBuf, Outcome)> {
    let prefix = tools_cache().join(package);
    let bin = prefix.join("node_modules").join(".bin");
    let what = format!("{package}@{version}");
    if installed(&bin).as_deref() == Some(want) {
        return Ok((bin, Outcome::Present(what)));
    }
    std::fs::create_dir_all(&prefix)?;
    run(ctx
        .cmd("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(&what))?;
    let got = installed(&bin);
    if got.as_deref() != Some(want) {
        bail!("after installing {what}, it reports {got:?}, expected {want:?}");
    }
    Ok((bin, Outcome::Installed(what)))
}

fn chromium(ctx: &Ctx) -> Result<((), Outcome)> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        let version = probe(ctx.cmd(CHROMEDRIVER).arg("--version")).unwrap_or_default();
        return Ok(((), Outcome::Present(version)));
    }
    let apt = |args: &[&str]| {
        run(ctx
            .cmd("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])?;
    for path in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(path).exists() {
            bail!("{path} is still missing after installing chromium and chromium-driver");
        }
    }
    let version = probe(ctx.cmd(CHROMEDRIVER).arg("--version")).unwrap_or_default();
    Ok(((), Outcome::Installed(version)))
}

fn check_version(ctx: &Ctx, program: &str, want: &str) -> Result<()> {
    let got = probe(ctx.cmd(program).arg("--version"));
    if got.as_deref() != Some(want) {
        bail!("after installing, `{program} --version` says {got:?}, expected {want:?}");
    }
    Ok(())
}

/// The version of package `name` in a Cargo.lock (the first one if several).
pub fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            let version = lines.next()?.trim();
            let version = version.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

/// `wasm-opt version 132 (version_132)` → `version_132`.
fn wasm_opt_version(out: &str) -> Option<String> {
    let rest = out.trim().strip_prefix("wasm-opt version ")?;
    let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!number.is_empty()).then(|| format!("version_{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-backend"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn reads_exact_package_version_from_lock() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(LOCK, "wasm"), None);
    }

    #[test]
    fn wasm_opt_version_in_trunk_format() {
        assert_eq!(
            wasm_opt_version("wasm-opt version 132 (version_132)\n").as_deref(),
            Some("version_132")
        );
        assert_eq!(wasm_opt_version("something else"), None);
    }

    /// The value of `key = "…"` in the `[section]` of a TOML file (enough of
    /// TOML for Trunk.toml's flat tables; xtask has no TOML parser).
    fn toml_value(text: &str, section: &str, key: &str) -> Option<String> {
        let mut current = String::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                current = line.trim_matches(|c| c == '[' || c == ']').to_owned();
            } else if current == section
                && let Some((k, v)) = line.split_once('=')
                && k.trim() == key
            {
                return Some(v.trim().trim_matches('"').to_owned());
            }
        }
        None
    }

    #[test]
    fn trunk_toml_pins_the_workspace_tools_and_proxies_to_the_dev_server() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let trunk = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        let value = |section: &str, key: &str| {
            toml_value(&trunk, section, key)
                .unwrap_or_else(|| panic!("Trunk.toml has no {key} in [{section}]"))
        };
        // The wasm-bindgen CLI must be exactly the library's version.
        assert_eq!(
            value("tools", "wasm_bindgen"),
            locked_version(&lock, "wasm-bindgen").unwrap()
        );
        let major = BINARYEN_VERSION.split('.').next().unwrap();
        assert_eq!(value("tools", "wasm_opt"), format!("version_{major}"));
        // No downloads, and never the release build's dist/.
        assert_eq!(value("build", "offline"), "true");
        assert_ne!(value("build", "dist"), "dist");
        // /api/ goes to `cargo run -p anyuan-server -- --demo`, at the
        // server's default address, which trunk itself must not take.
        let server_config =
            std::fs::read_to_string(root.join("crates/anyuan-server/src/config.rs")).unwrap();
        assert!(server_config.contains("\"127.0.0.1:8080\""));
        assert_eq!(value("proxy", "backend"), "http://127.0.0.1:8080/api/");
        assert_ne!(value("serve", "port"), "8080");
        // The page trunk builds loads the app crate.
        let page = std::fs::read_to_string(root.join(value("build", "target"))).unwrap();
        assert!(page.contains(r#"data-trunk rel="rust""#), "{page}");
    }
}
