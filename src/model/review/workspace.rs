//! What the workspace keeps for performance management: HR's rating scales and review
//! templates, the review cycles (each listing its review documents), the check-in series
//! (each its own document) and the feedback and praise people give one another.

use autosurgeon::{Hydrate, Reconcile};

use super::{RatingScale, ReviewCycle, ReviewError, ReviewTemplate};
use crate::model::{DocumentUrl, ItemId, PersonId, Workspace};

/// A check-in series listed in the workspace: a manager and one of their people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckInEntry {
    pub manager: PersonId,
    pub employee: PersonId,
}

/// A link from feedback to a goal of a review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalLink {
    /// The review's `automerge:` URL.
    pub review: DocumentUrl,
    pub goal: ItemId,
    pub title: String,
}

/// Feedback or praise, given at any time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    pub to: PersonId,
    pub from: PersonId,
    pub praise: bool,
    pub text: String,
    pub goal: Option<GoalLink>,
    pub given_at: i64,
    /// The giver's device key and its seal over the feedback (see `Feedback::seal`);
    /// empty in feedback given before the workspace had members or by earlier builds.
    #[autosurgeon(missing = "String::new")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub device: String,
    #[autosurgeon(missing = "String::new")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub seal: String,
}

/// Feedback or praise in a document of its own, as the workspace lists it: to whom and
/// from whom, which decides who holds it (`listing::Listed::GivenFeedback`: the giver, the
/// person it is for, their managers and HR) and who writes it (the giver).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GivenEntry {
    pub to: PersonId,
    pub from: PersonId,
}

/// A peer asked for feedback on a review, listed in the workspace so the peer's device
/// (and the relay) know the peer may hold the document they write it in. The request
/// itself is in the review; the feedback in its own document ([`super::AskedFeedback`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackRequest {
    /// The review's `automerge:` URL.
    pub review: DocumentUrl,
    pub peer: PersonId,
    pub employee: PersonId,
    pub requested_at: i64,
    /// The document the peer writes in. Requests listed by earlier versions have none
    /// (the feedback was written in the review); they give the peer nothing to hold
    /// until the employee's manager or HR opens the review and moves the request.
    #[autosurgeon(missing = "Default::default")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentUrl>,
}

/// Longest feedback, in characters.
pub(super) const MAX_FEEDBACK_CHARS: usize = 5_000;

impl Workspace {
    pub fn add_scale(&mut self, scale: RatingScale) -> ItemId {
        let id = ItemId::random();
        self.scales.insert(id.clone(), scale);
        id
    }

    pub fn update_scale(&mut self, id: &ItemId, scale: RatingScale) -> Result<(), ReviewError> {
        let existing = self.scales.get_mut(id).ok_or(ReviewError::ScaleGone)?;
        *existing = scale;
        Ok(())
    }

    pub fn add_template(&mut self, template: ReviewTemplate) -> ItemId {
        let id = ItemId::random();
        self.templates.insert(id.clone(), template);
        id
    }

    pub fn update_template(
        &mut self,
        id: &ItemId,
        template: ReviewTemplate,
    ) -> Result<(), ReviewError> {
        let existing = self
            .templates
            .get_mut(id)
            .ok_or(ReviewError::TemplateGone)?;
        *existing = template;
        Ok(())
    }

    /// Cycles, newest first.
    pub fn cycles_newest_first(&self) -> Vec<(&ItemId, &ReviewCycle)> {
        let mut cycles: Vec<_> = self.cycles.iter().collect();
        cycles.sort_by(|a, b| b.1.created_at.cmp(&a.1.created_at).then(a.0.cmp(b.0)));
        cycles
    }

    /// The people in `team`, by name.
    pub fn members_of(&self, team: &crate::model::TeamId) -> Vec<PersonId> {
        self.people_by_name()
            .into_iter()
            .filter(|(_, p)| p.team.as_ref() == Some(team))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Lists a check-in series (its `automerge:` URL).
    pub fn list_check_ins(
        &mut self,
        url: impl Into<DocumentUrl>,
        manager: &PersonId,
        employee: &PersonId,
    ) {
        self.check_ins.entry(url.into()).or_insert(CheckInEntry {
            manager: manager.clone(),
            employee: employee.clone(),
        });
    }

    /// The series between `manager` and `employee`, if one is listed. (Two made offline
    /// at once are both kept; the oldest URL wins, the same on every device.)
    pub fn check_ins_between(&self, manager: &PersonId, employee: &PersonId) -> Option<&str> {
        self.check_ins
            .iter()
            .filter(|(_, e)| &e.manager == manager && &e.employee == employee)
            .map(|(url, _)| url.as_str())
            .next()
    }

    /// Lists a request for feedback made in a review (same id as in the review), or
    /// names the document of one listed without (by an earlier version).
    pub fn list_feedback_request(&mut self, id: ItemId, request: FeedbackRequest) {
        let listed = self.feedback_requests.entry(id).or_insert(request.clone());
        if listed.document.is_none() {
            listed.document = request.document;
        }
    }

    /// Checks feedback before it is given (words, not too many, to someone here other than
    /// its giver), trimmed.
    pub fn check_feedback(&self, feedback: Feedback) -> Result<Feedback, ReviewError> {
        let text = feedback.text.trim();
        if text.is_empty() {
            return Err(ReviewError::FeedbackEmpty);
        }
        if text.chars().count() > MAX_FEEDBACK_CHARS {
            return Err(ReviewError::FeedbackTooLong);
        }
        if self.person(&feedback.to).is_none() {
            return Err(ReviewError::PersonGone);
        }
        if feedback.to == feedback.from {
            return Err(ReviewError::FeedbackToSelf);
        }
        Ok(Feedback {
            text: text.to_owned(),
            ..feedback
        })
    }

    /// Lists feedback given in the document `url` (made by the giver's device).
    pub fn list_given_feedback(&mut self, url: impl Into<DocumentUrl>, feedback: &Feedback) {
        self.given_feedback.insert(
            url.into(),
            GivenEntry {
                to: feedback.to.clone(),
                from: feedback.from.clone(),
            },
        );
    }

    /// The documents of feedback given to `person`.
    pub fn feedback_documents_for<'a>(
        &'a self,
        person: &'a PersonId,
    ) -> impl Iterator<Item = &'a DocumentUrl> + 'a {
        self.given_feedback
            .iter()
            .filter(move |(_, entry)| &entry.to == person)
            .map(|(url, _)| url)
    }

    /// Feedback `person` received while earlier builds kept it in the workspace, newest
    /// first.
    pub fn feedback_for(&self, person: &PersonId) -> Vec<(&ItemId, &Feedback)> {
        let mut given: Vec<_> = self
            .feedback
            .iter()
            .filter(|(_, f)| &f.to == person)
            .collect();
        given.sort_by(|a, b| b.1.given_at.cmp(&a.1.given_at).then(a.0.cmp(b.0)));
        given
    }
}
