//! How a typed view is written back into its Automerge document after an edit.
//!
//! autosurgeon's `reconcile` compares the whole view with the whole document: fine for a
//! small document, but an edit to one of 1,000 people would read all 1,000. A view that
//! knows its shape writes only what differs from the view it was edited from.

use automerge::AutoCommit;
use autosurgeon::{reconcile, Hydrate, Reconcile};

/// A typed view of a whole document.
pub trait DocumentView: Hydrate + Reconcile + Clone + 'static {
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
