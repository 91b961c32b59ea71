//! Who changes which part of a check-in series, as the relay and a direct link check
//! every change a device sends of one (`model::part_check`). Both of the pair write it
//! (meetings, notes, agenda, actions), as the pages let them; what the pages never do is
//! refused: changing whose series it is, adding an agenda item in the other's name,
//! giving an action to someone outside the pair, or rewriting what was added (an agenda
//! item is marked discussed or removed; an action is marked done or removed; a meeting
//! keeps its date and is never removed, as its notes and actions hang on it).
//!
//! ```
//! use throughline::model::check_in::{CheckInError, CheckInSeries, PairMember};
//! use throughline::model::part_check::{PartRefused, PartRules};
//! use throughline::model::PersonId;
//! let (bo, ana) = (PersonId::from("bo"), PersonId::from("ana"));
//! let mut series = CheckInSeries::new(&bo, &ana);
//! let meeting = series.add_meeting("2027-03-01").unwrap();
//! let mut forged = series.clone();
//! forged.add_agenda_item(&meeting, "My raise", Some(&bo), 1).unwrap();
//! let ana_writes = PairMember { person: &ana, manager: &bo, employee: &ana };
//! assert_eq!(
//!     series.check_change_by(&forged, ana_writes),
//!     Err(PartRefused::CheckIn(CheckInError::InAnotherName))
//! );
//! ```

use std::collections::BTreeMap;

use super::check_in::{ActionItem, AgendaItem, CheckInError, CheckInSeries, MAX_ITEM_CHARS};
use super::part_check::{PartRefused, PartRules};
use super::{ItemId, PersonId};

/// A person writing a check-in series the workspace lists as the one between `manager`
/// and `employee`.
#[derive(Debug, Clone, Copy)]
pub struct PairMember<'a> {
    pub person: &'a PersonId,
    pub manager: &'a PersonId,
    pub employee: &'a PersonId,
}

impl<'a> PartRules<PairMember<'a>> for CheckInSeries {
    const WHAT: &'static str = "check-in series";

    /// Started by either of the pair the listing names, for that pair, empty.
    fn fresh(after: &CheckInSeries, who: PairMember<'a>) -> Option<CheckInSeries> {
        let listed = &after.manager == who.manager && &after.employee == who.employee;
        let in_pair = who.person == who.manager || who.person == who.employee;
        (listed && in_pair).then(|| CheckInSeries::new(who.manager, who.employee))
    }

    fn check_change_by(
        &self,
        after: &CheckInSeries,
        who: PairMember<'a>,
    ) -> Result<(), PartRefused> {
        Ok(self.check_pair_change(after, who)?)
    }
}

impl CheckInSeries {
    fn check_pair_change(
        &self,
        after: &CheckInSeries,
        who: PairMember,
    ) -> Result<(), CheckInError> {
        if self == after {
            return Ok(());
        }
        if who.person != who.manager && who.person != who.employee {
            return Err(CheckInError::NotInThePair);
        }
        if self.manager != after.manager || self.employee != after.employee {
            return Err(CheckInError::PairFixed);
        }
        for (id, meeting) in &self.meetings {
            match after.meetings.get(id) {
                Some(now) if now.date == meeting.date => {}
                _ => {
                    return Err(CheckInError::ItemFixed {
                        what: "A meeting",
                        how: "only its notes change.",
                    })
                }
            }
        }
        for (id, added) in &after.meetings {
            if !self.meetings.contains_key(id) && super::plan::parse_date(&added.date).is_err() {
                return Err(CheckInError::ItemFixed {
                    what: "A meeting",
                    how: "it is added on a date.",
                });
            }
        }
        let fixed_topic = CheckInError::ItemFixed {
            what: "An agenda item",
            how: "it is marked discussed or removed.",
        };
        let topic_as_added = |item: &AgendaItem| AgendaItem {
            discussed: false,
            ..item.clone()
        };
        check_items(
            &self.agenda,
            &after.agenda,
            topic_as_added,
            fixed_topic,
            |added| {
                if added.added_by.as_ref().is_some_and(|by| by != who.person) {
                    return Err(CheckInError::InAnotherName);
                }
                check_text(&added.text, "An agenda item")
            },
        )?;
        let fixed_action = CheckInError::ItemFixed {
            what: "An action item",
            how: "it is marked done or removed.",
        };
        let action_as_raised = |item: &ActionItem| ActionItem {
            done_in: None,
            ..item.clone()
        };
        check_items(
            &self.actions,
            &after.actions,
            action_as_raised,
            fixed_action,
            |added| {
                let owner_in_pair = added
                    .owner
                    .as_ref()
                    .is_none_or(|owner| owner == &after.manager || owner == &after.employee);
                if !owner_in_pair {
                    return Err(CheckInError::OwnerOutsideThePair);
                }
                check_text(&added.text, "An action item")
            },
        )?;
        Ok(())
    }
}

/// Items (agenda or actions) as either of the pair changes them: either removes one (as
/// the page lets them); one added passes `added`; one kept changes only in what
/// `as_added` clears (else `fixed`).
fn check_items<V: PartialEq>(
    before: &BTreeMap<ItemId, V>,
    after: &BTreeMap<ItemId, V>,
    as_added: impl Fn(&V) -> V,
    fixed: CheckInError,
    added: impl Fn(&V) -> Result<(), CheckInError>,
) -> Result<(), CheckInError> {
    for (id, now) in after {
        match before.get(id) {
            None => added(now)?,
            Some(was) if was != now && as_added(was) != as_added(now) => {
                return Err(fixed);
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// An added item's text, as the page takes it: some text, not too long.
fn check_text(text: &str, what: &'static str) -> Result<(), CheckInError> {
    if text.trim().is_empty() {
        return Err(CheckInError::TextMissing { what });
    }
    if text.chars().count() > MAX_ITEM_CHARS {
        return Err(CheckInError::TextTooLong { what });
    }
    Ok(())
}
