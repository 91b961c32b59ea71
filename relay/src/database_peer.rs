//! The peer through which an instance gives samod a document that another instance
//! stored while samod here was still asking for it.
//!
//! samod opens a document when a peer names it. When storage has nothing, it answers
//! that the document is unavailable and keeps its request open until a peer *syncs* the
//! document; storage is not read again. On one relay that peer is the device creating
//! the document, connected to the same samod. With several instances on PostgreSQL the
//! device may be on another instance, which stores the document; this instance hears of
//! it (`crate::instances`) but samod gives no handle to a document it is still asking
//! for, so nothing could be applied and the peers here that asked would wait until the
//! generation is recycled.
//!
//! So each generation on PostgreSQL connects this in-process peer to its own samod. When
//! a chunk arrives for a document samod is asking for, the peer loads every stored chunk
//! of it and offers it through the sync protocol until samod holds every head it
//! offered; samod's request then ends and it serves the document to the peers that asked
//! (further chunks are applied to its handle directly).
//!
//! Who may read and change: the share policy lets this peer write every document (what
//! it offers was admitted by the instance that stored it) and announces nothing to it,
//! so samod syncs with it only the documents it offered. Its id is random per
//! generation, under a prefix no client may join with (`crate::inbound` refuses it).
//!
//! ```ignore
//! let peer = DatabasePeer::connect(&acceptor, &repo.peer_id(), runtime.handle())?;
//! peer.offer(&document, chunks); // samod was asking for `document`
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use automerge::{sync, sync::SyncDoc, Automerge};
use throughline::sync::{Message, PeerId, PeerMetadata};
use tokio::sync::mpsc;

/// What every database peer's id begins with.
const PREFIX: &str = "throughline-instances-";

/// How long an offer samod has not taken up is kept (samod may have closed the document
/// with its generation, or never answer for it).
const FORGOTTEN_AFTER: Duration = Duration::from_secs(60);

/// Whether `peer` is a database peer's id: no client may join with one.
pub fn is_database_peer(peer: &str) -> bool {
    peer.starts_with(PREFIX)
}

/// One generation's database peer.
pub struct DatabasePeer {
    id: PeerId,
    /// The samod repo it is connected to.
    relay: PeerId,
    to_samod: mpsc::UnboundedSender<Vec<u8>>,
    offered: Arc<Mutex<HashMap<String, Offered>>>,
}

/// A document offered to samod, until samod holds what was offered.
struct Offered {
    doc: Automerge,
    state: sync::State,
    since: Instant,
}

impl DatabasePeer {
    /// Connects a new database peer to the samod repo `relay` behind `acceptor`; its
    /// answering task runs on `runtime` (the generation's, so it ends with it).
    pub fn connect(
        acceptor: &samod::AcceptorHandle,
        relay: &samod::PeerId,
        runtime: &tokio::runtime::Handle,
    ) -> Result<DatabasePeer, String> {
        let (to_samod, from_peer) = mpsc::unbounded_channel::<Vec<u8>>();
        let (to_peer, from_samod) = mpsc::unbounded_channel::<Vec<u8>>();
        let incoming = futures_util::stream::unfold(from_peer, |mut from_peer| async move {
            let bytes = from_peer.recv().await?;
            Some((Ok::<_, std::io::Error>(bytes), from_peer))
        });
        let outgoing = futures_util::sink::unfold(to_peer, |to_peer, bytes: Vec<u8>| async move {
            to_peer
                .send(bytes)
                .map_err(|_| std::io::Error::other("the database peer has stopped"))?;
            Ok::<_, std::io::Error>(to_peer)
        });
        let transport = samod::Transport::new(Box::pin(incoming), Box::pin(outgoing));
        acceptor
            .accept(transport)
            .map_err(|_| "the sync service stopped while starting".to_owned())?;
        let peer = DatabasePeer {
            id: PeerId::from(format!("{PREFIX}{}", random_hex())),
            relay: PeerId::from(relay.as_str()),
            to_samod,
            offered: Arc::new(Mutex::new(HashMap::new())),
        };
        peer.send(Message::Join {
            sender_id: peer.id.clone(),
            metadata: PeerMetadata {
                storage_id: None,
                is_ephemeral: true,
            },
            supported_protocol_versions: vec!["1".to_owned()],
        });
        runtime.spawn(answer(
            from_samod,
            Arc::downgrade(&peer.offered),
            peer.to_samod.clone(),
            peer.id.clone(),
            peer.relay.clone(),
        ));
        Ok(peer)
    }

    /// Offers samod `document` as `chunks` (every chunk stored of it) make it, samod
    /// having asked for it and found nothing.
    pub fn offer(&self, document: &str, chunks: Vec<Vec<u8>>) {
        let mut offered = lock(&self.offered);
        offered.retain(|_, offer| offer.since.elapsed() < FORGOTTEN_AFTER);
        let offer = offered
            .entry(document.to_owned())
            .or_insert_with(|| Offered {
                doc: Automerge::new(),
                state: sync::State::new(),
                since: Instant::now(),
            });
        for bytes in chunks {
            if let Err(error) = offer.doc.load_incremental(&bytes) {
                tracing::error!(%document, %error, "a stored chunk does not read; it is kept, not offered");
            }
        }
        if offer.doc.get_heads().is_empty() {
            offered.remove(document);
            return;
        }
        let messages = generate(offer, &self.id, &self.relay, document);
        drop(offered);
        for message in messages {
            self.send(message);
        }
    }

    fn send(&self, message: Message) {
        // Fails only when samod has closed the connection: its generation has stopped.
        let _ = self.to_samod.send(message.encode());
    }
}

/// 128 random bits in hex: the id is not guessable (and reserved besides).
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness the id is still reserved: `crate::inbound` refuses the prefix.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn lock(offered: &Mutex<HashMap<String, Offered>>) -> MutexGuard<'_, HashMap<String, Offered>> {
    offered
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The sync messages `offer` has for samod now.
fn generate(offer: &mut Offered, id: &PeerId, relay: &PeerId, document: &str) -> Vec<Message> {
    let mut messages = Vec::new();
    while let Some(message) = offer.doc.generate_sync_message(&mut offer.state) {
        messages.push(Message::Sync {
            sender_id: id.clone(),
            target_id: relay.clone(),
            document_id: document.to_owned(),
            data: message.encode(),
        });
    }
    messages
}

/// Answers samod on the documents offered until it holds what was offered; what samod
/// sends about anything else (an offered document's later changes) is read and dropped.
async fn answer(
    mut from_samod: mpsc::UnboundedReceiver<Vec<u8>>,
    offered: std::sync::Weak<Mutex<HashMap<String, Offered>>>,
    to_samod: mpsc::UnboundedSender<Vec<u8>>,
    id: PeerId,
    relay: PeerId,
) {
    while let Some(bytes) = from_samod.recv().await {
        let Some(offered) = offered.upgrade() else {
            return;
        };
        let (document, data) = match Message::decode(&bytes) {
            Ok(Message::Sync {
                document_id, data, ..
            }) => (document_id, data),
            Ok(Message::DocUnavailable { document_id, .. }) => {
                lock(&offered).remove(&document_id);
                continue;
            }
            Ok(_) => continue,
            Err(error) => {
                tracing::warn!(%error, "samod sent the database peer something unreadable");
                continue;
            }
        };
        let mut offered = lock(&offered);
        let Some(offer) = offered.get_mut(&document) else {
            continue;
        };
        let received = sync::Message::decode(&data)
            .map_err(|error| error.to_string())
            .and_then(|message| {
                offer
                    .doc
                    .receive_sync_message(&mut offer.state, message)
                    .map_err(|error| error.to_string())
            });
        if let Err(error) = received {
            tracing::warn!(%document, %error, "samod's answer to an offer does not read");
            offered.remove(&document);
            continue;
        }
        let messages = generate(offer, &id, &relay, &document);
        let heads = offer.doc.get_heads();
        let taken = offer
            .state
            .their_heads
            .as_ref()
            .is_some_and(|theirs| heads.iter().all(|head| theirs.contains(head)));
        if taken {
            offered.remove(&document);
        }
        drop(offered);
        for message in messages {
            let _ = to_samod.send(message.encode());
        }
    }
}
