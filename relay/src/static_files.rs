//! Serving the built app: types, caching, pre-compressed files, deep links, and refusing
//! any path that could leave the app directory.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The directory of the built app (Trunk's `dist/`).
#[derive(Debug, Clone)]
pub struct AppFiles {
    dir: PathBuf,
    /// `""` at the root, or `/sub` when the app is served under a sub-path.
    prefix: String,
}

impl AppFiles {
    pub fn new(dir: PathBuf, base_path: &str) -> Self {
        let prefix = base_path.trim_end_matches('/').to_owned();
        Self { dir, prefix }
    }
}

/// Answers a request for a file of the app.
///
/// A path that names no file but looks like a page of the app (no extension in its last
/// segment, e.g. `/people/42`) is answered with `index.html`, so that reloading a deep
/// link works; the client-side router then shows the page.
pub async fn serve(State(files): State<Arc<AppFiles>>, mut request: Request) -> Response {
    let Some(path) = request
        .uri()
        .path()
        .strip_prefix(&files.prefix)
        .filter(|p| p.starts_with('/'))
        .map(str::to_owned)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !files.prefix.is_empty() {
        let stripped = match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path.clone(),
        };
        match stripped.parse() {
            Ok(uri) => *request.uri_mut() = uri,
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
    }
    if let Err(reason) = check_path(&path) {
        tracing::warn!(path = %path, reason, "refused a path");
        return (StatusCode::BAD_REQUEST, reason).into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let index = files.dir.join("index.html");
    if !index.is_file() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The app has not been built. Run `cargo xtask run`, or point --app-dir at a built dist/ directory.",
        )
            .into_response();
    }
    let mut cache = cache_policy(&path);
    if cache == CachePolicy::Revalidate {
        // Last-Modified has one-second granularity: a file replaced within the same second
        // (a quick redeploy) would be answered "not modified" and a new service worker
        // never seen. These files are small; send them whole.
        request.headers_mut().remove(header::IF_MODIFIED_SINCE);
        request.headers_mut().remove(header::IF_UNMODIFIED_SINCE);
    }
    let headers = request.headers().clone();
    let method = request.method().clone();
    let serve_dir = ServeDir::new(&files.dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let mut response = match serve_dir.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND && is_page_path(&path) {
        let mut index_request = Request::new(Body::empty());
        *index_request.method_mut() = method;
        *index_request.headers_mut() = headers;
        response = match ServeFile::new(&index)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(index_request)
            .await
        {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        cache = CachePolicy::Revalidate;
    }
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache.header()),
        );
    }
    response
}

/// Refuses paths that try to leave the app directory or that no browser would send.
fn check_path(path: &str) -> Result<(), &'static str> {
    let decoded = percent_decode(path).ok_or("the path is not valid percent-encoded UTF-8")?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err("the path contains a forbidden character");
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err("the path contains a '.' or '..' segment");
    }
    Ok(())
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn is_page_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !last.contains('.')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CachePolicy {
    /// Content-addressed files: their name changes whenever their bytes do.
    Immutable,
    /// Everything else, above all `index.html` and the service worker, must be checked on
    /// every load, or a new build would never reach people.
    Revalidate,
}

impl CachePolicy {
    fn header(self) -> &'static str {
        match self {
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
            CachePolicy::Revalidate => "no-cache",
        }
    }
}

/// Trunk names built files `name-<hash>.ext` (the hash in hex), e.g.
/// `throughline-3f9a0c1d2e4b5a69_bg.wasm`; `cargo xtask build` puts the split wasm in a
/// folder named by its content, `app-<hash>/` (the chunks inside keep the names they load
/// each other by).
fn cache_policy(path: &str) -> CachePolicy {
    let mut segments = path.rsplit('/');
    let file = segments.next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let in_hashed_folder = segments
        .next()
        .and_then(|folder| folder.strip_prefix("app-"))
        .is_some_and(is_hash);
    let hashed = stem.rsplit_once('-').is_some_and(|(_, hash)| is_hash(hash));
    if hashed || in_hashed_folder && !file.is_empty() {
        CachePolicy::Immutable
    } else {
        CachePolicy::Revalidate
    }
}

fn is_hash(text: &str) -> bool {
    (8..=16).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_build_files_are_immutable() {
        assert_eq!(
            cache_policy("/throughline-3f9a0c1d2e4b5a69_bg.wasm"),
            CachePolicy::Immutable
        );
        assert_eq!(
            cache_policy("/sub/throughline-3f9a0c1d2e4b5a69.js"),
            CachePolicy::Immutable
        );
        assert_eq!(
            cache_policy("/main-0a1b2c3d4e5f6071.css"),
            CachePolicy::Immutable
        );
        for path in [
            "/app-3f9a0c1d2e4b5a69/__wasm_split.js",
            "/sub/app-3f9a0c1d2e4b5a69/split_plans.wasm",
        ] {
            assert_eq!(cache_policy(path), CachePolicy::Immutable, "{path}");
        }
    }

    #[test]
    fn entry_points_are_revalidated() {
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
            "/people",
            "/app-notahash/x.js",
            "/app-3f9a0c1d2e4b5a69/",
        ] {
            assert_eq!(cache_policy(path), CachePolicy::Revalidate, "{path}");
        }
    }

    #[test]
    fn traversal_is_refused_encoded_or_not() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/a\\..\\b",
            "/%00",
            "/%zz",
        ] {
            assert!(check_path(path).is_err(), "{path}");
        }
        assert!(check_path("/people/42").is_ok());
        assert!(check_path("/throughline-abc.js").is_ok());
    }
}
