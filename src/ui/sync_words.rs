//! What the sync layer reports, in words for the person: why a connection is down, and
//! what a link carries. The sync layer gives states (`sync::Disconnected`,
//! `sync::pairing::Shares`); every sentence about them is made here.
//!
//! ```ignore
//! assert_eq!(why_disconnected(&Disconnected::NoNetwork), "this device has no network");
//! ```

use crate::sync::pairing::Shares;
use crate::sync::{Disconnected, PeerView};

/// Why a connection is down, as a phrase ("the relay cannot be reached").
pub fn why_disconnected(why: &Disconnected) -> String {
    match why {
        Disconnected::NoNetwork => "this device has no network".into(),
        Disconnected::NotARelayAddress { address } => format!("{address} is not a relay address"),
        Disconnected::RelayUnreachable => "the relay cannot be reached".into(),
        Disconnected::ProtocolError { reason } => format!("the connection was closed: {reason}"),
        Disconnected::ClosedHere => "closed on this device".into(),
        Disconnected::NotConnectedInTime => "the other device did not connect in time".into(),
        Disconnected::DeviceUnreachable => "the other device can no longer be reached".into(),
        Disconnected::ClosedThere => "the direct connection closed".into(),
        Disconnected::BadMessage => "the other device sent a message too large or malformed".into(),
        Disconnected::LinkFailed { reason } => reason.clone(),
    }
}

/// What a link carries ("the whole workspace", "one document"); `None` is the relay's.
pub fn what_it_carries(shares: Option<&Shares>) -> String {
    match shares {
        None => "every document this device has".into(),
        Some(Shares::Workspace) => "the whole workspace".into(),
        Some(Shares::Documents(documents)) if documents.len() == 1 => "one document".into(),
        Some(Shares::Documents(documents)) => format!("{} documents", documents.len()),
    }
}

/// A peer's name as a list shows it: the relay is "Relay", a device goes by the name it
/// gave itself.
pub fn peer_name(peer: &PeerView) -> String {
    if peer.direct {
        peer.name.clone()
    } else {
        "Relay".into()
    }
}
