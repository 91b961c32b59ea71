//! Finishes a build in its output folder, after Trunk and the wasm split (`app_build`).
//!
//! 1. Writes the content security policy into `index.html`, with the hash of the inline
//!    script Trunk generates (so no 'unsafe-inline' is needed).
//! 2. Writes the service worker's build id and precache list (every file of the build).
//! 3. Copies `index.html` to `404.html`, for static hosts that answer unknown paths with
//!    it (deep links then load the app, whose router shows the page).
//! 4. Writes brotli and gzip copies of the text and wasm files, for servers (like the
//!    relay) that serve pre-compressed files.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

const CSP_MARKER: &str = "<meta http-equiv=\"Content-Security-Policy\"";
const COMPRESSIBLE: [&str; 7] = ["wasm", "js", "css", "html", "svg", "webmanifest", "json"];

pub fn finish(dir: &Path) -> Result<(), String> {
    let index_path = dir.join("index.html");
    let index = read_text(&index_path)?;
    let index = with_csp(&index);
    write(&index_path, index.as_bytes())?;
    write(&dir.join("404.html"), index.as_bytes())?;

    let files = app_files(dir)?;
    let build_id = build_id(dir, &files)?;
    let precache: Vec<String> = files
        .iter()
        .filter(|f| f.as_str() != "404.html")
        .cloned()
        .collect();
    let list = format!(
        "[{}]",
        precache
            .iter()
            .map(|f| format!("\"{}\"", f.replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let worker_path = dir.join("sw.js");
    let worker = read_text(&worker_path)?;
    if !worker.contains("__THROUGHLINE_PRECACHE__") {
        return Err(
            "sw.js has no __THROUGHLINE_PRECACHE__ placeholder (was the build finished twice?)"
                .into(),
        );
    }
    let worker = worker
        .replace("__THROUGHLINE_BUILD__", &build_id)
        .replace("__THROUGHLINE_PRECACHE__", &list);
    write(&worker_path, worker.as_bytes())?;

    for file in files.iter().map(String::as_str).chain(["sw.js"]) {
        let extension = Path::new(file)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        if COMPRESSIBLE.contains(&extension) {
            precompress(&dir.join(file))?;
        }
    }
    println!("post-build: build {build_id}, {} files precached, CSP written, 404.html and compressed copies made", precache.len());
    Ok(())
}

/// Inserts the content security policy at the top of `<head>`.
fn with_csp(index: &str) -> String {
    if index.contains(CSP_MARKER) {
        return index.to_owned();
    }
    let hashes: Vec<String> = inline_scripts(index)
        .into_iter()
        .map(|script| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))
            )
        })
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self' ws: wss:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'",
        hashes.join(" ")
    );
    let meta = format!("{CSP_MARKER} content=\"{policy}\">");
    // Right after the charset (which must come first), before any script or link.
    let anchor = ["<meta charset=\"utf-8\">", "<head>"]
        .into_iter()
        .find_map(|a| index.find(a).map(|at| at + a.len()));
    match anchor {
        Some(at) => format!("{}\n    {}{}", &index[..at], meta, &index[at..]),
        None => format!("{meta}\n{index}"),
    }
}

/// The text of every `<script>` without a `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    scripts
}

/// Files of the build, relative to `dir`, sorted, without compressed copies and the worker.
pub fn app_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.retain(|f| f != "sw.js" && !f.ends_with(".br") && !f.ends_with(".gz"));
    files.sort();
    Ok(files)
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

fn build_id(dir: &Path, files: &[String]) -> Result<String, String> {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.as_bytes());
        hasher
            .update(std::fs::read(dir.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?);
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn precompress(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    write(&with_suffix(path, "br"), &brotli(&bytes)?)?;
    write(&with_suffix(path, "gz"), &gzip(&bytes)?)
}

pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hashes_inline_scripts_only() {
        let html = "<html><head><script src=\"/a.js\"></script><script type=\"module\">init()</script></head></html>";
        assert_eq!(inline_scripts(html), ["init()"]);
        let with = with_csp(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest("init()"));
        assert!(
            with.starts_with("<html><head>\n    <meta http-equiv=\"Content-Security-Policy\""),
            "{with}"
        );
        assert!(with.contains(&format!("'sha256-{expected}'")));
        assert_eq!(with_csp(&with), with, "idempotent");
    }
}
