//! Who uses this device, from the workspace's signed membership: this device's key, the
//! root it trusts, the membership worked out from the statements, and what the person
//! may do (`model::access::Access`). Pages ask `access`; the calls here sign statements.
//!
//! The membership is worked out again only when the statements (or the trusted root)
//! change, never on other edits of the workspace: checking signatures is the expensive
//! part of opening a large workspace, and typing in it must not pay for it.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::WorkspaceState;
use crate::model::access::Access;
use crate::model::identity::{
    acceptance_message, Act, DeviceKey, DeviceSecret, InvitationLink, Membership, Purpose, Role,
    SignedStatement,
};
use crate::model::{PersonId, Workspace};
use crate::store::now_millis;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// What boot reads from the device for its identity.
#[derive(Clone)]
pub struct DeviceIdentity {
    /// This device's key, or why it could not be read.
    pub secret: Result<DeviceSecret, String>,
    /// The root this device pinned.
    pub pinned: Option<DeviceKey>,
    /// An invitation from a link, waiting for its workspace.
    pub pending: Option<DeviceSecret>,
    /// Who an earlier build said uses this device (offered when claiming).
    pub chosen_before: Option<PersonId>,
}

/// The statements and trusted root a membership was worked out from, with the result.
#[derive(Clone, PartialEq)]
struct Worked {
    root: String,
    pinned: Option<DeviceKey>,
    statements: BTreeMap<String, SignedStatement>,
    membership: Option<Membership>,
}

#[derive(Clone, Copy)]
pub struct IdentityState {
    state: WorkspaceState,
    secret: StoredValue<Option<DeviceSecret>>,
    /// This device's public key (none when its key cannot be read).
    pub device: Option<DeviceKey>,
    /// Why this device cannot sign, or what became of an invitation, in words.
    pub problem: RwSignal<Option<String>>,
    pinned: RwSignal<Option<DeviceKey>>,
    pending: RwSignal<Option<DeviceSecret>>,
    /// Who an earlier build said uses this device.
    pub chosen_before: StoredValue<Option<PersonId>>,
    worked: Memo<Worked>,
    pub access: Memo<Access>,
}

impl IdentityState {
    /// Starts watching the workspace's membership. Call inside the app's reactive owner.
    pub fn new(state: WorkspaceState, identity: DeviceIdentity) -> Self {
        let (secret, problem) = match identity.secret {
            Ok(secret) => (Some(secret), None),
            Err(error) => (None, Some(error)),
        };
        let device = secret.as_ref().map(DeviceSecret::public);
        let pinned = RwSignal::new(identity.pinned);
        let workspace_id = state.url();
        // Signatures checked once are not checked again when a statement is added.
        let checked = StoredValue::new(crate::model::identity::CheckedStatements::default());
        let worked = Memo::new_owning(move |previous: Option<Worked>| {
            let pinned = pinned.get();
            state.workspace.with(|ws| {
                if let Some(previous) = previous {
                    if previous.root == ws.root
                        && previous.pinned == pinned
                        && previous.statements == ws.membership
                    {
                        return (previous, false);
                    }
                }
                let membership = checked
                    .try_update_value(|checked| {
                        ws.membership_with(&workspace_id, pinned.as_ref(), checked)
                    })
                    .flatten();
                (
                    Worked {
                        root: ws.root.clone(),
                        pinned,
                        statements: ws.membership.clone(),
                        membership,
                    },
                    true,
                )
            })
        });
        let access = Memo::new(move |_| {
            worked.with(|w| match (&w.membership, device) {
                (Some(m), Some(device)) => Access::of_device(m, &device),
                (Some(_), None) => Access::nobody(),
                (None, _) => Access::unclaimed(None),
            })
        });
        let this = Self {
            state,
            secret: StoredValue::new(secret),
            device,
            problem: RwSignal::new(problem),
            pinned,
            pending: RwSignal::new(identity.pending),
            chosen_before: StoredValue::new(identity.chosen_before),
            worked,
            access,
        };
        this.watch();
        this
    }

    fn watch(self) {
        // Who uses the device follows the signed membership, never a choice.
        let state = self.state;
        Effect::new(move |_| {
            let person = self.access.with(|a| a.person().cloned());
            if state.me.get_untracked() != person {
                state.me.set(person);
            }
        });
        // A device that pinned no root (it had the workspace before anyone claimed it)
        // trusts the first root it sees from then on.
        Effect::new(move |_| {
            if self.pinned.get().is_some() {
                return;
            }
            if let Some(root) = state.workspace.with(|ws| ws.root.parse::<DeviceKey>().ok()) {
                self.pin(root);
            }
        });
        // An invitation from a link is accepted as soon as its statement is here.
        Effect::new(move |_| {
            let Some(invitation) = self.pending.get() else {
                return;
            };
            let found = self.worked.with(|w| {
                w.membership
                    .as_ref()
                    .and_then(|m| m.invitations().get(&invitation.public()).cloned())
            });
            let Some(invited) = found else { return };
            let outcome = if invited.accepted_by.is_some() {
                Err("This invitation was already used. Ask for a new one.".to_owned())
            } else if invited.withdrawn {
                Err("This invitation was withdrawn. Ask for a new one.".to_owned())
            } else if invited.expires < now_millis() {
                Err("This invitation has expired. Ask for a new one.".to_owned())
            } else {
                self.accept(&invitation)
            };
            self.problem.set(outcome.err());
            self.pending.set(None);
            let repo = state.repo();
            leptos::task::spawn_local(async move {
                let _ = repo.settings().set_pending_invitation(None).await;
            });
        });
    }

    fn pin(self, root: DeviceKey) {
        self.pinned.set(Some(root));
        let repo = self.state.repo();
        leptos::task::spawn_local(async move {
            let _ = repo.settings().set_pinned_root(&root).await;
        });
    }

    fn secret(&self) -> Result<DeviceSecret, String> {
        self.secret.get_value().ok_or_else(|| {
            "This device's key cannot be read, so it cannot sign. Nothing was changed.".to_owned()
        })
    }

    /// This device's key for sealing sign-offs, once the workspace has members.
    pub fn sealing_key(&self) -> Option<DeviceSecret> {
        if !self.access.with_untracked(Access::claimed) {
            return None;
        }
        self.secret.get_value()
    }

    /// The signed membership (none while the workspace is unclaimed).
    pub fn membership<R>(&self, read: impl FnOnce(Option<&Membership>) -> R) -> R {
        self.worked.with(|w| read(w.membership.as_ref()))
    }

    /// What the person of the device with `key` may hold, for a direct link to it: the
    /// workspace and what it lists that the signed rules let that person hold; nothing
    /// for a device that is not a member or signed nothing; everything while the
    /// workspace has no rules. (Untracked: the sync client asks it outside any view.)
    pub fn link_rights(&self, key: Option<&DeviceKey>) -> crate::sync::LinkRights {
        use crate::sync::LinkRights;
        let Ok(workspace) = crate::store::DocumentId::from_url(self.state.url()) else {
            return LinkRights::Nothing;
        };
        self.worked.with_untracked(|w| match (&w.membership, key) {
            (None, _) => LinkRights::Everything,
            (Some(_), None) => LinkRights::Nothing,
            (Some(membership), Some(key)) => self.state.workspace.with_untracked(|ws| {
                LinkRights::of(
                    &Access::of_device(membership, key),
                    workspace,
                    &crate::model::listing::Listing::of(ws),
                )
            }),
        })
    }

    /// The root this device trusts.
    pub fn root(&self) -> Option<DeviceKey> {
        self.pinned.get()
    }

    /// Claims the unclaimed workspace for this device as `person`, its first admin. The
    /// reporting lines it already has are signed with it, so nothing is lost in the move.
    pub fn claim(&self, person: &PersonId) -> Result<(), String> {
        let secret = self.secret()?;
        let id = self.state.url();
        let now = now_millis();
        self.state
            .edit("Claim the workspace", |ws: &mut Workspace| {
                ws.claim_as_founder(&id, &secret, person, now)
            })?;
        self.pin(secret.public());
        Ok(())
    }

    /// Signs `act` as this device and keeps it in the workspace.
    pub fn sign(&self, message: &str, act: Act) -> Result<(), String> {
        let secret = self.secret()?;
        let id = self.state.url();
        let pinned = self.pinned.get_untracked();
        self.state
            .edit(message, |ws| {
                ws.sign(&id, &secret, pinned.as_ref(), act, now_millis())
            })
            .map(|_| ())
    }

    /// An invitation for `person` (an admin's, or the person's own for another device):
    /// the link that carries it.
    pub fn invite(&self, person: &PersonId) -> Result<String, String> {
        let root = self
            .pinned
            .get_untracked()
            .ok_or("Claim the workspace first: nobody can invite before it has an admin.")?;
        let invitation = DeviceSecret::generate().map_err(|e| e.to_string())?;
        let expires = now_millis() + INVITATION_DAYS * 86_400_000;
        let name = self
            .state
            .workspace
            .with_untracked(|ws| ws.person(person).map(|p| p.name.clone()))
            .unwrap_or_default();
        self.sign(
            &format!("Invite {name}"),
            Act::Invite {
                invitation: invitation.public(),
                person: person.clone(),
                expires,
            },
        )?;
        let organisation = self
            .state
            .workspace
            .with_untracked(|ws| ws.organisation.clone());
        let link = InvitationLink {
            root,
            secret: invitation,
        };
        Ok(format!(
            "{}&{}",
            crate::ui::components::share_link(&self.state.url(), &organisation, "/"),
            link.query()
        ))
    }

    /// Keeps an invitation from a link: trusts its root and accepts it as soon as the
    /// workspace (with the invitation's statement) is on this device.
    pub async fn keep_invitation(&self, link: InvitationLink) -> Result<(), String> {
        let settings = self.state.repo().settings();
        settings
            .set_pending_invitation(Some(&link.secret))
            .await
            .map_err(|e| e.to_string())?;
        if self.pinned.get_untracked() != Some(link.root) {
            settings
                .set_pinned_root(&link.root)
                .await
                .map_err(|e| e.to_string())?;
            self.pinned.set(Some(link.root));
        }
        self.pending.set(Some(link.secret));
        Ok(())
    }

    fn accept(&self, invitation: &DeviceSecret) -> Result<(), String> {
        let secret = self.secret()?;
        let proof = invitation.sign(
            Purpose::Acceptance,
            &acceptance_message(&self.state.url(), &secret.public()),
        );
        self.sign(
            "Join the workspace",
            Act::Accept {
                invitation: invitation.public(),
                proof,
            },
        )
    }

    /// Signs the reporting lines of `people` as the workspace now says them, where they
    /// differ from the signed ones (after an admin's own edit of those people).
    pub fn confirm_lines(&self, people: &[PersonId]) -> Result<(), String> {
        if !self.access.with_untracked(|a| a.claimed() && a.is_admin()) {
            return Ok(());
        }
        for person in people {
            let wanted = self
                .state
                .workspace
                .with_untracked(|ws| ws.person(person).map(|p| p.manager.clone()));
            let Some(wanted) = wanted else { continue };
            let signed =
                self.membership(|m| m.and_then(|m| m.manager_of(person).map(|m| m.cloned())));
            if signed.as_ref() != Some(&wanted) && !(signed.is_none() && wanted.is_none()) {
                self.sign(
                    "Confirm a reporting line",
                    Act::SetManager {
                        person: person.clone(),
                        manager: wanted,
                    },
                )?;
            }
        }
        Ok(())
    }

    /// Gives or takes `role`.
    pub fn set_role(&self, person: &PersonId, role: Role, held: bool) -> Result<(), String> {
        let act = if held {
            Act::Grant {
                person: person.clone(),
                role,
            }
        } else {
            Act::Revoke {
                person: person.clone(),
                role,
            }
        };
        let verb = if held { "Make" } else { "No longer make" };
        self.sign(&format!("{verb} someone {}", role.label()), act)
    }
}
