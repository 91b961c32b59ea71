//! Feedback and praise given during the year, each in a document of its own (listed in
//! the workspace's `given_feedback`, `listing::Listed::GivenFeedback`), sealed by the
//! giver's device so that whom it names as its giver is checked wherever it is shown: a
//! modified client cannot write praise in a colleague's name.
//!
//! ```
//! use throughline::model::identity::{DeviceSecret, Membership, SealCheck};
//! use throughline::model::review::Feedback;
//! use throughline::model::PersonId;
//! let secret = DeviceSecret::generate().unwrap();
//! let mut praise = Feedback { to: PersonId::from("ana"), from: PersonId::from("cy"), praise: true,
//!     text: "Thank you".into(), ..Feedback::default() };
//! praise.seal("automerge:doc", &secret);
//! // Nobody in this (empty) membership owns the device: not a valid seal.
//! assert!(matches!(praise.check("automerge:doc", Some(&Membership::default())), SealCheck::Forged(_)));
//! ```

use super::Feedback;
use crate::model::identity::{check_seal, seal, DeviceSecret, Membership, SealCheck};

impl Feedback {
    /// The bytes the giver's device signs: the document, and everything a reader relies
    /// on (whom it is for and from, what it says, when, about which goal, and the device).
    fn sealed_bytes(&self, document: &str) -> Vec<u8> {
        serde_json::to_vec(&(
            "given feedback",
            document,
            self.to.as_str(),
            self.from.as_str(),
            self.praise,
            &self.text,
            self.goal
                .as_ref()
                .map(|g| (g.review.as_str(), g.goal.as_str(), &g.title)),
            self.given_at,
            &self.device,
        ))
        .unwrap_or_default()
    }

    /// Seals the feedback with the giver's device key (`document`: its document's URL).
    pub fn seal(&mut self, document: &str, secret: &DeviceSecret) {
        // The device's key is part of what is signed, so it is set first.
        self.device = secret.public().to_string();
        (self.device, self.seal) = seal(secret, &self.sealed_bytes(document));
    }

    /// Whether it was given by whom it names: sealed by a device of theirs over what is
    /// shown (feedback kept in the workspace by earlier builds is not verifiable).
    pub fn check(&self, document: &str, membership: Option<&Membership>) -> SealCheck {
        check_seal(
            &self.device,
            &self.seal,
            &self.sealed_bytes(document),
            &self.from,
            membership,
        )
    }
}

/// A piece is small: read and written whole.
impl crate::model::DocumentView for Feedback {}
