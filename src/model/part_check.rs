//! Whether the changes a device sent to a document touch only the parts its person
//! writes: the check the relay and a direct link apply to every change they take of a
//! document several people write (a review, a check-in series, asked feedback), so that a
//! modified client cannot do there what the pages would not let its person do.
//!
//! Who may change a document at all is decided per document (`model::access`). Where a
//! document has several writers, each with their own parts, the document's type says
//! what a change from one state to the next may touch ([`PartRules`]); this module
//! applies that to changes as a sync message carries them, judging each where it was
//! made. [`PartWriter`] says, from the signed rules, in what capacity a device writes a
//! document, and [`check_parts`] checks changes against the right rules.
//!
//! ```
//! use automerge::AutoCommit;
//! use throughline::model::check_in::CheckInSeries;
//! use throughline::model::part_check::{check_parts, PartWriter};
//! use throughline::model::PersonId;
//! let (bo, ana, cy) = (PersonId::from("bo"), PersonId::from("ana"), PersonId::from("cy"));
//! let pair = PartWriter::CheckIn { manager: bo.clone(), employee: ana.clone() };
//! // Ana's device starts the series between Bo and her; Cy's could not.
//! let mut doc = AutoCommit::new();
//! autosurgeon::reconcile(&mut doc, &CheckInSeries::new(&bo, &ana)).unwrap();
//! let start = doc.save();
//! let empty = automerge::Automerge::new();
//! assert!(check_parts(&empty, &[], &[&start], &ana, &pair).is_ok());
//! assert!(check_parts(&empty, &[], &[&start], &cy, &pair).is_err());
//! ```

use automerge::{Automerge, ChangeHash, ReadDoc};
use autosurgeon::Hydrate;

use super::check_in::{CheckInError, CheckInSeries};
use super::review::{Actor, AskedFeedback, Capacity, Review, ReviewError};
use super::PersonId;

/// In what capacity a device writes a document whose changes are checked part by part,
/// as the signed rules and the workspace's listing say (`Access::part_writer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartWriter {
    /// A review: as its employee, their direct manager or HR (one person may be several).
    Review(Capacity),
    /// A check-in series, listed as the one between `manager` and `employee`: as one of
    /// the pair.
    CheckIn {
        manager: PersonId,
        employee: PersonId,
    },
    /// Feedback on `employee`'s review, listed as written by `writer`: as the colleague
    /// asked (who writes it), or as the employee's manager or HR (who ask for it and
    /// close it when the review is shared), or both.
    AskedFeedback {
        employee: PersonId,
        writer: Option<PersonId>,
        manager_or_hr: bool,
    },
}

/// Why a change is not its writer's to make, in the words of the document's own rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartRefused {
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error(transparent)]
    CheckIn(#[from] CheckInError),
}

/// Why changes a device sent to a document were not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefused {
    /// The document held here does not read as what it is listed as, or nothing is held
    /// and the writer is not one who starts such documents (or starts another): nothing
    /// to check against, so nothing is taken.
    #[error("this document is not held here yet")]
    NotHeld,
    #[error("a change does not read")]
    Unreadable,
    /// A change builds on one not held here: it could not be checked now, and would be
    /// applied, unchecked, whenever that one arrived.
    #[error("a change builds on changes not held here; it is not taken until they are")]
    BuildsOnMissing,
    /// After the changes the document would not read as what it is (`what`).
    #[error("the {what} would no longer read as one")]
    NoLongerReads { what: &'static str },
    /// A part that is not the writer's, or not at this point.
    #[error("{0}")]
    NotTheirs(PartRefused),
}

/// What a document's type says about who changes which of its parts. `W` is the writer
/// as the rules see them (a person, and in what capacity).
pub trait PartRules<W: Copy>: Hydrate + Sized {
    /// What the document is, in a refusal ("review").
    const WHAT: &'static str;

    /// The document as its starter makes it, before anything is written in it, given
    /// what it became (`after`, for what is fixed when it is made); `None` when `writer`
    /// does not start such documents, or not this one. The first changes are checked
    /// against it as any others.
    fn fresh(after: &Self, writer: W) -> Option<Self>;

    /// Whether `writer` may change the document from `self` into `after`.
    fn check_change_by(&self, after: &Self, writer: W) -> Result<(), PartRefused>;

    /// Reads the document. The default is autosurgeon's `hydrate`; a type with fields
    /// that must be read whatever writes conflict on them reads them so (asked feedback's
    /// close: `AskedFeedback::read_settled`).
    fn read(doc: &Automerge) -> Result<Self, autosurgeon::HydrateError> {
        autosurgeon::hydrate(doc)
    }
}

/// Whether `chunks` (changes as a sync message carries them), applied to `doc` after
/// `taken` (changes from the same sender already allowed and not yet in `doc`, as when
/// the relay checks a message before samod has taken the one before it), change only
/// what `person` writes as `writes_as`. The document is left as it is. When they do, the
/// document's heads with them: once `doc` holds these, it holds all they carried.
pub fn check_parts(
    doc: &Automerge,
    taken: &[&[u8]],
    chunks: &[&[u8]],
    person: &PersonId,
    writes_as: &PartWriter,
) -> Result<Vec<ChangeHash>, ChangeRefused> {
    match writes_as {
        PartWriter::Review(capacity) => check_changes_of::<Review, _>(
            doc,
            taken,
            chunks,
            Actor {
                person,
                capacity: *capacity,
            },
        ),
        PartWriter::CheckIn { manager, employee } => check_changes_of::<CheckInSeries, _>(
            doc,
            taken,
            chunks,
            super::check_in::PairMember {
                person,
                manager,
                employee,
            },
        ),
        PartWriter::AskedFeedback {
            employee,
            writer,
            manager_or_hr,
        } => check_changes_of::<AskedFeedback, _>(
            doc,
            taken,
            chunks,
            super::review::FeedbackHand {
                person,
                employee,
                writer: writer.as_ref(),
                manager_or_hr: *manager_or_hr,
            },
        ),
    }
}

/// [`check_parts`] for a document of type `T` written by `who`.
///
/// Each change is judged where it was made: the whole message against the document as
/// held first (the usual case, one check); if that is refused, change by change at each
/// one's own dependencies, so an edit made before a concurrent change by someone else (a
/// stage move, a closing) in the same message is taken as the pages took it. A message
/// does not carry one chunk per change (automerge's second message format puts all its
/// changes in one chunk, or a whole saved document): the changes are taken one by one
/// from the document they were loaded into. A change building on one not held is refused
/// (else it would apply, unchecked, later).
pub fn check_changes_of<T: PartRules<W>, W: Copy>(
    doc: &Automerge,
    taken: &[&[u8]],
    chunks: &[&[u8]],
    who: W,
) -> Result<Vec<ChangeHash>, ChangeRefused> {
    let mut held = doc.fork();
    for chunk in taken {
        // Already allowed; one that samod took meanwhile is simply there twice.
        let _ = held.load_incremental(chunk);
    }
    let waiting_before = held.get_missing_deps(&[]);
    let before: Option<T> = if held.get_heads().is_empty() {
        None
    } else {
        Some(T::read(&held).map_err(|_| ChangeRefused::NotHeld)?)
    };
    let mut after = held.fork();
    for chunk in chunks {
        after
            .load_incremental(chunk)
            .map_err(|_| ChangeRefused::Unreadable)?;
    }
    if after
        .get_missing_deps(&[])
        .iter()
        .any(|hash| !waiting_before.contains(hash))
    {
        return Err(ChangeRefused::BuildsOnMissing);
    }
    let read = |doc: &Automerge| -> Result<T, ChangeRefused> {
        T::read(doc).map_err(|_| ChangeRefused::NoLongerReads { what: T::WHAT })
    };
    let heads = after.get_heads();
    let Some(before) = before else {
        let read_after = read(&after)?;
        let fresh = T::fresh(&read_after, who).ok_or(ChangeRefused::NotHeld)?;
        fresh
            .check_change_by(&read_after, who)
            .map_err(ChangeRefused::NotTheirs)?;
        return Ok(heads);
    };
    match read(&after).and_then(|read_after| {
        before
            .check_change_by(&read_after, who)
            .map_err(ChangeRefused::NotTheirs)
    }) {
        Ok(()) => Ok(heads),
        Err(ChangeRefused::NotTheirs(why)) => {
            // The message's changes one by one, in causal order, whatever chunks they
            // came in.
            let changes = after.get_changes(&held.get_heads());
            each_where_made::<T, W>(&held, changes, who)
                .map(|()| heads)
                .map_err(|_| ChangeRefused::NotTheirs(why))
        }
        Err(other) => Err(other),
    }
}

/// Checks each of `changes` against the document at that change's own dependencies, in
/// the order given (causal order).
fn each_where_made<T: PartRules<W>, W: Copy>(
    held: &Automerge,
    changes: Vec<automerge::Change>,
    who: W,
) -> Result<(), ChangeRefused> {
    let mut work = held.fork();
    for change in changes {
        let mut at = work
            .fork_at(change.deps())
            .map_err(|_| ChangeRefused::BuildsOnMissing)?;
        let before: T = T::read(&at).map_err(|_| ChangeRefused::NotHeld)?;
        at.apply_changes([change.clone()])
            .map_err(|_| ChangeRefused::Unreadable)?;
        let after: T = T::read(&at).map_err(|_| ChangeRefused::NoLongerReads { what: T::WHAT })?;
        before
            .check_change_by(&after, who)
            .map_err(ChangeRefused::NotTheirs)?;
        work.apply_changes([change])
            .map_err(|_| ChangeRefused::Unreadable)?;
    }
    Ok(())
}
