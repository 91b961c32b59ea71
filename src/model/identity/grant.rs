//! A grant: what an admin lets a program sync (a plain automerge-repo peer, a script, a
//! report builder): some documents of the workspace, read-only or read and write, until
//! a date. The admin's device signs it; it travels as a token in the program's sync
//! address (`…/sync?grant=…`), and the relay checks on every connection and every
//! decision that the signature holds, that its signer is still an admin of that
//! workspace, and that it has not expired. A grant names its documents, so a program
//! never reaches more than it was given.
//!
//! ```
//! use throughline::model::identity::{DeviceSecret, Grant};
//! use throughline::model::DocumentId;
//! let admin = DeviceSecret::from_seed([4; 32]);
//! let plan = DocumentId::random();
//! let grant = Grant {
//!     name: "Board dashboard".into(),
//!     workspace: DocumentId::random().to_string(),
//!     documents: vec![plan.to_string()],
//!     write: false,
//!     expires: 1_900_000_000_000,
//!     by: admin.public(),
//! };
//! let token = grant.sign(&admin);
//! assert_eq!(Grant::read(&token), Ok(grant));
//! assert!(Grant::read(&token.replace('.', "x")).is_err());
//! ```

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{DeviceKey, DeviceSecret, Purpose, Signature};

/// What a program may sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// What the program is, as the admin named it.
    pub name: String,
    /// The workspace document's id.
    pub workspace: String,
    /// The documents it may sync, by id.
    pub documents: Vec<String>,
    /// Whether it may change them (otherwise its changes are refused).
    pub write: bool,
    /// Until when (ms since 1970).
    pub expires: i64,
    /// The admin's device that signed it.
    pub by: DeviceKey,
}

/// Why a token is not a grant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the grant cannot be read")]
    Unreadable,
    #[error("the grant's signature does not hold")]
    BadSignature,
}

impl Grant {
    /// The token: the grant's JSON and the signature, each in base64url, joined by a dot.
    pub fn sign(&self, secret: &DeviceSecret) -> String {
        // Serialising our own plain struct cannot fail.
        let payload = serde_json::to_vec(self).unwrap_or_default();
        let signature = secret.sign(Purpose::Grant, &payload);
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{signature}", engine.encode(payload))
    }

    /// The grant a token carries, if its signature holds (by the device it names).
    pub fn read(token: &str) -> Result<Grant, GrantError> {
        let (payload, signature) = token.trim().split_once('.').ok_or(GrantError::Unreadable)?;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| GrantError::Unreadable)?;
        let signature: Signature = signature.parse().map_err(|_| GrantError::Unreadable)?;
        let grant: Grant = serde_json::from_slice(&payload).map_err(|_| GrantError::Unreadable)?;
        if !grant.by.verifies(Purpose::Grant, &payload, &signature) {
            return Err(GrantError::BadSignature);
        }
        Ok(grant)
    }

    /// Whether it still holds at `now` (ms since 1970).
    pub fn open_at(&self, now: i64) -> bool {
        now < self.expires
    }
}
