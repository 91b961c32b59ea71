//! What an invitation link carries besides the workspace: the key of the workspace's root
//! device (so the joining device trusts only statements that lead back to it) and the
//! invitation's one-time secret (so only who holds the link can accept).
//!
//! ```
//! use throughline::model::identity::{DeviceSecret, InvitationLink};
//! let root = DeviceSecret::generate().unwrap().public();
//! let secret = DeviceSecret::generate().unwrap();
//! let link = InvitationLink { root, secret: secret.clone() };
//! let read = InvitationLink::read(Some(&root.to_string()), Some(&secret.to_stored())).unwrap();
//! assert_eq!(read.secret.public(), secret.public());
//! assert_eq!(link.query(), format!("root={}&invite={}", root, secret.to_stored()));
//! ```

use super::keys::{DeviceKey, DeviceSecret};

/// The parts of an invitation link that make it one.
#[derive(Debug, Clone)]
pub struct InvitationLink {
    pub root: DeviceKey,
    pub secret: DeviceSecret,
}

/// Why a link cannot be used as an invitation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationLinkError {
    #[error("This link carries no invitation. Ask an admin of the workspace for one.")]
    NoInvitation,
    #[error("This invitation link is damaged (its {0} cannot be read). Ask for a new one.")]
    Damaged(&'static str),
}

impl InvitationLink {
    /// Reads the link's `root` and `invite` parameters.
    pub fn read(root: Option<&str>, invite: Option<&str>) -> Result<Self, InvitationLinkError> {
        let (Some(root), Some(invite)) = (root, invite) else {
            return Err(InvitationLinkError::NoInvitation);
        };
        Ok(Self {
            root: root
                .parse()
                .map_err(|_| InvitationLinkError::Damaged("workspace key"))?,
            secret: DeviceSecret::from_stored(invite)
                .map_err(|_| InvitationLinkError::Damaged("secret"))?,
        })
    }

    /// The query parameters (base58 and base64url: nothing to escape).
    pub fn query(&self) -> String {
        format!("root={}&invite={}", self.root, self.secret.to_stored())
    }
}
