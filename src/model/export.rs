//! The workspace as JSON, in a stable, documented shape (`docs/formats.md`): for reading
//! and for other tools. Moving data between devices uses the archive, which keeps the
//! full history.

use serde::Serialize;

use std::collections::BTreeMap;

use super::review::{
    CheckInEntry, Feedback, FeedbackRequest, GivenEntry, RatingScale, ReviewCycle, ReviewTemplate,
};
use super::workspace::Workspace;
use super::{DocumentUrl, ItemId};

/// Identifies the JSON shape; bumped only when a field changes meaning or goes away.
pub const WORKSPACE_JSON_FORMAT: &str = "throughline-workspace";
pub const WORKSPACE_JSON_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceJson<'a> {
    format: &'static str,
    version: u32,
    document: &'a str,
    organisation: &'a str,
    about: &'a str,
    people: Vec<PersonJson<'a>>,
    teams: Vec<TeamJson<'a>>,
    /// The `automerge:` URLs of the plans' documents, oldest listed first.
    plans: Vec<DocumentUrl>,
    /// Rating scales and review templates, by id.
    scales: &'a BTreeMap<ItemId, RatingScale>,
    templates: &'a BTreeMap<ItemId, ReviewTemplate>,
    /// Review cycles by id; each lists its reviews' document URLs by person.
    cycles: &'a BTreeMap<ItemId, ReviewCycle>,
    /// Check-in series: document URL → the manager and employee.
    check_ins: &'a BTreeMap<DocumentUrl, CheckInEntry>,
    /// Feedback and praise by id.
    feedback: &'a BTreeMap<ItemId, Feedback>,
    /// Feedback given in documents of their own, by URL: to whom and from whom.
    given_feedback: &'a BTreeMap<DocumentUrl, GivenEntry>,
    /// Requests for peer feedback by id (the same id as in the review).
    feedback_requests: &'a BTreeMap<ItemId, FeedbackRequest>,
    /// Reminders sent about late reviews, by id.
    nudges: &'a BTreeMap<ItemId, crate::model::nudge::Nudge>,
    /// The key of the device that founded the workspace ("" until someone claims it).
    root: &'a str,
    /// Signed membership statements by hash: each the JSON that was signed and its
    /// signature, checkable by anyone with the root key.
    membership: &'a BTreeMap<String, crate::model::identity::SignedStatement>,
}

#[derive(Debug, Serialize)]
struct PersonJson<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    email: &'a str,
    manager: Option<&'a str>,
    team: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct TeamJson<'a> {
    id: &'a str,
    name: &'a str,
    lead: Option<&'a str>,
}

impl Workspace {
    /// The workspace as pretty-printed JSON; `document` is its `automerge:` URL. People
    /// and teams are listed by name, so two exports of the same state are identical.
    pub fn to_json(&self, document: &str) -> String {
        let export = WorkspaceJson {
            format: WORKSPACE_JSON_FORMAT,
            version: WORKSPACE_JSON_VERSION,
            document,
            organisation: &self.organisation,
            about: self.about_text(),
            people: self
                .people_by_name()
                .into_iter()
                .map(|(id, p)| PersonJson {
                    id: id.as_str(),
                    name: &p.name,
                    title: &p.title,
                    email: &p.email,
                    manager: p.manager.as_ref().map(|m| m.as_str()),
                    team: p.team.as_ref().map(|t| t.as_str()),
                })
                .collect(),
            teams: self
                .teams_by_name()
                .into_iter()
                .map(|(id, t)| TeamJson {
                    id: id.as_str(),
                    name: &t.name,
                    lead: t.lead.as_ref().map(|l| l.as_str()),
                })
                .collect(),
            plans: self.plan_urls(),
            scales: &self.scales,
            templates: &self.templates,
            cycles: &self.cycles,
            check_ins: &self.check_ins,
            feedback: &self.feedback,
            given_feedback: &self.given_feedback,
            feedback_requests: &self.feedback_requests,
            nudges: &self.nudges,
            root: &self.root,
            membership: &self.membership,
        };
        // Serialising strings, numbers, lists and string-keyed maps cannot fail.
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }

    /// Whether nothing has been entered yet (a fresh device's workspace).
    pub fn is_pristine(&self) -> bool {
        self.organisation.is_empty()
            && self.about_text().is_empty()
            && self.people.is_empty()
            && self.teams.is_empty()
            && self.plans.is_empty()
            && self.scales.is_empty()
            && self.templates.is_empty()
            && self.cycles.is_empty()
            && self.check_ins.is_empty()
            && self.feedback.is_empty()
            && self.given_feedback.is_empty()
            && self.feedback_requests.is_empty()
            && self.nudges.is_empty()
    }
}
