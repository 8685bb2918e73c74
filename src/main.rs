//! Thin entry point: parse the command line, load the configuration, start logging, run.

use std::process::ExitCode;

use clap::Parser;
use mimalloc::MiMalloc;
use tollgate::cli::{Cli, Command, ServeArgs};
use tollgate::config::{Config, Overrides};

/// mimalloc: small per-thread free lists instead of glibc's arenas; the
/// gateway allocates a few small buffers per request.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serve = match &cli.command {
        Some(Command::Serve(args)) => args,
        _ => &ServeArgs::default(),
    };
    let overrides = Overrides {
        config_file: cli.config.clone(),
        listen: serve.listen,
        gateway_listen: serve.gateway_listen,
        database_url: cli.database_url.clone(),
    };
    let config = match Config::load(&overrides) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("tollgate: {e:#}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = tollgate::telemetry::init_tracing(
        &config,
        std::io::stderr,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    ) {
        eprintln!("tollgate: {e:#}");
        return ExitCode::from(2);
    }
    // One worker (TOKIO_WORKER_THREADS=1, as when a gateway node is pinned to
    // one core) needs no work-stealing scheduler: the single-threaded runtime
    // parks and wakes with less work per event.
    let single = std::env::var("TOKIO_WORKER_THREADS").is_ok_and(|n| n.trim() == "1");
    let mut builder = if single {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tollgate: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tollgate::cli::run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "tollgate stopped with an error");
            eprintln!("tollgate: {e:#}");
            ExitCode::FAILURE
        }
    }
}
