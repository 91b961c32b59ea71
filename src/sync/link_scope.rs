//! What a direct link carries: what its pairing shares, and of that only what the other
//! device's person may hold under the workspace's signed rules; and which of those it takes
//! no changes to from them (those their person may read but not change). The other device is known
//! by the key that signed its pairing code (`PairingCode::encode_signed`): the code
//! carries the link's DTLS fingerprint, so the signer is the device at the other end. A
//! device that is not a member yet but holds an open invitation (its one-time key signed
//! the code too) gets the workspace document alone, to accept the invitation in
//! ([`LinkRights::invited`]): a new device joins from a device nearby with no relay.
//!
//! ```
//! use std::collections::BTreeSet;
//! use throughline::store::DocumentId;
//! use throughline::sync::pairing::Shares;
//! use throughline::sync::{link_scope::scope_of, LinkRights, Scope};
//! let review = DocumentId::random();
//! // Nobody has claimed the workspace: what the pairing shares.
//! assert_eq!(scope_of(&Shares::Workspace, LinkRights::Everything), Scope::AllButPrivate);
//! // A device that is not a member gets nothing, whatever was shared.
//! assert_eq!(
//!     scope_of(&Shares::Documents(vec![review]), LinkRights::Nothing),
//!     Scope::Only(BTreeSet::new())
//! );
//! ```

use std::collections::{BTreeMap, BTreeSet};

use super::engine::Scope;
use super::pairing::Shares;
use crate::model::access::Access;
use crate::model::identity::{DeviceKey, Membership};
use crate::model::listing::Listing;
use crate::model::part_check::PartWriter;
use crate::model::DocumentId;
use crate::model::PersonId;

/// What a linked device's person may hold, as the workspace's signed rules say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRights {
    /// The workspace has no rules yet (nobody claimed it): whatever the pairing shares.
    Everything,
    /// These documents only (the workspace, and what it lists that the person may hold);
    /// of them, `reads_only` are the ones the person may read and not change (a review
    /// further down their line, say): their changes to those are not taken; and
    /// `checked` the documents with several writers that they change (reviews, check-in
    /// series, asked feedback), each in the capacity they change it in (a review's
    /// employee, their manager, HR, say): their changes to those are checked part by
    /// part.
    Only {
        /// The person the other device is bound to.
        person: PersonId,
        holds: BTreeSet<DocumentId>,
        reads_only: BTreeSet<DocumentId>,
        checked: BTreeMap<DocumentId, PartWriter>,
    },
    /// Nothing: the device is not a member (or signed nothing).
    Nothing,
}

impl LinkRights {
    /// The rights of a device whose person's rights are `access`, in `workspace` whose
    /// document is `workspace_id` and which lists `listing`.
    pub fn of(access: &Access, workspace_id: DocumentId, listing: &Listing) -> LinkRights {
        if !access.claimed() {
            return LinkRights::Everything;
        }
        let Some(person) = access.person().filter(|_| !access.removed()) else {
            return LinkRights::Nothing;
        };
        let mut holds = BTreeSet::new();
        let mut reads_only = BTreeSet::new();
        let mut checked = BTreeMap::new();
        for (id, listed) in listing.iter() {
            if access.may_hold(listed) {
                holds.insert(*id);
                if !access.may_change(listed) {
                    reads_only.insert(*id);
                } else if let Some(writer) = access.part_writer(listed) {
                    checked.insert(*id, writer);
                }
            }
        }
        holds.insert(workspace_id);
        LinkRights::Only {
            person: person.clone(),
            holds,
            reads_only,
            checked,
        }
    }

    /// The rights of a device that is not a member, vouched for by the invitation with
    /// the one-time key `invitation` (it signed the device's pairing code): while that
    /// invitation is open at `now` (ms) and the device was never removed, the workspace
    /// document `workspace_id`, to read and write, so the device can accept the invitation
    /// there, as the relay gives it; otherwise nothing.
    pub fn invited(
        membership: &Membership,
        device: &DeviceKey,
        invitation: &DeviceKey,
        workspace_id: DocumentId,
        now: i64,
    ) -> LinkRights {
        let open = membership
            .invitations()
            .get(invitation)
            .filter(|invited| invited.open_at(now) && !membership.was_removed(device));
        match open {
            Some(invited) => LinkRights::Only {
                person: invited.person.clone(),
                holds: BTreeSet::from([workspace_id]),
                reads_only: BTreeSet::new(),
                checked: BTreeMap::new(),
            },
            None => LinkRights::Nothing,
        }
    }

    /// The documents a link may carry to this device but takes no changes to from it.
    pub fn reads_only(&self) -> BTreeSet<DocumentId> {
        match self {
            LinkRights::Only { reads_only, .. } => reads_only.clone(),
            LinkRights::Everything | LinkRights::Nothing => BTreeSet::new(),
        }
    }

    /// The documents whose changes from a link are checked part by part, with the
    /// capacity the other device's person changes each in.
    pub fn checked(&self) -> BTreeMap<DocumentId, PartWriter> {
        match self {
            LinkRights::Only { checked, .. } => checked.clone(),
            LinkRights::Everything | LinkRights::Nothing => BTreeMap::new(),
        }
    }

    /// The person the other device is bound to, in a claimed workspace.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            LinkRights::Only { person, .. } => Some(person.clone()),
            LinkRights::Everything | LinkRights::Nothing => None,
        }
    }
}

/// What a link that shares `shares` carries to a device with `rights`.
pub fn scope_of(shares: &Shares, rights: LinkRights) -> Scope {
    match (shares, rights) {
        (_, LinkRights::Nothing) => Scope::Only(BTreeSet::new()),
        (Shares::Workspace, LinkRights::Everything) => Scope::AllButPrivate,
        (Shares::Workspace, LinkRights::Only { holds, .. }) => Scope::Only(holds),
        (Shares::Documents(documents), LinkRights::Everything) => {
            Scope::Only(documents.iter().copied().collect())
        }
        (Shares::Documents(documents), LinkRights::Only { holds, .. }) => Scope::Only(
            documents
                .iter()
                .filter(|d| holds.contains(d))
                .copied()
                .collect(),
        ),
    }
}
