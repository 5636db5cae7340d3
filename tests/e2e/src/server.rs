use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::{TIMEOUT, TempDir, dist_dir, free_port, http_client, poll, server_bin};

/// The Anyuan server, really running as its own process on a loopback port,
/// with demo data in a fresh data directory.
///
/// [`stop`](Server::stop) kills it (the app is then offline);
/// [`start`](Server::start) brings it back on the same port and data
/// directory, so the app's origin and service worker stay the same.
#[derive(Debug)]
pub struct Server {
    bin: PathBuf,
    dist: PathBuf,
    port: u16,
    /// Holds `data/` (the server's) and `server.log`.
    dir: TempDir,
    child: Option<Child>,
}

impl Server {
    /// Spawns a server on a free port and waits until it is healthy.
    pub async fn start_new() -> Result<Self> {
        let mut server = Self {
            bin: server_bin()?,
            dist: dist_dir()?,
            port: free_port()?,
            dir: TempDir::new("server")?,
            child: None,
        };
        server.start().await?;
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// (Re)starts the server on its port and data directory, and waits
    /// until `GET /api/health` answers 200.
    pub async fn start(&mut self) -> Result<()> {
        if self.child.is_some() {
            bail!("the server is already running");
        }
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        let child = Command::new(&self.bin)
            .arg("--addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--dist")
            .arg(&self.dist)
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--demo")
            // The flags above decide; nothing from the caller's environment.
            .env_remove("ANYUAN_ADDR")
            .env_remove("ANYUAN_DATA_DIR")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        self.child = Some(child);

        let client = http_client()?;
        let health = self.url("/api/health");
        let waited = poll("the server to be healthy", TIMEOUT, || {
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            let request = client.get(&health).send();
            async move {
                if let Some(status) = exited {
                    bail!("the server exited: {status}");
                }
                let response = request.await?;
                Ok((response.status() == 200).then_some(()))
            }
        })
        .await;
        if let Err(err) = waited {
            let _ = self.stop();
            bail!("{err:#}\nserver log:\n{}", self.log());
        }
        Ok(())
    }

    /// Kills the server (SIGKILL) and waits until it is gone.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().context("killing the server")?;
            child.wait().context("waiting for the server to exit")?;
        }
        Ok(())
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// The last lines the server printed (across restarts).
    pub fn log(&self) -> String {
        tail(&self.log_path(), 60)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- server log ({}) ---\n{}", self.origin(), self.log());
        }
        let _ = self.stop();
    }
}

pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
