//! Goals → objectives → initiatives and measures: adding, editing, ordering, moving and
//! removing them. Children point at their parent, so a move is one field.

use autosurgeon::{Hydrate, Reconcile};

use super::{valid_title, Measure, Plan, PlanError};
use crate::model::order::{in_order, move_among, position_after_last, Gone};
use crate::model::{ItemId, PersonId};

/// A goal of the plan.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Goal {
    pub title: String,
    pub description: String,
    /// What the goal may spend, if it has its own envelope.
    pub budget_envelope: Option<i64>,
    pub position: f64,
}

/// An objective under a goal.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Objective {
    pub goal: ItemId,
    pub title: String,
    pub owner: Option<PersonId>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub position: f64,
}

/// Where an initiative stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hydrate, Reconcile)]
pub enum InitiativeStatus {
    #[default]
    NotStarted,
    OnTrack,
    AtRisk,
    Blocked,
    Done,
}

impl InitiativeStatus {
    pub const ALL: [InitiativeStatus; 5] = [
        Self::NotStarted,
        Self::OnTrack,
        Self::AtRisk,
        Self::Blocked,
        Self::Done,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::OnTrack => "On track",
            Self::AtRisk => "At risk",
            Self::Blocked => "Blocked",
            Self::Done => "Done",
        }
    }
}

/// An initiative (a piece of work) serving an objective.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Initiative {
    pub objective: ItemId,
    pub title: String,
    pub owner: Option<PersonId>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// In whole units of the plan's currency.
    pub budget: i64,
    /// Full-time equivalents.
    pub headcount: f64,
    pub status: InitiativeStatus,
    /// 0 to 100.
    pub progress: i64,
    pub position: f64,
}

impl Initiative {
    /// Checks dates, money and progress together; the reason is for the person.
    pub fn check(&self) -> Result<(), PlanError> {
        valid_title(&self.title, "An initiative")?;
        if let (Some(start), Some(end)) = (&self.start, &self.end) {
            if end < start {
                return Err(PlanError::DatesBackwards {
                    start: start.clone(),
                    end: end.clone(),
                });
            }
        }
        if self.budget < 0 || self.headcount < 0.0 {
            return Err(PlanError::ResourcesNegative);
        }
        if !(0..=100).contains(&self.progress) {
            return Err(PlanError::ProgressOutOfRange);
        }
        Ok(())
    }
}

/// The ids of items in order (the siblings [`move_among`] places an item among).
pub(super) fn ids<T>(items: Vec<(&ItemId, &T)>) -> Vec<ItemId> {
    items.into_iter().map(|(id, _)| id.clone()).collect()
}

impl Plan {
    pub fn goals_in_order(&self) -> Vec<(&ItemId, &Goal)> {
        in_order(&self.goals)
    }

    pub fn objectives_of(&self, goal: &ItemId) -> Vec<(&ItemId, &Objective)> {
        in_order(self.objectives.iter().filter(|(_, o)| &o.goal == goal))
    }

    pub fn initiatives_of(&self, objective: &ItemId) -> Vec<(&ItemId, &Initiative)> {
        in_order(
            self.initiatives
                .iter()
                .filter(|(_, i)| &i.objective == objective),
        )
    }

    pub fn measures_of(&self, objective: &ItemId) -> Vec<(&ItemId, &Measure)> {
        in_order(
            self.measures
                .iter()
                .filter(|(_, m)| &m.objective == objective),
        )
    }

    /// Objectives whose goal is gone, and initiatives and measures whose objective is gone
    /// (a parent removed on one device while a child was added or moved on another).
    /// They are kept, and shown so someone can file them again.
    pub fn unfiled(&self) -> (Vec<&ItemId>, Vec<&ItemId>, Vec<&ItemId>) {
        let objectives = self
            .objectives
            .iter()
            .filter(|(_, o)| !self.goals.contains_key(&o.goal))
            .map(|(id, _)| id)
            .collect();
        let initiatives = self
            .initiatives
            .iter()
            .filter(|(_, i)| !self.objectives.contains_key(&i.objective))
            .map(|(id, _)| id)
            .collect();
        let measures = self
            .measures
            .iter()
            .filter(|(_, m)| !self.objectives.contains_key(&m.objective))
            .map(|(id, _)| id)
            .collect();
        (objectives, initiatives, measures)
    }

    pub fn add_goal(&mut self, title: &str) -> Result<ItemId, PlanError> {
        let id = ItemId::random();
        let goal = Goal {
            title: valid_title(title, "A goal")?,
            position: position_after_last(self.goals.values()),
            ..Goal::default()
        };
        self.goals.insert(id.clone(), goal);
        Ok(id)
    }

    pub fn update_goal(
        &mut self,
        id: &ItemId,
        title: &str,
        description: &str,
        budget_envelope: Option<i64>,
    ) -> Result<(), PlanError> {
        let title = valid_title(title, "A goal")?;
        if budget_envelope.is_some_and(|b| b < 0) {
            return Err(PlanError::BudgetNegative);
        }
        let goal = self.goals.get_mut(id).ok_or(PlanError::ItemGone)?;
        goal.title = title;
        goal.description = description.trim().to_owned();
        goal.budget_envelope = budget_envelope;
        Ok(())
    }

    /// Removes a goal with its objectives and everything under them.
    pub fn remove_goal(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.goals.remove(id).ok_or(PlanError::ItemGone)?;
        let objectives: Vec<ItemId> = self
            .objectives
            .iter()
            .filter(|(_, o)| &o.goal == id)
            .map(|(id, _)| id.clone())
            .collect();
        for objective in objectives {
            self.remove_objective(&objective)?;
        }
        Ok(())
    }

    pub fn add_objective(&mut self, goal: &ItemId, title: &str) -> Result<ItemId, PlanError> {
        if !self.goals.contains_key(goal) {
            return Err(PlanError::ItemGone);
        }
        let id = ItemId::random();
        let objective = Objective {
            goal: goal.clone(),
            title: valid_title(title, "An objective")?,
            position: position_after_last(self.objectives_of(goal).into_iter().map(|(_, o)| o)),
            ..Objective::default()
        };
        self.objectives.insert(id.clone(), objective);
        Ok(id)
    }

    pub fn update_objective(
        &mut self,
        id: &ItemId,
        title: &str,
        owner: Option<PersonId>,
        due: Option<String>,
    ) -> Result<(), PlanError> {
        let title = valid_title(title, "An objective")?;
        let due = due.map(|d| super::parse_date(&d)).transpose()?;
        let objective = self.objectives.get_mut(id).ok_or(PlanError::ItemGone)?;
        objective.title = title;
        objective.owner = owner;
        objective.due = due;
        Ok(())
    }

    /// Moves an objective to `goal` at index `to` among that goal's objectives.
    pub fn move_objective(
        &mut self,
        id: &ItemId,
        goal: &ItemId,
        to: usize,
    ) -> Result<(), PlanError> {
        if !self.goals.contains_key(goal) {
            return Err(PlanError::ItemGone);
        }
        let siblings = ids(self.objectives_of(goal));
        move_among(&mut self.objectives, &siblings, id, to).map_err(|Gone| PlanError::ItemGone)?;
        self.objectives.get_mut(id).ok_or(PlanError::ItemGone)?.goal = goal.clone();
        Ok(())
    }

    /// Moves a measure to `objective` (its own or another) at index `to` among that
    /// objective's measures. Its actuals go with it.
    pub fn move_measure(
        &mut self,
        id: &ItemId,
        objective: &ItemId,
        to: usize,
    ) -> Result<(), PlanError> {
        if !self.objectives.contains_key(objective) {
            return Err(PlanError::ItemGone);
        }
        let siblings = ids(self.measures_of(objective));
        move_among(&mut self.measures, &siblings, id, to).map_err(|Gone| PlanError::ItemGone)?;
        self.measures
            .get_mut(id)
            .ok_or(PlanError::ItemGone)?
            .objective = objective.clone();
        Ok(())
    }

    /// Moves an initiative to `objective` (its own or another) at index `to`.
    pub fn move_initiative(
        &mut self,
        id: &ItemId,
        objective: &ItemId,
        to: usize,
    ) -> Result<(), PlanError> {
        if !self.objectives.contains_key(objective) {
            return Err(PlanError::ItemGone);
        }
        let siblings = ids(self.initiatives_of(objective));
        move_among(&mut self.initiatives, &siblings, id, to).map_err(|Gone| PlanError::ItemGone)?;
        self.initiatives
            .get_mut(id)
            .ok_or(PlanError::ItemGone)?
            .objective = objective.clone();
        Ok(())
    }

    /// Moves a goal to index `to`.
    pub fn move_goal(&mut self, id: &ItemId, to: usize) -> Result<(), PlanError> {
        let siblings = ids(self.goals_in_order());
        move_among(&mut self.goals, &siblings, id, to).map_err(|Gone| PlanError::ItemGone)
    }

    /// Removes an objective with its initiatives and measures, and its links from the
    /// environment analysis.
    pub fn remove_objective(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.objectives.remove(id).ok_or(PlanError::ItemGone)?;
        self.initiatives.retain(|_, i| &i.objective != id);
        self.measures.retain(|_, m| &m.objective != id);
        for item in self.swot.values_mut() {
            item.objectives.remove(id);
        }
        for factor in self.pestle.values_mut() {
            factor.objectives.remove(id);
        }
        Ok(())
    }

    /// Adds a checked initiative under its objective.
    pub fn add_initiative(&mut self, mut initiative: Initiative) -> Result<ItemId, PlanError> {
        if !self.objectives.contains_key(&initiative.objective) {
            return Err(PlanError::ItemGone);
        }
        initiative.title = valid_title(&initiative.title, "An initiative")?;
        initiative.check()?;
        initiative.position = position_after_last(
            self.initiatives_of(&initiative.objective)
                .into_iter()
                .map(|(_, i)| i),
        );
        let id = ItemId::random();
        self.initiatives.insert(id.clone(), initiative);
        Ok(id)
    }

    /// Replaces an initiative's details (its place in the plan stays).
    pub fn update_initiative(
        &mut self,
        id: &ItemId,
        mut details: Initiative,
    ) -> Result<(), PlanError> {
        details.title = valid_title(&details.title, "An initiative")?;
        details.check()?;
        let initiative = self.initiatives.get_mut(id).ok_or(PlanError::ItemGone)?;
        details.objective = initiative.objective.clone();
        details.position = initiative.position;
        *initiative = details;
        Ok(())
    }

    pub fn remove_initiative(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.initiatives
            .remove(id)
            .map(|_| ())
            .ok_or(PlanError::ItemGone)
    }

    /// Adds a checked measure under its objective.
    pub fn add_measure(&mut self, mut measure: Measure) -> Result<ItemId, PlanError> {
        if !self.objectives.contains_key(&measure.objective) {
            return Err(PlanError::ItemGone);
        }
        measure.name = measure.name.trim().to_owned();
        measure.settle_thresholds();
        measure.check()?;
        measure.position = position_after_last(
            self.measures_of(&measure.objective)
                .into_iter()
                .map(|(_, m)| m),
        );
        let id = ItemId::random();
        self.measures.insert(id.clone(), measure);
        Ok(id)
    }

    /// Replaces a measure's definition; its actuals and place stay.
    pub fn update_measure(&mut self, id: &ItemId, mut details: Measure) -> Result<(), PlanError> {
        details.name = details.name.trim().to_owned();
        let measure = self.measures.get_mut(id).ok_or(PlanError::ItemGone)?;
        // Whether a threshold follows the target is decided against the old target (a
        // plan written before it was kept says so only by equality).
        details.green_follows = details
            .green_follows
            .or(Some(measure.green_follows_target()));
        details.amber_follows = details
            .amber_follows
            .or(Some(measure.amber_follows_target()));
        details.settle_thresholds();
        details.check()?;
        details.objective = measure.objective.clone();
        details.position = measure.position;
        details.actuals = std::mem::take(&mut measure.actuals);
        details.period_targets = measure.period_targets.clone();
        details.check()?;
        details.period_targets = std::mem::take(&mut measure.period_targets);
        *measure = details;
        Ok(())
    }

    pub fn remove_measure(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.measures
            .remove(id)
            .map(|_| ())
            .ok_or(PlanError::ItemGone)
    }

    /// The measure `id`, to change it.
    fn measure_mut(&mut self, id: &ItemId) -> Result<&mut Measure, PlanError> {
        self.measures.get_mut(id).ok_or(PlanError::ItemGone)
    }

    /// Records (or corrects) the actual of a measure for a date.
    pub fn record_actual(
        &mut self,
        measure: &ItemId,
        date: &str,
        value: f64,
    ) -> Result<(), PlanError> {
        self.measure_mut(measure)?.record_actual(date, value)
    }

    /// Sets the target the measure `measure` is due to reach by `date`.
    pub fn set_period_target(
        &mut self,
        measure: &ItemId,
        date: &str,
        value: f64,
    ) -> Result<(), PlanError> {
        self.measure_mut(measure)?.set_period_target(date, value)
    }

    pub fn remove_period_target(&mut self, measure: &ItemId, date: &str) -> Result<(), PlanError> {
        self.measure_mut(measure)?.remove_period_target(date)
    }

    pub fn remove_actual(&mut self, measure: &ItemId, date: &str) -> Result<(), PlanError> {
        self.measure_mut(measure)?
            .actuals
            .remove(date)
            .map(|_| ())
            .ok_or_else(|| PlanError::NoActual {
                date: date.to_owned(),
            })
    }
}
