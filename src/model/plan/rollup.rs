//! How progress and health roll up: measure → objective → goal → plan. Each level keeps
//! the reasons for its colour, so a person can see why an objective is amber.
//!
//! The rules:
//! - **Objective**: its colour is the worst of its measures' colours (measures are the
//!   evidence) and of its initiatives' states (blocked is red, at risk is amber). An
//!   objective past its due date and not complete is at best amber. Its progress is the
//!   mean of its measures' progress; with no actuals yet, the mean of its initiatives'.
//! - **Goal** and **plan**: the mean of their children's colours (red 1, amber 2, green
//!   3; 2.5 and over is green, 1.5 and over amber), except that a red child keeps the
//!   parent from being green, so a red never disappears into an average. Progress is the
//!   mean of the children's progress. Children with no data yet are not counted.
//!
//! ```
//! use throughline::model::plan::{Direction, Measure, Plan, Rag};
//! let mut plan = Plan::new("Plan", 2027, 2027).unwrap();
//! let goal = plan.add_goal("Grow").unwrap();
//! let objective = plan.add_objective(&goal, "Sell more").unwrap();
//! let mut sales = Measure::new("Sales", "", 100.0, 200.0, Direction::Up);
//! sales.objective = objective.clone();
//! let sales = plan.add_measure(sales).unwrap();
//! plan.record_actual(&sales, "2027-06-30", 185.0).unwrap(); // amber from 180
//! let rollup = plan.rollup("2027-07-01");
//! assert_eq!(rollup.objectives[&objective].rag, Some(Rag::Amber));
//! assert_eq!(rollup.plan.progress, Some(0.85));
//! ```

use std::collections::HashMap;

use super::{InitiativeStatus, Plan, Rag};
use crate::model::ItemId;

/// Where one item stands, and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// `None` until there is data to judge.
    pub rag: Option<Rag>,
    /// From 0 to 1; `None` until there is data.
    pub progress: Option<f64>,
    /// Why, in sentences for the person.
    pub reasons: Vec<String>,
}

impl Health {
    pub fn rag_label(&self) -> &'static str {
        self.rag.map_or("No data", Rag::label)
    }

    /// "45%", or "—" with no data.
    pub fn progress_text(&self) -> String {
        self.progress
            .map_or_else(|| "—".to_owned(), |p| format!("{}%", (p * 100.0).round()))
    }
}

/// The health of every objective and goal, and of the whole plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollup {
    pub objectives: HashMap<ItemId, Health>,
    pub goals: HashMap<ItemId, Health>,
    pub plan: Health,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

impl Plan {
    /// Rolls everything up as of `today` (`YYYY-MM-DD`, for due dates).
    pub fn rollup(&self, today: &str) -> Rollup {
        let mut measures: HashMap<&ItemId, Vec<_>> = HashMap::new();
        for measure in self.measures.values() {
            measures
                .entry(&measure.objective)
                .or_default()
                .push(measure);
        }
        let mut initiatives: HashMap<&ItemId, Vec<_>> = HashMap::new();
        for initiative in self.initiatives.values() {
            initiatives
                .entry(&initiative.objective)
                .or_default()
                .push(initiative);
        }

        let mut objectives = HashMap::new();
        for (id, objective) in &self.objectives {
            let measures = measures.get(id).map(Vec::as_slice).unwrap_or_default();
            let initiatives = initiatives.get(id).map(Vec::as_slice).unwrap_or_default();
            let mut reasons = Vec::new();
            let mut rag: Option<Rag> = None;
            let worsen = |to: Rag, rag: &mut Option<Rag>| {
                *rag = Some(rag.map_or(to, |r| r.min(to)));
            };
            for measure in measures {
                if let Some(colour) = measure.rag() {
                    worsen(colour, &mut rag);
                    if colour != Rag::Green {
                        reasons.push(measure.explain());
                    }
                }
            }
            for initiative in initiatives {
                let colour = match initiative.status {
                    InitiativeStatus::Blocked => Some(Rag::Red),
                    InitiativeStatus::AtRisk => Some(Rag::Amber),
                    InitiativeStatus::OnTrack | InitiativeStatus::Done => Some(Rag::Green),
                    InitiativeStatus::NotStarted => None,
                };
                if let Some(colour) = colour {
                    worsen(colour, &mut rag);
                    if colour != Rag::Green {
                        reasons.push(format!(
                            "Initiative \"{}\" is {}.",
                            initiative.title,
                            initiative.status.label().to_lowercase()
                        ));
                    }
                }
            }
            let progress = mean(measures.iter().filter_map(|m| m.progress()))
                .or_else(|| mean(initiatives.iter().map(|i| i.progress as f64 / 100.0)));
            if let Some(due) = &objective.due {
                if due.as_str() < today && progress.is_none_or(|p| p < 1.0) {
                    reasons.push(format!("Due on {due} and not complete."));
                    worsen(Rag::Amber, &mut rag);
                }
            }
            if rag == Some(Rag::Green) {
                reasons.push("Every measure and initiative with data is green.".to_owned());
            } else if rag.is_none() {
                reasons.push("No actuals and no initiatives under way yet.".to_owned());
            }
            objectives.insert(
                id.clone(),
                Health {
                    rag,
                    progress,
                    reasons,
                },
            );
        }

        let mut goals = HashMap::new();
        for id in self.goals.keys() {
            let children: Vec<&Health> = self
                .objectives
                .iter()
                .filter(|(_, o)| &o.goal == id)
                .filter_map(|(oid, _)| objectives.get(oid))
                .collect();
            goals.insert(id.clone(), combine(&children, "objectives"));
        }
        let plan = combine(&goals.values().collect::<Vec<_>>(), "goals");
        Rollup {
            objectives,
            goals,
            plan,
        }
    }
}

/// A goal from its objectives, or the plan from its goals (the module's rules).
fn combine(children: &[&Health], what: &str) -> Health {
    let judged: Vec<Rag> = children.iter().filter_map(|h| h.rag).collect();
    let progress = mean(children.iter().filter_map(|h| h.progress));
    let Some(average) = mean(judged.iter().map(|r| r.score())) else {
        return Health {
            rag: None,
            progress,
            reasons: vec![format!("None of its {what} has data yet.")],
        };
    };
    let mut rag = if average >= 2.5 {
        Rag::Green
    } else if average >= 1.5 {
        Rag::Amber
    } else {
        Rag::Red
    };
    let count = |colour: Rag| judged.iter().filter(|r| **r == colour).count();
    let (red, amber, green) = (count(Rag::Red), count(Rag::Amber), count(Rag::Green));
    let mut reasons = vec![format!(
        "{green} green, {amber} amber, {red} red of {} {what} with data (average {:.1} of 3).",
        judged.len(),
        average
    )];
    if red > 0 && rag == Rag::Green {
        rag = Rag::Amber;
        reasons.push(format!("At most amber while any of its {what} is red."));
    }
    Health {
        rag: Some(rag),
        progress,
        reasons,
    }
}
