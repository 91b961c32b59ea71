//! What a peer may send on one sync connection, checked before samod sees it, so that a
//! bad message gets an `error` message saying what was wrong (samod alone would only
//! drop the connection) and never reaches storage.
//!
//! A connection's first message is its `join`, and there is only one. Every later message
//! but an ephemeral one (passed on under its originator's id) comes from the peer that
//! joined; every message has a type of protocol version 1, and, when it
//! carries Automerge sync data, that data reads as a sync message. A connection also names
//! at most `max_documents` distinct documents. A message that passes is given its
//! [`Kind`], which says whether it is an acknowledgement the relay may hold (see
//! `acknowledgements`).
//!
//! ```
//! use throughline_relay::inbound::Inbound;
//! let mut inbound = Inbound::new(10);
//! assert!(inbound.check(b"\xff not a message").is_err());
//! ```

use std::collections::HashSet;

use minicbor::data::Type;
use minicbor::Decoder;

use crate::acknowledgements::{carries_nothing_new, Kind};

/// The message types of automerge-repo's protocol version 1.
const KNOWN_TYPES: [&str; 9] = [
    "join",
    "peer",
    "request",
    "sync",
    "doc-unavailable",
    "ephemeral",
    "error",
    "remote-subscription-change",
    "remote-heads-changed",
];

/// Why a message was refused: said to the peer in an `error` message, then the
/// connection is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a message at all, or one that breaks the protocol.
    Malformed(String),
    /// One document more than the connection may name.
    TooManyDocuments(usize),
    /// A message larger than the relay takes.
    TooLarge { bytes: usize, limit: usize },
    /// An ephemeral message a proven peer sent under another peer's id: dropped, the
    /// connection stays (a device passes on what it heard from its direct links).
    AnotherPeersId,
    /// More messages than a connection may send a second (its budget spent).
    TooFast(u32),
}

impl Refused {
    /// Whether the connection is closed for it (or only the message dropped).
    pub fn closes(&self) -> bool {
        !matches!(self, Refused::AnotherPeersId)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Malformed(why) => write!(f, "{why}"),
            Refused::TooManyDocuments(max) => write!(
                f,
                "this relay syncs at most {max} documents on one connection"
            ),
            Refused::TooLarge { bytes, limit } => write!(
                f,
                "a message of {bytes} bytes is over this relay's limit of {limit} bytes"
            ),
            Refused::AnotherPeersId => {
                write!(f, "an ephemeral message under another peer's id")
            }
            Refused::TooFast(per_second) => write!(
                f,
                "this device sends more than this relay takes ({per_second} messages a second); it may connect again and go on"
            ),
        }
    }
}

/// The top-level fields the checks need.
#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender: Option<String>,
    document: Option<String>,
    data: Option<Vec<u8>>,
}

/// One connection's state: who joined, the documents named so far, and those whose last
/// `sync` message to the peer carried changes.
pub struct Inbound {
    joined: Option<String>,
    /// The peer id the connection proved (`auth`), if it proved one.
    proven: Option<String>,
    documents: HashSet<String>,
    max_documents: usize,
    changes_sent: HashSet<String>,
}

impl Inbound {
    pub fn new(max_documents: usize) -> Self {
        Self {
            joined: None,
            proven: None,
            documents: HashSet::new(),
            max_documents,
            changes_sent: HashSet::new(),
        }
    }

    /// A connection that proved it is `peer`: it joins as `peer` only, and speaks under
    /// no other id. (One that proved nothing may not take an id of the proven kind.)
    pub fn proven_as(mut self, peer: Option<String>) -> Self {
        self.proven = peer;
        self
    }

    /// The peer id the connection joined with, once it has.
    pub fn joined(&self) -> Option<&str> {
        self.joined.as_deref()
    }

    /// Notes a `sync` message sent to the peer for `document`, and whether it carried
    /// changes: the peer's answer that carries nothing is then an acknowledgement.
    pub fn sent(&mut self, document: &str, carried_changes: bool) {
        if carried_changes {
            // Called for every message sent: allocate only for a document new to the set.
            if !self.changes_sent.contains(document) {
                self.changes_sent.insert(document.to_owned());
            }
        } else {
            self.changes_sent.remove(document);
        }
    }

    /// Checks the next message from the peer, and says what kind it is.
    pub fn check(&mut self, bytes: &[u8]) -> Result<Kind, Refused> {
        let malformed = |why: &str| Refused::Malformed(why.to_owned());
        let fields = read(bytes).map_err(|why| malformed(&why))?;
        let kind = fields
            .kind
            .ok_or_else(|| malformed("the message has no \"type\""))?;
        if !KNOWN_TYPES.contains(&kind.as_str()) {
            return Err(Refused::Malformed(format!(
                "\"{kind}\" is not a message type of protocol version 1"
            )));
        }
        if kind == "error" && self.joined.is_some() {
            // The peer says what it found wrong; samod closes the connection for it.
            return Ok(Kind::Other(None));
        }
        let sender = fields
            .sender
            .ok_or_else(|| Refused::Malformed(format!("a {kind} message has no \"senderId\"")))?;
        match (&self.joined, kind.as_str()) {
            (None, "join") => {
                if crate::database_peer::is_database_peer(&sender) {
                    return Err(malformed(
                        "this peer id is reserved for the relay's own peer",
                    ));
                }
                match &self.proven {
                    Some(proven) if *proven != sender => {
                        return Err(malformed(
                            "the join names another peer id than the one the connection proved",
                        ))
                    }
                    None if throughline::sync::relay_proof::is_proven_peer_id(&sender) => {
                        return Err(malformed(
                            "this peer id is for a device that proves its key when it connects",
                        ))
                    }
                    _ => {}
                }
                self.joined = Some(sender);
                return Ok(Kind::Other(None));
            }
            (None, _) => {
                return Err(Refused::Malformed(format!(
                    "a {kind} message before the join"
                )))
            }
            (Some(_), "join") => return Err(malformed("a second join on one connection")),
            // A proven peer speaks only under its own id.
            (Some(joined), "ephemeral") if *joined != sender && self.proven.is_some() => {
                return Err(Refused::AnotherPeersId)
            }
            // An ephemeral message keeps its originator's id as it is passed on.
            (Some(joined), kind) if *joined != sender && kind != "ephemeral" => {
                return Err(malformed(
                    "a message from another peer than the one that joined",
                ))
            }
            _ => {}
        }
        let mut carries_nothing = false;
        if matches!(kind.as_str(), "sync" | "request") {
            let data = fields
                .data
                .ok_or_else(|| Refused::Malformed(format!("a {kind} message has no \"data\"")))?;
            match automerge::sync::Message::decode(&data) {
                Ok(message) => carries_nothing = kind == "sync" && carries_nothing_new(&message),
                Err(error) => {
                    return Err(Refused::Malformed(format!(
                        "the {kind} message's data is not an Automerge sync message ({error})"
                    )))
                }
            }
        }
        if let Some(document) = &fields.document {
            if !self.documents.contains(document) {
                if self.documents.len() >= self.max_documents {
                    return Err(Refused::TooManyDocuments(self.max_documents));
                }
                self.documents.insert(document.clone());
            }
        }
        Ok(match (fields.document, kind.as_str()) {
            // Only an answer to changes: a peer's message that opens a sync, or answers the
            // relay's heads and summary, is what the relay waits for to go on.
            (Some(document), "sync")
                if carries_nothing && self.changes_sent.contains(&document) =>
            {
                Kind::Acknowledgement(document)
            }
            (Some(document), "sync" | "request") => Kind::Sync(document),
            (document, _) => Kind::Other(document),
        })
    }
}

/// The Automerge sync data a message carries, if it reads and carries any.
pub fn sync_data(bytes: &[u8]) -> Option<Vec<u8>> {
    read(bytes).ok()?.data
}

/// Reads the top level of a message: a CBOR map with text keys, of which `type`,
/// `senderId` and `documentId` must be text and `data` bytes when present.
fn read(bytes: &[u8]) -> Result<Fields, String> {
    let not_cbor = |_| "the message is not valid CBOR".to_owned();
    let mut d = Decoder::new(bytes);
    if d.datatype().map_err(not_cbor)? != Type::Map {
        return Err("the message is not a CBOR map".into());
    }
    let entries = d.map().map_err(not_cbor)?;
    let mut fields = Fields::default();
    let mut seen = 0u64;
    loop {
        match entries {
            Some(n) if seen == n => break,
            None if d.datatype().map_err(not_cbor)? == Type::Break => {
                d.skip().map_err(not_cbor)?;
                break;
            }
            _ => {}
        }
        seen += 1;
        let key = d
            .str()
            .map_err(|_| "a key of the message is not text".to_owned())?;
        let text = |d: &mut Decoder<'_>| {
            d.str()
                .map(str::to_owned)
                .map_err(|_| format!("\"{key}\" is not text"))
        };
        match key {
            "type" => fields.kind = Some(text(&mut d)?),
            "senderId" => fields.sender = Some(text(&mut d)?),
            "documentId" => fields.document = Some(text(&mut d)?),
            "data" => {
                fields.data = Some(
                    d.bytes()
                        .map_err(|_| "\"data\" is not a byte string".to_owned())?
                        .to_vec(),
                )
            }
            _ => d.skip().map_err(not_cbor)?,
        }
    }
    if d.position() != bytes.len() {
        return Err("the message has bytes after its end".into());
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::{Inbound, Refused};

    fn message(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(entries.len() as u64).unwrap();
        for (key, value) in entries {
            e.str(key).unwrap().str(value).unwrap();
        }
        e.into_writer()
    }

    #[test]
    fn a_join_first_then_messages_from_that_peer() {
        let mut inbound = Inbound::new(1);
        let ephemeral = message(&[
            ("type", "ephemeral"),
            ("senderId", "a"),
            ("documentId", "d1"),
        ]);
        assert!(
            matches!(inbound.check(&ephemeral), Err(Refused::Malformed(why)) if why.contains("before the join"))
        );
        inbound
            .check(&message(&[("type", "join"), ("senderId", "a")]))
            .unwrap();
        inbound.check(&ephemeral).unwrap();
        // Passed on from another peer: allowed. Document data in another's name: not.
        let passed_on = message(&[
            ("type", "ephemeral"),
            ("senderId", "b"),
            ("documentId", "d1"),
        ]);
        inbound.check(&passed_on).unwrap();
        let other = message(&[
            ("type", "doc-unavailable"),
            ("senderId", "b"),
            ("documentId", "d1"),
        ]);
        assert!(inbound.check(&other).is_err());
        let second = message(&[
            ("type", "ephemeral"),
            ("senderId", "a"),
            ("documentId", "d2"),
        ]);
        assert_eq!(inbound.check(&second), Err(Refused::TooManyDocuments(1)));
        let shout = message(&[("type", "shout"), ("senderId", "a")]);
        assert!(inbound.check(&shout).is_err());
        let join = message(&[("type", "join"), ("senderId", "a")]);
        assert!(inbound.check(&join).is_err());
    }

    #[test]
    fn no_client_joins_as_the_relay_s_own_database_peer() {
        let mut inbound = Inbound::new(1);
        let join = message(&[
            ("type", "join"),
            (
                "senderId",
                "throughline-instances-00112233445566778899aabbccddeeff",
            ),
        ]);
        assert!(
            matches!(inbound.check(&join), Err(Refused::Malformed(why)) if why.contains("reserved"))
        );
        assert!(inbound.joined().is_none());
    }

    /// A `sync` message from peer `a` for document `d` with `data`.
    fn sync(data: &[u8]) -> Vec<u8> {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(4).unwrap();
        e.str("type").unwrap().str("sync").unwrap();
        e.str("senderId").unwrap().str("a").unwrap();
        e.str("documentId").unwrap().str("d").unwrap();
        e.str("data").unwrap().bytes(data).unwrap();
        e.into_writer()
    }

    #[test]
    fn only_a_message_answering_changes_with_nothing_is_an_acknowledgement() {
        use crate::acknowledgements::Kind;
        use automerge::sync::SyncDoc;
        use automerge::transaction::Transactable;
        let mut inbound = Inbound::new(10);
        inbound
            .check(&message(&[("type", "join"), ("senderId", "a")]))
            .unwrap();
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "title", "Plan").unwrap();
        doc.commit();
        let mut state = automerge::sync::State::new();
        let opening = doc.sync().generate_sync_message(&mut state).unwrap();
        assert!(
            opening.changes.is_empty(),
            "an opening message carries heads only"
        );
        let opening = sync(&opening.encode());
        // Opening a sync, or answering the relay's heads: passed at once.
        assert_eq!(inbound.check(&opening), Ok(Kind::Sync("d".into())));
        inbound.sent("d", false);
        assert_eq!(inbound.check(&opening), Ok(Kind::Sync("d".into())));
        // After the relay sent changes, the same carries nothing new: an acknowledgement.
        inbound.sent("d", true);
        assert_eq!(
            inbound.check(&opening),
            Ok(Kind::Acknowledgement("d".into()))
        );
        // A message with changes is never one.
        let mut fresh = automerge::sync::State::new();
        let mut empty = automerge::AutoCommit::new();
        let ask = empty.sync().generate_sync_message(&mut fresh).unwrap();
        doc.sync().receive_sync_message(&mut state, ask).unwrap();
        let changes = doc.sync().generate_sync_message(&mut state).unwrap();
        assert!(!changes.changes.is_empty());
        assert_eq!(
            inbound.check(&sync(&changes.encode())),
            Ok(Kind::Sync("d".into()))
        );
    }

    #[test]
    fn sync_data_must_read_as_a_sync_message() {
        let mut inbound = Inbound::new(10);
        inbound
            .check(&message(&[("type", "join"), ("senderId", "a")]))
            .unwrap();
        let refused = inbound.check(&sync(&[0x42, 0x01]));
        assert!(
            matches!(refused, Err(Refused::Malformed(why)) if why.contains("not an Automerge sync message"))
        );
    }
}
