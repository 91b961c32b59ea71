//! How a cycle is going: per manager, how many of their people's reviews are at each
//! stage and how many are late; and, for a late review, whose move it is (the people a
//! reminder goes to).
//!
//! ```
//! use throughline::model::review::{progress_by_manager, Deadlines, Review, ReviewSetup, Stage};
//! use throughline::model::PersonId;
//! let bo = PersonId::from("bo");
//! let mut review = Review::new(ReviewSetup::example(&PersonId::from("ana"), Some(&bo)));
//! review.stage = Stage::SelfReview;
//! let deadlines = Deadlines { self_review: "2028-01-15".into(), ..Deadlines::default() };
//! let progress = progress_by_manager(&[review.standing(&deadlines, "2028-01-20")]);
//! assert_eq!(progress[0].manager, Some(bo));
//! assert_eq!((progress[0].reviews, progress[0].late), (1, 1));
//! ```

use std::collections::BTreeMap;

use super::{Deadlines, Review, Stage};
use crate::model::PersonId;

/// One manager's share of a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerProgress {
    /// `None`: reviews of people with no manager.
    pub manager: Option<PersonId>,
    pub reviews: usize,
    /// How many are at each stage, in the stages' order (only stages with any).
    pub by_stage: Vec<(Stage, usize)>,
    pub late: usize,
    /// Signed by both.
    pub done: usize,
}

/// Where one review stands: all the progress needs of it (a page reads it in place,
/// without copying the review).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub manager: Option<PersonId>,
    pub stage: Stage,
    pub late: bool,
}

/// Each manager's progress in a cycle, ordered by manager id (the page orders by name).
pub fn progress_by_manager(standings: &[Standing]) -> Vec<ManagerProgress> {
    let mut by_manager: BTreeMap<Option<&PersonId>, Vec<&Standing>> = BTreeMap::new();
    for standing in standings {
        by_manager
            .entry(standing.manager.as_ref())
            .or_default()
            .push(standing);
    }
    by_manager
        .into_iter()
        .map(|(manager, reviews)| ManagerProgress {
            manager: manager.cloned(),
            reviews: reviews.len(),
            by_stage: Stage::ALL
                .iter()
                .map(|stage| (*stage, reviews.iter().filter(|r| r.stage == *stage).count()))
                .filter(|(_, n)| *n > 0)
                .collect(),
            late: reviews.iter().filter(|r| r.late).count(),
            done: reviews.iter().filter(|r| r.stage == Stage::Signed).count(),
        })
        .collect()
}

impl Review {
    /// Where this review stands on `today`.
    pub fn standing(&self, deadlines: &Deadlines, today: &str) -> Standing {
        Standing {
            manager: self.manager.clone(),
            stage: self.stage,
            late: deadlines.late(self, today).is_some(),
        }
    }

    /// Whose move it is at this stage: the people a reminder about a late review goes
    /// to (HR's own step, calibration, is not theirs to be reminded of).
    pub fn waiting_on(&self) -> Vec<PersonId> {
        let manager = self.manager.iter().cloned();
        match self.stage {
            Stage::Draft | Stage::ManagerReview => manager.collect(),
            Stage::SelfReview => vec![self.employee.clone()],
            Stage::Calibration | Stage::Signed => Vec::new(),
            Stage::Shared => {
                let mut waiting = Vec::new();
                if self.acknowledgement.is_none() {
                    waiting.push(self.employee.clone());
                }
                if self.signature.is_none() {
                    waiting.extend(manager);
                }
                waiting
            }
        }
    }
}
