//! Performance reviews: one Automerge document per person per cycle.
//!
//! A review carries a copy of its cycle's template and rating scale, so it reads on its
//! own (in an export, on a device that has only this review) and a later edit of the
//! template never changes what a running review asked. Collections people edit at once
//! (goals, peer feedback, development actions, calibration notes) are maps keyed by
//! [`ItemId`]. What a person may change at each stage is decided in one place, [`stage`].
//!
//! ```
//! use throughline::model::review::{Actor, Review, ReviewSetup, Stage};
//! use throughline::model::PersonId;
//! let employee = PersonId::from("ana");
//! let manager = PersonId::from("bo");
//! let mut review = Review::new(ReviewSetup::example(&employee, Some(&manager)));
//! let bo = review.actor(&manager);
//! review.move_to(Stage::SelfReview, bo).unwrap();
//! review.set_self_assessment(review.actor(&employee), "A good year.").unwrap();
//! assert_eq!(review.self_assessment.as_str(), "A good year.");
//! assert!(review.set_self_assessment(bo, "Not mine to write").is_err());
//! ```

mod asked_feedback;
mod calibration;
mod change_check;
mod check;
mod closed_words;
mod compare;
mod csv;
mod cycle;
mod error;
mod export;
mod feedback_changes;
mod feedback_sharing;
mod given_feedback;
mod manager_side;
mod markdown;
mod progress;
mod scale;
mod sign_off;
mod stage;
mod template;
mod workspace;

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::model::order::{move_among, position_after_last, Gone};
use crate::model::{DocumentUrl, ItemId, PersonId, TextUpdate};

pub use crate::model::identity::SealCheck;
pub use crate::model::part_check::ChangeRefused;
pub use asked_feedback::{AskedFeedback, SharedFeedback, ShownFeedback};
pub use calibration::{Band, Distribution, NineBox, Potential};
pub use change_check::check_changes;
pub use check::{check_date_in, check_percent};
pub use closed_words::ClosedWords;
pub use compare::review_differences;
pub use csv::ratings_csv;
pub use cycle::{CycleSetup, Deadlines, ReviewCycle};
pub use error::ReviewError;
pub use export::{REVIEW_JSON_FORMAT, REVIEW_JSON_VERSION};
pub use feedback_changes::FeedbackHand;
pub use feedback_sharing::{FeedbackShared, MIN_ANONYMOUS_ANSWERS};
pub use manager_side::ManagerSide;
pub use markdown::{agreement, ReviewContext};
pub use progress::{progress_by_manager, ManagerProgress, Standing};
pub use scale::{RatingScale, ScaleLevel};
pub use sign_off::{Response, Sealer, SignOff, Signature};
pub use stage::{check_act, check_move, check_write, Act, Capacity, Part, Stage};
pub use template::{Answer, Competency, Question, ReviewTemplate, Section};
pub use workspace::{CheckInEntry, Feedback, FeedbackRequest, GivenEntry, GoalLink};

/// Longest goal title, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// A person acting on a review, and in what capacity.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub person: &'a PersonId,
    pub capacity: Capacity,
}

/// A plan objective an individual goal serves: the plan's document and the objective's id,
/// so the link holds whether or not the plan is on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// The plan's document.
    pub plan: DocumentUrl,
    pub objective: ItemId,
}

/// A goal for the review period.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewGoal {
    /// Typed into and saved as typed: Automerge text (a string in older documents).
    #[autosurgeon(hydrate = "crate::model::interop::text_or_string")]
    #[serde(serialize_with = "crate::model::interop::text_as_string")]
    pub title: Text,
    #[autosurgeon(hydrate = "crate::model::interop::text_or_string")]
    #[serde(serialize_with = "crate::model::interop::text_as_string")]
    pub description: Text,
    /// Share of the whole, in percent.
    pub weight: i64,
    /// Percent done.
    pub progress: i64,
    pub alignment: Option<Alignment>,
    pub self_rating: Option<i64>,
    pub manager_rating: Option<i64>,
    pub position: f64,
}

impl PeerFeedback {
    /// A nomination by the employee that their manager has not approved yet: the
    /// colleague is not asked (and may not write) until then.
    pub fn waiting_for_approval(&self) -> bool {
        self.nominated && self.approved_by.is_none()
    }
}

impl ReviewGoal {
    /// The goal's title as a list shows it: an empty title (someone is retyping it) reads
    /// as "Untitled goal".
    pub fn name(&self) -> &str {
        match self.title.as_str().trim() {
            "" => "Untitled goal",
            title => title,
        }
    }
}

/// The answers to one question of the template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answers {
    /// Typed into and saved as typed: Automerge text (a string in older documents).
    #[autosurgeon(hydrate = "crate::model::interop::text_or_string")]
    #[serde(serialize_with = "crate::model::interop::text_as_string")]
    pub by_employee: Text,
    #[autosurgeon(hydrate = "crate::model::interop::text_or_string")]
    #[serde(serialize_with = "crate::model::interop::text_as_string")]
    pub by_manager: Text,
    pub employee_rating: Option<i64>,
    pub manager_rating: Option<i64>,
}

/// A competency's ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompetencyRatings {
    pub by_employee: Option<i64>,
    pub by_manager: Option<i64>,
}

/// Feedback a peer was asked for and writes into the review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerFeedback {
    pub from: PersonId,
    pub requested_by: PersonId,
    pub requested_at: i64,
    /// Shown to the employee without the writer's name.
    pub anonymous: bool,
    /// Saved as it is typed: Automerge text (a string in older documents).
    #[autosurgeon(hydrate = "crate::model::interop::text_or_string")]
    #[serde(serialize_with = "crate::model::interop::text_as_string")]
    pub text: Text,
    pub written_at: Option<i64>,
    /// The employee named this colleague; until their manager (or HR) approves, the
    /// colleague is not asked. (`false` in reviews written before nominations.)
    #[autosurgeon(missing = "Default::default")]
    pub nominated: bool,
    /// Who approved the nomination.
    #[autosurgeon(missing = "Default::default")]
    pub approved_by: Option<PersonId>,
    /// The document the colleague writes in ([`AskedFeedback`]), once asked. Requests
    /// made by earlier versions have none: their feedback was written here, in `text`.
    #[autosurgeon(missing = "Default::default")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentUrl>,
    /// Made by a version that gives each request a document of its own: the device that
    /// asks (or approves) makes it, so another device does not make a second one while
    /// it is on its way. (`false` in requests of earlier versions, which another device
    /// moves to a document.)
    #[autosurgeon(missing = "Default::default")]
    #[serde(skip)]
    pub own_document: bool,
}

impl PeerFeedback {
    /// Whether a manager's or HR's device should give this request its document now:
    /// not while a nomination waits, not once it has one, not when its colleague wrote
    /// in the review (an earlier version's request); a request made by this version only
    /// if its document has not come in ten minutes (the device that asked was closed
    /// before it made it).
    pub fn needs_document(&self, now: i64) -> bool {
        const GRACE_MS: i64 = 10 * 60 * 1_000;
        !self.waiting_for_approval()
            && self.document.is_none()
            && self.text.as_str().trim().is_empty()
            && (!self.own_document || now - self.requested_at > GRACE_MS)
    }
}

/// Feedback or praise given during the year and pulled into this review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PulledFeedback {
    pub from_name: String,
    pub praise: bool,
    pub text: String,
    pub given_at: i64,
}

/// Where a development action stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
pub enum ActionStatus {
    #[default]
    Planned,
    InProgress,
    Done,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [Self::Planned, Self::InProgress, Self::Done];

    pub fn label(self) -> &'static str {
        match self {
            Self::Planned => "Planned",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }
}

/// One step of the development plan.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevelopmentAction {
    pub skill: String,
    pub action: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub status: ActionStatus,
    pub position: f64,
}

/// A rating changed in calibration: who changed it, when, from what to what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalibrationNote {
    pub by: PersonId,
    pub by_name: String,
    pub at: i64,
    pub overall_from: Option<i64>,
    pub overall_to: Option<i64>,
    pub potential_from: Option<Potential>,
    pub potential_to: Option<Potential>,
}

/// What a cycle gives each review it starts.
#[derive(Debug, Clone)]
pub struct ReviewSetup {
    pub cycle: ItemId,
    pub cycle_name: String,
    pub period_start: String,
    pub period_end: String,
    pub employee: PersonId,
    pub manager: Option<PersonId>,
    pub hr: Vec<PersonId>,
    pub scale: RatingScale,
    pub template: ReviewTemplate,
}

impl ReviewSetup {
    /// A setup for examples and tests: a 2027 cycle on the five-point scale.
    pub fn example(employee: &PersonId, manager: Option<&PersonId>) -> Self {
        Self {
            cycle: ItemId::from("cycle"),
            cycle_name: "2027 annual review".to_owned(),
            period_start: "2027-01-01".to_owned(),
            period_end: "2027-12-31".to_owned(),
            employee: employee.clone(),
            manager: manager.cloned(),
            hr: Vec::new(),
            scale: RatingScale::five_point(),
            template: ReviewTemplate::parse(
                "Annual",
                "# Looking back\nWhat went well?\nWhat would you do differently? [rating]",
                "Communication\nOwnership",
            )
            .unwrap_or_default(),
        }
    }
}

/// A review's stage alone, read from the document without the rest of the review (what
/// a device that holds hundreds of reviews asks of each as they change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hydrate)]
pub struct StageOnly {
    pub stage: Stage,
}

impl StageOnly {
    /// The stage, the furthest of any concurrent writes left (see [`Review::read_settled`]).
    pub fn read_settled<D>(doc: &D) -> Result<StageOnly, autosurgeon::HydrateError>
    where
        D: automerge::ReadDoc + autosurgeon::ReadDoc,
    {
        let mut only: StageOnly = autosurgeon::hydrate(doc)?;
        if let Some(stage) = crate::model::settled::furthest::<Stage, D>(doc, "stage") {
            only.stage = only.stage.max(stage);
        }
        Ok(only)
    }
}

/// A review document.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Review {
    pub cycle: ItemId,
    pub cycle_name: String,
    /// `YYYY-MM-DD`, the period the review covers.
    pub period_start: String,
    pub period_end: String,
    pub employee: PersonId,
    pub manager: Option<PersonId>,
    /// Who runs the cycle for HR (a set).
    pub hr: BTreeMap<PersonId, bool>,
    pub scale: RatingScale,
    pub template: ReviewTemplate,
    pub stage: Stage,
    pub goals: BTreeMap<ItemId, ReviewGoal>,
    /// Written together: Automerge text, merged character by character.
    #[autosurgeon(missing = "Text::default")]
    pub self_assessment: Text,
    #[autosurgeon(missing = "Text::default")]
    pub manager_assessment: Text,
    /// By question id.
    pub answers: BTreeMap<ItemId, Answers>,
    /// By competency id.
    pub competencies: BTreeMap<ItemId, CompetencyRatings>,
    pub overall: Option<i64>,
    pub potential: Option<Potential>,
    pub peer_feedback: BTreeMap<ItemId, PeerFeedback>,
    /// Asked feedback as shared with the employee (see [`AskedFeedback`]), by a key of
    /// its own (not the request's, so an anonymous copy names no one).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub shared_feedback: BTreeMap<ItemId, SharedFeedback>,
    /// By the id of the feedback in the workspace, so pulling it twice keeps one copy.
    pub pulled_feedback: BTreeMap<ItemId, PulledFeedback>,
    pub development: BTreeMap<ItemId, DevelopmentAction>,
    pub calibration_notes: BTreeMap<ItemId, CalibrationNote>,
    /// Reminders of a late step, to the employee or their manager (`model::nudge`).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub nudges: BTreeMap<ItemId, crate::model::nudge::Nudge>,
    pub acknowledgement: Option<Signature>,
    pub signature: Option<Signature>,
}

impl Review {
    pub fn new(setup: ReviewSetup) -> Self {
        Self {
            cycle: setup.cycle,
            cycle_name: setup.cycle_name,
            period_start: setup.period_start,
            period_end: setup.period_end,
            employee: setup.employee,
            manager: setup.manager,
            hr: setup.hr.into_iter().map(|p| (p, true)).collect(),
            // Each written answer starts as an empty text made with the review, so two
            // people typing the first words of it at once merge into one text instead of
            // each making their own (of which one would win).
            answers: setup
                .template
                .written_questions()
                .map(|id| (id.clone(), Answers::default()))
                .collect(),
            scale: setup.scale,
            template: setup.template,
            ..Self::default()
        }
    }

    /// In what capacity `person` acts on this review.
    pub fn capacity_of(&self, person: &PersonId) -> Capacity {
        Capacity {
            employee: &self.employee == person,
            manager: self.manager.as_ref() == Some(person),
            hr: self.hr.contains_key(person),
        }
    }

    /// Whether `viewer` is shown this review at all: the employee, their manager and HR
    /// are; a colleague asked for feedback sees only their own request. (What a device
    /// holds is another matter: see "Reviews" in `docs/architecture.md`.)
    pub fn shown_to(&self, viewer: &PersonId) -> bool {
        !self.capacity_of(viewer).none()
    }

    /// Whether `viewer` is shown the manager's side (assessment, ratings, potential,
    /// calibration): the manager and HR always, the employee once the review is shared.
    pub fn manager_side_shown_to(&self, viewer: &PersonId) -> bool {
        let capacity = self.capacity_of(viewer);
        capacity.manager || capacity.hr || (capacity.employee && self.stage >= Stage::Shared)
    }

    pub fn actor<'a>(&self, person: &'a PersonId) -> Actor<'a> {
        Actor {
            person,
            capacity: self.capacity_of(person),
        }
    }

    /// Moves the review to `to`, if `who` may (see [`check_move`]).
    pub fn move_to(&mut self, to: Stage, who: Actor) -> Result<(), ReviewError> {
        let signed_any = self.acknowledgement.is_some() || self.signature.is_some();
        check_move(self.stage, to, who.capacity, signed_any)?;
        self.stage = to;
        Ok(())
    }

    fn may(&self, part: Part, who: Actor) -> Result<(), ReviewError> {
        check_write(part, self.stage, who.capacity)
    }

    pub fn set_self_assessment(&mut self, who: Actor, text: &str) -> Result<(), ReviewError> {
        self.may(Part::SelfAssessment, who)?;
        self.self_assessment.update_changed(text);
        Ok(())
    }

    pub fn set_manager_assessment(&mut self, who: Actor, text: &str) -> Result<(), ReviewError> {
        self.may(Part::ManagerAssessment, who)?;
        self.manager_assessment.update_changed(text);
        Ok(())
    }

    /// Goals in their order.
    pub fn goals_in_order(&self) -> Vec<(&ItemId, &ReviewGoal)> {
        crate::model::order::in_order(&self.goals)
    }

    pub fn add_goal(
        &mut self,
        who: Actor,
        title: &str,
        weight: i64,
    ) -> Result<ItemId, ReviewError> {
        self.may(Part::Goals, who)?;
        let title = valid_title(title)?;
        let weight = check_percent(weight, "A goal's weight")?;
        let position = position_after_last(self.goals.values());
        let id = ItemId::random();
        self.goals.insert(
            id.clone(),
            ReviewGoal {
                title: Text::with_value(title),
                weight,
                position,
                ..ReviewGoal::default()
            },
        );
        Ok(id)
    }

    fn goal_mut(&mut self, who: Actor, id: &ItemId) -> Result<&mut ReviewGoal, ReviewError> {
        self.may(Part::Goals, who)?;
        self.goals.get_mut(id).ok_or(ReviewError::GoalGone)
    }

    /// Writes a goal's title as it is typed (Automerge text, so two typists merge). It may
    /// be empty for a moment while someone retypes it; [`ReviewGoal::name`] reads an empty
    /// title as "Untitled goal".
    pub fn write_goal_title(
        &mut self,
        who: Actor,
        id: &ItemId,
        text: &str,
    ) -> Result<(), ReviewError> {
        if text.chars().count() > MAX_TITLE_CHARS {
            return Err(ReviewError::TitleTooLong);
        }
        self.goal_mut(who, id)?.title.update_changed(text);
        Ok(())
    }

    /// Writes a goal's description as it is typed.
    pub fn write_goal_description(
        &mut self,
        who: Actor,
        id: &ItemId,
        text: &str,
    ) -> Result<(), ReviewError> {
        self.goal_mut(who, id)?.description.update_changed(text);
        Ok(())
    }

    pub fn set_goal_weight(
        &mut self,
        who: Actor,
        id: &ItemId,
        weight: i64,
    ) -> Result<(), ReviewError> {
        let weight = check_percent(weight, "A goal's weight")?;
        self.goal_mut(who, id)?.weight = weight;
        Ok(())
    }

    pub fn set_goal_progress(
        &mut self,
        who: Actor,
        id: &ItemId,
        progress: i64,
    ) -> Result<(), ReviewError> {
        let progress = check_percent(progress, "Progress")?;
        self.goal_mut(who, id)?.progress = progress;
        Ok(())
    }

    /// Aligns a goal to a plan objective, or clears the link with `None`.
    pub fn align_goal(
        &mut self,
        who: Actor,
        id: &ItemId,
        alignment: Option<Alignment>,
    ) -> Result<(), ReviewError> {
        self.goal_mut(who, id)?.alignment = alignment;
        Ok(())
    }

    pub fn remove_goal(&mut self, who: Actor, id: &ItemId) -> Result<(), ReviewError> {
        self.goal_mut(who, id)?;
        self.goals.remove(id);
        Ok(())
    }

    /// Moves a goal up (`-1`) or down (`1`) in the list.
    pub fn move_goal(&mut self, who: Actor, id: &ItemId, by: i64) -> Result<(), ReviewError> {
        self.may(Part::Goals, who)?;
        let order: Vec<ItemId> = self
            .goals_in_order()
            .into_iter()
            .map(|(g, _)| g.clone())
            .collect();
        let from = order
            .iter()
            .position(|g| g == id)
            .ok_or(ReviewError::GoalGone)?;
        let to = from as i64 + by;
        if to < 0 || to >= order.len() as i64 {
            return Ok(());
        }
        move_among(&mut self.goals, &order, id, to as usize).map_err(|Gone| ReviewError::GoalGone)
    }

    /// The total of the goals' weights (100 when they are balanced).
    pub fn total_weight(&self) -> i64 {
        self.goals.values().map(|g| g.weight).sum()
    }

    /// Progress across goals, weighted (plain mean when no goal has a weight).
    pub fn weighted_progress(&self) -> Option<f64> {
        if self.goals.is_empty() {
            return None;
        }
        let total = self.total_weight();
        if total == 0 {
            let sum: i64 = self.goals.values().map(|g| g.progress).sum();
            return Some(sum as f64 / self.goals.len() as f64);
        }
        let sum: i64 = self.goals.values().map(|g| g.progress * g.weight).sum();
        Some(sum as f64 / total as f64)
    }

    /// Rates a goal: the employee's own rating, or the manager's.
    pub fn rate_goal(
        &mut self,
        who: Actor,
        id: &ItemId,
        rating: Option<i64>,
    ) -> Result<(), ReviewError> {
        let rating = self.checked_rating(rating)?;
        let by_manager = self.rating_as_manager(who)?;
        let goal = self.goals.get_mut(id).ok_or(ReviewError::GoalGone)?;
        if by_manager {
            goal.manager_rating = rating;
        } else {
            goal.self_rating = rating;
        }
        Ok(())
    }

    /// Rates a competency of the template.
    pub fn rate_competency(
        &mut self,
        who: Actor,
        competency: &ItemId,
        rating: Option<i64>,
    ) -> Result<(), ReviewError> {
        if !self
            .template
            .competencies
            .iter()
            .any(|c| &c.id == competency)
        {
            return Err(ReviewError::CompetencyNotInTemplate);
        }
        let rating = self.checked_rating(rating)?;
        let by_manager = self.rating_as_manager(who)?;
        let ratings = self.competencies.entry(competency.clone()).or_default();
        if by_manager {
            ratings.by_manager = rating;
        } else {
            ratings.by_employee = rating;
        }
        Ok(())
    }

    /// Answers a question of the template, as the employee or the manager.
    pub fn answer(
        &mut self,
        who: Actor,
        question: &ItemId,
        text: Option<&str>,
        rating: Option<i64>,
    ) -> Result<(), ReviewError> {
        let answer_kind = self
            .template
            .question(question)
            .map(|q| q.answer)
            .ok_or(ReviewError::QuestionNotInTemplate)?;
        let rating = self.checked_rating(rating)?;
        let by_manager = self.rating_as_manager(who)?;
        let answers = self.answers.entry(question.clone()).or_default();
        match (answer_kind, by_manager) {
            // Written as typed: only what differs is spliced into the text.
            (Answer::Text, false) => answers.by_employee.update_changed(text.unwrap_or_default()),
            (Answer::Text, true) => answers.by_manager.update_changed(text.unwrap_or_default()),
            (Answer::Rating, false) => answers.employee_rating = rating,
            (Answer::Rating, true) => answers.manager_rating = rating,
        }
        Ok(())
    }

    /// Sets the overall rating (the manager's, or HR's in calibration).
    pub fn set_overall(&mut self, who: Actor, rating: Option<i64>) -> Result<(), ReviewError> {
        self.may(Part::ManagerRatings, who)?;
        self.overall = self.checked_rating(rating)?;
        Ok(())
    }

    pub fn set_potential(
        &mut self,
        who: Actor,
        potential: Option<Potential>,
    ) -> Result<(), ReviewError> {
        self.may(Part::ManagerRatings, who)?;
        self.potential = potential;
        Ok(())
    }

    /// Whether `who` rates as the manager (true) or as the employee (false) at this stage.
    fn rating_as_manager(&self, who: Actor) -> Result<bool, ReviewError> {
        if who.capacity.manager || (who.capacity.hr && !who.capacity.employee) {
            self.may(Part::ManagerRatings, who)?;
            Ok(true)
        } else {
            self.may(Part::SelfRatings, who)?;
            Ok(false)
        }
    }

    fn checked_rating(&self, rating: Option<i64>) -> Result<Option<i64>, ReviewError> {
        rating.map(|value| self.scale.check(value)).transpose()
    }

    /// Asks `peer` for feedback on this review.
    pub fn request_feedback(
        &mut self,
        who: Actor,
        peer: &PersonId,
        anonymous: bool,
        at: i64,
    ) -> Result<ItemId, ReviewError> {
        check_act(Act::AskFeedback, self.stage, who.capacity)?;
        // The employee nominates; their manager or HR asks (and approves nominations).
        let nominated = who.capacity.employee && !(who.capacity.manager || who.capacity.hr);
        if peer == &self.employee {
            return Err(ReviewError::FeedbackFromEmployee);
        }
        if self.peer_feedback.values().any(|f| &f.from == peer) {
            return Err(ReviewError::AlreadyAsked);
        }
        let id = ItemId::random();
        self.peer_feedback.insert(
            id.clone(),
            PeerFeedback {
                from: peer.clone(),
                requested_by: who.person.clone(),
                requested_at: at,
                anonymous,
                nominated,
                own_document: true,
                ..PeerFeedback::default()
            },
        );
        Ok(id)
    }

    /// The manager (or HR) approves the employee's nomination of a colleague: the
    /// colleague is asked from now on.
    pub fn approve_nomination(&mut self, who: Actor, id: &ItemId) -> Result<(), ReviewError> {
        check_act(Act::ApproveNomination, self.stage, who.capacity)?;
        let feedback = self
            .peer_feedback
            .get_mut(id)
            .ok_or(ReviewError::FeedbackRequestGone)?;
        if feedback.nominated && feedback.approved_by.is_none() {
            feedback.approved_by = Some(who.person.clone());
        }
        Ok(())
    }

    /// The manager (or HR) declines a nomination that is still waiting: it goes.
    pub fn decline_nomination(&mut self, who: Actor, id: &ItemId) -> Result<(), ReviewError> {
        check_act(Act::ApproveNomination, self.stage, who.capacity)?;
        let waiting = self
            .peer_feedback
            .get(id)
            .ok_or(ReviewError::FeedbackRequestGone)?
            .waiting_for_approval();
        if !waiting {
            return Err(ReviewError::NominationDecided);
        }
        self.peer_feedback.remove(id);
        Ok(())
    }

    /// The asked peer writes their feedback, in a request made by an earlier version
    /// (one with no document of its own; see [`AskedFeedback::write`] for the others).
    pub fn write_feedback(
        &mut self,
        writer: &PersonId,
        id: &ItemId,
        text: &str,
        at: i64,
    ) -> Result<(), ReviewError> {
        let stage = self.stage;
        let feedback = self
            .peer_feedback
            .get_mut(id)
            .ok_or(ReviewError::FeedbackRequestGone)?;
        if feedback.waiting_for_approval() {
            return Err(ReviewError::NominationPending);
        }
        if feedback.document.is_some() {
            return Err(ReviewError::FeedbackWrittenElsewhere);
        }
        let asked = &feedback.from == writer;
        check_act(
            Act::WriteAskedFeedback { asked },
            stage,
            Capacity::default(),
        )?;
        // Written as it is typed: only what differs is spliced in, and it counts as
        // written while it holds more than blanks.
        feedback.text.update_changed(text);
        feedback.written_at = (!text.trim().is_empty()).then_some(at);
        Ok(())
    }

    /// Who wrote a piece of peer feedback, as `viewer` may see it: an anonymous writer is
    /// hidden from the employee (and only from them).
    pub fn feedback_author<'a>(
        &self,
        feedback: &'a PeerFeedback,
        viewer: &PersonId,
    ) -> Option<&'a PersonId> {
        if feedback.anonymous && viewer == &self.employee && viewer != &feedback.from {
            None
        } else {
            Some(&feedback.from)
        }
    }

    /// Pulls feedback given during the year into the review (once).
    pub fn pull_feedback(
        &mut self,
        who: Actor,
        id: &ItemId,
        feedback: PulledFeedback,
    ) -> Result<(), ReviewError> {
        check_act(Act::PullFeedback, self.stage, who.capacity)?;
        self.pulled_feedback.insert(id.clone(), feedback);
        Ok(())
    }

    /// Development actions in their order.
    pub fn development_in_order(&self) -> Vec<(&ItemId, &DevelopmentAction)> {
        crate::model::order::in_order(&self.development)
    }

    pub fn add_development(
        &mut self,
        who: Actor,
        skill: &str,
        action: &str,
        due: Option<&str>,
    ) -> Result<ItemId, ReviewError> {
        self.may(Part::Development, who)?;
        let entry = self.development_entry(skill, action, due)?;
        let position = position_after_last(self.development.values());
        let id = ItemId::random();
        self.development
            .insert(id.clone(), DevelopmentAction { position, ..entry });
        Ok(id)
    }

    pub fn edit_development(
        &mut self,
        who: Actor,
        id: &ItemId,
        skill: &str,
        action: &str,
        due: Option<&str>,
        status: ActionStatus,
    ) -> Result<(), ReviewError> {
        self.may(Part::Development, who)?;
        let entry = self.development_entry(skill, action, due)?;
        let existing = self
            .development
            .get_mut(id)
            .ok_or(ReviewError::DevelopmentActionGone)?;
        existing.skill = entry.skill;
        existing.action = entry.action;
        existing.due = entry.due;
        existing.status = status;
        Ok(())
    }

    pub fn remove_development(&mut self, who: Actor, id: &ItemId) -> Result<(), ReviewError> {
        self.may(Part::Development, who)?;
        self.development.remove(id);
        Ok(())
    }

    fn development_entry(
        &self,
        skill: &str,
        action: &str,
        due: Option<&str>,
    ) -> Result<DevelopmentAction, ReviewError> {
        let skill = skill.trim();
        let action = action.trim();
        if skill.is_empty() || action.is_empty() {
            return Err(ReviewError::DevelopmentActionIncomplete);
        }
        // A development plan may reach past the period, but not start before it.
        let due = match due.map(str::trim).filter(|d| !d.is_empty()) {
            Some(due) => {
                let due = crate::model::plan::parse_date(due)
                    .map_err(|reason| ReviewError::DueDateInvalid { reason })?;
                if due < self.period_start {
                    return Err(ReviewError::DueBeforePeriod {
                        due,
                        start: self.period_start.clone(),
                        end: self.period_end.clone(),
                    });
                }
                Some(due)
            }
            None => None,
        };
        Ok(DevelopmentAction {
            skill: skill.to_owned(),
            action: action.to_owned(),
            due,
            ..DevelopmentAction::default()
        })
    }

    /// Goals aligned to the objective `objective` of the plan at `plan`.
    pub fn goals_aligned_to<'a>(
        &'a self,
        plan: &'a DocumentUrl,
        objective: &'a ItemId,
    ) -> impl Iterator<Item = (&'a ItemId, &'a ReviewGoal)> + 'a {
        self.goals.iter().filter(move |(_, g)| {
            g.alignment
                .as_ref()
                .is_some_and(|a| &a.plan == plan && &a.objective == objective)
        })
    }
}

/// A trimmed, non-empty goal title of at most [`MAX_TITLE_CHARS`].
fn valid_title(text: &str) -> Result<String, ReviewError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ReviewError::GoalTitleMissing);
    }
    if text.chars().count() > MAX_TITLE_CHARS {
        return Err(ReviewError::TitleTooLong);
    }
    Ok(text.to_owned())
}

impl Review {
    /// Reads the review, with what once done is not undone read whatever concurrent
    /// writes conflict on it (`model::settled`): its stage the furthest any write left,
    /// its acknowledgement and signature present if any write left them, and so a
    /// feedback request's document and approval. A change built
    /// on the state before a signature that puts nothing there (or an earlier stage), and
    /// wins Automerge's choice with a larger operation counter, then undoes nothing. The
    /// pages, the relay and the links read it so.
    pub fn read_settled<D>(doc: &D) -> Result<Review, autosurgeon::HydrateError>
    where
        D: automerge::ReadDoc + autosurgeon::ReadDoc,
    {
        use crate::model::settled::{furthest, kept, kept_in_entry};
        let mut review: Review = autosurgeon::hydrate(doc)?;
        if let Some(stage) = furthest::<Stage, D>(doc, "stage") {
            review.stage = review.stage.max(stage);
        }
        if review.acknowledgement.is_none() {
            review.acknowledgement = kept::<Signature, D>(doc, "acknowledgement");
        }
        if review.signature.is_none() {
            review.signature = kept::<Signature, D>(doc, "signature");
        }
        // A request's document and approval, once given: unlinking the document would
        // have the manager's device make another, and what the colleague wrote would
        // answer nothing.
        for (id, request) in &mut review.peer_feedback {
            if request.document.is_none() {
                request.document =
                    kept_in_entry::<DocumentUrl, D>(doc, "peer_feedback", id.as_str(), "document");
            }
            if request.approved_by.is_none() {
                request.approved_by =
                    kept_in_entry::<PersonId, D>(doc, "peer_feedback", id.as_str(), "approved_by");
            }
        }
        Ok(review)
    }
}

impl crate::model::DocumentView for Review {
    /// What once done is not undone, read whatever writes conflict on it
    /// (`read_settled`).
    fn read(doc: &automerge::AutoCommit) -> Result<Self, String> {
        Self::read_settled(doc).map_err(|e| e.to_string())
    }

    /// Writes only the fields, and the entries of maps, that differ from `before`: a
    /// 9-box move changes one field, and comparing the whole review with the document
    /// (its template, scale and goals) took a few milliseconds of the frame.
    fn write_since(
        &mut self,
        before: &Self,
        doc: &mut automerge::AutoCommit,
    ) -> Result<(), String> {
        use crate::model::document_view::{write_field, write_map};
        // Every field is named here, with no `..`: a field added to `Review` and not
        // written is a compile error.
        let Review {
            cycle,
            cycle_name,
            period_start,
            period_end,
            employee,
            manager,
            hr,
            scale,
            template,
            stage,
            goals,
            self_assessment,
            manager_assessment,
            answers,
            competencies,
            overall,
            potential,
            peer_feedback,
            shared_feedback,
            pulled_feedback,
            development,
            calibration_notes,
            nudges,
            acknowledgement,
            signature,
        } = &*self;
        write_field(doc, "cycle", cycle, &before.cycle)?;
        write_field(doc, "cycle_name", cycle_name, &before.cycle_name)?;
        write_field(doc, "period_start", period_start, &before.period_start)?;
        write_field(doc, "period_end", period_end, &before.period_end)?;
        write_field(doc, "employee", employee, &before.employee)?;
        write_field(doc, "manager", manager, &before.manager)?;
        write_map(doc, "hr", hr, &before.hr)?;
        write_field(doc, "scale", scale, &before.scale)?;
        write_field(doc, "template", template, &before.template)?;
        write_field(doc, "stage", stage, &before.stage)?;
        write_map(doc, "goals", goals, &before.goals)?;
        write_field(
            doc,
            "self_assessment",
            self_assessment,
            &before.self_assessment,
        )?;
        write_field(
            doc,
            "manager_assessment",
            manager_assessment,
            &before.manager_assessment,
        )?;
        write_map(doc, "answers", answers, &before.answers)?;
        write_map(doc, "competencies", competencies, &before.competencies)?;
        write_field(doc, "overall", overall, &before.overall)?;
        write_field(doc, "potential", potential, &before.potential)?;
        write_map(doc, "peer_feedback", peer_feedback, &before.peer_feedback)?;
        write_map(
            doc,
            "shared_feedback",
            shared_feedback,
            &before.shared_feedback,
        )?;
        write_map(
            doc,
            "pulled_feedback",
            pulled_feedback,
            &before.pulled_feedback,
        )?;
        write_map(doc, "development", development, &before.development)?;
        write_map(
            doc,
            "calibration_notes",
            calibration_notes,
            &before.calibration_notes,
        )?;
        write_map(doc, "nudges", nudges, &before.nudges)?;
        write_field(
            doc,
            "acknowledgement",
            acknowledgement,
            &before.acknowledgement,
        )?;
        write_field(doc, "signature", signature, &before.signature)?;
        Ok(())
    }

    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Text edits are tied to the heads they were read at: every field that holds
        // text is read again (the rest, the template and scale above all, cannot go
        // stale). A field an older document kept as a string is text from here on.
        use crate::model::document_view::read_again;
        read_again(doc, "goals", &mut self.goals);
        read_again(doc, "self_assessment", &mut self.self_assessment);
        read_again(doc, "manager_assessment", &mut self.manager_assessment);
        read_again(doc, "answers", &mut self.answers);
        read_again(doc, "peer_feedback", &mut self.peer_feedback);
    }
}
