//! Typed configuration: flags, each with an environment variable.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "anyuan-server",
    version,
    about = "Anyuan (安园) sync server and PWA host"
)]
pub struct Config {
    /// What to do; nothing means serve.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "ANYUAN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the built PWA (`cargo xtask build` writes dist/).
    #[arg(long, env = "ANYUAN_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Directory for the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "ANYUAN_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://...` or `postgres://...`. Defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Seed a demo district (schools, classes, one account per role) when the database is empty.
    #[arg(long, env = "ANYUAN_DEMO")]
    pub demo: bool,
    /// Behind a reverse proxy / load balancer: take the client address for
    /// sign-in rate limits from the last `X-Forwarded-For` entry.
    #[arg(long, env = "ANYUAN_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The app is reached over HTTPS (TLS here or at a proxy): send
    /// `Strict-Transport-Security` and mark cookies `Secure`.
    #[arg(long, env = "ANYUAN_HTTPS")]
    pub https: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Create the district and its first district administrator in an empty database.
    Bootstrap {
        /// The district's name, e.g. 某某区教育局.
        #[arg(long)]
        district_name: String,
        /// The administrator's login.
        #[arg(long)]
        login: String,
        /// The administrator's password (at least 8 characters).
        #[arg(long, env = "ANYUAN_BOOTSTRAP_PASSWORD", hide_env_values = true)]
        password: String,
        /// The administrator's display name (defaults to the login).
        #[arg(long)]
        display_name: Option<String>,
    },
}

impl Config {
    /// The database to open: the explicit URL, or `anyuan.db` in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("anyuan.db").display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite_under_the_data_dir_and_flags_override() {
        let c = Config::try_parse_from(["anyuan-server"]).unwrap();
        assert_eq!(c.addr, "127.0.0.1:8080");
        assert_eq!(c.database_url(), "sqlite://data/anyuan.db?mode=rwc");
        let c = Config::try_parse_from([
            "anyuan-server",
            "--data-dir",
            "/tmp/x",
            "--addr",
            "127.0.0.1:0",
        ])
        .unwrap();
        assert_eq!(c.database_url(), "sqlite:///tmp/x/anyuan.db?mode=rwc");
        let c =
            Config::try_parse_from(["anyuan-server", "--database-url", "postgres://a/b"]).unwrap();
        assert_eq!(c.database_url(), "postgres://a/b");
        assert!(c.command.is_none());
    }

    #[test]
    fn bootstrap_is_a_subcommand_that_takes_the_database_flags() {
        let c = Config::try_parse_from([
            "anyuan-server",
            "bootstrap",
            "--district-name",
            "某某区教育局",
            "--login",
            "admin",
            "--password",
            "secret-123",
            "--data-dir",
            "/tmp/y",
        ])
        .unwrap();
        assert_eq!(c.database_url(), "sqlite:///tmp/y/anyuan.db?mode=rwc");
        let Some(Command::Bootstrap {
            district_name,
            login,
            ..
        }) = c.command
        else {
            panic!("{c:?}")
        };
        assert_eq!(
            (district_name.as_str(), login.as_str()),
            ("某某区教育局", "admin")
        );
    }
}
