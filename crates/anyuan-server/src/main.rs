//! `anyuan-server`: parses the configuration, opens the database and serves
//! (or, with `bootstrap`, creates the district and its first admin).

use std::net::SocketAddr;

use anyhow::Context;
use anyuan_server::config::Command;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = anyuan_server::Config::parse();
    anyuan_server::telemetry::init();
    let state = anyuan_server::AppState::open(&config)
        .await
        .context("opening the database")?;
    if let Some(Command::Bootstrap {
        district_name,
        login,
        password,
        display_name,
    }) = &config.command
    {
        let display_name = display_name.as_deref().unwrap_or(login);
        let (district, user) = match anyuan_server::org::bootstrap(
            &state,
            district_name,
            login,
            display_name,
            password,
        )
        .await
        {
            Ok(done) => done,
            Err(e) => {
                tracing::debug!(error = %e, "bootstrap failed");
                let (_, zh, en) = e.messages();
                eprintln!("初始化失败：{zh}\nBootstrap failed: {en}");
                std::process::exit(1);
            }
        };
        println!(
            "已创建区教育局 / Created the district “{district_name}” ({district}) and its administrator “{}”.",
            user.login
        );
        return Ok(());
    }
    if config.demo {
        match anyuan_server::demo::seed_if_empty(&state)
            .await
            .context("seeding the demo district")?
        {
            Some(demo) => print!("{}", demo.banner()),
            None => println!(
                "演示账号 / Demo logins (if this database was seeded with --demo): district, school1, teacher1, school2, teacher2, kg1 — 密码 / password: {}",
                anyuan_server::demo::DEMO_PASSWORD
            ),
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, dist = %config.dist.display(), device = %state.device(), "serving");
    println!("Anyuan (安园) is running at http://{addr}");
    axum::serve(
        listener,
        anyuan_server::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(anyuan_server::shutdown_signal())
    .await?;
    Ok(())
}
