//! Project automation for Anyuan (安园), in the cargo-xtask style:
//! `cargo xtask` with no arguments prints help.

mod bench;
mod build;
mod compress;
mod ctx;
mod imports;
mod install;
mod postgres;
mod pwa;
mod split;
mod test;

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::{Result, bail};

use ctx::Ctx;
use install::Browser;

fn usage() -> String {
    format!(
        "\
cargo xtask <TASK> [ARGS]

Tasks:
  install [--browser]     install the pinned tools (wasm32 target, trunk {trunk} for
                          `trunk serve`, wasm-bindgen-cli = Cargo.lock, binaryen {binaryen}
                          and terser from npm; --browser: Debian chromium +
                          chromium-driver and axe-core from npm too)
  build                   build the PWA into dist/ (release, split at the lazy routes, pre-compressed)
  run [-- SERVER ARGS]    build the PWA and the server, then run the server at
                          http://127.0.0.1:8080/ with demo data (extra args go to the server)
  test [OPTIONS]          everything CI checks; see `cargo xtask test --help`
  bench [SECTION...]      benchmarks with budgets; see `cargo xtask bench --help`

CI runs `cargo xtask test` (.ci/run): if it passes locally, CI is green.
",
        trunk = install::TRUNK_VERSION,
        binaryen = install::BINARYEN_VERSION,
    )
}

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<()> {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.is_empty() {
        print!("{}", usage());
        return Ok(());
    }
    let task = args.remove(0).to_string_lossy().into_owned();
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h");
    let mut ctx = Ctx::new()?;
    match task.as_str() {
        "help" | "--help" | "-h" => print!("{}", usage()),
        "install" => {
            let browser = match text_args(args)?.as_slice() {
                [] => Browser::No,
                [flag] if flag == "--browser" => Browser::Yes,
                _ => bail!("usage: cargo xtask install [--browser]"),
            };
            install::install(&mut ctx, browser)?;
            install::trunk(&mut ctx)?;
            if browser == Browser::Yes {
                install::axe(&ctx)?;
            }
        }
        "build" | "dist" if wants_help => {
            print!("cargo xtask build\n\nBuilds the PWA into dist/.\n")
        }
        "build" | "dist" => {
            if !args.is_empty() {
                bail!("`cargo xtask build` takes no arguments");
            }
            build::build_cmd(&mut ctx)?;
        }
        "run" if wants_help && !args.iter().any(|a| a == "--") => print!("{}", usage()),
        "run" => {
            if args.first().is_some_and(|a| a == "--") {
                args.remove(0);
            }
            build::run_cmd(&mut ctx, args)?;
        }
        "test" if wants_help => print!("{}", test::help()),
        "test" => {
            let options = test::Options::parse(&text_args(args)?)?;
            test::test_cmd(&mut ctx, &options)?;
        }
        "bench" if wants_help => print!("{}", bench::help()),
        "bench" => bench::bench_cmd(&mut ctx, &text_args(args)?)?,
        other => bail!("unknown task `{other}`\n\n{}", usage()),
    }
    Ok(())
}

fn text_args(args: Vec<OsString>) -> Result<Vec<String>> {
    args.into_iter()
        .map(|a| {
            a.into_string()
                .map_err(|a| anyhow::anyhow!("argument is not UTF-8: {a:?}"))
        })
        .collect()
}
