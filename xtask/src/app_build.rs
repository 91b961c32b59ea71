//! Building the app with Trunk, and running it with the relay.

use crate::process::{command, root, run as run_command, step, target_dir};
use crate::tools::{self, Needs};

/// Options of a release build.
pub struct BuildOptions {
    /// Where the app will be served, e.g. `/` or `/throughline/`.
    pub public_url: String,
    /// Output directory: relative to the repository root, or absolute.
    pub dist: String,
    /// Keep the wasm's function names, for CPU profiles (a larger download; never for
    /// serving).
    pub keep_names: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            public_url: "/".into(),
            dist: "dist".into(),
            keep_names: false,
        }
    }
}

pub fn parse_build_options(args: &[String]) -> Result<BuildOptions, String> {
    let mut options = BuildOptions::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--public-url" => {
                options.public_url = args.next().ok_or("--public-url needs a path")?.clone()
            }
            "--dist" => options.dist = args.next().ok_or("--dist needs a directory")?.clone(),
            "--keep-names" => options.keep_names = true,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if !options.public_url.starts_with('/') {
        return Err("--public-url must start with '/'".into());
    }
    if !options.public_url.ends_with('/') {
        options.public_url.push('/');
    }
    Ok(options)
}

pub fn build_command(args: &[String]) -> Result<(), String> {
    let options = parse_build_options(args)?;
    tools::setup(Needs::Build)?;
    build(&options)?;
    crate::size::print(&root().join(&options.dist))
}

/// A size-optimised release build of the app into `options.dist`.
///
/// Trunk builds the page, its styles and the static files; `wasm_split` builds the
/// wasm, split per route, which Trunk cannot; then the page gets its start script and
/// `post_build::finish` writes the policy, the service worker's list and the compressed
/// copies over everything.
pub fn build(options: &BuildOptions) -> Result<(), String> {
    step(&format!(
        "Building the app (release, served at {}) into {}/",
        options.public_url, options.dist
    ));
    // Trunk runs offline so it can never download a tool; cargo needs the crates first.
    run_command(&mut command("cargo", &["fetch"]))?;
    run_command(&mut command(
        "trunk",
        &[
            "build",
            "--release",
            "--offline",
            "--public-url",
            &options.public_url,
            "--dist",
            &options.dist,
        ],
    ))?;
    let dist = root().join(&options.dist);
    let folder = crate::wasm_split::build_into(&dist, options.keep_names)?;
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)
        .map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
    let Some(head_end) = index.find("</head>") else {
        return Err(format!("{} has no </head>", index_path.display()));
    };
    let index = format!(
        "{}{}{}",
        &index[..head_end],
        crate::wasm_split::start_tags(&folder),
        &index[head_end..]
    );
    std::fs::write(&index_path, index)
        .map_err(|e| format!("cannot write {}: {e}", index_path.display()))?;
    crate::post_build::finish(&dist)
}

/// Builds the relay binary and returns its path.
pub fn build_relay() -> Result<std::path::PathBuf, String> {
    step("Building the relay");
    run_command(&mut command(
        "cargo",
        &[
            "build",
            "--package",
            "throughline-relay",
            "--profile",
            "release-native",
        ],
    ))?;
    let binary = target_dir()?
        .join("release-native")
        .join("throughline-relay");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "the relay was built but {} is missing",
            binary.display()
        ))
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("`cargo xtask run` takes no options; set THROUGHLINE_LISTEN, THROUGHLINE_DATA_DIR to change the defaults".into());
    }
    tools::setup(Needs::Build)?;
    let options = BuildOptions::default();
    build(&options)?;
    let relay = build_relay()?;
    step("Starting the relay (Ctrl-C stops it)");
    let mut relay = std::process::Command::new(relay);
    relay.current_dir(root()).args(["--app-dir", "dist"]);
    if std::env::var_os("THROUGHLINE_LISTEN").is_none() {
        relay.args(["--listen", "127.0.0.1:8080"]);
    }
    if std::env::var_os("THROUGHLINE_DATA_DIR").is_none() {
        relay.args(["--data-dir", "data"]);
    }
    exec(relay)
}

/// Replaces this process with `command`, so Ctrl-C reaches the relay alone and it can
/// shut down cleanly.
#[cfg(unix)]
fn exec(mut command: std::process::Command) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(format!("could not start the relay: {error}"))
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("could not start the relay: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the relay stopped with {status}"))
    }
}
