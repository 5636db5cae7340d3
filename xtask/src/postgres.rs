//! A throwaway PostgreSQL cluster for the server's PostgreSQL tests:
//! Debian's `postgresql` package (installed when absent), a fresh data
//! directory under /tmp, a free loopback port, fsync off. Stopped and removed
//! on drop, also when a test step fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::ctx::run;

/// A running cluster.
pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

/// `/usr/lib/postgresql/<version>/bin` with the highest version, if installed.
fn find_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn install() -> Result<PathBuf> {
    if let Some(bin) = find_bin() {
        return Ok(bin);
    }
    eprintln!("==> installing Debian's postgresql for the PostgreSQL tests");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "postgresql"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    find_bin().context("postgresql installed, but no /usr/lib/postgresql/*/bin/initdb")
}

/// Runs a PostgreSQL tool as the `postgres` user (initdb refuses root).
fn as_postgres(bin: &Path, tool: &str, args: &[&str]) -> Result<()> {
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", "postgres", "--"])
        .arg(bin.join(tool))
        .args(args);
    run(&mut cmd)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Postgres {
    pub fn start() -> Result<Postgres> {
        let bin = install()?;
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("anyuan-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        run(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir))?;
        let data = dir.join("data");
        let data = data.to_str().context("non-UTF-8 temp dir")?;
        as_postgres(
            &bin,
            "initdb",
            &[
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        )?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off",
            dir.display()
        );
        let log = dir.join("log");
        let pg = Postgres {
            bin,
            dir: dir.clone(),
            port,
        };
        as_postgres(
            &pg.bin,
            "pg_ctl",
            &[
                "-D",
                data,
                "-l",
                log.to_str().unwrap_or("log"),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )
        .with_context(|| format!("starting PostgreSQL (log: {})", log.display()))?;
        if pg.port == 0 {
            bail!("no port");
        }
        Ok(pg)
    }

    /// A URL under which tests may create databases of their own.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if let Some(data) = data.to_str() {
            let _ = as_postgres(
                &self.bin,
                "pg_ctl",
                &["-D", data, "-m", "immediate", "stop"],
            );
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
