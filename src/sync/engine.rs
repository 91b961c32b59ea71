//! The sans-IO sync engine: events in (a connection opened, bytes arrived, a document
//! changed here), effects out (bytes to send, a connection to close, a document that
//! changed by sync). No sockets, timers or tasks inside; transports and tests drive it.
//!
//! It speaks automerge-repo's v1 protocol in either role: it joins when it opened the
//! connection, and answers a join with `peer` when the other side did. Documents stay
//! with their owner (the `store`), lent to the engine for each event through
//! [`LentDocuments`].
//!
//! ```
//! use throughline::sync::{Engine, Event, PeerMetadata};
//! let mut engine = Engine::new("peer-a".into(), PeerMetadata::default());
//! let mut docs = std::collections::HashMap::new();
//! let effects = engine.handle(Event::Connected { connection: 1 }, &mut docs);
//! assert_eq!(effects.len(), 1); // the join message to send
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::sync::{Message as SyncMessage, State as DocumentSyncState, SyncDoc};
use automerge::AutoCommit;

use super::message::{Message, PeerMetadata};
use super::PeerId;
use crate::model::part_check::{check_parts, PartWriter};
use crate::store::DocumentId;

/// Identifies one connection (one socket, one channel) for the transport's benefit.
pub type ConnectionId = u64;

/// The protocol version this engine speaks.
pub const PROTOCOL_VERSION: &str = "1";
/// Messages larger than this are refused and their connection closed (a sync message
/// carries at most a document's new changes; 64 MiB is far beyond any real one).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The documents the engine may sync, lent to it for each event.
pub trait LentDocuments {
    fn document(&mut self, id: &DocumentId) -> Option<&mut AutoCommit>;
    /// Every document this side shares.
    fn ids(&self) -> Vec<DocumentId>;
}

impl LentDocuments for HashMap<DocumentId, AutoCommit> {
    fn document(&mut self, id: &DocumentId) -> Option<&mut AutoCommit> {
        self.get_mut(id)
    }
    fn ids(&self) -> Vec<DocumentId> {
        self.keys().copied().collect()
    }
}

/// Which documents a connection carries, when it does not carry every document this
/// side lends (a connection without a scope, such as the relay's, carries them all). A
/// document outside it is neither offered nor accepted there: the other side's request
/// gets `doc-unavailable`, as for a document this side does not have, and its ephemeral
/// messages are not passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every document this side lends except the private ones ([`Engine::keep_private`]):
    /// a direct link to another device that shares the whole workspace.
    AllButPrivate,
    /// These documents only: a direct link that shares one plan or review.
    Only(BTreeSet<DocumentId>),
}

/// What happened, told to the engine.
#[derive(Debug)]
pub enum Event<'a> {
    /// This side opened a connection: it will say hello.
    Connected {
        connection: ConnectionId,
    },
    /// The other side opened a connection to us: we wait for its hello.
    Accepted {
        connection: ConnectionId,
    },
    Received {
        connection: ConnectionId,
        bytes: &'a [u8],
    },
    Closed {
        connection: ConnectionId,
    },
    /// A document changed here (an edit, an import): tell the peers.
    Changed {
        document: DocumentId,
    },
    /// Tell everyone looking at `document` something that is not kept (presence): an
    /// `ephemeral` message to every peer, which relays pass on.
    Broadcast {
        document: DocumentId,
        data: &'a [u8],
    },
}

/// What the engine wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Send {
        connection: ConnectionId,
        bytes: Vec<u8>,
    },
    /// Close this connection (and only this one), for `reason`.
    Close {
        connection: ConnectionId,
        reason: String,
    },
    /// The handshake finished: `peer` is on the other end.
    PeerReady {
        connection: ConnectionId,
        peer: PeerId,
        metadata: PeerMetadata,
    },
    /// Sync brought changes into this document: save it and show them.
    Updated { document: DocumentId },
    /// The peer does not have this document.
    Unavailable { document: DocumentId, peer: PeerId },
    /// The peer reported a problem after the handshake and kept the connection (a relay
    /// refusing a change over a quota, say); one that is fatal is followed by the peer
    /// closing the connection.
    PeerSaid {
        connection: ConnectionId,
        message: String,
    },
    /// A message for the people looking at this document (presence), not stored.
    Ephemeral {
        document: DocumentId,
        peer: PeerId,
        session: String,
        count: u64,
        data: Vec<u8>,
    },
}

#[derive(Debug)]
enum Connection {
    /// We sent `join` and wait for `peer`.
    Joining,
    /// We wait for the other side's `join`.
    Awaiting,
    Ready {
        peer: PeerId,
    },
}

/// The protocol state of this peer.
pub struct Engine {
    peer_id: PeerId,
    metadata: PeerMetadata,
    max_message_bytes: usize,
    connections: HashMap<ConnectionId, Connection>,
    /// One sync state per (peer, document), kept across reconnects.
    sync_states: HashMap<(PeerId, DocumentId), DocumentSyncState>,
    /// Documents a peer said it does not have (no point offering until it asks).
    unavailable: BTreeSet<(PeerId, DocumentId)>,
    /// What each connection carries; a connection not named here carries everything.
    scopes: HashMap<ConnectionId, Scope>,
    /// Documents that never travel on an [`Scope::AllButPrivate`] connection.
    private: BTreeSet<DocumentId>,
    /// Documents a connection carries whose changes it may not send: the other side's
    /// person may read them, not change them. A sync message carrying changes to one is
    /// dropped (the other side told once, `told_read_only`).
    read_only: HashMap<ConnectionId, BTreeSet<DocumentId>>,
    told_read_only: BTreeSet<(ConnectionId, DocumentId)>,
    /// Documents whose changes from a connection are checked part by part (reviews,
    /// check-in series, asked feedback), with the capacity the other side's person
    /// writes each in (`check_parts`). Once a sync message's changes are not theirs to
    /// make, the document is read-only on that connection (the other side told why).
    checked_parts:
        HashMap<ConnectionId, (crate::model::PersonId, BTreeMap<DocumentId, PartWriter>)>,
    /// How many ephemeral messages this engine has sent (their `count`).
    ephemeral_sent: u64,
    /// The highest `count` seen from each ephemeral session: older or repeated messages
    /// (one that came round by two paths) are dropped.
    ephemeral_seen: HashMap<String, u64>,
}

impl Engine {
    pub fn new(peer_id: PeerId, metadata: PeerMetadata) -> Self {
        Self {
            peer_id,
            metadata,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            connections: HashMap::new(),
            sync_states: HashMap::new(),
            unavailable: BTreeSet::new(),
            scopes: HashMap::new(),
            private: BTreeSet::new(),
            read_only: HashMap::new(),
            told_read_only: BTreeSet::new(),
            checked_parts: HashMap::new(),
            ephemeral_sent: 0,
            ephemeral_seen: HashMap::new(),
        }
    }

    pub fn with_max_message_bytes(mut self, limit: usize) -> Self {
        self.max_message_bytes = limit;
        self
    }

    pub fn peer_id(&self) -> &PeerId {
        &self.peer_id
    }

    /// Limits what `connection` carries (before its `Connected` or `Accepted`; it
    /// holds until the connection closes).
    pub fn set_scope(&mut self, connection: ConnectionId, scope: Scope) {
        self.scopes.insert(connection, scope);
    }

    /// What `connection` is limited to, if anything.
    pub fn scope(&self, connection: ConnectionId) -> Option<Scope> {
        self.scopes.get(&connection).cloned()
    }

    /// Makes `documents` read-only on `connection`: they still travel to the other side,
    /// but changes to them from it are not taken (replacing what was set before).
    pub fn set_read_only(&mut self, connection: ConnectionId, documents: BTreeSet<DocumentId>) {
        if documents.is_empty() {
            self.read_only.remove(&connection);
        } else {
            self.read_only.insert(connection, documents);
        }
    }

    /// Checks changes to `documents` from `connection` part by part, each as written by
    /// `person` in the capacity given (replacing what was set before; nothing is checked
    /// without a person, as in a workspace nobody has claimed).
    pub fn set_checked_parts(
        &mut self,
        connection: ConnectionId,
        person: Option<crate::model::PersonId>,
        documents: BTreeMap<DocumentId, PartWriter>,
    ) {
        match person {
            Some(person) if !documents.is_empty() => {
                self.checked_parts.insert(connection, (person, documents));
            }
            _ => {
                self.checked_parts.remove(&connection);
            }
        }
    }

    /// Who writes, in what capacity, the changes to `document` from `connection`, when
    /// they are checked.
    fn part_writer(
        &self,
        connection: ConnectionId,
        document: &DocumentId,
    ) -> Option<(crate::model::PersonId, PartWriter)> {
        let (person, documents) = self.checked_parts.get(&connection)?;
        documents
            .get(document)
            .map(|writer| (person.clone(), writer.clone()))
    }

    /// Whether changes to `document` are taken from `connection`.
    pub fn takes_changes(&self, connection: ConnectionId, document: &DocumentId) -> bool {
        self.read_only
            .get(&connection)
            .is_none_or(|documents| !documents.contains(document))
    }

    /// Marks `document` as private: it travels only on connections that carry
    /// everything (to this person's own relay), never on a whole-workspace pairing.
    pub fn keep_private(&mut self, document: DocumentId) {
        self.private.insert(document);
    }

    /// Whether `connection` carries `document`.
    pub fn carries(&self, connection: ConnectionId, document: &DocumentId) -> bool {
        match self.scopes.get(&connection) {
            None => true,
            Some(Scope::AllButPrivate) => !self.private.contains(document),
            Some(Scope::Only(documents)) => documents.contains(document),
        }
    }

    /// The peer on the other end of `connection`, once the handshake is done.
    pub fn peer_of(&self, connection: ConnectionId) -> Option<&PeerId> {
        match self.connections.get(&connection) {
            Some(Connection::Ready { peer }) => Some(peer),
            _ => None,
        }
    }

    /// Whether `peer` has everything of `document` that this side has, as far as the
    /// last sync round told us (its heads include ours).
    pub fn in_sync_with(
        &self,
        peer: &PeerId,
        document: &DocumentId,
        docs: &mut impl LentDocuments,
    ) -> bool {
        let Some(state) = self.sync_states.get(&(peer.to_owned(), *document)) else {
            return false;
        };
        let Some(doc) = docs.document(document) else {
            return false;
        };
        let ours = doc.get_heads();
        match &state.their_heads {
            Some(theirs) => ours.iter().all(|h| theirs.contains(h)),
            None => ours.iter().all(|h| state.shared_heads.contains(h)),
        }
    }

    /// How many of this side's changes to `document` `peer` does not have yet, as far as
    /// the last sync round told us; `None` before any round with that peer.
    pub fn changes_missing_at(
        &self,
        peer: &PeerId,
        document: &DocumentId,
        docs: &mut impl LentDocuments,
    ) -> Option<usize> {
        let state = self.sync_states.get(&(peer.to_owned(), *document))?;
        let doc = docs.document(document)?;
        let theirs = state
            .their_heads
            .clone()
            .unwrap_or_else(|| state.shared_heads.clone());
        let ours = doc.get_heads();
        if ours.iter().all(|head| theirs.contains(head)) {
            return Some(0);
        }
        // Their heads may include changes this side has not received yet. Which those are
        // is read from the change graph (`get_missing_deps`), and only the changes' metadata
        // is counted: reading a whole change back out of a large document
        // (`get_change_by_hash`) cost the first edit of a 1,000-objective plan 47 ms.
        let missing = doc.get_missing_deps(&theirs);
        let known: Vec<_> = theirs
            .into_iter()
            .filter(|hash| !missing.contains(hash))
            .collect();
        Some(doc.get_changes_meta(&known).len())
    }

    pub fn handle(&mut self, event: Event<'_>, docs: &mut impl LentDocuments) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Connected { connection } => {
                self.connections.insert(connection, Connection::Joining);
                let join = Message::Join {
                    sender_id: self.peer_id.clone(),
                    metadata: self.metadata.clone(),
                    supported_protocol_versions: vec![PROTOCOL_VERSION.to_owned()],
                };
                effects.push(Effect::Send {
                    connection,
                    bytes: join.encode(),
                });
            }
            Event::Accepted { connection } => {
                self.connections.insert(connection, Connection::Awaiting);
            }
            Event::Received { connection, bytes } => {
                self.received(connection, bytes, docs, &mut effects)
            }
            Event::Closed { connection } => self.forget_connection(connection),
            Event::Broadcast { document, data } => {
                self.ephemeral_sent += 1;
                let count = self.ephemeral_sent;
                // This engine's peer id names its session: it is new on every start.
                let session = self.peer_id.to_string();
                self.send_ephemeral(None, document, &session, count, data, &mut effects);
            }
            Event::Changed { document } => {
                let peers: Vec<(ConnectionId, PeerId)> = self.ready_peers();
                for (connection, peer) in peers {
                    self.unavailable.remove(&(peer.clone(), document));
                    self.offer(connection, &peer, document, docs, &mut effects);
                }
            }
        }
        effects
    }

    /// Sends an ephemeral message of `session` to every ready peer but the one on `except`.
    fn send_ephemeral(
        &self,
        except: Option<ConnectionId>,
        document: DocumentId,
        session: &str,
        count: u64,
        data: &[u8],
        effects: &mut Vec<Effect>,
    ) {
        for (connection, peer) in self.ready_peers() {
            if Some(connection) == except || !self.carries(connection, &document) {
                continue;
            }
            let message = Message::Ephemeral {
                sender_id: self.peer_id.clone(),
                target_id: peer,
                document_id: document.to_string(),
                count,
                session_id: session.to_owned(),
                data: data.to_vec(),
            };
            effects.push(Effect::Send {
                connection,
                bytes: message.encode(),
            });
        }
    }

    fn ready_peers(&self) -> Vec<(ConnectionId, PeerId)> {
        let mut peers: Vec<_> = self
            .connections
            .iter()
            .filter_map(|(id, c)| match c {
                Connection::Ready { peer } => Some((*id, peer.clone())),
                _ => None,
            })
            .collect();
        peers.sort();
        peers
    }

    /// After a disconnect, keep only what both sides surely share (the encoded form of a
    /// sync state); the in-flight parts would make the next session wait forever.
    fn forget_in_flight(&mut self, peer: &PeerId) {
        for ((owner, _), state) in self.sync_states.iter_mut() {
            if owner == peer {
                if let Ok(reset) = DocumentSyncState::decode(&state.encode()) {
                    *state = reset;
                }
            }
        }
    }

    fn received(
        &mut self,
        connection: ConnectionId,
        bytes: &[u8],
        docs: &mut impl LentDocuments,
        effects: &mut Vec<Effect>,
    ) {
        if bytes.len() > self.max_message_bytes {
            return self.close(
                connection,
                format!(
                    "message of {} bytes is over the limit of {}",
                    bytes.len(),
                    self.max_message_bytes
                ),
                effects,
            );
        }
        let message = match Message::decode(bytes) {
            Ok(message) => message,
            Err(error) => return self.close(connection, error.to_string(), effects),
        };
        match (self.connections.get(&connection), message) {
            (None, _) => {}
            (
                Some(Connection::Awaiting),
                Message::Join {
                    sender_id,
                    metadata,
                    supported_protocol_versions,
                },
            ) => {
                if !supported_protocol_versions
                    .iter()
                    .any(|v| v == PROTOCOL_VERSION)
                {
                    let error = Message::Error {
                        message: "unsupported protocol version".into(),
                    };
                    effects.push(Effect::Send {
                        connection,
                        bytes: error.encode(),
                    });
                    return self.close(
                        connection,
                        "the peer speaks no protocol version we know".into(),
                        effects,
                    );
                }
                let reply = Message::Peer {
                    sender_id: self.peer_id.clone(),
                    target_id: sender_id.clone(),
                    metadata: self.metadata.clone(),
                    selected_protocol_version: PROTOCOL_VERSION.to_owned(),
                };
                effects.push(Effect::Send {
                    connection,
                    bytes: reply.encode(),
                });
                self.ready(connection, sender_id, metadata, docs, effects);
            }
            (
                Some(Connection::Joining),
                Message::Peer {
                    sender_id,
                    metadata,
                    selected_protocol_version,
                    ..
                },
            ) => {
                if selected_protocol_version != PROTOCOL_VERSION {
                    return self.close(
                        connection,
                        format!("the peer chose protocol {selected_protocol_version}"),
                        effects,
                    );
                }
                self.ready(connection, sender_id, metadata, docs, effects);
            }
            (Some(Connection::Ready { .. }), Message::Error { message }) => {
                effects.push(Effect::PeerSaid {
                    connection,
                    message,
                });
            }
            (Some(_), Message::Error { message }) => self.close(
                connection,
                format!("the peer reported an error: {message}"),
                effects,
            ),
            (Some(Connection::Ready { peer }), message) => {
                let peer = peer.clone();
                self.handle_peer_message(connection, &peer, message, docs, effects);
            }
            (Some(_), message) => self.close(
                connection,
                format!(
                    "a {} message arrived before the handshake finished",
                    message.kind()
                ),
                effects,
            ),
        }
    }

    fn ready(
        &mut self,
        connection: ConnectionId,
        peer: PeerId,
        metadata: PeerMetadata,
        docs: &mut impl LentDocuments,
        effects: &mut Vec<Effect>,
    ) {
        self.connections
            .insert(connection, Connection::Ready { peer: peer.clone() });
        // What this peer refused on an earlier connection is asked for again: a relay
        // offers nothing of its own accord, and may give now what it refused then (the
        // device proved its key this time, the rules changed meanwhile).
        self.unavailable
            .retain(|(refused_by, _)| *refused_by != peer);
        effects.push(Effect::PeerReady {
            connection,
            peer: peer.clone(),
            metadata,
        });
        let mut ids = docs.ids();
        ids.sort();
        for document in ids {
            self.offer(connection, &peer, document, docs, effects);
        }
    }

    /// Sends the next sync message for `document` to `peer`, if there is one.
    /// The documents some peer said it does not have (or will not give), once each.
    pub fn unavailable_documents(&self) -> Vec<DocumentId> {
        let mut documents: Vec<DocumentId> = self.unavailable.iter().map(|(_, d)| *d).collect();
        documents.sort();
        documents.dedup();
        documents
    }

    fn offer(
        &mut self,
        connection: ConnectionId,
        peer: &PeerId,
        document: DocumentId,
        docs: &mut impl LentDocuments,
        effects: &mut Vec<Effect>,
    ) {
        if self.unavailable.contains(&(peer.to_owned(), document))
            || !self.carries(connection, &document)
        {
            return;
        }
        let Some(doc) = docs.document(&document) else {
            return;
        };
        let read_only = !self.takes_changes(connection, &document);
        let state = self
            .sync_states
            .entry((peer.to_owned(), document))
            .or_default();
        state.set_read_only(read_only);
        if let Some(message) = doc.sync().generate_sync_message(state) {
            let message = Message::Sync {
                sender_id: self.peer_id.clone(),
                target_id: peer.to_owned(),
                document_id: document.to_string(),
                data: message.encode(),
            };
            effects.push(Effect::Send {
                connection,
                bytes: message.encode(),
            });
        }
    }

    fn handle_peer_message(
        &mut self,
        connection: ConnectionId,
        peer: &PeerId,
        message: Message,
        docs: &mut impl LentDocuments,
        effects: &mut Vec<Effect>,
    ) {
        match message {
            Message::Sync {
                document_id, data, ..
            }
            | Message::Request {
                document_id, data, ..
            } => {
                let Ok(document) = document_id.parse::<DocumentId>() else {
                    return self.close(
                        connection,
                        format!("\"{document_id}\" is not a document id"),
                        effects,
                    );
                };
                let outside = !self.carries(connection, &document);
                let Some(doc) = docs.document(&document).filter(|_| !outside) else {
                    // Only documents a peer asks for by id are ever served; this side does
                    // not have this one (or does not share it on this connection).
                    let reply = Message::DocUnavailable {
                        sender_id: self.peer_id.clone(),
                        target_id: peer.to_owned(),
                        document_id,
                    };
                    effects.push(Effect::Send {
                        connection,
                        bytes: reply.encode(),
                    });
                    return;
                };
                let sync_message = match SyncMessage::decode(&data) {
                    Ok(message) => message,
                    Err(error) => {
                        return self.close(
                            connection,
                            format!("a sync message could not be read: {error}"),
                            effects,
                        )
                    }
                };
                let mut read_only = !self.takes_changes(connection, &document);
                let writer = self.part_writer(connection, &document);
                if let Some((person, writes_as)) =
                    writer.filter(|_| !read_only && !sync_message.changes.is_empty())
                {
                    let chunks: Vec<&[u8]> = sync_message.changes.iter().collect();
                    if let Err(why) = check_parts(doc.document(), &[], &chunks, &person, &writes_as)
                    {
                        // Not theirs to make: from now on this connection's changes to the
                        // document are not taken (until the rules are set again, which asks
                        // for them afresh). Dropping just this message instead would leave
                        // the changes after it waiting on it, asked for again and again.
                        self.read_only
                            .entry(connection)
                            .or_default()
                            .insert(document);
                        self.told_read_only.insert((connection, document));
                        let said = Message::Error {
                            message: format!("changes to {document} were not taken: {why}"),
                        };
                        effects.push(Effect::Send {
                            connection,
                            bytes: said.encode(),
                        });
                        read_only = true;
                    }
                }
                if read_only
                    && !sync_message.changes.is_empty()
                    && self.told_read_only.insert((connection, document))
                {
                    // An honest peer sends none (our messages say we are read-only);
                    // one that does is told once, so its device can show why.
                    let said = Message::Error {
                        message: format!(
                            "changes to {document} were not taken: your person may read it, not change it"
                        ),
                    };
                    effects.push(Effect::Send {
                        connection,
                        bytes: said.encode(),
                    });
                }
                self.unavailable.remove(&(peer.to_owned(), document));
                let state = self
                    .sync_states
                    .entry((peer.to_owned(), document))
                    .or_default();
                // Automerge's read-only sync: their changes are neither applied nor asked
                // for, and lifting it asks them to send again what was ignored.
                state.set_read_only(read_only);
                let before = doc.get_heads();
                if let Err(error) = doc.sync().receive_sync_message(state, sync_message) {
                    return self.close(
                        connection,
                        format!("a sync message could not be applied: {error}"),
                        effects,
                    );
                }
                if doc.get_heads() != before {
                    effects.push(Effect::Updated { document });
                    // Other peers learn of the new changes too.
                    for (other, other_peer) in self.ready_peers() {
                        if other != connection {
                            self.offer(other, &other_peer, document, docs, effects);
                        }
                    }
                }
                self.offer(connection, peer, document, docs, effects);
            }
            Message::DocUnavailable { document_id, .. } => {
                if let Ok(document) = document_id.parse::<DocumentId>() {
                    self.unavailable.insert((peer.to_owned(), document));
                    effects.push(Effect::Unavailable {
                        document,
                        peer: peer.to_owned(),
                    });
                }
            }
            Message::Ephemeral {
                document_id,
                session_id,
                count,
                data,
                ..
            } => {
                let Ok(document) = document_id.parse::<DocumentId>() else {
                    return;
                };
                if !self.carries(connection, &document)
                    || session_id == self.peer_id.as_str()
                    || self
                        .ephemeral_seen
                        .get(&session_id)
                        .is_some_and(|seen| count <= *seen)
                {
                    return;
                }
                self.ephemeral_seen.insert(session_id.clone(), count);
                // Passed on to the other peers, so presence crosses a chain of devices.
                self.send_ephemeral(
                    Some(connection),
                    document,
                    &session_id,
                    count,
                    &data,
                    effects,
                );
                effects.push(Effect::Ephemeral {
                    document,
                    peer: peer.to_owned(),
                    session: session_id,
                    count,
                    data,
                });
            }
            Message::Join { .. } | Message::Peer { .. } => self.close(
                connection,
                "a second handshake on one connection".into(),
                effects,
            ),
            Message::Error { .. } | Message::Other { .. } => {}
        }
    }

    fn close(&mut self, connection: ConnectionId, reason: String, effects: &mut Vec<Effect>) {
        self.forget_connection(connection);
        effects.push(Effect::Close { connection, reason });
    }

    /// Forgets what was kept for `connection` (closed by either side).
    fn forget_connection(&mut self, connection: ConnectionId) {
        self.scopes.remove(&connection);
        self.read_only.remove(&connection);
        self.told_read_only.retain(|(c, _)| *c != connection);
        self.checked_parts.remove(&connection);
        if let Some(Connection::Ready { peer }) = self.connections.remove(&connection) {
            self.forget_in_flight(&peer);
        }
    }
}
