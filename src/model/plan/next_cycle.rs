//! "Start next year's plan": a new draft from an approved plan. Goals, objectives and
//! measures are carried forward with their ids (so the two plans compare item by item);
//! each measure starts from where the last cycle ended (its latest actual becomes the new
//! baseline) with no actuals; status, approvals and initiatives (this year's work) are not
//! carried.
//!
//! ```
//! use throughline::model::plan::{Plan, PlanStatus};
//! let plan = Plan::new("Strategy 2027–2029", 2027, 2029).unwrap();
//! let next = plan.next_cycle("automerge:abc");
//! assert_eq!(next.title, "Strategy 2028–2030");
//! assert_eq!(next.status, PlanStatus::Draft);
//! assert_eq!(next.predecessor.unwrap().as_str(), "automerge:abc");
//! ```

use autosurgeon::Text;

use super::{Plan, PlanStatus};

impl Plan {
    /// The next cycle's plan; `predecessor` is this plan's `automerge:` URL.
    pub fn next_cycle(&self, predecessor: &str) -> Plan {
        let shift = 1;
        let old_horizon = self.horizon();
        let (start, end) = (self.start_year + shift, self.end_year + shift);
        let mut next = Plan {
            title: String::new(),
            start_year: start,
            end_year: end,
            cycle: self.cycle,
            status: PlanStatus::Draft,
            currency: self.currency.clone(),
            budget_available: self.budget_available,
            headcount_available: self.headcount_available,
            participants: self.participants.clone(),
            mission: Text::with_value(self.mission.as_str()),
            vision: Text::with_value(self.vision.as_str()),
            values: Text::with_value(self.values.as_str()),
            swot: self.swot.clone(),
            pestle: self.pestle.clone(),
            goals: self.goals.clone(),
            objectives: self.objectives.clone(),
            initiatives: Default::default(),
            measures: self.measures.clone(),
            approvals: Default::default(),
            predecessor: Some(predecessor.into()),
        };
        next.title = if self.title.contains(&old_horizon) {
            self.title.replace(&old_horizon, &next.horizon())
        } else {
            format!("{} ({})", self.title, next.horizon())
        };
        for objective in next.objectives.values_mut() {
            objective.due = None;
        }
        for measure in next.measures.values_mut() {
            // Decided before the baseline moves (older plans say it only by equality).
            measure.green_follows = Some(measure.green_follows_target());
            measure.amber_follows = Some(measure.amber_follows_target());
            if let Some((_, latest)) = measure.latest() {
                measure.baseline = latest;
            }
            measure.actuals.clear();
            // Dated in the old horizon: the next cycle sets its own.
            measure.period_targets.clear();
            measure.settle_thresholds();
            if measure.check().is_err() {
                // The last cycle went past its target: the old target is now behind the
                // baseline, so the target moves with it until someone sets a new one.
                measure.target = measure.baseline;
                measure.set_thresholds(None, None);
            }
        }
        next
    }
}
