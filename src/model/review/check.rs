//! Checking values typed into a review or a cycle; each refusal says why in words.

use super::ReviewError;
use crate::model::plan::parse_date;

/// `value` if it is a percentage (0 to 100).
pub fn check_percent(value: i64, what: &str) -> Result<i64, ReviewError> {
    if (0..=100).contains(&value) {
        Ok(value)
    } else {
        Err(ReviewError::NotAPercentage {
            what: what.to_owned(),
            value,
        })
    }
}

/// `text` as a `YYYY-MM-DD` date on or between `first` and `last`; `what` names it in
/// the refusal ("The self review deadline").
///
/// ```
/// use throughline::model::review::check_date_in;
/// assert!(check_date_in("2027-06-30", "2027-01-01", "2027-12-31", "The deadline").is_ok());
/// assert!(check_date_in("2026-12-31", "2027-01-01", "2027-12-31", "The deadline").is_err());
/// ```
pub fn check_date_in(
    text: &str,
    first: &str,
    last: &str,
    what: &str,
) -> Result<String, ReviewError> {
    let date = parse_date(text).map_err(|reason| ReviewError::DateInvalid {
        what: what.to_owned(),
        reason,
    })?;
    if date.as_str() < first || date.as_str() > last {
        return Err(ReviewError::DateOutsideCycle {
            what: what.to_owned(),
            date,
            first: first.to_owned(),
            last: last.to_owned(),
        });
    }
    Ok(date)
}
