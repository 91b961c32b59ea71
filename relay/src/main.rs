//! The `throughline-relay` binary: parses its settings and runs the server until a signal.

use clap::Parser;
use throughline_relay::{init_logging, run, shutdown_signal, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    init_logging();
    let config = Config::parse();
    match run(config, shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "relay stopped with an error");
            eprintln!("throughline-relay: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
