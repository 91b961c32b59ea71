//! Who changes which part of asked feedback ([`AskedFeedback`]), as the relay and a direct
//! link check every change a device sends of it (`model::part_check`): the colleague asked
//! writes the words (and seals them) until the review is shared; the employee's manager
//! or HR ask for it (start the document) and close it when the review is shared, keeping
//! the words it holds then (and later take words that reached it after, `closed_words.rs`),
//! never other words. Nobody changes what it answers: the review, the request, whom it is
//! on, who writes it, whether it is anonymous. A manager's modified client could otherwise rewrite a
//! colleague's words (the seal would show it, but the words would be gone), or reopen
//! feedback closed at sharing.
//!
//! ```
//! use throughline::model::review::{AskedFeedback, FeedbackHand, ReviewError};
//! use throughline::model::part_check::{PartRefused, PartRules};
//! use throughline::model::PersonId;
//! let (ana, bo, ben) = (PersonId::from("ana"), PersonId::from("bo"), PersonId::from("ben"));
//! let asked = AskedFeedback { employee: ana.clone(), writer: ben.clone(), ..AskedFeedback::default() };
//! let mut rewritten = asked.clone();
//! rewritten.write(&ben, "Bo put these words in Ben's name.", 1).unwrap();
//! let manager = FeedbackHand { person: &bo, employee: &ana, writer: Some(&ben), manager_or_hr: true };
//! assert_eq!(
//!     asked.check_change_by(&rewritten, manager),
//!     Err(PartRefused::Review(ReviewError::NotYourFeedback))
//! );
//! ```

use super::workspace::MAX_FEEDBACK_CHARS;
use super::{AskedFeedback, ClosedWords, ReviewError};
use crate::model::part_check::{PartRefused, PartRules};
use crate::model::PersonId;

/// A person changing asked feedback, and in what hand, as the signed rules and the
/// workspace's listing say: the listing names whom it is on (`employee`) and who writes
/// it (`writer`, `None` when two requests name the same document).
#[derive(Debug, Clone, Copy)]
pub struct FeedbackHand<'a> {
    pub person: &'a PersonId,
    pub employee: &'a PersonId,
    pub writer: Option<&'a PersonId>,
    /// The employee's direct manager, or HR.
    pub manager_or_hr: bool,
}

impl FeedbackHand<'_> {
    /// Whether this is the colleague asked, as the listing names them.
    fn writes(&self) -> bool {
        self.writer == Some(self.person)
    }
}

impl<'a> PartRules<FeedbackHand<'a>> for AskedFeedback {
    const WHAT: &'static str = "feedback document";

    /// With what closing writes read whatever writes conflict on it, so no change built
    /// on the state before the close undoes it (`AskedFeedback::read_settled`).
    fn read(doc: &automerge::Automerge) -> Result<Self, autosurgeon::HydrateError> {
        AskedFeedback::read_settled(doc)
    }

    /// Asked for by the manager or HR, for the employee and the colleague the listing
    /// names: what it answers as `after` says, nothing written, open.
    fn fresh(after: &AskedFeedback, who: FeedbackHand<'a>) -> Option<AskedFeedback> {
        let as_listed = &after.employee == who.employee && who.writer == Some(&after.writer);
        (who.manager_or_hr && as_listed).then(|| AskedFeedback {
            review: after.review.clone(),
            request: after.request.clone(),
            employee: after.employee.clone(),
            cycle: after.cycle.clone(),
            cycle_name: after.cycle_name.clone(),
            writer: after.writer.clone(),
            anonymous: after.anonymous,
            requested_by: after.requested_by.clone(),
            requested_at: after.requested_at,
            ..AskedFeedback::default()
        })
    }

    fn check_change_by(
        &self,
        after: &AskedFeedback,
        who: FeedbackHand<'a>,
    ) -> Result<(), PartRefused> {
        let answers = |f: &AskedFeedback| {
            (
                f.review.clone(),
                f.request.clone(),
                f.employee.clone(),
                f.cycle.clone(),
                f.cycle_name.clone(),
                f.writer.clone(),
                f.anonymous,
                f.requested_by.clone(),
                f.requested_at,
            )
        };
        if answers(self) != answers(after) {
            return Err(ReviewError::FeedbackRequestFixed.into());
        }
        let written = self.text.as_str() != after.text.as_str()
            || self.written_at != after.written_at
            || self.device != after.device
            || self.seal != after.seal;
        if written {
            if !who.writes() {
                return Err(ReviewError::NotYourFeedback.into());
            }
            if self.closed {
                return Err(ReviewError::FeedbackClosed.into());
            }
            if after.text.as_str().chars().count() > MAX_FEEDBACK_CHARS {
                return Err(ReviewError::FeedbackTooLong.into());
            }
        }
        let reopened = self.closed && !after.closed;
        let rekeyed = self.shared_as.is_some() && self.shared_as != after.shared_as;
        if reopened || rekeyed {
            return Err(ReviewError::FeedbackStaysClosed.into());
        }
        let closes = self.closed != after.closed
            || self.shared_as != after.shared_as
            || self.closed_with != after.closed_with;
        if closes && !who.manager_or_hr {
            return Err(ReviewError::NotYoursToShareFeedback.into());
        }
        // The words it closed with (or late words taken) are what it holds in that same
        // change: no one puts other words there to be shared in the writer's name.
        let kept = self.closed_with != after.closed_with;
        if kept && !(after.closed && after.closed_with == Some(ClosedWords::of(after))) {
            return Err(ReviewError::ClosedWordsNotWritten.into());
        }
        Ok(())
    }
}
