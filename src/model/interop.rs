//! Reading documents written by other automerge-repo peers. The JavaScript Automerge
//! stores a string as collaborative text unless told otherwise, so a field that
//! Throughline writes as a plain string may arrive as text from a JavaScript client.

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
