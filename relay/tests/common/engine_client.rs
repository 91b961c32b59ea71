//! Throughline's sync engine as a client over a real WebSocket, for the relay's sync
//! tests (included by path where needed, so other test crates do not carry it unused).

use std::collections::HashMap;
use std::time::Duration;

use automerge::{AutoCommit, ReadDoc, ROOT};
use futures_util::{SinkExt, StreamExt};
use throughline::store::DocumentId;
use throughline::sync::{Effect, Engine, Event, PeerMetadata};
use tokio_tungstenite::tungstenite::Message as WsMessage;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A client: our engine, its documents, and a socket to the relay.
pub struct Client {
    pub engine: Engine,
    pub docs: HashMap<DocumentId, AutoCommit>,
    pub socket: Socket,
    pub relay_peer: Option<throughline::sync::PeerId>,
    pub closed: Option<String>,
    /// Ephemeral messages heard: (document, sending session, data).
    pub heard: Vec<(DocumentId, String, Vec<u8>)>,
    /// Documents the relay said it does not have (or will not give).
    pub unavailable: Vec<DocumentId>,
    /// What the relay reported without closing the connection.
    pub said: Vec<String>,
}

impl Client {
    pub async fn connect(
        address: std::net::SocketAddr,
        name: &str,
        docs: HashMap<DocumentId, AutoCommit>,
    ) -> Client {
        Self::connect_to(&format!("ws://{address}/sync"), name, docs).await
    }

    pub async fn connect_to(
        url: &str,
        name: &str,
        docs: HashMap<DocumentId, AutoCommit>,
    ) -> Client {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the relay accepts WebSockets at /sync");
        Self::over(socket, name, docs).await
    }

    /// Starts the engine as `peer` over an open socket.
    pub async fn over(socket: Socket, peer: &str, docs: HashMap<DocumentId, AutoCommit>) -> Client {
        let mut client = Client {
            engine: Engine::new(peer.into(), PeerMetadata::default()),
            docs,
            socket,
            relay_peer: None,
            closed: None,
            heard: Vec::new(),
            unavailable: Vec::new(),
            said: Vec::new(),
        };
        let effects = client
            .engine
            .handle(Event::Connected { connection: 1 }, &mut client.docs);
        client.apply(effects).await;
        client
    }

    pub async fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { bytes, .. } => self
                    .socket
                    .send(WsMessage::Binary(bytes.into()))
                    .await
                    .expect("send"),
                Effect::PeerReady { peer, .. } => self.relay_peer = Some(peer),
                Effect::Close { reason, .. } => self.closed = Some(reason),
                Effect::Unavailable { document, .. } => self.unavailable.push(document),
                Effect::PeerSaid { message, .. } => self.said.push(message),
                Effect::Ephemeral {
                    document,
                    session,
                    data,
                    ..
                } => self.heard.push((document, session, data)),
                _ => {}
            }
        }
    }

    /// Hands a message from the relay to the engine and carries out what it says.
    pub async fn receive(&mut self, bytes: &[u8]) {
        let effects = self.engine.handle(
            Event::Received {
                connection: 1,
                bytes,
            },
            &mut self.docs,
        );
        self.apply(effects).await;
    }

    /// Exchanges messages until `done` holds or the time runs out.
    pub async fn run_until(&mut self, mut done: impl FnMut(&mut Client) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(self) {
            let next = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("the relay answered in time");
            match next {
                Some(Ok(WsMessage::Binary(bytes))) => self.receive(&bytes).await,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => panic!("the relay closed the connection"),
            }
        }
    }

    /// Keeps answering the relay until `other` completes (another peer seeing an edit of
    /// this one, say). An edit may wait on the relay's answer to this engine's last
    /// message, so a client that stops reading can hold its own edit back.
    pub async fn serve_until<T>(&mut self, other: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(other);
        loop {
            tokio::select! {
                value = &mut other => return value,
                next = self.socket.next() => match next {
                    Some(Ok(WsMessage::Binary(bytes))) => self.receive(&bytes).await,
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => panic!("the relay closed the connection"),
                },
            }
        }
    }

    pub fn in_sync(&mut self, document: DocumentId) -> bool {
        match self.relay_peer.clone() {
            Some(peer) => self.engine.in_sync_with(&peer, &document, &mut self.docs),
            None => false,
        }
    }

    /// The document's `text`: a plain string, or a text object (what JavaScript's
    /// Automerge 3 makes of a string).
    pub fn text(&self, document: DocumentId) -> Option<String> {
        let doc = self.docs.get(&document)?;
        match doc.get(ROOT, "text").ok().flatten()? {
            (automerge::Value::Object(automerge::ObjType::Text), id) => doc.text(id).ok(),
            (value, _) => value.into_string().ok(),
        }
    }

    /// Sets the document's `text` (making it if new) and tells the relay.
    pub async fn edit(&mut self, document: DocumentId, text: &str) {
        use automerge::transaction::Transactable;
        let doc = self.docs.entry(document).or_default();
        doc.put(ROOT, "text", text)
            .expect("a put on a fresh document");
        doc.commit();
        let effects = self
            .engine
            .handle(Event::Changed { document }, &mut self.docs);
        self.apply(effects).await;
    }

    /// Says `data` to everyone looking at `document` (an `ephemeral` message).
    pub async fn broadcast(&mut self, document: DocumentId, data: &[u8]) {
        let effects = self
            .engine
            .handle(Event::Broadcast { document, data }, &mut self.docs);
        self.apply(effects).await;
    }
}
