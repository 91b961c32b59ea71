//! A plan as JSON, in a stable, documented shape (`docs/formats.md`): the plan's tree
//! (goals → objectives → measures and initiatives) in order, its environment analysis,
//! participants and approvals, with each level's health and progress as of the export.
//! For reading and for other tools; moving a plan between devices uses the archive.

use serde::Serialize;

use super::{Plan, Rag, Rollup};
use crate::model::DocumentUrl;

/// Identifies the JSON shape; bumped only when a field changes meaning or goes away.
pub const PLAN_JSON_FORMAT: &str = "throughline-plan";
pub const PLAN_JSON_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanJson<'a> {
    format: &'static str,
    version: u32,
    document: &'a str,
    title: &'a str,
    start_year: i64,
    end_year: i64,
    cycle: String,
    status: String,
    currency: &'a str,
    budget_available: i64,
    headcount_available: f64,
    mission: &'a str,
    vision: &'a str,
    values: &'a str,
    health: Option<&'static str>,
    progress: Option<f64>,
    participants: Vec<ParticipantJson<'a>>,
    approvals: Vec<ApprovalJson<'a>>,
    swot: Vec<EnvironmentJson<'a>>,
    pestle: Vec<EnvironmentJson<'a>>,
    goals: Vec<GoalJson<'a>>,
    predecessor: Option<&'a str>,
}

#[derive(Serialize)]
struct ParticipantJson<'a> {
    person: &'a str,
    role: String,
}

#[derive(Serialize)]
struct ApprovalJson<'a> {
    person: &'a str,
    name: &'a str,
    role: String,
    at: i64,
    /// The version approved, and the approving device's key and signature (absent for
    /// approvals given before the workspace had members).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    heads: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    device: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    seal: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentJson<'a> {
    id: &'a str,
    /// The SWOT quadrant or the PESTLE category.
    kind: String,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    likelihood: Option<String>,
    objectives: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoalJson<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    budget_envelope: Option<i64>,
    health: Option<&'static str>,
    progress: Option<f64>,
    objectives: Vec<ObjectiveJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectiveJson<'a> {
    id: &'a str,
    title: &'a str,
    owner: Option<&'a str>,
    due: Option<&'a str>,
    health: Option<&'static str>,
    progress: Option<f64>,
    measures: Vec<MeasureJson<'a>>,
    initiatives: Vec<InitiativeJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MeasureJson<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    baseline: f64,
    target: f64,
    direction: String,
    green_from: f64,
    amber_from: f64,
    /// Left out when no one owns the measure (as in exports made before measures had
    /// owners), so those stay the same.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    health: Option<&'static str>,
    actuals: Vec<ActualJson<'a>>,
    /// Left out when the measure has none (as in exports made before they were kept).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    period_targets: Vec<ActualJson<'a>>,
}

#[derive(Serialize)]
struct ActualJson<'a> {
    date: &'a str,
    value: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InitiativeJson<'a> {
    id: &'a str,
    title: &'a str,
    owner: Option<&'a str>,
    start: Option<&'a str>,
    end: Option<&'a str>,
    budget: i64,
    headcount: f64,
    status: String,
    progress: i64,
}

fn rag(rag: Option<Rag>) -> Option<&'static str> {
    rag.map(|r| match r {
        Rag::Red => "red",
        Rag::Amber => "amber",
        Rag::Green => "green",
    })
}

/// A variant's stored name ("InReview"), as in the document.
fn name(value: impl std::fmt::Debug) -> String {
    format!("{value:?}")
}

impl Plan {
    /// The plan as JSON; `document` is its `automerge:` URL, `today` dates the health.
    pub fn to_json(&self, document: &str, today: &str) -> String {
        let rollup: Rollup = self.rollup(today);
        let outline = self.outline();
        fn links(objectives: &std::collections::BTreeMap<crate::model::ItemId, bool>) -> Vec<&str> {
            objectives.keys().map(|id| id.as_str()).collect()
        }
        let export = PlanJson {
            format: PLAN_JSON_FORMAT,
            version: PLAN_JSON_VERSION,
            document,
            title: &self.title,
            start_year: self.start_year,
            end_year: self.end_year,
            cycle: name(self.cycle),
            status: name(self.status),
            currency: &self.currency,
            budget_available: self.budget_available,
            headcount_available: self.headcount_available,
            mission: self.mission.as_str(),
            vision: self.vision.as_str(),
            values: self.values.as_str(),
            health: rag(rollup.plan.rag),
            progress: rollup.plan.progress,
            participants: self
                .participants
                .iter()
                .map(|(person, role)| ParticipantJson {
                    person: person.as_str(),
                    role: name(role),
                })
                .collect(),
            approvals: self
                .approvals_newest_first()
                .into_iter()
                .map(|a| ApprovalJson {
                    person: a.person.as_str(),
                    name: &a.name,
                    role: name(a.role),
                    at: a.at,
                    heads: &a.heads,
                    device: &a.device,
                    seal: &a.seal,
                })
                .collect(),
            swot: super::Quadrant::ALL
                .into_iter()
                .flat_map(|q| self.swot_in(q))
                .map(|(id, item)| EnvironmentJson {
                    id: id.as_str(),
                    kind: name(item.quadrant),
                    text: &item.text,
                    impact: None,
                    likelihood: None,
                    objectives: links(&item.objectives),
                })
                .collect(),
            pestle: self
                .pestle_in_order()
                .into_iter()
                .map(|(id, factor)| EnvironmentJson {
                    id: id.as_str(),
                    kind: name(factor.category),
                    text: &factor.text,
                    impact: Some(name(factor.impact)),
                    likelihood: Some(name(factor.likelihood)),
                    objectives: links(&factor.objectives),
                })
                .collect(),
            goals: self
                .goals_in_order()
                .into_iter()
                .map(|(goal_id, goal)| {
                    let health = rollup.goals.get(goal_id);
                    GoalJson {
                        id: goal_id.as_str(),
                        title: &goal.title,
                        description: &goal.description,
                        budget_envelope: goal.budget_envelope,
                        health: rag(health.and_then(|h| h.rag)),
                        progress: health.and_then(|h| h.progress),
                        objectives: self
                            .objectives_of(goal_id)
                            .into_iter()
                            .map(|(id, o)| {
                                let health = rollup.objectives.get(id);
                                ObjectiveJson {
                                    id: id.as_str(),
                                    title: &o.title,
                                    owner: o.owner.as_ref().map(|p| p.as_str()),
                                    due: o.due.as_deref(),
                                    health: rag(health.and_then(|h| h.rag)),
                                    progress: health.and_then(|h| h.progress),
                                    measures: outline
                                        .measures_of(id)
                                        .iter()
                                        .map(|&(mid, m)| MeasureJson {
                                            id: mid.as_str(),
                                            name: &m.name,
                                            unit: &m.unit,
                                            baseline: m.baseline,
                                            target: m.target,
                                            direction: name(m.direction),
                                            green_from: m.green_from,
                                            amber_from: m.amber_from,
                                            owner: m.owner.as_ref().map(|p| p.as_str()),
                                            health: rag(m.rag()),
                                            actuals: m
                                                .actuals
                                                .iter()
                                                .map(|(date, value)| ActualJson {
                                                    date,
                                                    value: *value,
                                                })
                                                .collect(),
                                            period_targets: m
                                                .period_targets
                                                .iter()
                                                .map(|(date, value)| ActualJson {
                                                    date,
                                                    value: *value,
                                                })
                                                .collect(),
                                        })
                                        .collect(),
                                    initiatives: self
                                        .initiatives_of(id)
                                        .into_iter()
                                        .map(|(iid, i)| InitiativeJson {
                                            id: iid.as_str(),
                                            title: &i.title,
                                            owner: i.owner.as_ref().map(|p| p.as_str()),
                                            start: i.start.as_deref(),
                                            end: i.end.as_deref(),
                                            budget: i.budget,
                                            headcount: i.headcount,
                                            status: name(i.status),
                                            progress: i.progress,
                                        })
                                        .collect(),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
            predecessor: self.predecessor.as_ref().map(DocumentUrl::as_str),
        };
        // Serialising strings, numbers and lists cannot fail.
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }
}
