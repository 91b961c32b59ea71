//! Where a review is in its cycle, who may move it on, who may write what at each stage,
//! and who may do anything else to it (ask for or write feedback, calibrate, sign). Every
//! right the review enforces is here ([`check_move`], [`check_write`], [`check_act`]), so
//! the page and the model agree on what a button may do.

use autosurgeon::{Hydrate, Reconcile};

use super::ReviewError;

/// A review's stage. Signed is reached only by both signatures (see `sign_off`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
)]
pub enum Stage {
    #[default]
    Draft,
    SelfReview,
    ManagerReview,
    Calibration,
    Shared,
    Signed,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Self::Draft,
        Self::SelfReview,
        Self::ManagerReview,
        Self::Calibration,
        Self::Shared,
        Self::Signed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::SelfReview => "Self review",
            Self::ManagerReview => "Manager review",
            Self::Calibration => "Calibration",
            Self::Shared => "Shared",
            Self::Signed => "Signed",
        }
    }

    /// The stage after this one, if a person moves it on (Signed follows the signatures).
    pub fn next(self) -> Option<Stage> {
        match self {
            Self::Draft => Some(Self::SelfReview),
            Self::SelfReview => Some(Self::ManagerReview),
            Self::ManagerReview => Some(Self::Calibration),
            Self::Calibration => Some(Self::Shared),
            Self::Shared | Self::Signed => None,
        }
    }

    /// The stage before this one, if a review may be sent back to it.
    pub fn previous(self) -> Option<Stage> {
        match self {
            Self::SelfReview => Some(Self::Draft),
            Self::ManagerReview => Some(Self::SelfReview),
            Self::Calibration => Some(Self::ManagerReview),
            Self::Shared => Some(Self::Calibration),
            Self::Draft | Self::Signed => None,
        }
    }

    /// What the button that moves a review on from this stage says.
    pub fn advance_label(self) -> Option<&'static str> {
        match self {
            Self::Draft => Some("Open for self review"),
            Self::SelfReview => Some("Submit self review"),
            Self::ManagerReview => Some("Submit for calibration"),
            Self::Calibration => Some("Share with the employee"),
            Self::Shared | Self::Signed => None,
        }
    }
}

/// In what capacity a person acts on a review. One person may hold several (a manager
/// who also runs the cycle for HR).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capacity {
    pub employee: bool,
    pub manager: bool,
    pub hr: bool,
}

impl Capacity {
    /// The review's employee, and nothing more.
    pub const EMPLOYEE: Capacity = Capacity {
        employee: true,
        manager: false,
        hr: false,
    };
    /// The employee's manager, and nothing more.
    pub const MANAGER: Capacity = Capacity {
        employee: false,
        manager: true,
        hr: false,
    };
    /// HR for the cycle, and nothing more.
    pub const HR: Capacity = Capacity {
        employee: false,
        manager: false,
        hr: true,
    };

    pub fn none(self) -> bool {
        !(self.employee || self.manager || self.hr)
    }
}

/// May `who` move a review from `from` to `to`? Forward one stage: the employee submits
/// their self review; the manager (or HR) opens it, submits it for calibration; HR (or the
/// manager, when the cycle has no separate HR) shares it after calibration. Back one
/// stage: the manager or HR, to correct something, never once signatures exist.
pub fn check_move(
    from: Stage,
    to: Stage,
    who: Capacity,
    signed_any: bool,
) -> Result<(), ReviewError> {
    if who.none() {
        return Err(ReviewError::NotYourReviewToMove);
    }
    if from == to {
        return Err(ReviewError::AlreadyInStage { stage: to });
    }
    if to == Stage::Signed {
        return Err(ReviewError::SignedOnlyBySigning);
    }
    if from.next() == Some(to) {
        let allowed = match from {
            Stage::Draft => who.manager || who.hr,
            Stage::SelfReview => who.employee || who.manager || who.hr,
            Stage::ManagerReview => who.manager || who.hr,
            Stage::Calibration => who.hr || who.manager,
            Stage::Shared | Stage::Signed => false,
        };
        return if allowed {
            Ok(())
        } else {
            Err(ReviewError::NotYoursToMoveOn {
                from,
                whom: match from {
                    Stage::SelfReview => "the employee, the manager or HR",
                    _ => "the manager or HR",
                },
            })
        };
    }
    if from.previous() == Some(to) {
        if signed_any {
            return Err(ReviewError::SignedCannotGoBack);
        }
        return if who.manager || who.hr {
            Ok(())
        } else {
            Err(ReviewError::NotYoursToSendBack)
        };
    }
    Err(ReviewError::SkipsStages { from, to })
}

/// What a person may write in a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Goals: their titles, weights, progress and alignment.
    Goals,
    SelfAssessment,
    /// The employee's own ratings of goals and competencies.
    SelfRatings,
    ManagerAssessment,
    /// The manager's ratings, the overall rating and the potential.
    ManagerRatings,
    Development,
}

/// May `who` write `part` while the review is in `stage`?
pub fn check_write(part: Part, stage: Stage, who: Capacity) -> Result<(), ReviewError> {
    use Stage::*;
    let (open, allowed, whom) = match part {
        Part::Goals => (
            matches!(stage, Draft | SelfReview | ManagerReview),
            who.employee || who.manager || who.hr,
            "the employee, their manager or HR",
        ),
        Part::SelfAssessment | Part::SelfRatings => (
            matches!(stage, Draft | SelfReview),
            who.employee,
            "the employee",
        ),
        Part::ManagerAssessment => (
            matches!(stage, Draft | SelfReview | ManagerReview | Calibration),
            who.manager,
            "the manager",
        ),
        Part::ManagerRatings => (
            matches!(stage, ManagerReview | Calibration),
            who.manager || (who.hr && stage == Calibration),
            "the manager (and HR in calibration)",
        ),
        // A development plan outlives the review; an edit after sign-off is shown as such.
        Part::Development => (
            true,
            who.employee || who.manager,
            "the employee or their manager",
        ),
    };
    if !allowed {
        return Err(ReviewError::NotYourPart { whom });
    }
    if !open {
        return Err(ReviewError::PartClosed { stage });
    }
    Ok(())
}

/// Something done to a review other than writing one of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Ask a colleague for feedback.
    AskFeedback,
    /// Write feedback one was asked for; `asked`: the writer is the colleague asked.
    WriteAskedFeedback { asked: bool },
    /// Pull feedback given during the year into the review.
    PullFeedback,
    /// Approve (or decline) the employee's nomination of a colleague for feedback.
    ApproveNomination,
    /// Place the person on the 9-box (which writes the overall rating and potential).
    Calibrate,
    /// The employee acknowledges the shared review.
    Acknowledge,
    /// The manager signs the shared review.
    Sign,
}

/// May `who` do `act` while the review is in `stage`? With [`check_write`] and
/// [`check_move`], every right the review has.
pub fn check_act(act: Act, stage: Stage, who: Capacity) -> Result<(), ReviewError> {
    let signable = |what: &'static str| match stage {
        Stage::Shared => Ok(()),
        Stage::Signed => Err(ReviewError::SignedOff),
        stage => Err(ReviewError::NotSharedYet { what, stage }),
    };
    match act {
        Act::AskFeedback => {
            if !(who.manager || who.employee || who.hr) {
                return Err(ReviewError::NotYoursToAskFeedback);
            }
            if stage >= Stage::Calibration {
                return Err(ReviewError::FeedbackAskedTooLate);
            }
        }
        Act::WriteAskedFeedback { asked } => {
            if !asked {
                return Err(ReviewError::NotYourFeedback);
            }
            if stage >= Stage::Shared {
                return Err(ReviewError::FeedbackClosed);
            }
        }
        Act::ApproveNomination => {
            if !(who.manager || who.hr) {
                return Err(ReviewError::NotYoursToApproveNomination);
            }
            if stage >= Stage::Calibration {
                return Err(ReviewError::FeedbackAskedTooLate);
            }
        }
        Act::PullFeedback => {
            if !(who.manager || who.employee) {
                return Err(ReviewError::NotYoursToPull);
            }
            if stage >= Stage::Shared {
                return Err(ReviewError::PullClosed);
            }
        }
        Act::Calibrate => {
            if stage != Stage::Calibration {
                return Err(ReviewError::NotInCalibration { stage });
            }
            if !(who.manager || who.hr) {
                return Err(ReviewError::NotYoursToCalibrate);
            }
        }
        Act::Acknowledge => {
            if !who.employee {
                return Err(ReviewError::NotYoursToAcknowledge);
            }
            signable("acknowledged")?;
        }
        Act::Sign => {
            if !who.manager {
                return Err(ReviewError::NotYoursToSign);
            }
            signable("signed")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPLOYEE: Capacity = Capacity::EMPLOYEE;
    const MANAGER: Capacity = Capacity::MANAGER;
    const HR: Capacity = Capacity::HR;

    const COLLEAGUE: Capacity = Capacity {
        employee: false,
        manager: false,
        hr: false,
    };

    /// Who may do each act at each stage, as a table: the stages where it is allowed.
    #[test]
    fn every_act_is_allowed_to_the_right_people_at_the_right_stages() {
        use Stage::*;
        let asked = Act::WriteAskedFeedback { asked: true };
        let not_asked = Act::WriteAskedFeedback { asked: false };
        let table: [(Act, Capacity, &[Stage]); 14] = [
            (
                Act::AskFeedback,
                EMPLOYEE,
                &[Draft, SelfReview, ManagerReview],
            ),
            (Act::AskFeedback, HR, &[Draft, SelfReview, ManagerReview]),
            (Act::AskFeedback, COLLEAGUE, &[]),
            (
                asked,
                COLLEAGUE,
                &[Draft, SelfReview, ManagerReview, Calibration],
            ),
            (not_asked, MANAGER, &[]),
            (
                Act::PullFeedback,
                MANAGER,
                &[Draft, SelfReview, ManagerReview, Calibration],
            ),
            (Act::PullFeedback, HR, &[]),
            (
                Act::ApproveNomination,
                HR,
                &[Draft, SelfReview, ManagerReview],
            ),
            (Act::ApproveNomination, EMPLOYEE, &[]),
            (Act::Calibrate, HR, &[Calibration]),
            (Act::Calibrate, EMPLOYEE, &[]),
            (Act::Acknowledge, EMPLOYEE, &[Shared]),
            (Act::Sign, MANAGER, &[Shared]),
            (Act::Sign, EMPLOYEE, &[]),
        ];
        for (act, who, allowed) in table {
            for stage in Stage::ALL {
                assert_eq!(
                    check_act(act, stage, who).is_ok(),
                    allowed.contains(&stage),
                    "{act:?} by {who:?} in {stage:?}"
                );
            }
        }
        assert_eq!(
            check_act(Act::Sign, Signed, MANAGER),
            Err(ReviewError::SignedOff)
        );
        assert_eq!(
            check_act(Act::Acknowledge, ManagerReview, EMPLOYEE),
            Err(ReviewError::NotSharedYet {
                what: "acknowledged",
                stage: ManagerReview
            })
        );
    }
}
