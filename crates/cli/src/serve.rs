//! `ponder serve`: the web app (ponder-server) on a local port.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use ponder_postflop::memory::format_bytes;

use crate::limits;

/// Serve the web app.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder serve                                  # http://127.0.0.1:8080/\n  ponder serve --bind 127.0.0.1:0 --data solves # any free port\n  ponder serve --bind 0.0.0.0:8080              # reachable from the network: a token is printed\n\nThe page (solve browser, play against a bot) is compiled into the binary; nothing is fetched at run\ntime. Bound beyond loopback, every state-changing request needs `Authorization: Bearer TOKEN` (the\nprinted URL carries it in its #fragment for the page). The API is described at /api/openapi.json.\nFinished and cancelled solves are written to the data directory as ID.solve (crash-safe), also at\nshutdown (Ctrl-C)."
)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Directory of solve files (created if missing).
    #[arg(long, value_name = "DIR", default_value = "ponder-data")]
    pub data: PathBuf,
    /// Solves running at once; more wait in a queue (1 to 64).
    #[arg(long, default_value_t = 1, value_parser = limits::concurrent_solves)]
    pub max_solves: usize,
    /// Memory the running solves may use together (e.g. 2GiB); a spot needing more is refused.
    /// Default 80% of available memory.
    #[arg(long, value_name = "BYTES")]
    pub max_memory: Option<String>,
}

/// Runs `ponder serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let max_memory = match &args.max_memory {
        Some(text) => crate::anchors::parse_bytes("--max-memory", text)?,
        None => crate::memory::available_memory()
            .map(|b| b / 10 * 8)
            .unwrap_or(4 << 30),
    };
    let config = ponder_server::ServerConfig {
        bind: args.bind,
        data_dir: args.data.clone(),
        max_solves: args.max_solves,
        max_memory,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listening = ponder_server::listen(&config).await?;
        println!("ponder serve: {}", listening.url());
        println!(
            "data {}   max solves {}   max memory {}",
            config.data_dir.display(),
            config.max_solves,
            format_bytes(config.max_memory)
        );
        if let Some(token) = &listening.token {
            println!("token {token} (bound beyond loopback: state-changing requests need it)");
        }
        listening.serve(ponder_server::shutdown_signal()).await?;
        println!(
            "stopped; finished solves are in {}",
            config.data_dir.display()
        );
        Ok(())
    })
}
