//! Why an edit of a plan, or a value typed into one, was refused.
//!
//! ```
//! use throughline::model::plan::{parse_year, PlanError};
//! let refused = parse_year("27x").unwrap_err();
//! assert_eq!(refused, PlanError::NotAYear { text: "27x".to_owned() });
//! assert_eq!(refused.to_string(), "\"27x\" is not a year; write it as four digits, e.g. 2027.");
//! ```

use super::input::YEARS;
use super::{PlanStatus, MAX_HORIZON_YEARS, MAX_TITLE_CHARS};

/// Why an edit of a plan, or a value typed into one, was refused. The text is shown to
/// the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    // ---- titles ----
    /// A title (or the text of a SWOT item or PESTLE factor) is empty; `what` names the
    /// thing in a sentence: "The plan", "A goal", "An objective", "An initiative",
    /// "An item", "A factor".
    #[error("{what} needs a title.")]
    TitleMissing { what: &'static str },
    #[error("That title is too long (at most {MAX_TITLE_CHARS} characters).")]
    TitleTooLong,

    // ---- the plan's horizon, currency and what is available ----
    /// A year given to [`Plan::set_horizon`](super::Plan::set_horizon) is outside the
    /// years a plan can cover (the typed-in check is [`PlanError::YearOutOfRange`]).
    #[error("{year} is outside the years a plan can cover.")]
    HorizonYearOutOfRange { year: i64 },
    /// The end year is before the start year.
    #[error("The end year ({end_year}) is before the start year ({start_year}).")]
    HorizonBackwards { start_year: i64, end_year: i64 },
    #[error("A plan covers at most {MAX_HORIZON_YEARS} years.")]
    HorizonTooLong,
    #[error("Write the currency as a short code, e.g. EUR or USD.")]
    CurrencyInvalid,
    /// The budget or headcount available to the plan is negative (or not a number).
    #[error("What is available cannot be negative.")]
    AvailableNegative,

    // ---- values typed by hand ----
    #[error("\"{text}\" is not a year; write it as four digits, e.g. 2027.")]
    NotAYear { text: String },
    /// A typed year is outside the years a plan can cover.
    #[error(
        "{year} is outside the years a plan can cover ({first}–{last}).",
        first = YEARS.start(),
        last = YEARS.end()
    )]
    YearOutOfRange { year: i64 },
    #[error("\"{text}\" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.")]
    NotADate { text: String },
    /// A date written as `YYYY-MM-DD` whose month is not 1 to 12.
    #[error("{date}: there is no month {month}.")]
    NoSuchMonth { date: String, month: u32 },
    /// A date written as `YYYY-MM-DD` whose day is not in its month (e.g. 2027-02-29).
    #[error("{date}: that day does not exist in that month.")]
    NoSuchDay { date: String },
    /// A real date, in a year outside the years a plan can cover.
    #[error(
        "{date} is outside the years a plan can cover ({first}–{last}).",
        first = YEARS.start(),
        last = YEARS.end()
    )]
    DateOutOfRange { date: String },
    #[error("\"{text}\" is not a number.")]
    NotANumber { text: String },
    /// A number that is not finite, or too large to count with.
    #[error("\"{text}\" is not a usable number.")]
    NumberUnusable { text: String },
    #[error("\"{text}\" is not an amount; write digits only, e.g. 250000.")]
    NotAnAmount { text: String },
    #[error("A budget cannot be negative.")]
    BudgetNegative,
    /// A budget with a fraction: budgets are whole units of the plan's currency.
    #[error("Write the budget in whole units, without cents.")]
    BudgetNotWhole,
    #[error("\"{text}\" is not a headcount; write a number, e.g. 3 or 2.5.")]
    NotAHeadcount { text: String },
    #[error("A headcount cannot be negative.")]
    HeadcountNegative,
    #[error("\"{text}\" is not a percentage; write a number from 0 to 100.")]
    NotAPercentage { text: String },
    #[error("Progress is a percentage from 0 to 100.")]
    ProgressOutOfRange,

    // ---- status and approval ----
    /// Approved was chosen as a status: a plan is approved only through
    /// [`Plan::approve`](super::Plan::approve), which records who approved it.
    #[error("A plan is approved by a board or executive participant: use Approve.")]
    ApprovedOnlyByApproving,
    /// The plan cannot move from its status `from` to `to` (see
    /// [`Plan::next_statuses`](super::Plan::next_statuses)).
    #[error(
        "A plan that is {} cannot be moved to {}.",
        .from.label().to_lowercase(),
        .to.label().to_lowercase()
    )]
    StatusNotAllowed { from: PlanStatus, to: PlanStatus },
    #[error("Only a plan in review can be approved: send it for review first.")]
    NotInReview,
    /// Nobody is chosen under Settings → You, so there is no one to approve as.
    #[error("Choose who you are (Settings → You) to approve.")]
    ApproverUnknown,
    #[error("Contributors cannot approve; a board or executive participant can.")]
    ContributorCannotApprove,
    /// The person is not a participant of the plan.
    #[error("Only the plan's board or executive participants can approve it.")]
    NotAParticipant,

    // ---- goals, objectives, initiatives, measures and the environment ----
    /// The item was removed (perhaps on another device) since the page showed it.
    #[error("That item is no longer in the plan (someone may have just removed it).")]
    ItemGone,
    /// An initiative ends before it starts.
    #[error("The end date ({end}) is before the start date ({start}).")]
    DatesBackwards { start: String, end: String },
    /// An initiative's budget or headcount is negative.
    #[error("Budget and headcount cannot be negative.")]
    ResourcesNegative,
    #[error("A measure needs a name.")]
    MeasureNameMissing,
    /// A measure where up is good has its target below its baseline.
    #[error("Up is good, so the target cannot be below the baseline.")]
    TargetBelowBaseline,
    /// A measure where up is good has its green threshold below its amber one.
    #[error("Up is good, so green must start at or above amber.")]
    GreenBelowAmber,
    /// A measure where down is good has its target above its baseline.
    #[error("Down is good, so the target cannot be above the baseline.")]
    TargetAboveBaseline,
    /// A measure where down is good has its green threshold above its amber one.
    #[error("Down is good, so green must start at or below amber.")]
    GreenAboveAmber,
    /// An actual that is not a finite number.
    #[error("An actual must be a number.")]
    ActualNotANumber,
    /// There is no actual recorded for `date` to remove.
    #[error("There is no actual for {date}.")]
    NoActual { date: String },
    /// A target by period that is not a finite number.
    #[error("A target must be a number.")]
    PeriodTargetNotANumber,
    /// A target by period that lies beyond the baseline or the measure's final target.
    #[error("The target for {date} ({value}) must lie between the baseline ({baseline}) and the final target ({target}).")]
    PeriodTargetOutside {
        date: String,
        value: String,
        baseline: String,
        target: String,
    },
    /// There is no target by period for `date` to remove.
    #[error("There is no target for {date}.")]
    NoPeriodTarget { date: String },
}
