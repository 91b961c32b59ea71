//! The browser's sync client: one [`Engine`] for this device's documents (the workspace,
//! and each plan, review and check-in series as it is opened), carried over every
//! connection this device has: a WebSocket to a relay when there is one
//! ([`super::relay_socket`]), and direct links to other devices
//! ([`super::direct_links`]). It tells the store when sync brought changes (so they are
//! saved and shown), and reports, for the relay and for each device, whether it has
//! everything this device has.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use automerge::AutoCommit;
use web_sys::WebSocket;

use super::backoff::Backoff;
use super::direct_links::{Direct, LinkState, PendingOffer};
use super::engine::{ConnectionId, Effect, Engine, Event, LentDocuments};
use super::introduction::Introductions;
use super::message::PeerMetadata;
use super::pairing::Shares;
use super::{Disconnected, PeerId};
use crate::store::{DocHandle, DocumentId, Storage};

/// Where this device stands with the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Connecting,
    /// Connected; changes are on their way one way or the other.
    Syncing,
    /// The relay has every change this device has (its heads include ours).
    Synced,
    /// Not connected, and why; a retry is scheduled.
    Offline(Disconnected),
}

/// One peer this device syncs with, as the sync indicator shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerView {
    /// The connection (stable while it lasts; a relay reconnect keeps the relay's view).
    pub key: ConnectionId,
    /// The name the other device gave itself (empty for the relay, which the page names).
    pub name: String,
    /// A device linked directly (not the relay).
    pub direct: bool,
    pub state: LinkState,
    /// What the link carries: `None` for the relay (every document this device has).
    pub shares: Option<Shares>,
    /// The only documents it carries, when it does not carry every shared one.
    pub only: Option<BTreeSet<DocumentId>>,
    /// The documents it carries that it does not have all of yet.
    pub unsynced: BTreeSet<DocumentId>,
}

impl PeerView {
    /// A direct link to another device that is open now.
    pub fn is_open_link(&self) -> bool {
        self.direct && self.state == LinkState::Open
    }
}

/// The relay's view keeps this key across reconnects; direct links count up from
/// [`FIRST_LINK`], so the two never meet.
pub const RELAY_KEY: ConnectionId = 0;
pub(super) const FIRST_LINK: ConnectionId = 1 << 40;

pub(super) struct Client<S> {
    /// The relay's `/sync` address, when this device has a relay.
    pub(super) url: Option<String>,
    /// The keys this device proves to the relay (`relay_proof`) and signs pairing codes
    /// with, when it has them.
    pub(super) keys: Option<DeviceKeys>,
    /// What a linked device's person may hold (`SyncClient::set_link_rules`).
    pub(super) link_rules: RefCell<Option<super::direct_links::LinkRules>>,
    pub(super) engine: RefCell<Engine>,
    /// The workspace document: presence and introductions ride on it.
    pub(super) workspace: DocumentId,
    /// The documents shared, by id.
    pub(super) documents: RefCell<HashMap<DocumentId, DocHandle<S>>>,
    pub(super) socket: RefCell<Option<WebSocket>>,
    /// The relay connection's current id (a new one for each socket).
    pub(super) connection: Cell<ConnectionId>,
    /// When to try the relay again after its connection fails.
    pub(super) backoff: RefCell<Backoff>,
    status: RefCell<SyncStatus>,
    on_status: Box<dyn Fn(&SyncStatus)>,
    /// The relay's peer id, once known: what is missing there is counted against it,
    /// also while disconnected.
    relay_peer: RefCell<Option<PeerId>>,
    /// Told when the relay says it does not give this device the workspace.
    on_workspace_refused: RefCell<Option<Box<dyn Fn()>>>,
    /// Told what the relay reports without closing the connection (a quota reached).
    on_relay_said: RefCell<Option<RelaySaidListener>>,
    /// Changes of each document the relay does not have yet (as last counted; only the
    /// documents an event touched are counted again, so an event costs the same with
    /// one document or five hundred).
    pending: RefCell<BTreeMap<DocumentId, usize>>,
    /// The documents not known to be in sync with the relay (kept the same way).
    unsynced: RefCell<HashSet<DocumentId>>,
    /// Whether the listener has been told the counts once (an empty first count too).
    counted: Cell<bool>,
    on_pending: RefCell<Option<PendingListener>>,
    on_ephemeral: RefCell<Option<EphemeralListener>>,
    /// Direct links to other devices, open or closed, by connection.
    pub(super) links: RefCell<BTreeMap<ConnectionId, Direct>>,
    pub(super) next_link: Cell<ConnectionId>,
    /// Offers this device sent through the relay, waiting for their answers.
    pub(super) offers: RefCell<Vec<PendingOffer>>,
    pub(super) introductions: RefCell<Introductions>,
    /// Whether devices met through the relay are linked directly (the person may turn
    /// it off: a direct link shows the other device this one's local address).
    pub(super) introducing: Cell<bool>,
    /// The name this device gives itself to others.
    pub(super) device_name: RefCell<String>,
    on_peers: RefCell<Option<PeersListener>>,
    /// What the peers' listener was last told.
    told_peers: RefCell<Vec<PeerView>>,
    /// Documents changed here whose changes are offered to the peers once the page has
    /// painted ([`Client::offer_after_paint`]); an offer is scheduled while it holds any.
    changed: RefCell<BTreeSet<DocumentId>>,
}

/// Called with the document, the sending session and the data of an ephemeral message.
type EphemeralListener = Box<dyn Fn(DocumentId, &str, &[u8])>;
type PendingListener = Box<dyn Fn(&[(DocumentId, usize)])>;
type RelaySaidListener = Box<dyn Fn(&str)>;
type PeersListener = Box<dyn Fn(&[PeerView])>;

/// Keeps this device's documents in sync with a relay and with linked devices for as
/// long as the page lives.
pub struct SyncClient<S> {
    pub(super) client: Rc<Client<S>>,
}

// A handle: clones share one client (a page calls it across an await).
impl<S> Clone for SyncClient<S> {
    fn clone(&self) -> Self {
        Self {
            client: Rc::clone(&self.client),
        }
    }
}

/// The documents lent to the engine for one event: each is borrowed only when the
/// engine asks for it, and the ones asked for are remembered (their status may have
/// changed).
pub(super) struct Lent<'a, S> {
    handles: &'a HashMap<DocumentId, DocHandle<S>>,
    borrowed: HashMap<DocumentId, RefMut<'a, AutoCommit>>,
}

impl<S: Storage> LentDocuments for Lent<'_, S> {
    fn document(&mut self, id: &DocumentId) -> Option<&mut AutoCommit> {
        if !self.borrowed.contains_key(id) {
            let handle = self.handles.get(id)?;
            self.borrowed.insert(*id, handle.document_mut());
        }
        self.borrowed.get_mut(id).map(|doc| &mut **doc)
    }
    fn ids(&self) -> Vec<DocumentId> {
        self.handles.keys().copied().collect()
    }
}

fn lend<S: Storage>(handles: &HashMap<DocumentId, DocHandle<S>>) -> Lent<'_, S> {
    Lent {
        handles,
        borrowed: HashMap::new(),
    }
}

impl PeerView {
    /// Whether this peer carries `document` (a private document aside, which only the
    /// relay carries).
    pub fn carries(&self, document: &DocumentId) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.contains(document))
    }
}

/// What this device proves to a relay: its own key, and an invitation it holds and has
/// not accepted yet (so the relay lets it fetch the workspace it is invited to).
#[derive(Clone)]
pub struct DeviceKeys {
    pub device: crate::model::identity::DeviceSecret,
    pub invitation: Option<crate::model::identity::DeviceSecret>,
    /// Whether to prove the key to the relay (only to the relay of this site: the page
    /// may not fetch another site's challenge). Pairing codes are signed in any case.
    pub prove_to_relay: bool,
}

impl<S: Storage + 'static> SyncClient<S> {
    /// Starts syncing the workspace `handle`: with the relay at `url` (`ws://…/sync` or
    /// `wss://…/sync`) when there is one, and with devices linked later in any case.
    /// With `keys`, the device proves its key to the relay on each connection and joins
    /// under a peer id that names it.
    pub fn start(
        url: Option<String>,
        handle: DocHandle<S>,
        device_name: String,
        keys: Option<DeviceKeys>,
        on_status: impl Fn(&SyncStatus) + 'static,
    ) -> Self {
        let peer_id = match &keys {
            Some(keys) if keys.prove_to_relay => {
                super::relay_proof::peer_id_for(&keys.device.public())
            }
            _ => PeerId::random(),
        };
        let client = Rc::new(Client {
            url,
            keys,
            link_rules: RefCell::new(None),
            introductions: RefCell::new(Introductions::new(peer_id.clone())),
            introducing: Cell::new(true),
            engine: RefCell::new(Engine::new(peer_id, PeerMetadata::default())),
            workspace: handle.id(),
            documents: RefCell::new(HashMap::new()),
            socket: RefCell::new(None),
            connection: Cell::new(0),
            backoff: RefCell::new(Backoff::default()),
            status: RefCell::new(SyncStatus::Connecting),
            on_status: Box::new(on_status),
            relay_peer: RefCell::new(None),
            on_workspace_refused: RefCell::new(None),
            on_relay_said: RefCell::new(None),
            pending: RefCell::new(BTreeMap::new()),
            unsynced: RefCell::new(HashSet::new()),
            counted: Cell::new(false),
            on_pending: RefCell::new(None),
            on_ephemeral: RefCell::new(None),
            links: RefCell::new(BTreeMap::new()),
            next_link: Cell::new(FIRST_LINK),
            offers: RefCell::new(Vec::new()),
            device_name: RefCell::new(device_name),
            on_peers: RefCell::new(None),
            told_peers: RefCell::new(Vec::new()),
            changed: RefCell::new(BTreeSet::new()),
        });
        let sync = Self { client };
        sync.share(handle);
        if sync.client.url.is_some() {
            super::relay_socket::watch_network(&sync.client);
            super::relay_socket::connect(&sync.client);
        }
        sync
    }

    /// Syncs one more document (a plan opened or created): this device's changes go
    /// out, and a document this device does not have yet is asked for.
    pub fn share(&self, handle: DocHandle<S>) {
        let client = &self.client;
        let document = handle.id();
        if client.documents.borrow().contains_key(&document) {
            return;
        }
        let weak = Rc::downgrade(client);
        handle.on_dirty(move || {
            if let Some(client) = weak.upgrade() {
                client.offer_after_paint(document);
            }
        });
        client.documents.borrow_mut().insert(document, handle);
        client.unsynced.borrow_mut().insert(document);
        client.event(Event::Changed { document });
    }

    /// Syncs a private document (a manager's coaching notes) with the relay only: a
    /// direct link never carries it, whatever the pairing shares.
    pub fn share_privately(&self, handle: DocHandle<S>) {
        self.client.engine.borrow_mut().keep_private(handle.id());
        self.share(handle);
    }

    /// Called with the documents whose changes the relay does not have yet, and how many,
    /// whenever that changes (an edit here, a sync round, a disconnect).
    /// Called when the relay says it does not give this device the workspace (it is not
    /// a member, or its invitation was used, withdrawn or has expired).
    pub fn on_workspace_refused(&self, listener: impl Fn() + 'static) {
        *self.client.on_workspace_refused.borrow_mut() = Some(Box::new(listener));
    }

    /// Called with what the relay reports without closing the connection (a workspace
    /// over its quota on that relay).
    pub fn on_relay_said(&self, listener: impl Fn(&str) + 'static) {
        *self.client.on_relay_said.borrow_mut() = Some(Box::new(listener));
    }

    pub fn on_pending(&self, listener: impl Fn(&[(DocumentId, usize)]) + 'static) {
        *self.client.on_pending.borrow_mut() = Some(Box::new(listener));
    }

    /// Called with every peer (the relay first, then linked devices) whenever one
    /// connects, closes, or gets or lacks a document.
    pub fn on_peers(&self, listener: impl Fn(&[PeerView]) + 'static) {
        *self.client.on_peers.borrow_mut() = Some(Box::new(listener));
        self.client.tell_peers();
    }

    /// Tells everyone looking at `document` something not kept (presence), through
    /// every connection. Nothing is sent while disconnected.
    pub fn broadcast(&self, document: DocumentId, data: &[u8]) {
        self.client.event(Event::Broadcast { document, data });
    }

    /// Called with every ephemeral message that arrives: the document, the sending
    /// session and the data.
    pub fn on_ephemeral(&self, listener: impl Fn(DocumentId, &str, &[u8]) + 'static) {
        *self.client.on_ephemeral.borrow_mut() = Some(Box::new(listener));
    }

    /// Whether devices met through the relay are offered (and answered) direct links.
    pub fn set_introducing(&self, on: bool) {
        self.client.introducing.set(on);
    }

    /// The name this device gives itself in pairing codes.
    pub fn set_device_name(&self, name: String) {
        *self.client.device_name.borrow_mut() = name;
    }

    /// Tries now: reconnects to the relay at once when disconnected (instead of waiting
    /// for the next retry), or offers every document again when connected.
    pub fn sync_now(&self) {
        let client = &self.client;
        if client.url.is_some() && client.socket.borrow().is_none() {
            client.backoff.borrow_mut().reset();
            super::relay_socket::connect(client);
            return;
        }
        let ids: Vec<DocumentId> = client.documents.borrow().keys().copied().collect();
        for document in ids {
            client.event(Event::Changed { document });
        }
    }
}

impl<S: Storage + 'static> Client<S> {
    /// Offers `document`'s new changes to every peer once the page has painted the edit
    /// that made them: working out what a peer lacks (the whole document, when a change
    /// is more than a third of it) then costs the peers a frame of delay instead of the
    /// person editing a missed frame. Edits made before the offer goes out share it.
    fn offer_after_paint(self: &Rc<Self>, document: DocumentId) {
        let scheduled = {
            let mut changed = self.changed.borrow_mut();
            let scheduled = !changed.is_empty();
            changed.insert(document);
            scheduled
        };
        if scheduled {
            return;
        }
        let weak = Rc::downgrade(self);
        super::after_paint::after_paint(move || {
            let Some(client) = weak.upgrade() else {
                return;
            };
            let changed = std::mem::take(&mut *client.changed.borrow_mut());
            for document in changed {
                client.event(Event::Changed { document });
            }
        });
    }

    /// Runs one event through the engine with the document lent, then carries out the
    /// effects (after the loan ends: saving reads the document again).
    pub(super) fn event(self: &Rc<Self>, event: Event<'_>) {
        let handles = self.documents.borrow().clone();
        // An edit changes what the relay lacks even when the engine has no one to tell.
        let edited = match &event {
            Event::Changed { document } => Some(*document),
            _ => None,
        };
        let (effects, touched) = {
            let mut lent = lend(&handles);
            let effects = self.engine.borrow_mut().handle(event, &mut lent);
            let mut touched: Vec<DocumentId> = lent.borrowed.into_keys().collect();
            touched.extend(edited.filter(|id| !touched.contains(id)));
            (effects, touched)
        };
        let mut rules_may_have_changed = false;
        for effect in effects {
            match effect {
                Effect::Send { connection, bytes } => self.send(connection, &bytes),
                Effect::Close { connection, reason } if connection == self.connection.get() => {
                    if let Some(socket) = self.socket.borrow_mut().take() {
                        let _ = socket.close_with_code_and_reason(
                            4000,
                            &reason.chars().take(100).collect::<String>(),
                        );
                    }
                    self.offline(Disconnected::ProtocolError { reason });
                }
                Effect::Close { connection, reason } => {
                    self.close_link(connection, Disconnected::ProtocolError { reason })
                }
                Effect::Ephemeral {
                    document,
                    session,
                    data,
                    ..
                } => {
                    if document == self.workspace && self.introduction(&session, &data) {
                        continue;
                    }
                    if let Some(listener) = &*self.on_ephemeral.borrow() {
                        listener(document, &session, &data);
                    }
                }
                Effect::Updated { document } => {
                    if let Some(handle) = handles.get(&document) {
                        handle.changed_by_sync();
                    }
                    if document == self.workspace {
                        rules_may_have_changed = true;
                    }
                }
                Effect::PeerReady {
                    connection, peer, ..
                } if connection == self.connection.get() => {
                    self.backoff.borrow_mut().reset();
                    *self.relay_peer.borrow_mut() = Some(peer);
                }
                Effect::PeerReady {
                    connection, peer, ..
                } => self.link_ready(connection, peer),
                Effect::PeerSaid {
                    connection,
                    message,
                } if connection == self.connection.get() => {
                    if let Some(listener) = &*self.on_relay_said.borrow() {
                        listener(&message);
                    }
                }
                Effect::Unavailable { document, peer }
                    if document == self.workspace
                        && self.relay_peer.borrow().as_ref() == Some(&peer) =>
                {
                    if let Some(listener) = &*self.on_workspace_refused.borrow() {
                        listener();
                    }
                }
                _ => {}
            }
        }
        self.refresh_status(&handles, &touched);
        if rules_may_have_changed {
            // The workspace changed (an invitation accepted, a review listed, a manager
            // set): a relay that enforces the rules may give now what it refused before,
            // so documents it said it does not have are asked for again.
            let refused = self.engine.borrow().unavailable_documents();
            for document in refused {
                self.event(Event::Changed { document });
            }
        }
    }

    fn send(&self, connection: ConnectionId, bytes: &[u8]) {
        if connection == self.connection.get() {
            if let Some(socket) = &*self.socket.borrow() {
                let _ = socket.send_with_u8_array(bytes);
            }
        } else if let Some(direct) = self.links.borrow().get(&connection) {
            // A link that cannot send is closing; its close event tells the engine.
            let _ = direct.link.send(bytes);
        }
    }

    /// Counts again what the event touched, then says where this device stands.
    fn refresh_status(&self, handles: &HashMap<DocumentId, DocHandle<S>>, touched: &[DocumentId]) {
        self.count_pending(handles, touched);
        self.count_links(handles, touched);
        let connection = self.connection.get();
        let peer = self.engine.borrow().peer_of(connection).cloned();
        if let Some(peer) = peer {
            {
                let engine = self.engine.borrow();
                let mut lent = lend(handles);
                let mut unsynced = self.unsynced.borrow_mut();
                for id in touched {
                    if engine.in_sync_with(&peer, id, &mut lent) {
                        unsynced.remove(id);
                    } else {
                        unsynced.insert(*id);
                    }
                }
            }
            let synced = self.unsynced.borrow().is_empty();
            self.set_status(if synced {
                SyncStatus::Synced
            } else {
                SyncStatus::Syncing
            });
        }
        self.tell_peers();
    }

    /// Which of the touched documents each open link lacks.
    fn count_links(&self, handles: &HashMap<DocumentId, DocHandle<S>>, touched: &[DocumentId]) {
        let engine = self.engine.borrow();
        let mut lent = lend(handles);
        for (connection, direct) in self.links.borrow_mut().iter_mut() {
            let Some(peer) = direct.peer.clone() else {
                continue;
            };
            for id in touched {
                if !engine.carries(*connection, id) {
                    continue;
                }
                if engine.in_sync_with(&peer, id, &mut lent) {
                    direct.unsynced.remove(id);
                } else {
                    direct.unsynced.insert(*id);
                }
            }
        }
    }

    /// Counts, for the documents in `touched`, the changes the relay does not have yet,
    /// and tells the listener when the counts change.
    fn count_pending(&self, handles: &HashMap<DocumentId, DocHandle<S>>, touched: &[DocumentId]) {
        let Some(peer) = self.relay_peer.borrow().clone() else {
            return;
        };
        let changed = {
            let engine = self.engine.borrow();
            let mut lent = lend(handles);
            let mut pending = self.pending.borrow_mut();
            let mut changed = false;
            for id in touched {
                let missing = engine.changes_missing_at(&peer, id, &mut lent).unwrap_or(0);
                let before = if missing > 0 {
                    pending.insert(*id, missing)
                } else {
                    pending.remove(id)
                };
                changed |= before != Some(missing).filter(|m| *m > 0);
            }
            changed
        };
        if !changed && self.counted.get() {
            return;
        }
        self.counted.set(true);
        let counts: Vec<(DocumentId, usize)> = self
            .pending
            .borrow()
            .iter()
            .map(|(id, n)| (*id, *n))
            .collect();
        if let Some(listener) = &*self.on_pending.borrow() {
            listener(&counts);
        }
    }

    /// Every peer as it stands now: the relay (when there is one), then each link.
    fn peers(&self) -> Vec<PeerView> {
        let mut peers = Vec::new();
        if self.url.is_some() {
            let state = match &*self.status.borrow() {
                SyncStatus::Connecting => LinkState::Connecting,
                SyncStatus::Syncing | SyncStatus::Synced => LinkState::Open,
                SyncStatus::Offline(reason) => LinkState::Closed(reason.clone()),
            };
            peers.push(PeerView {
                key: RELAY_KEY,
                name: String::new(),
                direct: false,
                state,
                shares: None,
                only: None,
                unsynced: self.unsynced.borrow().iter().copied().collect(),
            });
        }
        for (key, direct) in self.links.borrow().iter() {
            peers.push(PeerView {
                key: *key,
                name: direct.name.clone(),
                direct: true,
                state: direct.state.clone(),
                shares: Some(direct.shares.clone()),
                only: match &direct.shares {
                    Shares::Workspace => None,
                    Shares::Documents(documents) => Some(documents.iter().copied().collect()),
                },
                unsynced: direct.unsynced.iter().copied().collect(),
            });
        }
        peers
    }

    /// Tells the peers' listener, when what it would be told changed.
    pub(super) fn tell_peers(&self) {
        let peers = self.peers();
        if *self.told_peers.borrow() == peers {
            return;
        }
        *self.told_peers.borrow_mut() = peers.clone();
        if let Some(listener) = &*self.on_peers.borrow() {
            listener(&peers);
        }
    }

    pub(super) fn set_status(&self, status: SyncStatus) {
        if *self.status.borrow() == status {
            return;
        }
        *self.status.borrow_mut() = status.clone();
        (self.on_status)(&status);
        self.tell_peers();
    }

    pub(super) fn offline(&self, reason: Disconnected) {
        self.set_status(SyncStatus::Offline(reason));
    }

    pub(super) fn is_offline(&self) -> bool {
        matches!(*self.status.borrow(), SyncStatus::Offline(_))
    }
}
