//! Why an edit of a check-in series was refused.
//!
//! ```
//! use throughline::model::check_in::{CheckInError, CheckInSeries};
//! use throughline::model::PersonId;
//! let mut series = CheckInSeries::new(&PersonId::from("bo"), &PersonId::from("ana"));
//! let meeting = series.add_meeting("2027-03-01").unwrap();
//! let refused = series.add_agenda_item(&meeting, "  ", None, 1).unwrap_err();
//! assert_eq!(refused, CheckInError::TextMissing { what: "An agenda item" });
//! assert_eq!(refused.to_string(), "An agenda item needs some text.");
//! ```

use super::check_in::MAX_ITEM_CHARS;
use crate::model::plan::PlanError;

/// Why an edit of a check-in series was refused. The text is shown to the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    /// A meeting's date that is not a date; `reason` says why.
    #[error("{reason}")]
    MeetingDateInvalid { reason: PlanError },
    /// The meeting was removed (perhaps on another device) since the page showed it.
    #[error("That meeting is no longer in this series.")]
    MeetingGone,
    /// An agenda or action item is empty; `what` names the thing in a sentence:
    /// "An agenda item", "An action item".
    #[error("{what} needs some text.")]
    TextMissing { what: &'static str },
    /// An agenda or action item (`what`, as in [`CheckInError::TextMissing`]) is longer
    /// than a series keeps.
    #[error("{what} is at most {MAX_ITEM_CHARS} characters.")]
    TextTooLong { what: &'static str },
    /// The agenda item was removed since the page showed it.
    #[error("That agenda item is no longer here.")]
    AgendaItemGone,
    /// An action item's due date that is not a date; `reason` says why.
    #[error("{reason}")]
    DueDateInvalid { reason: PlanError },
    /// The action item was removed since the page showed it.
    #[error("That action item is no longer here.")]
    ActionItemGone,
    /// Someone other than the series' manager and employee changed it.
    #[error("Only the manager and the employee of these check-ins can change them.")]
    NotInThePair,
    /// Whose check-ins these are changed (or, started, were not the pair listed).
    #[error("Whose check-ins these are does not change.")]
    PairFixed,
    /// An agenda item added in another person's name.
    #[error("This is written in another person's name; each person writes in their own.")]
    InAnotherName,
    /// An action item given to someone outside the pair.
    #[error("An action item is owned by the manager or the employee of these check-ins.")]
    OwnerOutsideThePair,
    /// `what` ("An agenda item", "An action item", "A meeting") changed other than as the
    /// page changes it: `how` says what may change.
    #[error("{what} stays as it was added; {how}")]
    ItemFixed {
        what: &'static str,
        how: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::CheckInError as E;
    use crate::model::plan::PlanError;

    /// Each refusal reads as it did when it was a sentence written in `check_in.rs` (the
    /// end-to-end tests and the person using the app see these).
    #[test]
    fn refusals_read_as_before() {
        let cases: Vec<(E, &str)> = vec![
            (
                E::MeetingDateInvalid {
                    reason: PlanError::NotADate {
                        text: "next week".to_owned(),
                    },
                },
                "\"next week\" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.",
            ),
            (E::MeetingGone, "That meeting is no longer in this series."),
            (
                E::TextMissing {
                    what: "An agenda item",
                },
                "An agenda item needs some text.",
            ),
            (
                E::TextMissing {
                    what: "An action item",
                },
                "An action item needs some text.",
            ),
            (
                E::TextTooLong {
                    what: "An agenda item",
                },
                "An agenda item is at most 500 characters.",
            ),
            (
                E::TextTooLong {
                    what: "An action item",
                },
                "An action item is at most 500 characters.",
            ),
            (E::AgendaItemGone, "That agenda item is no longer here."),
            (
                E::DueDateInvalid {
                    reason: PlanError::NoSuchDay {
                        date: "2027-02-29".to_owned(),
                    },
                },
                "2027-02-29: that day does not exist in that month.",
            ),
            (E::ActionItemGone, "That action item is no longer here."),
            (
                E::ItemFixed {
                    what: "A meeting",
                    how: "only its notes change.",
                },
                "A meeting stays as it was added; only its notes change.",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text, "{error:?}");
        }
    }
}
