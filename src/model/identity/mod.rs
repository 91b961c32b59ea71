//! Who is who: device keys, the signed statements that bind devices to people and give
//! them roles, and the membership every device works out from those statements alone.
//!
//! Nothing here trusts the workspace document's plain fields: a person's roles, devices
//! and reporting line count only when a statement signed by someone entitled to make it
//! says so, checked from the workspace's root device down.

mod grant;
mod invitation_link;
mod kept;
mod keys;
mod membership;
mod seal;
mod statement;

pub use grant::{Grant, GrantError};
pub use invitation_link::{InvitationLink, InvitationLinkError};
pub use kept::KeptStatements;
pub use keys::{DeviceKey, DeviceSecret, KeyError, Purpose, Signature};
pub use membership::{CheckedStatements, Ignored, IgnoredStatement, Invitation, Membership};
pub use seal::{check_seal, seal, SealCheck};
pub use statement::{acceptance_message, Act, Role, SignedStatement, Statement, StatementHash};
