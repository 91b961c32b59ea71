//! Installing the pinned tools, each only when it is missing or at the wrong version.

use std::path::Path;

use crate::process::{command, output_of, root, run, step};

/// The Trunk release known to build here (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from npm `binaryen` (pinned in package.json); Trunk checks this version.
const WASM_OPT_VERSION: &str = "version_132";
const CHROMIUM: &str = "/usr/bin/chromium";
/// leptosfmt formats what rustfmt leaves alone, the markup in `view!` macros; the lint
/// tier checks it.
const LEPTOSFMT_VERSION: &str = "0.1.33";

/// What a command needs installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building the app: the wasm target, Trunk, wasm-bindgen, wasm-opt.
    Build,
    /// Everything the tests use as well: Chromium and ChromeDriver.
    All,
}

/// Paths of the tools the tests drive.
pub struct Tools {
    pub chromium: String,
    pub chromedriver: String,
}

pub fn setup(needs: Needs) -> Result<Tools, String> {
    step("Checking tools (each is installed only when missing or at the wrong version)");
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    wasm_opt()?;
    let browsers = if needs == Needs::All {
        leptosfmt()?;
        servers()?;
        browsers()?
    } else {
        Tools {
            chromium: CHROMIUM.to_owned(),
            chromedriver: "chromedriver".to_owned(),
        }
    };
    println!("All tools are in place.");
    Ok(browsers)
}

fn wasm_target() -> Result<(), String> {
    let installed = output_of("rustup", &["target", "list", "--installed"]);
    let has_target = command("rustup", &["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "wasm32-unknown-unknown")
        })
        .unwrap_or(false);
    if has_target {
        println!("  wasm32-unknown-unknown target: installed");
        return Ok(());
    }
    if installed.is_none() {
        return Err("rustup is not available; install the wasm32-unknown-unknown target for your Rust toolchain by hand".into());
    }
    println!(
        "  Installing the Rust target wasm32-unknown-unknown (the app compiles to WebAssembly)…"
    );
    run(&mut command(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

fn trunk() -> Result<(), String> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if output_of("trunk", &["--version"]).as_deref() == Some(wanted.as_str()) {
        println!("  {wanted}: installed");
        return Ok(());
    }
    println!(
        "  Installing trunk {TRUNK_VERSION} (builds the app; takes about 10 minutes on 2 cores)…"
    );
    run(&mut command("cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
        .map_err(|e| format!("{e}\nInstall it by hand with `cargo install trunk --version {TRUNK_VERSION} --locked`."))
}

fn leptosfmt() -> Result<(), String> {
    let wanted = format!("leptosfmt {LEPTOSFMT_VERSION}");
    if output_of("leptosfmt", &["--version"]).as_deref() == Some(wanted.as_str()) {
        println!("  {wanted}: installed");
        return Ok(());
    }
    println!(
        "  Installing leptosfmt {LEPTOSFMT_VERSION} (checks the formatting of view! markup; about 3 minutes)…"
    );
    run(&mut command(
        "cargo",
        &["install", "leptosfmt", "--version", LEPTOSFMT_VERSION, "--locked"],
    ))
    .map_err(|e| {
        format!("{e}\nInstall it by hand with `cargo install leptosfmt --version {LEPTOSFMT_VERSION} --locked`.")
    })
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn wasm_bindgen() -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    let have_cli = output_of("wasm-bindgen", &["--version"]).as_deref() == Some(wanted.as_str());
    let have_runner = output_of("wasm-bindgen-test-runner", &["--version"])
        .is_some_and(|v| v.ends_with(&version));
    if have_cli && have_runner {
        println!("  {wanted} (and its test runner): installed");
        return Ok(());
    }
    println!(
        "  Installing wasm-bindgen-cli {version} (must match Cargo.lock; takes a few minutes)…"
    );
    // Not --locked: the registry lacks one dependency at the version its lockfile names.
    run(&mut command(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &version],
    ))
    .map_err(|e| {
        format!(
            "{e}\nInstall it by hand with `cargo install wasm-bindgen-cli --version {version}`."
        )
    })
}

/// npm packages from the committed lockfile: wasm-opt (binaryen), playwright-core and the
/// JavaScript automerge-repo (the interop tests' reference peers).
fn npm_packages() -> Result<(), String> {
    let lock = std::fs::read(root().join("package-lock.json"))
        .map_err(|e| format!("cannot read package-lock.json: {e}"))?;
    let stamp_path = root().join("node_modules").join(".throughline-lock");
    let stamp = format!(
        "{:x}",
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&lock))
    );
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str()) {
        println!("  npm packages (package-lock.json): installed");
        return Ok(());
    }
    if output_of("npm", &["--version"]).is_none() {
        return Err("npm is not available. Install Node.js 20 or later with npm (e.g. `apt-get install nodejs npm`), then run this again.".into());
    }
    println!("  Installing npm packages from package-lock.json (wasm-opt, playwright-core, automerge-repo for the interop tests)…");
    run(&mut command("npm", &["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(&stamp_path, stamp)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))
}

fn wasm_opt() -> Result<(), String> {
    let version = output_of("wasm-opt", &["--version"]).unwrap_or_default();
    if version.contains(&format!("({WASM_OPT_VERSION})")) {
        println!("  wasm-opt {WASM_OPT_VERSION}: installed (npm binaryen)");
        Ok(())
    } else {
        Err(format!(
            "wasm-opt {WASM_OPT_VERSION} was not found after `npm ci` (found: {version:?}); check that node_modules/.bin/wasm-opt runs"
        ))
    }
}

fn browsers() -> Result<Tools, String> {
    let chromedriver = which("chromedriver");
    if Path::new(CHROMIUM).exists() && chromedriver.is_some() {
        println!("  Chromium and ChromeDriver: installed");
    } else {
        let is_root = output_of("id", &["-u"]).as_deref() == Some("0");
        if !is_root || which("apt-get").is_none() {
            return Err(format!(
                "the browser tests need Chromium at {CHROMIUM} and chromedriver on PATH, and this process cannot install them.\n\
                 On Debian or Ubuntu run: sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
            ));
        }
        println!("  Installing Debian's chromium and chromium-driver (the browser tests run in headless Chromium)…");
        run(&mut command("apt-get", &["update"]))?;
        run(command(
            "apt-get",
            &[
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ],
        )
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let chromedriver = which("chromedriver")
        .ok_or("chromedriver is still not on PATH after installing chromium-driver")?;
    let chromium_version = output_of(CHROMIUM, &["--version"]).unwrap_or_default();
    let driver_version = output_of(&chromedriver, &["--version"]).unwrap_or_default();
    println!("  {chromium_version}; {driver_version}");
    Ok(Tools {
        chromium: CHROMIUM.to_owned(),
        chromedriver,
    })
}

/// The servers the relay's tests start themselves: PostgreSQL (`initdb`, `pg_ctl`: a
/// throwaway database, `relay/tests/common/postgres.rs`) and HAProxy (in front of two
/// relays, with `deploy/haproxy.cfg`).
fn servers() -> Result<(), String> {
    let postgres = || {
        std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| entry.path().join("bin/initdb").is_file())
            || which("initdb").is_some()
    };
    let haproxy = || which("haproxy").is_some() || Path::new("/usr/sbin/haproxy").is_file();
    let missing: Vec<&str> = [("postgresql", postgres()), ("haproxy", haproxy())]
        .into_iter()
        .filter(|(_, installed)| !installed)
        .map(|(package, _)| package)
        .collect();
    if !missing.is_empty() {
        let is_root = output_of("id", &["-u"]).as_deref() == Some("0");
        if !is_root || which("apt-get").is_none() {
            return Err(format!(
                "the relay's tests start PostgreSQL and HAProxy themselves, and this process cannot install them.\n\
                 On Debian or Ubuntu run: sudo apt-get update && sudo apt-get install -y {}",
                missing.join(" ")
            ));
        }
        println!(
            "  Installing Debian's {} (the relay's tests start throwaway servers of their own)…",
            missing.join(" and ")
        );
        run(&mut command("apt-get", &["update"]))?;
        let mut install = vec!["install", "-y", "--no-install-recommends"];
        install.extend(&missing);
        run(command("apt-get", &install).env("DEBIAN_FRONTEND", "noninteractive"))?;
        if !postgres() || !haproxy() {
            return Err(format!(
                "{} still not found after installing it",
                missing.join(" or ")
            ));
        }
    }
    println!("  PostgreSQL and HAProxy: installed");
    Ok(())
}

fn which(program: &str) -> Option<String> {
    std::env::split_paths(&crate::process::tool_path())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .map(|path| path.to_string_lossy().into_owned())
}
