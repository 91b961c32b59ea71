//! Two states of a plan side by side: which goals, objectives, measures and initiatives
//! were added, removed or changed, and how (targets, budgets, owners, dates). The two
//! may be versions of one plan or this year's plan and last year's: items carried into
//! a new cycle keep their ids, so they compare as the same item.
//!
//! ```
//! use throughline::model::plan::{DifferenceKind, Plan};
//! let before = Plan::new("Plan", 2027, 2027).unwrap();
//! let mut after = before.clone();
//! after.add_goal("Grow").unwrap();
//! let changes = before.compare(&after, &|_| String::new());
//! assert_eq!(changes[0].kind, DifferenceKind::Added);
//! assert_eq!(changes[0].after, "Grow");
//! ```

use super::{format_number, Measure, Plan};
use crate::model::PersonId;

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceKind {
    Added,
    Removed,
    Changed,
}

impl DifferenceKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Added => "Added",
            Self::Removed => "Removed",
            Self::Changed => "Changed",
        }
    }
}

/// One difference: what it is about, and the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: DifferenceKind,
    /// "Goal", "Objective", "Measure", "Initiative" or "Plan".
    pub item: &'static str,
    /// The item's name (as it is after, or as it was if removed).
    pub name: String,
    /// What changed ("target", "budget"…), empty for additions and removals.
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Difference {
    /// The difference in words, e.g. "Measure “Customers”: target changed from 20 to 25".
    pub fn sentence(&self) -> String {
        let what = format!("{} “{}”", self.item, self.name);
        match self.kind {
            DifferenceKind::Added => format!("{what} added"),
            DifferenceKind::Removed => format!("{what} removed"),
            DifferenceKind::Changed if self.before.is_empty() => {
                format!("{what}: {} set to {}", self.field, self.after)
            }
            DifferenceKind::Changed if self.after.is_empty() => {
                format!("{what}: {} cleared (was {})", self.field, self.before)
            }
            DifferenceKind::Changed => format!(
                "{what}: {} changed from {} to {}",
                self.field, self.before, self.after
            ),
        }
    }
}

/// Collects differences, field by field.
struct Differences<'a> {
    list: Vec<Difference>,
    names: &'a dyn Fn(&PersonId) -> String,
}

impl Differences<'_> {
    fn field(
        &mut self,
        item: &'static str,
        name: &str,
        field: &str,
        before: String,
        after: String,
    ) {
        if before != after {
            self.list.push(Difference {
                kind: DifferenceKind::Changed,
                item,
                name: name.to_owned(),
                field: field.to_owned(),
                before,
                after,
            });
        }
    }

    fn presence(&mut self, kind: DifferenceKind, item: &'static str, name: &str) {
        let (before, after) = match kind {
            DifferenceKind::Added => (String::new(), name.to_owned()),
            _ => (name.to_owned(), String::new()),
        };
        self.list.push(Difference {
            kind,
            item,
            name: name.to_owned(),
            field: String::new(),
            before,
            after,
        });
    }

    fn person(&self, person: &Option<PersonId>) -> String {
        person.as_ref().map(|p| (self.names)(p)).unwrap_or_default()
    }
}

fn optional(text: &Option<String>) -> String {
    text.clone().unwrap_or_default()
}

/// Compares two maps of items with the same ids: additions, removals, then `fields` for
/// the items in both.
macro_rules! compare_items {
    ($out:expr, $before:expr, $after:expr, $item:literal, $name:ident, |$b:ident, $a:ident| $fields:block) => {
        for (id, $a) in $after.iter() {
            match $before.get(id) {
                None => $out.presence(DifferenceKind::Added, $item, &$a.$name),
                Some($b) => $fields,
            }
        }
        for (id, $b) in $before.iter() {
            if !$after.contains_key(id) {
                $out.presence(DifferenceKind::Removed, $item, &$b.$name);
            }
        }
    };
}

impl Plan {
    /// What changed from `self` (before) to `after`. `names` gives a person's name.
    pub fn compare(&self, after: &Plan, names: &dyn Fn(&PersonId) -> String) -> Vec<Difference> {
        let mut out = Differences {
            list: Vec::new(),
            names,
        };
        let title = after.title.as_str();
        out.field(
            "Plan",
            title,
            "title",
            self.title.clone(),
            after.title.clone(),
        );
        out.field("Plan", title, "horizon", self.horizon(), after.horizon());
        out.field(
            "Plan",
            title,
            "budget available",
            format_number(self.budget_available as f64),
            format_number(after.budget_available as f64),
        );
        out.field(
            "Plan",
            title,
            "headcount available",
            format_number(self.headcount_available),
            format_number(after.headcount_available),
        );
        for (which, before_text, after_text) in [
            ("mission", &self.mission, &after.mission),
            ("vision", &self.vision, &after.vision),
            ("values", &self.values, &after.values),
        ] {
            out.field(
                "Plan",
                title,
                which,
                before_text.as_str().to_owned(),
                after_text.as_str().to_owned(),
            );
        }

        compare_items!(out, self.goals, after.goals, "Goal", title, |b, a| {
            out.field("Goal", &a.title, "title", b.title.clone(), a.title.clone());
            out.field(
                "Goal",
                &a.title,
                "budget envelope",
                b.budget_envelope
                    .map(|v| format_number(v as f64))
                    .unwrap_or_default(),
                a.budget_envelope
                    .map(|v| format_number(v as f64))
                    .unwrap_or_default(),
            );
        });
        let goal_name = |plan: &Plan, id| {
            plan.goals
                .get(id)
                .map(|g| g.title.clone())
                .unwrap_or_default()
        };
        compare_items!(
            out,
            self.objectives,
            after.objectives,
            "Objective",
            title,
            |b, a| {
                out.field(
                    "Objective",
                    &a.title,
                    "title",
                    b.title.clone(),
                    a.title.clone(),
                );
                out.field(
                    "Objective",
                    &a.title,
                    "goal",
                    goal_name(self, &b.goal),
                    goal_name(after, &a.goal),
                );
                let (owner_before, owner_after) = (out.person(&b.owner), out.person(&a.owner));
                out.field("Objective", &a.title, "owner", owner_before, owner_after);
                out.field(
                    "Objective",
                    &a.title,
                    "due",
                    optional(&b.due),
                    optional(&a.due),
                );
            }
        );
        compare_items!(
            out,
            self.measures,
            after.measures,
            "Measure",
            name,
            |b, a| {
                out.field("Measure", &a.name, "name", b.name.clone(), a.name.clone());
                out.field(
                    "Measure",
                    &a.name,
                    "baseline",
                    b.value_text(b.baseline),
                    a.value_text(a.baseline),
                );
                out.field(
                    "Measure",
                    &a.name,
                    "target",
                    b.value_text(b.target),
                    a.value_text(a.target),
                );
                out.field(
                    "Measure",
                    &a.name,
                    "thresholds",
                    format!(
                        "green {} · amber {}",
                        b.value_text(b.green_from),
                        b.value_text(b.amber_from)
                    ),
                    format!(
                        "green {} · amber {}",
                        a.value_text(a.green_from),
                        a.value_text(a.amber_from)
                    ),
                );
                let (owner_before, owner_after) = (out.person(&b.owner), out.person(&a.owner));
                out.field("Measure", &a.name, "owner", owner_before, owner_after);
                let by_period = |m: &Measure| {
                    let listed: Vec<String> = m
                        .period_targets
                        .iter()
                        .map(|(date, value)| format!("{} by {date}", m.value_text(*value)))
                        .collect();
                    if listed.is_empty() {
                        "none".to_owned()
                    } else {
                        listed.join(", ")
                    }
                };
                out.field(
                    "Measure",
                    &a.name,
                    "targets by period",
                    by_period(b),
                    by_period(a),
                );
                out.field(
                    "Measure",
                    &a.name,
                    "latest actual",
                    b.latest()
                        .map(|(d, v)| format!("{} ({d})", b.value_text(v)))
                        .unwrap_or_default(),
                    a.latest()
                        .map(|(d, v)| format!("{} ({d})", a.value_text(v)))
                        .unwrap_or_default(),
                );
            }
        );
        compare_items!(
            out,
            self.initiatives,
            after.initiatives,
            "Initiative",
            title,
            |b, a| {
                out.field(
                    "Initiative",
                    &a.title,
                    "title",
                    b.title.clone(),
                    a.title.clone(),
                );
                out.field(
                    "Initiative",
                    &a.title,
                    "budget",
                    format_number(b.budget as f64),
                    format_number(a.budget as f64),
                );
                out.field(
                    "Initiative",
                    &a.title,
                    "headcount",
                    format_number(b.headcount),
                    format_number(a.headcount),
                );
                out.field(
                    "Initiative",
                    &a.title,
                    "status",
                    b.status.label().to_owned(),
                    a.status.label().to_owned(),
                );
                let (owner_before, owner_after) = (out.person(&b.owner), out.person(&a.owner));
                out.field("Initiative", &a.title, "owner", owner_before, owner_after);
            }
        );
        out.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_difference_reads_as_a_sentence() {
        let before = Plan::new("Plan", 2027, 2027).unwrap();
        let mut after = before.clone();
        let goal = after.add_goal("Grow").unwrap();
        let added = before.compare(&after, &|_| String::new());
        assert_eq!(added[0].sentence(), "Goal “Grow” added");
        let mut renamed = after.clone();
        renamed
            .update_goal(&goal, "Grow in Europe", "", None)
            .unwrap();
        let changes = after.compare(&renamed, &|_| String::new());
        assert!(
            changes
                .iter()
                .any(|c| c.sentence().contains("changed from Grow to Grow in Europe")),
            "{:?}",
            changes.iter().map(Difference::sentence).collect::<Vec<_>>()
        );
        let removed = after.compare(&before, &|_| String::new());
        assert_eq!(removed[0].sentence(), "Goal “Grow” removed");
    }
}
