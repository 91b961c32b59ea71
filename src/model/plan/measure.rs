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

    /// The colour of the latest actual; `None` with no actuals. A value exactly on a
    /// threshold takes the better colour.
    pub fn rag(&self) -> Option<Rag> {
        let (_, latest) = self.latest()?;
        Some(self.rag_of(latest))
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
        let rag = self.rag_of(latest);
        let sign = match self.direction {
            Direction::Up => "≥",
            Direction::Down => "≤",
        };
        format!(
            "{}: {} on {} is {} (green {} {}, amber {} {}).",
            self.name,
            self.value_text(latest),
            date,
            rag.label().to_lowercase(),
            sign,
            self.value_text(self.green_from),
            sign,
            self.value_text(self.amber_from),
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
    fn thresholds_default_from_baseline_and_target() {
        let m = Measure::new("NPS", "", 20.0, 50.0, Direction::Up);
        assert_eq!(m.green_from, 50.0);
        assert_eq!(m.amber_from, 44.0);
        assert!(m.check().is_ok());
    }
}
