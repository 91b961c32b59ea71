//! The board report (the "board pack"): what it holds, as plain text ready to show
//! ([`BoardPack`], built by [`Plan::board_pack`]), and that as Markdown
//! ([`Plan::to_markdown_for`]). The print view on the plan's Board report lays out the
//! same [`BoardPack`], so the printed page and the Markdown say the same things:
//!
//! - who and when: the organisation, the date the report was made, and the version (the
//!   last approved version's name, or "Draft, not approved");
//! - the plan's direction (mission, vision, values) and the RAG summary and scorecard;
//! - the environment: SWOT by quadrant and PESTLE factors (impact, likelihood), each with
//!   the objectives that answer it;
//! - per goal, its objectives (owner, status in words, due date), their measures
//!   (baseline → target, latest actual, owner) and initiatives (owner, status, dates,
//!   budget, headcount, progress);
//! - resources (allocated against available, per goal and in total, over-allocation
//!   said in words) and the changes since the last approval.
//!
//! The printed report's drawings (SVG charts and the strategy map) are sized here too,
//! natively tested: [`legible_font_size`] is the type size, in a drawing's own units, that
//! prints at [`SMALLEST_PRINTED_PT`] or more, and [`wrap_words`] breaks a label into
//! lines (SVG text does not wrap by itself).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::{format_number, Difference, Health, Measure, Plan, Quadrant, Rag, Statement};
use crate::model::{ItemId, PersonId};

/// What the report needs besides the plan.
pub struct ReportContext<'a> {
    /// A person's name from their id.
    pub names: &'a dyn Fn(&PersonId) -> String,
    /// Today, `YYYY-MM-DD` (for due dates).
    pub today: &'a str,
    /// The last approved version's name and the changes since it, if there is one.
    pub since_approval: Option<(&'a str, &'a [Difference])>,
}

/// Who the report is for and when it was made: the top of its first page.
pub struct ReportCover<'a> {
    /// The organisation's name (the workspace's); left out when empty.
    pub organisation: &'a str,
    /// The day the report is made, as the reader reads it ("30 Jun 2027").
    pub made_on: &'a str,
}

/// What a plan never approved says where a version's name would be.
pub const NOT_APPROVED: &str = "Draft, not approved";
/// What an item without an owner says in the owner's place.
pub const NO_OWNER: &str = "Unassigned";

/// The board report's content as text (see the module's comment).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardPack {
    pub title: String,
    /// Empty when not known.
    pub organisation: String,
    pub made_on: String,
    /// The last approved version's name, or [`NOT_APPROVED`].
    pub version: String,
    /// How many changes there are since that version (0 when never approved).
    pub changes_since: usize,
    /// "2027–2029 · Annual review · Approved".
    pub plan_line: String,
    /// "Approved by Ana Lima (Board)", newest first.
    pub approvals: Vec<String>,
    /// Mission, vision and values that have text: (label, text).
    pub statements: Vec<(&'static str, String)>,
    /// The plan's colour and progress, e.g. "Amber, 85% of the way".
    pub overall: String,
    /// Objectives by colour: green, amber, red, without data.
    pub objective_counts: [usize; 4],
    /// Every quadrant, in the order strengths, weaknesses, opportunities, threats.
    pub swot: Vec<SwotQuadrant>,
    pub pestle: Vec<PestleLine>,
    pub goals: Vec<GoalPart>,
    /// Objectives whose goal is gone, and measures and initiatives whose objective is.
    pub unfiled: Vec<String>,
    pub resources: ResourcesPart,
}

impl BoardPack {
    /// The version with the count of changes since it: "Approved by the board on 1 Jan
    /// 2027 (1 change since, listed at the end)", or [`NOT_APPROVED`].
    pub fn version_line(&self) -> String {
        match self.changes_since {
            0 => self.version.clone(),
            n => format!(
                "{} ({n} change{} since, listed at the end)",
                self.version,
                if n == 1 { "" } else { "s" }
            ),
        }
    }
}

/// A SWOT quadrant and its items.
#[derive(Debug, Clone, PartialEq)]
pub struct SwotQuadrant {
    pub quadrant: Quadrant,
    pub label: &'static str,
    pub items: Vec<EnvironmentLine>,
}

/// A SWOT item: its text and the objectives that answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentLine {
    pub text: String,
    pub objectives: Vec<String>,
}

/// A PESTLE factor.
#[derive(Debug, Clone, PartialEq)]
pub struct PestleLine {
    pub category: &'static str,
    pub text: String,
    pub impact: &'static str,
    pub likelihood: &'static str,
    pub objectives: Vec<String>,
}

/// A goal with its objectives.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalPart {
    pub title: String,
    pub description: String,
    pub rag: Option<Rag>,
    /// Colour and progress in words.
    pub status: String,
    /// The goal's budget envelope with the currency, if it has one.
    pub envelope: Option<String>,
    pub objectives: Vec<ObjectivePart>,
}

/// An objective with its measures and initiatives.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectivePart {
    pub title: String,
    /// The owner's name, or [`NO_OWNER`].
    pub owner: String,
    pub rag: Option<Rag>,
    /// Colour and progress in words.
    pub status: String,
    /// `YYYY-MM-DD`, or "No due date".
    pub due: String,
    pub measures: Vec<MeasureLine>,
    pub initiatives: Vec<InitiativeLine>,
}

/// A measure in one line.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureLine {
    pub name: String,
    /// "0 → 120 customers".
    pub baseline_to_target: String,
    /// "85 on 2027-06-30, ▲ improving", or "No actuals yet".
    pub latest: String,
    pub rag: Option<Rag>,
    /// The owner's name, or [`NO_OWNER`].
    pub owner: String,
}

/// An initiative in one line.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeLine {
    pub title: String,
    /// The owner's name, or [`NO_OWNER`].
    pub owner: String,
    pub status: &'static str,
    /// "2027-01-01 – 2027-12-31", "from 2027-01-01", "until …", or "No dates".
    pub dates: String,
    /// With the currency: "250,000 EUR".
    pub budget: String,
    pub headcount: String,
    /// "40%".
    pub progress: String,
}

/// Resources, allocated against available.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcesPart {
    pub currency: String,
    /// One row per goal (and one for initiatives under no goal, if any).
    pub rows: Vec<ResourceLine>,
    pub total: ResourceLine,
    /// The over-allocations in words; empty when there are none.
    pub warnings: Vec<String>,
}

/// A row of the resources table (figures without the currency).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceLine {
    pub name: String,
    pub budget_allocated: String,
    /// The goal's envelope (or the plan's budget, on the total row), or "—".
    pub budget_available: String,
    pub headcount_allocated: String,
    /// The plan's headcount on the total row; "—" per goal (goals have none of their own).
    pub headcount_available: String,
    pub over: bool,
}

/// Escapes what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A colour and a progress in words: "Amber, 85% of the way", "No data yet".
pub fn status_in_words(rag: Option<Rag>, progress: Option<f64>) -> String {
    let percent = |p: f64| format!("{}%", (p * 100.0).round());
    match (rag, progress) {
        (Some(rag), Some(p)) => format!("{}, {} of the way", rag.label(), percent(p)),
        (Some(rag), None) => format!("{}, no progress measured yet", rag.label()),
        (None, Some(p)) => format!("No colour yet, {} of the way", percent(p)),
        (None, None) => "No data yet".to_owned(),
    }
}

fn health_in_words(health: Option<&Health>) -> String {
    health.map_or_else(
        || status_in_words(None, None),
        |h| status_in_words(h.rag, h.progress),
    )
}

/// An initiative's dates: "2027-01-01 – 2027-12-31", "from …", "until …" or "No dates".
pub fn dates_in_words(start: Option<&str>, end: Option<&str>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{start} – {end}"),
        (Some(start), None) => format!("from {start}"),
        (None, Some(end)) => format!("until {end}"),
        (None, None) => "No dates".to_owned(),
    }
}

/// A measure's latest actual with its date and trend, or "No actuals yet".
fn latest_in_words(measure: &Measure) -> String {
    match measure.latest() {
        None => "No actuals yet".to_owned(),
        Some((date, value)) => {
            let trend = measure
                .trend()
                .map(|t| format!(", {} {}", t.arrow(), t.label().to_lowercase()))
                .unwrap_or_default();
            format!("{} on {date}{trend}", measure.value_text(value))
        }
    }
}

/// The smallest type the printed report uses, in points.
pub const SMALLEST_PRINTED_PT: f64 = 9.0;
/// CSS pixels in a point (96 px and 72 pt to the inch).
const PX_PER_PT: f64 = 96.0 / 72.0;
/// The text width of an A4 page with 15 mm margins (180 mm) in CSS pixels: the narrowest
/// page the report prints on (US Letter with 0.6 in margins is 7.3 in, 701 px).
pub const PRINTED_TEXT_WIDTH_PX: f64 = 680.0;

/// The font size, in the user units of an SVG drawing `view_width` units wide, that
/// prints at [`SMALLEST_PRINTED_PT`] or more when the drawing is printed `printed_px` CSS
/// pixels wide (a `viewBox` scales its text with everything else), rounded up to a whole
/// unit (a little room for a printer's scroll bar or rounding).
///
/// ```
/// use throughline::model::plan::legible_font_size;
/// // A chart 480 units wide printed in half an A4 page's width (330 px).
/// assert_eq!(legible_font_size(480.0, 330.0), 18.0);
/// ```
pub fn legible_font_size(view_width: f64, printed_px: f64) -> f64 {
    (SMALLEST_PRINTED_PT * PX_PER_PT * view_width / printed_px).ceil()
}

/// How many characters surely fit on a line `width` units wide in type `font` units high
/// (0.6 em a character: wider than the average letter of a sans-serif, bold included).
pub fn chars_per_line(width: f64, font: f64) -> usize {
    (width / (font * 0.6)).floor().max(1.0) as usize
}

/// Breaks `text` into lines of at most `width` characters, at spaces where it can (a
/// word longer than a line is cut, with a hyphen). Nothing is left out: the lines hold
/// every word of the text, in order. For labels in the plan's SVG drawings, which do not
/// wrap by themselves.
///
/// ```
/// use throughline::model::plan::wrap_words;
/// assert_eq!(wrap_words("Win customers in the Nordics", 14), ["Win customers", "in the Nordics"]);
/// ```
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        // A word too long for any line: cut it, a hyphen at the end of each piece.
        while word.len() > width {
            if line_chars > 0 {
                lines.push(std::mem::take(&mut line));
                line_chars = 0;
            }
            let rest = word.split_off(width - 1);
            lines.push(word.iter().chain(['-'].iter()).collect());
            word = rest;
        }
        let needed = if line_chars == 0 {
            word.len()
        } else {
            line_chars + 1 + word.len()
        };
        if needed > width {
            lines.push(std::mem::take(&mut line));
            line_chars = 0;
        }
        if line_chars > 0 {
            line.push(' ');
            line_chars += 1;
        }
        line.extend(word.iter());
        line_chars += word.len();
    }
    if line_chars > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

impl Plan {
    /// The board report's content (see the module's comment).
    pub fn board_pack(&self, cover: &ReportCover<'_>, context: &ReportContext<'_>) -> BoardPack {
        let rollup = self.rollup(context.today);
        let outline = self.outline();
        let name = |person: &Option<PersonId>| {
            person
                .as_ref()
                .map(context.names)
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| NO_OWNER.to_owned())
        };
        // Where each objective comes in the plan's order, so the objectives an item is
        // linked to are listed as the plan shows them (unfiled ones last).
        let order: HashMap<&ItemId, usize> = self
            .goals_in_order()
            .into_iter()
            .flat_map(|(g, _)| self.objectives_of(g))
            .enumerate()
            .map(|(i, (id, _))| (id, i))
            .collect();
        let objective_titles = |links: &BTreeMap<ItemId, bool>| {
            let mut titles: Vec<(usize, String)> = links
                .keys()
                .filter_map(|id| self.objectives.get(id).map(|o| (id, o)))
                .map(|(id, o)| {
                    (
                        order.get(id).copied().unwrap_or(usize::MAX),
                        o.title.clone(),
                    )
                })
                .collect();
            titles.sort();
            titles.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
        };
        let money = |v: i64| format!("{} {}", format_number(v as f64), self.currency);

        let objective_part = |id: &ItemId| -> Option<ObjectivePart> {
            let objective = self.objectives.get(id)?;
            let health = rollup.objectives.get(id);
            Some(ObjectivePart {
                title: objective.title.clone(),
                owner: name(&objective.owner),
                rag: health.and_then(|h| h.rag),
                status: health_in_words(health),
                due: objective
                    .due
                    .clone()
                    .unwrap_or_else(|| "No due date".to_owned()),
                measures: outline
                    .measures_of(id)
                    .iter()
                    .map(|&(_, m)| MeasureLine {
                        name: m.name.clone(),
                        baseline_to_target: format!(
                            "{} → {}",
                            m.value_text(m.baseline),
                            m.value_text(m.target)
                        ),
                        latest: latest_in_words(m),
                        rag: m.rag(),
                        owner: name(&m.owner),
                    })
                    .collect(),
                initiatives: self
                    .initiatives_of(id)
                    .into_iter()
                    .map(|(_, i)| InitiativeLine {
                        title: i.title.clone(),
                        owner: name(&i.owner),
                        status: i.status.label(),
                        dates: dates_in_words(i.start.as_deref(), i.end.as_deref()),
                        budget: money(i.budget),
                        headcount: format_number(i.headcount),
                        progress: format!("{}%", i.progress),
                    })
                    .collect(),
            })
        };

        let goals = self
            .goals_in_order()
            .into_iter()
            .map(|(goal_id, goal)| {
                let health = rollup.goals.get(goal_id);
                GoalPart {
                    title: goal.title.clone(),
                    description: goal.description.clone(),
                    rag: health.and_then(|h| h.rag),
                    status: health_in_words(health),
                    envelope: goal.budget_envelope.map(money),
                    objectives: self
                        .objectives_of(goal_id)
                        .into_iter()
                        .filter_map(|(id, _)| objective_part(id))
                        .collect(),
                }
            })
            .collect();

        let (objectives, initiatives, measures) = self.unfiled();
        let mut unfiled: Vec<String> = Vec::new();
        unfiled.extend(
            objectives
                .iter()
                .filter_map(|id| self.objectives.get(*id))
                .map(|o| format!("Objective “{}”", o.title)),
        );
        unfiled.extend(
            measures
                .iter()
                .filter_map(|id| self.measures.get(*id))
                .map(|m| format!("Measure “{}”", m.name)),
        );
        unfiled.extend(
            initiatives
                .iter()
                .filter_map(|id| self.initiatives.get(*id))
                .map(|i| format!("Initiative “{}”", i.title)),
        );

        let count = |rag: Option<Rag>| rollup.objectives.values().filter(|h| h.rag == rag).count();
        let (version, changes_since) = match context.since_approval {
            Some((name, changes)) => (name.to_owned(), changes.len()),
            None => (NOT_APPROVED.to_owned(), 0),
        };
        BoardPack {
            title: self.title.clone(),
            organisation: cover.organisation.trim().to_owned(),
            made_on: cover.made_on.to_owned(),
            version,
            changes_since,
            plan_line: format!(
                "{} · {} · {}",
                self.horizon(),
                self.cycle.label(),
                self.status.label()
            ),
            approvals: self
                .approvals_newest_first()
                .into_iter()
                .map(|a| format!("Approved by {} ({})", a.name, a.role.label()))
                .collect(),
            statements: [Statement::Mission, Statement::Vision, Statement::Values]
                .into_iter()
                .filter_map(|s| {
                    let text = self.statement(s).as_str().trim();
                    (!text.is_empty()).then(|| (s.label(), text.to_owned()))
                })
                .collect(),
            overall: status_in_words(rollup.plan.rag, rollup.plan.progress),
            objective_counts: [
                count(Some(Rag::Green)),
                count(Some(Rag::Amber)),
                count(Some(Rag::Red)),
                count(None),
            ],
            swot: Quadrant::ALL
                .into_iter()
                .map(|quadrant| SwotQuadrant {
                    quadrant,
                    label: quadrant.label(),
                    items: self
                        .swot_in(quadrant)
                        .into_iter()
                        .map(|(_, item)| EnvironmentLine {
                            text: item.text.clone(),
                            objectives: objective_titles(&item.objectives),
                        })
                        .collect(),
                })
                .collect(),
            pestle: self
                .pestle_in_order()
                .into_iter()
                .map(|(_, f)| PestleLine {
                    category: f.category.label(),
                    text: f.text.clone(),
                    impact: f.impact.label(),
                    likelihood: f.likelihood.label(),
                    objectives: objective_titles(&f.objectives),
                })
                .collect(),
            goals,
            unfiled,
            resources: self.resources_part(),
        }
    }

    fn resources_part(&self) -> ResourcesPart {
        let resources = self.resources();
        let money = |v: i64| format!("{} {}", format_number(v as f64), self.currency);
        let mut warnings = Vec::new();
        let mut rows: Vec<ResourceLine> = resources
            .per_goal
            .iter()
            .map(|row| {
                let name = self
                    .goals
                    .get(&row.goal)
                    .map(|g| g.title.clone())
                    .unwrap_or_default();
                let over = row.over_envelope();
                if let (true, Some(envelope)) = (over, row.envelope) {
                    warnings.push(format!(
                        "“{name}” is over its envelope: {} allocated against {} ({} over).",
                        money(row.allocated.budget),
                        money(envelope),
                        money(row.allocated.budget.saturating_sub(envelope))
                    ));
                }
                ResourceLine {
                    name,
                    budget_allocated: format_number(row.allocated.budget as f64),
                    budget_available: row
                        .envelope
                        .map_or_else(|| "—".to_owned(), |e| format_number(e as f64)),
                    headcount_allocated: format_number(row.allocated.headcount),
                    headcount_available: "—".to_owned(),
                    over,
                }
            })
            .collect();
        if resources.unfiled.budget != 0 || resources.unfiled.headcount != 0.0 {
            rows.push(ResourceLine {
                name: "Not under any goal".to_owned(),
                budget_allocated: format_number(resources.unfiled.budget as f64),
                budget_available: "—".to_owned(),
                headcount_allocated: format_number(resources.unfiled.headcount),
                headcount_available: "—".to_owned(),
                over: false,
            });
        }
        let (over_budget, over_headcount) = (resources.over_budget(), resources.over_headcount());
        let remaining = resources.remaining();
        if over_budget {
            warnings.insert(
                0,
                format!(
                    "Budget: {} allocated against {} available ({} over).",
                    money(resources.total.budget),
                    money(resources.available.budget),
                    money(-remaining.budget)
                ),
            );
        }
        if over_headcount {
            warnings.insert(
                usize::from(over_budget),
                format!(
                    "Headcount: {} allocated against {} available ({} over).",
                    format_number(resources.total.headcount),
                    format_number(resources.available.headcount),
                    format_number(-remaining.headcount)
                ),
            );
        }
        ResourcesPart {
            currency: self.currency.clone(),
            rows,
            total: ResourceLine {
                name: "Total".to_owned(),
                budget_allocated: format_number(resources.total.budget as f64),
                budget_available: format_number(resources.available.budget as f64),
                headcount_allocated: format_number(resources.total.headcount),
                headcount_available: format_number(resources.available.headcount),
                over: over_budget || over_headcount,
            },
            warnings,
        }
    }

    /// The board report as Markdown, without the organisation and dated `today` (see
    /// [`Plan::to_markdown_for`]).
    pub fn to_markdown(&self, context: &ReportContext<'_>) -> String {
        self.to_markdown_for(
            &ReportCover {
                organisation: "",
                made_on: context.today,
            },
            context,
        )
    }

    /// The board report as Markdown.
    pub fn to_markdown_for(&self, cover: &ReportCover<'_>, context: &ReportContext<'_>) -> String {
        let pack = self.board_pack(cover, context);
        let rollup = self.rollup(context.today);
        let mut md = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(md, "# {}\n", pack.title);
        if !pack.organisation.is_empty() {
            let _ = writeln!(md, "- Organisation: {}", pack.organisation);
        }
        let _ = writeln!(md, "- Date: {}", pack.made_on);
        let _ = writeln!(md, "- Version: {}", pack.version_line());
        let _ = writeln!(md, "- Plan: {}", pack.plan_line);
        for approval in &pack.approvals {
            let _ = writeln!(md, "- {approval}");
        }
        for (label, text) in &pack.statements {
            let _ = writeln!(md, "\n## {label}\n\n{text}");
        }

        let _ = writeln!(md, "\n## Summary\n");
        let _ = writeln!(md, "Overall: **{}**.\n", pack.overall);
        let [green, amber, red, none] = pack.objective_counts;
        let _ = writeln!(
            md,
            "Objectives: {green} green, {amber} amber, {red} red, {none} without data."
        );

        self.scorecard_markdown(&mut md, &rollup, context);
        environment_markdown(&mut md, &pack);
        goals_markdown(&mut md, &pack);
        resources_markdown(&mut md, &pack.resources);

        match context.since_approval {
            None => {
                let _ = writeln!(
                    md,
                    "\n## Changes since approval\n\nNot approved yet: there is no approved version to compare with."
                );
            }
            Some((version, changes)) => {
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
        }
        md
    }

    /// The scorecard at a glance: goal, objective, measure, target, latest, trend, RAG and
    /// owner (the objective's, or the measure's own).
    fn scorecard_markdown(
        &self,
        md: &mut String,
        rollup: &super::Rollup,
        context: &ReportContext<'_>,
    ) {
        let _ = writeln!(md, "\n## Scorecard\n");
        let outline = self.outline();
        let _ = writeln!(
            md,
            "| Goal | Objective | Measure | Target | Latest | Trend | RAG | Owner |\n|---|---|---|---|---|---|---|---|"
        );
        let owner = |person: &Option<PersonId>| {
            person
                .as_ref()
                .map(context.names)
                .map(|n| format!(" {}", cell(&n)))
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_default()
        };
        for (goal_id, goal) in self.goals_in_order() {
            let goal_health = rollup.goals.get(goal_id).cloned().unwrap_or_default();
            let _ = writeln!(
                md,
                "| **{}** | | | | | | {} | |",
                cell(&goal.title),
                goal_health.rag_label()
            );
            for &(objective_id, objective) in outline.objectives_of(goal_id) {
                let health = rollup
                    .objectives
                    .get(objective_id)
                    .cloned()
                    .unwrap_or_default();
                let _ = writeln!(
                    md,
                    "| | {} | | | | | {} |{} |",
                    cell(&objective.title),
                    health.rag_label(),
                    owner(&objective.owner)
                );
                for &(_, measure) in outline.measures_of(objective_id) {
                    let latest = measure
                        .latest()
                        .map(|(_, v)| measure.value_text(v))
                        .unwrap_or_else(|| "—".to_owned());
                    let _ = writeln!(
                        md,
                        "| | | {} | {} | {} | {} | {} |{} |",
                        cell(&measure.name),
                        cell(&measure.value_text(measure.target)),
                        cell(&latest),
                        measure.trend().map_or("", |t| t.label()),
                        measure.rag().map_or("No data", Rag::label),
                        owner(&measure.owner)
                    );
                }
            }
        }
    }
}

/// "answered by: A; B", or nothing.
fn answered_by(objectives: &[String]) -> String {
    if objectives.is_empty() {
        String::new()
    } else {
        format!(" (answered by: {})", objectives.join("; "))
    }
}

fn environment_markdown(md: &mut String, pack: &BoardPack) {
    let _ = writeln!(md, "\n## Environment\n\n### SWOT");
    for quadrant in &pack.swot {
        let _ = writeln!(md, "\n#### {}\n", quadrant.label);
        if quadrant.items.is_empty() {
            let _ = writeln!(md, "None listed.");
        }
        for item in &quadrant.items {
            let _ = writeln!(md, "- {}{}", item.text, answered_by(&item.objectives));
        }
    }
    let _ = writeln!(md, "\n### PESTLE\n");
    if pack.pestle.is_empty() {
        let _ = writeln!(md, "No factors listed.");
        return;
    }
    let _ = writeln!(
        md,
        "| Category | Factor | Impact | Likelihood | Answered by |\n|---|---|---|---|---|"
    );
    for factor in &pack.pestle {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            factor.category,
            cell(&factor.text),
            factor.impact,
            factor.likelihood,
            if factor.objectives.is_empty() {
                "—".to_owned()
            } else {
                cell(&factor.objectives.join("; "))
            }
        );
    }
}

fn goals_markdown(md: &mut String, pack: &BoardPack) {
    let _ = writeln!(md, "\n## Goals, objectives and initiatives");
    if pack.goals.is_empty() {
        let _ = writeln!(md, "\nNo goals yet.");
    }
    for goal in &pack.goals {
        let _ = writeln!(md, "\n### Goal: {}\n", goal.title);
        if !goal.description.trim().is_empty() {
            let _ = writeln!(md, "{}\n", goal.description.trim());
        }
        let _ = writeln!(md, "- Status: {}", goal.status);
        if let Some(envelope) = &goal.envelope {
            let _ = writeln!(md, "- Budget envelope: {envelope}");
        }
        if goal.objectives.is_empty() {
            let _ = writeln!(md, "\nNo objectives yet.");
        }
        for objective in &goal.objectives {
            objective_markdown(md, objective);
        }
    }
    if !pack.unfiled.is_empty() {
        let _ = writeln!(md, "\n### Not filed under a goal or objective\n");
        for item in &pack.unfiled {
            let _ = writeln!(md, "- {item}");
        }
    }
}

fn objective_markdown(md: &mut String, objective: &ObjectivePart) {
    let _ = writeln!(md, "\n#### Objective: {}\n", objective.title);
    let _ = writeln!(
        md,
        "- Owner: {}\n- Status: {}\n- Due: {}",
        objective.owner, objective.status, objective.due
    );
    if objective.measures.is_empty() {
        let _ = writeln!(md, "\nMeasures: none yet.");
    } else {
        let _ = writeln!(
            md,
            "\nMeasures:\n\n| Measure | Baseline → target | Latest actual | RAG | Owner |\n|---|---|---|---|---|"
        );
        for m in &objective.measures {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                cell(&m.name),
                cell(&m.baseline_to_target),
                cell(&m.latest),
                m.rag.map_or("No data", Rag::label),
                cell(&m.owner)
            );
        }
    }
    if objective.initiatives.is_empty() {
        let _ = writeln!(md, "\nInitiatives: none yet.");
    } else {
        let _ = writeln!(
            md,
            "\nInitiatives:\n\n| Initiative | Owner | Status | Dates | Budget | Headcount | Progress |\n|---|---|---|---|---|---|---|"
        );
        for i in &objective.initiatives {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&i.title),
                cell(&i.owner),
                i.status,
                i.dates,
                i.budget,
                i.headcount,
                i.progress
            );
        }
    }
}

fn resources_markdown(md: &mut String, resources: &ResourcesPart) {
    let _ = writeln!(md, "\n## Resources\n");
    let _ = writeln!(
        md,
        "| Goal | Budget allocated ({c}) | Budget available ({c}) | Headcount allocated | Headcount available |\n|---|---|---|---|---|",
        c = resources.currency
    );
    let row = |md: &mut String, line: &ResourceLine, bold: bool| {
        let name = if bold {
            format!("**{}**", cell(&line.name))
        } else {
            cell(&line.name)
        };
        let _ = writeln!(
            md,
            "| {}{} | {} | {} | {} | {} |",
            name,
            if line.over { " (over-allocated)" } else { "" },
            line.budget_allocated,
            line.budget_available,
            line.headcount_allocated,
            line.headcount_available
        );
    };
    for line in &resources.rows {
        row(md, line, false);
    }
    row(md, &resources.total, true);
    if !resources.warnings.is_empty() {
        let _ = writeln!(md, "\n**Over-allocated**:\n");
        for warning in &resources.warnings {
            let _ = writeln!(md, "- {warning}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_keep_every_word() {
        assert_eq!(wrap_words("", 10), [""]);
        assert_eq!(wrap_words("Short", 10), ["Short"]);
        assert_eq!(
            wrap_words("Win new customers in the Nordic countries", 16),
            ["Win new", "customers in the", "Nordic countries"]
        );
        // A word longer than a line is cut with a hyphen, and nothing is lost.
        let lines = wrap_words("Supercalifragilistic plan", 8);
        assert_eq!(lines, ["Superca-", "lifragi-", "listic", "plan"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 8));
        // Characters, not bytes.
        assert_eq!(
            wrap_words("Crescer na Europa é já", 10),
            ["Crescer na", "Europa é", "já"]
        );
        let long = "a ".repeat(150);
        let wrapped = wrap_words(&long, 25);
        assert!(wrapped.iter().all(|l| l.chars().count() <= 25));
        assert_eq!(wrapped.join(" "), long.trim());
    }

    #[test]
    fn drawings_print_their_text_at_nine_points_or_more() {
        for (view_width, printed_px) in [(480.0, 330.0), (520.0, 680.0), (920.0, 680.0)] {
            let font = legible_font_size(view_width, printed_px);
            let printed_pt = font * printed_px / view_width * 72.0 / 96.0;
            assert!(
                printed_pt >= SMALLEST_PRINTED_PT,
                "{font} → {printed_pt} pt"
            );
            assert!(printed_pt < SMALLEST_PRINTED_PT + 1.0, "not much larger");
        }
        assert_eq!(chars_per_line(240.0, 16.0), 25);
        assert_eq!(chars_per_line(5.0, 16.0), 1);
    }

    #[test]
    fn status_and_dates_read_as_words() {
        assert_eq!(
            status_in_words(Some(Rag::Amber), Some(0.854)),
            "Amber, 85% of the way"
        );
        assert_eq!(status_in_words(None, None), "No data yet");
        assert_eq!(dates_in_words(Some("2027-01-01"), None), "from 2027-01-01");
        assert_eq!(dates_in_words(None, None), "No dates");
    }
}
