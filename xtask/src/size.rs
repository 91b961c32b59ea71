//! `cargo xtask size`: what a first load transfers, raw, gzip and brotli.

use std::path::Path;

use crate::post_build::{brotli, gzip};
use crate::process::root;

/// The first-load budget (wasm + JS + CSS, brotli), from DESIGN.md.
const BUDGET_BROTLI_BYTES: usize = 350 * 1000;

pub fn run(args: &[String]) -> Result<(), String> {
    let options = crate::app_build::parse_build_options(args)?;
    let dist = root().join(&options.dist);
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no build; run `cargo xtask build` first",
            dist.display()
        ));
    }
    print(&dist)
}

pub fn print(dist: &Path) -> Result<(), String> {
    let mut rows = Vec::new();
    for entry in
        std::fs::read_dir(dist).map_err(|e| format!("cannot list {}: {e}", dist.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let first_load = [".wasm", ".js", ".css"]
            .iter()
            .any(|ext| name.ends_with(ext))
            && name != "sw.js";
        if !first_load {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {name}: {e}"))?;
        rows.push((
            name,
            bytes.len(),
            gzip(&bytes)?.len(),
            brotli(&bytes)?.len(),
        ));
    }
    rows.sort();
    println!("\nFirst-load transfer of {}:", dist.display());
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    for (name, raw, gz, br) in &rows {
        println!(
            "{name:<48} {:>10} {:>10} {:>10}",
            kb(*raw),
            kb(*gz),
            kb(*br)
        );
    }
    let total =
        |pick: fn(&(String, usize, usize, usize)) -> usize| rows.iter().map(pick).sum::<usize>();
    let (raw, gz, br) = (total(|r| r.1), total(|r| r.2), total(|r| r.3));
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "total",
        kb(raw),
        kb(gz),
        kb(br)
    );
    println!(
        "budget: {} brotli; {}",
        kb(BUDGET_BROTLI_BYTES),
        if br <= BUDGET_BROTLI_BYTES {
            "within budget"
        } else {
            "OVER BUDGET"
        }
    );
    Ok(())
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}
