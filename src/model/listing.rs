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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use autosurgeon::Hydrate;

use super::identity::SignedStatement;
use super::review::{CheckInEntry, FeedbackRequest, ReviewCycle};
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
            ..Workspace::default()
        }
    }
}

/// What a listed document is, as far as who may hold it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// A strategic plan: every member's.
    Plan,
    /// The review of `employee`.
    Review { employee: PersonId },
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
    /// The check-in series of a manager and an employee: the pair's.
    CheckIn {
        manager: PersonId,
        employee: PersonId,
    },
}

/// Every document `Workspace` lists, by id. Links that do not read as document URLs
/// list nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing(HashMap<DocumentId, Listed>);

impl Listing {
    pub fn of(workspace: &Workspace) -> Self {
        let mut listed = HashMap::new();
        for url in workspace.plans.keys() {
            if let Ok(id) = DocumentId::from_url(url) {
                listed.insert(id, Listed::Plan);
            }
        }
        for cycle in workspace.cycles.values() {
            for (employee, url) in &cycle.reviews {
                if let Ok(id) = DocumentId::from_url(url) {
                    listed.insert(
                        id,
                        Listed::Review {
                            employee: employee.clone(),
                        },
                    );
                }
            }
        }
        for (url, entry) in &workspace.check_ins {
            if let Ok(id) = DocumentId::from_url(url) {
                listed.insert(
                    id,
                    Listed::CheckIn {
                        manager: entry.manager.clone(),
                        employee: entry.employee.clone(),
                    },
                );
            }
        }
        // Last, and never over another kind: a request only ever lists the document its
        // colleague writes in, and one named by two requests is nobody's to write.
        let mut named_twice = BTreeSet::new();
        let mut asked = HashMap::new();
        for request in workspace.feedback_requests.values() {
            let Some(Ok(id)) = request.document.as_ref().map(DocumentId::from_url) else {
                continue;
            };
            if listed.contains_key(&id) {
                continue;
            }
            if asked.insert(id, request).is_some() {
                named_twice.insert(id);
            }
        }
        for (id, request) in asked {
            listed.insert(
                id,
                Listed::AskedFeedback {
                    employee: request.employee.clone(),
                    writer: (!named_twice.contains(&id)).then(|| request.peer.clone()),
                },
            );
        }
        Self(listed)
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
