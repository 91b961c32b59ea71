//! Reading a document back right after this device's own change, without reading its
//! long texts again.
//!
//! An edit's `autosurgeon::Text` is tied to the heads it was read at, so after each change
//! a view reads its texts back ([`DocumentView::refresh`](super::DocumentView::refresh)).
//! Reading a 100,000-character text out of Automerge costs about 5 ms, on every keystroke,
//! yet the view already holds the very characters its change wrote. [`KnownTexts`] is the
//! document as autosurgeon reads it, except that a text the view holds is answered from
//! the view: its object, heads and everything else still come from the document, so the
//! text read back is tied to the new heads as before. It serves the texts a document
//! holds at its root or in one map (the organisation's description, a plan's statements,
//! check-in notes); a review, small and read whole, is read from the document, since each
//! type read through this compiles its reader again.
//!
//! A text is taken from the view only if the view read it from this document (a field an
//! older document kept as a string, or a text made in this change, has no object yet and
//! is read from the document) and the document's text has the same length. The length
//! catches an edit missed or written twice, not one written in the wrong place: that
//! cannot happen while every peer stores text one character per element, as Rust and
//! JavaScript Automerge do, since positions are counted in the same bytes on both sides.
//!
//! ```
//! use autosurgeon::{hydrate_prop, reconcile_prop, Text};
//! use throughline::model::{KnownTexts, TextUpdate};
//! let mut doc = automerge::AutoCommit::new();
//! reconcile_prop(&mut doc, automerge::ROOT, "about", Text::with_value("We grow.")).unwrap();
//! let mut about: Text = hydrate_prop(&doc, automerge::ROOT, "about").unwrap();
//! about.update_changed("We grow together.");
//! reconcile_prop(&mut doc, automerge::ROOT, "about", &about).unwrap();
//! doc.commit();
//! let known = KnownTexts::new(&doc, [&about]);
//! let mut again: Text = hydrate_prop(&known, automerge::ROOT, "about").unwrap();
//! again.update_changed("We grow together, fast.");
//! reconcile_prop(&mut doc, automerge::ROOT, "about", &again).unwrap();
//! ```

use std::ops::RangeBounds;

use automerge::{AutoCommit, AutomergeError, ChangeHash, ObjId, ObjType, Value};
use autosurgeon::reconcile::LoadKey;
use autosurgeon::{ReadDoc, Reconcile, Text};

/// A document read with the texts a view already holds (see the module's comment).
pub struct KnownTexts<'a> {
    doc: &'a AutoCommit,
    texts: Vec<(ObjId, &'a str)>,
}

impl<'a> KnownTexts<'a> {
    /// `doc`, answering each of `texts` that has an object in it from its value.
    pub fn new(doc: &'a AutoCommit, texts: impl IntoIterator<Item = &'a Text>) -> Self {
        let texts = texts
            .into_iter()
            .filter_map(|text| match text.key() {
                LoadKey::Found(obj) => Some((obj, text.as_str())),
                _ => None,
            })
            .collect();
        Self { doc, texts }
    }
}

impl ReadDoc for KnownTexts<'_> {
    type Parents<'b>
        = automerge::Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<ChangeHash> {
        ReadDoc::get_heads(self.doc)
    }

    fn get<P: Into<automerge::Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        ReadDoc::get(self.doc, obj, prop)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<ObjType> {
        ReadDoc::object_type(self.doc, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> automerge::iter::MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
    {
        ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> automerge::iter::ListRange<'_> {
        ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        ReadDoc::length(self.doc, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        let obj = obj.as_ref();
        let known = self.texts.iter().find(|(id, _)| id == obj);
        match known {
            // The length is kept in Automerge's index: a cheap check that the change wrote
            // as many characters as the view holds (see the module's comment).
            Some((_, text)) if ReadDoc::length(self.doc, obj) == text.len() => {
                Ok((*text).to_owned())
            }
            _ => ReadDoc::text(self.doc, obj),
        }
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        ReadDoc::is_empty(self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TextUpdate;
    use autosurgeon::{hydrate_prop, reconcile_prop};

    #[test]
    fn a_text_read_back_from_the_view_keeps_taking_edits() {
        let mut doc = AutoCommit::new();
        reconcile_prop(&mut doc, automerge::ROOT, "about", Text::with_value("Café")).unwrap();
        let mut about: Text = hydrate_prop(&doc, automerge::ROOT, "about").unwrap();
        for typed in ["Café ", "Café o", "Café ol", "Café olé"] {
            about.update_changed(typed);
            reconcile_prop(&mut doc, automerge::ROOT, "about", &about).unwrap();
            doc.commit();
            let known = KnownTexts::new(&doc, [&about]);
            about = hydrate_prop(&known, automerge::ROOT, "about").unwrap();
            assert_eq!(about.as_str(), typed);
        }
        let read: Text = hydrate_prop(&doc, automerge::ROOT, "about").unwrap();
        assert_eq!(read.as_str(), "Café olé");
    }

    #[test]
    fn a_text_the_document_holds_otherwise_is_read_from_the_document() {
        let mut doc = AutoCommit::new();
        reconcile_prop(&mut doc, automerge::ROOT, "about", Text::with_value("Ours")).unwrap();
        let stale: Text = hydrate_prop(&doc, automerge::ROOT, "about").unwrap();
        let mut other: Text = hydrate_prop(&doc, automerge::ROOT, "about").unwrap();
        other.update_changed("Theirs, longer");
        reconcile_prop(&mut doc, automerge::ROOT, "about", &other).unwrap();
        doc.commit();
        let known = KnownTexts::new(&doc, [&stale]);
        let read: Text = hydrate_prop(&known, automerge::ROOT, "about").unwrap();
        assert_eq!(read.as_str(), "Theirs, longer");
    }
}
