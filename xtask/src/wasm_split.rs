//! The app's wasm, split per route: what `cargo xtask build` does in place of Trunk's
//! Rust step, which cannot split (Trunk issue 1022).
//!
//! 1. `cargo rustc` builds the app with the `split` feature, asking the linker to keep
//!    relocations (`--emit-relocs`) so the wasm can be cut apart afterwards.
//! 2. `wasm_split_cli_support` cuts it at the functions `split_route!` marks
//!    (`src/ui/chunk.rs`): a main module, one module per chunk, and `__wasm_split.js`,
//!    which fetches a chunk and links it to the main module's memory and table.
//! 3. `wasm-bindgen --keep-lld-exports` makes the main module's JavaScript (the chunks
//!    need the linker's exports kept), then `wasm-opt -Oz` shrinks every module.
//! 4. Everything lands in `app-<hash>/` in the build: one folder named by its content, so
//!    the relay and the service worker can keep it forever, while the files inside keep the
//!    names that `__wasm_split.js` and the main module use for each other.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::process::{command, run as run_command, step, target_dir};

/// The name wasm-bindgen gives the main module's files (`throughline.js`, `throughline_bg.wasm`).
pub const MAIN: &str = "throughline";
/// The module the split main wasm imports its chunk loaders from.
pub const LINK_MODULE: &str = "__wasm_split.js";

/// Builds, splits and optimises the app's wasm into `dist/app-<hash>/`, and returns that
/// folder's name. With `keep_names`, wasm-opt keeps the function names, so a CPU profile
/// of the build names what it samples.
pub fn build_into(dist: &Path, keep_names: bool) -> Result<String, String> {
    step("Compiling the app's wasm (release, split per route)");
    run_command(&mut command(
        "cargo",
        &[
            "rustc",
            "--package",
            "throughline",
            "--bin",
            "throughline",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "split",
            "--offline",
            "--",
            "-C",
            "link-arg=--emit-relocs",
        ],
    ))?;
    let compiled = target_dir()?
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{MAIN}.wasm"));
    let staging = target_dir()?.join("wasm-split");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(|e| format!("cannot empty {}: {e}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;

    step("Splitting the wasm into the first download and one chunk per route group");
    let chunks = split(&compiled, &staging)?;
    let main_input = staging.join("main.wasm");
    run_command(&mut command(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--keep-lld-exports",
            "--out-name",
            MAIN,
            "--out-dir",
            &staging.to_string_lossy(),
            &main_input.to_string_lossy(),
        ],
    ))?;
    remove(&main_input)?;

    step("Optimising each module for size (wasm-opt -Oz)");
    let main_wasm = staging.join(format!("{MAIN}_bg.wasm"));
    for module in chunks.iter().chain([&main_wasm]) {
        let module_text = module.to_string_lossy();
        let mut arguments = vec!["-Oz", &module_text, "--output", &module_text];
        if keep_names {
            arguments.push("--debuginfo");
        }
        run_command(&mut command("wasm-opt", &arguments))?;
    }

    let folder = format!("app-{}", content_hash(&staging)?);
    let destination = dist.join(&folder);
    copy_folder(&staging, &destination)?;
    println!(
        "  {} chunks besides the first download, in {folder}/",
        chunks.len()
    );
    Ok(folder)
}

/// Cuts `compiled` into `out`: `main.wasm`, the link module and the chunks, whose paths
/// it returns.
fn split(compiled: &Path, out: &Path) -> Result<Vec<PathBuf>, String> {
    let input = std::fs::read(compiled)
        .map_err(|e| format!("cannot read the compiled app {}: {e}", compiled.display()))?;
    let main_out = out.join("main.wasm");
    let main_module = format!("./{MAIN}.js");
    let link_name = format!("./{LINK_MODULE}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = out;
    options.main_out_path = &main_out;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options).map_err(|e| {
        format!("splitting the wasm failed: {e:#} (was it built with `--features split` and `--emit-relocs`?)")
    })?;
    if split.split_modules.is_empty() {
        return Err(
            "the wasm split into no chunks: no `split_route!` reached the build (src/ui/routes.rs)"
                .into(),
        );
    }
    Ok(split.split_modules)
}

/// A hash of every file in `dir` (names and bytes), 16 hex digits.
fn content_hash(dir: &Path) -> Result<String, String> {
    let mut names = list(dir)?;
    names.sort();
    let mut hasher = Sha256::new();
    for name in &names {
        hasher.update(name.as_bytes());
        hasher
            .update(std::fs::read(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"))?);
    }
    Ok(hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn list(dir: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

fn copy_folder(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for name in list(from)? {
        std::fs::copy(from.join(&name), to.join(&name))
            .map_err(|e| format!("cannot copy {name} into {}: {e}", to.display()))?;
    }
    Ok(())
}

fn remove(path: &Path) -> Result<(), String> {
    std::fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))
}

/// The tags that start the app, for the end of `<head>`: preloads of the main module's
/// script, its link module and its wasm (so they download in parallel), and the script.
/// Paths are relative, so the build works under any `--public-url` (`<base>` is set).
pub fn start_tags(folder: &str) -> String {
    format!(
        r#"<link rel="modulepreload" href="./{folder}/{MAIN}.js">
    <link rel="modulepreload" href="./{folder}/{LINK_MODULE}">
    <link rel="preload" href="./{folder}/{MAIN}_bg.wasm" as="fetch" type="application/wasm" crossorigin="anonymous">
    <script type="module">import init from "./{folder}/{MAIN}.js"; init({{ module_or_path: "./{folder}/{MAIN}_bg.wasm" }});</script>
"#
    )
}
