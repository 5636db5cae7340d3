//! Typed configuration: flags, each with an environment variable.

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "anyuan-server",
    version,
    about = "Anyuan (安园) sync server and PWA host"
)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "ANYUAN_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the built PWA (trunk's dist/).
    #[arg(long, env = "ANYUAN_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Directory for the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "ANYUAN_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://...` or `postgres://...`. Defaults to SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Seed a demo district (schools, classes, one account per role) when the database is empty.
    #[arg(long, env = "ANYUAN_DEMO")]
    pub demo: bool,
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
    }
}
