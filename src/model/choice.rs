//! A closed set of values a person picks from (a status, a role, a level): each has a
//! stable key, used as the value of a form's option and in tests, and a label in words.
//! The key never comes from `Debug`, so renaming a variant in code changes no form, and
//! a page finds the value a form sent with [`Choice::from_key`].
//!
//! ```
//! use throughline::model::plan::InitiativeStatus;
//! use throughline::model::Choice;
//! assert_eq!(InitiativeStatus::AtRisk.key(), "at-risk");
//! assert_eq!(InitiativeStatus::from_key("at-risk"), Some(InitiativeStatus::AtRisk));
//! assert_eq!(InitiativeStatus::from_key("AtRisk"), None);
//! ```

use super::plan::{InitiativeStatus, Level, PestleCategory, PlanStatus, PlanningCycle, Role};
use super::review::ActionStatus;

/// A value picked from a fixed list.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value, in the order a list shows them.
    fn all() -> &'static [Self];
    /// The stable key (lower case, words joined by `-`).
    fn key(self) -> &'static str;
    /// The value in words.
    fn label(self) -> &'static str;

    /// The value whose key is `key`.
    fn from_key(key: &str) -> Option<Self> {
        Self::all().iter().copied().find(|value| value.key() == key)
    }
}

/// Implements [`Choice`] for an enum with an `ALL` list and a `label` method, given each
/// variant's key.
macro_rules! choice {
    ($name:ident { $($variant:ident => $key:literal),+ $(,)? }) => {
        impl Choice for $name {
            fn all() -> &'static [Self] {
                &$name::ALL
            }

            fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    };
}

choice!(PlanningCycle { Annual => "annual", SemiAnnual => "semi-annual", Quarterly => "quarterly" });
choice!(PlanStatus { Draft => "draft", InReview => "in-review", Approved => "approved", Archived => "archived" });
choice!(Role { Board => "board", Executive => "executive", Contributor => "contributor" });
choice!(Level { Low => "low", Medium => "medium", High => "high" });
choice!(PestleCategory {
    Political => "political",
    Economic => "economic",
    Social => "social",
    Technological => "technological",
    Legal => "legal",
    Environmental => "environmental",
});
choice!(InitiativeStatus {
    NotStarted => "not-started",
    OnTrack => "on-track",
    AtRisk => "at-risk",
    Blocked => "blocked",
    Done => "done",
});
choice!(ActionStatus { Planned => "planned", InProgress => "in-progress", Done => "done" });

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key is unique in its list and leads back to its value.
    fn keys_are_unique_and_read_back<T: Choice + std::fmt::Debug>() {
        let all = T::all();
        for value in all {
            assert_eq!(T::from_key(value.key()), Some(*value));
            assert!(!value.label().is_empty());
        }
        let mut keys: Vec<&str> = all.iter().map(|v| v.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
    }

    #[test]
    fn every_choice_reads_back_from_its_key() {
        keys_are_unique_and_read_back::<PlanningCycle>();
        keys_are_unique_and_read_back::<PlanStatus>();
        keys_are_unique_and_read_back::<Role>();
        keys_are_unique_and_read_back::<Level>();
        keys_are_unique_and_read_back::<PestleCategory>();
        keys_are_unique_and_read_back::<InitiativeStatus>();
        keys_are_unique_and_read_back::<ActionStatus>();
    }
}
