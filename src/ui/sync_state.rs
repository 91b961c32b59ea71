//! The sync client as the page sees it: its status, the pending changes, the peers (the
//! relay and devices linked directly) as signals, and the calls that reach the client
//! (share a document, broadcast presence, pair a device).

use std::rc::Rc;

use leptos::prelude::*;

use crate::store::{BrowserStorage, Repo};
use crate::sync::pairing::Shares;
use crate::sync::{ConnectionId, KnownDevices, PairingOffer, PeerView, SyncClient, SyncStatus};

/// What a device is called until the person names it: the kind of device, as the
/// browser tells it.
pub fn default_device_name() -> String {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let kind = if agent.contains("iPad") {
        "iPad"
    } else if agent.contains("iPhone") {
        "iPhone"
    } else if agent.contains("Android") && agent.contains("Mobile") {
        "Android phone"
    } else if agent.contains("Android") {
        "Android tablet"
    } else if agent.contains("Mac OS") {
        "Mac"
    } else if agent.contains("Windows") {
        "Windows computer"
    } else if agent.contains("CrOS") {
        "Chromebook"
    } else if agent.contains("Linux") {
        "Linux computer"
    } else {
        "Browser"
    };
    // Two devices of one kind in a room tell apart by a short number.
    let number = (js_sys::Math::random() * 90.0) as u32 + 10;
    format!("{kind} {number}")
}

/// Where this device stands with the relay: `None` when the app is not served by one.
#[derive(Clone, Copy)]
pub struct SyncState {
    pub status: ReadSignal<Option<SyncStatus>>,
    /// The relay's sync address, when there is one.
    pub relay: ReadSignal<Option<String>>,
    /// Whether that relay was chosen in Settings (rather than the one serving the app).
    pub chosen: ReadSignal<bool>,
    /// Documents with changes the relay does not have yet, and how many; `None` until
    /// the relay has been reached once from this page.
    pub pending: ReadSignal<Option<Vec<(crate::store::DocumentId, usize)>>>,
    /// Every peer: the relay (when there is one), then each device linked directly.
    pub peers: ReadSignal<Vec<PeerView>>,
    /// The name this device gives itself when pairing.
    pub device_name: RwSignal<String>,
    /// Whether devices met through the relay are linked directly.
    pub introducing: RwSignal<bool>,
    /// The devices linked before, remembered on this device.
    pub known: RwSignal<KnownDevices>,
    /// How many other tabs of this browser have the app open.
    pub tabs: ReadSignal<usize>,
    /// Whether the relay said it does not give this device the workspace (a used,
    /// withdrawn or expired invitation; a removed device).
    pub workspace_refused: ReadSignal<bool>,
    /// What the relay last reported without closing the connection (a quota reached).
    pub relay_said: ReadSignal<Option<String>>,
    // The client lives as long as the page (App is never unmounted). It is not Send, so
    // it sits in the local arena.
    pub(super) client: StoredValue<Option<SyncClient<Rc<BrowserStorage>>>, LocalStorage>,
    // Who hears ephemeral messages: the client calls one function, which passes each
    // message to every part of the page listening (the workspace's presence, a plan's).
    pub(super) listeners: StoredValue<Vec<(u64, EphemeralListener)>, LocalStorage>,
    pub(super) next_listener: StoredValue<u64>,
}

/// The writing halves of [`SyncState`]'s signals, for what starts and runs the sync
/// client (`ui::boot`); pages only read them.
#[derive(Clone, Copy)]
pub struct SyncWriters {
    pub status: WriteSignal<Option<SyncStatus>>,
    pub relay: WriteSignal<Option<String>>,
    pub chosen: WriteSignal<bool>,
    pub pending: WriteSignal<Option<Vec<(crate::store::DocumentId, usize)>>>,
    pub peers: WriteSignal<Vec<PeerView>>,
    pub workspace_refused: WriteSignal<bool>,
    pub relay_said: WriteSignal<Option<String>>,
}

/// Hears an ephemeral message: the document, the sending session and the data.
pub(super) type EphemeralListener = Rc<dyn Fn(crate::store::DocumentId, &str, &[u8])>;

/// A part of the page listening to ephemeral messages, until [`SyncState::unlisten`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listening(u64);

impl SyncState {
    /// The signals of a page with no client yet (`ui::boot` starts it), counting the
    /// other tabs of this browser from now on.
    pub fn new() -> (Self, SyncWriters) {
        let (status, set_status) = signal(None);
        let (relay, set_relay) = signal(None);
        let (chosen, set_chosen) = signal(false);
        let (pending, set_pending) = signal(None);
        let (peers, set_peers) = signal(Vec::new());
        let (tabs, set_tabs) = signal(0usize);
        let (workspace_refused, set_workspace_refused) = signal(false);
        let (relay_said, set_relay_said) = signal(None);
        crate::sync::watch_other_tabs(move |count| set_tabs.set(count));
        let state = Self {
            status,
            relay,
            chosen,
            pending,
            peers,
            device_name: RwSignal::new(String::new()),
            introducing: RwSignal::new(true),
            known: RwSignal::new(KnownDevices::default()),
            tabs,
            workspace_refused,
            relay_said,
            client: StoredValue::new_local(None),
            listeners: StoredValue::new_local(Vec::new()),
            next_listener: StoredValue::new(0),
        };
        let writers = SyncWriters {
            status: set_status,
            relay: set_relay,
            chosen: set_chosen,
            pending: set_pending,
            peers: set_peers,
            workspace_refused: set_workspace_refused,
            relay_said: set_relay_said,
        };
        (state, writers)
    }

    /// Tells the others looking at `document` something not kept (presence).
    pub fn broadcast(&self, document: crate::store::DocumentId, data: &[u8]) {
        self.client.with_value(|client| {
            if let Some(client) = client {
                client.broadcast(document, data);
            }
        });
    }

    /// Hears what others say about `document`s (presence): session and data, until
    /// [`SyncState::unlisten`] (a page that goes away must stop listening).
    pub fn listen(
        &self,
        listener: impl Fn(crate::store::DocumentId, &str, &[u8]) + 'static,
    ) -> Listening {
        let id = self.next_listener.get_value();
        self.next_listener.set_value(id + 1);
        self.listeners
            .update_value(|all| all.push((id, Rc::new(listener))));
        Listening(id)
    }

    pub fn unlisten(&self, listening: Listening) {
        self.listeners
            .update_value(|all| all.retain(|(id, _)| *id != listening.0));
    }

    /// Passes one ephemeral message to everyone listening. They are copied out first:
    /// a listener may answer (broadcast) or stop listening while it runs.
    pub(super) fn hear(&self, document: crate::store::DocumentId, session: &str, data: &[u8]) {
        let listeners: Vec<EphemeralListener> = self
            .listeners
            .with_value(|all| all.iter().map(|(_, l)| l.clone()).collect());
        for listener in listeners {
            listener(document, session, data);
        }
    }

    /// Tries to sync now rather than at the next retry.
    pub fn sync_now(&self) {
        self.client.with_value(|client| {
            if let Some(client) = client {
                client.sync_now();
            }
        });
    }

    /// Syncs a private document (coaching notes) with the relay only, never with a
    /// device linked directly.
    pub fn share_privately(&self, handle: &crate::store::DocHandle<Rc<BrowserStorage>>) {
        self.client.with_value(|client| {
            if let Some(client) = client {
                client.share_privately(handle.clone());
            }
        });
    }

    /// Direct links carry only what the linked device's person may hold under the
    /// signed rules (`IdentityState::link_rights`), worked out again whenever the rules
    /// or the workspace's lists change.
    pub fn follow_link_rules(
        &self,
        state: crate::ui::WorkspaceState,
        identity: crate::ui::IdentityState,
    ) {
        let Ok(client) = self.client() else {
            return;
        };
        client.set_link_rules(move |signers| identity.link_rights(signers));
        let sync = *self;
        // An invitation vouching for a linked device (`LinkRights::invited`) stops doing so
        // when it expires, which changes nothing in the workspace: the rules are worked out
        // again then too (one timer for the next expiry).
        let expiry_watched = StoredValue::new(None::<i64>);
        let expired = RwSignal::new(0_u32);
        Effect::new(move |_| {
            identity.access.track();
            state.workspace.track();
            expired.track();
            if let Ok(client) = sync.client() {
                client.rules_changed();
            }
            let now = crate::store::now_millis();
            let next = identity.membership(|m| {
                m.and_then(|m| {
                    m.invitations()
                        .values()
                        .filter(|invited| invited.open_at(now))
                        .map(|invited| invited.expires)
                        .min()
                })
            });
            if next.is_some() && next != expiry_watched.get_value() {
                expiry_watched.set_value(next);
                let wait = next
                    .unwrap_or(now)
                    .saturating_sub(now)
                    .clamp(0, i32::MAX as i64 - 1);
                // Works the rules out again, and watches the next expiry (the page may
                // be gone by then: nothing to do).
                crate::timer::set_timeout(wait as i32 + 1, move || {
                    expired.try_update(|n| *n += 1);
                });
            }
        });
    }

    /// The client, to call across an await (it is a handle).
    fn client(&self) -> Result<SyncClient<Rc<BrowserStorage>>, String> {
        self.client
            .get_value()
            .ok_or_else(|| "sync has not started on this page yet".to_owned())
    }

    /// Makes a pairing offer sharing `shares`, for the person to show another device.
    pub async fn make_offer(&self, shares: Shares) -> Result<PairingOffer, String> {
        self.client()?.make_offer(shares).await
    }

    /// Answers another device's offer: the answer to show back, and its name.
    pub async fn answer_offer(&self, code: &str) -> Result<(String, String), String> {
        self.client()?.answer_offer(code).await
    }

    /// Completes this device's offer with the other's answer: its name.
    pub async fn complete_offer(&self, offer: &PairingOffer, code: &str) -> Result<String, String> {
        self.client()?.complete_offer(offer, code).await
    }

    /// The workspace a pairing offer invites this device to join, if it is another one's
    /// whole workspace that names its id.
    pub fn joinable(&self, code: &str) -> Option<crate::store::DocumentId> {
        self.client().ok()?.joinable(code)
    }

    /// Closes the direct link to a device.
    pub fn disconnect(&self, key: ConnectionId) {
        if let Ok(client) = self.client() {
            client.disconnect(key);
        }
    }

    /// Takes a closed link off the list.
    pub fn forget(&self, key: ConnectionId) {
        if let Ok(client) = self.client() {
            client.forget(key);
        }
    }

    /// Turns linking directly with devices met through the relay on or off (kept as a
    /// device setting).
    pub fn set_introducing(&self, on: bool, repo: &Repo<Rc<BrowserStorage>>) {
        self.introducing.set(on);
        if let Ok(client) = self.client() {
            client.set_introducing(on);
        }
        let repo = repo.clone();
        leptos::task::spawn_local(async move {
            let _ = repo.settings().set_introductions(on).await;
        });
    }

    /// Remembers each device whose link has just opened, given the peers as they are
    /// now (before `peers` is set to them), and keeps the list when it changed. The peers
    /// change on every edit while a link is open (what it still lacks changes), so only
    /// a link that was not open before is recorded.
    pub fn remember_linked(&self, peers: &[PeerView], repo: &Repo<Rc<BrowserStorage>>) {
        let opened: Vec<&PeerView> = self.peers.with_untracked(|before| {
            peers
                .iter()
                .filter(|p| {
                    p.is_open_link() && !before.iter().any(|b| b.key == p.key && b.is_open_link())
                })
                .collect()
        });
        if opened.is_empty() {
            return;
        }
        let now = crate::store::now_millis() as f64;
        let mut changed = false;
        self.known.update(|known| {
            for peer in opened {
                let documents = peer.only.as_ref().map(|d| d.iter().copied().collect());
                changed |= known.record(&peer.name, documents, now);
            }
        });
        if changed {
            self.keep_known(repo);
        }
    }

    /// Forgets a device linked before.
    pub fn forget_known(&self, name: &str, repo: &Repo<Rc<BrowserStorage>>) {
        self.known.update(|known| known.forget(name));
        self.keep_known(repo);
    }

    fn keep_known(&self, repo: &Repo<Rc<BrowserStorage>>) {
        let json = self.known.with_untracked(KnownDevices::to_json);
        let repo = repo.clone();
        leptos::task::spawn_local(async move {
            let _ = repo.settings().set_known_devices(&json).await;
        });
    }

    /// Renames this device (as other devices will see it when pairing next).
    pub fn rename_device(&self, name: String, repo: &Repo<Rc<BrowserStorage>>) {
        let name = name.trim().to_owned();
        if name.is_empty() {
            return;
        }
        self.device_name.set(name.clone());
        if let Ok(client) = self.client() {
            client.set_device_name(name.clone());
        }
        let repo = repo.clone();
        leptos::task::spawn_local(async move {
            let _ = repo.settings().set_device_name(&name).await;
        });
    }

    /// Syncs one more document (a plan) with the relay, when there is one.
    pub fn share(&self, handle: &crate::store::DocHandle<Rc<BrowserStorage>>) {
        self.client.with_value(|client| {
            if let Some(client) = client {
                client.share(handle.clone());
            }
        });
    }
}
