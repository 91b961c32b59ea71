//! How a device proves its key to a relay before it syncs.
//!
//! The relay hands out a fresh challenge (`GET …/sync/challenge`, signed by the relay and
//! good for a minute, once). The device signs the challenge together with the peer id it
//! will join with and the workspace it syncs, and offers that proof as a WebSocket
//! subprotocol beside [`SYNC_PROTOCOL`]: a browser cannot set headers on a WebSocket, and
//! a secret in a URL ends up in logs. A device that holds an invitation it has not
//! accepted yet proves it holds the invitation's secret too, so the relay lets it fetch
//! the workspace it is invited to.
//!
//! The peer id names the device key ([`peer_id_for`]): the relay binds the connection to
//! that id, so nobody else can speak under it.
//!
//! ```
//! use throughline::model::identity::DeviceSecret;
//! use throughline::model::DocumentId;
//! use throughline::sync::relay_proof::{peer_id_for, RelayProof};
//! let device = DeviceSecret::from_seed([7; 32]);
//! let workspace = DocumentId::random();
//! let peer = peer_id_for(&device.public());
//! let proof = RelayProof::sign("a-challenge", &peer, &workspace, &device, None);
//! let offered = format!("throughline-sync.v1, {}", proof.to_protocol());
//! let read = RelayProof::from_protocols(&offered).unwrap().unwrap();
//! assert_eq!(read.check(), Ok(()));
//! assert_eq!(read.device, device.public());
//! ```

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::PeerId;
use crate::model::identity::{DeviceKey, DeviceSecret, Purpose, Signature};
use crate::model::DocumentId;

/// The subprotocol a Throughline client asks for; the relay answers with it.
pub const SYNC_PROTOCOL: &str = "throughline-sync.v1";

/// What starts the subprotocol that carries a proof.
const PROOF_PREFIX: &str = "tl-proof.";

/// What starts the peer id of a device that proves its key.
const PEER_PREFIX: &str = "tl1.";

/// A device's proof of its key, for one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayProof {
    /// The relay's challenge, as handed out.
    pub challenge: String,
    /// The peer id the device joins with.
    pub peer: String,
    /// The workspace document the device syncs.
    pub workspace: String,
    pub device: DeviceKey,
    pub signature: Signature,
    /// An invitation the device holds and has not accepted yet: its key and a signature
    /// by its secret over the same message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<InvitationProof>,
}

/// Proof of holding an invitation's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationProof {
    pub key: DeviceKey,
    pub signature: Signature,
}

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the proof cannot be read")]
    Unreadable,
    #[error("the peer id does not name the device that signed")]
    PeerNotTheDevice,
    #[error("the device's signature does not hold")]
    BadSignature,
    #[error("the invitation's signature does not hold")]
    BadInvitationSignature,
    #[error("the workspace is not a document id")]
    NotAWorkspace,
}

/// A new peer id for a device that proves `device` to the relay: it names the key, and
/// a random part keeps two tabs of the device apart.
pub fn peer_id_for(device: &DeviceKey) -> PeerId {
    let random = uuid::Uuid::new_v4().simple().to_string();
    PeerId::from(format!("{PEER_PREFIX}{device}.{}", &random[..12]))
}

/// The device a peer id names, when it is one a device proving its key uses.
pub fn device_of_peer(peer: &str) -> Option<DeviceKey> {
    let rest = peer.strip_prefix(PEER_PREFIX)?;
    let (key, _) = rest.split_once('.')?;
    key.parse().ok()
}

/// Whether a peer id is of the kind only a proven device may join with.
pub fn is_proven_peer_id(peer: &str) -> bool {
    peer.starts_with(PEER_PREFIX)
}

/// Whether the relay at `url` (`ws://host:port/…`) is on `host` (a page's `host:port`).
pub fn same_host(url: &str, host: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    !host.is_empty() && authority.eq_ignore_ascii_case(host)
}

impl RelayProof {
    /// Signs `challenge` for joining as `peer` to sync `workspace`.
    pub fn sign(
        challenge: &str,
        peer: &PeerId,
        workspace: &DocumentId,
        device: &DeviceSecret,
        invitation: Option<&DeviceSecret>,
    ) -> Self {
        let message = message(challenge, peer.as_str(), &workspace.to_string());
        Self {
            challenge: challenge.to_owned(),
            peer: peer.as_str().to_owned(),
            workspace: workspace.to_string(),
            device: device.public(),
            signature: device.sign(Purpose::Challenge, &message),
            invitation: invitation.map(|secret| InvitationProof {
                key: secret.public(),
                signature: secret.sign(Purpose::Challenge, &message),
            }),
        }
    }

    /// The subprotocol that carries this proof.
    pub fn to_protocol(&self) -> String {
        // Serialising our own plain struct cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!(
            "{PROOF_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        )
    }

    /// The proof among the subprotocols a client offered (`Sec-WebSocket-Protocol`, comma
    /// separated), if it offered one.
    pub fn from_protocols(offered: &str) -> Result<Option<Self>, ProofError> {
        let Some(token) = offered
            .split(',')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(PROOF_PREFIX))
        else {
            return Ok(None);
        };
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| ProofError::Unreadable)?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|_| ProofError::Unreadable)
    }

    /// Checks the signatures and that the peer id names the device. (Whether the
    /// challenge is fresh is for the relay that made it to say.)
    pub fn check(&self) -> Result<(), ProofError> {
        if device_of_peer(&self.peer) != Some(self.device) {
            return Err(ProofError::PeerNotTheDevice);
        }
        self.workspace_id()?;
        let message = message(&self.challenge, &self.peer, &self.workspace);
        if !self
            .device
            .verifies(Purpose::Challenge, &message, &self.signature)
        {
            return Err(ProofError::BadSignature);
        }
        if let Some(invitation) = &self.invitation {
            if !invitation
                .key
                .verifies(Purpose::Challenge, &message, &invitation.signature)
            {
                return Err(ProofError::BadInvitationSignature);
            }
        }
        Ok(())
    }

    /// The workspace this proof is for.
    pub fn workspace_id(&self) -> Result<DocumentId, ProofError> {
        self.workspace
            .parse()
            .map_err(|_| ProofError::NotAWorkspace)
    }
}

/// What the device (and an invitation) sign: the challenge, the peer id and the
/// workspace, each on its own line.
fn message(challenge: &str, peer: &str, workspace: &str) -> Vec<u8> {
    format!("{challenge}\n{peer}\n{workspace}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(invitation: Option<&DeviceSecret>) -> (DeviceSecret, RelayProof) {
        let device = DeviceSecret::from_seed([1; 32]);
        let peer = peer_id_for(&device.public());
        let proof = RelayProof::sign("c", &peer, &DocumentId::random(), &device, invitation);
        (device, proof)
    }

    #[test]
    fn a_proof_survives_the_subprotocol_header() {
        let invitation = DeviceSecret::from_seed([2; 32]);
        let (_, proof) = proof(Some(&invitation));
        let header = format!("{SYNC_PROTOCOL}, {}", proof.to_protocol());
        let read = RelayProof::from_protocols(&header).unwrap().unwrap();
        assert_eq!(read, proof);
        assert_eq!(read.check(), Ok(()));
        assert_eq!(RelayProof::from_protocols(SYNC_PROTOCOL), Ok(None));
        assert_eq!(
            RelayProof::from_protocols("tl-proof.%%%"),
            Err(ProofError::Unreadable)
        );
    }

    #[test]
    fn a_proof_for_another_peer_workspace_or_key_does_not_hold() {
        let (_, proof) = proof(None);
        let mut other_peer = proof.clone();
        other_peer.peer = peer_id_for(&proof.device).as_str().to_owned();
        assert_eq!(other_peer.check(), Err(ProofError::BadSignature));
        let mut other_workspace = proof.clone();
        other_workspace.workspace = DocumentId::random().to_string();
        assert_eq!(other_workspace.check(), Err(ProofError::BadSignature));
        let someone = DeviceSecret::from_seed([3; 32]).public();
        let mut other_device = proof.clone();
        other_device.device = someone;
        assert_eq!(other_device.check(), Err(ProofError::PeerNotTheDevice));
        let mut borrowed_peer = proof.clone();
        borrowed_peer.peer = peer_id_for(&someone).as_str().to_owned();
        assert_eq!(borrowed_peer.check(), Err(ProofError::PeerNotTheDevice));
    }

    #[test]
    fn an_invitation_must_be_signed_by_its_own_secret() {
        let invitation = DeviceSecret::from_seed([2; 32]);
        let (_, mut proof) = proof(Some(&invitation));
        if let Some(held) = proof.invitation.as_mut() {
            held.key = DeviceSecret::from_seed([4; 32]).public();
        }
        assert_eq!(proof.check(), Err(ProofError::BadInvitationSignature));
    }

    #[test]
    fn a_relay_is_this_site_s_only_on_the_same_host_and_port() {
        assert!(same_host("ws://127.0.0.1:8080/sync", "127.0.0.1:8080"));
        assert!(same_host(
            "wss://plans.example/sub/sync?token=x",
            "plans.example"
        ));
        assert!(!same_host("ws://127.0.0.1:9090/sync", "127.0.0.1:8080"));
        assert!(!same_host("wss://relay.example/sync", "plans.example"));
        assert!(!same_host("ws://127.0.0.1:8080/sync", ""));
    }

    #[test]
    fn only_a_proven_peer_id_names_a_device() {
        let device = DeviceSecret::from_seed([1; 32]).public();
        let peer = peer_id_for(&device);
        assert_eq!(device_of_peer(peer.as_str()), Some(device));
        assert!(is_proven_peer_id(peer.as_str()));
        assert_eq!(device_of_peer("throughline-abc"), None);
        assert!(!is_proven_peer_id("throughline-abc"));
    }
}
