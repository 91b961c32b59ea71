//! Throughline's thin relay.
//!
//! Today it serves the built app (`dist/`) with the right types, caching and compression,
//! answers `/healthz`, and shuts down cleanly. Document sync arrives as one more route,
//! `/sync`, mounted in [`router`] beside the app; storage lives under `data_dir`.

mod config;
mod static_files;

use std::future::Future;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::{parse_base_path, Config};
pub use static_files::AppFiles;

/// Builds the relay's HTTP routes for `config`.
///
/// `/healthz` always sits at the root, whatever the app's base path, so that load
/// balancers and process supervisors need not know where the app is mounted.
pub fn router(config: &Config) -> Router {
    let files = Arc::new(AppFiles::new(config.app_dir.clone(), &config.base_path));
    let mut router = Router::new().route("/healthz", get(healthz).head(healthz));
    if config.base_path != "/" {
        let with_slash = format!("{}/", config.base_path);
        // The app's service worker scope and relative URLs need the trailing slash.
        router = router.route(
            &config.base_path,
            get(move || async move { Redirect::permanent(&with_slash) }),
        );
    }
    // The app is the fallback: it strips the base path itself and answers 404 outside it.
    let router = router.fallback(static_files::serve).with_state(files);
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
                })
                .on_response(
                    |response: &Response, latency: std::time::Duration, _span: &tracing::Span| {
                        tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "served");
                    },
                ),
        )
}

async fn healthz(method: Method) -> impl IntoResponse {
    let body = concat!(
        "{\"status\":\"ok\",\"version\":\"",
        env!("CARGO_PKG_VERSION"),
        "\"}"
    );
    let body = if method == Method::HEAD { "" } else { body };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
}

/// Runs the relay until `shutdown` resolves, then finishes the requests in flight.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tokio::fs::create_dir_all(&config.data_dir)
        .await
        .map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!(
                    "cannot create the data directory {}: {error}",
                    config.data_dir.display()
                ),
            )
        })?;
    if !config.app_dir.join("index.html").is_file() {
        tracing::warn!(
            app_dir = %config.app_dir.display(),
            "the app is not built there; pages will answer 503 until it is (run `cargo xtask run`)"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot listen on {}: {error}", config.listen),
            )
        })?;
    let address = listener.local_addr()?;
    let base = if config.base_path == "/" {
        "/".to_owned()
    } else {
        format!("{}/", config.base_path)
    };
    tracing::info!(
        %address,
        data_dir = %config.data_dir.display(),
        app_dir = %config.app_dir.display(),
        base_path = %config.base_path,
        "relay listening"
    );
    println!("Throughline is running at http://{address}{base}  (Ctrl-C to stop)");
    axum::serve(listener, router(&config))
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("relay stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "shutting down"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutting down"),
    }
}

/// Structured log lines on stderr; `RUST_LOG` sets the level (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
