//! How a typed view is written back into its Automerge document after an edit.
//!
//! autosurgeon's `reconcile` compares the whole view with the whole document: fine for a
//! small document, but an edit to one of 1,000 people would read all 1,000. A view that
//! knows its shape writes only what differs from the view it was edited from.

use automerge::AutoCommit;
use autosurgeon::{reconcile, Hydrate, Reconcile};

/// A typed view of a whole document.
pub trait DocumentView: Hydrate + Reconcile + Clone + 'static {
    /// Reads the whole document. The default is autosurgeon's `hydrate`, which looks up
    /// every field on its own; a large document may read faster another way.
    fn read(doc: &AutoCommit) -> Result<Self, String> {
        autosurgeon::hydrate(doc).map_err(|e| e.to_string())
    }

    /// Writes `self` into `doc`, which holds `before`. The default compares everything;
    /// implementations write only what changed.
    fn write_since(&mut self, before: &Self, doc: &mut AutoCommit) -> Result<(), String> {
        let _ = before;
        reconcile(doc, &*self).map_err(|e| e.to_string())
    }

    /// Called after the change is committed: re-read anything whose edits are tied to
    /// the document's heads (Automerge text), so the next edit starts from this state.
    fn refresh(&mut self, doc: &AutoCommit) {
        let _ = doc;
    }
}

/// Reads the root field `key` into `field` again (after a commit, for the text it holds:
/// see [`DocumentView::refresh`]); left as it is if the document does not read as `T`.
pub(crate) fn read_again<T: autosurgeon::Hydrate>(doc: &AutoCommit, key: &str, field: &mut T) {
    if let Ok(fresh) = autosurgeon::hydrate_prop(doc, automerge::ROOT, key) {
        *field = fresh;
    }
}

/// Whether the document has no root field `key` (an older document, made before the
/// field was).
fn lacks(doc: &AutoCommit, key: &str) -> Result<bool, String> {
    use automerge::ReadDoc;
    Ok(doc
        .get(automerge::ROOT, key)
        .map_err(|e| e.to_string())?
        .is_none())
}

/// Writes the root field `key` when it differs from `before`, or when the document lacks
/// it: an older document gets the field (an empty text, say) with its first edit, as
/// autosurgeon's whole-document `reconcile` made it, not only when the field is first
/// written, so two devices writing it first at once write into one object instead of
/// each making its own (of which one would win).
pub(crate) fn write_field<T: Reconcile + PartialEq>(
    doc: &mut AutoCommit,
    key: &str,
    now: &T,
    before: &T,
) -> Result<(), String> {
    if now != before || lacks(doc, key)? {
        autosurgeon::reconcile_prop(doc, automerge::ROOT, key, now).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Writes the entries of the root map `key` that were added or changed since `before`
/// and deletes those removed; the map is made if an older document lacks it, with the
/// first edit (see [`write_field`]).
pub(crate) fn write_map<K, V>(
    doc: &mut AutoCommit,
    key: &str,
    now: &std::collections::BTreeMap<K, V>,
    before: &std::collections::BTreeMap<K, V>,
) -> Result<(), String>
where
    K: Ord + AsRef<str>,
    V: Reconcile + PartialEq,
{
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ReadDoc, Value, ROOT};

    if now == before && !lacks(doc, key)? {
        return Ok(());
    }
    let map = match doc.get(ROOT, key).map_err(|e| e.to_string())? {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => doc
            .put_object(ROOT, key, ObjType::Map)
            .map_err(|e| e.to_string())?,
    };
    for (id, value) in now {
        if before.get(id) != Some(value) {
            autosurgeon::reconcile_prop(doc, &map, id.as_ref(), value)
                .map_err(|e| e.to_string())?;
        }
    }
    for id in before.keys().filter(|id| !now.contains_key(*id)) {
        doc.delete(&map, id.as_ref()).map_err(|e| e.to_string())?;
    }
    Ok(())
}
