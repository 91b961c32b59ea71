//! `cargo xtask fuzz [--seconds N]`: runs each cargo-fuzz target in `fuzz/` for N seconds
//! (default 60): the sync client's message decoding (`sync_message`) and the relay's input
//! path (`relay_inbound`). Not part of `test`: fuzzing needs a nightly toolchain and its
//! findings are not reproducible run to run. A crash stops the run and leaves its input
//! in `fuzz/artifacts/<target>/`.

use crate::process::{command, run as run_command, step};

/// cargo-fuzz, pinned.
const CARGO_FUZZ_VERSION: &str = "0.13.1";
const TARGETS: [&str; 2] = ["sync_message", "relay_inbound"];

pub fn run(args: &[String]) -> Result<(), String> {
    let seconds: u64 = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => n
            .parse()
            .map_err(|_| format!("--seconds takes a whole number, not {n:?}"))?,
        _ => return Err("usage: cargo xtask fuzz [--seconds N]".into()),
    };
    step("Fuzzing tools: a nightly toolchain and cargo-fuzz");
    nightly()?;
    cargo_fuzz()?;
    for target in TARGETS {
        step(&format!("Fuzzing {target} for {seconds} s"));
        run_command(&mut command(
            "cargo",
            &[
                "+nightly",
                "fuzz",
                "run",
                target,
                "--",
                &format!("-max_total_time={seconds}"),
            ],
        ))
        .map_err(|e| {
            format!("{e}\nThe input that failed is kept under fuzz/artifacts/{target}/.")
        })?;
    }
    Ok(())
}

fn nightly() -> Result<(), String> {
    let installed = std::process::Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("nightly"))
        .unwrap_or(false);
    if installed {
        println!("  nightly toolchain: installed");
        return Ok(());
    }
    println!("  Installing the nightly toolchain (rustup toolchain install nightly)…");
    run_command(&mut command(
        "rustup",
        &["toolchain", "install", "nightly", "--profile", "minimal"],
    ))
    .map_err(|e| {
        format!("{e}\nFuzzing needs a nightly toolchain: install it with `rustup toolchain install nightly`, then run this again.")
    })
}

fn cargo_fuzz() -> Result<(), String> {
    let version = std::process::Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if version.as_deref() == Some(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}")) {
        println!("  cargo-fuzz {CARGO_FUZZ_VERSION}: installed");
        return Ok(());
    }
    println!("  Installing cargo-fuzz {CARGO_FUZZ_VERSION} (cargo install)…");
    run_command(&mut command(
        "cargo",
        &[
            "install",
            &format!("cargo-fuzz@{CARGO_FUZZ_VERSION}"),
            "--locked",
        ],
    ))
}
