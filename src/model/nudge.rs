//! Reminders HR sends to people whose step in a review is late. Each is kept in the review
//! it is about, so it is read by whom the review is (the employee, their managers and HR)
//! and no other member; each person's device shows theirs on Home until they dismiss it or
//! the step is done. Earlier builds kept them in the workspace, where every member read
//! them: those still show to whom they were sent, and are dismissed there.
//!
//! ```
//! use throughline::model::nudge::Nudge;
//! use throughline::model::review::{Review, ReviewSetup};
//! use throughline::model::PersonId;
//! let (ana, bo, hana) = (PersonId::from("ana"), PersonId::from("bo"), PersonId::from("hana"));
//! let mut setup = ReviewSetup::example(&ana, Some(&bo));
//! setup.hr = vec![hana.clone()];
//! let mut review = Review::new(setup);
//! let nudge = Nudge::new(&hana, &ana, "automerge:review", "Self review was due on 2028-01-15", 1);
//! let id = review.nudge(review.actor(&hana), nudge).unwrap();
//! assert_eq!(review.nudges_for(&ana).len(), 1);
//! review.dismiss_nudge(review.actor(&ana), &id).unwrap();
//! assert!(review.nudges_for(&ana).is_empty());
//! ```

use autosurgeon::{Hydrate, Reconcile};

use super::review::{Actor, Review, ReviewError};
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

/// The nudges among `nudges` sent to `person`, newest first.
fn sent_to<'a>(
    nudges: &'a std::collections::BTreeMap<ItemId, Nudge>,
    person: &PersonId,
) -> Vec<(&'a ItemId, &'a Nudge)> {
    let mut mine: Vec<_> = nudges.iter().filter(|(_, n)| &n.to == person).collect();
    mine.sort_by(|a, b| b.1.at.cmp(&a.1.at).then(a.0.cmp(b.0)));
    mine
}

impl Review {
    /// HR (or the employee's manager) reminds someone of a late step of this review; one
    /// nudge per person is kept (a newer one replaces it).
    pub fn nudge(&mut self, who: Actor, nudge: Nudge) -> Result<ItemId, ReviewError> {
        if !(who.capacity.hr || who.capacity.manager) {
            return Err(ReviewError::NotYoursToNudge);
        }
        self.nudges.retain(|_, n| n.to != nudge.to);
        let id = ItemId::random();
        self.nudges.insert(id.clone(), nudge);
        Ok(id)
    }

    /// The nudges sent to `person` about this review, newest first.
    pub fn nudges_for(&self, person: &PersonId) -> Vec<(&ItemId, &Nudge)> {
        sent_to(&self.nudges, person)
    }

    /// Its reader (or HR) dismisses a nudge: it goes.
    pub fn dismiss_nudge(&mut self, who: Actor, id: &ItemId) -> Result<(), ReviewError> {
        let Some(nudge) = self.nudges.get(id) else {
            return Ok(());
        };
        if &nudge.to != who.person && !who.capacity.hr {
            return Err(ReviewError::NotYoursToNudge);
        }
        self.nudges.remove(id);
        Ok(())
    }
}

impl Workspace {
    /// The nudges an earlier build kept in the workspace for `person`, newest first.
    pub fn nudges_for(&self, person: &PersonId) -> Vec<(&ItemId, &Nudge)> {
        sent_to(&self.nudges, person)
    }

    /// The person read one kept in the workspace by an earlier build: it goes.
    pub fn dismiss_nudge(&mut self, id: &ItemId) {
        self.nudges.remove(id);
    }
}
