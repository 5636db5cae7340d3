//! Building the PWA (xtask/src/split.rs) and the server (cargo), and
//! `cargo xtask run`.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::ctx::{Ctx, display, run};
use crate::install::{self, Browser};

/// Where the PWA is built.
pub fn dist_dir(ctx: &Ctx) -> PathBuf {
    ctx.root.join("dist")
}

/// The PWA into dist/. The release profile is the wasm size profile
/// (opt-level z, LTO, one codegen unit, panic abort).
pub fn pwa(ctx: &Ctx) -> Result<crate::split::Output> {
    crate::split::build(ctx, &dist_dir(ctx))
}

/// Which cargo profile to build the server with.
#[derive(Debug, Clone, Copy)]
pub enum ServerProfile {
    /// `dev`: quick to compile, for tests.
    Dev,
    /// `server`: optimised for speed, for running it.
    Server,
}

/// Builds the server and returns the path of its binary.
pub fn server(ctx: &Ctx, profile: ServerProfile) -> Result<PathBuf> {
    let mut cmd = ctx.cargo();
    cmd.args(["build", "-p", "anyuan-server", "--bin", "anyuan-server"]);
    let dir = match profile {
        ServerProfile::Dev => "debug",
        ServerProfile::Server => {
            cmd.args(["--profile", "server"]);
            "server"
        }
    };
    run(&mut cmd)?;
    Ok(ctx.target_dir.join(dir).join("anyuan-server"))
}

/// `cargo xtask build`: the PWA into dist/.
pub fn build_cmd(ctx: &mut Ctx) -> Result<()> {
    install::install(ctx, Browser::No)?;
    pwa(ctx)?;
    eprintln!("built the PWA into {}", dist_dir(ctx).display());
    Ok(())
}

/// `cargo xtask run [-- SERVER ARGS]`: builds everything and replaces this
/// process with the server, serving dist/ with demo data.
pub fn run_cmd(ctx: &mut Ctx, extra: Vec<OsString>) -> Result<()> {
    install::install(ctx, Browser::No)?;
    pwa(ctx)?;
    let bin = server(ctx, ServerProfile::Server)?;

    let mut args: Vec<OsString> = Vec::new();
    // The server reads ANYUAN_ADDR / ANYUAN_DATA_DIR itself; a flag would
    // override them, so only pass defaults for what nobody chose.
    let addr = flag_value(&extra, "--addr")
        .or_else(|| std::env::var("ANYUAN_ADDR").ok().filter(|a| !a.is_empty()));
    let addr = match addr {
        Some(addr) => addr,
        None => {
            args.extend(["--addr".into(), "127.0.0.1:8080".into()]);
            "127.0.0.1:8080".to_owned()
        }
    };
    if flag_value(&extra, "--dist").is_none() {
        args.extend(["--dist".into(), dist_dir(ctx).into()]);
    }
    if flag_value(&extra, "--data-dir").is_none() && std::env::var_os("ANYUAN_DATA_DIR").is_none() {
        args.extend(["--data-dir".into(), ctx.root.join("data").into()]);
    }
    if !extra.iter().any(|a| a == "--demo") {
        args.push("--demo".into());
    }
    args.extend(extra);

    let mut cmd = ctx.cmd(&bin);
    cmd.args(&args);
    eprintln!("{}", display(&cmd));
    eprintln!("Anyuan is starting at http://{addr}/ (Ctrl-C stops it)");
    exec(cmd).with_context(|| format!("could not start {}", bin.display()))
}

#[cfg(unix)]
fn exec(mut cmd: std::process::Command) -> Result<()> {
    use std::os::unix::process::CommandExt as _;
    // Only returns on failure.
    Err(cmd.exec().into())
}

#[cfg(not(unix))]
fn exec(mut cmd: std::process::Command) -> Result<()> {
    let status = cmd.status()?;
    std::process::exit(status.code().unwrap_or(1));
}

/// The value of `--flag VALUE` or `--flag=VALUE` in `args`.
fn flag_value(args: &[OsString], flag: &str) -> Option<String> {
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == flag {
            return iter.next().map(|v| v.into_owned());
        }
        if let Some(value) = arg.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Some(value.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_flag_values_in_both_spellings() {
        let args: Vec<OsString> = ["--demo", "--addr", "0.0.0.0:9000", "--dist=x"]
            .into_iter()
            .map(Into::into)
            .collect();
        assert_eq!(flag_value(&args, "--addr").as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(flag_value(&args, "--dist").as_deref(), Some("x"));
        assert_eq!(flag_value(&args, "--data-dir"), None);
    }
}
