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
    acceptance_message, Act, DeviceKey, DeviceSecret, InvitationLink, KeptStatements, Membership,
    Purpose, Role, SignedStatement,
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
    /// The statements this device kept (`None`: they could not be read, so none are
    /// written over them).
    pub kept: Option<KeptStatements>,
}

/// The statements and trusted root a membership was worked out from, with the result.
#[derive(Clone, PartialEq)]
struct Worked {
    root: String,
    pinned: Option<DeviceKey>,
    /// How many statements this device kept when it was worked out.
    kept: usize,
    /// The document's statements.
    statements: BTreeMap<String, SignedStatement>,
    /// Those and the kept ones together (what the membership was worked out from).
    merged: BTreeMap<String, SignedStatement>,
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
    /// Every statement that counted, kept on this device.
    kept: RwSignal<KeptStatements>,
    /// Whether the kept statements read (if not, none are written over them).
    kept_readable: bool,
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
        let kept_readable = identity.kept.is_some();
        // Only this workspace's (a device that joined another keeps nothing of the last).
        let kept_here = identity
            .kept
            .map(|k| k.of_workspace(&workspace_id))
            .unwrap_or_default();
        // Signatures checked once are not checked again: not those this device checked
        // and kept before (at every start), nor any when a statement is added.
        let checked = StoredValue::new(crate::model::identity::CheckedStatements::trusting(
            &kept_here,
        ));
        let kept = RwSignal::new(kept_here);
        let worked = Memo::new_owning(move |previous: Option<Worked>| {
            let pinned = pinned.get();
            let kept_count = kept.with(KeptStatements::len);
            state.workspace.with(|ws| {
                if let Some(previous) = previous {
                    if previous.root == ws.root
                        && previous.pinned == pinned
                        && previous.kept == kept_count
                        && previous.statements == ws.membership
                    {
                        return (previous, false);
                    }
                }
                // The document's statements and those this device kept: one deleted from
                // the document still counts.
                let statements = kept.with(|k| k.merged(&ws.membership));
                let root = pinned.or_else(|| ws.root.parse().ok());
                let membership = root.and_then(|root| {
                    checked.try_update_value(|checked| {
                        Membership::verify_with(&workspace_id, &root, &statements, checked)
                    })
                });
                (
                    Worked {
                        root: ws.root.clone(),
                        pinned,
                        kept: kept_count,
                        statements: ws.membership.clone(),
                        merged: statements,
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
            kept,
            kept_readable,
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
        // Every statement that counts is kept on this device, and one the workspace
        // document lost (a modified client deleted it) is written back by a member.
        Effect::new(move |_| {
            let found = self.worked.with(|w| {
                let membership = w.membership.as_ref()?;
                let mut kept = self.kept.get_untracked();
                let grew = kept.keep_counted(&w.merged, membership);
                let missing = kept.missing_from(&w.statements);
                let member = self
                    .device
                    .is_some_and(|d| membership.person_of(&d).is_some());
                Some((
                    grew.then_some(kept),
                    if member { missing } else { BTreeMap::new() },
                ))
            });
            let Some((grown, missing)) = found else {
                return;
            };
            if let Some(kept) = grown {
                self.kept.set(kept.clone());
                if self.kept_readable {
                    let repo = state.repo();
                    leptos::task::spawn_local(async move {
                        let _ = repo.settings().set_kept_statements(&kept).await;
                    });
                }
            }
            if !missing.is_empty() {
                let _ = state.edit("Restore signed statements", move |ws: &mut Workspace| {
                    // Inserted over what is there: a kept statement whose signature the
                    // document had replaced is put back as it counted.
                    for (hash, statement) in missing {
                        ws.membership.insert(hash, statement);
                    }
                    Ok::<(), std::convert::Infallible>(())
                });
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

    /// [`membership`](Self::membership), untracked (for an edit, not a view).
    pub fn membership_untracked<R>(&self, read: impl FnOnce(Option<&Membership>) -> R) -> R {
        self.worked.with_untracked(|w| read(w.membership.as_ref()))
    }

    /// The roles in the plan at `plan` (its URL) as admins signed them, once the workspace
    /// has members (tracked); `None` while nobody has claimed it (the plan's own list
    /// counts then).
    pub fn plan_roles(
        &self,
        plan: &str,
    ) -> Option<std::collections::BTreeMap<PersonId, crate::model::plan::Role>> {
        self.membership(|m| m.map(|m| m.plan_roles(plan)))
    }

    /// What the person of the device that signed a pairing code (`signers`) may hold,
    /// for a direct link to it: the workspace and what it lists that the signed rules let
    /// that person hold; the workspace document alone for a device an open invitation
    /// vouches for (`LinkRights::invited`); nothing for another device that is not a
    /// member or signed nothing; everything while the workspace has no rules.
    /// (Untracked: the sync client asks it outside any view.)
    pub fn link_rights(&self, signers: &crate::sync::pairing::Signers) -> crate::sync::LinkRights {
        use crate::sync::LinkRights;
        let Ok(workspace) = crate::store::DocumentId::from_url(self.state.url()) else {
            return LinkRights::Nothing;
        };
        self.worked
            .with_untracked(|w| match (&w.membership, &signers.device) {
                (None, _) => LinkRights::Everything,
                (Some(_), None) => LinkRights::Nothing,
                (Some(membership), Some(key)) if membership.person_of(key).is_none() => {
                    match &signers.invitation {
                        Some(invitation) => LinkRights::invited(
                            membership,
                            key,
                            invitation,
                            workspace,
                            now_millis(),
                        ),
                        None => LinkRights::Nothing,
                    }
                }
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

    /// A grant for a program (`identity::Grant`), signed by this device (an admin's):
    /// the token the program puts in its sync address.
    pub fn grant(
        &self,
        name: &str,
        documents: Vec<crate::store::DocumentId>,
        write: bool,
        days: i64,
    ) -> Result<String, String> {
        if !self.access.with_untracked(Access::is_admin)
            || !self.access.with_untracked(Access::claimed)
        {
            return Err("Only an admin of a claimed workspace can let a program in.".into());
        }
        if documents.is_empty() {
            return Err("Choose at least one document for the program.".into());
        }
        let name = name.trim();
        if name.is_empty() {
            return Err("Name the program, so you know later what this grant was for.".into());
        }
        let secret = self.secret()?;
        let workspace =
            crate::store::DocumentId::from_url(self.state.url()).map_err(|e| e.to_string())?;
        let grant = crate::model::identity::Grant {
            name: name.to_owned(),
            workspace: workspace.to_string(),
            documents: documents.iter().map(ToString::to_string).collect(),
            write,
            expires: now_millis() + days.clamp(1, 366) * 86_400_000,
            by: secret.public(),
        };
        Ok(grant.sign(&secret))
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
