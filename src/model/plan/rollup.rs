//! How progress and health roll up: measure → objective → goal → plan. Each level can
//! say why it has its colour, so a person can see why an objective is amber.
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

use super::{Initiative, InitiativeStatus, Measure, Objective, Plan, Rag};
use crate::model::ItemId;

/// Where one item stands. Why it stands there is asked for separately
/// ([`Plan::objective_reasons`], [`Plan::goal_reasons`]): the sentences cost more than
/// the colours, and a page shows them only for the item whose "Why?" is open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// `None` until there is data to judge.
    pub rag: Option<Rag>,
    /// From 0 to 1; `None` until there is data.
    pub progress: Option<f64>,
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

/// The health of every objective and goal, and of the whole plan, as of a day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollup {
    pub objectives: HashMap<ItemId, Health>,
    pub goals: HashMap<ItemId, Health>,
    pub plan: Health,
    /// The day it was rolled up for (`YYYY-MM-DD`): the reasons are given for the same
    /// day, so they agree with the colours shown beside them.
    pub today: String,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

/// Where the sentences saying why go, when they are wanted.
type Why<'a> = Option<&'a mut Vec<String>>;

fn say(why: &mut Why, sentence: impl FnOnce() -> String) {
    if let Some(reasons) = why {
        reasons.push(sentence());
    }
}

impl Plan {
    /// Rolls everything up as of `today` (`YYYY-MM-DD`, for due dates).
    pub fn rollup(&self, today: &str) -> Rollup {
        let mut measures: HashMap<&ItemId, Vec<&Measure>> =
            HashMap::with_capacity(self.objectives.len());
        for measure in self.measures.values() {
            measures
                .entry(&measure.objective)
                .or_default()
                .push(measure);
        }
        let mut initiatives: HashMap<&ItemId, Vec<&Initiative>> =
            HashMap::with_capacity(self.objectives.len());
        for initiative in self.initiatives.values() {
            initiatives
                .entry(&initiative.objective)
                .or_default()
                .push(initiative);
        }

        let mut objectives = HashMap::with_capacity(self.objectives.len());
        let mut by_goal: HashMap<&ItemId, Vec<&ItemId>> = HashMap::with_capacity(self.goals.len());
        for (id, objective) in &self.objectives {
            let measures = measures.get(id).map(Vec::as_slice).unwrap_or_default();
            let initiatives = initiatives.get(id).map(Vec::as_slice).unwrap_or_default();
            let health = judge(objective, measures, initiatives, today, None);
            objectives.insert(id.clone(), health);
            by_goal.entry(&objective.goal).or_default().push(id);
        }

        let mut goals = HashMap::with_capacity(self.goals.len());
        for id in self.goals.keys() {
            let children: Vec<&Health> = by_goal
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|oid| objectives.get(*oid))
                .collect();
            goals.insert(id.clone(), combine(&children, "objectives", None));
        }
        let plan = combine(&goals.values().collect::<Vec<_>>(), "goals", None);
        Rollup {
            objectives,
            goals,
            plan,
            today: today.to_owned(),
        }
    }

    /// Why the objective `id` has the colour [`Plan::rollup`] gives it, in sentences for
    /// the person. Empty for an objective not in the plan.
    pub fn objective_reasons(&self, id: &ItemId, today: &str) -> Vec<String> {
        let Some(objective) = self.objectives.get(id) else {
            return Vec::new();
        };
        let measures: Vec<&Measure> = self
            .measures
            .values()
            .filter(|m| &m.objective == id)
            .collect();
        let initiatives: Vec<&Initiative> = self
            .initiatives
            .values()
            .filter(|i| &i.objective == id)
            .collect();
        let mut reasons = Vec::new();
        judge(
            objective,
            &measures,
            &initiatives,
            today,
            Some(&mut reasons),
        );
        reasons
    }

    /// Why the goal `id` has the colour `rollup` (this plan's) gives it, in sentences.
    pub fn goal_reasons(&self, rollup: &Rollup, id: &ItemId) -> Vec<String> {
        let children: Vec<&Health> = self
            .objectives
            .iter()
            .filter(|(_, o)| &o.goal == id)
            .filter_map(|(oid, _)| rollup.objectives.get(oid))
            .collect();
        let mut reasons = Vec::new();
        combine(&children, "objectives", Some(&mut reasons));
        reasons
    }
}

/// One objective from its measures and initiatives (the module's rules), saying why into
/// `why` when given.
fn judge(
    objective: &Objective,
    measures: &[&Measure],
    initiatives: &[&Initiative],
    today: &str,
    mut why: Why,
) -> Health {
    let mut rag: Option<Rag> = None;
    let worsen = |to: Rag, rag: &mut Option<Rag>| {
        *rag = Some(rag.map_or(to, |r| r.min(to)));
    };
    for measure in measures {
        if let Some(colour) = measure.rag() {
            worsen(colour, &mut rag);
            if colour != Rag::Green {
                say(&mut why, || measure.explain());
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
                say(&mut why, || {
                    format!(
                        "Initiative \"{}\" is {}.",
                        initiative.title,
                        initiative.status.label().to_lowercase()
                    )
                });
            }
        }
    }
    let progress = mean(measures.iter().filter_map(|m| m.progress()))
        .or_else(|| mean(initiatives.iter().map(|i| i.progress as f64 / 100.0)));
    if let Some(due) = &objective.due {
        if due.as_str() < today && progress.is_none_or(|p| p < 1.0) {
            say(&mut why, || format!("Due on {due} and not complete."));
            worsen(Rag::Amber, &mut rag);
        }
    }
    if rag == Some(Rag::Green) {
        say(&mut why, || {
            "Every measure and initiative with data is green.".to_owned()
        });
    } else if rag.is_none() {
        say(&mut why, || {
            "No actuals and no initiatives under way yet.".to_owned()
        });
    }
    Health { rag, progress }
}

/// A goal from its objectives, or the plan from its goals (the module's rules), saying
/// why into `why` when given.
fn combine(children: &[&Health], what: &str, mut why: Why) -> Health {
    let judged: Vec<Rag> = children.iter().filter_map(|h| h.rag).collect();
    let progress = mean(children.iter().filter_map(|h| h.progress));
    let Some(average) = mean(judged.iter().map(|r| r.score())) else {
        say(&mut why, || format!("None of its {what} has data yet."));
        return Health {
            rag: None,
            progress,
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
    let red = count(Rag::Red);
    say(&mut why, || {
        let (amber, green) = (count(Rag::Amber), count(Rag::Green));
        format!(
            "{green} green, {amber} amber, {red} red of {} {what} with data (average {:.1} of 3).",
            judged.len(),
            average
        )
    });
    if red > 0 && rag == Rag::Green {
        rag = Rag::Amber;
        say(&mut why, || {
            format!("At most amber while any of its {what} is red.")
        });
    }
    Health {
        rag: Some(rag),
        progress,
    }
}
