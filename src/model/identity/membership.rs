//! Who belongs to a workspace, worked out from its signed statements alone.
//!
//! The workspace's root device (the one that founded or claimed it; every member's device
//! pins it when it joins) is the only authority to start from. Every other statement
//! counts only if its signer's person had the right to make it, given the statements it
//! was made after. Unsigned, wrongly signed and unauthorised statements are ignored, on
//! every device alike, and listed with the reason so admins can see them.
//!
//! Removal wins over concurrency: once a device (or person, or an admin's role) is
//! removed, whatever it signed that the removal had not seen is ignored, even if it
//! arrives later with an older clock. Two admins removing each other at once: the removal
//! first in the agreed order (parents first, then the signer's clock, then the hash)
//! counts, and the other was made by someone no longer there; every device settles the
//! same way. (A signer's clock is its own word: a truly concurrent race can be won by a
//! clock set back. Seniority would settle it better; see issue 14's note.)
//!
//! ```
//! use throughline::model::identity::{Act, DeviceSecret, Membership, Role};
//! use throughline::model::{PersonId, Workspace};
//! let root = DeviceSecret::generate().unwrap();
//! let mut workspace = Workspace::default();
//! let alice = PersonId::random();
//! let ws = "2o4ZtuXnAu5a8m9GSxVF8Y3U6WDb";
//! let membership = Membership::verify(ws, &root.public(), &workspace.membership);
//! let (hash, signed) = membership.sign(ws, &root, Act::Found { person: alice.clone() }, 0);
//! workspace.membership.insert(hash.as_str().to_owned(), signed);
//! let membership = Membership::verify(ws, &root.public(), &workspace.membership);
//! assert_eq!(membership.person_of(&root.public()), Some(&alice));
//! assert!(membership.has_role(&alice, Role::Admin));
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use super::keys::{DeviceKey, DeviceSecret, Purpose};
use super::statement::{
    acceptance_message, Act, Role, SignedStatement, Statement, StatementHash, Unverified,
};
use crate::model::plan::Role as PlanRole;
use crate::model::PersonId;

/// Why a statement is ignored. Shown to admins as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Ignored {
    #[error("it cannot be read")]
    Unreadable,
    #[error("its signature is not its signer's")]
    BadSignature,
    #[error("it belongs to another workspace")]
    OtherWorkspace,
    #[error("it follows a statement this device does not have, or one that is ignored")]
    MissingParent,
    #[error("only the workspace's root device can found it")]
    NotTheRoot,
    #[error("the workspace was already founded")]
    AlreadyFounded,
    #[error("its device is not a member's")]
    NotAMember,
    #[error("only an admin may do that")]
    NotAnAdmin,
    #[error("the invitation does not exist")]
    UnknownInvitation,
    #[error("the invitation was already used")]
    InvitationUsed,
    #[error("the invitation had expired")]
    InvitationExpired,
    #[error("the invitation was withdrawn")]
    InvitationWithdrawn,
    #[error("the invitation's key did not vouch for this device")]
    BadProof,
    #[error("this device already belongs to someone")]
    DeviceAlreadyBound,
    #[error("that person was removed")]
    PersonRemoved,
    #[error("that device is not in the workspace")]
    UnknownDevice,
    #[error("it would leave the workspace with no admin")]
    LastAdmin,
    #[error("the reporting line would go round in a loop")]
    ReportingLoop,
    #[error("it was signed by someone removed before it counted")]
    SignerRemoved,
}

/// An invitation and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub person: PersonId,
    pub expires: i64,
    /// Who invited.
    pub by: PersonId,
    /// The device that accepted it, once one has.
    pub accepted_by: Option<DeviceKey>,
    /// Whether it was withdrawn before anyone accepted it.
    pub withdrawn: bool,
}

impl Invitation {
    /// Whether it may still be accepted at `now` (ms since 1970).
    pub fn open_at(&self, now: i64) -> bool {
        self.accepted_by.is_none() && !self.withdrawn && now <= self.expires
    }
}

/// A statement that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredStatement {
    pub hash: StatementHash,
    /// Its signer, when it could be read.
    pub by: Option<DeviceKey>,
    pub act: Option<Act>,
    pub reason: Ignored,
}

/// The members, their devices and roles, as the signed statements say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Membership {
    founder: Option<PersonId>,
    /// Devices in the workspace and whose they are.
    devices: BTreeMap<DeviceKey, PersonId>,
    /// Every device ever bound (removed ones too), so a removed one cannot be bound again.
    ever_bound: BTreeMap<DeviceKey, PersonId>,
    /// People in the workspace (invited or joined) and their roles.
    people: BTreeMap<PersonId, BTreeSet<Role>>,
    removed_people: BTreeSet<PersonId>,
    managers: BTreeMap<PersonId, Option<PersonId>>,
    /// Plan roles as signed, by plan URL.
    plan_roles: BTreeMap<String, BTreeMap<PersonId, PlanRole>>,
    /// Everyone ever signed into an approving role (board or executive), by plan URL: an
    /// approval they made stays one after they leave the board.
    plan_approvers_ever: BTreeMap<String, BTreeSet<PersonId>>,
    invitations: BTreeMap<DeviceKey, Invitation>,
    ignored: Vec<IgnoredStatement>,
    /// The statements no other statement names as a parent: a new statement's parents.
    heads: Vec<StatementHash>,
    /// How many statements count.
    counted: usize,
}

/// One statement, opened and checked, on its way through the log.
struct Entry {
    hash: StatementHash,
    statement: Statement,
    /// For an acceptance, whether its proof holds (checked when it was opened).
    proof_holds: bool,
}

/// What applying one statement did, for the removals pass.
struct Applied {
    by: DeviceKey,
    /// The signer's person at the time.
    person: PersonId,
    needed_admin: bool,
}

/// Statements whose signatures were already checked, by hash and signature: working the
/// membership out again after one more statement then checks only that one. (Checking
/// signatures is most of the cost of opening a large workspace.)
#[derive(Debug, Default)]
pub struct CheckedStatements {
    /// Each opened statement, and for an acceptance whether its proof holds.
    opened: HashMap<(StatementHash, String), (Statement, bool)>,
}

impl CheckedStatements {
    /// Starts from what this device kept (`KeptStatements`): every kept statement counted
    /// when it was kept, so its signature (and an acceptance's proof) was checked then,
    /// on this device. They are read, not checked again; anything else is checked when
    /// first met. Why: checking a thousand people's statements again at every start took
    /// half a second in the browser. The kept statements live in the device's own
    /// storage, beside its key, so trusting them trusts nothing the device did not.
    pub fn trusting(kept: &super::KeptStatements) -> Self {
        let mut checked = Self::default();
        for (key, signed) in kept.iter() {
            let hash = signed.hash();
            if hash.as_str() != key {
                continue;
            }
            if let Some(statement) = signed.read_unchecked() {
                let proof = matches!(statement.act, Act::Accept { .. });
                checked
                    .opened
                    .insert((hash, signed.signature.clone()), (statement, proof));
            }
        }
        checked
    }

    fn open(
        &mut self,
        hash: &StatementHash,
        signed: &SignedStatement,
    ) -> Result<(Statement, bool), Unverified> {
        let key = (hash.clone(), signed.signature.clone());
        if let Some(opened) = self.opened.get(&key) {
            return Ok(opened.clone());
        }
        let statement = signed.open()?;
        // An acceptance's proof (the invitation's key over the accepting device) depends
        // on nothing but the statement, so it is checked once here too.
        let proof = match &statement.act {
            Act::Accept { invitation, proof } => invitation.verifies(
                Purpose::Acceptance,
                &acceptance_message(&statement.workspace, &statement.by),
                proof,
            ),
            _ => false,
        };
        self.opened.insert(key, (statement.clone(), proof));
        Ok((statement, proof))
    }
}

impl Membership {
    /// Works out the membership from `statements` (kept under any keys: each is keyed by
    /// its own hash here), trusting `root` as the workspace's founding device.
    pub fn verify<'a>(
        workspace: &str,
        root: &DeviceKey,
        statements: impl IntoIterator<Item = (&'a String, &'a SignedStatement)>,
    ) -> Membership {
        Self::verify_with(
            workspace,
            root,
            statements,
            &mut CheckedStatements::default(),
        )
    }

    /// [`Membership::verify`], checking only the signatures `checked` has not seen.
    pub fn verify_with<'a>(
        workspace: &str,
        root: &DeviceKey,
        statements: impl IntoIterator<Item = (&'a String, &'a SignedStatement)>,
        checked: &mut CheckedStatements,
    ) -> Membership {
        let mut ignored = Vec::new();
        let mut entries: BTreeMap<StatementHash, Entry> = BTreeMap::new();
        for (_, signed) in statements {
            let hash = signed.hash();
            match checked.open(&hash, signed) {
                Ok((statement, _)) if statement.workspace != workspace => {
                    ignored.push(IgnoredStatement {
                        hash,
                        by: Some(statement.by),
                        act: Some(statement.act),
                        reason: Ignored::OtherWorkspace,
                    })
                }
                Ok((statement, proof_holds)) => {
                    entries.insert(
                        hash.clone(),
                        Entry {
                            hash,
                            statement,
                            proof_holds,
                        },
                    );
                }
                Err(unverified) => ignored.push(IgnoredStatement {
                    hash,
                    by: None,
                    act: None,
                    reason: match unverified {
                        Unverified::Unreadable => Ignored::Unreadable,
                        Unverified::BadSignature => Ignored::BadSignature,
                    },
                }),
            }
        }
        let order = causal_order(&mut entries, &mut ignored);
        let heads = heads(&entries);

        // Apply in causal order; then ignore what removed signers signed without having
        // seen their removal, and apply again, until nothing more is ignored. (Ignoring
        // only ever grows, so this ends.)
        let mut excluded: BTreeSet<StatementHash> = BTreeSet::new();
        loop {
            let (mut membership, applied, refused) = apply_all(root, &entries, &order, &excluded);
            let newly = removed_signers(&entries, &order, &applied, &excluded);
            if newly.is_empty() {
                membership.ignored = ignored;
                membership.ignored.extend(refused);
                membership
                    .ignored
                    .extend(excluded.iter().filter_map(|hash| {
                        entries.get(hash).map(|entry| IgnoredStatement {
                            hash: hash.clone(),
                            by: Some(entry.statement.by),
                            act: Some(entry.statement.act.clone()),
                            reason: Ignored::SignerRemoved,
                        })
                    }));
                membership.heads = heads;
                return membership;
            }
            excluded.extend(newly);
        }
    }

    /// Signs `act` as `secret`'s device, after everything this membership has seen. The
    /// caller keeps it under its hash in the workspace's `membership` map.
    pub fn sign(
        &self,
        workspace: &str,
        secret: &DeviceSecret,
        act: Act,
        now: i64,
    ) -> (StatementHash, SignedStatement) {
        signed_after(workspace, secret, self.heads.clone(), act, now)
    }

    /// Signs `acts` as [`sign`](Self::sign) does, one after another: the first after
    /// everything this membership has seen, each next one after the one before (so they
    /// apply in this order, as if signed and kept one at a time).
    pub fn sign_chain(
        &self,
        workspace: &str,
        secret: &DeviceSecret,
        acts: &[Act],
        now: i64,
    ) -> Vec<(StatementHash, SignedStatement)> {
        let mut parents = self.heads.clone();
        acts.iter()
            .map(|act| {
                let parents_now = std::mem::take(&mut parents);
                let (hash, signed) = signed_after(workspace, secret, parents_now, act.clone(), now);
                parents = vec![hash.clone()];
                (hash, signed)
            })
            .collect()
    }

    /// Whether the workspace has been founded (or claimed) yet.
    pub fn founded(&self) -> bool {
        self.founder.is_some()
    }

    pub fn founder(&self) -> Option<&PersonId> {
        self.founder.as_ref()
    }

    /// The person a device belongs to, while it is in the workspace.
    pub fn person_of(&self, device: &DeviceKey) -> Option<&PersonId> {
        self.devices.get(device)
    }

    /// The person a device belonged to when it was bound, removed since or not (for
    /// signatures it made while it was theirs).
    pub fn bound_to(&self, device: &DeviceKey) -> Option<&PersonId> {
        self.ever_bound.get(device)
    }

    /// Whether `device` was in the workspace and has been removed (or its person).
    pub fn was_removed(&self, device: &DeviceKey) -> bool {
        self.ever_bound.contains_key(device) && !self.devices.contains_key(device)
    }

    /// The devices of `person` still in the workspace.
    pub fn devices_of<'a>(
        &'a self,
        person: &'a PersonId,
    ) -> impl Iterator<Item = &'a DeviceKey> + 'a {
        self.devices
            .iter()
            .filter(move |(_, p)| *p == person)
            .map(|(device, _)| device)
    }

    /// Whether `person` is in the workspace (invited or joined, not removed).
    pub fn is_member(&self, person: &PersonId) -> bool {
        self.people.contains_key(person)
    }

    pub fn was_removed_person(&self, person: &PersonId) -> bool {
        self.removed_people.contains(person)
    }

    pub fn has_role(&self, person: &PersonId, role: Role) -> bool {
        self.people
            .get(person)
            .is_some_and(|roles| roles.contains(&role))
    }

    /// The people holding `role`.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &PersonId> + '_ {
        self.people
            .iter()
            .filter(move |(_, roles)| roles.contains(&role))
            .map(|(person, _)| person)
    }

    /// Whom `person` reports to, as signed: `None` when no statement says, `Some(None)`
    /// when an admin said nobody.
    pub fn manager_of(&self, person: &PersonId) -> Option<Option<&PersonId>> {
        self.managers.get(person).map(Option::as_ref)
    }

    /// Every signed reporting line.
    pub fn reporting_lines(&self) -> &BTreeMap<PersonId, Option<PersonId>> {
        &self.managers
    }

    /// Who takes part in the plan at `plan` (its URL), and in which role, as admins
    /// signed: what decides who may approve it once the workspace has members.
    pub fn plan_roles(&self, plan: &str) -> BTreeMap<PersonId, PlanRole> {
        self.plan_roles.get(plan).cloned().unwrap_or_default()
    }

    /// The plans (their URLs) `person` takes part in, in any role, as admins signed.
    pub fn plans_of(&self, person: &PersonId) -> std::collections::BTreeSet<String> {
        self.plan_roles
            .iter()
            .filter(|(_, roles)| roles.contains_key(person))
            .map(|(plan, _)| plan.clone())
            .collect()
    }

    /// Whether a signed statement ever gave `person` an approving role (board or
    /// executive) in the plan at `plan`: what makes their approval of it one.
    pub fn ever_approver(&self, plan: &str, person: &PersonId) -> bool {
        self.plan_approvers_ever
            .get(plan)
            .is_some_and(|people| people.contains(person))
    }

    /// The invitations, by their one-time key.
    pub fn invitations(&self) -> &BTreeMap<DeviceKey, Invitation> {
        &self.invitations
    }

    /// The statements that do not count, with why.
    pub fn ignored(&self) -> &[IgnoredStatement] {
        &self.ignored
    }

    /// How many statements count.
    pub fn counted(&self) -> usize {
        self.counted
    }
}

/// Orders the entries so that every statement comes after its parents (ties broken by
/// time, then hash, the same on every device). Statements whose parents are missing (or
/// ignored) are moved to `ignored`.
fn causal_order(
    entries: &mut BTreeMap<StatementHash, Entry>,
    ignored: &mut Vec<IgnoredStatement>,
) -> Vec<StatementHash> {
    // Drop statements with a missing parent, until none is left (a parent may be dropped
    // itself).
    loop {
        let missing: Vec<StatementHash> = entries
            .values()
            .filter(|entry| {
                entry
                    .statement
                    .parents
                    .iter()
                    .any(|p| !entries.contains_key(p))
            })
            .map(|entry| entry.hash.clone())
            .collect();
        if missing.is_empty() {
            break;
        }
        for hash in missing {
            if let Some(entry) = entries.remove(&hash) {
                ignored.push(IgnoredStatement {
                    hash,
                    by: Some(entry.statement.by),
                    act: Some(entry.statement.act),
                    reason: Ignored::MissingParent,
                });
            }
        }
    }
    let mut waiting: BTreeMap<&StatementHash, usize> = BTreeMap::new();
    let mut children: BTreeMap<&StatementHash, Vec<&StatementHash>> = BTreeMap::new();
    for entry in entries.values() {
        let parents: BTreeSet<&StatementHash> = entry.statement.parents.iter().collect();
        waiting.insert(&entry.hash, parents.len());
        for parent in parents {
            children.entry(parent).or_default().push(&entry.hash);
        }
    }
    let key = |hash: &StatementHash| (entries[hash].statement.at, hash.clone());
    let mut ready: BinaryHeap<Reverse<(i64, StatementHash)>> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(hash, _)| Reverse(key(hash)))
        .collect();
    let mut order = Vec::with_capacity(entries.len());
    while let Some(Reverse((_, hash))) = ready.pop() {
        for child in children.get(&hash).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.push(Reverse(key(child)));
                }
            }
        }
        order.push(hash);
    }
    order
}

fn heads(entries: &BTreeMap<StatementHash, Entry>) -> Vec<StatementHash> {
    let named: BTreeSet<&StatementHash> = entries
        .values()
        .flat_map(|entry| &entry.statement.parents)
        .collect();
    entries
        .keys()
        .filter(|hash| !named.contains(hash))
        .cloned()
        .collect()
}

type Outcome = (
    Membership,
    BTreeMap<StatementHash, Applied>,
    Vec<IgnoredStatement>,
);

fn apply_all(
    root: &DeviceKey,
    entries: &BTreeMap<StatementHash, Entry>,
    order: &[StatementHash],
    excluded: &BTreeSet<StatementHash>,
) -> Outcome {
    let mut membership = Membership::default();
    let mut applied = BTreeMap::new();
    let mut refused = Vec::new();
    for hash in order {
        if excluded.contains(hash) {
            continue;
        }
        let Some(entry) = entries.get(hash) else {
            continue;
        };
        match membership.apply(root, &entry.statement, entry.proof_holds) {
            Ok(done) => {
                membership.counted += 1;
                applied.insert(hash.clone(), done);
            }
            Err(reason) => refused.push(IgnoredStatement {
                hash: hash.clone(),
                by: Some(entry.statement.by),
                act: Some(entry.statement.act.clone()),
                reason,
            }),
        }
    }
    (membership, applied, refused)
}

/// The applied statements that a removal applied after them had not seen: signed by the
/// removed device, by a device of the removed person, or (for admin acts) by a device of
/// someone whose admin role was taken away.
fn removed_signers(
    entries: &BTreeMap<StatementHash, Entry>,
    order: &[StatementHash],
    applied: &BTreeMap<StatementHash, Applied>,
    excluded: &BTreeSet<StatementHash>,
) -> BTreeSet<StatementHash> {
    let mut newly = BTreeSet::new();
    for hash in order {
        if !applied.contains_key(hash) {
            continue;
        }
        let act = &entries[hash].statement.act;
        let signed_by_removed: Box<dyn Fn(&Applied) -> bool> = match act {
            Act::RemoveDevice { device } => {
                let device = *device;
                Box::new(move |a: &Applied| a.by == device)
            }
            Act::RemovePerson { person } => {
                let person = person.clone();
                Box::new(move |a: &Applied| a.person == person)
            }
            Act::Revoke {
                person,
                role: Role::Admin,
            } => {
                let person = person.clone();
                Box::new(move |a: &Applied| a.person == person && a.needed_admin)
            }
            _ => continue,
        };
        let seen = ancestors(entries, hash);
        for (other, done) in applied {
            if other != hash
                && !seen.contains(other)
                && !excluded.contains(other)
                && signed_by_removed(done)
            {
                newly.insert(other.clone());
            }
        }
    }
    newly
}

fn ancestors<'a>(
    entries: &'a BTreeMap<StatementHash, Entry>,
    from: &StatementHash,
) -> BTreeSet<&'a StatementHash> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&StatementHash> = entries
        .get(from)
        .map(|e| e.statement.parents.iter().collect())
        .unwrap_or_default();
    while let Some(hash) = stack.pop() {
        if let Some((key, entry)) = entries.get_key_value(hash) {
            if seen.insert(key) {
                stack.extend(entry.statement.parents.iter());
            }
        }
    }
    seen
}

impl Membership {
    /// Applies one statement, if its signer may make it now.
    fn apply(
        &mut self,
        root: &DeviceKey,
        statement: &Statement,
        proof_holds: bool,
    ) -> Result<Applied, Ignored> {
        let by = statement.by;
        if let Act::Found { person } = &statement.act {
            if by != *root {
                return Err(Ignored::NotTheRoot);
            }
            if self.founder.is_some() {
                return Err(Ignored::AlreadyFounded);
            }
            self.founder = Some(person.clone());
            self.bind(by, person);
            self.people
                .entry(person.clone())
                .or_default()
                .insert(Role::Admin);
            return Ok(Applied {
                by,
                person: person.clone(),
                needed_admin: false,
            });
        }
        if let Act::Accept { invitation, .. } = &statement.act {
            let Some(invited) = self.invitations.get(invitation) else {
                return Err(Ignored::UnknownInvitation);
            };
            if invited.accepted_by.is_some() {
                return Err(Ignored::InvitationUsed);
            }
            if invited.withdrawn {
                return Err(Ignored::InvitationWithdrawn);
            }
            if statement.at > invited.expires {
                return Err(Ignored::InvitationExpired);
            }
            if !proof_holds {
                return Err(Ignored::BadProof);
            }
            if self.ever_bound.contains_key(&by) {
                return Err(Ignored::DeviceAlreadyBound);
            }
            let person = invited.person.clone();
            if self.removed_people.contains(&person) {
                return Err(Ignored::PersonRemoved);
            }
            if let Some(invited) = self.invitations.get_mut(invitation) {
                invited.accepted_by = Some(by);
            }
            self.bind(by, &person);
            self.people.entry(person.clone()).or_default();
            return Ok(Applied {
                by,
                person,
                needed_admin: false,
            });
        }
        let Some(signer) = self.devices.get(&by).cloned() else {
            return Err(Ignored::NotAMember);
        };
        let admin = self.has_role(&signer, Role::Admin);
        let needed_admin = match &statement.act {
            Act::Found { .. } | Act::Accept { .. } => false,
            Act::Invite {
                invitation,
                person,
                expires,
            } => {
                let own = *person == signer;
                if !admin && !own {
                    return Err(Ignored::NotAnAdmin);
                }
                if self.removed_people.contains(person) {
                    return Err(Ignored::PersonRemoved);
                }
                if self.invitations.contains_key(invitation) {
                    return Err(Ignored::InvitationUsed);
                }
                self.invitations.insert(
                    *invitation,
                    Invitation {
                        person: person.clone(),
                        expires: *expires,
                        by: signer.clone(),
                        accepted_by: None,
                        withdrawn: false,
                    },
                );
                self.people.entry(person.clone()).or_default();
                !own
            }
            Act::Withdraw { invitation } => {
                let Some(invited) = self.invitations.get_mut(invitation) else {
                    return Err(Ignored::UnknownInvitation);
                };
                if !admin && invited.by != signer {
                    return Err(Ignored::NotAnAdmin);
                }
                if invited.accepted_by.is_some() {
                    return Err(Ignored::InvitationUsed);
                }
                if invited.withdrawn {
                    return Err(Ignored::InvitationWithdrawn);
                }
                invited.withdrawn = true;
                invited.by != signer
            }
            Act::RemoveDevice { device } => {
                let Some(owner) = self.devices.get(device).cloned() else {
                    return Err(Ignored::UnknownDevice);
                };
                if !admin && owner != signer {
                    return Err(Ignored::NotAnAdmin);
                }
                self.devices.remove(device);
                owner != signer
            }
            Act::RemovePerson { person } => {
                if !admin {
                    return Err(Ignored::NotAnAdmin);
                }
                if self.removed_people.contains(person) {
                    return Err(Ignored::PersonRemoved);
                }
                if self.has_role(person, Role::Admin) && self.with_role(Role::Admin).count() == 1 {
                    return Err(Ignored::LastAdmin);
                }
                self.people.remove(person);
                self.removed_people.insert(person.clone());
                self.devices.retain(|_, owner| owner != person);
                true
            }
            Act::Grant { person, role } => {
                if !admin {
                    return Err(Ignored::NotAnAdmin);
                }
                if self.removed_people.contains(person) {
                    return Err(Ignored::PersonRemoved);
                }
                self.people.entry(person.clone()).or_default().insert(*role);
                true
            }
            Act::Revoke { person, role } => {
                if !admin {
                    return Err(Ignored::NotAnAdmin);
                }
                if *role == Role::Admin
                    && self.has_role(person, Role::Admin)
                    && self.with_role(Role::Admin).count() == 1
                {
                    return Err(Ignored::LastAdmin);
                }
                if let Some(roles) = self.people.get_mut(person) {
                    roles.remove(role);
                }
                true
            }
            Act::SetManager { person, manager } => {
                if !admin {
                    return Err(Ignored::NotAnAdmin);
                }
                if self.removed_people.contains(person) {
                    return Err(Ignored::PersonRemoved);
                }
                if let Some(manager) = manager {
                    let mut up = Some(manager);
                    let mut steps = 0;
                    while let Some(current) = up {
                        if current == person || steps > self.managers.len() {
                            return Err(Ignored::ReportingLoop);
                        }
                        up = self.managers.get(current).and_then(Option::as_ref);
                        steps += 1;
                    }
                }
                self.managers.insert(person.clone(), manager.clone());
                true
            }
            Act::SetPlanRole { plan, person, role } => {
                if !admin {
                    return Err(Ignored::NotAnAdmin);
                }
                if self.removed_people.contains(person) && role.is_some() {
                    return Err(Ignored::PersonRemoved);
                }
                if matches!(role, Some(PlanRole::Board | PlanRole::Executive)) {
                    self.plan_approvers_ever
                        .entry(plan.clone())
                        .or_default()
                        .insert(person.clone());
                }
                let roles = self.plan_roles.entry(plan.clone()).or_default();
                match role {
                    Some(role) => roles.insert(person.clone(), *role),
                    None => roles.remove(person),
                };
                true
            }
        };
        Ok(Applied {
            by,
            person: signer,
            needed_admin,
        })
    }

    fn bind(&mut self, device: DeviceKey, person: &PersonId) {
        self.devices.insert(device, person.clone());
        self.ever_bound.insert(device, person.clone());
    }
}

/// `act` signed as `secret`'s device, after the statements `parents`.
fn signed_after(
    workspace: &str,
    secret: &DeviceSecret,
    parents: Vec<StatementHash>,
    act: Act,
    now: i64,
) -> (StatementHash, SignedStatement) {
    let statement = Statement {
        workspace: workspace.to_owned(),
        by: secret.public(),
        parents,
        at: now,
        act,
    };
    SignedStatement::sign(&statement, secret)
}
