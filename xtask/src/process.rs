//! Running commands: printing them first, and failing with a message that names them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (where the workspace `Cargo.toml` is).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where cargo puts what it builds: `target/` unless `CARGO_TARGET_DIR` (or a cargo
/// configuration) says otherwise, as `cargo metadata` reports it.
pub fn target_dir() -> Result<PathBuf, String> {
    let output = std::process::Command::new("cargo")
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not run `cargo metadata` to find the target directory: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` failed, so the target directory is unknown: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("`cargo metadata` wrote something that is not JSON: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "`cargo metadata` named no target directory".to_owned())
}

/// `PATH` with the project's npm tools and cargo's bin directory in front, so that the
/// pinned wasm-opt and freshly installed cargo tools are found first.
pub fn tool_path() -> String {
    let mut parts = vec![root().join("node_modules").join(".bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        parts.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        parts.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    let existing = std::env::var_os("PATH").unwrap_or_default();
    parts.extend(std::env::split_paths(&existing));
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A command run from the repository root with the tool `PATH`.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path());
    command
}

/// Runs `command`, echoing it, and fails if it does not succeed.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// The first line `program args` prints, if it runs at all.
pub fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program, args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_owned())
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Prints a step heading, so a long run reads as a list of what happened.
pub fn step(text: &str) {
    println!("\n==> {text}");
}
