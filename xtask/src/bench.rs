//! `cargo xtask bench`: timings of the release build, printed as figures, never asserted
//! (tests assert behaviour, not speed). Budgets are from DESIGN.md.
//!
//! Measures, in headless Chromium against the relay on loopback: cold load to
//! interactive, offline reload through the service worker, opening a 1,000-person
//! workspace from IndexedDB, one edit in it, opening the scorecard of a 1,000-objective
//! plan (5,000 actuals) and recording one actual on it (fifteen in one page, then the
//! first of each of fifteen page loads), the cycle page and 9-box of a
//! 500-review cycle and one move on it, a keystroke in a 100,000-character text field,
//! and an edit on one browser to its paint on another through the relay; then sync with
//! native clients (`relay/examples/sync_bench.rs`: edit-to-applied latency with 1, 10 and
//! 50 editors through our relay and the JavaScript reference server, the relay's memory
//! and CPU with 10,000 idle connections and 1,000 documents, the first sync of 500
//! documents; and with relays on one PostgreSQL database, at 10 and 50 editors over 1, 2
//! and 3 instances, the first sync from the database, an instance's memory); the cost of verifying a 1,000-person workspace's signed membership; then
//! the first-load sizes. `BENCH_RUNS` sets the repetitions (default 15).
//!
//! `cargo xtask bench --against <commit>` also builds that commit (a git worktree under the
//! target directory, built by that commit's own `cargo xtask build`, sharing our compiled
//! crates) and measures it in the same run, beside this build in each browser figure
//! (`bench/app.bench.mjs` alternates which goes first).

use crate::app_build::{build, build_relay, BuildOptions};
use crate::process::{command, root, run as run_command, step, target_dir};
use crate::tools::{self, Needs};

pub fn run(args: &[String]) -> Result<(), String> {
    let against = match args {
        [] => None,
        [flag, commit] if flag == "--against" => Some(commit.clone()),
        _ => {
            return Err(
                "`cargo xtask bench` takes one option, `--against <commit>` (a previous \
                 build to measure beside this one); BENCH_RUNS sets the repetitions"
                    .into(),
            )
        }
    };
    let tools = tools::setup(Needs::All)?;
    let options = BuildOptions::default();
    build(&options)?;
    let previous = against.as_deref().map(build_previous).transpose()?;
    let relay = build_relay()?;
    step("Writing a 1,000-person workspace archive with a 1,000-objective plan and a 500-review cycle (examples/large_workspace.rs)");
    let archive = target_dir()?.join("bench-large-workspace.json");
    let archive_text = archive.to_string_lossy().into_owned();
    run_example("large_workspace", &[&archive_text, "1000", "1000"])?;
    step("Who may do what: a 1,000-person workspace's signed membership verified (examples/membership_bench.rs, native)");
    run_example("membership_bench", &["1000", "7"])?;
    step("A change to a review checked part by part (examples/review_check_bench.rs, native)");
    run_example("review_check_bench", &["2000", "50"])?;
    step("Timings (headless Chromium, relay on loopback)");
    let mut browser_bench = command("node", &["bench/app.bench.mjs"]);
    browser_bench
        .env("THROUGHLINE_RELAY", &relay)
        .env("THROUGHLINE_DIST", root().join(&options.dist))
        .env("THROUGHLINE_BENCH_ARCHIVE", &archive)
        .env("CHROMIUM", &tools.chromium);
    if let (Some(dist), Some(commit)) = (&previous, &against) {
        browser_bench
            .env("THROUGHLINE_BENCH_PREVIOUS_DIST", dist)
            .env("THROUGHLINE_BENCH_PREVIOUS_NAME", commit);
    }
    run_command(&mut browser_bench)?;
    step("Sync timings (native clients; our relay and the JavaScript reference server)");
    run_command(&mut command(
        "cargo",
        &[
            "build",
            "--quiet",
            "--profile",
            "release-native",
            "--package",
            "throughline-relay",
            "--example",
            "sync_bench",
        ],
    ))?;
    let sync_bench = target_dir()?
        .join("release-native")
        .join("examples")
        .join("sync_bench");
    run_command(&mut command(
        &sync_bench.to_string_lossy(),
        &[
            &relay.to_string_lossy(),
            &root()
                .join("tests")
                .join("interop")
                .join("reference_server.mjs")
                .to_string_lossy(),
        ],
    ))?;
    crate::size::print(&root().join(&options.dist))
}

/// Builds the app as it was at `commit` (release, served at `/`) and returns where: a
/// git worktree of that commit under the target directory, built with Trunk into the
/// target directory's compiled crates, so that only what changed since is compiled again.
fn build_previous(commit: &str) -> Result<std::path::PathBuf, String> {
    step(&format!(
        "Building {commit} too, to measure it beside this build (a git worktree)"
    ));
    let target = target_dir()?;
    let tree = target.join("bench-previous");
    let dist = target.join("bench-previous-dist");
    let tree_text = tree.to_string_lossy().into_owned();
    if tree.exists() {
        run_command(&mut command(
            "git",
            &["worktree", "remove", "--force", &tree_text],
        ))?;
    }
    run_command(&mut command(
        "git",
        &["worktree", "add", "--detach", &tree_text, commit],
    ))?;
    // Built by that commit's own `cargo xtask build`: Trunk alone no longer builds the
    // app's wasm since it is split per route. Its xtask binary goes to a target directory
    // of its own, so it does not replace the one running now; what it builds shares ours.
    let xtask_target = target.join("bench-previous-xtask");
    let built = run_command(
        command(
            "cargo",
            &[
                "run",
                "--quiet",
                "--package",
                "xtask",
                "--target-dir",
                &xtask_target.to_string_lossy(),
                "--",
                "build",
                "--dist",
                &dist.to_string_lossy(),
            ],
        )
        .current_dir(&tree)
        .env("CARGO_TARGET_DIR", &target),
    );
    // The worktree is only needed to build; its build stays.
    let removed = run_command(&mut command(
        "git",
        &["worktree", "remove", "--force", &tree_text],
    ));
    built.and(removed).map(|()| dist)
}

/// Runs `cargo run --release --example <name> -- <args>` (one of the app crate's native
/// benches), its output shown as it comes.
fn run_example(name: &str, args: &[&str]) -> Result<(), String> {
    let mut all = vec!["run", "--quiet", "--release", "--example", name, "--"];
    all.extend_from_slice(args);
    run_command(&mut command("cargo", &all))
}
