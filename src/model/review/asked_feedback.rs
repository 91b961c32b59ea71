//! Feedback a colleague was asked for on someone's review, in a document of its own.
//!
//! The review is held by its employee, so nothing written there is anonymous: the
//! document, its history and the actor ids of its changes all name whoever typed. Asked
//! feedback is therefore written in its own document, held by the colleague who writes it,
//! the employee's managers and HR, never by the employee (`model::listing::Listed::
//! AskedFeedback`). When the review is shared, the manager's (or HR's) device closes each
//! feedback document ([`AskedFeedback::close`]) and copies what was written into the
//! review ([`Review::share_feedback`], in `feedback_sharing.rs`): the copy is a change by
//! that device, under a key of its own, and names the writer only when neither the
//! review's request nor the feedback document says anonymous (anonymous answers wait
//! until enough of them hide one another). Who wrote it, and whether it is anonymous, are
//! read against the review's request, which the writer cannot change; the employee, who
//! can change the review, cannot make an anonymous answer named. The colleague never
//! holds the review either: they hold what they write.
//!
//! ```
//! use throughline::model::review::{AskedFeedback, Review, ReviewSetup, Stage};
//! use throughline::model::{DocumentId, DocumentUrl, PersonId};
//! let (ana, bo, ben) = (PersonId::from("ana"), PersonId::from("bo"), PersonId::from("ben"));
//! let mut review = Review::new(ReviewSetup::example(&ana, Some(&bo)));
//! let request = review.request_feedback(review.actor(&bo), &ben, false, 1).unwrap();
//! let review_url = DocumentUrl::from("automerge:review");
//! let mut asked = AskedFeedback::for_request(&review, review_url, &request).unwrap();
//! let document = DocumentId::random();
//! review.link_feedback_document(review.actor(&bo), &request, document.url().into()).unwrap();
//! asked.write(&ben, "Ana unblocked us.", 2).unwrap();
//! assert!(asked.write(&bo, "Not mine to write", 3).is_err());
//! review.stage = Stage::Shared;
//! asked.close();
//! review.share_feedback(review.actor(&bo), &[(document, &asked)], None, 4).unwrap();
//! let copy = review.shared_feedback.values().next().unwrap();
//! assert_eq!(copy.text, "Ana unblocked us.");
//! assert_eq!(copy.from, Some(ben), "asked by name: the copy names Ben");
//! ```

use autosurgeon::{Hydrate, Reconcile, Text};

use super::workspace::MAX_FEEDBACK_CHARS;
use super::{Actor, ClosedWords, PeerFeedback, Review, ReviewError};
use crate::model::identity::{check_seal, seal, DeviceSecret, Membership, SealCheck};
use crate::model::{DocumentId, DocumentUrl, ItemId, PersonId, TextUpdate};

/// The feedback one colleague was asked for on one review.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct AskedFeedback {
    /// The review it is for (its `automerge:` URL).
    pub review: DocumentUrl,
    /// The request's id, the same in the review and in the workspace.
    pub request: ItemId,
    pub employee: PersonId,
    /// The review's cycle (its deadlines say when the feedback is due).
    pub cycle: ItemId,
    pub cycle_name: String,
    /// The colleague asked: the only one who writes the text.
    pub writer: PersonId,
    /// Shown to the employee without the writer's name.
    pub anonymous: bool,
    pub requested_by: PersonId,
    pub requested_at: i64,
    /// Saved as it is typed: Automerge text.
    #[autosurgeon(missing = "Text::default")]
    pub text: Text,
    pub written_at: Option<i64>,
    /// Set when the review is shared: no more writing after that.
    #[autosurgeon(missing = "Default::default")]
    pub closed: bool,
    /// The key of its copy in the review once shared: random, so the employee cannot
    /// tell which request an anonymous copy answers.
    #[autosurgeon(missing = "Default::default")]
    pub shared_as: Option<ItemId>,
    /// The writer's device key and its seal over what they wrote (`AskedFeedback::seal`),
    /// made again with each edit; empty before the workspace had members.
    #[autosurgeon(missing = "String::new")]
    pub device: String,
    #[autosurgeon(missing = "String::new")]
    pub seal: String,
    /// What was written, with its seal, when it closed: what sharing copies. `None` while
    /// open, and on a document an earlier build closed until a manager's or HR's device
    /// opens its review again.
    #[autosurgeon(missing = "Default::default")]
    pub closed_with: Option<ClosedWords>,
}

/// Asked feedback as the employee reads it in the review, copied there when the review
/// is shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedFeedback {
    /// The writer, unless the feedback was anonymous.
    pub from: Option<PersonId>,
    pub text: String,
    /// When the copy was made.
    pub shared_at: i64,
}

impl AskedFeedback {
    /// The document for the request `request` of `review` (at `review_url`), once the
    /// colleague is asked (a nomination waits for its approval).
    pub fn for_request(
        review: &Review,
        review_url: DocumentUrl,
        request: &ItemId,
    ) -> Result<Self, ReviewError> {
        let asked = review
            .peer_feedback
            .get(request)
            .ok_or(ReviewError::FeedbackRequestGone)?;
        if asked.waiting_for_approval() {
            return Err(ReviewError::NominationPending);
        }
        Ok(Self {
            review: review_url,
            request: request.clone(),
            employee: review.employee.clone(),
            cycle: review.cycle.clone(),
            cycle_name: review.cycle_name.clone(),
            writer: asked.from.clone(),
            anonymous: asked.anonymous,
            requested_by: asked.requested_by.clone(),
            requested_at: asked.requested_at,
            ..Self::default()
        })
    }

    /// `writer` writes (or rewrites) the feedback, as it is typed. It counts as written
    /// while it holds more than blanks.
    pub fn write(&mut self, writer: &PersonId, text: &str, at: i64) -> Result<(), ReviewError> {
        if writer != &self.writer {
            return Err(ReviewError::NotYourFeedback);
        }
        if self.closed {
            return Err(ReviewError::FeedbackClosed);
        }
        if text.chars().count() > MAX_FEEDBACK_CHARS {
            return Err(ReviewError::FeedbackTooLong);
        }
        self.text.update_changed(text);
        self.written_at = (!text.trim().is_empty()).then_some(at);
        Ok(())
    }

    /// The bytes the writer's device signs: the document, the request it answers, and
    /// what the writer wrote.
    fn sealed_bytes(&self, document: &str) -> Vec<u8> {
        self.bytes_sealing(document, self.text.as_str(), &self.device)
    }

    /// The bytes a seal by `device` over `text` as this document's words covers.
    pub(super) fn bytes_sealing(&self, document: &str, text: &str, device: &str) -> Vec<u8> {
        serde_json::to_vec(&(
            "asked feedback",
            document,
            self.review.as_str(),
            self.request.as_str(),
            self.employee.as_str(),
            self.writer.as_str(),
            self.anonymous,
            text,
            device,
        ))
        .unwrap_or_default()
    }

    /// Seals what is written with the writer's device key (`document`: this document's
    /// URL), after each edit: a text in the writer's name that their device did not seal
    /// (a modified client's, naming the colleague) is never shared.
    pub fn seal(&mut self, document: &str, secret: &DeviceSecret) {
        self.device = secret.public().to_string();
        (self.device, self.seal) = seal(secret, &self.sealed_bytes(document));
    }

    /// Whether the writer's device sealed what is written now.
    pub fn check(&self, document: &str, membership: Option<&Membership>) -> SealCheck {
        check_seal(
            &self.device,
            &self.seal,
            &self.sealed_bytes(document),
            &self.writer,
            membership,
        )
    }

    /// Closes it to more writing (the review is shared), keeping the key its copy in the
    /// review goes under (made the first time) and the words it closed with, which are
    /// what sharing copies (kept the first time: see `ClosedWords`); the key.
    pub fn close(&mut self) -> ItemId {
        self.closed = true;
        if self.closed_with.is_none() {
            self.closed_with = Some(ClosedWords::of(self));
        }
        self.shared_as.get_or_insert_with(ItemId::random).clone()
    }

    /// Whether it holds words.
    pub fn is_written(&self) -> bool {
        !self.text.as_str().trim().is_empty()
    }

    /// Whether the review's copy is missing or differs from the words sharing copies.
    pub fn copy_is_stale(&self, review: &Review) -> bool {
        if !self.has_shared_words() {
            return false;
        }
        let copy = self
            .shared_as
            .as_ref()
            .and_then(|key| review.shared_feedback.get(key));
        copy.is_none_or(|copy| copy.text != self.shared_words().trim())
    }
}

impl Review {
    /// The request the feedback document `document` answers, if it is the document that
    /// request names, for the colleague it asked. Anything else (a document someone else
    /// made for the request, or one whose writer was changed) answers nothing.
    pub(super) fn request_answered(
        &self,
        document: DocumentId,
        asked: &AskedFeedback,
    ) -> Option<&PeerFeedback> {
        let request = self.peer_feedback.get(&asked.request)?;
        let named = request
            .document
            .as_ref()
            .is_some_and(|url| DocumentId::from_url(url) == Ok(document));
        (named && asked.employee == self.employee && asked.writer == request.from)
            .then_some(request)
    }

    /// Records that the request `request` is answered in the document at `document`.
    pub fn link_feedback_document(
        &mut self,
        who: Actor,
        request: &ItemId,
        document: DocumentUrl,
    ) -> Result<(), ReviewError> {
        if !(who.capacity.manager || who.capacity.hr) {
            return Err(ReviewError::NotYoursToAskFeedback);
        }
        let asked = self
            .peer_feedback
            .get_mut(request)
            .ok_or(ReviewError::FeedbackRequestGone)?;
        if asked.document.is_none() {
            asked.document = Some(document);
        }
        Ok(())
    }
}

/// Written feedback as one reader is shown it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownFeedback {
    /// The writer, unless hidden from this reader (anonymous, and the reader is the
    /// employee) or not known on this device (a copy shared anonymously).
    pub from: Option<PersonId>,
    pub text: String,
    pub anonymous: bool,
    /// Words that reached its document after it closed, on a device that holds it (a
    /// manager's, HR's or the writer's): not shared unless the manager or HR take them.
    pub late: Option<String>,
    /// The feedback document it is read from, on a device that holds it.
    pub document: Option<DocumentId>,
}

impl Review {
    /// The written peer feedback `viewer` is shown, from what this device holds: the
    /// feedback documents `asked` (a manager's or HR's device holds them; the employee's
    /// never does), the copies shared into the review (what the employee reads), and
    /// feedback written in the review by earlier versions. Each answer once.
    pub fn feedback_shown(
        &self,
        asked: &[(DocumentId, &AskedFeedback)],
        viewer: Option<&PersonId>,
    ) -> Vec<ShownFeedback> {
        let mut shown = Vec::new();
        for feedback in self.peer_feedback.values() {
            if feedback.document.is_none() && !feedback.text.as_str().trim().is_empty() {
                let from = match viewer {
                    Some(viewer) => self.feedback_author(feedback, viewer).cloned(),
                    None => Some(feedback.from.clone()),
                };
                shown.push(ShownFeedback {
                    from,
                    text: feedback.text.as_str().trim().to_owned(),
                    anonymous: feedback.anonymous,
                    late: None,
                    document: None,
                });
            }
        }
        let mut copied = std::collections::BTreeSet::new();
        for (document, feedback) in asked {
            let Some(request) = self.request_answered(*document, feedback) else {
                continue;
            };
            let late = feedback.late_words().map(str::to_owned);
            if !feedback.has_shared_words() && late.is_none() {
                continue;
            }
            copied.extend(feedback.shared_as.iter());
            let anonymous = request.anonymous || feedback.anonymous;
            let hidden = anonymous && viewer == Some(&self.employee);
            shown.push(ShownFeedback {
                from: (!hidden).then(|| request.from.clone()),
                text: feedback.shared_words().trim().to_owned(),
                anonymous,
                late,
                document: Some(*document),
            });
        }
        for (key, copy) in &self.shared_feedback {
            if !copied.contains(key) {
                shown.push(ShownFeedback {
                    from: copy.from.clone(),
                    text: copy.text.clone(),
                    anonymous: copy.from.is_none(),
                    late: None,
                    document: None,
                });
            }
        }
        shown
    }
}

impl crate::model::DocumentView for AskedFeedback {
    /// With what closing writes read whatever writes conflict on it (`read_settled`).
    fn read(doc: &automerge::AutoCommit) -> Result<Self, String> {
        Self::read_settled(doc).map_err(|e| e.to_string())
    }

    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Text edits are tied to the heads they were read at: read it again whole (it is
        // small).
        if let Ok(fresh) = Self::read_settled(doc) {
            *self = fresh;
        }
    }
}
