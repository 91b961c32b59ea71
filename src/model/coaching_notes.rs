//! A manager's private coaching notes. They live in their own document, which this device
//! never lists in the workspace and never lends to sync unless the manager turns that on:
//! the privacy boundary is the document boundary.
//!
//! ```
//! use throughline::model::coaching_notes::CoachingNotes;
//! use throughline::model::PersonId;
//! let mut notes = CoachingNotes::default();
//! notes.add(&PersonId::from("ana"), "Ready for a bigger project.", 1).unwrap();
//! assert_eq!(notes.about(&PersonId::from("ana")).len(), 1);
//! ```

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::model::{ItemId, PersonId};

/// Longest note, in characters.
const MAX_NOTE_CHARS: usize = 10_000;

/// Why a coaching note was refused. The text is shown to the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoachingNotesError {
    #[error("Write the note first.")]
    NoteEmpty,
    #[error("A note is at most {MAX_NOTE_CHARS} characters.")]
    NoteTooLong,
}

/// One note about one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hydrate, Reconcile)]
pub struct CoachingNote {
    pub about: PersonId,
    pub text: String,
    pub written_at: i64,
}

/// The notes document.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct CoachingNotes {
    pub notes: BTreeMap<ItemId, CoachingNote>,
}

impl CoachingNotes {
    pub fn add(
        &mut self,
        about: &PersonId,
        text: &str,
        at: i64,
    ) -> Result<ItemId, CoachingNotesError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CoachingNotesError::NoteEmpty);
        }
        if text.chars().count() > MAX_NOTE_CHARS {
            return Err(CoachingNotesError::NoteTooLong);
        }
        let id = ItemId::random();
        self.notes.insert(
            id.clone(),
            CoachingNote {
                about: about.clone(),
                text: text.to_owned(),
                written_at: at,
            },
        );
        Ok(id)
    }

    pub fn remove(&mut self, id: &ItemId) {
        self.notes.remove(id);
    }

    /// Notes about `person`, newest first.
    pub fn about(&self, person: &PersonId) -> Vec<(&ItemId, &CoachingNote)> {
        let mut notes: Vec<_> = self
            .notes
            .iter()
            .filter(|(_, n)| &n.about == person)
            .collect();
        notes.sort_by(|a, b| b.1.written_at.cmp(&a.1.written_at).then(a.0.cmp(b.0)));
        notes
    }
}

impl crate::model::DocumentView for CoachingNotes {}

#[cfg(test)]
mod tests {
    use super::CoachingNotesError as E;

    /// Each refusal reads as it did when it was a sentence written here (the end-to-end
    /// tests and the person using the app see these).
    #[test]
    fn refusals_read_as_before() {
        assert_eq!(E::NoteEmpty.to_string(), "Write the note first.");
        assert_eq!(
            E::NoteTooLong.to_string(),
            "A note is at most 10000 characters."
        );
    }
}
