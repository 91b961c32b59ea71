//! Sharing asked feedback with the employee, once the review is shared.
//!
//! Each colleague's answer is written in a document the employee never holds
//! ([`AskedFeedback`]); sharing copies it into the review. A named answer is copied as it
//! is. An anonymous one is not, on its own: the employee's review lists who was asked (the
//! manager, HR and the relay decide who holds what from it), so a single anonymous answer
//! names its writer as surely as a signature. Anonymous answers are therefore copied only
//! once at least [`MIN_ANONYMOUS_ANSWERS`] of them can be, all together in one change, in
//! the order of their random copy keys and with one time, so that neither the order of
//! the operations nor a time tells which request a copy answers. Until then they are held
//! back: the manager and HR read them, the employee reads none of them. The same holds
//! after: answers that come later (a document left open at sharing until its writer's
//! device sealed it, or words that reached a closed one and that the manager or HR took,
//! `closed_words.rs`) are added only in a batch of at least as many, so no late answer
//! stands out. A copy is made of the words the document closed with, never of words that
//! reached it after; only a copy already shared is brought up to date on its own, when
//! the manager or HR take such words.
//!
//! ```
//! use throughline::model::review::{AskedFeedback, Review, ReviewSetup, Stage};
//! use throughline::model::{DocumentId, DocumentUrl, PersonId};
//! let (ana, bo) = (PersonId::from("ana"), PersonId::from("bo"));
//! let mut review = Review::new(ReviewSetup::example(&ana, Some(&bo)));
//! let url = DocumentUrl::from("automerge:review");
//! let mut answers = Vec::new();
//! for (at, colleague) in [(1, "ben"), (2, "cy")] {
//!     let colleague = PersonId::from(colleague);
//!     let request = review.request_feedback(review.actor(&bo), &colleague, true, at).unwrap();
//!     let document = DocumentId::random();
//!     review.link_feedback_document(review.actor(&bo), &request, document.url().into()).unwrap();
//!     let mut asked = AskedFeedback::for_request(&review, url.clone(), &request).unwrap();
//!     asked.write(&colleague, "Ana unblocked us.", 3).unwrap();
//!     asked.close();
//!     answers.push((document, asked));
//! }
//! review.stage = Stage::Shared;
//! let one: Vec<_> = answers.iter().take(1).map(|(d, a)| (*d, a)).collect();
//! let shared = review.share_feedback(review.actor(&bo), &one, None, 4).unwrap();
//! assert_eq!((shared.copied, shared.held_back), (0, 1), "one anonymous answer names its writer");
//! let both: Vec<_> = answers.iter().map(|(d, a)| (*d, a)).collect();
//! let shared = review.share_feedback(review.actor(&bo), &both, None, 5).unwrap();
//! assert_eq!((shared.copied, shared.held_back), (2, 0));
//! assert!(review.shared_feedback.values().all(|copy| copy.from.is_none()));
//! ```

use std::collections::BTreeMap;

use super::{Actor, AskedFeedback, Review, ReviewError, SharedFeedback, Stage};
use crate::model::identity::{Membership, SealCheck};
use crate::model::{DocumentId, ItemId, PersonId};

/// How many anonymous answers a review needs before any of them reaches its employee.
pub const MIN_ANONYMOUS_ANSWERS: usize = 2;

/// What one sharing of a review's asked feedback did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackShared {
    /// Copies added to the review or brought up to date.
    pub copied: usize,
    /// Anonymous answers not shared because too few were written to hide their writers.
    pub held_back: usize,
    /// Feedback documents that could not be shared, and why (not closed, not the
    /// document the review's request names, not sealed by the writer's device).
    pub refused: Vec<(DocumentId, ReviewError)>,
}

/// One answer as it would be copied: the key of its copy, and the writer when named.
struct PendingCopy {
    key: ItemId,
    from: Option<PersonId>,
    text: String,
}

impl Review {
    /// The manager (or HR) shares the closed feedback documents `asked` with the employee:
    /// a copy of each written answer in the review, under the key its document keeps. Once
    /// the review is shared and before either signature (a signature covers what the
    /// employee read). A copy names the writer only if neither the review's request nor
    /// the document says anonymous, and anonymous copies are made only when at least
    /// [`MIN_ANONYMOUS_ANSWERS`] can be (see the module's text). Once the workspace has
    /// members (`membership`), only a text the writer's device sealed is shared. A copy
    /// already as written is left as it is, so sharing again changes nothing.
    pub fn share_feedback(
        &mut self,
        who: Actor,
        asked: &[(DocumentId, &AskedFeedback)],
        membership: Option<&Membership>,
        at: i64,
    ) -> Result<FeedbackShared, ReviewError> {
        if !(who.capacity.manager || who.capacity.hr) || who.capacity.employee {
            return Err(ReviewError::NotYoursToShareFeedback);
        }
        if self.stage != Stage::Shared || self.signature.is_some() || self.acknowledgement.is_some()
        {
            return Err(ReviewError::FeedbackNotShareable);
        }
        let (named, anonymous, refused) = self.copies(asked, membership, true);
        let mut shared = FeedbackShared {
            refused,
            ..FeedbackShared::default()
        };
        let mut copies = named;
        let (known, new): (Vec<PendingCopy>, Vec<PendingCopy>) = anonymous
            .into_values()
            .partition(|copy| self.shared_feedback.contains_key(&copy.key));
        copies.extend(known);
        if new.len() >= MIN_ANONYMOUS_ANSWERS {
            copies.extend(new);
        } else {
            shared.held_back = new.len();
        }
        for copy in copies {
            let current = self.shared_feedback.get(&copy.key);
            if current.is_some_and(|c| c.text == copy.text && c.from == copy.from) {
                continue;
            }
            shared.copied += 1;
            self.shared_feedback.insert(
                copy.key,
                SharedFeedback {
                    from: copy.from,
                    text: copy.text,
                    shared_at: at,
                },
            );
        }
        Ok(shared)
    }

    /// How many written anonymous answers in `asked` the employee would not be shown,
    /// because fewer than [`MIN_ANONYMOUS_ANSWERS`] can be shared; 0 once they can be.
    /// Before the review is shared it counts what is written so far, as if it were
    /// shared now (the manager is told before sharing).
    pub fn anonymous_held_back(
        &self,
        asked: &[(DocumentId, &AskedFeedback)],
        membership: Option<&Membership>,
    ) -> usize {
        let (_, anonymous, _) = self.copies(asked, membership, false);
        let new = anonymous
            .keys()
            .filter(|key| !self.shared_feedback.contains_key(*key))
            .count();
        if new >= MIN_ANONYMOUS_ANSWERS {
            0
        } else {
            new
        }
    }

    /// The written answers among `asked` that may be copied: the named ones, the anonymous
    /// ones (ordered by their random copy keys, which say nothing of the requests), and
    /// the documents refused. `closed_only`: a document still open is refused (sharing);
    /// otherwise it counts as if closed (a count before sharing).
    #[allow(clippy::type_complexity)]
    fn copies(
        &self,
        asked: &[(DocumentId, &AskedFeedback)],
        membership: Option<&Membership>,
        closed_only: bool,
    ) -> (
        Vec<PendingCopy>,
        BTreeMap<ItemId, PendingCopy>,
        Vec<(DocumentId, ReviewError)>,
    ) {
        let (mut named, mut anonymous, mut refused) = (Vec::new(), BTreeMap::new(), Vec::new());
        for (document, feedback) in asked {
            match self.copy_of(*document, feedback, membership, closed_only) {
                Ok(None) => {}
                Ok(Some(copy)) if copy.from.is_none() => {
                    anonymous.insert(copy.key.clone(), copy);
                }
                Ok(Some(copy)) => named.push(copy),
                Err(problem) => refused.push((*document, problem)),
            }
        }
        (named, anonymous, refused)
    }

    /// The copy `feedback` (in `document`) makes once shared, `None` while it holds no
    /// words. Its key is the one closing it kept; with `closed_only` unset, a document
    /// still open counts under a random key.
    fn copy_of(
        &self,
        document: DocumentId,
        feedback: &AskedFeedback,
        membership: Option<&Membership>,
        closed_only: bool,
    ) -> Result<Option<PendingCopy>, ReviewError> {
        if closed_only && !feedback.closed {
            return Err(ReviewError::FeedbackNotShareable);
        }
        let request = self
            .request_answered(document, feedback)
            .ok_or(ReviewError::FeedbackRequestGone)?;
        // What it closed with (words that came later wait for the manager's or HR's say,
        // `closed_words.rs`), or while open what it holds.
        if !feedback.has_shared_words() {
            return Ok(None);
        }
        // Once the workspace has members, only what the writer's device sealed.
        if membership.is_some()
            && feedback.check_shared_words(&document.url(), membership) != SealCheck::Verified
        {
            return Err(ReviewError::FeedbackNotSealed);
        }
        let key = match (&feedback.shared_as, closed_only) {
            (Some(key), _) => key.clone(),
            (None, false) => ItemId::random(),
            // Closed by a device that kept no key: a copy under a new key each time would
            // be shared again and again.
            (None, true) => return Err(ReviewError::FeedbackNotShareable),
        };
        Ok(Some(PendingCopy {
            key,
            from: (!(request.anonymous || feedback.anonymous)).then(|| request.from.clone()),
            text: feedback.shared_words().trim().to_owned(),
        }))
    }
}
