//! The context every task runs in: where the repository is, and the
//! environment that every spawned command gets (tool versions, PATH).

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

pub struct Ctx {
    /// The workspace root (where Cargo.toml, Trunk.toml and index.html live).
    pub root: PathBuf,
    /// The shared cargo target directory.
    pub target_dir: PathBuf,
    /// Variables set on every command spawned through [`Ctx::cmd`].
    env: Vec<(OsString, OsString)>,
}

impl Ctx {
    pub fn new() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => root.join(dir),
            _ => root.join("target"),
        };
        Ok(Self {
            root,
            target_dir,
            env: Vec::new(),
        })
    }

    /// Sets a variable for every command spawned from now on.
    pub fn set_env(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
    }

    /// Puts `dir` first on the PATH of spawned commands (and of program lookup).
    pub fn prepend_path(&mut self, dir: &Path) {
        let current = self
            .env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var_os("PATH"))
            .unwrap_or_default();
        let mut dirs = vec![dir.to_path_buf()];
        dirs.extend(std::env::split_paths(&current).filter(|d| d != dir));
        let joined = std::env::join_paths(dirs).expect("PATH entries contain no ':'");
        self.set_env("PATH", joined);
    }

    /// A command that runs in the workspace root with the task environment.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// `cargo`, the same one that runs xtask.
    pub fn cargo(&self) -> Command {
        self.cmd(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
    }
}

/// `f` on every item, as many at once as there are cores (items are taken
/// in order, so put the slowest first); the first error wins.
pub fn each_in_parallel<T: Sync>(items: &[T], f: impl Fn(&T) -> Result<()> + Sync) -> Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(items.len()))
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return Ok(());
                        };
                        f(item)?;
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?
        })
    })
}

/// Renders a command line for the log, e.g. `$ cargo build -p x`.
pub fn display(cmd: &Command) -> String {
    let mut line = String::from("$");
    for (key, value) in cmd.get_envs() {
        // Only show the variables set for this command, not the shared ones.
        if let (Some(value), false) = (value, key == "PATH") {
            let key = key.to_string_lossy();
            if !key.starts_with("TRUNK_") {
                let _ = write!(line, " {key}={}", value.to_string_lossy());
            }
        }
    }
    let _ = write!(line, " {}", cmd.get_program().to_string_lossy());
    for arg in cmd.get_args() {
        let _ = write!(line, " {}", arg.to_string_lossy());
    }
    line
}

/// A short form of a command for messages: program name and arguments.
pub fn short(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let mut line = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command with inherited stdio; fails if it does not exit with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("{}", display(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", cmd.get_program().to_string_lossy()))?;
    if !status.success() {
        bail!("`{}` failed: {status}", short(cmd));
    }
    Ok(())
}

/// Runs a command quietly and returns its stdout, or `None` if it could not
/// run or failed (used to probe for installed tools).
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs a command and returns its stdout and stderr (both as text) and whether it succeeded.
pub fn capture(cmd: &mut Command) -> Result<(bool, String, String)> {
    eprintln!("{}", display(cmd));
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start `{}`", cmd.get_program().to_string_lossy()))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Formats a duration for humans: `850ms`, `12.3s`, `4m05s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

/// Measures how long `f` takes.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_duration(Duration::from_millis(850)), "850ms");
        assert_eq!(fmt_duration(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(fmt_duration(Duration::from_secs(245)), "4m05s");
    }

    #[test]
    fn prepended_dir_comes_first_once() {
        let mut ctx = Ctx::new().unwrap();
        ctx.prepend_path(Path::new("/opt/a"));
        ctx.prepend_path(Path::new("/opt/b"));
        ctx.prepend_path(Path::new("/opt/a"));
        let path = ctx.env.iter().find(|(k, _)| k == "PATH").unwrap().1.clone();
        let dirs: Vec<_> = std::env::split_paths(&path).collect();
        assert_eq!(dirs[0], Path::new("/opt/a"));
        assert_eq!(dirs[1], Path::new("/opt/b"));
        assert_eq!(dirs.iter().filter(|d| *d == Path::new("/opt/a")).count(), 1);
    }
}
