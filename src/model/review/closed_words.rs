//! What asked feedback said when it closed, and words that reach it later.
//!
//! Closing asked feedback (the review is shared) keeps the words it holds at that moment,
//! with the writer's seal over them ([`ClosedWords`]); sharing copies those, never the
//! text as it is later. Words can still reach a closed document: its writer typed them on
//! a device that was offline when it closed, and they are judged where they were made,
//! when it was open. Nothing can tell those apart from words a writer's device builds on
//! the state before the close once it knows of the close (a device's clock is its own),
//! so neither kind reaches the employee on its own. The manager and HR are shown them as
//! late ([`AskedFeedback::late_words`]) and choose to share them in place of the closed
//! words ([`AskedFeedback::take_late_words`]); nothing typed is lost, and nothing is slipped
//! into a shared review after its close without its manager's or HR's say.
//!
//! ```
//! use throughline::model::review::AskedFeedback;
//! use throughline::model::{DocumentId, PersonId};
//! let (ana, ben) = (PersonId::from("ana"), PersonId::from("ben"));
//! let mut asked = AskedFeedback { employee: ana, writer: ben.clone(), ..AskedFeedback::default() };
//! asked.write(&ben, "Ana unblocked us.", 1).unwrap();
//! asked.close();
//! // Words typed before the close on a device that was offline, merged after it.
//! asked.text.update("Ana unblocked us. And she led the launch.");
//! assert_eq!(asked.shared_words(), "Ana unblocked us.");
//! assert_eq!(asked.late_words(), Some("Ana unblocked us. And she led the launch."));
//! let document = DocumentId::random();
//! asked.take_late_words(&document.url(), None).unwrap();
//! assert_eq!(asked.shared_words(), "Ana unblocked us. And she led the launch.");
//! assert_eq!(asked.late_words(), None);
//! ```

use autosurgeon::{Hydrate, Reconcile};

use super::{AskedFeedback, ReviewError};
use crate::model::identity::{check_seal, Membership, SealCheck};
use crate::model::ItemId;

/// The words of asked feedback as it closed, and its writer's seal over them (empty
/// before the workspace had members). Written by the device that closes it, from what
/// the document holds in that same change (`feedback_changes.rs` checks it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile)]
pub struct ClosedWords {
    pub text: String,
    pub device: String,
    pub seal: String,
}

impl ClosedWords {
    /// What `feedback` holds now.
    pub fn of(feedback: &AskedFeedback) -> Self {
        Self {
            text: feedback.text.as_str().to_owned(),
            device: feedback.device.clone(),
            seal: feedback.seal.clone(),
        }
    }
}

impl AskedFeedback {
    /// Reads the document, with what closing writes (`closed`, `shared_as`,
    /// `closed_with`) read whatever concurrent writes conflict on it: closed if any write
    /// says closed, and the copy's key and the words kept if any write keeps them.
    /// Automerge keeps one of two conflicting writes to a field, the one with the larger
    /// operation counter, and a modified client can make its counter as large as it likes.
    /// Its change built on the state before the close, putting `false` or nothing in those
    /// fields, is judged where it was made and taken; read this way it undoes nothing of
    /// the close (nor does an older device's first write of an absent field). The relay,
    /// the direct links and the pages all read it so.
    pub fn read_settled<D>(doc: &D) -> Result<AskedFeedback, autosurgeon::HydrateError>
    where
        D: automerge::ReadDoc + autosurgeon::ReadDoc,
    {
        use crate::model::settled::{furthest, kept};
        let mut feedback: AskedFeedback = autosurgeon::hydrate(doc)?;
        feedback.closed |= furthest::<bool, D>(doc, "closed").unwrap_or(false);
        if feedback.shared_as.is_none() {
            feedback.shared_as = kept::<ItemId, D>(doc, "shared_as");
        }
        if feedback.closed_with.is_none() {
            feedback.closed_with = kept::<ClosedWords, D>(doc, "closed_with");
        }
        Ok(feedback)
    }

    /// The words sharing copies, as written (untrimmed): those it closed with, or what it
    /// holds while open (or closed by an earlier build that kept no words).
    pub fn shared_words(&self) -> &str {
        self.closed_with
            .as_ref()
            .map_or(self.text.as_str(), |closed| closed.text.as_str())
    }

    /// Whether the words sharing copies hold more than blanks.
    pub fn has_shared_words(&self) -> bool {
        !self.shared_words().trim().is_empty()
    }

    /// Whether the writer's device sealed the words sharing copies (`document`: this
    /// document's URL).
    pub fn check_shared_words(&self, document: &str, membership: Option<&Membership>) -> SealCheck {
        let Some(closed) = &self.closed_with else {
            return self.check(document, membership);
        };
        check_seal(
            &closed.device,
            &closed.seal,
            &self.bytes_sealing(document, &closed.text, &closed.device),
            &self.writer,
            membership,
        )
    }

    /// The words it holds now, trimmed, when they differ from those it closed with: they
    /// reached it after its close. `Some("")` when the late change removed the words.
    pub fn late_words(&self) -> Option<&str> {
        let closed = self.closed_with.as_ref()?;
        let now = self.text.as_str().trim();
        (now != closed.text.trim()).then_some(now)
    }

    /// The manager or HR shares the words that came late in place of those it closed
    /// with: only words the writer's device sealed, once the workspace has members
    /// (`document`: this document's URL), and not a late removal of every word (the copy
    /// the employee read stays).
    pub fn take_late_words(
        &mut self,
        document: &str,
        membership: Option<&Membership>,
    ) -> Result<(), ReviewError> {
        if !self.closed {
            return Err(ReviewError::FeedbackNotShareable);
        }
        // A copy once shared is brought up to date, never taken back.
        if self.late_words() == Some("") {
            return Err(ReviewError::LateWordsRemoved);
        }
        if membership.is_some() && self.check(document, membership) != SealCheck::Verified {
            return Err(ReviewError::FeedbackNotSealed);
        }
        self.closed_with = Some(ClosedWords::of(self));
        Ok(())
    }
}
