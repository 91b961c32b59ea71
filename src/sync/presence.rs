//! Presence: who else has a document open (the workspace, a plan, a review), where, and
//! which field they are in, sent as the data of `ephemeral` messages on that document
//! (never stored). The data is a CBOR map, as JavaScript automerge-repo peers encode
//! theirs: `{"name": text, "page": text, "field": text, "leaving": bool}`; `field` is
//! empty when they are in none, and may be missing (older devices).
//!
//! ```
//! use throughline::sync::Presence;
//! let here = Presence {
//!     name: "Ana Lima".into(),
//!     page: "Reviews".into(),
//!     field: "Self assessment".into(),
//!     leaving: false,
//! };
//! assert_eq!(Presence::decode(&here.encode()).unwrap(), here);
//! ```

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

/// What one device says about the person using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Their name, or a word for someone who has not said who they are.
    pub name: String,
    /// The part of the app they have open ("Plans").
    pub page: String,
    /// The label of the field they are in, or empty.
    pub field: String,
    /// Sent when the page closes (or they leave the document).
    pub leaving: bool,
}

/// Longest name or page accepted from another device, in characters.
const MAX_TEXT: usize = 200;

impl Presence {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut e = Encoder::new(&mut bytes);
        // Writing to a Vec cannot fail.
        let _ = e
            .map(4)
            .and_then(|e| e.str("name"))
            .and_then(|e| e.str(&self.name))
            .and_then(|e| e.str("page"))
            .and_then(|e| e.str(&self.page))
            .and_then(|e| e.str("field"))
            .and_then(|e| e.str(&self.field))
            .and_then(|e| e.str("leaving"))
            .and_then(|e| e.bool(self.leaving));
        bytes
    }

    /// Reads another device's presence; anything else (another app's data) is refused.
    pub fn decode(bytes: &[u8]) -> Result<Presence, String> {
        let wrong = |what: &str| format!("not presence data: {what}");
        let mut d = Decoder::new(bytes);
        let entries = d
            .map()
            .map_err(|_| wrong("not a map"))?
            .ok_or_else(|| wrong("a map of unknown length"))?;
        let (mut name, mut page, mut field, mut leaving) =
            (None, String::new(), String::new(), false);
        for _ in 0..entries {
            let key = d.str().map_err(|_| wrong("a key is not text"))?;
            match (key, d.datatype().map_err(|_| wrong("truncated"))?) {
                ("name", Type::String) => {
                    name = Some(d.str().map_err(|_| wrong("name"))?.to_owned())
                }
                ("page", Type::String) => page = d.str().map_err(|_| wrong("page"))?.to_owned(),
                ("field", Type::String) => field = d.str().map_err(|_| wrong("field"))?.to_owned(),
                ("leaving", Type::Bool) => leaving = d.bool().map_err(|_| wrong("leaving"))?,
                _ => d.skip().map_err(|_| wrong("truncated"))?,
            }
        }
        let name = name.ok_or_else(|| wrong("no name"))?;
        if [&name, &page, &field]
            .iter()
            .any(|text| text.chars().count() > MAX_TEXT)
        {
            return Err(wrong("too long"));
        }
        Ok(Presence {
            name,
            page,
            field,
            leaving,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Presence;

    #[test]
    fn other_data_is_refused() {
        assert!(Presence::decode(b"").is_err());
        assert!(Presence::decode(&[0x01]).is_err());
        // {"page": "Plans"}: no name.
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(1).unwrap().str("page").unwrap().str("Plans").unwrap();
        assert!(Presence::decode(&bytes).is_err());
        // Unknown keys are skipped.
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(2).unwrap().str("cursor").unwrap().u32(7).unwrap();
        e.str("name").unwrap().str("Bo").unwrap();
        assert_eq!(Presence::decode(&bytes).unwrap().name, "Bo");
        // A device that does not say its field is in none.
        let mut bytes = Vec::new();
        let mut e = minicbor::Encoder::new(&mut bytes);
        e.map(2).unwrap().str("name").unwrap().str("Bo").unwrap();
        e.str("page").unwrap().str("Plans").unwrap();
        assert_eq!(Presence::decode(&bytes).unwrap().field, "");
        // Text too long to show is refused, the field's too.
        let long = Presence {
            name: "Bo".into(),
            page: "Plans".into(),
            field: "x".repeat(201),
            leaving: false,
        };
        assert!(Presence::decode(&long.encode()).is_err());
    }
}
