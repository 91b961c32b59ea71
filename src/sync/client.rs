//! The browser's sync client: one WebSocket to a relay carrying the [`Engine`]'s
//! messages for this device's documents (the workspace, and each plan as it is opened). It reconnects with jittered backoff, tells the
//! store when sync brought changes (so they are saved and shown), and reports whether the
//! relay has everything this device has.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use automerge::AutoCommit;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use super::engine::{ConnectionId, Documents, Effect, Engine, Event};
use super::message::PeerMetadata;
use crate::store::{DocHandle, DocumentId, Storage};

/// Where this device stands with the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Connecting,
    /// Connected; changes are on their way one way or the other.
    Syncing,
    /// The relay has every change this device has (its heads include ours).
    Synced,
    /// Not connected; the reason in words, and a retry is scheduled.
    Offline(String),
}

const FIRST_RETRY_MS: f64 = 1_000.0;
const LAST_RETRY_MS: f64 = 30_000.0;

struct Client<S> {
    url: String,
    engine: RefCell<Engine>,
    /// The documents shared with the relay, by id.
    documents: RefCell<HashMap<DocumentId, DocHandle<S>>>,
    socket: RefCell<Option<WebSocket>>,
    connection: Cell<ConnectionId>,
    retry_ms: Cell<f64>,
    status: RefCell<SyncStatus>,
    on_status: Box<dyn Fn(&SyncStatus)>,
    /// The relay's peer id, once known: what is missing there is counted against it,
    /// also while disconnected.
    relay_peer: RefCell<Option<String>>,
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
}

/// Called with the document, the sending session and the data of an ephemeral message.
type EphemeralListener = Box<dyn Fn(DocumentId, &str, &[u8])>;

type PendingListener = Box<dyn Fn(&[(DocumentId, usize)])>;

/// Keeps this device's documents in sync with a relay for as long as the page lives.
pub struct SyncClient<S> {
    client: Rc<Client<S>>,
}

/// The documents lent to the engine for one event: each is borrowed only when the
/// engine asks for it, and the ones asked for are remembered (their status may have
/// changed).
struct Lent<'a, S> {
    handles: &'a HashMap<DocumentId, DocHandle<S>>,
    borrowed: HashMap<DocumentId, RefMut<'a, AutoCommit>>,
}

impl<S: Storage> Documents for Lent<'_, S> {
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

impl<S: Storage + 'static> SyncClient<S> {
    /// Starts syncing `handle` with the relay at `url` (`ws://…/sync` or `wss://…/sync`).
    pub fn start(
        url: String,
        handle: DocHandle<S>,
        on_status: impl Fn(&SyncStatus) + 'static,
    ) -> Self {
        let peer_id = format!("throughline-{}", uuid::Uuid::new_v4().simple());
        let client = Rc::new(Client {
            url,
            engine: RefCell::new(Engine::new(peer_id, PeerMetadata::default())),
            documents: RefCell::new(HashMap::new()),
            socket: RefCell::new(None),
            connection: Cell::new(0),
            retry_ms: Cell::new(FIRST_RETRY_MS),
            status: RefCell::new(SyncStatus::Connecting),
            on_status: Box::new(on_status),
            relay_peer: RefCell::new(None),
            pending: RefCell::new(BTreeMap::new()),
            unsynced: RefCell::new(HashSet::new()),
            counted: Cell::new(false),
            on_pending: RefCell::new(None),
            on_ephemeral: RefCell::new(None),
        });
        let sync = Self { client };
        sync.share(handle);
        watch_network(&sync.client);
        connect(&sync.client);
        sync
    }

    /// Syncs one more document with the relay (a plan opened or created): this device's
    /// changes go up, and a document this device does not have yet is asked for.
    pub fn share(&self, handle: DocHandle<S>) {
        let client = &self.client;
        let document = handle.id();
        if client.documents.borrow().contains_key(&document) {
            return;
        }
        let weak = Rc::downgrade(client);
        handle.on_dirty(move || {
            if let Some(client) = weak.upgrade() {
                client.event(Event::Changed { document });
            }
        });
        client.documents.borrow_mut().insert(document, handle);
        client.unsynced.borrow_mut().insert(document);
        client.event(Event::Changed { document });
    }

    pub fn status(&self) -> SyncStatus {
        self.client.status.borrow().clone()
    }

    /// Called with the documents whose changes the relay does not have yet, and how many,
    /// whenever that changes (an edit here, a sync round, a disconnect).
    pub fn on_pending(&self, listener: impl Fn(&[(DocumentId, usize)]) + 'static) {
        *self.client.on_pending.borrow_mut() = Some(Box::new(listener));
    }

    /// Tells everyone looking at `document` through the relay something not kept
    /// (presence). Nothing is sent while disconnected.
    pub fn broadcast(&self, document: DocumentId, data: &[u8]) {
        self.client.event(Event::Broadcast { document, data });
    }

    /// Called with every ephemeral message that arrives: the document, the sending
    /// session and the data.
    pub fn on_ephemeral(&self, listener: impl Fn(DocumentId, &str, &[u8]) + 'static) {
        *self.client.on_ephemeral.borrow_mut() = Some(Box::new(listener));
    }

    /// Tries now: reconnects at once when disconnected (instead of waiting for the next
    /// retry), or offers every document again when connected.
    pub fn sync_now(&self) {
        let client = &self.client;
        if client.socket.borrow().is_none() {
            client.retry_ms.set(FIRST_RETRY_MS);
            connect(client);
            return;
        }
        let ids: Vec<DocumentId> = client.documents.borrow().keys().copied().collect();
        for document in ids {
            client.event(Event::Changed { document });
        }
    }
}

impl<S: Storage + 'static> Client<S> {
    /// Runs one event through the engine with the document lent, then carries out the
    /// effects (after the loan ends: saving reads the document again).
    fn event(self: &Rc<Self>, event: Event<'_>) {
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
        for effect in effects {
            match effect {
                Effect::Send { connection, bytes } if connection == self.connection.get() => {
                    if let Some(socket) = &*self.socket.borrow() {
                        let _ = socket.send_with_u8_array(&bytes);
                    }
                }
                Effect::Close { connection, reason } if connection == self.connection.get() => {
                    if let Some(socket) = self.socket.borrow_mut().take() {
                        let _ = socket.close_with_code_and_reason(
                            4000,
                            &reason.chars().take(100).collect::<String>(),
                        );
                    }
                    self.offline(format!("the connection was closed: {reason}"));
                }
                Effect::Ephemeral {
                    document,
                    session,
                    data,
                    ..
                } => {
                    if let Some(listener) = &*self.on_ephemeral.borrow() {
                        listener(document, &session, &data);
                    }
                }
                Effect::Updated { document } => {
                    if let Some(handle) = handles.get(&document) {
                        handle.changed_by_sync();
                    }
                }
                Effect::PeerReady { peer, .. } => {
                    self.retry_ms.set(FIRST_RETRY_MS);
                    *self.relay_peer.borrow_mut() = Some(peer);
                }
                _ => {}
            }
        }
        self.refresh_status(&handles, &touched);
    }

    /// Counts again what the event touched, then says where this device stands.
    fn refresh_status(&self, handles: &HashMap<DocumentId, DocHandle<S>>, touched: &[DocumentId]) {
        self.count_pending(handles, touched);
        let connection = self.connection.get();
        let engine = self.engine.borrow();
        let Some(peer) = engine.peer_of(connection).map(str::to_owned) else {
            return;
        };
        {
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

    fn set_status(&self, status: SyncStatus) {
        if *self.status.borrow() == status {
            return;
        }
        *self.status.borrow_mut() = status.clone();
        (self.on_status)(&status);
    }

    fn offline(&self, reason: String) {
        self.set_status(SyncStatus::Offline(reason));
    }
}

fn connect<S: Storage + 'static>(client: &Rc<Client<S>>) {
    if let Some(previous) = client.socket.borrow_mut().take() {
        let _ = previous.close();
    }
    let connection = client.connection.get() + 1;
    client.connection.set(connection);
    if !web_sys::window().is_none_or(|w| w.navigator().on_line()) {
        // No point trying: the `online` event reconnects.
        client.offline("this device has no network".into());
        return;
    }
    client.set_status(SyncStatus::Connecting);
    let socket = match WebSocket::new(&client.url) {
        Ok(socket) => socket,
        Err(_) => {
            client.offline(format!("{} is not a relay address", client.url));
            return;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);

    let weak = Rc::downgrade(client);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if let Some(client) = weak.upgrade() {
            client.event(Event::Connected { connection });
        }
    });
    let weak = Rc::downgrade(client);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(client) = weak.upgrade() else { return };
        if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
            let bytes = Uint8Array::new(&buffer).to_vec();
            client.event(Event::Received {
                connection,
                bytes: &bytes,
            });
        }
    });
    let weak = Rc::downgrade(client);
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        // The engine forgets what was in flight on this connection, current or not.
        client.event(Event::Closed { connection });
        if client.connection.get() != connection {
            return;
        }
        client.socket.borrow_mut().take();
        if !matches!(*client.status.borrow(), SyncStatus::Offline(_)) {
            client.offline("the relay cannot be reached".into());
        }
        schedule_reconnect(&client);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the socket; a new socket gets new ones.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *client.socket.borrow_mut() = Some(socket);
}

/// Tries again after the current wait, with ±25 % jitter so that many devices cut off
/// together do not all come back in the same instant; the wait doubles up to 30 s.
fn schedule_reconnect<S: Storage + 'static>(client: &Rc<Client<S>>) {
    let wait = client.retry_ms.get();
    client.retry_ms.set((wait * 2.0).min(LAST_RETRY_MS));
    let jittered = wait * (0.75 + js_sys::Math::random() * 0.5);
    let weak = Rc::downgrade(client);
    let retry = Closure::once_into_js(move || {
        if let Some(client) = weak.upgrade() {
            // Coming back online may already have reconnected.
            if client.socket.borrow().is_none() {
                connect(&client);
            }
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            retry.unchecked_ref(),
            jittered as i32,
        );
    }
}

/// Follows the browser's own view of the network: when it says the device went offline
/// the socket is closed at once (rather than waiting for a timeout), and when it comes
/// back online the client reconnects without waiting for the backoff.
fn watch_network<S: Storage + 'static>(client: &Rc<Client<S>>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let weak = Rc::downgrade(client);
    let offline = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        client.offline("this device has no network".into());
        let socket = client.socket.borrow_mut().take();
        if let Some(socket) = socket {
            let _ = socket.close();
        }
    });
    let weak = Rc::downgrade(client);
    let online = Closure::<dyn FnMut()>::new(move || {
        let Some(client) = weak.upgrade() else { return };
        if client.socket.borrow().is_none() {
            client.retry_ms.set(FIRST_RETRY_MS);
            connect(&client);
        }
    });
    let _ = window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    offline.forget();
    online.forget();
}
