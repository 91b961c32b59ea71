//! A plan's tree read in one pass: each goal's objectives and each objective's measures
//! and initiatives, in order. `Plan::objectives_of` and `Plan::measures_of` scan every
//! child to answer for one parent; asked for every objective of a 1,000-objective plan,
//! as the scorecard is on every edit, that is a million steps. [`Plan::outline`] groups
//! the children once, for a page or an export that walks the whole tree.
//!
//! ```
//! use throughline::model::plan::Plan;
//! let mut plan = Plan::new("Plan", 2027, 2029).unwrap();
//! let goal = plan.add_goal("Grow").unwrap();
//! let objective = plan.add_objective(&goal, "Enter two markets").unwrap();
//! let outline = plan.outline();
//! assert_eq!(outline.objectives_of(&goal)[0].0, &objective);
//! assert!(outline.measures_of(&objective).is_empty());
//! ```

use std::collections::HashMap;

use super::{Initiative, Measure, Objective, Plan};
use crate::model::order::{in_order, Positioned};
use crate::model::ItemId;

/// Children by parent, each list in the plan's order (as `objectives_of` and the others
/// give it).
pub struct Outline<'a> {
    objectives: HashMap<&'a ItemId, Vec<(&'a ItemId, &'a Objective)>>,
    measures: HashMap<&'a ItemId, Vec<(&'a ItemId, &'a Measure)>>,
    initiatives: HashMap<&'a ItemId, Vec<(&'a ItemId, &'a Initiative)>>,
}

impl<'a> Outline<'a> {
    /// The objectives of `goal`, in order.
    pub fn objectives_of(&self, goal: &ItemId) -> &[(&'a ItemId, &'a Objective)] {
        self.objectives.get(goal).map_or(&[], Vec::as_slice)
    }

    /// The measures of `objective`, in order.
    pub fn measures_of(&self, objective: &ItemId) -> &[(&'a ItemId, &'a Measure)] {
        self.measures.get(objective).map_or(&[], Vec::as_slice)
    }

    /// The initiatives of `objective`, in order.
    pub fn initiatives_of(&self, objective: &ItemId) -> &[(&'a ItemId, &'a Initiative)] {
        self.initiatives.get(objective).map_or(&[], Vec::as_slice)
    }
}

/// `items` grouped by `parent`, each group in order.
fn grouped<'a, T: Positioned>(
    items: impl IntoIterator<Item = (&'a ItemId, &'a T)>,
    parent: impl Fn(&'a T) -> &'a ItemId,
) -> HashMap<&'a ItemId, Vec<(&'a ItemId, &'a T)>> {
    let mut groups: HashMap<&ItemId, Vec<(&ItemId, &T)>> = HashMap::new();
    for (id, item) in items {
        groups.entry(parent(item)).or_default().push((id, item));
    }
    // Each group is put in order where it lies: collecting into a new map would hash
    // every parent's id again, on every edit of a large plan's scorecard.
    for children in groups.values_mut() {
        *children = in_order(std::mem::take(children));
    }
    groups
}

impl Plan {
    /// The plan's tree, read once (see the module's note).
    pub fn outline(&self) -> Outline<'_> {
        Outline {
            objectives: grouped(&self.objectives, |o| &o.goal),
            measures: grouped(&self.measures, |m| &m.objective),
            initiatives: grouped(&self.initiatives, |i| &i.objective),
        }
    }
}
