//! `cargo xtask size`: what a first load transfers, raw, gzip and brotli: the critical
//! path for `/` and, apart, the chunks pages load when first visited.

use std::path::Path;

use crate::post_build::{brotli, gzip};
use crate::process::root;

/// The budget of the critical path for `/` (wasm + JS + CSS + the page, brotli; issue 15),
/// and its stretch goal (DESIGN.md's first-load budget).
const BUDGET_BROTLI_BYTES: usize = 450 * 1000;
const STRETCH_BROTLI_BYTES: usize = 350 * 1000;

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
    let index = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| format!("cannot read {}/index.html: {e}", dist.display()))?;
    // The wasm, scripts and styles (not the service worker, not compressed copies).
    let mut files = crate::post_build::app_files(dist)?;
    files.retain(|f| [".wasm", ".js", ".css"].iter().any(|ext| f.ends_with(ext)));
    let critical = critical_path(dist, &index, &files)?;
    let mut first = Vec::new();
    let mut later = Vec::new();
    for name in files {
        let bytes =
            std::fs::read(dist.join(&name)).map_err(|e| format!("cannot read {name}: {e}"))?;
        let row = (
            name.clone(),
            bytes.len(),
            gzip(&bytes)?.len(),
            brotli(&bytes)?.len(),
        );
        if name == "index.html" || critical.contains(&name) {
            first.push(row);
        } else {
            later.push(row);
        }
    }
    let later = with_shared_pieces_summed(later);
    println!("\nTransfer of {}:", dist.display());
    println!(
        "{:<56} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let first_brotli = table(
        "critical path for / (loaded before the home page works)",
        &first,
    );
    table("loaded when a page first needs it (chunks)", &later);
    println!(
        "budget for the critical path: {} brotli (stretch {}); {}",
        kb(BUDGET_BROTLI_BYTES),
        kb(STRETCH_BROTLI_BYTES),
        if first_brotli <= STRETCH_BROTLI_BYTES {
            "within the stretch budget"
        } else if first_brotli <= BUDGET_BROTLI_BYTES {
            "within budget"
        } else {
            "OVER BUDGET"
        }
    );
    Ok(())
}

type Row = (String, usize, usize, usize);

/// The split makes many small modules of code that several chunks share
/// (`chunk_<n>.wasm`); one row sums them, so the table reads as one row per route group.
fn with_shared_pieces_summed(rows: Vec<Row>) -> Vec<Row> {
    let is_piece = |name: &str| {
        let file = name.rsplit('/').next().unwrap_or(name);
        file.strip_prefix("chunk_")
            .and_then(|rest| rest.strip_suffix(".wasm"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    let (pieces, mut rows): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| is_piece(&r.0));
    if !pieces.is_empty() {
        let sum = |pick: fn(&Row) -> usize| pieces.iter().map(pick).sum::<usize>();
        rows.push((
            format!("chunk_<n>.wasm: {} pieces shared by chunks", pieces.len()),
            sum(|r| r.1),
            sum(|r| r.2),
            sum(|r| r.3),
        ));
    }
    rows
}

/// Prints `rows` under `title` with their total, and returns the total brotli bytes.
fn table(title: &str, rows: &[Row]) -> usize {
    println!("-- {title}");
    for (name, raw, gz, br) in rows {
        println!(
            "{name:<56} {:>10} {:>10} {:>10}",
            kb(*raw),
            kb(*gz),
            kb(*br)
        );
    }
    let total = |pick: fn(&Row) -> usize| rows.iter().map(pick).sum::<usize>();
    let (raw, gz, br) = (total(|r| r.1), total(|r| r.2), total(|r| r.3));
    println!(
        "{:<56} {:>10} {:>10} {:>10}",
        "   total",
        kb(raw),
        kb(gz),
        kb(br)
    );
    br
}

/// The files the page loads before the app starts: those `index.html` names, and the
/// scripts those import (`from "./x.js"`), followed to the end. The chunks a script only
/// fetches on demand (`new URL("./x.wasm", …)`) are not on it.
fn critical_path(dist: &Path, index: &str, files: &[String]) -> Result<Vec<String>, String> {
    let mut critical: Vec<String> = files
        .iter()
        .filter(|f| index.contains(f.as_str()))
        .cloned()
        .collect();
    let mut next = 0;
    while next < critical.len() {
        let file = critical[next].clone();
        next += 1;
        if !file.ends_with(".js") {
            continue;
        }
        let text = std::fs::read_to_string(dist.join(&file))
            .map_err(|e| format!("cannot read {file}: {e}"))?;
        let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
        for imported in static_imports(&text) {
            let path = match imported.strip_prefix("./") {
                Some(name) if folder.is_empty() => name.to_owned(),
                Some(name) => format!("{folder}/{name}"),
                None => continue,
            };
            if files.contains(&path) && !critical.contains(&path) {
                critical.push(path);
            }
        }
    }
    Ok(critical)
}

/// The module paths of a script's static `import … from "…"` lines.
fn static_imports(script: &str) -> Vec<&str> {
    script
        .lines()
        .filter(|line| line.trim_start().starts_with("import "))
        .filter_map(|line| {
            let (_, rest) = line.rsplit_once(" from ")?;
            let rest = rest.trim().trim_end_matches(';');
            rest.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        })
        .collect()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_imports_are_read_and_fetched_chunks_are_not() {
        let script = "import * as import1 from \"./__wasm_split.js\"\nimport { x } from './a.js';\nconst c = fetch(new URL(\"./split_plans.wasm\", import.meta.url));\n";
        assert_eq!(static_imports(script), ["./__wasm_split.js", "./a.js"]);
    }
}
