//! Reading documents written by other automerge-repo peers and by older builds. The
//! JavaScript Automerge stores a string as collaborative text unless told otherwise, so a
//! field that Throughline writes as a plain string may arrive as text from a JavaScript
//! client; and a field that became text (so that typists merge) was a plain string in
//! documents written before.

use automerge::{ObjType, ScalarValue, Value};
use autosurgeon::{HydrateError, Prop, ReadDoc};

/// Hydrates a string field stored either as a plain string or as Automerge text.
pub(crate) fn string_or_text<D: ReadDoc>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<String, HydrateError> {
    match ReadDoc::get(doc, obj, &prop)? {
        Some((Value::Scalar(scalar), _)) => match scalar.as_ref() {
            ScalarValue::Str(text) => Ok(text.to_string()),
            other => Err(HydrateError::unexpected("a string", format!("{other:?}"))),
        },
        Some((Value::Object(ObjType::Text), text)) => Ok(doc.text(&text)?),
        Some((other, _)) => Err(HydrateError::unexpected("a string", format!("{other:?}"))),
        None => Err(HydrateError::unexpected("a string", "nothing".to_owned())),
    }
}

/// Hydrates a field people type into as Automerge text. A document written before the
/// field became text holds a plain string: it is read as fresh text, which the next edit
/// writes as a text object in its place (so from then on it merges character by
/// character). A missing field reads as empty text.
pub(crate) fn text_or_string<D: ReadDoc>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: Prop<'_>,
) -> Result<autosurgeon::Text, HydrateError> {
    match ReadDoc::get(doc, obj, &prop)? {
        Some((Value::Object(ObjType::Text), _)) => autosurgeon::hydrate_prop(doc, obj, prop),
        Some((Value::Scalar(scalar), _)) => match scalar.as_ref() {
            ScalarValue::Str(text) => Ok(autosurgeon::Text::with_value(text.as_str())),
            other => Err(HydrateError::unexpected("text", format!("{other:?}"))),
        },
        Some((other, _)) => Err(HydrateError::unexpected("text", format!("{other:?}"))),
        None => Ok(autosurgeon::Text::default()),
    }
}

/// Writes Automerge text into JSON exports as a plain string.
pub(crate) fn text_as_string<S: serde::Serializer>(
    text: &autosurgeon::Text,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text.as_str())
}
