//! A review as JSON, in a stable, documented shape (`docs/formats.md`): every field of
//! the review, the ids as strings, the written texts as plain strings.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Answers, CalibrationNote, CompetencyRatings, DevelopmentAction, PeerFeedback, Potential,
    PulledFeedback, RatingScale, Review, ReviewGoal, ReviewTemplate, SharedFeedback, Signature,
    Stage,
};
use crate::model::{ItemId, PersonId};

/// Identifies the JSON shape; bumped only when a field changes meaning or goes away.
pub const REVIEW_JSON_FORMAT: &str = "throughline-review";
pub const REVIEW_JSON_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReviewJson<'a> {
    format: &'static str,
    version: u32,
    document: &'a str,
    cycle: &'a ItemId,
    cycle_name: &'a str,
    period_start: &'a str,
    period_end: &'a str,
    employee: &'a PersonId,
    manager: Option<&'a PersonId>,
    hr: Vec<&'a PersonId>,
    stage: Stage,
    scale: &'a RatingScale,
    template: &'a ReviewTemplate,
    goals: &'a BTreeMap<ItemId, ReviewGoal>,
    self_assessment: &'a str,
    manager_assessment: &'a str,
    answers: &'a BTreeMap<ItemId, Answers>,
    competencies: &'a BTreeMap<ItemId, CompetencyRatings>,
    overall: Option<i64>,
    potential: Option<Potential>,
    peer_feedback: &'a BTreeMap<ItemId, PeerFeedback>,
    shared_feedback: &'a BTreeMap<ItemId, SharedFeedback>,
    pulled_feedback: &'a BTreeMap<ItemId, PulledFeedback>,
    development: &'a BTreeMap<ItemId, DevelopmentAction>,
    calibration_notes: &'a BTreeMap<ItemId, CalibrationNote>,
    acknowledgement: Option<&'a Signature>,
    signature: Option<&'a Signature>,
}

impl Review {
    /// The review as pretty-printed JSON; `document` is its `automerge:` URL. Maps are
    /// keyed by id in id order, so two exports of the same state are identical.
    pub fn to_json(&self, document: &str) -> String {
        let export = ReviewJson {
            format: REVIEW_JSON_FORMAT,
            version: REVIEW_JSON_VERSION,
            document,
            cycle: &self.cycle,
            cycle_name: &self.cycle_name,
            period_start: &self.period_start,
            period_end: &self.period_end,
            employee: &self.employee,
            manager: self.manager.as_ref(),
            hr: self.hr.keys().collect(),
            stage: self.stage,
            scale: &self.scale,
            template: &self.template,
            goals: &self.goals,
            self_assessment: self.self_assessment.as_str(),
            manager_assessment: self.manager_assessment.as_str(),
            answers: &self.answers,
            competencies: &self.competencies,
            overall: self.overall,
            potential: self.potential,
            peer_feedback: &self.peer_feedback,
            shared_feedback: &self.shared_feedback,
            pulled_feedback: &self.pulled_feedback,
            development: &self.development,
            calibration_notes: &self.calibration_notes,
            acknowledgement: self.acknowledgement.as_ref(),
            signature: self.signature.as_ref(),
        };
        // Serialising strings, numbers, lists and string-keyed maps cannot fail.
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }
}
