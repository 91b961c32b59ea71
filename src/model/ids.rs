//! Stable ids for items people edit concurrently. Collections are maps keyed by these ids,
//! so two people adding items at once never collide and an edit always finds its item.

use autosurgeon::{Hydrate, Reconcile};

use super::{DocumentId, DocumentIdError};

/// A string kept in documents under a name of its own: stored as a plain string, read
/// from Automerge text too, written into JSON exports as the string.
macro_rules! stored_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // `Default` (empty) only so that views can be built field by field; a stored id is never empty.
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        // Stored as a plain string. (autosurgeon's derived newtype keeps a key that fails
        // when an optional reference is cleared or replaced, so this is written by hand.)
        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;

            fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(&self.0)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(text: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                Ok(Self(text.to_owned()))
            }

            // A JavaScript peer writes strings as Automerge text unless told otherwise.
            fn hydrate_text<D: autosurgeon::ReadDoc>(
                doc: &D,
                obj: &automerge::ObjId,
            ) -> Result<Self, autosurgeon::HydrateError> {
                Ok(Self(doc.text(obj)?))
            }
        }

        impl $name {
            /// As it is stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // In JSON exports an id is its string.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        // Signed statements name people by id (read back from JSON).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A stored id that is made at random: [`stored_string`] and `random()`.
macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident) => {
        stored_string!($(#[$doc])* $name);

        impl $name {
            /// A new random id (128 bits, so ids made offline on different devices never clash).
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().simple().to_string())
            }
        }
    };
}

random_id!(
    /// Identifies a person in the workspace.
    PersonId
);
random_id!(
    /// Identifies a team in the workspace.
    TeamId
);
random_id!(
    /// Identifies an item of a plan: a goal, objective, initiative, measure, SWOT item,
    /// PESTLE factor or approval. One kind of id for all of them, so a link (a SWOT item
    /// answered by an objective) is just an id, and ids survive into next year's plan.
    ItemId
);

stored_string!(
    /// The `automerge:` URL by which one document names another: a plan or check-in
    /// series in the workspace's lists, a review in its cycle, the plan an individual goal
    /// serves. Kept as it was written (a document must read even when one of its links
    /// does not); [`DocumentUrl::document`] reads it, and whoever follows a link that does
    /// not read says so instead of dropping it.
    DocumentUrl
);

impl DocumentUrl {
    /// The document it names, or why the URL does not read.
    pub fn document(&self) -> Result<DocumentId, DocumentIdError> {
        DocumentId::from_url(&self.0)
    }
}

impl From<DocumentId> for DocumentUrl {
    fn from(id: DocumentId) -> Self {
        Self(id.url())
    }
}

impl PartialEq<str> for DocumentUrl {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::{DocumentId, DocumentUrl, PersonId};

    #[test]
    fn a_document_url_reads_as_its_document_or_says_why_not() {
        let id = DocumentId::random();
        assert_eq!(DocumentUrl::from(id).document(), Ok(id));
        assert!(DocumentUrl::from("automerge:nonsense").document().is_err());
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(PersonId::random(), PersonId::random());
        assert_eq!(PersonId::random().as_str().len(), 32);
    }
}
