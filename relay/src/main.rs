//! The `throughline-relay` binary: parses its settings and runs the server until a signal.

use clap::Parser;
use throughline_relay::{init_logging, run, shutdown_signal, Command, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    init_logging(config.log_format);
    if let Some(Command::CopyStore { from, to }) = &config.command {
        return match throughline_relay::copy_store::copy(from, to).await {
            Ok(report) => {
                println!("{report}");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("throughline-relay copy-store: {error}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match run(config, shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "relay stopped with an error");
            eprintln!("throughline-relay: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
