//! Reading fields that concurrent writes must not undo.
//!
//! Automerge keeps one of two concurrent writes to a field: the one with the larger
//! operation counter. A modified client can make its counter as large as it likes, so a
//! change it builds on an earlier state (which the relay and the links judge where it was
//! made, and take) can put back what a field held then, and win. For most fields that is
//! an ordinary concurrent edit. For a few it would undo what someone else did and may not
//! be undone by them: a review's signature or acknowledgement wiped, its stage put back,
//! asked feedback opened again after its close, a feedback request's document unlinked
//! (so that another is made, and what the colleague wrote answers nothing). Those are
//! read here from every value the
//! concurrent writes left: a present value over none, the furthest stage over an earlier
//! one. Honest devices never write so; they read the same as before.
//!
//! ```
//! use automerge::{transaction::Transactable, AutoCommit, ROOT};
//! use throughline::model::settled::conflicting;
//! let mut doc = AutoCommit::new();
//! doc.put(ROOT, "signed", true).unwrap();
//! let mut other = doc.fork();
//! doc.put(ROOT, "signed", false).unwrap();
//! other.put(ROOT, "signed", 1).unwrap();
//! other.put(ROOT, "signed", true).unwrap();
//! doc.merge(&mut other).unwrap();
//! let values: Vec<bool> = conflicting(&doc, "signed");
//! assert_eq!(values.len(), 2);
//! assert!(values.contains(&true) && values.contains(&false));
//! ```

use automerge::{ObjId, ObjType, Value, ROOT};
use autosurgeon::Hydrate;

/// Every value concurrent writes left at the root field `key`, read as `T` (a value that
/// does not read as `T` is left out), in Automerge's order: a plain read shows the last.
pub fn conflicting<T, D>(doc: &D, key: &str) -> Vec<T>
where
    T: Hydrate,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    conflicting_in(doc, &ROOT, key)
}

/// [`conflicting`], at the field `key` of the map `obj`.
pub fn conflicting_in<T, D>(doc: &D, obj: &ObjId, key: &str) -> Vec<T>
where
    T: Hydrate,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    let values = automerge::ReadDoc::get_all(doc, obj, key).unwrap_or_default();
    values
        .into_iter()
        .filter_map(|(value, id)| match value {
            Value::Object(ObjType::Map) => T::hydrate_map(doc, &id).ok(),
            Value::Object(_) => None,
            Value::Scalar(scalar) => T::hydrate_scalar(scalar).ok(),
        })
        .collect()
}

/// The last present value among those concurrent writes left at `key` (`None` only if
/// none is present).
pub fn kept<T, D>(doc: &D, key: &str) -> Option<T>
where
    T: Hydrate,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    // Nothing (null) does not read as `T`, so only present values are left.
    conflicting::<T, D>(doc, key).into_iter().last()
}

/// [`kept`], at the field `key` of the entry `entry` of the root map `map` (a request in
/// a review's `peer_feedback`, say).
pub fn kept_in_entry<T, D>(doc: &D, map: &str, entry: &str, key: &str) -> Option<T>
where
    T: Hydrate,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    let (_, map) = automerge::ReadDoc::get(doc, ROOT, map).ok()??;
    let (_, entry) = automerge::ReadDoc::get(doc, &map, entry).ok()??;
    conflicting_in::<T, D>(doc, &entry, key).into_iter().last()
}

/// The furthest of the values concurrent writes left at `key`.
pub fn furthest<T, D>(doc: &D, key: &str) -> Option<T>
where
    T: Hydrate + Ord,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    conflicting::<T, D>(doc, key).into_iter().max()
}
