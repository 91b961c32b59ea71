//! Check-ins (1:1s): one document per manager–employee pair, shared by the two of them.
//!
//! Meetings, agenda items and action items are maps keyed by [`ItemId`], so both people
//! adding to the agenda before the meeting (one of them offline) keep both. An action
//! item belongs to the series, not to a meeting: it records the meeting it was raised in
//! and the one it was done in, so an open item is carried over to every later meeting
//! without being copied ([`CheckInSeries::actions_for`]).
//!
//! ```
//! use throughline::model::check_in::CheckInSeries;
//! use throughline::model::PersonId;
//! let (bo, ana) = (PersonId::from("bo"), PersonId::from("ana"));
//! let mut series = CheckInSeries::new(&bo, &ana);
//! let first = series.add_meeting("2027-03-01").unwrap();
//! series.add_action(&first, "Book the training", Some(&ana), None).unwrap();
//! let second = series.add_meeting("2027-03-15").unwrap();
//! assert_eq!(series.actions_for(&second).len(), 1); // carried over, still open
//! ```

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

pub use super::check_in_changes::PairMember;
pub use super::check_in_error::CheckInError;
use crate::model::plan::parse_date;
use crate::model::{ItemId, PersonId, TextUpdate};

/// Longest agenda or action item, in characters.
pub(super) const MAX_ITEM_CHARS: usize = 500;

/// One meeting of the series.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Meeting {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Written together in the meeting: Automerge text.
    pub notes: Text,
}

/// A topic for a meeting; either person adds them before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgendaItem {
    pub meeting: ItemId,
    pub text: String,
    pub added_by: Option<PersonId>,
    pub added_at: i64,
    pub discussed: bool,
}

/// Something someone will do, followed up until done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionItem {
    /// The meeting it was raised in.
    pub raised_in: ItemId,
    pub text: String,
    pub owner: Option<PersonId>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// The meeting it was marked done in (`None` while open).
    pub done_in: Option<ItemId>,
}

/// A manager's check-ins with one of their people.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct CheckInSeries {
    pub manager: PersonId,
    pub employee: PersonId,
    pub meetings: BTreeMap<ItemId, Meeting>,
    pub agenda: BTreeMap<ItemId, AgendaItem>,
    pub actions: BTreeMap<ItemId, ActionItem>,
}

impl CheckInSeries {
    pub fn new(manager: &PersonId, employee: &PersonId) -> Self {
        Self {
            manager: manager.clone(),
            employee: employee.clone(),
            ..Self::default()
        }
    }

    /// Meetings by date, oldest first (ties by id, the same order on every device).
    pub fn meetings_in_order(&self) -> Vec<(&ItemId, &Meeting)> {
        let mut meetings: Vec<_> = self.meetings.iter().collect();
        meetings.sort_by(|a, b| a.1.date.cmp(&b.1.date).then(a.0.cmp(b.0)));
        meetings
    }

    pub fn add_meeting(&mut self, date: &str) -> Result<ItemId, CheckInError> {
        let date =
            parse_date(date).map_err(|reason| CheckInError::MeetingDateInvalid { reason })?;
        let id = ItemId::random();
        self.meetings.insert(
            id.clone(),
            Meeting {
                date,
                notes: Text::default(),
            },
        );
        Ok(id)
    }

    fn meeting_mut(&mut self, id: &ItemId) -> Result<&mut Meeting, CheckInError> {
        self.meetings.get_mut(id).ok_or(CheckInError::MeetingGone)
    }

    /// Replaces a meeting's notes; only the characters that differ are written.
    pub fn set_notes(&mut self, meeting: &ItemId, text: &str) -> Result<(), CheckInError> {
        self.meeting_mut(meeting)?.notes.update_changed(text);
        Ok(())
    }

    pub fn add_agenda_item(
        &mut self,
        meeting: &ItemId,
        text: &str,
        by: Option<&PersonId>,
        at: i64,
    ) -> Result<ItemId, CheckInError> {
        if !self.meetings.contains_key(meeting) {
            return Err(CheckInError::MeetingGone);
        }
        let text = item_text(text, "An agenda item")?;
        let id = ItemId::random();
        self.agenda.insert(
            id.clone(),
            AgendaItem {
                meeting: meeting.clone(),
                text,
                added_by: by.cloned(),
                added_at: at,
                discussed: false,
            },
        );
        Ok(id)
    }

    pub fn set_discussed(&mut self, item: &ItemId, discussed: bool) -> Result<(), CheckInError> {
        self.agenda
            .get_mut(item)
            .ok_or(CheckInError::AgendaItemGone)?
            .discussed = discussed;
        Ok(())
    }

    pub fn remove_agenda_item(&mut self, item: &ItemId) {
        self.agenda.remove(item);
    }

    /// A meeting's agenda, in the order items were added.
    pub fn agenda_for(&self, meeting: &ItemId) -> Vec<(&ItemId, &AgendaItem)> {
        let mut items: Vec<_> = self
            .agenda
            .iter()
            .filter(|(_, a)| &a.meeting == meeting)
            .collect();
        items.sort_by(|a, b| a.1.added_at.cmp(&b.1.added_at).then(a.0.cmp(b.0)));
        items
    }

    pub fn add_action(
        &mut self,
        meeting: &ItemId,
        text: &str,
        owner: Option<&PersonId>,
        due: Option<&str>,
    ) -> Result<ItemId, CheckInError> {
        if !self.meetings.contains_key(meeting) {
            return Err(CheckInError::MeetingGone);
        }
        let text = item_text(text, "An action item")?;
        let due = due
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(parse_date)
            .transpose()
            .map_err(|reason| CheckInError::DueDateInvalid { reason })?;
        let id = ItemId::random();
        self.actions.insert(
            id.clone(),
            ActionItem {
                raised_in: meeting.clone(),
                text,
                owner: owner.cloned(),
                due,
                done_in: None,
            },
        );
        Ok(id)
    }

    /// Marks an action done in `meeting`, or open again with `None`.
    pub fn set_done(
        &mut self,
        action: &ItemId,
        meeting: Option<&ItemId>,
    ) -> Result<(), CheckInError> {
        if let Some(meeting) = meeting {
            if !self.meetings.contains_key(meeting) {
                return Err(CheckInError::MeetingGone);
            }
        }
        self.actions
            .get_mut(action)
            .ok_or(CheckInError::ActionItemGone)?
            .done_in = meeting.cloned();
        Ok(())
    }

    pub fn remove_action(&mut self, action: &ItemId) {
        self.actions.remove(action);
    }

    /// The actions to go through in `meeting`: those raised in it, and those raised in an
    /// earlier meeting that were still open when it began (carried over), including any
    /// done in this meeting. Oldest first.
    pub fn actions_for(&self, meeting: &ItemId) -> Vec<(&ItemId, &ActionItem)> {
        let order: Vec<&ItemId> = self
            .meetings_in_order()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let rank = |id: &ItemId| order.iter().position(|m| *m == id);
        let Some(this) = rank(meeting) else {
            return Vec::new();
        };
        let mut actions: Vec<_> = self
            .actions
            .iter()
            .filter(|(_, action)| {
                let Some(raised) = rank(&action.raised_in) else {
                    // Its meeting was removed: keep following it up everywhere until done.
                    return action.done_in.is_none();
                };
                if raised > this {
                    return false;
                }
                match action.done_in.as_ref().map(&rank) {
                    None => true,
                    Some(Some(done)) => done >= this,
                    // Done in a meeting that was removed: done, but not here.
                    Some(None) => raised == this,
                }
            })
            .collect();
        actions.sort_by_key(|(id, a)| (rank(&a.raised_in), a.text.clone(), (*id).clone()));
        actions
    }

    /// Whether an action shown in `meeting` was carried over from an earlier one.
    pub fn carried_over(&self, action: &ActionItem, meeting: &ItemId) -> bool {
        &action.raised_in != meeting
    }

    /// Open actions across the whole series.
    pub fn open_actions(&self) -> usize {
        self.actions
            .values()
            .filter(|a| a.done_in.is_none())
            .count()
    }
}

/// Identifies the JSON shape of a check-in series (`docs/formats.md`).
pub const CHECK_INS_JSON_FORMAT: &str = "throughline-check-ins";
pub const CHECK_INS_JSON_VERSION: u32 = 1;

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SeriesJson<'a> {
    format: &'static str,
    version: u32,
    document: &'a str,
    manager: &'a PersonId,
    employee: &'a PersonId,
    meetings: Vec<MeetingJson<'a>>,
    agenda: &'a BTreeMap<ItemId, AgendaItem>,
    actions: &'a BTreeMap<ItemId, ActionItem>,
}

#[derive(serde::Serialize)]
struct MeetingJson<'a> {
    id: &'a ItemId,
    date: &'a str,
    notes: &'a str,
}

impl CheckInSeries {
    /// The series as pretty-printed JSON; `document` is its `automerge:` URL. Meetings
    /// are in date order; agenda and action items are keyed by id.
    pub fn to_json(&self, document: &str) -> String {
        let export = SeriesJson {
            format: CHECK_INS_JSON_FORMAT,
            version: CHECK_INS_JSON_VERSION,
            document,
            manager: &self.manager,
            employee: &self.employee,
            meetings: self
                .meetings_in_order()
                .into_iter()
                .map(|(id, m)| MeetingJson {
                    id,
                    date: &m.date,
                    notes: m.notes.as_str(),
                })
                .collect(),
            agenda: &self.agenda,
            actions: &self.actions,
        };
        // Serialising strings, numbers, lists and string-keyed maps cannot fail.
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }
}

/// The trimmed text of an agenda or action item; `what` names it in a sentence.
fn item_text(text: &str, what: &'static str) -> Result<String, CheckInError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CheckInError::TextMissing { what });
    }
    if text.chars().count() > MAX_ITEM_CHARS {
        return Err(CheckInError::TextTooLong { what });
    }
    Ok(text.to_owned())
}

impl crate::model::DocumentView for CheckInSeries {
    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Meeting notes are text tied to the heads they were read at: read them again,
        // taking their characters from this view, which just wrote them (`KnownTexts`).
        let notes = self.meetings.values().map(|meeting| &meeting.notes);
        let known = crate::model::KnownTexts::new(doc, notes);
        if let Ok(meetings) = autosurgeon::hydrate_prop(&known, automerge::ROOT, "meetings") {
            self.meetings = meetings;
        }
    }
}
