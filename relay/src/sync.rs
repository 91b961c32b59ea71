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
use crate::auth::{Challenges, Session};
use crate::clock::now_ms;
use crate::durable::{reported_heads, Reported};
use crate::inbound::{Inbound, Refused};
use crate::memory::{Memory, MemoryLimits};
use crate::metrics::{Metrics, Refusal};
use crate::policy::Policy;
use crate::presence::Presence;
use crate::rules::Registry;

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
    /// Message rate per connection, documents and disk per workspace.
    pub quotas: crate::quota::Quotas,
    /// Documents in PostgreSQL, shared with other instances; `None`: on disk under the
    /// data directory.
    pub store: Option<Arc<crate::postgres::Postgres>>,
}

/// The relay's sync peer.
#[derive(Clone)]
pub struct SyncService {
    memory: Arc<Memory>,
    store: Option<Arc<crate::postgres::Postgres>>,
    presence: Arc<Presence>,
    admission: Arc<Admission>,
    gate: Arc<crate::Gate>,
    metrics: Arc<Metrics>,
    challenges: Arc<Challenges>,
    registry: Arc<Registry>,
    max_message_bytes: usize,
    max_documents: usize,
    idle_timeout: Duration,
    acknowledgement_delay: Duration,
    store_within: Duration,
    messages_per_second: u32,
}

impl SyncService {
    /// Opens the document store under `data_dir` and starts accepting peers.
    pub async fn start(data_dir: &Path, settings: SyncSettings) -> Result<Self, String> {
        let metrics = Arc::new(Metrics::default());
        let (registry, memory, presence) = match &settings.store {
            None => {
                let chunks = crate::durable::Chunks::files(
                    data_dir.join("documents"),
                    data_dir.join("incoming"),
                );
                let registry = Registry::open(data_dir, settings.quotas, chunks.clone());
                registry.count(&chunks.sizes().await);
                let policy = Policy {
                    registry: Arc::clone(&registry),
                    metrics: Arc::clone(&metrics),
                };
                let memory =
                    Memory::start(chunks, None, settings.memory, Arc::clone(&metrics), policy)
                        .await?;
                let presence = Presence::new(None, Arc::clone(&registry));
                (registry, memory, presence)
            }
            Some(postgres) => {
                crate::instances::start(
                    Arc::clone(postgres),
                    settings.quotas,
                    settings.memory,
                    &metrics,
                )
                .await?
            }
        };
        crate::held_history::start(Arc::downgrade(&registry), Arc::downgrade(&memory));
        let admission = Admission::new(
            settings.token,
            settings.max_connections,
            settings.max_connections_per_address,
            Arc::clone(&metrics),
        );
        Ok(Self {
            memory,
            store: settings.store,
            presence,
            admission,
            gate: Arc::new(settings.gate),
            metrics,
            challenges: Arc::new(Challenges::new()?),
            registry,
            max_message_bytes: settings.max_message_bytes,
            max_documents: settings.max_documents_per_connection,
            idle_timeout: settings.idle_timeout,
            acknowledgement_delay: settings.acknowledgement_delay,
            store_within: settings.store_within,
            messages_per_second: settings.quotas.messages_per_second,
        })
    }

    /// Finishes what is in flight (storage writes included) and stops.
    pub async fn stop(&self) {
        // Writes PostgreSQL takes still finish; one it does not take stops being tried.
        if let Some(postgres) = &self.store {
            postgres.close();
        }
        self.memory.stop().await;
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

/// `/sync/challenge`: a fresh challenge for a device to sign (`auth`).
pub async fn challenge(State(sync): State<SyncService>) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        sync.challenges.issue(),
    )
        .into_response()
}

/// Checks the device's proof, if it offers one: `Ok(None)` for a peer that proves no key.
async fn prove(
    sync: &SyncService,
    client: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
) -> Result<Option<Session>, Response> {
    let offered = headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let session = match sync.challenges.authenticate(&offered) {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!(peer = %client, %error, "sync connection refused: its proof does not hold");
            sync.metrics.refused(Refusal::Proof);
            return Err((
                StatusCode::UNAUTHORIZED,
                format!("This device's proof was refused: {error}."),
            )
                .into_response());
        }
    };
    if let Some(session) = &session {
        let rules = sync.registry.rules(&session.workspace).await;
        if rules.borrow().was_removed(&session.device) {
            tracing::warn!(peer = %client, device = %session.device, "sync connection refused: the device was removed");
            sync.metrics.refused(Refusal::Removed);
            return Err((
                StatusCode::FORBIDDEN,
                "This device was removed from the workspace.",
            )
                .into_response());
        }
    }
    Ok(session)
}

/// Checks a program's grant: its signature, its expiry, and that its signer is an admin of
/// its workspace.
async fn grant_of(
    sync: &SyncService,
    client: std::net::IpAddr,
    token: &str,
) -> Result<crate::auth::Granted, Response> {
    let refuse = |why: String| {
        tracing::warn!(peer = %client, reason = %why, "sync connection refused: its grant does not hold");
        sync.metrics.refused(Refusal::Proof);
        (
            StatusCode::UNAUTHORIZED,
            format!("This grant was refused: {why}."),
        )
            .into_response()
    };
    let granted = crate::auth::Granted::read(token).map_err(refuse)?;
    let rules = sync.registry.rules(&granted.workspace).await;
    if !rules.borrow().is_admin(&granted.by) {
        return Err(refuse(
            "it was not signed by an admin of its workspace".to_owned(),
        ));
    }
    Ok(granted)
}

/// Resolves once `granted` no longer holds: it expired, or its signer is no longer an
/// admin of the workspace.
async fn grant_ends(registry: Arc<Registry>, granted: crate::auth::Granted) {
    let mut rules = registry.rules(&granted.workspace).await;
    loop {
        if !rules.borrow_and_update().is_admin(&granted.by) {
            return;
        }
        let left = granted.expires.saturating_sub(now_ms()).max(0) as u64;
        if left == 0 {
            return;
        }
        tokio::select! {
            changed = rules.changed() => {
                if changed.is_err() {
                    tokio::time::sleep(Duration::from_millis(left)).await;
                    return;
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(left)) => return,
        }
    }
}

/// Ends the registry's note of a program's connection when dropped (once it joined).
struct GrantHeld(Arc<Registry>, Arc<std::sync::Mutex<Option<String>>>);

impl Drop for GrantHeld {
    fn drop(&mut self) {
        let peer = self
            .1
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(peer) = peer {
            self.0.grant_ended(&peer);
        }
    }
}

/// Resolves once `session`'s device is removed from its workspace.
async fn removed(registry: Arc<Registry>, session: Session) {
    let mut rules = registry.rules(&session.workspace).await;
    loop {
        if rules.borrow_and_update().was_removed(&session.device) {
            return;
        }
        if rules.changed().await.is_err() {
            // The rules are no longer followed: never resolves.
            std::future::pending::<()>().await;
        }
    }
}

/// Ends the registry's note of a proven connection when dropped.
struct SessionHeld(Arc<Registry>, String);

impl Drop for SessionHeld {
    fn drop(&mut self) {
        self.0.ended(&self.1);
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
    if !sync.registry.is_ready() {
        // On PostgreSQL: the owners and rules are not read yet (the database has not
        // answered since the relay started). `/healthz` says so too.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "2")],
            "The relay cannot read its store yet; try again shortly.",
        )
            .into_response();
    }
    let client = sync.gate.client_address(peer.ip(), &headers);
    let session = match prove(&sync, client, &headers).await {
        Ok(session) => session,
        Err(refused) => return refused,
    };
    // A program connects by an admin's grant instead (not with a device's proof).
    let granted = match (&session, query.get("grant")) {
        (None, Some(token)) => match grant_of(&sync, client, token).await {
            Ok(granted) => Some(granted),
            Err(refused) => return refused,
        },
        _ => None,
    };
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
                Refusal::Origin | Refusal::Proof | Refusal::Removed => {
                    (StatusCode::FORBIDDEN, "This connection is refused.")
                }
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
    let messages_per_second = sync.messages_per_second;
    // A message somewhat over the limit is read, so the peer can be told why it is
    // disconnected; one over twice the limit is cut off while being read.
    let cut_off = limit.saturating_mul(2);
    let registry = Arc::clone(&sync.registry);
    let presence = Arc::clone(&sync.presence);
    let memory = Arc::clone(&sync.memory);
    upgrade
        .protocols([throughline::sync::relay_proof::SYNC_PROTOCOL])
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
            // The documents this connection's peer is on, for ephemeral messages from
            // other instances (given up when the connection ends).
            let seen = Arc::new(presence.connection(to_peer.clone()));
            // What this connection has said so far (who joined, the documents named),
            // against which each message is checked.
            let proven = session.as_ref().map(|s| s.peer.clone());
            let inbound = Arc::new(std::sync::Mutex::new(
                Inbound::new(max_documents).proven_as(proven.clone()),
            ));
            let held = session.as_ref().map(|session| {
                registry.began(session);
                SessionHeld(Arc::clone(&registry), session.peer.clone())
            });
            // A device removed while connected is disconnected at once (samod has
            // already stopped giving it the workspace's documents).
            let revoked: futures_util::future::BoxFuture<'static, ()> = match &session {
                Some(session) => {
                    let registry = Arc::clone(&registry);
                    let session = session.clone();
                    let metrics = Arc::clone(&metrics);
                    let to_peer = to_peer.clone();
                    Box::pin(async move {
                        removed(registry, session).await;
                        metrics.revoked_closed.fetch_add(1, Ordering::Relaxed);
                        tracing::info!("closing a sync connection: its device was removed");
                        let _ = to_peer.try_send(WsMessage::Binary(
                            error_message("this device was removed from the workspace").into(),
                        ));
                    })
                }
                None => match &granted {
                    Some(granted) => {
                        let registry = Arc::clone(&registry);
                        let granted = granted.clone();
                        let to_peer = to_peer.clone();
                        let metrics = Arc::clone(&metrics);
                        Box::pin(async move {
                            grant_ends(registry, granted).await;
                            metrics.revoked_closed.fetch_add(1, Ordering::Relaxed);
                            let _ = to_peer.try_send(WsMessage::Binary(
                                error_message("this program's grant has ended").into(),
                            ));
                        })
                    }
                    None => Box::pin(std::future::pending()),
                },
            };
            // The peer id a program joined with, once it has.
            let grant_peer = Arc::new(std::sync::Mutex::new(None::<String>));
            let grant_held = granted
                .as_ref()
                .map(|_| GrantHeld(Arc::clone(&registry), Arc::clone(&grant_peer)));
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
            let naming = session.clone();
            let owners = Arc::clone(&registry);
            let rate = Arc::new(std::sync::Mutex::new(crate::quota::MessageRate::new(
                messages_per_second,
                std::time::Instant::now(),
            )));
            // The documents this connection was told are over their workspace's quota
            // (told once each).
            let told_over = Arc::new(std::sync::Mutex::new(std::collections::HashSet::<String>::new()));
            // The reviews whose employee this connection was told a change was refused
            // (told once each).
            let told_refused = Arc::new(std::sync::Mutex::new(std::collections::HashSet::<String>::new()));
            // Its changes to reviews allowed and perhaps not yet taken by samod.
            let allowed = Arc::new(crate::part_changes::Allowed::default());
            let incoming = stream
                .take_until(revoked)
                .map(move |message| {
                    let _held = (&slot, &held, &grant_held);
                    message
                })
                .take_while(|message| {
                    futures_util::future::ready(!matches!(message, Ok(WsMessage::Close(_))))
                })
                .filter_map(move |message| {
                    let granted = granted.clone();
                    let seen = Arc::clone(&seen);
                    let presence = Arc::clone(&presence);
                    let grant_peer = Arc::clone(&grant_peer);
                    let naming = naming.clone();
                    let owners = Arc::clone(&owners);
                    let rate = Arc::clone(&rate);
                    let told_over = Arc::clone(&told_over);
                    let told_refused = Arc::clone(&told_refused);
                    let allowed = Arc::clone(&allowed);
                    let received = Arc::clone(&received);
                    let inbound = Arc::clone(&inbound);
                    let to_refuse = to_refuse.clone();
                    let memory = Arc::clone(&memory);
                    async move {
                        match message {
                            Ok(WsMessage::Binary(bytes)) => {
                                received.messages_received.fetch_add(1, Ordering::Relaxed);
                                received
                                    .bytes_received
                                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                                let within_rate = rate
                                    .lock()
                                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                                    .take(std::time::Instant::now());
                                let checked = if !within_rate {
                                    Err(Refused::TooFast(messages_per_second))
                                } else if bytes.len() > limit {
                                    Err(Refused::TooLarge { bytes: bytes.len(), limit })
                                } else {
                                    inbound
                                        .lock()
                                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                                        .check(&bytes)
                                };
                                let refusal = match checked {
                                    Ok(kind) => {
                                        if let Some(granted) = &granted {
                                            // A program's join binds its peer id to its grant;
                                            // its changes pass only with a grant to write.
                                            let joined = inbound
                                                .lock()
                                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                                .joined()
                                                .map(str::to_owned);
                                            let mut bound = grant_peer
                                                .lock()
                                                .unwrap_or_else(|poisoned| poisoned.into_inner());
                                            if let (None, Some(peer)) = (bound.as_ref(), joined) {
                                                if let Err(why) = owners.grant_began(&peer, granted) {
                                                    drop(bound);
                                                    let _ = to_refuse.try_send(WsMessage::Binary(
                                                        error_message(&why).into(),
                                                    ));
                                                    return Some(Err(std::io::Error::other(why)));
                                                }
                                                *bound = Some(peer);
                                            }
                                            drop(bound);
                                            if !granted.write
                                                && matches!(kind, acknowledgements::Kind::Sync(_))
                                                && carries_changes(&bytes)
                                            {
                                                received.changes_refused.fetch_add(1, Ordering::Relaxed);
                                                return None;
                                            }
                                        }
                                        if let acknowledgements::Kind::Sync(name) = &kind {
                                            if let Ok(document) = name.parse() {
                                                // A document a proven device names first is its
                                                // workspace's (and its), before samod decides on
                                                // it, unless the workspace has all it may keep.
                                                let refused = match &naming {
                                                    Some(session) => owners
                                                        .own_new(&document, &session.workspace, session.device)
                                                        .await
                                                        .err(),
                                                    None => None,
                                                };
                                                let refused = refused.or_else(|| owners.over_quota(&document));
                                                // Changes to a document this peer may only read
                                                // are dropped here (samod is told read-write).
                                                if owners.refuses_changes(&document, naming.as_ref())
                                                    && carries_changes(&bytes)
                                                {
                                                    received.changes_refused.fetch_add(1, Ordering::Relaxed);
                                                    if let Some(over) = refused {
                                                        tell_once(&told_over, name, &to_refuse, &over.to_string());
                                                    }
                                                    return None;
                                                }
                                                // A document several people write (a review, check-ins,
                                                // asked feedback): each writer only their parts.
                                                if let Some(writer) = owners.part_writer(&document, naming.as_ref()) {
                                                    if let Some(why) = crate::part_changes::refusal(&memory, &document, &bytes, writer, &allowed).await {
                                                        received.changes_refused.fetch_add(1, Ordering::Relaxed);
                                                        let text = format!("A change to this document was refused: {why}");
                                                        if tell_once(&told_refused, name, &to_refuse, &text) {
                                                            tracing::warn!(document = %name, reason = %why, "a change refused: not the writer's part to make");
                                                        }
                                                        return None;
                                                    }
                                                }
                                                if let Some(over) = refused {
                                                    received.over_quota.fetch_add(1, Ordering::Relaxed);
                                                    if tell_once(&told_over, name, &to_refuse, &over.to_string()) {
                                                        tracing::warn!(document = %name, reason = %over, "a change refused: over quota");
                                                    }
                                                }
                                            }
                                        }
                                        if let acknowledgements::Kind::Sync(name)
                                        | acknowledgements::Kind::Other(Some(name)) = &kind
                                        {
                                            let joined = inbound
                                                .lock()
                                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                                .joined()
                                                .map(str::to_owned);
                                            if let Some(peer) = joined {
                                                presence.sent(&seen, &peer, name, &bytes);
                                            }
                                        }
                                        return Some(Ok((bytes.to_vec(), kind)));
                                    }
                                    Err(refusal) if !refusal.closes() => {
                                        received.ephemeral_dropped.fetch_add(1, Ordering::Relaxed);
                                        return None;
                                    }
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
                                    Refused::AnotherPeersId => {}
                                    Refused::TooFast(_) => {
                                        received.too_fast.fetch_add(1, Ordering::Relaxed);
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
            let mut transport = samod::Transport::new(incoming, outgoing);
            if let Some(peer) = proven {
                // samod closes the connection if the join names any other id.
                transport = transport.with_expected_peer_id(samod::PeerId::from_string(peer));
            }
            let accepted = generation.acceptor.accept(transport);
            drop(generation);
            if accepted.is_err()
            {
                tracing::warn!("a sync connection arrived while the relay was stopping");
            }
        })
}

/// Whether a `sync` or `request` message carries changes (its data decodes: `Inbound`
/// checked it).
fn carries_changes(bytes: &[u8]) -> bool {
    crate::inbound::sync_data(bytes)
        .and_then(|data| automerge::sync::Message::decode(&data).ok())
        .is_some_and(|message| !message.changes.is_empty())
}

/// Tells the peer `text` about `document` (an `error` message, which keeps the connection)
/// unless it was told already (`told` notes the documents it was told of); whether it was
/// told now.
fn tell_once(
    told: &std::sync::Mutex<std::collections::HashSet<String>>,
    document: &str,
    to_peer: &tokio::sync::mpsc::Sender<WsMessage>,
    text: &str,
) -> bool {
    let first = told
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(document.to_owned());
    if first {
        let _ = to_peer.try_send(WsMessage::Binary(error_message(text).into()));
    }
    first
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
