//! `/sync`: automerge-repo v1 over WebSocket, served by samod (the Rust automerge-repo,
//! wire-compatible with the JavaScript one), storing documents under `<data dir>/documents`
//! in the layout of automerge-repo's Node.js filesystem adapter.
//!
//! Like the reference sync server it never announces documents: a peer gets only the
//! documents it asks for by id. Unlike it, it can require an access token, limits
//! connections, and counts what it does (`/metrics`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};

use crate::acknowledgements;
use crate::admission::Admission;
use crate::durable::{reported_heads, Reported};
use crate::inbound::{Inbound, Refused};
use crate::memory::{Memory, MemoryLimits};
use crate::metrics::{Metrics, Refusal};

/// How the sync service is set up.
pub struct SyncSettings {
    pub max_message_bytes: usize,
    pub token: Option<String>,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    /// Most distinct documents one connection may name in its messages.
    pub max_documents_per_connection: usize,
    /// A peer silent for this long is closed (it is pinged at a third of it).
    pub idle_timeout: Duration,
    /// How long a peer's acknowledgement may be held (see `acknowledgements`).
    pub acknowledgement_delay: Duration,
    /// How long a `sync` message waits for the heads it reports to reach disk before the
    /// connection is closed instead (a disk that stopped writing).
    pub store_within: Duration,
    /// When documents are unloaded from memory.
    pub memory: MemoryLimits,
    /// Door checks: forwarded addresses, origins, metrics (`crate::gate`).
    pub gate: crate::Gate,
}

/// The relay's sync peer.
#[derive(Clone)]
pub struct SyncService {
    memory: Arc<Memory>,
    admission: Arc<Admission>,
    gate: Arc<crate::Gate>,
    metrics: Arc<Metrics>,
    max_message_bytes: usize,
    max_documents: usize,
    idle_timeout: Duration,
    acknowledgement_delay: Duration,
    store_within: Duration,
}

impl SyncService {
    /// Opens the document store under `data_dir` and starts accepting peers.
    pub async fn start(data_dir: &Path, settings: SyncSettings) -> Result<Self, String> {
        let metrics = Arc::new(Metrics::default());
        let memory = Memory::start(data_dir, settings.memory, Arc::clone(&metrics)).await?;
        let admission = Admission::new(
            settings.token,
            settings.max_connections,
            settings.max_connections_per_address,
            Arc::clone(&metrics),
        );
        Ok(Self {
            memory,
            admission,
            gate: Arc::new(settings.gate),
            metrics,
            max_message_bytes: settings.max_message_bytes,
            max_documents: settings.max_documents_per_connection,
            idle_timeout: settings.idle_timeout,
            acknowledgement_delay: settings.acknowledgement_delay,
            store_within: settings.store_within,
        })
    }

    /// Finishes what is in flight (storage writes included) and stops.
    pub async fn stop(&self) {
        self.memory.stop().await;
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

/// Checks the peer's token and the limits, then upgrades to a WebSocket for samod.
pub async fn sync_socket(
    State(sync): State<SyncService>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !sync.gate.origin_allowed(&headers) {
        tracing::warn!(peer = %peer.ip(), "sync connection refused: a page from another origin");
        sync.metrics.refused(Refusal::Origin);
        return (
            StatusCode::FORBIDDEN,
            "Pages from another site may not sync with this relay.",
        )
            .into_response();
    }
    let client = sync.gate.client_address(peer.ip(), &headers);
    let slot = match sync
        .admission
        .admit(client, query.get("token").map(String::as_str))
    {
        Ok(slot) => slot,
        Err(refusal) => {
            // The token itself is never logged.
            tracing::warn!(peer = %client, reason = ?refusal, "sync connection refused");
            let (status, text) = match refusal {
                Refusal::Token => (
                    StatusCode::UNAUTHORIZED,
                    "A valid access token is required.",
                ),
                Refusal::TooManyConnections => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The relay has as many connections as it takes.",
                ),
                Refusal::TooManyFromAddress => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many connections from this address.",
                ),
                Refusal::Origin => (
                    StatusCode::FORBIDDEN,
                    "Pages from another site may not sync with this relay.",
                ),
            };
            return (status, text).into_response();
        }
    };
    // Held only until samod takes the connection: a generation being replaced waits
    // for its holders to let go.
    let Some(generation) = sync.memory.current().await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "The relay is stopping.").into_response();
    };
    let limit = sync.max_message_bytes;
    let max_documents = sync.max_documents;
    let idle = sync.idle_timeout;
    let acknowledgement_delay = sync.acknowledgement_delay;
    let store_within = sync.store_within;
    // A message somewhat over the limit is read, so the peer can be told why it is
    // disconnected; one over twice the limit is cut off while being read.
    let cut_off = limit.saturating_mul(2);
    upgrade
        .max_message_size(cut_off)
        .max_frame_size(cut_off)
        // tungstenite's default buffers (128 KiB each way) would cost 10,000 idle peers
        // over a gigabyte; small ones grow as a large message needs.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| async move {
            let metrics = Arc::clone(&sync.metrics);
            let (sink, stream) = socket.split();
            let received = Arc::clone(&metrics);
            let silent = Arc::clone(&metrics);
            let to_peer = write_and_ping(sink, idle / 3);
            // What this connection has said so far (who joined, the documents named),
            // against which each message is checked.
            let inbound = Arc::new(std::sync::Mutex::new(Inbound::new(max_documents)));
            let to_refuse = to_peer.clone();
            let told = Arc::clone(&inbound);
            // A peer that sends nothing, not even the answer to a ping, for `idle` is
            // gone: its stream ends, and samod closes the connection.
            let stream = futures_util::stream::unfold(stream, move |mut stream| {
                let silent = Arc::clone(&silent);
                async move {
                    match tokio::time::timeout(idle, stream.next()).await {
                        Ok(Some(message)) => Some((message, stream)),
                        Ok(None) => None,
                        Err(_) => {
                            silent.idle_closed.fetch_add(1, Ordering::Relaxed);
                            tracing::info!(
                                "closing a sync connection whose peer stopped answering"
                            );
                            None
                        }
                    }
                }
            });
            // The slot lives in the stream: samod drops the stream when the connection
            // ends, which frees the place.
            let incoming = stream
                .map(move |message| {
                    let _held = &slot;
                    message
                })
                .take_while(|message| {
                    futures_util::future::ready(!matches!(message, Ok(WsMessage::Close(_))))
                })
                .filter_map(move |message| {
                    let received = Arc::clone(&received);
                    let inbound = Arc::clone(&inbound);
                    let to_refuse = to_refuse.clone();
                    async move {
                        match message {
                            Ok(WsMessage::Binary(bytes)) => {
                                received.messages_received.fetch_add(1, Ordering::Relaxed);
                                received
                                    .bytes_received
                                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                                let checked = if bytes.len() > limit {
                                    Err(Refused::TooLarge { bytes: bytes.len(), limit })
                                } else {
                                    inbound
                                        .lock()
                                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                                        .check(&bytes)
                                };
                                let refusal = match checked {
                                    Ok(kind) => return Some(Ok((bytes.to_vec(), kind))),
                                    Err(refusal) => refusal,
                                };
                                match &refusal {
                                    Refused::TooManyDocuments(_) => {
                                        received.too_many_documents.fetch_add(1, Ordering::Relaxed);
                                    }
                                    Refused::Malformed(_) => {
                                        received.malformed.fetch_add(1, Ordering::Relaxed);
                                    }
                                    Refused::TooLarge { .. } => {
                                        received.too_large.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                                tracing::warn!(
                                    reason = %refusal,
                                    "closing a sync connection for a message it sent"
                                );
                                // Said to the peer before samod closes the connection.
                                let _ = to_refuse.try_send(WsMessage::Binary(
                                    error_message(&refusal.to_string()).into(),
                                ));
                                Some(Err(std::io::Error::other(refusal.to_string())))
                            }
                            Ok(WsMessage::Ping(_) | WsMessage::Pong(_)) => None,
                            Ok(_) => {
                                received.malformed.fetch_add(1, Ordering::Relaxed);
                                Some(Err(std::io::Error::other(
                                    "a text frame on a sync connection",
                                )))
                            }
                            Err(error) => {
                                let error = error.to_string();
                                // tungstenite's words for a message past the cut-off.
                                if error.contains("too long") || error.contains("Space limit") {
                                    received.too_large.fetch_add(1, Ordering::Relaxed);
                                    tracing::warn!(
                                        %error,
                                        "closing a sync connection for a message far over the size limit"
                                    );
                                }
                                Some(Err(std::io::Error::other(error)))
                            }
                        }
                    }
                })
                .boxed();
            let incoming = acknowledgements::coalesce(
                incoming,
                acknowledgement_delay,
                Arc::clone(&metrics),
            )
            .boxed();
            let sent = Arc::clone(&metrics);
            let ledger = Arc::clone(&generation.ledger);
            let outgoing = Box::pin(futures_util::sink::unfold(
                to_peer,
                move |to_peer, bytes: Vec<u8>| {
                    let sent = Arc::clone(&sent);
                    let ledger = Arc::clone(&ledger);
                    let told = Arc::clone(&told);
                    async move {
                        // Heads are reported only once they are on disk (see `durable`).
                        if let Some(reported) = reported_heads(&bytes) {
                            let Reported { document, heads, carries_changes } = reported;
                            // Whether the peer's next message for it that carries nothing
                            // acknowledges changes (see `acknowledgements`).
                            told
                                .lock()
                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                .sent(&document, carries_changes);
                            if !ledger.wait_on_disk(&document, &heads, store_within).await {
                                sent.not_stored.fetch_add(1, Ordering::Relaxed);
                                tracing::error!(
                                    %document,
                                    "closing a sync connection: its changes were not stored in time"
                                );
                                let _ = to_peer
                                    .send(WsMessage::Binary(
                                        error_message("the relay could not store these changes; try again later").into(),
                                    ))
                                    .await;
                                return Err(std::io::Error::other("changes not stored in time"));
                            }
                        }
                        sent.messages_sent.fetch_add(1, Ordering::Relaxed);
                        sent.bytes_sent
                            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                        to_peer
                            .send(WsMessage::Binary(bytes.into()))
                            .await
                            .map_err(|_| std::io::Error::other("the connection has closed"))?;
                        Ok::<_, std::io::Error>(to_peer)
                    }
                },
            ));
            let accepted = generation
                .acceptor
                .accept(samod::Transport::new(incoming, outgoing));
            drop(generation);
            if accepted.is_err()
            {
                tracing::warn!("a sync connection arrived while the relay was stopping");
            }
        })
}

/// An automerge-repo `error` message saying `text`.
fn error_message(text: &str) -> Vec<u8> {
    let mut encoder = minicbor::Encoder::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = encoder
        .map(2)
        .and_then(|e| e.str("type"))
        .and_then(|e| e.str("error"))
        .and_then(|e| e.str("message"))
        .and_then(|e| e.str(text));
    encoder.into_writer()
}

/// Writes to the peer from one task: what samod sends (through the returned sender) and a
/// ping every `every`. When samod drops the sender, the socket is closed.
fn write_and_ping(
    mut sink: futures_util::stream::SplitSink<axum::extract::ws::WebSocket, WsMessage>,
    every: Duration,
) -> tokio::sync::mpsc::Sender<WsMessage> {
    let (to_peer, mut queue) = tokio::sync::mpsc::channel::<WsMessage>(256);
    tokio::spawn(async move {
        let mut ping = tokio::time::interval(every.max(Duration::from_millis(100)));
        ping.tick().await; // the first tick is immediate
        loop {
            let message = tokio::select! {
                next = queue.recv() => match next {
                    Some(message) => message,
                    None => break,
                },
                _ = ping.tick() => WsMessage::Ping(Default::default()),
            };
            if sink.send(message).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    to_peer
}

/// `/metrics`: the counters in Prometheus' text format.
pub async fn metrics(
    State(sync): State<SyncService>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !sync.gate.metrics_allowed(peer.ip(), &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            "Metrics need the metrics token (or a request from the relay's own machine).",
        )
            .into_response();
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        sync.metrics().render(),
    )
        .into_response()
}
