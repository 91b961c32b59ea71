//! What the relay knows of who may read and change each document: the rules of every
//! workspace it serves (worked out from the workspace document's signed statements, as
//! every device does), which workspace each document belongs to, and the devices on its
//! connections.
//!
//! - **Owners.** A document belongs to the workspace that lists it, or else to the
//!   workspace (and device) of the first proven device that named it. Once known, a
//!   document's workspace never changes: another workspace listing it gains nothing.
//!   Owners and each workspace's pinned root are kept in `<data dir>/owners.jsonl`, one
//!   JSON line each, so a restart forgets nothing. Every statement that counted is kept
//!   in `<data dir>/statements.jsonl` and worked out from with the document's, so a
//!   statement deleted from the document (a removal, say) still counts.
//! - **Rules.** A workspace's document is read from disk when a device of it first
//!   connects, and kept up to date from the chunks the relay writes for it; the rules are
//!   worked out again before a chunk counts as stored (so no peer hears of a change
//!   before the rules follow it), and published on a watch channel only when they
//!   changed, so whatever decided on the old ones decides again. The root is pinned the first time the relay sees one, as a device pins it.
//! - **Decisions** ([`Rules::decide`]): a workspace nobody has claimed is open to anyone,
//!   as before. A claimed one's documents go only to proven devices of that workspace:
//!   the workspace document to its members (and to a device proving an open invitation),
//!   a listed document as `Access::may_hold` / `may_change` say, a document it does not
//!   list only to the person whose device first named it (coaching notes, or a document
//!   not listed yet).
//! - **Held histories.** A document its maker's device sent before any workspace listed
//!   it was taken unchecked (nothing said yet what it is). When a workspace then lists it
//!   as a document several people write (a review, a check-in series, asked feedback), it
//!   goes to no one but its maker until what it holds has been checked as its maker's
//!   (`crate::held_history`), and to no one else ever if that is refused. The verdict is
//!   kept in the log, so each such document is judged once. One whose maker may not
//!   write it as listed is held back unjudged until the listing changes.
//!
//! ```
//! use throughline_relay::rules::{Decision, Rules};
//! use throughline::model::DocumentId;
//! let workspace = DocumentId::random();
//! // Nobody has claimed it: open, as before.
//! let open = Rules::unclaimed();
//! assert_eq!(open.decide(&workspace, &workspace, None, None, 0), Decision::ReadWrite);
//! ```

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::rules_log::{Line, OwnerLine, RulesLog, StatementLine, VerdictLine};
use automerge::Automerge;
use samod::storage::StorageKey;
use throughline::model::access::Access;
use throughline::model::identity::{
    CheckedStatements, DeviceKey, KeptStatements, Membership, SignedStatement,
};
use throughline::model::listing::{Listed, Listing, RulesPart};
use throughline::model::part_check::PartWriter;
use throughline::model::{DocumentId, PersonId};
use tokio::sync::watch;

use crate::auth::Session;
use crate::quota::{OverQuota, Quotas};

/// What a peer may do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing: its requests are answered `doc-unavailable`.
    None,
    /// It gets the document's changes; its own are ignored.
    ReadOnly,
    ReadWrite,
}

/// One workspace's rules, as its signed statements say.
#[derive(Debug, Default)]
pub struct Rules {
    /// `None` while nobody has claimed the workspace.
    membership: Option<Membership>,
    listing: Listing,
    /// Whether the workspace has used its disk quota: its documents are read-only.
    over_quota: bool,
    /// Listed documents that go to no one but their maker: what they held when listed is
    /// not checked yet, or was refused (`crate::held_history`).
    held_back: BTreeSet<DocumentId>,
    /// What each device may do, worked out when first asked.
    access: Mutex<HashMap<DeviceKey, Access>>,
}

impl PartialEq for Rules {
    fn eq(&self, other: &Self) -> bool {
        self.membership == other.membership
            && self.listing == other.listing
            && self.over_quota == other.over_quota
            && self.held_back == other.held_back
    }
}

impl Rules {
    /// The rules of a workspace nobody has claimed (or the relay has never seen).
    pub fn unclaimed() -> Self {
        Self::default()
    }

    /// The rules `membership` (verified from the pinned root) and `listing` make.
    pub fn claimed(membership: Membership, listing: Listing) -> Self {
        Self {
            membership: Some(membership),
            listing,
            over_quota: false,
            held_back: BTreeSet::new(),
            access: Mutex::new(HashMap::new()),
        }
    }

    /// The same rules, with the workspace over its disk quota or not.
    fn with_over_quota(&self, over_quota: bool) -> Self {
        Self {
            membership: self.membership.clone(),
            listing: self.listing.clone(),
            over_quota,
            held_back: self.held_back.clone(),
            access: Mutex::new(HashMap::new()),
        }
    }

    /// The same rules, with `held_back` going to no one but their makers.
    fn holding_back(mut self, held_back: BTreeSet<DocumentId>) -> Self {
        self.held_back = held_back;
        self
    }

    /// Who the device that made `listed` before it was listed is, and in what capacity
    /// it writes it now; `None` when it may not write it as listed (or is no member).
    fn maker_writes_as(
        &self,
        device: &DeviceKey,
        listed: &Listed,
    ) -> Option<(PersonId, PartWriter)> {
        let membership = self.membership.as_ref()?;
        let person = membership.bound_to(device)?.clone();
        let writes_as = self.access_of(membership, device).part_writer(listed)?;
        Some((person, writes_as))
    }

    pub fn is_claimed(&self) -> bool {
        self.membership.is_some()
    }

    fn access_of(&self, membership: &Membership, device: &DeviceKey) -> Access {
        self.access
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(*device)
            .or_insert_with(|| Access::of_device(membership, device))
            .clone()
    }

    /// Whether `device` is in the workspace (bound to a person, not removed).
    pub fn is_member(&self, device: &DeviceKey) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| m.person_of(device).is_some() && !m.was_removed(device))
    }

    /// Whether `device` is an admin's (so the grants it signed hold).
    pub fn is_admin(&self, device: &DeviceKey) -> bool {
        self.membership.as_ref().is_some_and(|m| {
            !m.was_removed(device)
                && m.person_of(device)
                    .is_some_and(|p| m.has_role(p, throughline::model::identity::Role::Admin))
        })
    }

    /// What a program with `granted` may do with `document` of `workspace`: the
    /// documents its grant names, while its signer is an admin and it has not expired.
    pub fn decide_granted(
        &self,
        workspace: &DocumentId,
        document: &DocumentId,
        granted: &crate::auth::Granted,
        now: i64,
    ) -> Decision {
        let holds = &granted.workspace == workspace
            && granted.documents.contains(document)
            && !self.held_back.contains(document)
            && now < granted.expires
            && self.is_admin(&granted.by);
        match (holds, granted.write) {
            (false, _) => Decision::None,
            (true, true) => Decision::ReadWrite,
            (true, false) => Decision::ReadOnly,
        }
    }

    /// Whether `device` was removed from the workspace.
    pub fn was_removed(&self, device: &DeviceKey) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| m.was_removed(device))
    }

    /// What `session` may do with `document` of `workspace` (`owner`: the device that
    /// first named it, when the workspace does not list it), at `now` (ms since 1970).
    pub fn decide(
        &self,
        workspace: &DocumentId,
        document: &DocumentId,
        owner: Option<&DeviceKey>,
        session: Option<&Session>,
        now: i64,
    ) -> Decision {
        match self.decide_within_quota(workspace, document, owner, session, now, true) {
            Decision::ReadWrite if self.over_quota => Decision::ReadOnly,
            decision => decision,
        }
    }

    /// Who `session`'s device writes as, and in what capacity, when `document` is one
    /// that several people write (a review, a check-in series, asked feedback) and it
    /// may change it: its changes are then checked part by part (`crate::part_changes`).
    pub fn part_writer(
        &self,
        workspace: &DocumentId,
        document: &DocumentId,
        session: Option<&Session>,
    ) -> Option<(PersonId, PartWriter)> {
        // Most messages are of other documents (plans, the workspace): the listing
        // first, the device after.
        let listed = self.listing.get(document).filter(|listed| {
            matches!(
                listed,
                Listed::Review { .. }
                    | Listed::CheckIn { .. }
                    | Listed::AskedFeedback { .. }
                    | Listed::Contested(_)
            )
        })?;
        let (Some(membership), Some(session)) = (&self.membership, session) else {
            return None;
        };
        if &session.workspace != workspace || !self.is_member(&session.device) {
            return None;
        }
        let access = self.access_of(membership, &session.device);
        let writes_as = access.part_writer(listed)?;
        Some((access.person()?.clone(), writes_as))
    }

    /// Whether `session`'s device is refused `document` only because it is held back
    /// (`crate::held_history`): served once its history passes.
    pub fn refused_only_while_held_back(
        &self,
        workspace: &DocumentId,
        document: &DocumentId,
        owner: Option<&DeviceKey>,
        session: Option<&Session>,
        now: i64,
    ) -> bool {
        self.held_back.contains(document)
            && self.decide_within_quota(workspace, document, owner, session, now, false)
                != Decision::None
    }

    /// `holding_back`: whether documents held back go to their makers only (otherwise
    /// they are decided as any other).
    fn decide_within_quota(
        &self,
        workspace: &DocumentId,
        document: &DocumentId,
        owner: Option<&DeviceKey>,
        session: Option<&Session>,
        now: i64,
        holding_back: bool,
    ) -> Decision {
        let Some(membership) = &self.membership else {
            return Decision::ReadWrite;
        };
        let Some(session) = session else {
            return Decision::None;
        };
        if &session.workspace != workspace {
            return Decision::None;
        }
        if !self.is_member(&session.device) {
            let invited = document == workspace
                && !membership.was_removed(&session.device)
                && session.invitation.as_ref().is_some_and(|key| {
                    membership
                        .invitations()
                        .get(key)
                        .is_some_and(|invitation| invitation.open_at(now))
                });
            return if invited {
                Decision::ReadWrite
            } else {
                Decision::None
            };
        }
        if document == workspace {
            return Decision::ReadWrite;
        }
        let access = self.access_of(membership, &session.device);
        let is_maker = || {
            owner
                .and_then(|device| membership.bound_to(device))
                .is_some_and(|maker| Some(maker) == access.person())
        };
        match self.listing.get(document) {
            Some(_) if holding_back && self.held_back.contains(document) && !is_maker() => {
                Decision::None
            }
            Some(listed) if access.may_change(listed) => Decision::ReadWrite,
            Some(listed) if access.may_hold(listed) => Decision::ReadOnly,
            Some(_) => Decision::None,
            None => {
                let owner_person = owner.and_then(|device| membership.bound_to(device));
                if owner_person.is_some() && owner_person == access.person() {
                    Decision::ReadWrite
                } else {
                    Decision::None
                }
            }
        }
    }
}

/// Whose a document is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub workspace: DocumentId,
    /// The proven device that first named it (none for one known from a listing).
    pub device: Option<DeviceKey>,
    /// Named by that device before any workspace listed it, as recorded from this build
    /// on: what it held is checked as its maker's if it is listed as a document several
    /// people write (`crate::held_history`).
    pub before_listing: bool,
}

/// A listed document whose held history waits to be checked as its maker's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCheck {
    pub workspace: DocumentId,
    /// Its maker, and the capacity they write it in as listed.
    pub maker: (PersonId, PartWriter),
}

/// Whether `listed` is a document several people write, each their own parts (checked
/// part by part, and its held history as its maker's): every listing of it is one.
fn several_writers(listed: &Listed) -> bool {
    match listed {
        Listed::Review { .. } | Listed::CheckIn { .. } | Listed::AskedFeedback { .. } => true,
        Listed::Contested(all) => all.iter().all(several_writers),
        _ => false,
    }
}

/// What was found of a held history (`crate::held_history`).
#[derive(Debug, Clone)]
pub struct Verdict {
    pub document: DocumentId,
    pub workspace: DocumentId,
    /// Why it is not its maker's to have made; `None`: it is.
    pub refused: Option<String>,
}

/// Whether a workspace's rules are worked out again when its parts are as last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Again {
    /// Only if the parts changed (a chunk written, the rules first asked for).
    IfChanged,
    /// Always: something outside the document changed (a verdict, a statement another
    /// instance kept).
    Always,
}

/// A workspace the relay follows.
struct Tracked {
    id: DocumentId,
    document: Mutex<Automerge>,
    checked: Mutex<CheckedStatements>,
    rules: watch::Sender<Arc<Rules>>,
    loaded: tokio::sync::OnceCell<()>,
    /// The parts last worked out from (nothing is worked out again if they are the same).
    last: Mutex<Option<RulesPart>>,
    /// Held while the rules are worked out: one at a time, so rules worked out from older
    /// verdicts are never published over newer ones.
    working: Mutex<()>,
}

/// Every workspace's rules, every document's owner, every proven connection.
pub struct Registry {
    documents: crate::durable::Chunks,
    /// Where owners, roots and counted statements are kept.
    log: RulesLog,
    /// Whether what the log holds has been read (the relay takes no peer before).
    ready: std::sync::atomic::AtomicBool,
    owners: Mutex<HashMap<DocumentId, Owner>>,
    roots: Mutex<HashMap<DocumentId, DeviceKey>>,
    /// Bumped when a document gets an owner (a decision waiting on one decides again).
    owners_changed: watch::Sender<u64>,
    /// Bumped when another instance's record replaced an owner noted here (a decision
    /// made under the wrong workspace decides again).
    owners_corrected: watch::Sender<u64>,
    workspaces: Mutex<HashMap<DocumentId, Arc<Tracked>>>,
    sessions: Mutex<HashMap<String, (Session, usize)>>,
    /// Programs connected by an admin's grant, by the peer id they joined with.
    grants: Mutex<HashMap<String, crate::auth::Granted>>,
    quotas: Quotas,
    /// Every statement that counted, per workspace.
    kept: Mutex<HashMap<DocumentId, KeptStatements>>,
    /// Documents each workspace owns.
    counts: Mutex<HashMap<DocumentId, usize>>,
    /// Bytes each workspace's documents take on disk.
    usage: Mutex<HashMap<DocumentId, u64>>,
    /// What was found of each held history checked (`None`: its maker's), by document.
    verdicts: Mutex<HashMap<DocumentId, Option<String>>>,
    /// Held histories waiting to be checked, and a count bumped when one is added.
    awaiting: Mutex<HashMap<DocumentId, HeldCheck>>,
    awaiting_added: watch::Sender<u64>,
    /// Bumped when a verdict is kept.
    judged: watch::Sender<u64>,
}

impl Registry {
    /// Reads what is kept under `data_dir`; `documents` are where the chunks are (what
    /// they take is counted by [`Registry::count`]).
    pub fn open(data_dir: &Path, quotas: Quotas, documents: crate::durable::Chunks) -> Arc<Self> {
        let log = RulesLog::files(data_dir);
        let lines = log.read_files();
        let registry = Self::with(log, quotas, documents);
        for line in lines {
            registry.learn(line);
        }
        registry.ready();
        registry
    }

    /// A registry whose log is added to through `log` (PostgreSQL): it takes no peer
    /// until what the log holds has been learnt and [`Registry::ready`] called.
    pub fn on_postgres(
        adding: tokio::sync::mpsc::UnboundedSender<Line>,
        postgres: Arc<crate::postgres::Postgres>,
        quotas: Quotas,
        documents: crate::durable::Chunks,
    ) -> Arc<Self> {
        Self::with(RulesLog::Postgres { adding, postgres }, quotas, documents)
    }

    fn with(log: RulesLog, quotas: Quotas, documents: crate::durable::Chunks) -> Arc<Self> {
        Arc::new(Self {
            documents,
            log,
            ready: std::sync::atomic::AtomicBool::new(false),
            quotas,
            kept: Mutex::new(HashMap::new()),
            counts: Mutex::new(HashMap::new()),
            usage: Mutex::new(HashMap::new()),
            verdicts: Mutex::new(HashMap::new()),
            awaiting: Mutex::new(HashMap::new()),
            awaiting_added: watch::channel(0).0,
            judged: watch::channel(0).0,
            owners: Mutex::new(HashMap::new()),
            roots: Mutex::new(HashMap::new()),
            owners_changed: watch::channel(0).0,
            owners_corrected: watch::channel(0).0,
            workspaces: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            grants: Mutex::new(HashMap::new()),
        })
    }

    /// What the log holds has been learnt: peers may sync.
    pub fn ready(&self) {
        self.ready.store(true, std::sync::atomic::Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Takes in a line of the log (read at start, or added by another instance): the
    /// first owner of a document and root of a workspace hold.
    pub fn learn(&self, line: Line) {
        self.take(line, false);
    }

    /// Another instance's line holds where this one's was refused: what it says replaces
    /// what this instance noted.
    pub fn correct(&self, line: Line) {
        if let Line::Owner(owner) = &line {
            tracing::warn!(document = %owner.document, workspace = %owner.workspace, "another relay instance recorded this first; its record holds");
        }
        self.take(line, true);
    }

    fn take(&self, line: Line, replace: bool) {
        let line = match line {
            Line::Owner(line) => line,
            Line::Verdict(line) => {
                // Those waiting on it are told once the rules follow it (the workspace's
                // next working out: `Registry::judge`, or the instance that heard of it).
                if let Ok(document) = line.document.parse::<DocumentId>() {
                    self.keep_verdict(document, line.refused, replace);
                }
                return;
            }
            Line::Statement(line) => {
                if let Ok(workspace) = line.workspace.parse::<DocumentId>() {
                    lock(&self.kept)
                        .entry(workspace)
                        .or_default()
                        .keep([(line.hash, line.statement)]);
                }
                return;
            }
        };
        let (Ok(document), Ok(workspace)) = (
            line.document.parse::<DocumentId>(),
            line.workspace.parse::<DocumentId>(),
        ) else {
            return;
        };
        if let Some(root) = line.root {
            let mut roots = lock(&self.roots);
            if replace {
                roots.insert(workspace, root);
                drop(roots);
                // Worked out again from the root that holds.
                if let Some(tracked) = lock(&self.workspaces).get(&workspace) {
                    *lock(&tracked.last) = None;
                }
            } else {
                roots.entry(workspace).or_insert(root);
            }
            return;
        }
        let owner = Owner {
            workspace,
            device: line.device,
            before_listing: line.before_listing,
        };
        if self.note_owner(document, owner, replace) {
            self.owners_changed.send_modify(|n| *n += 1);
            if replace {
                self.owners_corrected.send_modify(|n| *n += 1);
            }
        }
    }

    /// Notes `document`'s owner (replacing another when `replace`); whether it changed.
    fn note_owner(&self, document: DocumentId, owner: Owner, replace: bool) -> bool {
        let previous = {
            let mut owners = lock(&self.owners);
            match owners.get(&document) {
                Some(known) if !replace || *known == owner => return false,
                _ => owners.insert(document, owner.clone()),
            }
        };
        let mut counts = lock(&self.counts);
        if let Some(previous) = previous {
            if let Some(count) = counts.get_mut(&previous.workspace) {
                *count = count.saturating_sub(1);
            }
        }
        *counts.entry(owner.workspace).or_default() += 1;
        true
    }

    /// Counts what each workspace's documents take, from the bytes of each document's
    /// chunks (those of documents nobody owns yet are not counted).
    pub fn count(&self, sizes: &HashMap<String, u64>) {
        let owners = lock(&self.owners);
        let mut usage = lock(&self.usage);
        for (document, owner) in owners.iter() {
            let bytes = sizes.get(&document.to_string()).copied().unwrap_or(0);
            *usage.entry(owner.workspace).or_default() += bytes;
        }
    }

    fn append(&self, line: OwnerLine) {
        self.log.add(vec![Line::Owner(line)]);
    }

    /// Notes a proven connection (until [`Registry::ended`]).
    pub fn began(&self, session: &Session) {
        let mut sessions = lock(&self.sessions);
        let entry = sessions
            .entry(session.peer.clone())
            .or_insert_with(|| (session.clone(), 0));
        entry.0 = session.clone();
        entry.1 += 1;
        drop(sessions);
        self.own(&session.workspace, &session.workspace, Some(session.device));
    }

    pub fn ended(&self, peer: &str) {
        let mut sessions = lock(&self.sessions);
        if let Some(entry) = sessions.get_mut(peer) {
            entry.1 -= 1;
            if entry.1 == 0 {
                sessions.remove(peer);
            }
        }
    }

    pub fn session(&self, peer: &str) -> Option<Session> {
        lock(&self.sessions).get(peer).map(|(s, _)| s.clone())
    }

    /// Notes a program's connection joined as `peer` (until [`Registry::grant_ended`]);
    /// refused when another connection uses that peer id.
    pub fn grant_began(&self, peer: &str, granted: &crate::auth::Granted) -> Result<(), String> {
        if lock(&self.sessions).contains_key(peer) {
            return Err("another connection uses this peer id".into());
        }
        let mut grants = lock(&self.grants);
        if grants.contains_key(peer) {
            return Err("another connection uses this peer id".into());
        }
        grants.insert(peer.to_owned(), granted.clone());
        Ok(())
    }

    pub fn grant_ended(&self, peer: &str) {
        lock(&self.grants).remove(peer);
    }

    pub fn granted(&self, peer: &str) -> Option<crate::auth::Granted> {
        lock(&self.grants).get(peer).cloned()
    }

    /// Whose `document` is, if known.
    pub fn owner(&self, document: &DocumentId) -> Option<Owner> {
        lock(&self.owners).get(document).cloned()
    }

    /// Records that `document` belongs to `workspace` (and `device`), unless it belongs
    /// to someone already.
    pub fn own(&self, document: &DocumentId, workspace: &DocumentId, device: Option<DeviceKey>) {
        let owner = Owner {
            workspace: *workspace,
            device,
            before_listing: false,
        };
        if !self.note_owner(*document, owner, false) {
            return;
        }
        self.append(OwnerLine {
            document: document.to_string(),
            workspace: workspace.to_string(),
            device,
            root: None,
            before_listing: false,
        });
        self.owners_changed.send_modify(|n| *n += 1);
    }

    /// Records a document a proven device of `workspace` names first, unless the
    /// workspace has as many documents as it may keep (a document already owned passes).
    /// On PostgreSQL the record is kept in the database (or another instance's found)
    /// before this returns, that is before samod hears of the document, so that no two
    /// instances give one document to two workspaces.
    pub async fn own_new(
        &self,
        document: &DocumentId,
        workspace: &DocumentId,
        device: DeviceKey,
    ) -> Result<(), OverQuota> {
        if self.owner(document).is_some() {
            return Ok(());
        }
        let count = lock(&self.counts).get(workspace).copied().unwrap_or(0);
        if count >= self.quotas.documents_per_workspace {
            return Err(OverQuota::Documents(self.quotas.documents_per_workspace));
        }
        // Not owned yet, so not listed by any workspace the relay follows (a listing owns
        // what it lists): what it is to hold is unknown, and it is checked if it is listed.
        let owner = Owner {
            workspace: *workspace,
            device: Some(device),
            before_listing: true,
        };
        if !self.note_owner(*document, owner, false) {
            return Ok(());
        }
        let line = Line::Owner(OwnerLine {
            document: document.to_string(),
            workspace: workspace.to_string(),
            device: Some(device),
            root: None,
            before_listing: true,
        });
        if let Some(held) = self.log.add_and_hold(line).await {
            self.correct(held);
        }
        self.owners_changed.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Why changes to `document` are refused, if its workspace is over its disk quota.
    pub fn over_quota(&self, document: &DocumentId) -> Option<OverQuota> {
        let workspace = self.owner(document)?.workspace;
        let used = lock(&self.usage).get(&workspace).copied().unwrap_or(0);
        (used >= self.quotas.workspace_bytes)
            .then_some(OverQuota::Bytes(self.quotas.workspace_bytes))
    }

    /// Whether `session` may read `document` but not change it (a manager further up, a
    /// workspace over its quota): its changes to it are then dropped by the connection.
    /// Only for a workspace whose rules are loaded (a connection loads its own).
    pub fn refuses_changes(&self, document: &DocumentId, session: Option<&Session>) -> bool {
        let Some(owner) = self.owner(document) else {
            return false;
        };
        let Some(tracked) = lock(&self.workspaces).get(&owner.workspace).cloned() else {
            return false;
        };
        let rules = tracked.rules.borrow().clone();
        let now = crate::clock::now_ms();
        rules.decide(
            &owner.workspace,
            document,
            owner.device.as_ref(),
            session,
            now,
        ) == Decision::ReadOnly
    }

    /// Who `session`'s device writes as, and in what capacity, when `document` is one
    /// that several people write and it may change it. Only for a workspace whose rules
    /// are loaded (a connection loads its own).
    pub fn part_writer(
        &self,
        document: &DocumentId,
        session: Option<&Session>,
    ) -> Option<(PersonId, PartWriter)> {
        let owner = self.owner(document)?;
        let tracked = lock(&self.workspaces).get(&owner.workspace).cloned()?;
        let rules = tracked.rules.borrow().clone();
        rules.part_writer(&owner.workspace, document, session)
    }

    /// Whether `peer` may read `document` now, as the share policy decides it (a
    /// workspace not followed yet counts as no).
    pub fn may_read(&self, document: &DocumentId, peer: &str) -> bool {
        let granted = self.granted(peer);
        let session = self.session(peer);
        let Some(owner) = self.owner(document) else {
            // As the policy: a peer that proves nothing syncs a document nobody owns.
            return granted.is_none() && session.is_none();
        };
        let Some(tracked) = lock(&self.workspaces).get(&owner.workspace).cloned() else {
            return false;
        };
        let rules = tracked.rules.borrow().clone();
        let now = crate::clock::now_ms();
        let decision = match &granted {
            Some(granted) => rules.decide_granted(&owner.workspace, document, granted, now),
            None => rules.decide(
                &owner.workspace,
                document,
                owner.device.as_ref(),
                session.as_ref(),
                now,
            ),
        };
        decision != Decision::None
    }

    /// Counts `bytes` more (or fewer) on disk for `document`'s workspace, and makes its
    /// documents read-only, or writable again, as it crosses its quota.
    pub fn stored(&self, document: &str, bytes: i64) {
        let Ok(id) = document.parse::<DocumentId>() else {
            return;
        };
        let Some(workspace) = self.owner(&id).map(|o| o.workspace) else {
            return;
        };
        let (before, after) = {
            let mut usage = lock(&self.usage);
            let used = usage.entry(workspace).or_default();
            let before = *used;
            *used = used.saturating_add_signed(bytes);
            (before, *used)
        };
        self.crossed(workspace, before, after);
    }

    /// Counts again what every workspace's documents take, from the bytes of each
    /// document's chunks (with several relays on PostgreSQL, each writes only part of
    /// them; the database has them all).
    pub fn recount(&self, sizes: &HashMap<String, u64>) {
        let mut usage: HashMap<DocumentId, u64> = HashMap::new();
        for (document, owner) in lock(&self.owners).iter() {
            let bytes = sizes.get(&document.to_string()).copied().unwrap_or(0);
            *usage.entry(owner.workspace).or_default() += bytes;
        }
        let known: Vec<DocumentId> = lock(&self.usage).keys().copied().collect();
        for workspace in known {
            usage.entry(workspace).or_default();
        }
        for (workspace, after) in usage {
            let before = lock(&self.usage).insert(workspace, after).unwrap_or(0);
            self.crossed(workspace, before, after);
        }
    }

    /// Makes the documents of `workspace` read-only, or writable again, when what it
    /// takes crossed its quota.
    fn crossed(&self, workspace: DocumentId, before: u64, after: u64) {
        let limit = self.quotas.workspace_bytes;
        if (before >= limit) == (after >= limit) {
            return;
        }
        let over = after >= limit;
        if over {
            tracing::warn!(%workspace, bytes = after, "a workspace reached its disk quota: its documents are read-only");
        }
        if let Some(tracked) = lock(&self.workspaces).get(&workspace).cloned() {
            tracked
                .rules
                .send_modify(|rules| *rules = Arc::new(rules.with_over_quota(over)));
        }
    }

    /// A receiver told whenever a document gets an owner.
    pub fn watch_owners(&self) -> watch::Receiver<u64> {
        self.owners_changed.subscribe()
    }

    /// A receiver told whenever an owner noted here is replaced by another instance's.
    pub fn watch_corrections(&self) -> watch::Receiver<u64> {
        self.owners_corrected.subscribe()
    }

    /// The documents `rules` list (of `workspace`) as ones several people write that
    /// their makers' devices sent before they were listed, and whose held history is not
    /// yet found to be the maker's. Those whose maker writes them as listed wait to be
    /// checked; one whose maker may not (listed as someone else's, its listing contested,
    /// the maker's device removed) is held back unjudged until the listing changes.
    /// Also those of them that wait to be checked: added to those waiting here, while
    /// those no longer waiting are let go by [`Registry::waiting_only_on`] once the rules
    /// are published.
    fn held_back(
        &self,
        workspace: &DocumentId,
        rules: &Rules,
    ) -> (BTreeSet<DocumentId>, BTreeSet<DocumentId>) {
        let mut held_back = BTreeSet::new();
        let mut to_check = HashMap::new();
        for (document, listed) in rules.listing.iter() {
            if !several_writers(listed) {
                continue;
            }
            let Some(owner) = self.owner(document) else {
                continue;
            };
            let (true, Some(device)) = (owner.before_listing, owner.device) else {
                continue;
            };
            if &owner.workspace != workspace {
                continue;
            }
            let verdict = lock(&self.verdicts).get(document).cloned();
            match verdict {
                Some(None) => continue,
                Some(Some(_)) => {}
                None => {
                    if let Some(maker) = rules.maker_writes_as(&device, listed) {
                        to_check.insert(
                            *document,
                            HeldCheck {
                                workspace: *workspace,
                                maker,
                            },
                        );
                    }
                }
            }
            held_back.insert(*document);
        }
        // What this workspace waits on is what it holds back now, as it lists it now.
        // Added before the rules are published: whoever finds a document held back finds
        // it waiting too.
        let mut added = false;
        {
            let mut awaiting = lock(&self.awaiting);
            for (document, check) in &to_check {
                if awaiting.get(document) != Some(check) {
                    awaiting.insert(*document, check.clone());
                    added = true;
                }
            }
        }
        if added {
            self.awaiting_added.send_modify(|n| *n += 1);
        }
        (held_back, to_check.into_keys().collect())
    }

    /// Lets go of the held histories of `workspace` that wait no longer (judged, unlisted,
    /// their maker no longer writing them), once the rules without them are published;
    /// whoever waited on them is told.
    fn waiting_only_on(&self, workspace: &DocumentId, waiting: &BTreeSet<DocumentId>) {
        let released = {
            let mut awaiting = lock(&self.awaiting);
            let before = awaiting.len();
            awaiting.retain(|document, check| {
                &check.workspace != workspace || waiting.contains(document)
            });
            awaiting.len() < before
        };
        if released {
            self.judged.send_modify(|n| *n += 1);
        }
    }

    /// The held histories waiting to be checked.
    pub fn awaiting_checks(&self) -> Vec<(DocumentId, HeldCheck)> {
        lock(&self.awaiting)
            .iter()
            .map(|(document, check)| (*document, check.clone()))
            .collect()
    }

    /// A receiver told whenever a held history is added to those waiting to be checked.
    pub fn watch_awaiting(&self) -> watch::Receiver<u64> {
        self.awaiting_added.subscribe()
    }

    /// Keeps what was found of each held history (`refused`: why it is not its maker's),
    /// and has each workspace's rules worked out again with them, once. On PostgreSQL
    /// the verdict another instance kept first holds.
    pub async fn judge(self: &Arc<Self>, found: Vec<Verdict>) {
        let mut workspaces = BTreeSet::new();
        for Verdict {
            document,
            workspace,
            refused,
        } in &found
        {
            if let Some(why) = refused {
                tracing::warn!(%document, %workspace, reason = %why, "a document listed after it was made holds what its maker may not write; it goes to no one else");
            }
            self.keep_verdict(*document, refused.clone(), false);
            let line = Line::Verdict(VerdictLine {
                document: document.to_string(),
                workspace: workspace.to_string(),
                refused: refused.clone(),
            });
            if let Some(held) = self.log.add_and_hold(line).await {
                self.correct(held);
            }
            workspaces.insert(*workspace);
        }
        for workspace in &workspaces {
            self.recheck_workspace(workspace).await;
        }
        // Only now, with the rules following the verdicts, are they told: whoever waits on
        // one (a member's request, the workspace's change being stored) decides on these
        // rules. (Working the rules out told them already, unless the workspace did not
        // read.)
        for verdict in &found {
            lock(&self.awaiting).remove(&verdict.document);
        }
        self.judged.send_modify(|n| *n += 1);
    }

    /// Notes what was found of `document`'s held history; `replace`: over what another
    /// instance or an earlier check found.
    fn keep_verdict(&self, document: DocumentId, refused: Option<String>, replace: bool) {
        let mut verdicts = lock(&self.verdicts);
        if replace {
            verdicts.insert(document, refused);
        } else {
            verdicts.entry(document).or_insert(refused);
        }
    }

    /// Whether `document`'s held history waits to be checked.
    pub fn awaits_verdict(&self, document: &DocumentId) -> bool {
        lock(&self.awaiting).contains_key(document)
    }

    /// Whether the rules of `document` (a workspace) are followed here.
    pub fn follows(&self, document: &str) -> bool {
        document
            .parse::<DocumentId>()
            .is_ok_and(|id| lock(&self.workspaces).contains_key(&id))
    }

    /// The workspaces whose rules are followed here.
    pub fn followed(&self) -> Vec<DocumentId> {
        lock(&self.workspaces).keys().copied().collect()
    }

    /// Works the rules of `workspace` out again, if they are followed here (a statement
    /// another instance kept).
    pub async fn recheck_workspace(self: &Arc<Self>, workspace: &DocumentId) {
        let tracked = lock(&self.workspaces).get(workspace).cloned();
        if let Some(tracked) = tracked {
            self.recheck(&tracked, Again::Always).await;
        }
    }

    /// The rules of `workspace`, read from disk the first time, and a receiver told when
    /// they change.
    pub async fn rules(self: &Arc<Self>, workspace: &DocumentId) -> watch::Receiver<Arc<Rules>> {
        let tracked = {
            let mut workspaces = lock(&self.workspaces);
            Arc::clone(workspaces.entry(*workspace).or_insert_with(|| {
                Arc::new(Tracked {
                    id: *workspace,
                    document: Mutex::new(Automerge::new()),
                    checked: Mutex::new(CheckedStatements::default()),
                    rules: watch::channel(Arc::new(Rules::unclaimed())).0,
                    loaded: tokio::sync::OnceCell::new(),
                    last: Mutex::new(None),
                    working: Mutex::new(()),
                })
            }))
        };
        let receiver = tracked.rules.subscribe();
        tracked
            .loaded
            .get_or_init(|| async {
                // Registered before reading, so a chunk written meanwhile is applied too.
                let prefix = StorageKey::from_parts([workspace.to_string()]);
                if let Ok(prefix) = prefix {
                    let chunks = self.documents.load_range(prefix).await;
                    let mut document = lock(&tracked.document);
                    for (key, bytes) in chunks {
                        if let Err(error) = document.load_incremental(&bytes) {
                            tracing::error!(%key, %error, "a workspace chunk does not read; its rules are worked out without it");
                        }
                    }
                }
                self.recheck(&tracked, Again::IfChanged).await;
            })
            .await;
        receiver
    }

    /// A chunk of `document` is being written: a workspace the relay follows takes it
    /// in and has its rules worked out again before the chunk counts as stored, so no
    /// peer hears of a change (a removal, a review listed) before the rules follow it.
    /// Whether `document` is such a workspace (then `id`, for
    /// [`Registry::wait_for_verdicts`]).
    pub async fn written(self: &Arc<Self>, document: &str, bytes: &[u8]) -> Option<DocumentId> {
        let id = document.parse::<DocumentId>().ok()?;
        let tracked = lock(&self.workspaces).get(&id).cloned()?;
        if let Err(error) = lock(&tracked.document).load_incremental(bytes) {
            tracing::error!(%document, %error, "a workspace chunk does not read");
            return None;
        }
        self.recheck(&tracked, Again::IfChanged).await;
        Some(id)
    }

    /// Waits (a while at most) until every held history `workspace` lists that waits to
    /// be checked is judged: the members who hear of the listing then ask for documents
    /// the rules already give them, instead of being told they are unavailable and
    /// asking again only at the workspace's next change.
    ///
    /// Only the storage of this instance waits (`crate::durable`): another instance's
    /// chunks are followed in order, and one wait there would delay every document.
    pub async fn wait_for_verdicts(&self, workspace: &DocumentId) {
        self.wait_while(|awaiting| awaiting.values().any(|check| &check.workspace == workspace))
            .await;
    }

    /// Waits (a while at most) until `document`'s held history, if it waits to be
    /// checked, is judged and the rules follow the verdict.
    pub async fn wait_for_verdict(&self, document: &DocumentId) {
        self.wait_while(|awaiting| awaiting.contains_key(document))
            .await;
    }

    async fn wait_while(&self, waiting: impl Fn(&HashMap<DocumentId, HeldCheck>) -> bool) {
        /// A history is checked once it has stayed the same for a moment
        /// (`held_history::SETTLE`); this bounds a wait on a document that keeps
        /// changing, on one samod cannot load now, or on a relay that is stopping.
        const AT_MOST: std::time::Duration = std::time::Duration::from_secs(3);
        // Subscribed before looking, so a verdict kept in between is not missed.
        let mut judged = self.judged.subscribe();
        let _ = tokio::time::timeout(AT_MOST, async {
            while waiting(&lock(&self.awaiting)) {
                if judged.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
    }

    /// Works a workspace's rules out again from its document (off the async threads: a
    /// large workspace's first check takes a while); publishes them if they changed, and
    /// owns what it lists.
    async fn recheck(self: &Arc<Self>, tracked: &Arc<Tracked>, again: Again) {
        let registry = Arc::clone(self);
        let tracked = Arc::clone(tracked);
        let worked = tokio::task::spawn_blocking(move || registry.work_out(&tracked, again)).await;
        if let Err(error) = worked {
            tracing::error!(%error, "a workspace's rules could not be worked out");
        }
    }

    /// Keeps (in memory and in `statements.jsonl`) the statements of `workspace` that
    /// count in `membership`.
    fn keep_counted(
        &self,
        workspace: &DocumentId,
        statements: &std::collections::BTreeMap<String, SignedStatement>,
        membership: &Membership,
    ) {
        let mut all = lock(&self.kept);
        let kept = all.entry(*workspace).or_default();
        let before: std::collections::BTreeSet<String> =
            kept.iter().map(|(h, _)| h.clone()).collect();
        if !kept.keep_counted(statements, membership) {
            return;
        }
        let new: Vec<(String, SignedStatement)> = kept
            .iter()
            .filter(|(h, _)| !before.contains(*h))
            .map(|(h, s)| (h.clone(), s.clone()))
            .collect();
        drop(all);
        let lines = new
            .into_iter()
            .map(|(hash, statement)| {
                Line::Statement(StatementLine {
                    workspace: workspace.to_string(),
                    hash,
                    statement,
                })
            })
            .collect();
        self.log.add(lines);
    }

    fn work_out(&self, tracked: &Tracked, again: Again) {
        let _working = lock(&tracked.working);
        let part: Result<RulesPart, _> = autosurgeon::hydrate(&*lock(&tracked.document));
        let mut part = match part {
            Ok(part) => part,
            Err(error) => {
                tracing::debug!(id = %tracked.id, %error, "a workspace document does not read");
                return;
            }
        };
        // Statements deleted from the document still count: the relay keeps every one that
        // counted (see `identity::KeptStatements`).
        let kept = lock(&self.kept)
            .get(&tracked.id)
            .cloned()
            .unwrap_or_default();
        part.membership = kept.merged(&part.membership);
        {
            let mut last = lock(&tracked.last);
            if again == Again::IfChanged && last.as_ref() == Some(&part) {
                return;
            }
            *last = Some(part.clone());
        }
        let workspace = part.into_workspace();
        let pinned = {
            let mut roots = lock(&self.roots);
            match roots.get(&tracked.id) {
                Some(root) => Some(*root),
                None => match workspace.root.parse::<DeviceKey>() {
                    Ok(root) => {
                        roots.insert(tracked.id, root);
                        drop(roots);
                        self.append(OwnerLine {
                            document: tracked.id.to_string(),
                            workspace: tracked.id.to_string(),
                            device: None,
                            root: Some(root),
                            before_listing: false,
                        });
                        Some(root)
                    }
                    Err(_) => None,
                },
            }
        };
        let listing = Listing::of(&workspace);
        for (document, _) in listing.iter() {
            self.own(document, &tracked.id, None);
        }
        let mut still_waiting = None;
        let rules = match pinned {
            None => Rules::unclaimed(),
            Some(root) => {
                let membership = workspace.membership_with(
                    &tracked.id.url(),
                    Some(&root),
                    &mut lock(&tracked.checked),
                );
                match membership {
                    Some(membership) => {
                        self.keep_counted(&tracked.id, &workspace.membership, &membership);
                        let rules = Rules::claimed(membership, listing);
                        let (held_back, waiting) = self.held_back(&tracked.id, &rules);
                        still_waiting = Some(waiting);
                        rules.holding_back(held_back)
                    }
                    None => Rules::unclaimed(),
                }
            }
        };
        let used = lock(&self.usage).get(&tracked.id).copied().unwrap_or(0);
        let rules = rules.with_over_quota(used >= self.quotas.workspace_bytes);
        tracked.rules.send_if_modified(|current| {
            if **current == rules {
                return false;
            }
            *current = Arc::new(rules);
            true
        });
        if let Some(waiting) = still_waiting {
            self.waiting_only_on(&tracked.id, &waiting);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
