//! `cargo xtask test`: every test tier, none skipped silently.
//!
//! 0. lint: `cargo fmt --check` and clippy with `-D warnings` on both targets;
//! 1. native: `cargo test --workspace` (model, store, relay, xtask);
//! 2. browser: wasm-bindgen-test in headless Chromium (`tests/browser_*.rs`);
//! 3. end-to-end: Playwright (`playwright-core` driving Chromium) against the release
//!    build served by the relay, at the root and under a sub-path (`tests/e2e/*.test.mjs`).
//!
//! `--tier lint|native|browser|e2e` runs one tier (for working on it); the default is all.

use std::time::Instant;

use crate::app_build::{build, build_relay, BuildOptions};
use crate::process::{command, root, run as run_command, step, target_dir};
use crate::tools::{self, Needs, Tools};

const TIERS: [&str; 4] = ["lint", "native", "browser", "e2e"];

pub fn run(args: &[String]) -> Result<(), String> {
    let tiers: Vec<&str> = match args {
        [] => TIERS.to_vec(),
        [flag, tier] if flag == "--tier" && TIERS.contains(&tier.as_str()) => vec![tier.as_str()],
        _ => {
            return Err(format!(
                "usage: cargo xtask test [--tier {}]",
                TIERS.join("|")
            ))
        }
    };
    let tools = tools::setup(Needs::All)?;
    let mut results = Vec::new();
    for tier in tiers {
        let started = Instant::now();
        let result = match tier {
            "lint" => lint(),
            "native" => native(),
            "browser" => browser(&tools),
            _ => end_to_end(&tools),
        };
        results.push((tier, result, started.elapsed().as_secs()));
    }
    step("Summary");
    let mut failed = 0;
    for (tier, result, seconds) in &results {
        match result {
            Ok(()) => println!("  {tier:<8} passed ({seconds} s)"),
            Err(reason) => {
                failed += 1;
                println!("  {tier:<8} FAILED ({seconds} s): {reason}");
            }
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} test tier(s) failed"))
    }
}

fn lint() -> Result<(), String> {
    step("Lint: rustfmt, leptosfmt (view! markup) and clippy (native and wasm32)");
    run_command(&mut command("cargo", &["fmt", "--all", "--", "--check"]))?;
    run_command(&mut command("leptosfmt", &["--check", "src", "tests"]))?;
    run_command(&mut command(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    run_command(&mut command(
        "cargo",
        &[
            "clippy",
            "--package",
            "throughline",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            // The release build's split points; the browser tier builds the app without.
            "--features",
            "split",
            "--",
            "-D",
            "warnings",
        ],
    ))
}

fn native() -> Result<(), String> {
    step("Tier 1: native tests (cargo test --workspace)");
    run_command(&mut command("cargo", &["test", "--workspace"]))
}

fn browser(tools: &Tools) -> Result<(), String> {
    step("Tier 2: browser tests (wasm-bindgen-test in headless Chromium)");
    let tests = files_in("tests", "browser_", ".rs")?;
    if tests.is_empty() {
        return Err("no browser tests found (tests/browser_*.rs)".into());
    }
    let mut args = vec![
        "test",
        "--package",
        "throughline",
        "--target",
        "wasm32-unknown-unknown",
    ];
    let names: Vec<String> = tests
        .iter()
        .map(|f| f.trim_end_matches(".rs").to_owned())
        .collect();
    for name in &names {
        args.push("--test");
        args.push(name);
    }
    run_command(
        command("cargo", &args)
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )
}

fn end_to_end(tools: &Tools) -> Result<(), String> {
    step("Tier 3: end-to-end tests (Playwright driving Chromium against the relay)");
    build(&BuildOptions::default())?;
    let dist_sub = target_dir()?.join("dist-sub");
    build(&BuildOptions {
        public_url: "/sub/".into(),
        dist: dist_sub.to_string_lossy().into_owned(),
        ..BuildOptions::default()
    })?;
    let relay = build_relay()?;
    let tests = files_in("tests/e2e", "", ".test.mjs")?;
    if tests.is_empty() {
        return Err("no end-to-end tests found (tests/e2e/*.test.mjs)".into());
    }
    // The tier runs in a network namespace of its own: the tests reach nothing outside,
    // and the peer-to-peer test may cut UDP there without touching the machine. Besides
    // loopback it has one interface (a veth pair going nowhere) with a default route, so
    // that Chromium counts itself online. The pair gets no IPv6 link-local addresses:
    // the kernel adds those a second or two after the link is up, and Chromium, seeing
    // the address change, cuts off every request in flight (`ERR_NETWORK_CHANGED`) while
    // the first test loads its page. The local routing rule moves behind a free slot so a
    // test can put a rule before it.
    let mut args = vec![
        "-n".to_owned(),
        "--".to_owned(),
        "sh".to_owned(),
        "-c".to_owned(),
        "ip link set lo up \
         && ip link add veth0 type veth peer name veth1 \
         && ip link set veth0 addrgenmode none && ip link set veth1 addrgenmode none \
         && ip addr add 10.200.0.1/24 dev veth0 && ip link set veth0 up && ip link set veth1 up \
         && ip route add default via 10.200.0.2 dev veth0 \
         && ip rule add pref 100 lookup local && ip rule del pref 0 \
         && exec node \"$@\""
            .to_owned(),
        "sh".to_owned(),
        "--test".to_owned(),
        "--test-concurrency=1".to_owned(),
    ];
    args.extend(tests.iter().map(|t| format!("tests/e2e/{t}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    network_namespace_works()?;
    run_command(
        command("unshare", &args)
            .env("THROUGHLINE_NETNS", "1")
            .env("THROUGHLINE_RELAY", &relay)
            .env("THROUGHLINE_DIST", root().join("dist"))
            .env("THROUGHLINE_DIST_SUB", &dist_sub)
            .env("CHROMIUM", &tools.chromium),
    )
}

/// Checks that this machine lets the tests make a network namespace (`unshare -n`, as
/// root, with `ip` from iproute2), so that a failure says what to do.
fn network_namespace_works() -> Result<(), String> {
    let probe = std::process::Command::new("unshare")
        .args([
            "-n", "--", "ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
        ])
        .output();
    match probe {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "the end-to-end tests run in a network namespace of their own, and `unshare -n ip link add veth0 type veth peer name veth1` failed: {}\n\
             Run the tests as root (or in a container that allows network namespaces), with iproute2 installed.",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Err(format!(
            "the end-to-end tests need `unshare` (util-linux) and `ip` (iproute2): {error}"
        )),
    }
}

/// Names of the files in `dir` (relative to the root) that start and end as given.
fn files_in(dir: &str, prefix: &str, suffix: &str) -> Result<Vec<String>, String> {
    let path = root().join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .map_err(|e| format!("cannot list {}: {e}", path.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix) && name.ends_with(suffix))
        .collect();
    names.sort();
    Ok(names)
}
