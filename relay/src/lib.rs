//! Throughline's thin relay.
//!
//! It serves the built app (`dist/`) with the right types, caching and compression,
//! answers `/healthz`, syncs documents at `/sync` (automerge-repo v1 over WebSocket, by
//! samod, stored under `data_dir`), and shuts down cleanly, letting storage writes finish.

pub mod acknowledgements;
mod admission;
pub mod auth;
mod clock;
mod config;
pub mod copy_store;
mod database_peer;
pub mod durable;
mod gate;
mod held_history;
pub mod inbound;
mod instances;
mod memory;
mod metrics;
mod part_changes;
mod policy;
pub mod postgres;
mod presence;
pub mod quota;
pub mod rules;
pub mod rules_log;
mod static_files;
mod sync;

use std::future::Future;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::{parse_base_path, Command, Config, LogFormat};
pub use gate::Gate;
pub use memory::MemoryLimits;
pub use static_files::AppFiles;
pub use sync::{SyncService, SyncSettings};

/// Builds the relay's HTTP routes for `config`.
///
/// `/healthz` always sits at the root, whatever the app's base path, so that load
/// balancers and process supervisors need not know where the app is mounted.
pub fn router(config: &Config) -> Router {
    routes(config, None)
}

/// [`router`], with `/healthz` saying whether the PostgreSQL `store` answers.
fn routes(config: &Config, store: Option<Arc<postgres::Postgres>>) -> Router {
    let files = Arc::new(AppFiles::new(config.app_dir.clone(), &config.base_path));
    let health = {
        let store = store.clone();
        move |method: Method| healthz(method, store.clone())
    };
    let mut router = Router::new().route("/healthz", get(health.clone()).head(health.clone()));
    if config.base_path != "/" {
        // Also under the app's path, so an app hosted at a sub-path never needs to ask
        // anything outside it.
        router = router.route(
            &format!("{}/healthz", config.base_path),
            get(health.clone()).head(health),
        );
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

/// `ok`, or `unavailable` (503) while the PostgreSQL store does not answer: a load
/// balancer then sends peers elsewhere, and an operator reads why.
async fn healthz(method: Method, store: Option<Arc<postgres::Postgres>>) -> impl IntoResponse {
    let version = env!("CARGO_PKG_VERSION");
    let (status, body) = match &store {
        None => (
            StatusCode::OK,
            format!("{{\"status\":\"ok\",\"version\":\"{version}\"}}"),
        ),
        Some(store) if store.healthy() => (
            StatusCode::OK,
            format!("{{\"status\":\"ok\",\"version\":\"{version}\",\"store\":\"postgres\"}}"),
        ),
        Some(store) => {
            let error = if store.reachable() {
                "not listening to PostgreSQL yet, or the rules not read yet"
            } else {
                "PostgreSQL does not answer"
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{{\"status\":\"unavailable\",\"version\":\"{version}\",\"store\":\"postgres\",\"error\":\"{error}\"}}"),
            )
        }
    };
    let body = if method == Method::HEAD {
        String::new()
    } else {
        body
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
}

/// A running relay: its address, and a way to stop it cleanly.
pub struct Relay {
    address: std::net::SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    sync: SyncService,
}

impl Relay {
    /// Creates the data directory, opens the document store, and starts listening.
    pub async fn start(config: Config) -> std::io::Result<Relay> {
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
        let store = match &config.store {
            Some(url) => {
                let store = postgres::Postgres::open(url).map_err(std::io::Error::other)?;
                // Once, to say at start whether it answers; a database not up yet is
                // waited for rather than a reason not to start.
                if let Err(error) = store.connect().await {
                    tracing::error!(%error, "PostgreSQL does not answer yet; documents wait for it");
                }
                Some(store)
            }
            None => None,
        };
        let settings = SyncSettings {
            max_message_bytes: config.max_message_bytes,
            token: config.access_token()?,
            max_connections: config.max_connections,
            max_connections_per_address: config.max_connections_per_address,
            max_documents_per_connection: config.max_documents_per_connection.max(1),
            idle_timeout: std::time::Duration::from_secs(config.idle_timeout_seconds.max(1)),
            acknowledgement_delay: std::time::Duration::from_millis(
                config.acknowledgement_delay_ms,
            ),
            store_within: std::time::Duration::from_secs(config.store_within_seconds.max(1)),
            memory: MemoryLimits {
                unload_after: std::time::Duration::from_secs(config.unload_after_seconds.max(1)),
                max_documents: config.max_documents_in_memory.max(1),
            },
            gate: Gate::new(
                config.trusted_proxies.clone(),
                config.allowed_origins.clone(),
                config.metrics_token.clone(),
            ),
            quotas: quota::Quotas {
                messages_per_second: config.max_messages_per_second.max(1),
                documents_per_workspace: config.max_documents_per_workspace.max(1),
                workspace_bytes: config.max_workspace_bytes,
            },
            store: store.clone(),
        };
        if settings.token.is_none() {
            tracing::warn!("no access token set: anyone who can reach this relay may sync documents whose ids they know");
        }
        let sync = SyncService::start(&config.data_dir, settings)
            .await
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!("cannot listen on {}: {error}", config.listen),
                )
            })?;
        let address = listener.local_addr()?;
        tracing::info!(
            %address,
            data_dir = %config.data_dir.display(),
            app_dir = %config.app_dir.display(),
            base_path = %config.base_path,
            "relay listening"
        );
        let mut sync_routes = Router::new()
            .route("/sync", get(sync::sync_socket))
            .route("/sync/challenge", get(sync::challenge))
            .route("/metrics", get(sync::metrics));
        if config.base_path != "/" {
            sync_routes = sync_routes
                .route(
                    &format!("{}/sync", config.base_path),
                    get(sync::sync_socket),
                )
                .route(
                    &format!("{}/sync/challenge", config.base_path),
                    get(sync::challenge),
                );
        }
        let routes = sync_routes
            .with_state(sync.clone())
            .merge(routes(&config, store));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        // Sync messages are small and often follow one another closely; with Nagle's
        // algorithm one would wait for the peer's delayed ACK of the one before, up to
        // 40 ms on Linux. Browsers turn it off for WebSockets too.
        let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "could not turn off Nagle's algorithm on a connection");
            }
        });
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                routes.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Relay {
            address,
            shutdown,
            server,
            sync,
        })
    }

    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// Stops taking requests, finishes those in flight, then lets the document store
    /// finish its writes before returning.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        let served = self.server.await.map_err(std::io::Error::other)?;
        self.sync.stop().await;
        tracing::info!("relay stopped cleanly");
        served
    }
}

/// Runs the relay until `shutdown` resolves, then stops it cleanly.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let base = if config.base_path == "/" {
        "/".to_owned()
    } else {
        format!("{}/", config.base_path)
    };
    let relay = Relay::start(config).await?;
    println!(
        "Throughline is running at http://{}{base}  (Ctrl-C to stop)",
        relay.address()
    );
    shutdown.await;
    relay.stop().await
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
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        // Colours only for a person at a terminal; log files get plain text.
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => logs.json().try_init(),
    };
}
