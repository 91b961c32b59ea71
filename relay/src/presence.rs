//! Ephemeral messages (who is looking at what, where their cursor is) across relays on
//! one PostgreSQL database.
//!
//! samod passes an ephemeral message on to the peers of its own instance. With
//! `--store postgres://…` the peers of one document may be on several instances, so each
//! instance also announces the ephemeral messages its peers send (on channel
//! [`CHANNEL`], as they were sent), and delivers those other instances announce to its own
//! peers of that document, straight to their sockets (samod never sees them, so nothing
//! is announced twice). Each side asks the rules: a message is announced only when its
//! sender may read the document, and delivered only to a peer that may read it too. One
//! larger than PostgreSQL's notification limit stays on its instance.
//!
//! ```ignore
//! let presence = Presence::new(Some(postgres), registry);
//! let seen = presence.connection(to_peer);      // one per sync connection
//! presence.sent(&seen, peer, &document, &bytes); // each message the peer sends
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::ws::Message as WsMessage;
use throughline::model::DocumentId;
use throughline::sync::Message;

use crate::postgres::Postgres;
use crate::rules::Registry;

/// The channel ephemeral messages cross on: `<instance> <document> <base64url message>`.
pub const CHANNEL: &str = "throughline_presence";

/// The largest message announced (PostgreSQL refuses notifications of 8,000 bytes or
/// more; base64 takes four bytes for three).
const LARGEST: usize = 5_500;

/// Where this instance's peers are, per document.
pub struct Presence {
    postgres: Option<Arc<Postgres>>,
    registry: Arc<Registry>,
    /// Document → connection → its peer.
    peers: Mutex<HashMap<String, HashMap<u64, Peer>>>,
    next: AtomicU64,
}

struct Peer {
    id: String,
    to_peer: tokio::sync::mpsc::Sender<WsMessage>,
}

/// One sync connection's place in [`Presence`], given up when dropped.
pub struct Seen {
    presence: Arc<Presence>,
    connection: u64,
    to_peer: tokio::sync::mpsc::Sender<WsMessage>,
}

impl Drop for Seen {
    fn drop(&mut self) {
        let mut peers = self.presence.lock();
        peers.retain(|_, connections| {
            connections.remove(&self.connection);
            !connections.is_empty()
        });
    }
}

impl Presence {
    pub fn new(postgres: Option<Arc<Postgres>>, registry: Arc<Registry>) -> Arc<Presence> {
        Arc::new(Presence {
            postgres,
            registry,
            peers: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<u64, Peer>>> {
        self.peers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new connection, whose messages go to `to_peer`.
    pub fn connection(self: &Arc<Self>, to_peer: tokio::sync::mpsc::Sender<WsMessage>) -> Seen {
        Seen {
            presence: Arc::clone(self),
            connection: self.next.fetch_add(1, Ordering::Relaxed),
            to_peer,
        }
    }

    /// The peer `peer` of connection `seen` sent `bytes` about `document` (checked, and
    /// passed to samod): it is a peer of the document here now, and an ephemeral message
    /// it may send is announced to the other instances.
    pub fn sent(&self, seen: &Seen, peer: &str, document: &str, bytes: &[u8]) {
        if self.postgres.is_none() {
            return;
        }
        self.lock()
            .entry(document.to_owned())
            .or_default()
            .entry(seen.connection)
            .or_insert_with(|| Peer {
                id: peer.to_owned(),
                to_peer: seen.to_peer.clone(),
            });
        let Some(postgres) = &self.postgres else {
            return;
        };
        // Best effort: nothing waits on a database that does not answer.
        if !postgres.reachable()
            || bytes.len() > LARGEST
            || !matches!(Message::decode(bytes), Ok(Message::Ephemeral { .. }))
        {
            return;
        }
        let may_read = document
            .parse::<DocumentId>()
            .is_ok_and(|id| self.registry.may_read(&id, peer));
        if !may_read {
            return;
        }
        let postgres = Arc::clone(postgres);
        let (document, bytes) = (document.to_owned(), bytes.to_vec());
        tokio::spawn(async move { postgres.announce_presence(&document, &bytes).await });
    }

    /// Delivers what another instance announced to this instance's peers of `document`
    /// that may read it (each as the message's target).
    pub fn deliver(&self, document: &str, bytes: &[u8]) {
        let Ok(Message::Ephemeral {
            sender_id,
            document_id,
            count,
            session_id,
            data,
            ..
        }) = Message::decode(bytes)
        else {
            return;
        };
        let Ok(id) = document.parse::<DocumentId>() else {
            return;
        };
        if document_id != document {
            return;
        }
        let peers = self.lock();
        let Some(connections) = peers.get(document) else {
            return;
        };
        for peer in connections.values() {
            if peer.id == sender_id.as_str() || !self.registry.may_read(&id, &peer.id) {
                continue;
            }
            let message = Message::Ephemeral {
                sender_id: sender_id.clone(),
                target_id: peer.id.clone().into(),
                document_id: document_id.clone(),
                count,
                session_id: session_id.clone(),
                data: data.clone(),
            };
            // Best effort, as samod's own: a peer whose queue is full misses one.
            let _ = peer
                .to_peer
                .try_send(WsMessage::Binary(message.encode().into()));
        }
    }
}
