//! The sync client's input path: bytes from a peer decoded as a message, and the same
//! bytes fed to an engine past its handshake. Nothing may panic; a bad message closes
//! its connection.
#![no_main]

use std::collections::HashMap;

use automerge::AutoCommit;
use libfuzzer_sys::fuzz_target;
use throughline::store::DocumentId;
use throughline::sync::{Engine, Event, Message, PeerMetadata};

fuzz_target!(|data: &[u8]| {
    let _ = Message::decode(data);
    let mut engine = Engine::new("client".into(), PeerMetadata::default());
    let mut docs: HashMap<DocumentId, AutoCommit> = HashMap::new();
    docs.insert(DocumentId::random(), AutoCommit::new());
    let _ = engine.handle(Event::Connected { connection: 1 }, &mut docs);
    let peer = Message::Peer {
        sender_id: "relay".into(),
        target_id: "client".into(),
        metadata: PeerMetadata::default(),
        selected_protocol_version: "1".into(),
    }
    .encode();
    let _ = engine.handle(
        Event::Received {
            connection: 1,
            bytes: &peer,
        },
        &mut docs,
    );
    let _ = engine.handle(
        Event::Received {
            connection: 1,
            bytes: data,
        },
        &mut docs,
    );
});
