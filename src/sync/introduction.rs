//! Devices that meet through the relay connect directly: each hears the other's
//! ephemeral messages on the workspace document, one of the two sends a pairing offer
//! addressed to the other as an ephemeral message, and the other sends its answer back
//! the same way. The relay stays a plain automerge-repo relay (it passes ephemeral
//! messages on, as for presence), and once the direct link is open the two keep syncing
//! over it when the relay goes away.
//!
//! [`Introductions`] is the sans-IO part: who to offer a link to, when to give up on an
//! offer, and how many links to keep. The browser part lives in the sync client.
//!
//! ```
//! use throughline::sync::{Introduction, Introductions, PeerId};
//! let mut mine = Introductions::new("peer-a".into());
//! let other = PeerId::from("peer-b");
//! // Hearing a device with a later id: this side makes the offer.
//! assert!(mine.heard(&other, 0.0));
//! mine.offered(&other, 0.0);
//! assert!(!mine.heard(&other, 1_000.0)); // an offer is on its way
//! let message = Introduction { to: "peer-b".into(), code: "THL1…".into() };
//! assert_eq!(Introduction::decode(&message.encode()), Some(message));
//! ```

use std::collections::HashMap;

use minicbor::{Decoder, Encoder};

use super::PeerId;

/// Most direct links a device keeps with devices it met through the relay. A meeting
/// room's tablets form a full mesh; beyond this, devices sync through the relay.
pub const MAX_INTRODUCED_LINKS: usize = 8;
/// How long an offer may wait for its answer, in milliseconds.
pub const ANSWER_WAIT_MS: f64 = 20_000.0;
/// How long after an offer that went unanswered (or a link that closed) the same device
/// is offered a link again, in milliseconds.
pub const RETRY_AFTER_MS: f64 = 30_000.0;

/// A pairing offer or answer addressed to one device, as an ephemeral message's data:
/// the CBOR map `{"introduction": {"to": peer id, "code": pairing code}}`. Presence
/// readers skip it (it has no name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    /// The peer id of the device it is for; every other device ignores it.
    pub to: PeerId,
    /// A pairing code ([`super::pairing::PairingCode`]) as text.
    pub code: String,
}

impl Introduction {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut e = Encoder::new(&mut bytes);
        // Writing to a Vec cannot fail.
        let _ = e
            .map(1)
            .and_then(|e| e.str("introduction"))
            .and_then(|e| e.map(2))
            .and_then(|e| e.str("to"))
            .and_then(|e| e.str(self.to.as_str()))
            .and_then(|e| e.str("code"))
            .and_then(|e| e.str(&self.code));
        bytes
    }

    /// Reads an introduction; anything else (presence, another app's data) is `None`.
    pub fn decode(bytes: &[u8]) -> Option<Introduction> {
        let mut d = Decoder::new(bytes);
        if d.map().ok()?? != 1 || d.str().ok()? != "introduction" {
            return None;
        }
        let entries = d.map().ok()??;
        let (mut to, mut code) = (None, None);
        for _ in 0..entries {
            match d.str().ok()? {
                "to" => to = Some(d.str().ok()?.to_owned()),
                "code" => code = Some(d.str().ok()?.to_owned()),
                _ => d.skip().ok()?,
            }
        }
        // A pairing code is a few hundred characters; anything far longer is not one.
        let code = code.filter(|c| c.len() <= 2_000)?;
        Some(Introduction {
            to: PeerId::from(to?),
            code,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    /// This side sent an offer at this time and waits for the answer.
    Offered(f64),
    /// A link is open (or being set up from an answer).
    Linked,
    /// An offer went unanswered or a link closed at this time.
    Ended(f64),
}

/// Which devices met through the relay this device links to directly.
#[derive(Debug)]
pub struct Introductions {
    me: PeerId,
    devices: HashMap<PeerId, Standing>,
}

impl Introductions {
    pub fn new(me: PeerId) -> Self {
        Self {
            me,
            devices: HashMap::new(),
        }
    }

    fn linked(&self) -> usize {
        self.devices
            .values()
            .filter(|s| matches!(s, Standing::Linked | Standing::Offered(_)))
            .count()
    }

    /// Another device was heard through the relay at `now` (ms): whether this side
    /// should offer it a direct link now. Of two devices the one with the smaller id
    /// offers, so they never offer each other at once.
    pub fn heard(&mut self, peer: &PeerId, now: f64) -> bool {
        if peer == &self.me || &self.me > peer {
            return false;
        }
        match self.devices.get(peer) {
            Some(Standing::Linked) => false,
            Some(Standing::Offered(at)) if now - at < ANSWER_WAIT_MS => false,
            Some(Standing::Ended(at)) if now - at < RETRY_AFTER_MS => false,
            _ => {
                // An offer that waited too long counts as ended.
                if let Some(standing @ Standing::Offered(_)) = self.devices.get_mut(peer) {
                    *standing = Standing::Ended(now);
                    return false;
                }
                self.linked() < MAX_INTRODUCED_LINKS
            }
        }
    }

    /// This side sent `peer` an offer at `now`.
    pub fn offered(&mut self, peer: &PeerId, now: f64) {
        self.devices.insert(peer.clone(), Standing::Offered(now));
    }

    /// Whether an offer from `peer` should be answered (no link with it yet, and room
    /// for one).
    pub fn may_answer(&self, peer: &PeerId) -> bool {
        peer != &self.me
            && !matches!(self.devices.get(peer), Some(Standing::Linked))
            && self.linked() < MAX_INTRODUCED_LINKS
    }

    /// A link with `peer` is being made (an answer sent or received).
    pub fn linking(&mut self, peer: &PeerId) {
        self.devices.insert(peer.clone(), Standing::Linked);
    }

    /// The link with `peer` closed (or could not be made) at `now`.
    pub fn ended(&mut self, peer: &PeerId, now: f64) {
        self.devices.insert(peer.clone(), Standing::Ended(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str) -> PeerId {
        PeerId::from(id)
    }

    #[test]
    fn the_smaller_id_offers_once_and_retries_only_after_a_while() {
        let mut a = Introductions::new("a".into());
        let mut b = Introductions::new("b".into());
        assert!(a.heard(&p("b"), 0.0));
        assert!(!b.heard(&p("a"), 0.0), "only one side offers");
        a.offered(&p("b"), 0.0);
        assert!(!a.heard(&p("b"), 5_000.0));
        // No answer came: given up, then offered again after the wait.
        assert!(!a.heard(&p("b"), ANSWER_WAIT_MS + 1.0));
        assert!(!a.heard(&p("b"), ANSWER_WAIT_MS + 2.0));
        assert!(a.heard(&p("b"), ANSWER_WAIT_MS + RETRY_AFTER_MS + 2.0));
        // Linked: nothing more until the link ends.
        a.linking(&p("b"));
        assert!(!a.heard(&p("b"), 1e9));
        assert!(!b.may_answer(&p("b")));
        assert!(b.may_answer(&p("a")));
        a.ended(&p("b"), 1e9);
        assert!(a.heard(&p("b"), 1e9 + RETRY_AFTER_MS));
    }

    #[test]
    fn links_stop_at_the_mesh_limit() {
        let mut a = Introductions::new("a".into());
        for n in 0..MAX_INTRODUCED_LINKS {
            a.linking(&p(&format!("peer-{n}")));
        }
        assert!(!a.heard(&p("zed"), 0.0));
        assert!(!a.may_answer(&p("zed")));
    }

    #[test]
    fn other_data_is_not_an_introduction() {
        let presence = crate::sync::Presence {
            name: "Ana".into(),
            page: "Plans".into(),
            field: String::new(),
            leaving: false,
        };
        assert_eq!(Introduction::decode(&presence.encode()), None);
        assert_eq!(Introduction::decode(b""), None);
        let intro = Introduction {
            to: "b".into(),
            code: "THL1ABC".into(),
        };
        assert!(crate::sync::Presence::decode(&intro.encode()).is_err());
        let long = Introduction {
            to: "b".into(),
            code: "A".repeat(5_000),
        };
        assert_eq!(Introduction::decode(&long.encode()), None);
    }
}
