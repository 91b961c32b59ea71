//! Whether a change to a review is one its writer may make, part by part: the check the
//! relay and a direct link apply to every change a device sends of a review, so that a
//! modified client cannot do what the pages would not let its person do. The employee
//! cannot set their own rating, move their review through calibration or write their
//! manager's words; the manager and HR cannot write the employee's words or acknowledge
//! for them; nobody changes whose review it is.
//!
//! The rules are those the pages follow ([`check_write`], [`check_move`], [`check_act`]),
//! applied to what differs between the review before and after the change, at the stage
//! the review was in before it, in the capacity the signed rules give the writer (not the
//! review's own fields, which the change could have rewritten). The manager's parts
//! (assessment, ratings, potential) are checked by who, not when: the manager's or HR's
//! device copies them into the review when it is shared, and keeps that copy current.
//!
//! ```
//! use throughline::model::review::{Actor, Capacity, Review, ReviewError};
//! use throughline::model::PersonId;
//! let ana = PersonId::from("ana");
//! let employee = Actor { person: &ana, capacity: Capacity::EMPLOYEE };
//! let before = Review::default();
//! let mut after = before.clone();
//! after.overall = Some(5);
//! assert_eq!(
//!     before.check_change(&after, employee),
//!     Err(ReviewError::NotYourPart { whom: "the manager (and HR in calibration)" })
//! );
//! ```

use std::collections::BTreeMap;

use automerge::Automerge;

use super::stage::{check_act, check_move, check_write, Act, Capacity, Part, Stage};
use super::Actor;
use super::{
    Answers, CompetencyRatings, PeerFeedback, Review, ReviewError, ReviewGoal, ReviewSetup,
};
use crate::model::part_check::{check_changes_of, ChangeRefused, PartRefused, PartRules};
use crate::model::ItemId;
use crate::model::PersonId;

/// Whether `chunks` (changes as a sync message carries them), applied to the review
/// `doc` after `taken` (changes from the same sender already allowed and not yet in
/// `doc`), change only what a writer in capacity `who` may change; see
/// [`check_parts`](crate::model::part_check::check_parts), which this is for a review.
/// Only the manager or HR starts a review (a document holding nothing), as a fresh one.
pub fn check_changes(
    doc: &Automerge,
    taken: &[&[u8]],
    chunks: &[&[u8]],
    who: Actor,
) -> Result<(), ChangeRefused> {
    check_changes_of::<Review, _>(doc, taken, chunks, who).map(drop)
}

impl<'a> PartRules<Actor<'a>> for Review {
    const WHAT: &'static str = "review";

    /// What once done is not undone, read whatever writes conflict on it
    /// (`Review::read_settled`).
    fn read(doc: &automerge::Automerge) -> Result<Self, autosurgeon::HydrateError> {
        Review::read_settled(doc)
    }

    /// The review `Review::new` makes from the same setup: whose it is, its cycle,
    /// template and scale, in Draft, nothing written. Started by the manager or HR.
    fn fresh(after: &Review, who: Actor<'a>) -> Option<Review> {
        (who.capacity.manager || who.capacity.hr).then(|| {
            Review::new(ReviewSetup {
                cycle: after.cycle.clone(),
                cycle_name: after.cycle_name.clone(),
                period_start: after.period_start.clone(),
                period_end: after.period_end.clone(),
                employee: after.employee.clone(),
                manager: after.manager.clone(),
                hr: after.hr.keys().cloned().collect(),
                scale: after.scale.clone(),
                template: after.template.clone(),
            })
        })
    }

    fn check_change_by(&self, after: &Review, who: Actor<'a>) -> Result<(), PartRefused> {
        self.check_change(after, who).map_err(PartRefused::Review)
    }
}

/// The refusal of a part only the manager (and HR in calibration) writes.
const MANAGER_PARTS: ReviewError = ReviewError::NotYourPart {
    whom: "the manager (and HR in calibration)",
};

impl Review {
    /// Whether `actor` (a person, in the capacity the signed rules give them on this
    /// review) may change this review (as it is now) into `after`; the first refusal
    /// found, in the words the pages use. What a change records as made by someone (a
    /// reminder, a request, an approval, a signature, a calibration note) it records in
    /// the actor's own name.
    pub fn check_change(&self, after: &Review, actor: Actor) -> Result<(), ReviewError> {
        self.check_names(after, actor.person)?;
        let who = actor.capacity;
        if who.none() {
            return Err(ReviewError::NotYourPart {
                whom: "the employee, their manager or HR",
            });
        }
        let stage = self.stage;
        let write = |part: Part| check_write(part, stage, who);
        let act = |what: Act| check_act(what, stage, who);
        // The manager's parts are the manager's and HR's (HR's own review included, as the
        // pages let HR calibrate it); never the employee's alone.
        let manager_parts = |changed: bool| {
            if changed && !(who.manager || who.hr) {
                Err(MANAGER_PARTS)
            } else {
                Ok(())
            }
        };
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
        self.check_stage_change(after, who)?;
        if self.self_assessment != after.self_assessment {
            write(Part::SelfAssessment)?;
        }
        manager_parts(
            self.manager_assessment != after.manager_assessment
                || self.overall != after.overall
                || self.potential != after.potential,
        )?;
        let goals_added_or_removed =
            self.goals.keys().collect::<Vec<_>>() != after.goals.keys().collect::<Vec<_>>();
        if goals_added_or_removed {
            write(Part::Goals)?;
        }
        for (id, before) in &self.goals {
            if let Some(now) = after.goals.get(id).filter(|now| !same(*now, before)) {
                check_goal(before.clone(), now.clone(), write, manager_parts)?;
            }
        }
        for (before, after) in pairs(&self.answers, &after.answers) {
            check_answers(&before, &after, write, manager_parts)?;
        }
        for (before, after) in pairs(&self.competencies, &after.competencies) {
            check_competency(&before, &after, write, manager_parts)?;
        }
        if !same(&self.development, &after.development) {
            write(Part::Development)?;
        }
        if self.pulled_feedback != after.pulled_feedback {
            act(Act::PullFeedback)?;
        }
        self.check_requests(after, who)?;
        let shares = self.shared_feedback != after.shared_feedback
            || self.calibration_notes != after.calibration_notes;
        if shares && !(who.manager || who.hr) {
            return Err(ReviewError::NotYourPart {
                whom: "the manager or HR",
            });
        }
        self.check_nudges(after, who)?;
        if self.acknowledgement != after.acknowledgement {
            if self.acknowledgement.is_some() {
                return Err(ReviewError::AlreadyAcknowledged);
            }
            act(Act::Acknowledge)?;
        }
        if self.signature != after.signature {
            if self.signature.is_some() {
                return Err(ReviewError::AlreadySigned);
            }
            act(Act::Sign)?;
        }
        Ok(())
    }

    /// Every record `after` adds in someone's name names `person`.
    fn check_names(&self, after: &Review, person: &PersonId) -> Result<(), ReviewError> {
        let mine = |by: &PersonId| {
            if by == person {
                Ok(())
            } else {
                Err(ReviewError::InAnotherName)
            }
        };
        for (id, nudge) in &after.nudges {
            if self.nudges.get(id) != Some(nudge) {
                mine(&nudge.by)?;
            }
        }
        for (id, request) in &after.peer_feedback {
            match self.peer_feedback.get(id) {
                None => mine(&request.requested_by)?,
                Some(before) if before.approved_by != request.approved_by => {
                    if let Some(approver) = &request.approved_by {
                        mine(approver)?;
                    }
                }
                Some(_) => {}
            }
        }
        for (id, note) in &after.calibration_notes {
            if self.calibration_notes.get(id) != Some(note) {
                mine(&note.by)?;
            }
        }
        for (before, after) in [
            (&self.acknowledgement, &after.acknowledgement),
            (&self.signature, &after.signature),
        ] {
            if let (None, Some(given)) = (before, after) {
                mine(&given.by)?;
            }
        }
        Ok(())
    }

    /// A stage move as [`check_move`] allows it, or the last signature making the review
    /// signed.
    fn check_stage_change(&self, after: &Review, who: Capacity) -> Result<(), ReviewError> {
        if self.stage == after.stage {
            return Ok(());
        }
        let acknowledges = self.acknowledgement.is_none() && after.acknowledgement.is_some();
        let signs = self.signature.is_none() && after.signature.is_some();
        let completes = self.stage == Stage::Shared
            && after.stage == Stage::Signed
            && after.acknowledgement.is_some()
            && after.signature.is_some()
            && ((acknowledges && who.employee) || (signs && who.manager));
        if completes {
            return Ok(());
        }
        let signed_any = self.acknowledgement.is_some() || self.signature.is_some();
        check_move(self.stage, after.stage, who, signed_any)
    }

    /// Requests for feedback: the employee adds nominations (waiting for approval, in their
    /// own name) and changes none; the manager or HR asks, approves, declines and links
    /// the request's own document, but never writes what the colleague wrote.
    fn check_requests(&self, after: &Review, who: Capacity) -> Result<(), ReviewError> {
        let asks = who.manager || who.hr;
        for (id, before) in &self.peer_feedback {
            let Some(now) = after.peer_feedback.get(id) else {
                // A declined nomination, or a request withdrawn.
                if asks {
                    check_act(Act::ApproveNomination, self.stage, who)?;
                    continue;
                }
                return Err(ReviewError::NotYoursToApproveNomination);
            };
            if now == before {
                continue;
            }
            let colleague_s = now.text != before.text || now.written_at != before.written_at;
            if !asks || colleague_s {
                return Err(ReviewError::NotYourPart {
                    whom: "the manager, HR or the colleague asked",
                });
            }
            // Giving a request its own document happens up to sharing (older requests
            // get one when next opened); anything else is an approval's.
            let linked_only = before.document.is_none()
                && now.document.is_some()
                && PeerFeedback {
                    document: None,
                    ..now.clone()
                } == *before;
            if linked_only && self.stage < Stage::Shared {
                continue;
            }
            check_act(Act::ApproveNomination, self.stage, who)?;
        }
        for (id, added) in &after.peer_feedback {
            if self.peer_feedback.contains_key(id) {
                continue;
            }
            check_act(Act::AskFeedback, self.stage, who)?;
            let unwritten = added.written_at.is_none() && added.text.as_str().is_empty();
            let nomination = added.nominated
                && added.approved_by.is_none()
                && added.requested_by == self.employee;
            if !unwritten || added.from == self.employee || !(asks || nomination) {
                return Err(ReviewError::NotYoursToApproveNomination);
            }
        }
        Ok(())
    }

    /// Reminders: sent by the manager or HR; dismissed by whom they were sent to, or HR.
    fn check_nudges(&self, after: &Review, who: Capacity) -> Result<(), ReviewError> {
        for (id, nudge) in &after.nudges {
            if self.nudges.get(id) != Some(nudge) && !(who.manager || who.hr) {
                return Err(ReviewError::NotYoursToNudge);
            }
        }
        for (id, nudge) in &self.nudges {
            if after.nudges.contains_key(id) {
                continue;
            }
            let theirs = (who.employee && nudge.to == self.employee)
                || (who.manager && Some(&nudge.to) == self.manager.as_ref());
            // The manager or HR sending a new one replaces the last to the same person.
            let replaced =
                (who.manager || who.hr) && after.nudges.values().any(|sent| sent.to == nudge.to);
            if !(theirs || who.hr || replaced) {
                return Err(ReviewError::NotYoursToNudge);
            }
        }
        Ok(())
    }
}

/// Each key of either map with its value before and after (default where missing), for
/// the keys whose values differ.
fn pairs<V: Clone + Default + PartialEq + std::fmt::Debug>(
    before: &BTreeMap<ItemId, V>,
    after: &BTreeMap<ItemId, V>,
) -> Vec<(V, V)> {
    before
        .keys()
        .chain(after.keys())
        .filter_map(|id| {
            let was = before.get(id).cloned().unwrap_or_default();
            let is = after.get(id).cloned().unwrap_or_default();
            (!same(&was, &is)).then_some((was, is))
        })
        .collect()
}

/// Equal, counting a value holding a NaN (a goal's position, say) as equal to itself, so
/// a position nobody can compare does not make every later change look like an edit.
fn same<V: PartialEq + std::fmt::Debug>(a: &V, b: &V) -> bool {
    a == b || format!("{a:?}") == format!("{b:?}")
}

fn check_goal(
    before: ReviewGoal,
    after: ReviewGoal,
    write: impl Fn(Part) -> Result<(), ReviewError>,
    manager_parts: impl Fn(bool) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    manager_parts(before.manager_rating != after.manager_rating)?;
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
    manager_parts: impl Fn(bool) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    manager_parts(
        before.by_manager != after.by_manager || before.manager_rating != after.manager_rating,
    )?;
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
    manager_parts: impl Fn(bool) -> Result<(), ReviewError>,
) -> Result<(), ReviewError> {
    manager_parts(before.by_manager != after.by_manager)?;
    if before.by_employee != after.by_employee {
        write(Part::SelfRatings)?;
    }
    Ok(())
}
