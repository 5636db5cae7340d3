//! `anyuan-server`: parses the configuration, opens the database and serves.

use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = anyuan_server::Config::parse();
    anyuan_server::telemetry::init();
    let state = anyuan_server::AppState::open(&config)
        .await
        .context("opening the database")?;
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, dist = %config.dist.display(), "serving");
    println!("Anyuan (安园) is running at http://{addr}");
    axum::serve(listener, anyuan_server::app(state))
        .with_graceful_shutdown(anyuan_server::shutdown_signal())
        .await?;
    Ok(())
}
