//! The sans-IO sync engine and its wire messages: engines talking to each other through
//! an in-memory "network", converging, surviving bad input and reconnects.

use std::collections::{HashMap, VecDeque};

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use minicbor::Encoder;
use throughline::store::DocumentId;
use throughline::sync::{
    Backoff, Effect, Engine, Event, LentDocuments, Message, MessageError, PeerMetadata, Scope,
};

fn roundtrip(message: Message) {
    assert_eq!(Message::decode(&message.encode()), Ok(message));
}

#[test]
fn every_message_survives_encoding() {
    let metadata = PeerMetadata {
        storage_id: Some("storage-1".into()),
        is_ephemeral: false,
    };
    roundtrip(Message::Join {
        sender_id: "peer-a".into(),
        metadata: metadata.clone(),
        supported_protocol_versions: vec!["1".into()],
    });
    roundtrip(Message::Peer {
        sender_id: "relay".into(),
        target_id: "peer-a".into(),
        metadata: PeerMetadata {
            storage_id: None,
            is_ephemeral: true,
        },
        selected_protocol_version: "1".into(),
    });
    for kind in ["request", "sync"] {
        let (sender_id, target_id, document_id, data) = (
            "a".into(),
            "b".into(),
            DocumentId::random().to_string(),
            vec![0x42, 1, 2],
        );
        roundtrip(if kind == "sync" {
            Message::Sync {
                sender_id,
                target_id,
                document_id,
                data,
            }
        } else {
            Message::Request {
                sender_id,
                target_id,
                document_id,
                data,
            }
        });
    }
    roundtrip(Message::DocUnavailable {
        sender_id: "a".into(),
        target_id: "b".into(),
        document_id: "x".into(),
    });
    roundtrip(Message::Ephemeral {
        sender_id: "a".into(),
        target_id: "b".into(),
        document_id: "x".into(),
        count: 7,
        session_id: "s".into(),
        data: vec![0xa0],
    });
    roundtrip(Message::Error {
        message: "bad".into(),
    });
}

#[test]
fn messages_from_javascript_peers_are_read_as_they_come() {
    // A count sent as a float, `metadata` instead of `peerMetadata`, and a key we do not know.
    let mut bytes = Vec::new();
    let mut e = Encoder::new(&mut bytes);
    e.map(8).unwrap();
    e.str("type").unwrap().str("ephemeral").unwrap();
    e.str("senderId").unwrap().str("peer-js").unwrap();
    e.str("targetId").unwrap().str("peer-rs").unwrap();
    e.str("documentId").unwrap().str("doc").unwrap();
    e.str("count").unwrap().f64(3.0).unwrap();
    e.str("sessionId").unwrap().str("session").unwrap();
    e.str("data").unwrap().bytes(&[1, 2]).unwrap();
    e.str("somethingNew")
        .unwrap()
        .array(1)
        .unwrap()
        .u8(1)
        .unwrap();
    match Message::decode(&bytes).unwrap() {
        Message::Ephemeral { count, .. } => assert_eq!(count, 3),
        other => panic!("{other:?}"),
    }

    let mut bytes = Vec::new();
    let mut e = Encoder::new(&mut bytes);
    e.map(4).unwrap();
    e.str("type").unwrap().str("join").unwrap();
    e.str("senderId").unwrap().str("peer-js").unwrap();
    e.str("metadata")
        .unwrap()
        .map(1)
        .unwrap()
        .str("isEphemeral")
        .unwrap()
        .bool(true)
        .unwrap();
    e.str("supportedProtocolVersions")
        .unwrap()
        .array(1)
        .unwrap()
        .str("1")
        .unwrap();
    match Message::decode(&bytes).unwrap() {
        Message::Join { metadata, .. } => assert!(metadata.is_ephemeral),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_bytes_are_refused_with_a_reason() {
    assert!(matches!(
        Message::decode(b"\xff\x00garbage"),
        Err(MessageError::NotCbor(_) | MessageError::NotAMap)
    ));
    assert_eq!(Message::decode(&[0x80]), Err(MessageError::NotAMap)); // an empty array
    let no_type = {
        let mut b = Vec::new();
        Encoder::new(&mut b).map(0).unwrap();
        b
    };
    assert_eq!(Message::decode(&no_type), Err(MessageError::NoType));
    let sync_without_data = {
        let mut b = Vec::new();
        let mut e = Encoder::new(&mut b);
        e.map(4)
            .unwrap()
            .str("type")
            .unwrap()
            .str("sync")
            .unwrap()
            .str("senderId")
            .unwrap()
            .str("a")
            .unwrap();
        e.str("targetId")
            .unwrap()
            .str("b")
            .unwrap()
            .str("documentId")
            .unwrap()
            .str("d")
            .unwrap();
        b
    };
    assert_eq!(
        Message::decode(&sync_without_data),
        Err(MessageError::Missing {
            kind: "sync".into(),
            field: "data"
        })
    );
    let mut trailing = Message::Error {
        message: "x".into(),
    }
    .encode();
    trailing.push(0);
    assert!(matches!(
        Message::decode(&trailing),
        Err(MessageError::NotCbor(_))
    ));
    let wrong_type = {
        let mut b = Vec::new();
        Encoder::new(&mut b)
            .map(2)
            .unwrap()
            .str("type")
            .unwrap()
            .str("join")
            .unwrap()
            .str("senderId")
            .unwrap()
            .u8(5)
            .unwrap();
        b
    };
    assert_eq!(
        Message::decode(&wrong_type),
        Err(MessageError::WrongType("senderId".into()))
    );
}

/// One peer: its engine and its documents.
struct Peer {
    engine: Engine,
    docs: HashMap<DocumentId, AutoCommit>,
    updated: Vec<DocumentId>,
    closed: Vec<(u64, String)>,
    unavailable: Vec<DocumentId>,
    /// What the other side reported without closing (an `error` after the handshake).
    said: Vec<String>,
    /// Ephemeral messages received: (session, data).
    heard: Vec<(String, Vec<u8>)>,
}

impl Peer {
    fn new(name: &str) -> Self {
        Self {
            engine: Engine::new(name.into(), PeerMetadata::default()),
            docs: HashMap::new(),
            updated: Vec::new(),
            closed: Vec::new(),
            unavailable: Vec::new(),
            said: Vec::new(),
            heard: Vec::new(),
        }
    }

    fn text(&mut self, document: DocumentId) -> String {
        let doc = self.docs.document(&document).unwrap();
        doc.get(ROOT, "text")
            .unwrap()
            .and_then(|(v, _)| v.into_string().ok())
            .unwrap_or_default()
    }
}

/// An in-memory network of peers joined by links `(peer, connection) <-> (peer, connection)`.
struct Network {
    peers: Vec<Peer>,
    links: HashMap<(usize, u64), (usize, u64)>,
    queue: VecDeque<(usize, u64, Vec<u8>)>,
    /// Bytes delivered so far.
    bytes: usize,
}

impl Network {
    fn new(names: &[&str]) -> Self {
        Self {
            peers: names.iter().map(|n| Peer::new(n)).collect(),
            links: HashMap::new(),
            queue: VecDeque::new(),
            bytes: 0,
        }
    }

    /// `client` connects to `server`; each end's connection id is `id`.
    fn connect(&mut self, client: usize, server: usize, id: u64) {
        self.links.insert((client, id), (server, id));
        self.links.insert((server, id), (client, id));
        self.event(server, Event::Accepted { connection: id });
        self.event(client, Event::Connected { connection: id });
    }

    fn disconnect(&mut self, a: usize, b: usize, id: u64) {
        self.links.remove(&(a, id));
        self.links.remove(&(b, id));
        self.event(a, Event::Closed { connection: id });
        self.event(b, Event::Closed { connection: id });
    }

    fn event(&mut self, peer: usize, event: Event<'_>) {
        let p = &mut self.peers[peer];
        let effects = p.engine.handle(event, &mut p.docs);
        self.apply(peer, effects);
    }

    fn apply(&mut self, peer: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { connection, bytes } => {
                    if let Some(&(to, their_connection)) = self.links.get(&(peer, connection)) {
                        self.queue.push_back((to, their_connection, bytes));
                    }
                }
                Effect::Close { connection, reason } => {
                    self.peers[peer].closed.push((connection, reason));
                    if let Some((to, theirs)) = self.links.remove(&(peer, connection)) {
                        self.links.remove(&(to, theirs));
                        self.event(to, Event::Closed { connection: theirs });
                    }
                }
                Effect::Updated { document } => self.peers[peer].updated.push(document),
                Effect::Unavailable { document, .. } => self.peers[peer].unavailable.push(document),
                Effect::Ephemeral { session, data, .. } => {
                    self.peers[peer].heard.push((session, data))
                }
                Effect::PeerSaid { message, .. } => self.peers[peer].said.push(message),
                Effect::PeerReady { .. } => {}
            }
        }
    }

    /// Delivers messages until none are left; a sync that never settles fails the test.
    fn settle(&mut self) -> usize {
        let mut delivered = 0;
        while let Some((to, connection, bytes)) = self.queue.pop_front() {
            delivered += 1;
            self.bytes += bytes.len();
            assert!(
                delivered < 10_000,
                "the peers never stopped talking (a sync loop)"
            );
            self.event(
                to,
                Event::Received {
                    connection,
                    bytes: &bytes,
                },
            );
        }
        delivered
    }

    fn edit(&mut self, peer: usize, document: DocumentId, text: &str) {
        let doc = self.peers[peer].docs.entry(document).or_default();
        doc.put(ROOT, "text", text).unwrap();
        doc.put(ROOT, format!("by-{peer}-{text}"), true).unwrap();
        doc.commit();
        self.event(peer, Event::Changed { document });
    }

    fn same(&mut self, a: usize, b: usize, document: DocumentId) -> bool {
        let heads_a = self.peers[a]
            .docs
            .document(&document)
            .map(|d| d.get_heads());
        let heads_b = self.peers[b]
            .docs
            .document(&document)
            .map(|d| d.get_heads());
        heads_a.is_some() && heads_a == heads_b
    }
}

#[test]
fn an_error_after_the_handshake_is_reported_and_the_connection_kept_until_the_peer_closes() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "kept");
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 1);
    net.settle();
    // The relay says a change was over a quota, and keeps the connection.
    net.queue.push_back((
        0,
        1,
        Message::Error {
            message: "this workspace has used its 2 GB on this relay".into(),
        }
        .encode(),
    ));
    net.settle();
    assert_eq!(
        net.peers[0].said,
        vec!["this workspace has used its 2 GB on this relay".to_owned()]
    );
    assert!(net.peers[0].closed.is_empty(), "the connection stays");
    net.edit(1, document, "still syncing");
    net.settle();
    assert_eq!(net.peers[0].text(document), "still syncing");
    // Before the handshake, an error ends the connection as before.
    let mut early = Network::new(&["client", "relay"]);
    early.links.insert((0, 1), (1, 1));
    early.links.insert((1, 1), (0, 1));
    early.event(0, Event::Connected { connection: 1 });
    early.queue.clear();
    early.queue.push_back((
        0,
        1,
        Message::Error {
            message: "who are you?".into(),
        }
        .encode(),
    ));
    early.settle();
    assert_eq!(early.peers[0].closed.len(), 1);
}

#[test]
fn a_client_and_a_relay_converge_both_ways() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "from the client");
    // A relay keeps a copy of every document a peer asks it to sync.
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 1);
    net.settle();
    assert_eq!(net.peers[1].text(document), "from the client");
    assert!(net.peers[1].updated.contains(&document));

    net.edit(1, document, "from the relay");
    net.settle();
    assert_eq!(net.peers[0].text(document), "from the relay");
    assert!(net.same(0, 1, document));
    let relay_id = net.peers[1].engine.peer_id().clone();
    let peer = &mut net.peers[0];
    assert!(peer
        .engine
        .in_sync_with(&relay_id, &document, &mut peer.docs));
}

#[test]
fn concurrent_edits_on_both_sides_merge() {
    let mut net = Network::new(&["a", "b"]);
    let document = DocumentId::random();
    net.edit(0, document, "start");
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 1);
    net.settle();
    net.edit(0, document, "a's edit");
    net.edit(1, document, "b's edit");
    net.settle();
    assert!(net.same(0, 1, document));
    let doc = net.peers[0].docs.document(&document).unwrap();
    assert!(doc.get(ROOT, "by-0-a's edit").unwrap().is_some());
    assert!(doc.get(ROOT, "by-1-b's edit").unwrap().is_some());
}

#[test]
fn three_peers_in_a_line_converge_through_the_middle() {
    let mut net = Network::new(&["a", "b", "c"]);
    let document = DocumentId::random();
    net.edit(0, document, "from a");
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.peers[2].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 1);
    net.connect(2, 1, 2);
    net.settle();
    assert_eq!(
        net.peers[2].text(document),
        "from a",
        "c got a's edit through b"
    );
    net.edit(2, document, "from c");
    net.settle();
    assert_eq!(net.peers[0].text(document), "from c", "and the other way");
    assert!(net.same(0, 2, document));
}

impl Network {
    /// Like `connect`, with both ends limited to `scope`.
    fn connect_limited(&mut self, client: usize, server: usize, id: u64, scope: Scope) {
        self.peers[client].engine.set_scope(id, scope.clone());
        self.peers[server].engine.set_scope(id, scope);
        self.connect(client, server, id);
    }
}

#[test]
fn a_link_that_shares_one_document_carries_that_one_only() {
    let mut net = Network::new(&["a", "b", "c"]);
    let (review, plan) = (DocumentId::random(), DocumentId::random());
    net.edit(0, review, "the review");
    net.edit(0, plan, "the plan");
    // b has both open (same workspace) and would take anything offered.
    net.peers[1].docs.insert(review, AutoCommit::new());
    net.peers[1].docs.insert(plan, AutoCommit::new());
    net.connect_limited(0, 1, 1, Scope::Only([review].into()));
    net.settle();
    assert_eq!(net.peers[1].text(review), "the review");
    assert_eq!(net.peers[1].text(plan), "", "the plan was not shared");
    assert!(net.peers[0].closed.is_empty() && net.peers[1].closed.is_empty());

    // b keeps its own edits of the plan to itself on this link.
    net.edit(1, plan, "b's plan");
    net.settle();
    assert_eq!(
        net.peers[0].text(plan),
        "the plan",
        "b's plan did not come in"
    );

    // A device whose end carries everything asks a for the plan by id: a refuses as if
    // it did not have it, and takes nothing from it.
    net.peers[2].docs.insert(plan, AutoCommit::new());
    net.peers[0]
        .engine
        .set_scope(3, Scope::Only([review].into()));
    net.connect(2, 0, 3);
    net.settle();
    assert!(net.peers[2].unavailable.contains(&plan));
    assert_eq!(net.peers[2].text(plan), "");
    assert_eq!(net.peers[0].text(plan), "the plan");
    net.disconnect(2, 0, 3);

    // Nor does the plan reach a third device through b, nor does presence on it.
    net.connect(2, 1, 2);
    net.settle();
    net.event(
        0,
        Event::Broadcast {
            document: plan,
            data: b"on the plan",
        },
    );
    net.settle();
    assert!(net.peers[1].heard.is_empty());
    assert_eq!(
        net.peers[2].text(plan),
        "b's plan",
        "c has b's plan, not a's"
    );
}

#[test]
fn a_link_takes_no_changes_to_a_document_the_other_side_may_only_read() {
    // a is Ana's device; b is the device of a manager further up, who reads Ana's review
    // and may not change it. The link carries the review both ways for reading.
    let mut net = Network::new(&["ana", "skip"]);
    let (review, plan) = (DocumentId::random(), DocumentId::random());
    net.edit(0, review, "Ana's review");
    net.edit(0, plan, "the plan");
    net.peers[1].docs.insert(review, AutoCommit::new());
    net.peers[1].docs.insert(plan, AutoCommit::new());
    net.peers[0]
        .engine
        .set_read_only(1, [review].into_iter().collect());
    net.connect(1, 0, 1);
    net.settle();
    assert_eq!(
        net.peers[1].text(review),
        "Ana's review",
        "it still reads it"
    );

    // b's device changes the review: a takes none of it (b's engine, told a is
    // read-only, does not even send it), and the link stays open.
    net.edit(1, review, "rating 5, by the skip manager");
    net.settle();
    assert_eq!(net.peers[0].text(review), "Ana's review");
    assert!(!net.peers[0].updated.contains(&review));
    assert!(net.peers[0].closed.is_empty() && net.peers[1].closed.is_empty());

    // A modified client sends its change anyway, twice: not taken, said once.
    let forged = {
        let doc = net.peers[1].docs.get_mut(&review).unwrap();
        let change = doc.get_last_local_change().unwrap();
        automerge::sync::Message {
            heads: doc.get_heads(),
            need: Vec::new(),
            have: Vec::new(),
            changes: change.raw_bytes().to_vec().into(),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        }
    };
    let bytes = Message::Sync {
        sender_id: "skip".into(),
        target_id: "ana".into(),
        document_id: review.to_string(),
        data: forged.encode(),
    }
    .encode();
    for _ in 0..2 {
        net.queue.push_back((0, 1, bytes.clone()));
        net.settle();
    }
    assert_eq!(net.peers[0].text(review), "Ana's review");
    assert!(!net.peers[0].updated.contains(&review));
    assert_eq!(net.peers[1].said.len(), 1, "{:?}", net.peers[1].said);
    assert!(net.peers[1].said[0].contains("may read it, not change it"));
    assert!(net.peers[0].closed.is_empty() && net.peers[1].closed.is_empty());

    // What b may change still comes in, and a's edits to the review still go out.
    net.edit(1, plan, "b's plan");
    net.settle();
    assert_eq!(net.peers[0].text(plan), "b's plan");
    net.edit(0, review, "Ana's review, revised");
    net.settle();
    // (b's own edit conflicts with it on b: which text shows there is Automerge's pick.)
    let on_b = net.peers[1].docs.get(&review).unwrap();
    assert!(
        on_b.get(ROOT, "by-0-Ana's review, revised")
            .unwrap()
            .is_some(),
        "a's edit reached b"
    );
    assert!(net.same(0, 1, plan));

    // Lifted (the rules changed): its next changes are taken.
    net.peers[0].engine.set_read_only(1, Default::default());
    assert!(net.peers[0].engine.takes_changes(1, &review));
    net.edit(1, review, "now b's to change");
    net.settle();
    assert_eq!(net.peers[0].text(review), "now b's to change");
}

#[test]
fn private_documents_stay_off_whole_workspace_links() {
    let mut net = Network::new(&["laptop", "tablet"]);
    let (workspace, notes) = (DocumentId::random(), DocumentId::random());
    net.edit(0, workspace, "workspace");
    net.edit(0, notes, "my coaching notes");
    net.peers[0].engine.keep_private(notes);
    net.peers[1].docs.insert(workspace, AutoCommit::new());
    net.peers[1].docs.insert(notes, AutoCommit::new());
    net.connect_limited(0, 1, 1, Scope::AllButPrivate);
    net.settle();
    assert_eq!(net.peers[1].text(workspace), "workspace");
    assert_eq!(net.peers[1].text(notes), "");
    // The same document goes to a relay, which carries everything.
    let mut relay = Network::new(&["laptop", "relay"]);
    relay.peers[0] = std::mem::replace(&mut net.peers[0], Peer::new("gone"));
    relay.peers[1].docs.insert(notes, AutoCommit::new());
    relay.connect(0, 1, 7);
    relay.settle();
    assert_eq!(relay.peers[1].text(notes), "my coaching notes");
}

#[test]
fn a_mesh_of_three_merges_concurrent_edits_without_looping() {
    let mut net = Network::new(&["a", "b", "c"]);
    let document = DocumentId::random();
    for peer in 0..3 {
        net.peers[peer].docs.insert(document, AutoCommit::new());
    }
    net.connect_limited(0, 1, 1, Scope::AllButPrivate);
    net.connect_limited(1, 2, 2, Scope::AllButPrivate);
    net.connect_limited(2, 0, 3, Scope::AllButPrivate);
    net.settle();
    net.edit(0, document, "a");
    net.edit(1, document, "b");
    net.edit(2, document, "c");
    net.settle();
    assert!(net.same(0, 1, document) && net.same(1, 2, document));
    let doc = net.peers[2].docs.document(&document).unwrap();
    for who in ["by-0-a", "by-1-b", "by-2-c"] {
        assert!(doc.get(ROOT, who).unwrap().is_some(), "{who} arrived");
    }
    // One link goes; the two ends still converge through the third.
    net.disconnect(2, 0, 3);
    net.edit(0, document, "a again");
    net.settle();
    assert!(net.same(0, 2, document));
}

/// A refusal holds for one connection. A relay may refuse a document on one connection
/// and give it on the next (the device proved its key this time, the rules changed
/// meanwhile), and it never offers a document of its own accord: a device that did not
/// ask again would not receive that document's changes until it next edited it.
#[test]
fn a_new_connection_asks_again_for_what_the_last_one_refused() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "typed offline");
    net.connect(0, 1, 1);
    net.settle();
    assert_eq!(net.peers[0].unavailable, [document]);
    net.disconnect(0, 1, 1);

    net.connect(0, 1, 2);
    net.settle();
    assert_eq!(
        net.peers[0].unavailable,
        [document, document],
        "the new connection asked for the document again"
    );

    // And once the relay holds it, the next connection syncs it.
    net.disconnect(0, 1, 2);
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 3);
    net.settle();
    assert_eq!(net.peers[1].text(document), "typed offline");
}

#[test]
fn a_document_the_other_side_lacks_is_reported_unavailable() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "private");
    net.connect(0, 1, 1);
    net.settle();
    assert_eq!(net.peers[0].unavailable, [document]);
    assert!(
        net.peers[1].docs.is_empty(),
        "nothing is stored for a document nobody asked to keep"
    );
}

#[test]
fn a_malformed_message_closes_that_connection_only() {
    let mut net = Network::new(&["relay", "good", "bad"]);
    let document = DocumentId::random();
    net.peers[0].docs.insert(document, AutoCommit::new());
    net.edit(1, document, "hello");
    net.connect(1, 0, 1);
    net.connect(2, 0, 2);
    net.settle();
    // The bad peer sends garbage after its handshake.
    net.queue.push_back((0, 2, b"\x00\x01 not cbor".to_vec()));
    net.settle();
    assert_eq!(net.peers[0].closed.len(), 1);
    assert_eq!(net.peers[0].closed[0].0, 2);
    // The good connection still syncs.
    net.edit(1, document, "still here");
    net.settle();
    assert_eq!(net.peers[0].text(document), "still here");
}

/// One bad message of each kind, from a peer past its handshake: its connection is closed
/// with a reason, the document is untouched, and the other peer goes on syncing.
#[test]
fn each_kind_of_bad_message_closes_its_connection_and_changes_nothing() {
    let document = DocumentId::random();
    let truncated_sync = {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "text", "a change the relay has never seen")
            .unwrap();
        doc.commit();
        let mut data = doc
            .sync()
            .generate_sync_message(&mut automerge::sync::State::new())
            .unwrap()
            .encode();
        data.truncate(data.len() / 2);
        Message::Sync {
            sender_id: "bad".into(),
            target_id: "relay".into(),
            document_id: document.to_string(),
            data,
        }
        .encode()
    };
    let unknown_type = {
        let mut b = Vec::new();
        let mut e = Encoder::new(&mut b);
        e.map(2).unwrap().str("type").unwrap().str("shout").unwrap();
        e.str("senderId").unwrap().str("bad").unwrap();
        b
    };
    let second_join = Message::Join {
        sender_id: "good".into(),
        metadata: PeerMetadata::default(),
        supported_protocol_versions: vec!["1".into()],
    }
    .encode();
    let cases = [
        (
            "malformed CBOR",
            b"\x1c\x00 not cbor".to_vec(),
            "not a CBOR map",
        ),
        (
            "an unknown message type",
            unknown_type,
            "\"shout\" is not a message type",
        ),
        (
            "a truncated sync message",
            truncated_sync,
            "could not be read",
        ),
        (
            "a second join with another peer's id",
            second_join,
            "second handshake",
        ),
    ];
    for (what, bytes, reason) in cases {
        let mut net = Network::new(&["relay", "good", "bad"]);
        net.peers[0].docs.insert(document, AutoCommit::new());
        net.edit(1, document, "hello");
        net.connect(1, 0, 1);
        net.connect(2, 0, 2);
        net.settle();
        let before = net.peers[0].docs.get_mut(&document).unwrap().get_heads();
        net.queue.push_back((0, 2, bytes));
        net.settle();
        let closed = &net.peers[0].closed;
        assert_eq!(closed.len(), 1, "{what}: one connection closed: {closed:?}");
        assert_eq!(closed[0].0, 2, "{what}: the sender's");
        assert!(closed[0].1.contains(reason), "{what}: {:?}", closed[0].1);
        assert_eq!(
            net.peers[0].docs.get_mut(&document).unwrap().get_heads(),
            before,
            "{what}: the document is unchanged"
        );
        net.edit(1, document, "still here");
        net.settle();
        assert_eq!(net.peers[0].text(document), "still here", "{what}");
    }
}

/// A `sync` for a document this side does not share is how a peer offers a document it
/// has; the answer is `doc-unavailable`, nothing is kept, and the connection stays.
#[test]
fn a_sync_for_a_document_never_asked_for_is_answered_unavailable_and_nothing_kept() {
    let mut net = Network::new(&["client", "relay"]);
    let shared = DocumentId::random();
    net.edit(0, shared, "shared");
    net.peers[1].docs.insert(shared, AutoCommit::new());
    net.connect(0, 1, 1);
    net.settle();
    let stranger = DocumentId::random();
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "text", "pushed").unwrap();
    doc.commit();
    let data = doc
        .sync()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap()
        .encode();
    let unasked = Message::Sync {
        sender_id: "relay".into(),
        target_id: "client".into(),
        document_id: stranger.to_string(),
        data,
    };
    net.queue.push_back((0, 1, unasked.encode()));
    net.settle();
    assert!(
        net.peers[0].docs.document(&stranger).is_none(),
        "nothing kept"
    );
    assert!(net.peers[0].closed.is_empty(), "the connection stays");
    net.edit(0, shared, "after");
    net.settle();
    assert_eq!(net.peers[1].text(shared), "after");
}

#[test]
fn an_oversized_message_is_refused() {
    let mut net = Network::new(&["relay", "client"]);
    net.peers[0].engine =
        Engine::new("relay".into(), PeerMetadata::default()).with_max_message_bytes(1024);
    net.connect(1, 0, 1);
    net.settle();
    let huge = Message::Sync {
        sender_id: "client".into(),
        target_id: "relay".into(),
        document_id: DocumentId::random().to_string(),
        data: vec![0x42; 4096],
    };
    net.queue.push_back((0, 1, huge.encode()));
    net.settle();
    assert!(
        net.peers[0].closed[0].1.contains("over the limit"),
        "{:?}",
        net.peers[0].closed
    );
}

#[test]
fn after_a_reconnect_sync_resumes_without_looping() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "one");
    net.peers[1].docs.insert(document, AutoCommit::new());
    net.connect(0, 1, 1);
    net.settle();
    net.disconnect(0, 1, 1);
    // Offline edits on both sides.
    net.edit(0, document, "client offline");
    net.edit(1, document, "relay meanwhile");
    net.settle();
    net.connect(0, 1, 2);
    let messages = net.settle();
    assert!(net.same(0, 1, document));
    assert!(messages < 50, "resuming took {messages} messages");
}

#[test]
fn the_sync_state_kept_across_a_reconnect_makes_resuming_cheap() {
    // Bytes to resume after a reconnect: with the client's state for the relay kept, or
    // with a client that starts from nothing but its document.
    let resume = |from_scratch: bool| {
        let mut net = Network::new(&["client", "relay"]);
        let document = DocumentId::random();
        for i in 0..2_000 {
            net.edit(0, document, &format!("edit {i}"));
        }
        net.peers[1].docs.insert(document, AutoCommit::new());
        net.connect(0, 1, 1);
        net.settle();
        net.disconnect(0, 1, 1);
        net.edit(1, document, "relay meanwhile");
        net.settle();
        if from_scratch {
            net.peers[0].engine = Engine::new("client".into(), PeerMetadata::default());
        }
        net.bytes = 0;
        net.connect(0, 1, 2);
        net.settle();
        assert!(net.same(0, 1, document));
        net.bytes
    };
    let kept = resume(false);
    let scratch = resume(true);
    assert!(
        kept * 2 < scratch,
        "resuming took {kept} bytes with the kept state, {scratch} from scratch"
    );
}

#[test]
fn the_changes_a_relay_lacks_are_counted_until_they_arrive() {
    let mut net = Network::new(&["client", "relay"]);
    let document = DocumentId::random();
    net.edit(0, document, "first");
    net.peers[1].docs.insert(document, AutoCommit::new());
    let relay_id = net.peers[1].engine.peer_id().clone();
    {
        let peer = &mut net.peers[0];
        assert_eq!(
            peer.engine
                .changes_missing_at(&relay_id, &document, &mut peer.docs),
            None,
            "nothing is known before the first round"
        );
    }
    net.connect(0, 1, 1);
    net.settle();
    let missing = |net: &mut Network| {
        let peer = &mut net.peers[0];
        peer.engine
            .changes_missing_at(&relay_id, &document, &mut peer.docs)
    };
    assert_eq!(missing(&mut net), Some(0));

    // Two edits while the link is down: two changes the relay lacks.
    net.disconnect(0, 1, 1);
    net.edit(0, document, "second");
    net.edit(0, document, "third");
    assert_eq!(missing(&mut net), Some(2));
    net.connect(0, 1, 2);
    net.settle();
    assert_eq!(missing(&mut net), Some(0));
    assert_eq!(net.peers[1].text(document), "third");
}

#[test]
fn presence_crosses_a_line_of_peers_once_and_is_not_echoed() {
    let mut net = Network::new(&["a", "b", "c"]);
    let document = DocumentId::random();
    for peer in 0..3 {
        net.peers[peer].docs.insert(document, AutoCommit::new());
    }
    net.connect(0, 1, 1);
    net.connect(2, 1, 2);
    // A triangle as well: c also reaches a directly, so a's message reaches c twice.
    net.connect(2, 0, 3);
    net.settle();
    net.event(
        0,
        Event::Broadcast {
            document,
            data: b"ana is here",
        },
    );
    net.settle();
    let heard = |net: &Network, peer: usize| net.peers[peer].heard.clone();
    assert_eq!(
        heard(&net, 1),
        vec![("a".to_owned(), b"ana is here".to_vec())]
    );
    assert_eq!(
        heard(&net, 2),
        vec![("a".to_owned(), b"ana is here".to_vec())],
        "c hears it once, though it came by two paths"
    );
    assert!(
        heard(&net, 0).is_empty(),
        "a's own message does not come back to it"
    );

    // A newer message from the same session is heard; nothing is stored.
    net.event(
        0,
        Event::Broadcast {
            document,
            data: b"ana left",
        },
    );
    net.settle();
    assert_eq!(heard(&net, 2).last().unwrap().1, b"ana left".to_vec());
    assert_eq!(net.peers[2].text(document), "");
}

#[test]
fn reconnect_waits_double_up_to_thirty_seconds_jittered_by_a_quarter() {
    let mut backoff = Backoff::default();
    let middle: Vec<f64> = (0..8).map(|_| backoff.next_wait_ms(0.5)).collect();
    assert_eq!(
        middle,
        [1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0, 30_000.0]
    );
    backoff.reset();
    assert_eq!(backoff.next_wait_ms(0.0), 750.0, "a quarter sooner at most");
    backoff.reset();
    assert_eq!(
        backoff.next_wait_ms(1.0),
        1_250.0,
        "a quarter later at most"
    );
    // Many devices cut off together spread out instead of coming back at once.
    let waits: Vec<f64> = [0.1, 0.4, 0.7, 0.95]
        .iter()
        .map(|random| Backoff::default().next_wait_ms(*random))
        .collect();
    assert!(waits.windows(2).all(|pair| pair[0] < pair[1]), "{waits:?}");
    assert_eq!(Backoff::default().next_wait_ms(f64::NAN), 1_000.0);
}

/// Changes the review `peer` holds as `change` says, as that device's app would.
fn change_review(
    net: &mut Network,
    peer: usize,
    document: DocumentId,
    change: impl FnOnce(&mut throughline::model::review::Review),
) {
    let doc = net.peers[peer].docs.get_mut(&document).unwrap();
    let mut review: throughline::model::review::Review = autosurgeon::hydrate(doc).unwrap();
    change(&mut review);
    autosurgeon::reconcile(doc, &review).unwrap();
    doc.commit();
    net.event(peer, Event::Changed { document });
}

fn review_on(
    net: &mut Network,
    peer: usize,
    document: DocumentId,
) -> throughline::model::review::Review {
    autosurgeon::hydrate(net.peers[peer].docs.get(&document).unwrap()).unwrap()
}

#[test]
fn a_link_takes_of_a_review_only_the_parts_of_the_person_at_the_other_end() {
    use throughline::model::part_check::PartWriter;
    use throughline::model::review::{Capacity, Review, ReviewSetup};
    use throughline::model::PersonId;
    // a is the manager's device; b is Ana's, a modified client. The link checks what b
    // sends of Ana's review as Ana's changes (the rules say she is its employee only).
    let mut net = Network::new(&["mo", "ana"]);
    let review = DocumentId::random();
    let ana = PersonId::from("ana");
    let mut doc = AutoCommit::new();
    let setup = ReviewSetup::example(&ana, Some(&PersonId::from("mo")));
    autosurgeon::reconcile(&mut doc, Review::new(setup)).unwrap();
    doc.commit();
    net.peers[0].docs.insert(review, doc);
    net.peers[1].docs.insert(review, AutoCommit::new());
    net.peers[0].engine.set_checked_parts(
        1,
        Some(ana.clone()),
        [(review, PartWriter::Review(Capacity::EMPLOYEE))].into(),
    );
    // And Ana's device checks what comes from Mo's as her manager's.
    net.peers[1].engine.set_checked_parts(
        1,
        Some(PersonId::from("mo")),
        [(review, PartWriter::Review(Capacity::MANAGER))].into(),
    );
    net.connect(1, 0, 1);
    net.settle();

    // Her self-assessment: taken.
    change_review(&mut net, 1, review, |r| {
        r.set_self_assessment(r.actor(&ana), "Shipped it.").unwrap()
    });
    net.settle();
    assert_eq!(
        review_on(&mut net, 0, review).self_assessment.as_str(),
        "Shipped it."
    );

    // Her own overall rating, and then a stage move past calibration: neither taken,
    // said once, the link stays open.
    change_review(&mut net, 1, review, |r| r.overall = Some(5));
    net.settle();
    change_review(&mut net, 1, review, |r| {
        r.stage = throughline::model::review::Stage::Shared
    });
    net.settle();
    let on_a = review_on(&mut net, 0, review);
    assert_eq!(on_a.overall, None);
    assert_eq!(on_a.stage, throughline::model::review::Stage::Draft);
    assert_eq!(net.peers[1].said.len(), 1, "{:?}", net.peers[1].said);
    assert!(
        net.peers[1].said[0].contains("Only the manager"),
        "{:?}",
        net.peers[1].said
    );
    assert!(net.peers[0].closed.is_empty() && net.peers[1].closed.is_empty());

    // The manager's own changes still go out to her.
    change_review(&mut net, 0, review, |r| {
        r.manager_assessment.update("A strong year.")
    });
    net.settle();
    assert_eq!(
        review_on(&mut net, 1, review).manager_assessment.as_str(),
        "A strong year."
    );
    // A modified client on Mo's device writing her words: her device takes none of it.
    change_review(&mut net, 0, review, |r| {
        r.self_assessment.update("Could do more.")
    });
    net.settle();
    assert_eq!(
        review_on(&mut net, 1, review).self_assessment.as_str(),
        "Shipped it."
    );
    assert_eq!(net.peers[0].said.len(), 1, "{:?}", net.peers[0].said);
    assert!(net.peers[0].said[0].contains("Only the employee"));
}

#[test]
fn a_link_takes_of_check_ins_only_what_one_of_the_pair_writes_in_their_own_name() {
    use throughline::model::check_in::CheckInSeries;
    use throughline::model::part_check::PartWriter;
    use throughline::model::PersonId;
    // a is Mo's device (the manager); b is Ana's, a modified client.
    let (mo, ana) = (PersonId::from("mo"), PersonId::from("ana"));
    let mut net = Network::new(&["mo", "ana"]);
    let series = DocumentId::random();
    let mut doc = AutoCommit::new();
    let mut started = CheckInSeries::new(&mo, &ana);
    let meeting = started.add_meeting("2027-03-01").unwrap();
    autosurgeon::reconcile(&mut doc, &started).unwrap();
    doc.commit();
    net.peers[0].docs.insert(series, doc);
    net.peers[1].docs.insert(series, AutoCommit::new());
    let pair = PartWriter::CheckIn {
        manager: mo.clone(),
        employee: ana.clone(),
    };
    net.peers[0]
        .engine
        .set_checked_parts(1, Some(ana.clone()), [(series, pair.clone())].into());
    net.peers[1]
        .engine
        .set_checked_parts(1, Some(mo.clone()), [(series, pair)].into());
    net.connect(1, 0, 1);
    net.settle();
    let change = |net: &mut Network, peer: usize, edit: &dyn Fn(&mut CheckInSeries)| {
        let doc = net.peers[peer].docs.get_mut(&series).unwrap();
        let mut held: CheckInSeries = autosurgeon::hydrate(doc).unwrap();
        edit(&mut held);
        autosurgeon::reconcile(doc, &held).unwrap();
        doc.commit();
        net.event(peer, Event::Changed { document: series });
        net.settle();
    };
    let on = |net: &mut Network, peer: usize| -> CheckInSeries {
        autosurgeon::hydrate(net.peers[peer].docs.get(&series).unwrap()).unwrap()
    };

    // Her topic, in her name: taken.
    change(&mut net, 1, &|s| {
        s.add_agenda_item(&meeting, "My training budget", Some(&ana), 1)
            .unwrap();
    });
    assert_eq!(on(&mut net, 0).agenda.len(), 1);
    // A topic in Mo's name: not taken, said once, the link stays open.
    change(&mut net, 1, &|s| {
        s.add_agenda_item(&meeting, "Ana deserves a raise", Some(&mo), 2)
            .unwrap();
    });
    assert_eq!(on(&mut net, 0).agenda.len(), 1);
    assert_eq!(net.peers[1].said.len(), 1, "{:?}", net.peers[1].said);
    assert!(
        net.peers[1].said[0].contains("another person's name"),
        "{:?}",
        net.peers[1].said
    );
    assert!(net.peers[0].closed.is_empty() && net.peers[1].closed.is_empty());

    // Mo's own notes still reach her; his device making the series someone else's does not.
    change(&mut net, 0, &|s| {
        s.set_notes(&meeting, "Talked about the budget.").unwrap()
    });
    assert_eq!(
        on(&mut net, 1).meetings[&meeting].notes.as_str(),
        "Talked about the budget."
    );
    change(&mut net, 0, &|s| {
        s.employee = PersonId::from("someone-else")
    });
    assert_eq!(on(&mut net, 1).employee, ana);
    assert!(net.peers[0].said[0].contains("does not change"));
}
