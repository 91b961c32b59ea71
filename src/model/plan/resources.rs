//! Resources: what the plan has available against what its initiatives are allocated,
//! per goal and in total.
//!
//! ```
//! use throughline::model::plan::{Initiative, Plan};
//! let mut plan = Plan::new("Plan", 2027, 2027).unwrap();
//! plan.set_available(100_000, 4.0).unwrap();
//! let goal = plan.add_goal("Grow").unwrap();
//! let objective = plan.add_objective(&goal, "Sell more").unwrap();
//! plan.add_initiative(Initiative {
//!     objective, title: "Campaign".into(), budget: 120_000, headcount: 2.0, ..Default::default()
//! }).unwrap();
//! let resources = plan.resources();
//! assert!(resources.over_budget());
//! assert!(!resources.over_headcount());
//! ```

use super::Plan;
use crate::model::ItemId;

/// Budget and headcount.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Allocation {
    pub budget: i64,
    pub headcount: f64,
}

impl Allocation {
    fn add(&mut self, budget: i64, headcount: f64) {
        self.budget = self.budget.saturating_add(budget);
        self.headcount += headcount;
    }
}

/// What one goal's initiatives are allocated.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalResources {
    pub goal: ItemId,
    pub allocated: Allocation,
    /// The goal's own budget envelope, if it has one.
    pub envelope: Option<i64>,
}

impl GoalResources {
    /// Allocated more than its envelope.
    pub fn over_envelope(&self) -> bool {
        self.envelope.is_some_and(|e| self.allocated.budget > e)
    }
}

/// The plan's resources at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    pub available: Allocation,
    /// Every goal, in the plan's order.
    pub per_goal: Vec<GoalResources>,
    /// Initiatives whose objective or goal is gone (still counted in the total).
    pub unfiled: Allocation,
    pub total: Allocation,
}

impl Resources {
    pub fn over_budget(&self) -> bool {
        self.total.budget > self.available.budget
    }

    pub fn over_headcount(&self) -> bool {
        self.total.headcount > self.available.headcount + 1e-9
    }

    /// What is left (negative when over-allocated).
    pub fn remaining(&self) -> Allocation {
        Allocation {
            budget: self.available.budget.saturating_sub(self.total.budget),
            headcount: self.available.headcount - self.total.headcount,
        }
    }
}

impl Plan {
    pub fn resources(&self) -> Resources {
        let mut per_goal: Vec<GoalResources> = self
            .goals_in_order()
            .into_iter()
            .map(|(id, goal)| GoalResources {
                goal: id.clone(),
                allocated: Allocation::default(),
                envelope: goal.budget_envelope,
            })
            .collect();
        let mut unfiled = Allocation::default();
        let mut total = Allocation::default();
        for initiative in self.initiatives.values() {
            total.add(initiative.budget, initiative.headcount);
            let goal = self.objectives.get(&initiative.objective).map(|o| &o.goal);
            match goal.and_then(|g| per_goal.iter_mut().find(|r| &r.goal == g)) {
                Some(row) => row.allocated.add(initiative.budget, initiative.headcount),
                None => unfiled.add(initiative.budget, initiative.headcount),
            }
        }
        Resources {
            available: Allocation {
                budget: self.budget_available,
                headcount: self.headcount_available,
            },
            per_goal,
            unfiled,
            total,
        }
    }
}
