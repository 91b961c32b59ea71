//! A review as Markdown that reads well on its own: the employee keeps a copy, HR files it.

use std::fmt::Write;

use super::{Alignment, Answer, Review};
use crate::model::PersonId;

/// What the review does not hold itself: people's names, the plan objectives its goals
/// serve, and who is reading (anonymous feedback stays anonymous to the employee).
pub struct ReviewContext<'a> {
    pub person_name: &'a dyn Fn(&PersonId) -> String,
    /// "Open two offices (Growth 2027–2029) — on track", if the plan is on this device.
    pub objective: &'a dyn Fn(&Alignment) -> Option<String>,
    pub viewer: Option<&'a PersonId>,
    /// The feedback documents on this review the reader's device holds (none on the
    /// employee's: they read the copies shared into the review).
    pub asked: &'a [(crate::model::DocumentId, &'a super::AskedFeedback)],
    /// Dates for the signatures, as the reader writes them.
    pub format_time: &'a dyn Fn(i64) -> String,
}

impl Review {
    /// The review as a Markdown document.
    pub fn to_markdown(&self, context: &ReviewContext) -> String {
        let name = |p: &PersonId| (context.person_name)(p);
        let rating = |v: Option<i64>| v.map_or("—".to_owned(), |v| self.scale.describe(v));
        // The employee reads the manager's side once the review is shared with them.
        let manager_side = context
            .viewer
            .is_none_or(|viewer| self.manager_side_shown_to(viewer));
        let by_manager = |v: Option<i64>| {
            if manager_side {
                rating(v)
            } else {
                NOT_SHARED.to_owned()
            }
        };
        let mut md = String::new();
        let _ = writeln!(md, "# {} — {}\n", name(&self.employee), self.cycle_name);
        let _ = writeln!(md, "- Period: {} to {}", self.period_start, self.period_end);
        if let Some(manager) = &self.manager {
            let _ = writeln!(md, "- Manager: {}", name(manager));
        }
        let _ = writeln!(md, "- Stage: {}", self.stage.label());
        let _ = writeln!(md, "- Overall rating: {}", by_manager(self.overall));
        if let Some(potential) = self.potential.filter(|_| manager_side) {
            let _ = writeln!(md, "- Potential: {}", potential.short());
        }
        let _ = writeln!(md, "- Rating scale: {}", self.scale.name);

        let _ = writeln!(md, "\n## Goals\n");
        if self.goals.is_empty() {
            let _ = writeln!(md, "No goals were set.");
        }
        for (_, goal) in self.goals_in_order() {
            let _ = writeln!(md, "### {}\n", goal.name());
            if !goal.description.as_str().trim().is_empty() {
                let _ = writeln!(md, "{}\n", goal.description.as_str());
            }
            let _ = writeln!(md, "- Weight: {}%", goal.weight);
            let _ = writeln!(md, "- Progress: {}%", goal.progress);
            if let Some(alignment) = &goal.alignment {
                let serves = (context.objective)(alignment)
                    .unwrap_or_else(|| "a plan objective not on this device".to_owned());
                let _ = writeln!(md, "- Serves: {serves}");
            }
            let _ = writeln!(md, "- Self rating: {}", rating(goal.self_rating));
            let _ = writeln!(
                md,
                "- Manager rating: {}\n",
                by_manager(goal.manager_rating)
            );
        }

        for (title, text) in [
            ("Self assessment", self.self_assessment.as_str()),
            (
                "Manager assessment",
                if manager_side {
                    self.manager_assessment.as_str()
                } else {
                    NOT_SHARED
                },
            ),
        ] {
            let _ = writeln!(md, "## {title}\n");
            let _ = writeln!(
                md,
                "{}\n",
                if text.trim().is_empty() {
                    "Not written."
                } else {
                    text.trim()
                }
            );
        }

        for section in &self.template.sections {
            let _ = writeln!(md, "## {}\n", section.title);
            for question in &section.questions {
                let answers = self.answers.get(&question.id).cloned().unwrap_or_default();
                let _ = writeln!(md, "**{}**\n", question.text);
                match question.answer {
                    Answer::Text => {
                        let _ =
                            writeln!(md, "- Employee: {}", or_dash(answers.by_employee.as_str()));
                        let by = if manager_side {
                            or_dash(answers.by_manager.as_str())
                        } else {
                            NOT_SHARED
                        };
                        let _ = writeln!(md, "- Manager: {by}\n");
                    }
                    Answer::Rating => {
                        let _ = writeln!(md, "- Employee: {}", rating(answers.employee_rating));
                        let _ = writeln!(md, "- Manager: {}\n", by_manager(answers.manager_rating));
                    }
                }
            }
        }

        if !self.template.competencies.is_empty() {
            let _ = writeln!(md, "## Competencies\n");
            let _ = writeln!(md, "| Competency | Self | Manager |");
            let _ = writeln!(md, "| --- | --- | --- |");
            for competency in &self.template.competencies {
                let ratings = self
                    .competencies
                    .get(&competency.id)
                    .cloned()
                    .unwrap_or_default();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    competency.name.replace('|', "/"),
                    rating(ratings.by_employee),
                    by_manager(ratings.by_manager)
                );
            }
            md.push('\n');
        }

        let written = self.feedback_shown(context.asked, context.viewer);
        if !written.is_empty() || !self.pulled_feedback.is_empty() {
            let _ = writeln!(md, "## Feedback\n");
            for feedback in written {
                let _ = writeln!(
                    md,
                    "> {}\n>\n> — {}\n",
                    feedback.text.replace('\n', "\n> "),
                    feedback
                        .from
                        .as_ref()
                        .map_or_else(|| "a colleague (anonymous)".to_owned(), name)
                );
            }
            for pulled in self.pulled_feedback.values() {
                let _ = writeln!(
                    md,
                    "> {}\n>\n> — {}, {}\n",
                    pulled.text.replace('\n', "\n> "),
                    pulled.from_name,
                    if pulled.praise { "praise" } else { "feedback" }
                );
            }
        }

        let _ = writeln!(md, "## Development plan\n");
        if self.development.is_empty() {
            let _ = writeln!(md, "No actions planned.\n");
        }
        for (_, action) in self.development_in_order() {
            let due = action
                .due
                .as_deref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- **{}**: {} ({}{due})",
                action.skill,
                action.action,
                action.status.label()
            );
        }

        let notes = self.calibration_history();
        if !notes.is_empty() && manager_side {
            let _ = writeln!(md, "\n## Calibration\n");
            for note in notes {
                let _ = writeln!(
                    md,
                    "- {} ({})",
                    note.describe(&self.scale),
                    (context.format_time)(note.at)
                );
            }
        }

        let _ = writeln!(md, "\n## Sign-off\n");
        for (what, signature) in [
            ("Acknowledged by the employee", &self.acknowledgement),
            ("Signed by the manager", &self.signature),
        ] {
            match signature {
                Some(s) => {
                    let _ = writeln!(
                        md,
                        "- {what}: {} on {}",
                        s.name,
                        (context.format_time)(s.at)
                    );
                    if let Some(agrees) = s.agrees {
                        let _ = writeln!(md, "  - {}", agreement(agrees));
                    }
                    if !s.comment.is_empty() {
                        let _ = writeln!(md, "  - Comment: {}", s.comment.replace('\n', " "));
                    }
                }
                None => {
                    let _ = writeln!(md, "- {what}: not yet");
                }
            }
        }
        md
    }
}

/// The employee's answer on acknowledging, in words.
pub fn agreement(agrees: bool) -> &'static str {
    if agrees {
        "Agrees with the review"
    } else {
        "Does not agree with the review"
    }
}

/// What the employee reads in place of the manager's side before the review is shared.
const NOT_SHARED: &str = "shown once the review is shared";

fn or_dash(text: &str) -> &str {
    if text.trim().is_empty() {
        "—"
    } else {
        text.trim()
    }
}
