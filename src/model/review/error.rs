//! Why an edit of a review, a cycle, a scale or a template was refused.
//!
//! ```
//! use throughline::model::review::{RatingScale, ReviewError};
//! let refused = RatingScale::parse("Five point", "1 Below\n1 Again").unwrap_err();
//! assert_eq!(refused, ReviewError::LevelTwice { value: 1 });
//! assert_eq!(refused.to_string(), "The value 1 is on the scale twice.");
//! ```

use super::scale::MAX_LEVELS;
use super::sign_off::MAX_COMMENT_CHARS;
use super::workspace::MAX_FEEDBACK_CHARS;
use super::{Stage, MAX_TITLE_CHARS};
use crate::model::plan::PlanError;

/// Why an edit of a review, or of what the workspace keeps for reviews (cycles, rating
/// scales, templates, feedback), was refused. The text is shown to the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    // ---- moving a review from stage to stage ----
    /// The person is not the employee, their manager or the cycle's HR.
    #[error("Only the employee, their manager or the cycle's HR can move this review.")]
    NotYourReviewToMove,
    #[error("The review is already in \"{}\".", .stage.label())]
    AlreadyInStage { stage: Stage },
    /// Signed was chosen as a stage: a review reaches it only by both signatures.
    #[error("A review is signed by the employee's acknowledgement and the manager's signature, not moved there.")]
    SignedOnlyBySigning,
    /// The person may not move the review on from `from`; `whom` says who may.
    #[error("Only {whom} can move a review on from \"{}\".", .from.label())]
    NotYoursToMoveOn { from: Stage, whom: &'static str },
    /// A review with a signature (or an acknowledgement) is never sent back a stage.
    #[error("This review has been acknowledged or signed; it can no longer be sent back.")]
    SignedCannotGoBack,
    #[error("Only the manager or HR can send a review back.")]
    NotYoursToSendBack,
    /// A move of more than one stage, forward or back.
    #[error(
        "A review moves one stage at a time; it cannot go from \"{}\" to \"{}\".",
        .from.label(),
        .to.label()
    )]
    SkipsStages { from: Stage, to: Stage },

    // ---- writing a part of a review ----
    /// The person may not write this part of the review; `whom` says who may.
    #[error("Only {whom} can change this.")]
    NotYourPart { whom: &'static str },
    /// The part may be written, but not at the review's stage.
    #[error(
        "Changing this is not possible in the \"{}\" stage (it is closed at this stage).",
        .stage.label()
    )]
    PartClosed { stage: Stage },

    // ---- goals, ratings and answers ----
    /// The goal was removed (perhaps on another device) since the page showed it.
    #[error("That goal is no longer in this review.")]
    GoalGone,
    #[error("A goal needs a title.")]
    GoalTitleMissing,
    #[error("That title is too long (at most {MAX_TITLE_CHARS} characters).")]
    TitleTooLong,
    /// A value that must be a percentage is not; `what` names it in a sentence
    /// ("A goal's weight", "Progress").
    #[error("{what} is a percentage from 0 to 100, not {value}.")]
    NotAPercentage { what: String, value: i64 },
    /// A rating that is not one of the values of the scale named `scale` (whose values,
    /// lowest first, are `values`).
    #[error(
        "{value} is not on the scale \"{scale}\" ({}).",
        comma_separated(.values)
    )]
    NotOnScale {
        value: i64,
        scale: String,
        values: Vec<i64>,
    },
    #[error("That competency is not in this review's template.")]
    CompetencyNotInTemplate,
    #[error("That question is not in this review's template.")]
    QuestionNotInTemplate,

    // ---- peer feedback and feedback pulled into a review ----
    #[error("Only the employee, their manager or HR can ask for feedback.")]
    NotYoursToAskFeedback,
    /// The person reviewed was asked for feedback on their own review.
    #[error("Ask someone other than the person reviewed.")]
    FeedbackFromEmployee,
    /// Feedback is asked for only before calibration.
    #[error("Feedback is asked for before calibration.")]
    FeedbackAskedTooLate,
    /// The peer has already been asked for feedback on this review.
    #[error("That person has already been asked.")]
    AlreadyAsked,
    #[error("That request for feedback is no longer in this review.")]
    FeedbackRequestGone,
    /// Someone other than the peer asked tried to write their feedback.
    #[error("Only the person asked can write this feedback.")]
    NotYourFeedback,
    /// Peer feedback is written only before the review is shared.
    #[error("The review has been shared; feedback can no longer be written.")]
    FeedbackClosed,
    /// Someone other than the manager or HR tried to share asked feedback.
    #[error("Only the employee's manager or HR can share feedback with the employee.")]
    NotYoursToShareFeedback,
    /// Asked feedback closed when its review was shared, opened again (or its copy's key
    /// changed).
    #[error("Feedback closed when the review was shared stays closed.")]
    FeedbackStaysClosed,
    /// The words asked feedback closed with (what sharing copies) are not what it held in
    /// that change.
    #[error("Closed feedback shares only the words its writer wrote.")]
    ClosedWordsNotWritten,
    /// Late words that remove everything asked feedback closed with: the copy already
    /// shared stays.
    #[error("Feedback shared with the employee stays shared: its writer's removal came after it closed.")]
    LateWordsRemoved,
    /// What asked feedback answers (the review, the request, whom it is on, who writes
    /// it, whether it is anonymous) changed after it was asked.
    #[error("What this feedback answers is fixed when it is asked.")]
    FeedbackRequestFixed,
    /// Asked feedback is shared with the review, before either signature.
    #[error(
        "Feedback is shared with the employee once the review is shared, and before it is signed."
    )]
    FeedbackNotShareable,
    /// What the asked feedback says was not sealed by its writer's device (written by an
    /// earlier build, or in the writer's name by someone else).
    #[error(
        "This feedback is not sealed by its writer's device, so it is not shared: the colleague can open it once to seal it."
    )]
    FeedbackNotSealed,
    /// Someone other than HR or the manager tried to remind someone, or someone other
    /// than its reader or HR to dismiss a reminder.
    #[error("Only HR or the manager sends reminders, and only their reader dismisses one.")]
    NotYoursToNudge,
    /// The asked colleague tried to write in the review itself (the request has a
    /// document of its own).
    #[error("This feedback is written on its own page, not in the review.")]
    FeedbackWrittenElsewhere,
    #[error("Only the employee or their manager can pull feedback into the review.")]
    NotYoursToPull,
    /// Feedback is pulled into a review only before it is shared.
    #[error("The review has been shared; nothing more can be pulled into it.")]
    PullClosed,

    // ---- the development plan ----
    #[error("A development action needs a skill and what will be done.")]
    DevelopmentActionIncomplete,
    /// The development action was removed (perhaps on another device) since the page
    /// showed it.
    #[error("That action is no longer in the development plan.")]
    DevelopmentActionGone,
    /// A development action's due date that is not a date; `reason` says why.
    #[error("{reason}")]
    DueDateInvalid { reason: PlanError },
    /// A development action due before the review's period (`start` to `end`) starts.
    #[error("{due} is before this review's period ({start} to {end}).")]
    DueBeforePeriod {
        due: String,
        start: String,
        end: String,
    },

    // ---- calibration ----
    /// The review is moved on the 9-box while not in calibration.
    #[error("This review is not in calibration (the review is in \"{}\").", .stage.label())]
    NotInCalibration { stage: Stage },
    #[error("Only the person's manager or the cycle's HR can calibrate.")]
    NotYoursToCalibrate,
    /// The review's rating scale has no value in the performance band of the chosen box.
    #[error("The rating scale has no value in that band.")]
    NoValueInBand,

    // ---- sign-off ----
    #[error("Only the employee acknowledges their review.")]
    NotYoursToAcknowledge,
    #[error("Only the employee's manager signs the review.")]
    NotYoursToSign,
    #[error("The review has already been acknowledged.")]
    AlreadyAcknowledged,
    /// A record names another person as whoever made it (a reminder, a request, an
    /// approval, a signature, a calibration note): each is written in its maker's name.
    #[error("This is written in another person's name; each person writes in their own.")]
    InAnotherName,
    /// The manager has already signed the review.
    #[error("The review has already been signed.")]
    AlreadySigned,
    /// Both have signed: the review is in the Signed stage.
    #[error("The review is already signed.")]
    SignedOff,
    /// The review is not shared yet, so it cannot be `what` ("acknowledged", "signed").
    #[error(
        "A review can be {what} only once it is shared; this one is in \"{}\".",
        .stage.label()
    )]
    NotSharedYet { what: &'static str, stage: Stage },

    // ---- setting up a cycle ----
    #[error("A cycle needs a name.")]
    CycleNameMissing,
    /// A date typed for `what` ("Period start", "The self review deadline") is not a
    /// date; `reason` says why.
    #[error("{what}: {reason}")]
    DateInvalid { what: String, reason: PlanError },
    /// The review period ends before it starts.
    #[error("The period ends ({end}) before it starts ({start}).")]
    PeriodBackwards { start: String, end: String },
    /// No template is chosen, or the chosen one has been removed.
    #[error("Choose a template (Settings → Reviews defines them).")]
    TemplateNotChosen,
    /// No rating scale is chosen, or the chosen one has been removed.
    #[error("Choose a rating scale (Settings → Reviews defines them).")]
    ScaleNotChosen,
    /// The date of `what` is outside the cycle, `first` to `last`.
    #[error("{what} ({date}) is outside the cycle ({first} to {last}).")]
    DateOutsideCycle {
        what: String,
        date: String,
        first: String,
        last: String,
    },
    /// A deadline (`what`, on `date`) comes before the deadline of the stage before it
    /// (`before`, on `before_date`).
    #[error("{what} ({date}) is before {} ({before_date}).", .before.to_lowercase())]
    DeadlinesOutOfOrder {
        what: &'static str,
        date: String,
        before: &'static str,
        before_date: String,
    },
    #[error("Choose at least one participant, by team or by person.")]
    NoParticipants,
    /// A participant or an HR person chosen for the cycle has left the workspace.
    #[error("A chosen person is no longer in the workspace.")]
    ChosenPersonGone,

    // ---- rating scales ----
    #[error("A scale needs a name.")]
    ScaleNameMissing,
    /// A line of the scale (`line_number`, counted from 1) does not start with a value.
    #[error(
        "Line {line_number}: \"{line}\" does not start with a whole number, e.g. \"3 Meets expectations\"."
    )]
    LevelNotANumber { line_number: usize, line: String },
    /// A line of the scale (`line_number`, counted from 1) has a value and no label.
    #[error("Line {line_number}: the value {value} needs a label.")]
    LevelLabelMissing { line_number: usize, value: i64 },
    #[error("The value {value} is on the scale twice.")]
    LevelTwice { value: i64 },
    #[error("A scale needs at least two levels, one per line.")]
    TooFewLevels,
    #[error("A scale has at most {MAX_LEVELS} levels.")]
    TooManyLevels,
    /// The scale was removed (perhaps on another device) since the page showed it.
    #[error("That scale is no longer in the workspace.")]
    ScaleGone,

    // ---- templates ----
    #[error("A template needs a name.")]
    TemplateNameMissing,
    #[error("A section (a line starting with #) needs a title.")]
    SectionTitleMissing,
    /// A line that is only `[rating]`.
    #[error("A rated question needs its text before [rating].")]
    RatedQuestionTextMissing,
    /// A competency's line (`line`) has nothing before its colon.
    #[error("\"{line}\": a competency needs a name before the colon.")]
    CompetencyNameMissing { line: String },
    #[error("A template needs at least one question or competency.")]
    TemplateEmpty,
    /// A section of the template editor with no title (the `number`th, from 1).
    #[error("Section {number} needs a title.")]
    SectionUntitled { number: usize },
    #[error("A question in “{section}” has no text.")]
    QuestionTextMissing { section: String },
    #[error("Section “{section}” has no questions.")]
    SectionEmpty { section: String },
    /// The `number`th competency (from 1) has no name.
    #[error("Competency {number} needs a name.")]
    CompetencyUnnamed { number: usize },
    /// The template was removed (perhaps on another device) since the page showed it.
    #[error("That template is no longer in the workspace.")]
    TemplateGone,

    #[error("A comment on the review is at most {MAX_COMMENT_CHARS} characters.")]
    CommentTooLong,
    /// The colleague was nominated by the employee and the manager has not approved yet.
    #[error("This request for feedback waits for the manager's approval.")]
    NominationPending,
    #[error("Only the employee's manager or HR approve a nomination.")]
    NotYoursToApproveNomination,
    /// Approved already (or approved on another device meanwhile): it stays.
    #[error("That nomination has already been approved.")]
    NominationDecided,

    // ---- feedback and praise given during the year ----
    #[error("Write the feedback first.")]
    FeedbackEmpty,
    #[error("Feedback is at most {MAX_FEEDBACK_CHARS} characters.")]
    FeedbackTooLong,
    /// The person the feedback is for has left the workspace.
    #[error("That person is no longer in the workspace.")]
    PersonGone,
    /// Someone gave feedback to themselves.
    #[error("Feedback is for someone else.")]
    FeedbackToSelf,
}

/// "1, 2, 3".
fn comma_separated(values: &[i64]) -> String {
    values
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::ReviewError as E;
    use crate::model::plan::PlanError;
    use crate::model::review::Stage;

    /// The sentences built from data read as they did when they were written with
    /// `format!` (the end-to-end tests and the person using the app see these).
    #[test]
    fn composed_refusals_read_as_before() {
        let cases: Vec<(E, &str)> = vec![
            (
                E::AlreadyInStage {
                    stage: Stage::SelfReview,
                },
                "The review is already in \"Self review\".",
            ),
            (
                E::NotYoursToMoveOn {
                    from: Stage::Draft,
                    whom: "the manager or HR",
                },
                "Only the manager or HR can move a review on from \"Draft\".",
            ),
            (
                E::SkipsStages {
                    from: Stage::Draft,
                    to: Stage::Calibration,
                },
                "A review moves one stage at a time; it cannot go from \"Draft\" to \"Calibration\".",
            ),
            (
                E::NotYourPart {
                    whom: "the employee",
                },
                "Only the employee can change this.",
            ),
            (
                E::PartClosed {
                    stage: Stage::ManagerReview,
                },
                "Changing this is not possible in the \"Manager review\" stage (it is closed at this stage).",
            ),
            (
                E::TitleTooLong,
                "That title is too long (at most 200 characters).",
            ),
            (
                E::NotAPercentage {
                    what: "A goal's weight".to_owned(),
                    value: 120,
                },
                "A goal's weight is a percentage from 0 to 100, not 120.",
            ),
            (
                E::DueDateInvalid {
                    reason: PlanError::NotADate {
                        text: "soon".to_owned(),
                    },
                },
                "\"soon\" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.",
            ),
            (
                E::NotInCalibration {
                    stage: Stage::Shared,
                },
                "This review is not in calibration (the review is in \"Shared\").",
            ),
            (
                E::NotSharedYet {
                    what: "acknowledged",
                    stage: Stage::Calibration,
                },
                "A review can be acknowledged only once it is shared; this one is in \"Calibration\".",
            ),
            (
                E::DateInvalid {
                    what: "Period start".to_owned(),
                    reason: PlanError::NoSuchMonth {
                        date: "2027-13-01".to_owned(),
                        month: 13,
                    },
                },
                "Period start: 2027-13-01: there is no month 13.",
            ),
            (
                E::DateOutsideCycle {
                    what: "The calibration deadline".to_owned(),
                    date: "2026-12-01".to_owned(),
                    first: "2027-01-01".to_owned(),
                    last: "2028-12-31".to_owned(),
                },
                "The calibration deadline (2026-12-01) is outside the cycle (2027-01-01 to 2028-12-31).",
            ),
            (
                E::LevelNotANumber {
                    line_number: 3,
                    line: "Great".to_owned(),
                },
                "Line 3: \"Great\" does not start with a whole number, e.g. \"3 Meets expectations\".",
            ),
            (E::TooManyLevels, "A scale has at most 10 levels."),
            (
                E::CompetencyNameMissing {
                    line: ": clear".to_owned(),
                },
                "\": clear\": a competency needs a name before the colon.",
            ),
            (E::FeedbackTooLong, "Feedback is at most 5000 characters."),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text, "{error:?}");
        }
    }
}
