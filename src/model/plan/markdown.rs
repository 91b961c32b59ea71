//! The board report as Markdown: the plan's direction, RAG summary, scorecard, resources
//! and the changes since the last approved version. The same content as the print view,
//! in a form any tool can read.

use std::fmt::Write;

use super::{format_number, Difference, Plan, Rag, Statement};
use crate::model::PersonId;

/// What the report needs besides the plan.
pub struct ReportContext<'a> {
    /// A person's name from their id.
    pub names: &'a dyn Fn(&PersonId) -> String,
    /// Today, `YYYY-MM-DD` (for due dates).
    pub today: &'a str,
    /// The last approved version's name and the changes since it, if there is one.
    pub since_approval: Option<(&'a str, &'a [Difference])>,
}

/// Escapes what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Plan {
    /// The board report as Markdown.
    pub fn to_markdown(&self, context: &ReportContext<'_>) -> String {
        let rollup = self.rollup(context.today);
        let mut md = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(md, "# {}\n", self.title);
        let _ = writeln!(
            md,
            "{} · {} · {}\n",
            self.horizon(),
            self.cycle.label(),
            self.status.label()
        );
        for approval in self.approvals_newest_first() {
            let _ = writeln!(
                md,
                "- Approved by {} ({})",
                approval.name,
                approval.role.label()
            );
        }
        for which in [Statement::Mission, Statement::Vision, Statement::Values] {
            let text = self.statement(which).as_str().trim();
            if !text.is_empty() {
                let _ = writeln!(md, "\n## {}\n\n{}", which.label(), text);
            }
        }

        let _ = writeln!(md, "\n## Summary\n");
        let _ = writeln!(
            md,
            "Overall: **{}**, progress {}.\n",
            rollup.plan.rag_label(),
            rollup.plan.progress_text()
        );
        let count = |rag: Option<Rag>| rollup.objectives.values().filter(|h| h.rag == rag).count();
        let _ = writeln!(
            md,
            "Objectives: {} green, {} amber, {} red, {} without data.",
            count(Some(Rag::Green)),
            count(Some(Rag::Amber)),
            count(Some(Rag::Red)),
            count(None)
        );

        let _ = writeln!(md, "\n## Scorecard\n");
        let _ = writeln!(
            md,
            "| Goal | Objective | Measure | Target | Latest | Trend | RAG | Owner |\n|---|---|---|---|---|---|---|---|"
        );
        for (goal_id, goal) in self.goals_in_order() {
            let goal_health = rollup.goals.get(goal_id).cloned().unwrap_or_default();
            let _ = writeln!(
                md,
                "| **{}** | | | | | | {} | |",
                cell(&goal.title),
                goal_health.rag_label()
            );
            for (objective_id, objective) in self.objectives_of(goal_id) {
                let health = rollup
                    .objectives
                    .get(objective_id)
                    .cloned()
                    .unwrap_or_default();
                let owner = objective
                    .owner
                    .as_ref()
                    .map(context.names)
                    .unwrap_or_default();
                let _ = writeln!(
                    md,
                    "| | {} | | | | | {} | {} |",
                    cell(&objective.title),
                    health.rag_label(),
                    cell(&owner)
                );
                for (_, measure) in self.measures_of(objective_id) {
                    let latest = measure
                        .latest()
                        .map(|(_, v)| measure.value_text(v))
                        .unwrap_or_else(|| "—".to_owned());
                    let _ = writeln!(
                        md,
                        "| | | {} | {} | {} | {} | {} | |",
                        cell(&measure.name),
                        cell(&measure.value_text(measure.target)),
                        cell(&latest),
                        measure.trend().map_or("", |t| t.label()),
                        measure.rag().map_or("No data", Rag::label)
                    );
                }
            }
        }

        let resources = self.resources();
        let _ = writeln!(md, "\n## Resources\n");
        let _ = writeln!(
            md,
            "| | Budget ({}) | Headcount |\n|---|---|---|",
            self.currency
        );
        for row in &resources.per_goal {
            let name = self
                .goals
                .get(&row.goal)
                .map(|g| g.title.as_str())
                .unwrap_or("");
            let flag = if row.over_envelope() {
                " (over its envelope)"
            } else {
                ""
            };
            let _ = writeln!(
                md,
                "| {}{} | {} | {} |",
                cell(name),
                flag,
                format_number(row.allocated.budget as f64),
                format_number(row.allocated.headcount)
            );
        }
        let _ = writeln!(
            md,
            "| **Allocated** | {} | {} |\n| **Available** | {} | {} |",
            format_number(resources.total.budget as f64),
            format_number(resources.total.headcount),
            format_number(resources.available.budget as f64),
            format_number(resources.available.headcount)
        );
        if resources.over_budget() || resources.over_headcount() {
            let _ = writeln!(
                md,
                "\n**Over-allocated**: the initiatives need more than the plan has available."
            );
        }

        if let Some((version, changes)) = context.since_approval {
            let _ = writeln!(md, "\n## Changes since “{version}”\n");
            if changes.is_empty() {
                let _ = writeln!(md, "No changes.");
            }
            for change in changes {
                let _ = match change.field.as_str() {
                    "" => writeln!(
                        md,
                        "- {} {}: {}",
                        change.kind.label(),
                        change.item.to_lowercase(),
                        change.name
                    ),
                    field => writeln!(
                        md,
                        "- {} “{}”: {} {} → {}",
                        change.item,
                        change.name,
                        field,
                        if change.before.is_empty() {
                            "—"
                        } else {
                            &change.before
                        },
                        if change.after.is_empty() {
                            "—"
                        } else {
                            &change.after
                        },
                    ),
                };
            }
        }
        md
    }
}
