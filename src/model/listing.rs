//! The documents a workspace lists and what each one is: a plan, someone's review, a
//! manager–employee check-in series. Whether a person may hold one is
//! [`Access::may_hold`](super::access::Access::may_hold): the same answer on every device
//! (what it opens) and at the relay (what it serves).
//!
//! ```
//! use throughline::model::listing::{Listed, Listing};
//! use throughline::model::Workspace;
//! let workspace = Workspace::default();
//! let listing = Listing::of(&workspace);
//! assert!(listing.is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};

use autosurgeon::Hydrate;

use super::identity::SignedStatement;
use super::review::{CheckInEntry, FeedbackRequest, GivenEntry, ManagerSide, ReviewCycle};
use super::{DocumentId, DocumentUrl, ItemId, PersonId, PlanEntry, Workspace};

/// The parts of a workspace document that decide who holds what (the root, the signed
/// statements and the lists of documents), read without the rest (people, feedback
/// text, templates): what the relay reads each time a workspace document changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate)]
pub struct RulesPart {
    #[autosurgeon(missing = "String::new")]
    pub root: String,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub membership: BTreeMap<String, SignedStatement>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub plans: BTreeMap<DocumentUrl, PlanEntry>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub cycles: BTreeMap<ItemId, ReviewCycle>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub check_ins: BTreeMap<DocumentUrl, CheckInEntry>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub feedback_requests: BTreeMap<ItemId, FeedbackRequest>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub given_feedback: BTreeMap<DocumentUrl, GivenEntry>,
}

impl RulesPart {
    /// A workspace holding only these parts (enough for its membership and listing).
    pub fn into_workspace(self) -> Workspace {
        Workspace {
            root: self.root,
            membership: self.membership,
            plans: self.plans,
            cycles: self.cycles,
            check_ins: self.check_ins,
            feedback_requests: self.feedback_requests,
            given_feedback: self.given_feedback,
            ..Workspace::default()
        }
    }
}

/// What a listed document is, as far as who may hold it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// The strategic plan `plan`: every member reads it; its signed participants and the
    /// admins change it.
    Plan { plan: DocumentId },
    /// The review of `employee`.
    Review { employee: PersonId },
    /// The manager's side of `employee`'s review ([`ManagerSide`], its id derived from
    /// the review's): their managers' and HR's, never the employee's.
    ///
    /// [`ManagerSide`]: super::review::ManagerSide
    ManagerSide { employee: PersonId },
    /// Feedback on `employee`'s review, written by `writer` ([`AskedFeedback`]): the
    /// writer's, the employee's managers' and HR's, never the employee's. `writer` is
    /// `None` when more than one request names the document (a modified client naming
    /// another's feedback as its own): then only the managers and HR hold it.
    ///
    /// [`AskedFeedback`]: super::review::AskedFeedback
    AskedFeedback {
        employee: PersonId,
        writer: Option<PersonId>,
    },
    /// Feedback or praise given to `to` by `from` during the year (a
    /// [`Feedback`](super::review::Feedback) document): held by both, `to`'s managers and
    /// HR; written by `from`.
    GivenFeedback { to: PersonId, from: PersonId },
    /// The check-in series of a manager and an employee: the pair's.
    CheckIn {
        manager: PersonId,
        employee: PersonId,
    },
    /// A document the workspace lists more than once, as different things (an honest
    /// device lists each document once; the workspace document is written by every
    /// member, so a modified client can add an entry naming a document it does not hold,
    /// say a colleague's review as its own). It is held only by those every listing
    /// allows, and changed only by those every listing lets change it: a forged entry
    /// can hide a document from its people, never give it to anyone else.
    Contested(Vec<Listed>),
}

/// Each document's entries, in the order listed.
#[derive(Default)]
struct Entries(HashMap<DocumentId, Vec<Listed>>);

impl Entries {
    /// Lists the document at `url`, if it reads as a document URL.
    fn add(&mut self, url: &DocumentUrl, listed: Listed) {
        if let Ok(id) = DocumentId::from_url(url) {
            self.add_id(id, listed);
        }
    }

    fn add_id(&mut self, id: DocumentId, listed: Listed) {
        let all = self.0.entry(id).or_default();
        if !all.contains(&listed) {
            all.push(listed);
        }
    }
}

/// Every document `Workspace` lists, by id. Links that do not read as document URLs
/// list nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing(HashMap<DocumentId, Listed>);

impl Listing {
    /// Worked out again whenever the workspace changes (on every device, and at the
    /// relay for every change to it): each URL is read once (reading one checks its
    /// checksum, two SHA-256 digests), and a manager's side is listed by the id derived
    /// from its review's, never through a URL.
    pub fn of(workspace: &Workspace) -> Self {
        let mut listed = Entries::default();
        for url in workspace.plans.keys() {
            if let Ok(plan) = DocumentId::from_url(url) {
                listed.add_id(plan, Listed::Plan { plan });
            }
        }
        for cycle in workspace.cycles.values() {
            for (employee, url) in &cycle.reviews {
                if let Ok(review) = DocumentId::from_url(url) {
                    let side = ManagerSide::document_of(review);
                    let employee = employee.clone();
                    listed.add_id(
                        side,
                        Listed::ManagerSide {
                            employee: employee.clone(),
                        },
                    );
                    listed.add_id(review, Listed::Review { employee });
                }
            }
        }
        for (url, entry) in &workspace.check_ins {
            let (manager, employee) = (entry.manager.clone(), entry.employee.clone());
            listed.add(url, Listed::CheckIn { manager, employee });
        }
        for (url, entry) in &workspace.given_feedback {
            let (to, from) = (entry.to.clone(), entry.from.clone());
            listed.add(url, Listed::GivenFeedback { to, from });
        }
        // Two requests naming one document make it nobody's to write (the managers and HR
        // still hold it): a modified client naming another's feedback as its own gains
        // nothing.
        let mut writers: HashMap<&DocumentUrl, Vec<&FeedbackRequest>> = HashMap::new();
        for request in workspace.feedback_requests.values() {
            if let Some(url) = &request.document {
                writers.entry(url).or_default().push(request);
            }
        }
        for (url, requests) in writers {
            for request in &requests {
                let writer = (requests.len() == 1).then(|| request.peer.clone());
                let employee = request.employee.clone();
                listed.add(url, Listed::AskedFeedback { employee, writer });
            }
        }
        Self(
            listed
                .0
                .into_iter()
                .map(|(id, mut all)| {
                    let listed = if all.len() == 1 {
                        all.remove(0)
                    } else {
                        Listed::Contested(all)
                    };
                    (id, listed)
                })
                .collect(),
        )
    }

    pub fn get(&self, document: &DocumentId) -> Option<&Listed> {
        self.0.get(document)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&DocumentId, &Listed)> {
        self.0.iter()
    }
}

/// A [`Listing`] kept beside the lists it was worked out from, so that it is worked out
/// again only when one of them changes, not at every edit elsewhere in the workspace.
/// In the browser, adding a person to a workspace of 1,000 (with a 500-review cycle) read
/// every listed URL again, checksums and all: a third of the edit's time.
///
/// ```
/// use throughline::model::listing::FollowedListing;
/// use throughline::model::Workspace;
/// let mut workspace = Workspace::default();
/// let listing = FollowedListing::of(&workspace);
/// workspace.organisation = "Acme".into();
/// let (listing, changed) = listing.follow(&workspace);
/// assert!(!changed && listing.listing().is_empty());
/// workspace.list_plan("automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ", 0);
/// let (listing, changed) = listing.follow(&workspace);
/// assert!(changed && listing.listing().len() == 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowedListing {
    plans: BTreeMap<DocumentUrl, PlanEntry>,
    cycles: BTreeMap<ItemId, ReviewCycle>,
    check_ins: BTreeMap<DocumentUrl, CheckInEntry>,
    feedback_requests: BTreeMap<ItemId, FeedbackRequest>,
    given_feedback: BTreeMap<DocumentUrl, GivenEntry>,
    listing: Listing,
}

impl FollowedListing {
    /// The listing of `workspace`, with what it was worked out from.
    pub fn of(workspace: &Workspace) -> Self {
        Self {
            plans: workspace.plans.clone(),
            cycles: workspace.cycles.clone(),
            check_ins: workspace.check_ins.clone(),
            feedback_requests: workspace.feedback_requests.clone(),
            given_feedback: workspace.given_feedback.clone(),
            listing: Listing::of(workspace),
        }
    }

    /// This listing if `workspace` lists the same documents as the one it was worked out
    /// from (`false`), or the listing worked out again (`true`).
    pub fn follow(self, workspace: &Workspace) -> (Self, bool) {
        if self.lists_as(workspace) {
            (self, false)
        } else {
            (Self::of(workspace), true)
        }
    }

    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    /// Whether every part of `workspace` that [`Listing::of`] reads is as it was.
    fn lists_as(&self, workspace: &Workspace) -> bool {
        self.plans == workspace.plans
            && self.cycles == workspace.cycles
            && self.check_ins == workspace.check_ins
            && self.feedback_requests == workspace.feedback_requests
            && self.given_feedback == workspace.given_feedback
    }
}
