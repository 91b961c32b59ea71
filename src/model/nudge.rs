//! Reminders HR sends to people whose step in a review is late: kept in the workspace so
//! each person's device shows theirs on Home, until they dismiss it or the step is done.
//!
//! ```
//! use throughline::model::nudge::Nudge;
//! use throughline::model::{PersonId, Workspace};
//! let mut ws = Workspace::new("Acme");
//! let (hana, ana) = (PersonId::from("hana"), PersonId::from("ana"));
//! let nudge = Nudge::new(&hana, &ana, "automerge:review", "Self review was due on 2028-01-15", 1);
//! let id = ws.nudge(nudge);
//! assert_eq!(ws.nudges_for(&ana).len(), 1);
//! ws.dismiss_nudge(&id);
//! assert!(ws.nudges_for(&ana).is_empty());
//! ```

use autosurgeon::{Hydrate, Reconcile};

use super::{DocumentUrl, ItemId, PersonId, Workspace};

/// A reminder to one person about one review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Nudge {
    pub to: PersonId,
    pub by: PersonId,
    /// The review it is about.
    pub review: DocumentUrl,
    /// What is late, in words ("Self review was due on 2028-01-15").
    pub what: String,
    /// Milliseconds since 1970.
    pub at: i64,
}

impl Nudge {
    pub fn new(
        by: &PersonId,
        to: &PersonId,
        review: impl Into<DocumentUrl>,
        what: &str,
        at: i64,
    ) -> Self {
        Self {
            to: to.clone(),
            by: by.clone(),
            review: review.into(),
            what: what.to_owned(),
            at,
        }
    }
}

impl Workspace {
    /// Sends `nudge`; one nudge per person and review is kept (a newer one replaces it).
    pub fn nudge(&mut self, nudge: Nudge) -> ItemId {
        let earlier: Vec<ItemId> = self
            .nudges
            .iter()
            .filter(|(_, n)| n.to == nudge.to && n.review == nudge.review)
            .map(|(id, _)| id.clone())
            .collect();
        for id in earlier {
            self.nudges.remove(&id);
        }
        let id = ItemId::random();
        self.nudges.insert(id.clone(), nudge);
        id
    }

    /// The nudges sent to `person`, newest first.
    pub fn nudges_for(&self, person: &PersonId) -> Vec<(&ItemId, &Nudge)> {
        let mut mine: Vec<_> = self
            .nudges
            .iter()
            .filter(|(_, n)| &n.to == person)
            .collect();
        mine.sort_by(|a, b| b.1.at.cmp(&a.1.at).then(a.0.cmp(b.0)));
        mine
    }

    /// The person read it (or the step is done): it goes.
    pub fn dismiss_nudge(&mut self, id: &ItemId) {
        self.nudges.remove(id);
    }
}
