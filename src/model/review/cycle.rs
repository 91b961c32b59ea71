//! A review cycle: what HR sets up (name, period, template, scale, deadlines, who takes
//! part) and the review documents it started. Cycles live in the workspace; each review
//! is its own document, listed in its cycle by person.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use super::{check_date_in, Review, ReviewError, Stage};
use crate::model::plan::parse_date;
use crate::model::{DocumentUrl, ItemId, PersonId, Workspace};

/// The day by which each stage should be done (`YYYY-MM-DD`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deadlines {
    pub self_review: String,
    pub manager_review: String,
    pub calibration: String,
    pub sign_off: String,
}

impl Deadlines {
    /// The deadline a review in `stage` is working towards, with what is due.
    pub fn for_stage(&self, stage: Stage) -> Option<(&str, &'static str)> {
        match stage {
            Stage::Draft | Stage::SelfReview => Some((&self.self_review, "Self review")),
            Stage::ManagerReview => Some((&self.manager_review, "Manager review")),
            Stage::Calibration => Some((&self.calibration, "Calibration")),
            Stage::Shared => Some((&self.sign_off, "Sign-off")),
            Stage::Signed => None,
        }
    }
}

/// A review cycle in the workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewCycle {
    pub name: String,
    pub period_start: String,
    pub period_end: String,
    pub template: ItemId,
    pub scale: ItemId,
    pub deadlines: Deadlines,
    /// Who runs it for HR (a set).
    pub hr: BTreeMap<PersonId, bool>,
    /// Each participant's review document (`automerge:` URL).
    pub reviews: BTreeMap<PersonId, DocumentUrl>,
    pub created_at: i64,
}

/// What HR fills in to start a cycle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CycleSetup {
    pub name: String,
    pub period_start: String,
    pub period_end: String,
    pub template: Option<ItemId>,
    pub scale: Option<ItemId>,
    pub deadlines: Deadlines,
    pub participants: Vec<PersonId>,
    pub hr: Vec<PersonId>,
}

/// How long after the period's end the cycle's deadlines may run, in days (about a year).
const DEADLINE_SLACK_DAYS: i64 = 366;

impl CycleSetup {
    /// Checks the setup against the workspace; the checked cycle (without reviews yet).
    pub fn check(
        &self,
        workspace: &Workspace,
        created_at: i64,
    ) -> Result<ReviewCycle, ReviewError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ReviewError::CycleNameMissing);
        }
        let period_date = |text: &str, what: &str| {
            parse_date(text).map_err(|reason| ReviewError::DateInvalid {
                what: what.to_owned(),
                reason,
            })
        };
        let start = period_date(&self.period_start, "Period start")?;
        let end = period_date(&self.period_end, "Period end")?;
        if end < start {
            return Err(ReviewError::PeriodBackwards { start, end });
        }
        let template = self
            .template
            .clone()
            .filter(|t| workspace.templates.contains_key(t))
            .ok_or(ReviewError::TemplateNotChosen)?;
        let scale = self
            .scale
            .clone()
            .filter(|s| workspace.scales.contains_key(s))
            .ok_or(ReviewError::ScaleNotChosen)?;
        let last = add_days(&end, DEADLINE_SLACK_DAYS);
        let mut deadlines = Vec::new();
        for (date, what) in [
            (&self.deadlines.self_review, "The self review deadline"),
            (
                &self.deadlines.manager_review,
                "The manager review deadline",
            ),
            (&self.deadlines.calibration, "The calibration deadline"),
            (&self.deadlines.sign_off, "The sign-off deadline"),
        ] {
            deadlines.push((check_date_in(date, &start, &last, what)?, what));
        }
        for pair in deadlines.windows(2) {
            if pair[1].0 < pair[0].0 {
                return Err(ReviewError::DeadlinesOutOfOrder {
                    what: pair[1].1,
                    date: pair[1].0.clone(),
                    before: pair[0].1,
                    before_date: pair[0].0.clone(),
                });
            }
        }
        if self.participants.is_empty() {
            return Err(ReviewError::NoParticipants);
        }
        for person in self.participants.iter().chain(&self.hr) {
            if workspace.person(person).is_none() {
                return Err(ReviewError::ChosenPersonGone);
            }
        }
        Ok(ReviewCycle {
            name: name.to_owned(),
            period_start: start,
            period_end: end,
            template,
            scale,
            deadlines: Deadlines {
                self_review: deadlines[0].0.clone(),
                manager_review: deadlines[1].0.clone(),
                calibration: deadlines[2].0.clone(),
                sign_off: deadlines[3].0.clone(),
            },
            hr: self.hr.iter().map(|p| (p.clone(), true)).collect(),
            reviews: BTreeMap::new(),
            created_at,
        })
    }
}

impl ReviewCycle {
    /// Why `review` is late on `today` (see [`Deadlines::late`]).
    pub fn late(&self, review: &Review, today: &str) -> Option<String> {
        self.deadlines.late(review, today)
    }
}

impl Deadlines {
    /// Why `review` is late on `today` (`YYYY-MM-DD`), and whose move it is; `None` when
    /// it is on time.
    ///
    /// ```
    /// use throughline::model::review::{Deadlines, Review, ReviewCycle, ReviewSetup, Stage};
    /// use throughline::model::PersonId;
    /// let cycle = ReviewCycle {
    ///     deadlines: Deadlines { self_review: "2027-01-15".into(), ..Deadlines::default() },
    ///     ..ReviewCycle::default()
    /// };
    /// let mut review = Review::new(ReviewSetup::example(&PersonId::from("ana"), None));
    /// review.stage = Stage::SelfReview;
    /// assert_eq!(cycle.late(&review, "2027-01-16").unwrap(), "Self review was due on 2027-01-15 (the employee)");
    /// assert!(cycle.late(&review, "2027-01-15").is_none());
    /// ```
    pub fn late(&self, review: &Review, today: &str) -> Option<String> {
        let (due, what) = self.for_stage(review.stage)?;
        if due.is_empty() || today <= due {
            return None;
        }
        let whose = match review.stage {
            Stage::Draft => "the manager",
            Stage::SelfReview => "the employee",
            Stage::ManagerReview => "the manager",
            Stage::Calibration => "HR",
            Stage::Shared => match (review.acknowledgement.is_some(), review.signature.is_some()) {
                (false, false) => "the employee and the manager",
                (false, true) => "the employee",
                _ => "the manager",
            },
            Stage::Signed => return None,
        };
        Some(format!("{what} was due on {due} ({whose})"))
    }
}

/// `date` (`YYYY-MM-DD`) plus `days`, in the proleptic Gregorian calendar.
pub(crate) fn add_days(date: &str, days: i64) -> String {
    let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, d] = parts[..] else {
        return date.to_owned();
    };
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) + days);
    format!("{y:04}-{m:02}-{d:02}")
}

// Howard Hinnant's well-known day-count algorithms, written out from their description.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::add_days;

    #[test]
    fn adds_days_across_months_and_leap_years() {
        assert_eq!(add_days("2027-12-31", 1), "2028-01-01");
        assert_eq!(add_days("2028-02-28", 1), "2028-02-29");
        assert_eq!(add_days("2027-01-01", 366), "2028-01-02");
    }
}
