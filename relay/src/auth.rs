//! Who is on a sync connection: the relay's challenges, and the proof a device answers
//! one with (`throughline::sync::relay_proof`).
//!
//! A challenge is made by the relay and signed with a key it makes at start, so it keeps
//! no list of challenges handed out: it checks its own signature and the time inside.
//! A challenge counts once, within [`CHALLENGE_LIFETIME`]; the ones redeemed are kept that
//! long to refuse a replay.
//!
//! ```
//! use throughline_relay::auth::Challenges;
//! let challenges = Challenges::new().unwrap();
//! let challenge = challenges.issue();
//! assert!(challenges.redeem(&challenge).is_ok());
//! assert!(challenges.redeem(&challenge).is_err()); // once only
//! ```

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::clock::now_ms;
use base64::Engine as _;
use throughline::model::identity::{DeviceKey, DeviceSecret, Purpose, Signature};
use throughline::model::DocumentId;
use throughline::sync::relay_proof::{ProofError, RelayProof};

/// How long a challenge may be answered.
pub const CHALLENGE_LIFETIME: Duration = Duration::from_secs(60);

/// A proven device on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The peer id it joins with (samod holds the connection to it).
    pub peer: String,
    pub device: DeviceKey,
    /// The workspace it syncs: the only one whose documents it may reach.
    pub workspace: DocumentId,
    /// An invitation it proved it holds, not accepted yet.
    pub invitation: Option<DeviceKey>,
}

/// A program's connection, by an admin's grant (`identity::Grant`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// What the admin named it.
    pub name: String,
    pub workspace: DocumentId,
    pub documents: std::collections::BTreeSet<DocumentId>,
    pub write: bool,
    /// Until when (ms since 1970).
    pub expires: i64,
    /// The admin's device that signed it: the grant holds while it is an admin.
    pub by: DeviceKey,
}

impl Granted {
    /// The grant a token carries, if its signature holds and it has not expired (whether
    /// its signer is an admin is for the workspace's rules to say).
    pub fn read(token: &str) -> Result<Granted, String> {
        let grant = throughline::model::identity::Grant::read(token).map_err(|e| e.to_string())?;
        if !grant.open_at(now_ms()) {
            return Err("the grant has expired".into());
        }
        let workspace = grant
            .workspace
            .parse()
            .map_err(|_| "the grant names no workspace".to_owned())?;
        Ok(Granted {
            name: grant.name,
            workspace,
            documents: grant
                .documents
                .iter()
                .filter_map(|d| d.parse().ok())
                .collect(),
            write: grant.write,
            expires: grant.expires,
            by: grant.by,
        })
    }
}

/// Why a connection's proof is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Proof(#[from] ProofError),
    #[error("the challenge was not made by this relay")]
    NotOurChallenge,
    #[error("the challenge is too old; ask for a new one")]
    StaleChallenge,
    #[error("the challenge was used already")]
    ReusedChallenge,
}

/// The relay's challenges.
pub struct Challenges {
    key: DeviceSecret,
    /// Redeemed challenges (their nonce) and when they stop counting (ms since 1970).
    redeemed: Mutex<HashMap<[u8; 16], u64>>,
}

impl Challenges {
    pub fn new() -> Result<Self, String> {
        Ok(Self {
            key: DeviceSecret::generate().map_err(|e| e.to_string())?,
            redeemed: Mutex::new(HashMap::new()),
        })
    }

    /// A fresh challenge: the time, a random nonce and the relay's signature, in base64url.
    pub fn issue(&self) -> String {
        let mut nonce = [0u8; 16];
        // Without randomness every challenge would carry the same nonce; the time still
        // differs, and redeeming refuses the second use of one nonce.
        let _ = getrandom::fill(&mut nonce);
        let mut payload = Vec::with_capacity(8 + 16 + 64);
        // Written as unsigned (a clock before 1970 reads as 0).
        payload.extend_from_slice(&(now_ms().max(0) as u64).to_be_bytes());
        payload.extend_from_slice(&nonce);
        let signature = self.key.sign(Purpose::Challenge, &payload);
        payload.extend_from_slice(signature.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
    }

    /// Checks that `challenge` is this relay's, fresh and not used before, and uses it.
    pub fn redeem(&self, challenge: &str) -> Result<(), AuthError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(challenge)
            .map_err(|_| AuthError::NotOurChallenge)?;
        if bytes.len() != 8 + 16 + 64 {
            return Err(AuthError::NotOurChallenge);
        }
        let (payload, signature) = bytes.split_at(24);
        let mut signature_bytes = [0u8; 64];
        signature_bytes.copy_from_slice(signature);
        let signature = Signature::from_bytes(signature_bytes);
        if !self
            .key
            .public()
            .verifies(Purpose::Challenge, payload, &signature)
        {
            return Err(AuthError::NotOurChallenge);
        }
        let mut time = [0u8; 8];
        time.copy_from_slice(&payload[..8]);
        let issued = u64::from_be_bytes(time);
        let now = now_ms().max(0) as u64;
        let lifetime = CHALLENGE_LIFETIME.as_millis() as u64;
        if now > issued + lifetime || issued > now + 5_000 {
            return Err(AuthError::StaleChallenge);
        }
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&payload[8..24]);
        let mut redeemed = self
            .redeemed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        redeemed.retain(|_, until| *until > now);
        if redeemed.contains_key(&nonce) {
            return Err(AuthError::ReusedChallenge);
        }
        redeemed.insert(nonce, issued + lifetime);
        Ok(())
    }

    /// The session a client's offered subprotocols prove, if they carry a proof: `None`
    /// for a client that offers none (it syncs only what is open to anyone).
    pub fn authenticate(&self, offered: &str) -> Result<Option<Session>, AuthError> {
        let Some(proof) = RelayProof::from_protocols(offered)? else {
            return Ok(None);
        };
        proof.check()?;
        let workspace = proof.workspace_id()?;
        self.redeem(&proof.challenge)?;
        Ok(Some(Session {
            peer: proof.peer,
            device: proof.device,
            workspace,
            invitation: proof.invitation.map(|i| i.key),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use throughline::sync::relay_proof::{peer_id_for, SYNC_PROTOCOL};

    #[test]
    fn another_relay_s_or_a_tampered_challenge_is_refused() {
        let ours = Challenges::new().unwrap();
        let theirs = Challenges::new().unwrap();
        assert_eq!(
            ours.redeem(&theirs.issue()),
            Err(AuthError::NotOurChallenge)
        );
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(ours.issue())
            .unwrap();
        // Moves the time forward by a day.
        bytes[4] ^= 0x10;
        let tampered = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(ours.redeem(&tampered), Err(AuthError::NotOurChallenge));
        assert_eq!(ours.redeem("short"), Err(AuthError::NotOurChallenge));
    }

    #[test]
    fn a_proof_names_its_session_once() {
        let relay = Challenges::new().unwrap();
        let device = DeviceSecret::from_seed([9; 32]);
        let peer = peer_id_for(&device.public());
        let workspace = DocumentId::random();
        let proof = RelayProof::sign(&relay.issue(), &peer, &workspace, &device, None);
        let offered = format!("{SYNC_PROTOCOL}, {}", proof.to_protocol());
        let session = relay.authenticate(&offered).unwrap().unwrap();
        assert_eq!(session.device, device.public());
        assert_eq!(session.workspace, workspace);
        assert_eq!(session.peer, peer.as_str());
        assert_eq!(
            relay.authenticate(&offered),
            Err(AuthError::ReusedChallenge)
        );
        assert_eq!(relay.authenticate(SYNC_PROTOCOL), Ok(None));
    }
}
