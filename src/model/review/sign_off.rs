//! Sign-off: the employee acknowledges the shared review and the manager signs it. Each
//! signature records who, when and the document's heads at that moment, so the signed
//! review can always be read again exactly as it was signed, and anything written later
//! (an edit made offline before the signature arrived, a correction) is found by comparing
//! the review now with the review at those heads ([`Review::edits_after_sign_off`]).

use autosurgeon::{Hydrate, Reconcile};

use super::{check_act, Act, Actor, Review, ReviewError, Stage};
use crate::model::identity::{check_seal, seal, DeviceSecret, Membership, SealCheck};
use crate::model::PersonId;

/// Who signed, when, and the heads (hex) of the document they signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    pub by: PersonId,
    pub name: String,
    pub at: i64,
    pub heads: Vec<String>,
    /// The employee's answer on acknowledging: whether they agree (`None`: not said).
    /// The manager's signature never has one.
    #[autosurgeon(missing = "Option::default")]
    pub agrees: Option<bool>,
    /// What the employee wrote on acknowledging (empty: nothing).
    #[autosurgeon(missing = "String::new")]
    pub comment: String,
    /// The key of the device that signed (empty: made before devices had keys).
    #[autosurgeon(missing = "String::new")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub device: String,
    /// That device's Ed25519 signature over everything above (see [`Signature::check`]).
    #[autosurgeon(missing = "String::new")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub seal: String,
}

/// Which of a review's two signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOff {
    /// The employee's acknowledgement.
    Acknowledgement,
    /// The manager's signature.
    Signature,
}

/// What a device signs a sign-off with: its key and the review's document id.
pub struct Sealer<'a> {
    pub document: &'a str,
    pub secret: &'a DeviceSecret,
}

impl Signature {
    /// The bytes the device signs: the document, which sign-off, and every field a reader
    /// relies on.
    fn sealed_bytes(&self, document: &str, which: SignOff) -> Vec<u8> {
        let which = match which {
            SignOff::Acknowledgement => "acknowledgement",
            SignOff::Signature => "signature",
        };
        serde_json::to_vec(&(
            document,
            which,
            self.by.as_str(),
            self.at,
            &self.heads,
            self.agrees,
            &self.comment,
            &self.device,
        ))
        .unwrap_or_default()
    }

    /// Signs this sign-off with the device's key.
    pub fn seal(&mut self, which: SignOff, sealer: &Sealer<'_>) {
        // The device's key is part of what is signed, so it is set first.
        self.device = sealer.secret.public().to_string();
        (self.device, self.seal) = seal(sealer.secret, &self.sealed_bytes(sealer.document, which));
    }

    /// Checks the seal against the workspace's signed membership: the signing device
    /// must have been the named person's, and the signature must cover what is shown.
    pub fn check(
        &self,
        document: &str,
        which: SignOff,
        membership: Option<&Membership>,
    ) -> SealCheck {
        let bytes = self.sealed_bytes(document, which);
        check_seal(&self.device, &self.seal, &bytes, &self.by, membership)
    }
}

/// Longest comment an employee may add on acknowledging, in characters.
pub(super) const MAX_COMMENT_CHARS: usize = 2_000;

/// What the employee says on acknowledging: whether they agree, and a comment the
/// manager and HR read. Acknowledging says the review was read, not that it is agreed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub agrees: Option<bool>,
    pub comment: String,
}

impl Review {
    /// The employee acknowledges the review (only once it is shared with them).
    pub fn acknowledge(
        &mut self,
        who: Actor,
        name: &str,
        heads: Vec<String>,
        at: i64,
        response: Response,
    ) -> Result<(), ReviewError> {
        check_act(Act::Acknowledge, self.stage, who.capacity)?;
        if self.acknowledgement.is_some() {
            return Err(ReviewError::AlreadyAcknowledged);
        }
        let comment = response.comment.trim().to_owned();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(ReviewError::CommentTooLong);
        }
        self.acknowledgement = Some(Signature {
            agrees: response.agrees,
            comment,
            ..signature(who.person, name, heads, at)
        });
        self.settle_signed();
        Ok(())
    }

    /// The manager signs the review (only once it is shared).
    pub fn sign(
        &mut self,
        who: Actor,
        name: &str,
        heads: Vec<String>,
        at: i64,
    ) -> Result<(), ReviewError> {
        check_act(Act::Sign, self.stage, who.capacity)?;
        if self.signature.is_some() {
            return Err(ReviewError::AlreadySigned);
        }
        self.signature = Some(signature(who.person, name, heads, at));
        self.settle_signed();
        Ok(())
    }

    /// Seals the sign-off just given with this device's key (see [`Signature::seal`]).
    pub fn seal(&mut self, which: SignOff, sealer: &Sealer<'_>) {
        let signature = match which {
            SignOff::Acknowledgement => self.acknowledgement.as_mut(),
            SignOff::Signature => self.signature.as_mut(),
        };
        if let Some(signature) = signature {
            signature.seal(which, sealer);
        }
    }

    /// Both signatures make the review signed.
    fn settle_signed(&mut self) {
        if self.acknowledgement.is_some() && self.signature.is_some() {
            self.stage = Stage::Signed;
        }
    }

    /// The last signature given (the heads the review was final at).
    pub fn final_signature(&self) -> Option<&Signature> {
        match (&self.acknowledgement, &self.signature) {
            (Some(a), Some(s)) => Some(if a.at >= s.at { a } else { s }),
            _ => None,
        }
    }

    /// What differs between this review and `signed`, the review as it was at the final
    /// signature, in sentences; signatures and the stage are not counted as edits.
    pub fn edits_after_sign_off(&self, signed: &Review) -> Vec<String> {
        let mut now = self.clone();
        let mut then = signed.clone();
        for review in [&mut now, &mut then] {
            review.acknowledgement = None;
            review.signature = None;
            review.stage = Stage::Signed;
        }
        super::review_differences(&then, &now)
    }
}

fn signature(by: &PersonId, name: &str, heads: Vec<String>, at: i64) -> Signature {
    Signature {
        by: by.clone(),
        name: name.to_owned(),
        at,
        heads,
        ..Signature::default()
    }
}
