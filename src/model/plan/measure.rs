//! Measures (KPIs): what is counted, from where to where, and how the latest actual is
//! judged. The rules here are the ones the scorecard shows and explains.
//!
//! ```
//! use throughline::model::plan::{Direction, Measure, Rag};
//! let mut churn = Measure::new("Customer churn", "%", 8.0, 5.0, Direction::Down);
//! churn.record_actual("2027-03-31", 5.5).unwrap(); // amber from 5.6 down, green at 5
//! assert_eq!(churn.rag(), Some(Rag::Amber));
//! assert_eq!(churn.progress(), Some(2.5 / 3.0));
//! ```

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use super::input::{format_number, parse_date};
use super::PlanError;
use crate::model::{ItemId, PersonId};

/// 80% of the way from `baseline` to `target`: where amber starts unless set.
fn eighty_percent(baseline: f64, target: f64) -> f64 {
    baseline + (target - baseline) * 0.8
}

/// Which way a measure should move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hydrate, Reconcile)]
pub enum Direction {
    /// Higher is better (revenue, satisfaction).
    #[default]
    Up,
    /// Lower is better (churn, cost per unit, incidents).
    Down,
}

/// Red, amber or green: how a measure, objective, goal or plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }

    /// A score for averaging: red 1, amber 2, green 3.
    pub fn score(self) -> f64 {
        match self {
            Rag::Red => 1.0,
            Rag::Amber => 2.0,
            Rag::Green => 3.0,
        }
    }
}

/// How the latest actual moved against the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Improving,
    Steady,
    Worsening,
}

impl Trend {
    pub fn label(self) -> &'static str {
        match self {
            Trend::Improving => "Improving",
            Trend::Steady => "Steady",
            Trend::Worsening => "Worsening",
        }
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Improving => "▲",
            Trend::Steady => "▶",
            Trend::Worsening => "▼",
        }
    }
}

/// A measure of an objective.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Measure {
    /// The objective it measures.
    pub objective: ItemId,
    pub name: String,
    /// What a value counts, e.g. "%", "EUR", "customers".
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    /// From this value on (inclusive) the measure is green.
    pub green_from: f64,
    /// From this value on (inclusive) the measure is amber; short of it, red.
    pub amber_from: f64,
    /// Whether `green_from` follows the target (it was left blank), so a new target
    /// moves it. `None` in plans written before this was kept: read as following when
    /// it equals the target. The number itself is always kept, so every reader has one.
    #[autosurgeon(missing = "Option::default")]
    pub green_follows: Option<bool>,
    /// Whether `amber_from` follows the target (80% of the way from the baseline).
    #[autosurgeon(missing = "Option::default")]
    pub amber_follows: Option<bool>,
    /// Who answers for the measure (records its actuals, explains its colour). Plans
    /// written before measures had owners have none.
    #[autosurgeon(missing = "Option::default")]
    pub owner: Option<PersonId>,
    /// Dated actuals, keyed by date (`YYYY-MM-DD`): one value per date, so two people
    /// entering the same date settle on one value and different dates are all kept.
    pub actuals: BTreeMap<String, f64>,
    /// Targets on the way to the final one, by the date each is due (`YYYY-MM-DD`): each
    /// quarter's toward a three-year target, say. An actual is judged against the first
    /// due on or after its date (the period it falls in); after the last, the final
    /// target. Plans written before these were kept have none.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub period_targets: BTreeMap<String, f64>,
    pub position: f64,
}

impl Measure {
    /// A measure with thresholds set from its baseline and target: green at the target,
    /// amber from 80% of the way there.
    pub fn new(name: &str, unit: &str, baseline: f64, target: f64, direction: Direction) -> Self {
        Self {
            name: name.trim().to_owned(),
            unit: unit.trim().to_owned(),
            baseline,
            target,
            direction,
            green_from: target,
            amber_from: eighty_percent(baseline, target),
            green_follows: Some(true),
            amber_follows: Some(true),
            ..Self::default()
        }
    }

    /// Whether green starts at the target, wherever it is (the threshold was left blank).
    pub fn green_follows_target(&self) -> bool {
        self.green_follows.unwrap_or(self.green_from == self.target)
    }

    /// Whether amber starts 80% of the way to the target, wherever it is.
    pub fn amber_follows_target(&self) -> bool {
        self.amber_follows
            .unwrap_or(self.amber_from == eighty_percent(self.baseline, self.target))
    }

    /// Sets the thresholds: a number fixes one, `None` makes it follow the target.
    pub fn set_thresholds(&mut self, green_from: Option<f64>, amber_from: Option<f64>) {
        self.green_follows = Some(green_from.is_none());
        self.amber_follows = Some(amber_from.is_none());
        if let Some(value) = green_from {
            self.green_from = value;
        }
        if let Some(value) = amber_from {
            self.amber_from = value;
        }
        self.settle_thresholds();
    }

    /// Moves the thresholds that follow the target to where the target and baseline put
    /// them now: called whenever either changes.
    pub fn settle_thresholds(&mut self) {
        if self.green_follows_target() {
            self.green_from = self.target;
            self.green_follows = Some(true);
        }
        if self.amber_follows_target() {
            self.amber_from = eighty_percent(self.baseline, self.target);
            self.amber_follows = Some(true);
        }
    }

    /// Checks that the numbers agree with each other; the reason is for the person.
    pub fn check(&self) -> Result<(), PlanError> {
        if self.name.trim().is_empty() {
            return Err(PlanError::MeasureNameMissing);
        }
        for (date, value) in &self.period_targets {
            self.check_period_target(date, *value)?;
        }
        match self.direction {
            Direction::Up => {
                if self.target < self.baseline {
                    return Err(PlanError::TargetBelowBaseline);
                }
                if self.green_from < self.amber_from {
                    return Err(PlanError::GreenBelowAmber);
                }
            }
            Direction::Down => {
                if self.target > self.baseline {
                    return Err(PlanError::TargetAboveBaseline);
                }
                if self.green_from > self.amber_from {
                    return Err(PlanError::GreenAboveAmber);
                }
            }
        }
        Ok(())
    }

    /// Records (or corrects) the actual for `date`.
    pub fn record_actual(&mut self, date: &str, value: f64) -> Result<(), PlanError> {
        let date = parse_date(date)?;
        if !value.is_finite() {
            return Err(PlanError::ActualNotANumber);
        }
        self.actuals.insert(date, value);
        Ok(())
    }

    /// Sets (or corrects) the target due on `date`: between the baseline and the final
    /// target, in the measure's direction.
    pub fn set_period_target(&mut self, date: &str, value: f64) -> Result<(), PlanError> {
        let date = parse_date(date)?;
        if !value.is_finite() {
            return Err(PlanError::PeriodTargetNotANumber);
        }
        self.check_period_target(&date, value)?;
        self.period_targets.insert(date, value);
        Ok(())
    }

    /// Removes the target due on `date`.
    pub fn remove_period_target(&mut self, date: &str) -> Result<(), PlanError> {
        self.period_targets
            .remove(date)
            .map(|_| ())
            .ok_or_else(|| PlanError::NoPeriodTarget {
                date: date.to_owned(),
            })
    }

    fn check_period_target(&self, date: &str, value: f64) -> Result<(), PlanError> {
        let (low, high) = (
            self.baseline.min(self.target),
            self.baseline.max(self.target),
        );
        if value < low || value > high {
            return Err(PlanError::PeriodTargetOutside {
                date: date.to_owned(),
                value: self.value_text(value),
                baseline: self.value_text(self.baseline),
                target: self.value_text(self.target),
            });
        }
        Ok(())
    }

    /// The target an actual of `date` is judged against, and when it is due (`None`: the
    /// final target): the first target by period due on or after `date`.
    pub fn target_due(&self, date: &str) -> (f64, Option<&str>) {
        self.period_targets
            .range::<str, _>((std::ops::Bound::Included(date), std::ops::Bound::Unbounded))
            .next()
            .map_or((self.target, None), |(due, value)| {
                (*value, Some(due.as_str()))
            })
    }

    /// Where green and amber start for an actual of `date`: a threshold that follows the
    /// target follows the target due then; one set by hand stays where it was set.
    pub fn thresholds_at(&self, date: &str) -> (f64, f64) {
        let (target, _) = self.target_due(date);
        let green = if self.green_follows_target() {
            target
        } else {
            self.green_from
        };
        let amber = if self.amber_follows_target() {
            eighty_percent(self.baseline, target)
        } else {
            self.amber_from
        };
        (green, amber)
    }

    /// The colour of `value` recorded on `date`, against the target due then.
    pub fn rag_at(&self, date: &str, value: f64) -> Rag {
        let (green, amber) = self.thresholds_at(date);
        if self.at_least(value, green) {
            Rag::Green
        } else if self.at_least(value, amber) {
            Rag::Amber
        } else {
            Rag::Red
        }
    }

    /// The most recent actual: its date and value.
    pub fn latest(&self) -> Option<(&str, f64)> {
        self.actuals
            .iter()
            .next_back()
            .map(|(d, v)| (d.as_str(), *v))
    }

    fn previous(&self) -> Option<f64> {
        self.actuals.values().rev().nth(1).copied()
    }

    /// Whether `value` is at least as good as `than`, in this measure's direction.
    fn at_least(&self, value: f64, than: f64) -> bool {
        match self.direction {
            Direction::Up => value >= than,
            Direction::Down => value <= than,
        }
    }

    /// How far the latest actual has come from the baseline to the target, from 0 to 1.
    /// `None` with no actuals. When the target equals the baseline (hold a level), it is
    /// 1 while the level is held and 0 once it is lost.
    pub fn progress(&self) -> Option<f64> {
        let (_, latest) = self.latest()?;
        if self.target == self.baseline {
            return Some(if self.at_least(latest, self.target) {
                1.0
            } else {
                0.0
            });
        }
        Some(((latest - self.baseline) / (self.target - self.baseline)).clamp(0.0, 1.0))
    }

    /// The colour of the latest actual, against the target due by its date; `None` with
    /// no actuals. A value exactly on a threshold takes the better colour.
    pub fn rag(&self) -> Option<Rag> {
        let (date, latest) = self.latest()?;
        Some(self.rag_at(date, latest))
    }

    pub fn rag_of(&self, value: f64) -> Rag {
        if self.at_least(value, self.green_from) {
            Rag::Green
        } else if self.at_least(value, self.amber_from) {
            Rag::Amber
        } else {
            Rag::Red
        }
    }

    /// The latest actual against the one before, in this measure's direction.
    pub fn trend(&self) -> Option<Trend> {
        let (_, latest) = self.latest()?;
        let previous = self.previous()?;
        Some(if latest == previous {
            Trend::Steady
        } else if self.at_least(latest, previous) {
            Trend::Improving
        } else {
            Trend::Worsening
        })
    }

    /// Why the measure has its colour, in a sentence.
    pub fn explain(&self) -> String {
        let Some((date, latest)) = self.latest() else {
            return format!("{}: no actuals yet.", self.name);
        };
        let rag = self.rag_at(date, latest);
        let (green, amber) = self.thresholds_at(date);
        let sign = match self.direction {
            Direction::Up => "≥",
            Direction::Down => "≤",
        };
        let against = match self.target_due(date) {
            (target, Some(due)) => format!(
                " against the target due {due} ({})",
                self.value_text(target)
            ),
            (_, None) => String::new(),
        };
        format!(
            "{}: {} on {} is {}{against} (green {} {}, amber {} {}).",
            self.name,
            self.value_text(latest),
            date,
            rag.label().to_lowercase(),
            sign,
            self.value_text(green),
            sign,
            self.value_text(amber),
        )
    }

    /// A value with this measure's unit.
    pub fn value_text(&self, value: f64) -> String {
        let number = format_number(value);
        match self.unit.as_str() {
            "" => number,
            "%" => format!("{number}%"),
            unit => format!("{number} {unit}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actual_is_judged_against_the_target_due_in_its_period() {
        // 0 → 120 customers over the horizon; 30 by the end of March, 60 by June.
        let mut m = Measure::new("Customers", "customers", 0.0, 120.0, Direction::Up);
        m.set_period_target("2027-03-31", 30.0).unwrap();
        m.set_period_target("2027-06-30", 60.0).unwrap();
        assert_eq!(m.target_due("2027-02-10"), (30.0, Some("2027-03-31")));
        assert_eq!(m.target_due("2027-03-31"), (30.0, Some("2027-03-31")));
        assert_eq!(m.target_due("2027-05-01"), (60.0, Some("2027-06-30")));
        assert_eq!(m.target_due("2027-09-30"), (120.0, None));
        // 28 in March: amber (green from 30, amber from 24); green against the final
        // target it would be red.
        m.record_actual("2027-03-15", 28.0).unwrap();
        assert_eq!(m.rag(), Some(Rag::Amber));
        assert_eq!(m.rag_of(28.0), Rag::Red);
        assert_eq!(
            m.explain(),
            "Customers: 28 customers on 2027-03-15 is amber against the target due 2027-03-31 \
             (30 customers) (green ≥ 30 customers, amber ≥ 24 customers)."
        );
        m.record_actual("2027-05-20", 61.0).unwrap();
        assert_eq!(m.rag(), Some(Rag::Green));
        // Progress is still toward the final target.
        assert_eq!(m.progress(), Some(61.0 / 120.0));
        // A threshold set by hand stays where it was set.
        m.set_thresholds(Some(100.0), None);
        assert_eq!(m.thresholds_at("2027-05-20"), (100.0, 48.0));
        assert_eq!(m.rag(), Some(Rag::Amber));
    }

    #[test]
    fn a_target_by_period_lies_between_the_baseline_and_the_final_target() {
        let mut churn = Measure::new("Churn", "%", 8.0, 5.0, Direction::Down);
        churn.set_period_target("2027-06-30", 6.5).unwrap();
        assert_eq!(
            churn.set_period_target("2027-09-30", 4.0).unwrap_err().to_string(),
            "The target for 2027-09-30 (4%) must lie between the baseline (8%) and the final target (5%)."
        );
        assert!(churn.set_period_target("2027-09-30", f64::NAN).is_err());
        assert!(churn.set_period_target("2027-13-01", 6.0).is_err());
        assert_eq!(churn.period_targets.len(), 1, "nothing refused was kept");
        // Moving the final target past one refuses the change, with the reason.
        churn.target = 7.0;
        assert!(matches!(
            churn.check(),
            Err(PlanError::PeriodTargetOutside { .. })
        ));
        churn.target = 5.0;
        churn.remove_period_target("2027-06-30").unwrap();
        assert_eq!(
            churn.remove_period_target("2027-06-30"),
            Err(PlanError::NoPeriodTarget {
                date: "2027-06-30".into()
            })
        );
    }

    #[test]
    fn thresholds_default_from_baseline_and_target() {
        let m = Measure::new("NPS", "", 20.0, 50.0, Direction::Up);
        assert_eq!(m.green_from, 50.0);
        assert_eq!(m.amber_from, 44.0);
        assert!(m.check().is_ok());
    }
}
