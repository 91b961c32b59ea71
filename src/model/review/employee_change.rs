//! Whether a change to a review is one its employee may make: the check the relay (and a
//! device taking changes over a direct link) applies to what the employee's own device
//! sends, so that a modified client cannot set its own rating, move its review through
//! calibration or write its manager's parts.
//!
//! The rules are those the pages already follow ([`check_write`], [`check_move`],
//! [`check_act`]), applied to what differs between the review before and after the
//! change, at the stage the review was in before it. A field nobody changes once the
//! review exists (whose review it is, its cycle, template and scale) is refused too.
//!
//! ```
//! use throughline::model::review::{Review, ReviewError};
//! let before = Review::default();
//! let mut after = before.clone();
//! after.overall = Some(5);
//! assert_eq!(
//!     before.check_employee_change(&after),
//!     Err(ReviewError::NotYourPart { whom: "the manager (and HR in calibration)" })
//! );
//! ```

use std::collections::BTreeMap;

use automerge::Automerge;

use super::stage::{check_act, check_move, check_write, Act, Capacity, Part, Stage};
use super::{Answers, CompetencyRatings, Review, ReviewError, ReviewGoal};
use crate::model::ItemId;

/// Why changes the employee's device sent to their review were not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefused {
    /// The document held here does not read as a review (yet): there is nothing to
    /// check against, so nothing is taken.
    #[error("this review is not held here yet")]
    NotHeld,
    #[error("a change does not read")]
    Unreadable,
    #[error("the review would no longer read as a review")]
    NoLongerAReview,
    /// A part that is not the employee's, or not at this stage.
    #[error("{0}")]
    NotTheirs(ReviewError),
}

/// Whether `chunks` (changes as a sync message carries them), applied to the review
/// `doc`, change only what its employee may change. The document itself is left as it is.
pub fn check_employee_changes(doc: &Automerge, chunks: &[&[u8]]) -> Result<(), ChangeRefused> {
    let before: Review = autosurgeon::hydrate(doc).map_err(|_| ChangeRefused::NotHeld)?;
    let mut after_doc = doc.fork();
    for chunk in chunks {
        after_doc
            .load_incremental(chunk)
            .map_err(|_| ChangeRefused::Unreadable)?;
    }
    let after: Review =
        autosurgeon::hydrate(&after_doc).map_err(|_| ChangeRefused::NoLongerAReview)?;
    before
        .check_employee_change(&after)
        .map_err(ChangeRefused::NotTheirs)
}

/// The employee, acting on their own review (and nothing more).
const EMPLOYEE: Capacity = Capacity {
    employee: true,
    manager: false,
    hr: false,
};

impl Review {
    /// Whether the employee may change this review (as it is now) into `after`; the
    /// first refusal found, in the words the pages use.
    pub fn check_employee_change(&self, after: &Review) -> Result<(), ReviewError> {
        let stage = self.stage;
        let write = |part: Part| check_write(part, stage, EMPLOYEE);
        let act = |what: Act| check_act(what, stage, EMPLOYEE);
        let fixed = self.cycle != after.cycle
            || self.cycle_name != after.cycle_name
            || self.period_start != after.period_start
            || self.period_end != after.period_end
            || self.employee != after.employee
            || self.manager != after.manager
            || self.hr != after.hr
            || self.scale != after.scale
            || self.template != after.template;
        if fixed {
            return Err(ReviewError::NotYourPart {
                whom: "HR, when it starts the cycle",
            });
        }
        // Her acknowledgement of a review the manager has signed makes it signed.
        let signs_it = self.stage == Stage::Shared
            && after.stage == Stage::Signed
            && self.acknowledgement.is_none()
            && after.acknowledgement.is_some()
            && self.signature.is_some()
            && after.signature == self.signature;
        if self.stage != after.stage && !signs_it {
            let signed_any = self.acknowledgement.is_some() || self.signature.is_some();
            check_move(self.stage, after.stage, EMPLOYEE, signed_any)?;
        }
        if self.self_assessment != after.self_assessment {
            write(Part::SelfAssessment)?;
        }
        if self.manager_assessment != after.manager_assessment
            || self.overall != after.overall
            || self.potential != after.potential
        {
            // The manager's assessment is refused as the manager's ratings are.
            write(Part::ManagerRatings)?;
        }
        for (before, after) in pairs(&self.goals, &after.goals) {
            check_goal(before, after, write)?;
        }
        for (before, after) in pairs(&self.answers, &after.answers) {
            check_answers(&before, &after, write)?;
        }
        for (before, after) in pairs(&self.competencies, &after.competencies) {
            check_competency(&before, &after, write)?;
        }
        if self.development != after.development {
            write(Part::Development)?;
        }
        if self.pulled_feedback != after.pulled_feedback {
            act(Act::PullFeedback)?;
        }
        self.check_nominations(after)?;
        if self.shared_feedback != after.shared_feedback {
            return Err(ReviewError::NotYourPart {
                whom: "the manager or HR",
            });
        }
        if self.calibration_notes != after.calibration_notes {
            act(Act::Calibrate)?;
        }
        // The employee dismisses a reminder sent to them; only the manager or HR sends one.
        for (id, nudge) in &after.nudges {
            if self.nudges.get(id) != Some(nudge) {
                return Err(ReviewError::NotYourPart {
                    whom: "the manager or HR",
                });
            }
        }
        for (id, nudge) in &self.nudges {
            if !after.nudges.contains_key(id) && nudge.to != self.employee {
                return Err(ReviewError::NotYoursToNudge);
            }
        }
        if self.acknowledgement != after.acknowledgement {
            act(Act::Acknowledge)?;
        }
        if self.signature != after.signature {
            act(Act::Sign)?;
        }
        Ok(())
    }

    /// The employee adds nominations (waiting for approval, asked by themselves); they
    /// change and remove none.
    fn check_nominations(&self, after: &Review) -> Result<(), ReviewError> {
        for (id, before) in &self.peer_feedback {
            if after.peer_feedback.get(id) != Some(before) {
                return Err(ReviewError::NotYourPart {
                    whom: "the manager, HR or the colleague asked",
                });
            }
        }
        for (id, added) in &after.peer_feedback {
            if self.peer_feedback.contains_key(id) {
                continue;
            }
            check_act(Act::AskFeedback, self.stage, EMPLOYEE)?;
            let nomination = added.nominated
                && added.approved_by.is_none()
                && added.requested_by == self.employee
                && added.from != self.employee
                && added.written_at.is_none()
                && added.text.as_str().is_empty();
            if !nomination {
                return Err(ReviewError::NotYoursToApproveNomination);
            }
        }
        Ok(())
    }
}

/// Each key of either map with its value before and after (default where missing), for
/// the keys whose values differ.
fn pairs<V: Clone + Default + PartialEq>(
    before: &BTreeMap<ItemId, V>,
    after: &BTreeMap<ItemId, V>,
) -> Vec<(V, V)> {
    before
        .keys()
        .chain(after.keys())
        .filter_map(|id| {
            let was = before.get(id).cloned().unwrap_or_default();
            let is = after.get(id).cloned().unwrap_or_default();
            (was != is).then_some((was, is))
        })
        .collect()
}

fn check_goal(
    before: ReviewGoal,
    after: ReviewGoal,
    write: impl Fn(Part) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    if before.manager_rating != after.manager_rating {
        write(Part::ManagerRatings)?;
    }
    if before.self_rating != after.self_rating {
        write(Part::SelfRatings)?;
    }
    let rest = |goal: ReviewGoal| ReviewGoal {
        manager_rating: None,
        self_rating: None,
        ..goal
    };
    if rest(before) != rest(after) {
        write(Part::Goals)?;
    }
    Ok(())
}

fn check_answers(
    before: &Answers,
    after: &Answers,
    write: impl Fn(Part) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    if before.by_manager != after.by_manager || before.manager_rating != after.manager_rating {
        write(Part::ManagerRatings)?;
    }
    if before.by_employee != after.by_employee {
        write(Part::SelfAssessment)?;
    }
    if before.employee_rating != after.employee_rating {
        write(Part::SelfRatings)?;
    }
    Ok(())
}

fn check_competency(
    before: &CompetencyRatings,
    after: &CompetencyRatings,
    write: impl Fn(Part) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    if before.by_manager != after.by_manager {
        write(Part::ManagerRatings)?;
    }
    if before.by_employee != after.by_employee {
        write(Part::SelfRatings)?;
    }
    Ok(())
}
