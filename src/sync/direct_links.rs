//! (wasm) The sync client's direct links to other devices: made by pairing codes shown
//! and read by people ([`SyncClient::make_offer`], [`SyncClient::answer_offer`],
//! [`SyncClient::complete_offer`]), or by introductions through the relay
//! ([`super::introduction`]). Each link is one more connection of the same engine,
//! limited to what its pairing shares.

use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;

use super::client::{Client, SyncClient};
use super::engine::{ConnectionId, Event};
use super::introduction::{Introduction, ANSWER_WAIT_MS};
use super::link_scope::{scope_of, LinkRights};
use super::pairing::{
    Connection, Kind, PairingCode, PairingError, Shares, Signers, WorkspaceTag, VALID_FOR_SECONDS,
};
use super::peer_link::PeerLink;
use super::{Disconnected, PeerId};
use crate::store::{DocumentId, Storage};

/// How long a link answered by a person may wait for the other device to read the
/// answer: as long as a code is valid.
const ANSWER_READ_MS: u32 = (VALID_FOR_SECONDS * 1000) as u32;
/// How long a link may take to open once both codes are known (or for devices that met
/// through the relay).
const OPEN_WAIT_MS: u32 = 30_000;

/// How a connection to a peer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Open,
    /// Closed, and why.
    Closed(Disconnected),
}

/// Works out a linked device's rights from who signed its pairing code (its key, none if
/// it signed nothing, and an invitation vouching for it).
pub(super) type LinkRules = Box<dyn Fn(&Signers) -> LinkRights>;

/// One direct link, open or closed.
pub(super) struct Direct {
    pub(super) link: Rc<PeerLink>,
    /// The name the other device gave itself.
    pub(super) name: String,
    /// Who signed the other device's pairing code: its key (the device at the other end
    /// of the link, since the code carries the link's fingerprint), and an invitation it
    /// holds and has not accepted yet.
    pub(super) signers: Signers,
    pub(super) shares: Shares,
    pub(super) state: LinkState,
    /// The other device's peer id, once its handshake is done.
    pub(super) peer: Option<PeerId>,
    /// The documents it carries that it does not have all of yet.
    pub(super) unsynced: HashSet<DocumentId>,
}

/// An offer this device sent through the relay, waiting for its answer.
pub(super) struct PendingOffer {
    pub(super) to: PeerId,
    pub(super) code: PairingCode,
    pub(super) link: Rc<PeerLink>,
}

/// An offer this device made for a person to show to another device.
pub struct PairingOffer {
    code: PairingCode,
    text: String,
    link: Rc<PeerLink>,
}

impl PairingOffer {
    /// The code to show (as text and as a QR code).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Seconds since 1970, as pairing codes count.
fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn random_pairing_id() -> [u8; 8] {
    let mut id = [0u8; 8];
    id.copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..8]);
    id
}

impl<S: Storage + 'static> SyncClient<S> {
    /// Makes an offer that shares `shares`, for a person to show to another device.
    pub async fn make_offer(&self, shares: Shares) -> Result<PairingOffer, String> {
        let (link, connection) = PeerLink::offer().await?;
        // A device with no workspace yet may join this one by the code.
        let joins = matches!(shares, Shares::Workspace).then_some(self.client.workspace);
        let code = self.client.offer_code(shares, joins, connection);
        Ok(PairingOffer {
            text: self.client.encoded(&code),
            code,
            link: Rc::new(link),
        })
    }

    /// Reads another device's offer and links to it: the answer to show back, and the
    /// other device's name. A code that is not an offer for this workspace, or has
    /// expired, is refused and nothing is kept.
    pub async fn answer_offer(&self, text: &str) -> Result<(String, String), String> {
        let (offer, signers) =
            PairingCode::decode_signed(text, now_seconds()).map_err(|e| e.to_string())?;
        offer
            .check_offer_for(&self.client.workspace)
            .map_err(|e| e.to_string())?;
        let (link, connection) = PeerLink::answer(&offer.connection).await?;
        let answer = self.client.answer_code(&offer, connection);
        self.client.add_link(
            Rc::new(link),
            offer.device.clone(),
            signers,
            offer.shares,
            false,
            ANSWER_READ_MS,
        );
        Ok((self.client.encoded(&answer), offer.device))
    }

    /// Completes `offer` with the other device's answer: the link opens. An answer to
    /// another offer, or an expired one, is refused and the offer still stands.
    pub async fn complete_offer(&self, offer: &PairingOffer, text: &str) -> Result<String, String> {
        let (answer, signers) =
            PairingCode::decode_signed(text, now_seconds()).map_err(|e| e.to_string())?;
        answer
            .check_answers(&offer.code)
            .map_err(|e| e.to_string())?;
        let key = self.client.add_link(
            Rc::clone(&offer.link),
            answer.device.clone(),
            signers,
            offer.code.shares.clone(),
            true,
            OPEN_WAIT_MS,
        );
        if let Err(error) = offer.link.complete(&answer.connection).await {
            self.client.links.borrow_mut().remove(&key);
            self.client.tell_peers();
            return Err(error);
        }
        Ok(answer.device)
    }

    /// The workspace an offer invites this device to join: an offer of a whole workspace
    /// other than this device's, that names its id. (Joining is the page's to do: it
    /// opens that workspace instead of this one.)
    pub fn joinable(&self, text: &str) -> Option<DocumentId> {
        let offer = PairingCode::decode(text, now_seconds()).ok()?;
        match offer.check_offer_for(&self.client.workspace) {
            Err(PairingError::OtherWorkspace) => offer.joins,
            _ => None,
        }
    }

    /// How to work out what a linked device's person may hold. Each link carries only
    /// that (and only what its pairing shares); call [`SyncClient::rules_changed`] when
    /// the rules may have changed.
    pub fn set_link_rules(&self, rules: impl Fn(&Signers) -> LinkRights + 'static) {
        *self.client.link_rules.borrow_mut() = Some(Box::new(rules));
        self.rules_changed();
    }

    /// Works out again what each link carries (someone removed, a review listed): a
    /// document no longer allowed stops travelling at once; one newly allowed is offered.
    pub fn rules_changed(&self) {
        let client = &self.client;
        let links: Vec<(ConnectionId, Shares, Signers)> = client
            .links
            .borrow()
            .iter()
            .filter(|(_, d)| !matches!(d.state, LinkState::Closed(_)))
            .map(|(key, d)| (*key, d.shares.clone(), d.signers))
            .collect();
        let mut newly: BTreeSet<DocumentId> = BTreeSet::new();
        for (connection, shares, signers) in links {
            let rights = client.rights_of(&signers);
            let mut engine = client.engine.borrow_mut();
            engine.set_read_only(connection, rights.reads_only());
            engine.set_checked_parts(connection, rights.person(), rights.checked());
            drop(engine);
            let scope = scope_of(&shares, rights);
            let before = client.engine.borrow().scope(connection);
            if before.as_ref() == Some(&scope) {
                continue;
            }
            let documents: Vec<DocumentId> = client.documents.borrow().keys().copied().collect();
            {
                let engine = client.engine.borrow();
                let carried_before: BTreeSet<DocumentId> = documents
                    .iter()
                    .filter(|d| engine.carries(connection, d))
                    .copied()
                    .collect();
                drop(engine);
                client.engine.borrow_mut().set_scope(connection, scope);
                let engine = client.engine.borrow();
                newly.extend(
                    documents
                        .iter()
                        .filter(|d| engine.carries(connection, d) && !carried_before.contains(d)),
                );
            }
        }
        for document in newly {
            client.event(Event::Changed { document });
        }
    }

    /// Closes the link to a device (it stays listed as closed).
    pub fn disconnect(&self, key: ConnectionId) {
        self.client.close_link(key, Disconnected::ClosedHere);
    }

    /// Takes a closed link off the list.
    pub fn forget(&self, key: ConnectionId) {
        let removed = {
            let mut links = self.client.links.borrow_mut();
            match links.get(&key) {
                Some(direct) if matches!(direct.state, LinkState::Closed(_)) => {
                    links.remove(&key);
                    true
                }
                _ => false,
            }
        };
        if removed {
            self.client.tell_peers();
        }
    }
}

impl<S: Storage + 'static> Client<S> {
    /// A code as text, signed by this device's key in a workspace with rules (someone
    /// claimed it), where the other device needs to know whose device this is, and by an
    /// invitation this device holds and has not accepted (a device waiting for the
    /// workspace it is invited to, which has no rules yet). With neither, the code stays
    /// short enough to type (the signature adds 96 bytes, the invitation's 97).
    fn encoded(&self, code: &PairingCode) -> String {
        let has_rules = self.rights_of(&Signers::default()) != LinkRights::Everything;
        match &self.keys {
            Some(keys) if has_rules || keys.invitation.is_some() => {
                code.encode_signed(&keys.device, keys.invitation.as_ref())
            }
            _ => code.encode(),
        }
    }

    /// What the person of the device that `signers` name may hold (everything while no
    /// rules are set).
    pub(super) fn rights_of(&self, signers: &Signers) -> LinkRights {
        match &*self.link_rules.borrow() {
            Some(rules) => rules(signers),
            None => LinkRights::Everything,
        }
    }

    /// This device's offer, sharing `shares`.
    fn offer_code(
        &self,
        shares: Shares,
        joins: Option<DocumentId>,
        connection: Connection,
    ) -> PairingCode {
        PairingCode {
            kind: Kind::Offer,
            pairing: random_pairing_id(),
            created_at: now_seconds(),
            device: self.device_name.borrow().clone(),
            workspace: WorkspaceTag::of(&self.workspace),
            shares,
            joins,
            connection,
        }
    }

    /// This device's answer to `offer`.
    fn answer_code(&self, offer: &PairingCode, connection: Connection) -> PairingCode {
        PairingCode {
            kind: Kind::Answer,
            created_at: now_seconds(),
            device: self.device_name.borrow().clone(),
            connection,
            joins: None,
            ..offer.clone()
        }
    }

    /// Adds a link as a connection of the engine, limited to `shares`. The side that
    /// offered says hello once the channel opens; the other waits for it.
    pub(super) fn add_link(
        self: &Rc<Self>,
        link: Rc<PeerLink>,
        name: String,
        signers: Signers,
        shares: Shares,
        offered: bool,
        wait_ms: u32,
    ) -> ConnectionId {
        let connection = self.next_link.get();
        self.next_link.set(connection + 1);
        // A link that never opens (the other device never read the answer, or cannot be
        // reached) is given up after `wait_ms` rather than shown "connecting" for good.
        let weak = Rc::downgrade(self);
        crate::timer::set_timeout(wait_ms as i32, move || {
            let Some(client) = weak.upgrade() else { return };
            let waiting = matches!(
                client.links.borrow().get(&connection).map(|d| &d.state),
                Some(LinkState::Connecting)
            );
            if waiting {
                client.close_link(connection, Disconnected::NotConnectedInTime);
            }
        });
        let rights = self.rights_of(&signers);
        let mut engine = self.engine.borrow_mut();
        engine.set_read_only(connection, rights.reads_only());
        engine.set_checked_parts(connection, rights.person(), rights.checked());
        engine.set_scope(connection, scope_of(&shares, rights));
        drop(engine);
        let weak = Rc::downgrade(self);
        link.on_open(move |()| {
            if let Some(client) = weak.upgrade() {
                if offered {
                    client.event(Event::Connected { connection });
                }
            }
        });
        let weak = Rc::downgrade(self);
        link.on_message(move |bytes| {
            if let Some(client) = weak.upgrade() {
                client.event(Event::Received {
                    connection,
                    bytes: &bytes,
                });
            }
        });
        let weak = Rc::downgrade(self);
        link.on_closed(move |reason| {
            if let Some(client) = weak.upgrade() {
                client.close_link(connection, reason);
            }
        });
        self.links.borrow_mut().insert(
            connection,
            Direct {
                link,
                name,
                signers,
                shares,
                state: LinkState::Connecting,
                peer: None,
                unsynced: HashSet::new(),
            },
        );
        if !offered {
            self.event(Event::Accepted { connection });
        }
        self.tell_peers();
        connection
    }

    /// The handshake on a link finished: it is open, and the engine syncs over it.
    pub(super) fn link_ready(&self, connection: ConnectionId, peer: PeerId) {
        let mut links = self.links.borrow_mut();
        // The same device linked again: its old, closed entry goes.
        links.retain(|key, direct| {
            *key == connection
                || direct.peer.as_ref() != Some(&peer)
                || !matches!(direct.state, LinkState::Closed(_))
        });
        if let Some(direct) = links.get_mut(&connection) {
            direct.peer = Some(peer.clone());
            direct.state = LinkState::Open;
        }
        drop(links);
        self.introductions.borrow_mut().linking(&peer);
    }

    /// Closes a link (the engine asked, the channel closed, or the person chose to).
    pub(super) fn close_link(self: &Rc<Self>, connection: ConnectionId, reason: Disconnected) {
        let peer = {
            let mut links = self.links.borrow_mut();
            let Some(direct) = links.get_mut(&connection) else {
                return;
            };
            if matches!(direct.state, LinkState::Closed(_)) {
                return;
            }
            direct.state = LinkState::Closed(reason);
            direct.link.close();
            direct.peer.clone()
        };
        self.event(Event::Closed { connection });
        if let Some(peer) = peer {
            self.introductions
                .borrow_mut()
                .ended(&peer, js_sys::Date::now());
        }
        self.tell_peers();
    }

    /// Handles an ephemeral message on the workspace from `session`: an introduction
    /// for this device is acted on, and any message tells that the device can be
    /// reached (it may be offered a link). Whether the message was an introduction (not
    /// for the presence listeners).
    pub(super) fn introduction(self: &Rc<Self>, session: &str, data: &[u8]) -> bool {
        // An engine's ephemeral session is named by its peer id.
        let peer = PeerId::from(session);
        let Some(introduction) = Introduction::decode(data) else {
            let now = js_sys::Date::now();
            if self.introducing.get() && self.introductions.borrow_mut().heard(&peer, now) {
                self.introductions.borrow_mut().offered(&peer, now);
                let client = Rc::clone(self);
                let to = peer;
                wasm_bindgen_futures::spawn_local(async move { client.introduce(to).await });
            }
            return false;
        };
        if self.introducing.get() && &introduction.to == self.engine.borrow().peer_id() {
            let client = Rc::clone(self);
            let from = peer;
            wasm_bindgen_futures::spawn_local(async move {
                client.introduced(from, introduction.code).await
            });
        }
        true
    }

    /// No link with `peer` this time (the browser could not make one): said in the
    /// console, and tried again later.
    fn gave_up(&self, peer: &PeerId, error: &str) {
        web_sys::console::warn_1(&format!("no direct link with another device: {error}").into());
        self.introductions
            .borrow_mut()
            .ended(peer, js_sys::Date::now());
    }

    /// Offers `to` a direct link through the relay.
    async fn introduce(self: Rc<Self>, to: PeerId) {
        // Offers that were never answered are closed (they hold a connection open).
        let now = now_seconds();
        self.offers.borrow_mut().retain(|offer| {
            let waiting = now.saturating_sub(offer.code.created_at) * 1000;
            let keep = (waiting as f64) < ANSWER_WAIT_MS;
            if !keep {
                offer.link.close();
            }
            keep
        });
        let (link, connection) = match PeerLink::offer().await {
            Ok(made) => made,
            Err(error) => return self.gave_up(&to, &error),
        };
        let code = self.offer_code(Shares::Workspace, None, connection);
        let message = Introduction {
            to: to.clone(),
            code: self.encoded(&code),
        };
        self.offers.borrow_mut().push(PendingOffer {
            to,
            code,
            link: Rc::new(link),
        });
        let workspace = self.workspace;
        self.event(Event::Broadcast {
            document: workspace,
            data: &message.encode(),
        });
    }

    /// Acts on an introduction addressed to this device: answers an offer, or completes
    /// this device's offer with its answer.
    async fn introduced(self: Rc<Self>, from: PeerId, text: String) {
        let (code, signers) = match PairingCode::decode_signed(&text, now_seconds()) {
            Ok(read) => read,
            Err(error) => {
                web_sys::console::warn_1(&format!("an introduction was refused: {error}").into());
                return;
            }
        };
        match code.kind {
            Kind::Offer => {
                if code.check_offer_for(&self.workspace).is_err()
                    || !self.introductions.borrow().may_answer(&from)
                {
                    return;
                }
                self.introductions.borrow_mut().linking(&from);
                let (link, connection) = match PeerLink::answer(&code.connection).await {
                    Ok(made) => made,
                    Err(error) => return self.gave_up(&from, &error),
                };
                let answer = self.answer_code(&code, connection);
                self.add_link(
                    Rc::new(link),
                    code.device,
                    signers,
                    Shares::Workspace,
                    false,
                    OPEN_WAIT_MS,
                );
                let message = Introduction {
                    to: from,
                    code: self.encoded(&answer),
                };
                let workspace = self.workspace;
                self.event(Event::Broadcast {
                    document: workspace,
                    data: &message.encode(),
                });
            }
            Kind::Answer => {
                let pending = {
                    let mut offers = self.offers.borrow_mut();
                    let Some(index) = offers
                        .iter()
                        .position(|o| o.to == from && code.check_answers(&o.code).is_ok())
                    else {
                        return;
                    };
                    offers.remove(index)
                };
                self.introductions.borrow_mut().linking(&from);
                let key = self.add_link(
                    Rc::clone(&pending.link),
                    code.device.clone(),
                    signers,
                    Shares::Workspace,
                    true,
                    OPEN_WAIT_MS,
                );
                if let Err(error) = pending.link.complete(&code.connection).await {
                    web_sys::console::warn_1(&format!("no direct link: {error}").into());
                    self.close_link(key, Disconnected::LinkFailed { reason: error });
                }
            }
        }
    }
}
