//! Reading a typed view from a materialised Automerge tree (`ReadDoc::hydrate`, one pass
//! over the document) instead of autosurgeon's lookup of every field on its own: the
//! plan (`plan::read`) and the workspace's large maps (`workspace_read`) are read so.
//! The shapes are the ones autosurgeon writes (unit enum variants as their names, `None`
//! as null); strings are also taken as Automerge text, as a JavaScript peer writes them.
//!
//! ```ignore
//! let tree = doc.hydrate(ROOT, None)?;
//! let person = Fields::of(&tree, "A person")?;
//! let name = person.string("name")?;
//! ```

use std::collections::BTreeMap;

use automerge::hydrate::{Map, Value};
use automerge::ScalarValue;

use crate::model::{ItemId, PersonId};

/// One map of the tree, read field by field; errors name the field.
pub(crate) struct Fields<'a> {
    pub map: &'a Map,
    pub what: &'static str,
}

pub(crate) fn missing(what: &str, key: &str) -> String {
    format!("{what} has no {key}")
}

pub(crate) fn wrong(what: &str, key: &str, expected: &str) -> String {
    format!("{what}'s {key} is not {expected}")
}

impl<'a> Fields<'a> {
    pub fn of(value: &'a Value, what: &'static str) -> Result<Self, String> {
        match value {
            Value::Map(map) => Ok(Self { map, what }),
            _ => Err(format!("{what} is not a map")),
        }
    }

    pub fn value(&self, key: &str) -> Result<&'a Value, String> {
        self.map.get(key).ok_or_else(|| missing(self.what, key))
    }

    pub fn string(&self, key: &str) -> Result<String, String> {
        text_of(self.value(key)?).ok_or_else(|| wrong(self.what, key, "text"))
    }

    /// Text that older documents may lack: empty then.
    pub fn string_or_empty(&self, key: &str) -> Result<String, String> {
        match self.map.get(key) {
            None => Ok(String::new()),
            Some(value) => text_of(value).ok_or_else(|| wrong(self.what, key, "text")),
        }
    }

    /// A list of texts that older documents may lack: empty then.
    pub fn strings_or_empty(&self, key: &str) -> Result<Vec<String>, String> {
        match self.map.get(key) {
            None => Ok(Vec::new()),
            Some(Value::List(list)) => list
                .iter()
                .map(|item| {
                    text_of(&item.value).ok_or_else(|| wrong(self.what, key, "a list of texts"))
                })
                .collect(),
            Some(_) => Err(wrong(self.what, key, "a list")),
        }
    }

    pub fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.value(key)? {
            Value::Scalar(ScalarValue::Null) => Ok(None),
            other => text_of(other)
                .map(Some)
                .ok_or_else(|| wrong(self.what, key, "text or null")),
        }
    }

    /// A yes or no that older documents may lack (or hold as null): `None` then.
    pub fn optional_bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.map.get(key) {
            None | Some(Value::Scalar(ScalarValue::Null)) => Ok(None),
            Some(Value::Scalar(ScalarValue::Boolean(yes))) => Ok(Some(*yes)),
            Some(_) => Err(wrong(self.what, key, "yes, no or null")),
        }
    }

    pub fn f64(&self, key: &str) -> Result<f64, String> {
        match self.value(key)? {
            Value::Scalar(ScalarValue::F64(v)) => Ok(*v),
            Value::Scalar(ScalarValue::Int(v)) => Ok(*v as f64),
            Value::Scalar(ScalarValue::Uint(v)) => Ok(*v as f64),
            _ => Err(wrong(self.what, key, "a number")),
        }
    }

    pub fn i64(&self, key: &str) -> Result<i64, String> {
        match self.value(key)? {
            Value::Scalar(ScalarValue::Int(v)) => Ok(*v),
            Value::Scalar(ScalarValue::Uint(v)) => i64::try_from(*v).map_err(|e| e.to_string()),
            Value::Scalar(ScalarValue::F64(v)) if v.fract() == 0.0 => Ok(*v as i64),
            _ => Err(wrong(self.what, key, "a whole number")),
        }
    }

    pub fn optional_i64(&self, key: &str) -> Result<Option<i64>, String> {
        match self.value(key)? {
            Value::Scalar(ScalarValue::Null) => Ok(None),
            _ => self.i64(key).map(Some),
        }
    }

    /// A unit enum variant, written as its name.
    pub fn variant<T: Copy + std::fmt::Debug>(&self, key: &str, all: &[T]) -> Result<T, String> {
        let name = self.string(key)?;
        all.iter()
            .copied()
            .find(|v| format!("{v:?}") == name)
            .ok_or_else(|| format!("{}'s {key} \"{name}\" is not known", self.what))
    }

    pub fn id(&self, key: &str) -> Result<ItemId, String> {
        self.string(key).map(ItemId::from)
    }

    pub fn optional_person(&self, key: &str) -> Result<Option<PersonId>, String> {
        Ok(self.optional_string(key)?.map(PersonId::from))
    }

    /// A person that older documents may lack (or hold as null): `None` then.
    pub fn person_if_any(&self, key: &str) -> Result<Option<PersonId>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(_) => self.optional_person(key),
        }
    }

    /// A map of items keyed by id, each read by `item`.
    pub fn items<T>(
        &self,
        key: &str,
        what: &'static str,
        item: impl Fn(&Fields) -> Result<T, String>,
    ) -> Result<BTreeMap<ItemId, T>, String> {
        let Value::Map(map) = self.value(key)? else {
            return Err(wrong(self.what, key, "a map"));
        };
        map.iter()
            .map(|(id, entry)| {
                let fields = Fields::of(&entry.value, what)?;
                Ok((ItemId::from(id.as_str()), item(&fields)?))
            })
            .collect()
    }

    /// A set of ids (a map of id → true).
    pub fn links(&self, key: &str) -> Result<BTreeMap<ItemId, bool>, String> {
        let Value::Map(map) = self.value(key)? else {
            return Err(wrong(self.what, key, "a map"));
        };
        map.iter()
            .map(|(id, entry)| match &entry.value {
                Value::Scalar(ScalarValue::Boolean(on)) => Ok((ItemId::from(id.as_str()), *on)),
                _ => Err(wrong(self.what, key, "a set of links")),
            })
            .collect()
    }
}

/// A string, or Automerge text (as a JavaScript peer writes strings).
pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Scalar(ScalarValue::Str(s)) => Some(s.to_string()),
        Value::Text(text) => Some(text.to_string()),
        _ => None,
    }
}
