//! The manager's side of a review in a document of its own: the manager's assessment and
//! written answers, their ratings (goals, questions, competencies, overall, potential)
//! and the calibration notes.
//!
//! The review document is the employee's: they hold it from the start, with its history
//! and the actor ids of every change, so a draft written there is theirs to read before
//! anyone meant them to. The manager's side is held by the employee's managers and HR
//! only (`model::listing::Listed::ManagerSide`), and copied into the review when it is
//! shared (calibration notes never are). Its id is derived from the review's
//! ([`ManagerSide::document_of`]) and its first change is the same on every device
//! ([`ManagerSide::initial`] made with a fixed actor and time), so the manager and HR
//! each set it up without asking anyone and never make two.
//!
//! Pages read a review as its manager's side shows it ([`Review::with_manager_side`])
//! and every edit goes through [`ManagerSide::edit`], which writes what the edit changed
//! of the manager's side here and the rest into the review. A review begun by an earlier
//! build keeps what its manager wrote in the review document: it shows until the manager
//! writes it again here, and clearing it clears both.
//!
//! ```
//! use throughline::model::review::{ManagerSide, Review, ReviewSetup, Stage};
//! use throughline::model::{DocumentId, PersonId};
//! let (employee, manager) = (PersonId::from("ana"), PersonId::from("bo"));
//! let mut review = Review::new(ReviewSetup::example(&employee, Some(&manager)));
//! review.stage = Stage::ManagerReview;
//! let mut side = ManagerSide::initial(DocumentId::random(), &review);
//! let bo = review.actor(&manager);
//! ManagerSide::edit(&mut review, &mut side, |r| r.set_overall(bo, Some(4))).unwrap();
//! assert_eq!((review.overall, side.overall), (None, Some(4)));
//! assert_eq!(review.with_manager_side(&side).overall, Some(4));
//! ```

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use super::{CalibrationNote, Potential, Review, Stage};
use crate::model::{DocumentId, ItemId, TextUpdate};

/// The purpose a manager's side's id is derived for.
const PURPOSE: &str = "manager side";

/// What only the employee's managers and HR hold until the review is shared.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct ManagerSide {
    /// The review's document id.
    pub review: String,
    #[autosurgeon(missing = "Text::default")]
    pub assessment: Text,
    /// Written answers by question: one text per written question, made with the
    /// document so two people typing the first words at once merge into one.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub answers: BTreeMap<ItemId, Text>,
    /// Rated questions, competencies and goals, by id; absent until rated here.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub answer_ratings: BTreeMap<ItemId, i64>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub competencies: BTreeMap<ItemId, i64>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub goals: BTreeMap<ItemId, i64>,
    pub overall: Option<i64>,
    pub potential: Option<Potential>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub calibration_notes: BTreeMap<ItemId, CalibrationNote>,
}

/// The manager's parts of a review, taken out of it (see [`Review::take_manager_parts`]).
#[derive(Debug, Clone, Default, PartialEq)]
struct ManagerParts {
    assessment: Text,
    answers: BTreeMap<ItemId, Text>,
    answer_ratings: BTreeMap<ItemId, Option<i64>>,
    competencies: BTreeMap<ItemId, Option<i64>>,
    goals: BTreeMap<ItemId, Option<i64>>,
    overall: Option<i64>,
    potential: Option<Potential>,
    calibration_notes: BTreeMap<ItemId, CalibrationNote>,
}

impl ManagerSide {
    /// The id of the manager's side of the review `review`.
    pub fn document_of(review: DocumentId) -> DocumentId {
        review.derived(PURPOSE)
    }

    /// What the document holds when it is set up for `review` (document `id`): an empty
    /// text for the assessment and for each written question. The same on every device
    /// (the template is the review's own copy, fixed when it was made).
    pub fn initial(id: DocumentId, review: &Review) -> Self {
        Self {
            review: id.to_string(),
            answers: review
                .template
                .written_questions()
                .map(|id| (id.clone(), Text::default()))
                .collect(),
            ..Self::default()
        }
    }

    /// Applies `edit` to `review` as its manager's side shows it ([`Review::
    /// with_manager_side`]), then writes what changed: the manager's parts into `side`,
    /// the rest into `review`. Until the review is shared its manager's parts stay out of
    /// it (one an earlier build wrote there is cleared when cleared here); once shared,
    /// they are copied into it, calibration notes apart. On refusal neither changes.
    pub fn edit<R, E>(
        review: &mut Review,
        side: &mut ManagerSide,
        edit: impl FnOnce(&mut Review) -> Result<R, E>,
    ) -> Result<R, E> {
        let before = review.with_manager_side(side);
        let mut after = before.clone();
        let result = edit(&mut after)?;
        let was = before.clone().take_manager_parts();
        let now = after.take_manager_parts();
        side.take_changes(&was, &now);
        let shared = after.stage >= Stage::Shared;
        let mut legacy = review.take_manager_parts();
        *review = after;
        legacy.follow(&was, &now, shared);
        review.put_manager_parts(legacy);
        Ok(result)
    }

    /// Writes into the document what changed from `was` to `now`.
    fn take_changes(&mut self, was: &ManagerParts, now: &ManagerParts) {
        if now.assessment.as_str() != was.assessment.as_str() {
            self.assessment = now.assessment.clone();
        }
        for (id, text) in &now.answers {
            if was.answers.get(id).map(Text::as_str) != Some(text.as_str()) {
                self.answers.insert(id.clone(), text.clone());
            }
        }
        changed_ratings(
            &mut self.answer_ratings,
            &was.answer_ratings,
            &now.answer_ratings,
        );
        changed_ratings(&mut self.competencies, &was.competencies, &now.competencies);
        changed_ratings(&mut self.goals, &was.goals, &now.goals);
        if now.overall != was.overall {
            self.overall = now.overall;
        }
        if now.potential != was.potential {
            self.potential = now.potential;
        }
        for (id, note) in &now.calibration_notes {
            if was.calibration_notes.get(id) != Some(note) {
                self.calibration_notes.insert(id.clone(), note.clone());
            }
        }
        for id in was.calibration_notes.keys() {
            if !now.calibration_notes.contains_key(id) {
                self.calibration_notes.remove(id);
            }
        }
    }
}

/// Ratings changed from `was` to `now`, written into `side` (a cleared one removed).
fn changed_ratings(
    side: &mut BTreeMap<ItemId, i64>,
    was: &BTreeMap<ItemId, Option<i64>>,
    now: &BTreeMap<ItemId, Option<i64>>,
) {
    for (id, rating) in now {
        if was.get(id).copied().flatten() != *rating {
            match rating {
                Some(value) => side.insert(id.clone(), *value),
                None => side.remove(id),
            };
        }
    }
}

impl ManagerParts {
    /// What the review document keeps of the manager's parts after an edit that changed
    /// them from `was` to `now` (`self` holds what it kept before): once shared, all of
    /// them but the calibration notes; before, only what an earlier build wrote there,
    /// and not what the edit cleared.
    fn follow(&mut self, was: &ManagerParts, now: &ManagerParts, shared: bool) {
        let keep_text = |kept: &mut Text, was: &str, now: &str| {
            if (shared || (now.is_empty() && was != now)) && kept.as_str() != now {
                kept.update_changed(now);
            }
        };
        keep_text(
            &mut self.assessment,
            was.assessment.as_str(),
            now.assessment.as_str(),
        );
        for (id, text) in &now.answers {
            let was = was.answers.get(id).map_or("", Text::as_str);
            keep_text(
                self.answers.entry(id.clone()).or_default(),
                was,
                text.as_str(),
            );
        }
        let keep = |kept: &mut Option<i64>, was: Option<i64>, now: Option<i64>| {
            if shared || (now.is_none() && was != now) {
                *kept = now;
            }
        };
        for (kept, was, now) in [
            (
                &mut self.answer_ratings,
                &was.answer_ratings,
                &now.answer_ratings,
            ),
            (&mut self.competencies, &was.competencies, &now.competencies),
            (&mut self.goals, &was.goals, &now.goals),
        ] {
            for (id, rating) in now {
                let was = was.get(id).copied().flatten();
                keep(kept.entry(id.clone()).or_default(), was, *rating);
            }
        }
        keep(&mut self.overall, was.overall, now.overall);
        if shared || (now.potential.is_none() && was.potential != now.potential) {
            self.potential = now.potential;
        }
        for id in was.calibration_notes.keys() {
            if !now.calibration_notes.contains_key(id) {
                self.calibration_notes.remove(id);
            }
        }
    }
}

impl Review {
    /// This review as its manager's side shows it: what `side` holds, and where it holds
    /// nothing yet, what an earlier build wrote into the review.
    pub fn with_manager_side(&self, side: &ManagerSide) -> Review {
        let mut shown = self.clone();
        let mut parts = shown.take_manager_parts();
        let over_text = |kept: &Text, side: Option<&Text>| {
            // The side's own text, so what is typed into it is spliced there; showing an
            // earlier build's words until something is written here.
            let mut text = side.cloned().unwrap_or_default();
            if text.as_str().is_empty() && !kept.as_str().is_empty() {
                text.update_changed(kept.as_str());
            }
            text
        };
        parts.assessment = over_text(&parts.assessment, Some(&side.assessment));
        for id in self.template.written_questions() {
            let kept = parts.answers.remove(id).unwrap_or_default();
            parts
                .answers
                .insert(id.clone(), over_text(&kept, side.answers.get(id)));
        }
        for (kept, side) in [
            (&mut parts.answer_ratings, &side.answer_ratings),
            (&mut parts.competencies, &side.competencies),
            (&mut parts.goals, &side.goals),
        ] {
            for (id, rating) in side {
                kept.insert(id.clone(), Some(*rating));
            }
        }
        parts.overall = side.overall.or(parts.overall);
        parts.potential = side.potential.or(parts.potential);
        parts.calibration_notes.extend(
            side.calibration_notes
                .iter()
                .map(|(id, note)| (id.clone(), note.clone())),
        );
        shown.put_manager_parts(parts);
        shown
    }

    /// Whether the review shows the manager's side as `side` holds it (what a manager's
    /// or HR's device checks once the review is shared, to copy what differs).
    pub fn shows_manager_side(&self, side: &ManagerSide) -> bool {
        let mut shown = self.with_manager_side(side);
        let mut own = self.clone();
        shown.calibration_notes.clear();
        own.calibration_notes.clear();
        let text = |r: &Review| {
            let mut out = vec![r.manager_assessment.as_str().to_owned()];
            out.extend(r.answers.values().map(|a| a.by_manager.as_str().to_owned()));
            out
        };
        text(&shown) == text(&own)
            && shown.overall == own.overall
            && shown.potential == own.potential
            && shown
                .goals
                .values()
                .map(|g| g.manager_rating)
                .eq(own.goals.values().map(|g| g.manager_rating))
            && shown.competencies == own.competencies
            && shown
                .answers
                .values()
                .map(|a| a.manager_rating)
                .eq(own.answers.values().map(|a| a.manager_rating))
    }

    /// Takes the manager's parts out of the review (leaving them empty).
    fn take_manager_parts(&mut self) -> ManagerParts {
        ManagerParts {
            assessment: std::mem::take(&mut self.manager_assessment),
            answers: self
                .answers
                .iter_mut()
                .map(|(id, a)| (id.clone(), std::mem::take(&mut a.by_manager)))
                .collect(),
            answer_ratings: self
                .answers
                .iter_mut()
                .map(|(id, a)| (id.clone(), a.manager_rating.take()))
                .collect(),
            competencies: self
                .competencies
                .iter_mut()
                .map(|(id, c)| (id.clone(), c.by_manager.take()))
                .collect(),
            goals: self
                .goals
                .iter_mut()
                .map(|(id, g)| (id.clone(), g.manager_rating.take()))
                .collect(),
            overall: self.overall.take(),
            potential: self.potential.take(),
            calibration_notes: std::mem::take(&mut self.calibration_notes),
        }
    }

    /// Puts the manager's parts back (into the goals, answers and competencies the review
    /// has; a rating of one it lacks makes its entry).
    fn put_manager_parts(&mut self, parts: ManagerParts) {
        self.manager_assessment = parts.assessment;
        for (id, text) in parts.answers {
            self.answers.entry(id).or_default().by_manager = text;
        }
        for (id, rating) in parts.answer_ratings {
            if rating.is_some() || self.answers.contains_key(&id) {
                self.answers.entry(id).or_default().manager_rating = rating;
            }
        }
        for (id, rating) in parts.competencies {
            if rating.is_some() || self.competencies.contains_key(&id) {
                self.competencies.entry(id).or_default().by_manager = rating;
            }
        }
        for (id, rating) in parts.goals {
            if let Some(goal) = self.goals.get_mut(&id) {
                goal.manager_rating = rating;
            }
        }
        self.overall = parts.overall;
        self.potential = parts.potential;
        self.calibration_notes = parts.calibration_notes;
    }
}

impl crate::model::DocumentView for ManagerSide {
    /// Writes only the fields, and the entries of maps, that differ from `before` (see
    /// the same for [`Review`]).
    fn write_since(
        &mut self,
        before: &Self,
        doc: &mut automerge::AutoCommit,
    ) -> Result<(), String> {
        use crate::model::document_view::{write_field, write_map};
        // Every field is named, with no `..`: one added and not written is a compile
        // error.
        let ManagerSide {
            review,
            assessment,
            answers,
            answer_ratings,
            competencies,
            goals,
            overall,
            potential,
            calibration_notes,
        } = &*self;
        write_field(doc, "review", review, &before.review)?;
        write_field(doc, "assessment", assessment, &before.assessment)?;
        write_map(doc, "answers", answers, &before.answers)?;
        write_map(
            doc,
            "answer_ratings",
            answer_ratings,
            &before.answer_ratings,
        )?;
        write_map(doc, "competencies", competencies, &before.competencies)?;
        write_map(doc, "goals", goals, &before.goals)?;
        write_field(doc, "overall", overall, &before.overall)?;
        write_field(doc, "potential", potential, &before.potential)?;
        write_map(
            doc,
            "calibration_notes",
            calibration_notes,
            &before.calibration_notes,
        )?;
        Ok(())
    }

    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Text edits are tied to the heads they were read at: the texts are read again
        // (the ratings and notes cannot go stale).
        use crate::model::document_view::read_again;
        read_again(doc, "assessment", &mut self.assessment);
        read_again(doc, "answers", &mut self.answers);
    }
}
