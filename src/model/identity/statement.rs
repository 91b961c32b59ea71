//! Membership statements: who belongs to the workspace, on which devices, with which
//! roles, reporting to whom. Each is signed by the device that made it and names the
//! statements its device had seen (its parents), so every device orders them the same
//! way and knows which were made before a removal and which after.
//!
//! A statement is kept as the exact JSON text that was signed, so no device has to
//! re-encode it the same way to check the signature.

use std::fmt;

use autosurgeon::{Hydrate, Reconcile};
use sha2::{Digest, Sha256};

use super::keys::{DeviceKey, DeviceSecret, Purpose, Signature};
use crate::model::PersonId;

/// A role a person holds in the workspace (besides being someone's manager, which follows
/// the reporting lines).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Changes people, teams, roles and devices.
    Admin,
    /// Runs review cycles: templates, every review of the cycle, calibration.
    Hr,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Admin, Role::Hr];

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Hr => "HR",
        }
    }
}

/// What a statement says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "act", rename_all = "kebab-case")]
pub enum Act {
    /// The workspace's root device says it is `person`, the first admin.
    Found { person: PersonId },
    /// An admin (or `person`, for a device of their own) invites whoever holds the
    /// one-time key `invitation` to join as `person`, until `expires` (ms since 1970).
    Invite {
        invitation: DeviceKey,
        person: PersonId,
        expires: i64,
    },
    /// The signing device joins through `invitation`; `proof` is the invitation's
    /// one-time key signing this device's key, so only who holds the link can accept.
    Accept {
        invitation: DeviceKey,
        proof: Signature,
    },
    /// An invitation nobody has accepted yet is withdrawn (by an admin, or by whoever
    /// made it).
    Withdraw { invitation: DeviceKey },
    /// A device is removed (a lost phone, a laptop handed back).
    RemoveDevice { device: DeviceKey },
    /// A person leaves: every device of theirs is removed with them.
    RemovePerson { person: PersonId },
    /// A role is given to a person.
    Grant { person: PersonId, role: Role },
    /// A role is taken from a person.
    Revoke { person: PersonId, role: Role },
    /// Whom `person` reports to (none: nobody).
    SetManager {
        person: PersonId,
        manager: Option<PersonId>,
    },
    /// `person`'s role in the plan at `plan` (its `automerge:` URL), or none: who may
    /// approve a plan is the admins' to say.
    SetPlanRole {
        plan: String,
        person: PersonId,
        role: Option<crate::model::plan::Role>,
    },
}

/// A statement's hash: how statements name their parents, and the key it is kept under.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct StatementHash(String);

impl StatementHash {
    fn of(payload: &str) -> Self {
        let digest = Sha256::digest(payload.as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A short form for lists (the first ten characters).
    pub fn short(&self) -> &str {
        self.0.get(..10).unwrap_or(&self.0)
    }
}

impl From<&str> for StatementHash {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl fmt::Debug for StatementHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.short())
    }
}

/// A statement as it is signed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// The workspace it belongs to (its document id), so that it means nothing elsewhere.
    pub workspace: String,
    /// The device that signed it.
    pub by: DeviceKey,
    /// The statements its device had seen when it signed (the log's heads then).
    pub parents: Vec<StatementHash>,
    /// When it was made, by the signer's clock (ms since 1970). Only an acceptance's time
    /// matters (against its invitation's expiry); order comes from `parents`.
    pub at: i64,
    #[serde(flatten)]
    pub act: Act,
}

/// A statement and its signature, as kept in the workspace document (and in its JSON
/// export).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize, serde::Deserialize,
)]
pub struct SignedStatement {
    /// The statement's JSON, exactly as signed.
    pub payload: String,
    /// The signer's signature over `payload` (base64url).
    pub signature: String,
}

impl SignedStatement {
    /// Signs `statement` with `secret` (whose key must be the statement's `by`).
    pub fn sign(statement: &Statement, secret: &DeviceSecret) -> (StatementHash, Self) {
        // Serialising our own types cannot fail: every field is a string, number or list.
        let payload = serde_json::to_string(statement).unwrap_or_default();
        let signature = secret.sign(Purpose::Statement, payload.as_bytes());
        (
            StatementHash::of(&payload),
            Self {
                payload,
                signature: signature.to_string(),
            },
        )
    }

    /// The hash this statement is kept under.
    pub fn hash(&self) -> StatementHash {
        StatementHash::of(&self.payload)
    }

    /// The statement as it reads, its signature not checked: only for sorting what a
    /// device keeps (which workspace a statement names), never for deciding anything.
    /// Whatever counts is opened with [`open`](Self::open) where the membership is worked
    /// out.
    pub fn read_unchecked(&self) -> Option<Statement> {
        serde_json::from_str(&self.payload).ok()
    }

    /// The statement, if it reads and its signature is its signer's.
    pub fn open(&self) -> Result<Statement, Unverified> {
        let statement: Statement =
            serde_json::from_str(&self.payload).map_err(|_| Unverified::Unreadable)?;
        let signature: Signature = self
            .signature
            .parse()
            .map_err(|_| Unverified::BadSignature)?;
        if !statement
            .by
            .verifies(Purpose::Statement, self.payload.as_bytes(), &signature)
        {
            return Err(Unverified::BadSignature);
        }
        Ok(statement)
    }
}

/// Why a kept statement was not even considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unverified {
    Unreadable,
    BadSignature,
}

/// What an invitation's one-time key signs when a device accepts it: the workspace and the
/// accepting device's key.
pub fn acceptance_message(workspace: &str, device: &DeviceKey) -> Vec<u8> {
    let mut message = workspace.as_bytes().to_vec();
    message.push(0);
    message.extend_from_slice(device.as_bytes());
    message
}
