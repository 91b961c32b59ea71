//! The relay serving a built app: types, caching, compression, deep links, health, the
//! base path, and paths that try to leave the app directory.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use throughline_relay::{router, Config};

mod common;
use common::config::test_config;
use common::raw_get;

const WASM: &str = "throughline-0123456789abcdef_bg.wasm";
const JS: &str = "throughline-0123456789abcdef.js";

fn app_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("index.html", b"<!DOCTYPE html><title>Throughline</title>");
    write(JS, b"export default function init() {}");
    write(&format!("{JS}.br"), b"brotli bytes");
    write(WASM, b"\0asm\x01\0\0\0");
    write("sw.js", b"self.addEventListener('fetch', () => {});");
    write("manifest.webmanifest", b"{}");
    dir
}

fn config(app: &Path, base_path: &str) -> Config {
    Config {
        app_dir: app.to_path_buf(),
        base_path: base_path.to_owned(),
        ..test_config(&app.join("data"))
    }
}

async fn get(
    config: &Config,
    path: &str,
    accept_encoding: Option<&str>,
) -> axum::response::Response {
    let mut request = Request::get(path);
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    router(config)
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn header_of(response: &axum::response::Response, name: header::HeaderName) -> &str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

async fn body(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn wasm_is_served_as_wasm_and_cached_for_ever() {
    let app = app_dir();
    let response = get(&config(app.path(), "/"), &format!("/{WASM}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/wasm"
    );
    assert_eq!(
        header_of(&response, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff"
    );
}

#[tokio::test]
async fn entry_points_are_revalidated_on_every_load() {
    let app = app_dir();
    let config = config(app.path(), "/");
    for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest"] {
        let response = get(&config, path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
    }
    // A conditional request for an entry point still gets the whole file: Last-Modified
    // is too coarse to notice a file replaced within the same second.
    let conditional = router(&config)
        .oneshot(
            Request::get("/sw.js")
                .header(header::IF_MODIFIED_SINCE, "Fri, 01 Jan 2100 00:00:00 GMT")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(conditional.status(), StatusCode::OK);
    let worker = get(&config, "/sw.js", None).await;
    assert!(header_of(&worker, header::CONTENT_TYPE).starts_with("text/javascript"));
}

#[tokio::test]
async fn precompressed_brotli_is_served_when_accepted() {
    let app = app_dir();
    let config = config(app.path(), "/");
    let response = get(&config, &format!("/{JS}"), Some("gzip, br")).await;
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "br");
    assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert_eq!(body(response).await, "brotli bytes");
    let plain = get(&config, &format!("/{JS}"), None).await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    assert_eq!(body(plain).await, "export default function init() {}");
}

#[tokio::test]
async fn deep_links_get_the_app_and_missing_files_get_404() {
    let app = app_dir();
    let config = config(app.path(), "/");
    let page = get(&config, "/people/42", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header_of(&page, header::CACHE_CONTROL), "no-cache");
    assert!(body(page).await.contains("<title>Throughline</title>"));
    let missing = get(&config, "/missing-0123456789abcdef.js", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn healthz_answers_at_the_root_whatever_the_base_path() {
    let app = app_dir();
    for base in ["/", "/sub"] {
        let response = get(&config(app.path(), base), "/healthz", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(body(response).await.contains("\"status\":\"ok\""));
    }
}

#[tokio::test]
async fn the_app_is_served_under_its_base_path_only() {
    let app = app_dir();
    let config = config(app.path(), "/sub");
    assert_eq!(
        get(&config, &format!("/sub/{WASM}"), None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&config, "/sub/people", None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&config, &format!("/{WASM}"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    let redirect = get(&config, "/sub", None).await;
    assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header_of(&redirect, header::LOCATION), "/sub/");
}

#[tokio::test]
async fn without_a_build_pages_say_how_to_build_it() {
    let empty = tempfile::tempdir().unwrap();
    let response = get(&config(empty.path(), "/"), "/", None).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(body(response).await.contains("cargo xtask run"));
}

#[tokio::test]
async fn paths_outside_the_app_dir_are_refused_encoded_or_not() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("secret.txt"), "top secret").unwrap();
    let app = root.path().join("dist");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("index.html"), "<title>Throughline</title>").unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app_router = router(&config(&app, "/"));
    let server = tokio::spawn(async move { axum::serve(listener, app_router).await });

    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/a/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let response = raw_get(address, path).await;
        let status = response.split_whitespace().nth(1).unwrap_or("");
        assert!(
            !response.contains("top secret"),
            "{path} leaked the file:\n{response}"
        );
        assert_eq!(status, "400", "{path}:\n{response}");
    }
    server.abort();
}
