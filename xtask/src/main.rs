//! `cargo xtask …`: the project's automation. Every command installs the tools it needs
//! (at pinned versions, only when missing or wrong) and says what it is doing.
//!
//! - `run`   build the app (release) and serve it with the relay on 127.0.0.1:8080
//! - `test`  run every test tier: native, browser (wasm-bindgen-test), end-to-end
//! - `build` build the app into `dist/` (`--public-url /sub/` for a sub-path)
//! - `size`  sizes of the built app, raw, gzip and brotli
//! - `bench` timings of the release build in headless Chromium (figures, not assertions)
//! - `fuzz`  run the fuzz targets in `fuzz/` for a while (nightly, cargo-fuzz)
//! - `setup` install the tools only

mod app_build;
mod bench;
mod fuzz;
mod post_build;
mod process;
mod size;
mod test;
mod tools;
mod wasm_split;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "run" => app_build::run(rest),
        "build" => app_build::build_command(rest),
        "test" => test::run(rest),
        "size" => size::run(rest),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "setup" => tools::setup(tools::Needs::All).map(|_| ()),
        "help" | "--help" | "-h" => {
            print_help();
            Ok(())
        }
        other => Err(format!("unknown command `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <command>\n\n\
         run                      build the app and serve it with the relay on http://127.0.0.1:8080/\n\
         test                     run every test tier (native, browser, end-to-end)\n\
         build [--public-url P] [--dist D] [--keep-names]\n\
         \x20                        build the app (release) into dist/, for serving under path P\n\
         \x20                        (--keep-names: keep function names, for CPU profiles)\n\
         size [--dist D]          print the built app's sizes (raw, gzip, brotli)\n\
         bench                    time loads, edits, typing and sync (figures, not assertions)\n\
         fuzz [--seconds N]       fuzz the sync message decoder and the relay's input path\n\
         setup                    install the pinned tools only"
    );
}
