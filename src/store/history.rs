//! The history of a document: its changes grouped into sessions (who, when, what), the
//! document as it was at any point, and who made which changes.
//!
//! Who: each change carries its actor id; the document keeps a map `authors` from actor
//! id to the name of the person who edited with it, written with their first change of a
//! session. The map is created with the document, never concurrently.

use crate::model::DocumentView;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, Value, ROOT};

use super::document::DocHandle;
use super::storage::Storage;

const AUTHORS: &str = "authors";
pub(super) const VERSIONS: &str = "versions";
/// Changes by one person closer together than this form one session.
pub const SESSION_GAP_SECONDS: i64 = 30 * 60;

/// One change of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    pub hash: ChangeHash,
    /// Seconds since the Unix epoch, as the device that made it said.
    pub time: i64,
    pub message: String,
}

/// Consecutive changes by one person on one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The person's name, or a note that the device did not say.
    pub author: String,
    pub started: i64,
    pub ended: i64,
    pub changes: Vec<ChangeRecord>,
}

impl Session {
    /// The document as it was at the end of this session.
    pub fn heads_after(&self) -> Vec<ChangeHash> {
        self.changes
            .last()
            .map(|c| vec![c.hash])
            .unwrap_or_default()
    }

    /// The document just before this session (its first change's dependencies).
    pub fn first_change(&self) -> Option<ChangeHash> {
        self.changes.first().map(|c| c.hash)
    }
}

pub(super) fn create_record_maps(doc: &mut AutoCommit) -> Result<(), automerge::AutomergeError> {
    for key in [AUTHORS, VERSIONS] {
        if map_at_root(doc, key).is_none() {
            doc.put_object(ROOT, key, ObjType::Map)?;
        }
    }
    Ok(())
}

pub(super) fn map_at_root(doc: &AutoCommit, key: &str) -> Option<ObjId> {
    match doc.get(ROOT, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// Notes `author` for this document's current actor, unless already noted.
pub(super) fn record_author(
    doc: &mut AutoCommit,
    author: &str,
) -> Result<(), automerge::AutomergeError> {
    let authors = match map_at_root(doc, AUTHORS) {
        Some(id) => id,
        // Documents made before authors were recorded get the map on first use.
        None => doc.put_object(ROOT, AUTHORS, ObjType::Map)?,
    };
    let actor = doc.get_actor().to_hex_string();
    let known = match doc.get(&authors, actor.as_str())? {
        Some((Value::Scalar(value), _)) => value.as_str() == Some(author),
        _ => false,
    };
    if !known {
        doc.put(&authors, actor, author)?;
    }
    Ok(())
}

fn author_of(doc: &AutoCommit, authors: Option<&ObjId>, actor: &str) -> String {
    authors
        .and_then(|map| doc.get(map, actor).ok().flatten())
        .and_then(|(value, _)| match value {
            Value::Scalar(scalar) => scalar.as_str().map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| format!("Someone on device {}", &actor[..actor.len().min(6)]))
}

impl<S: Storage> DocHandle<S> {
    /// The document's changes as sessions, oldest first.
    pub fn history(&self) -> Vec<Session> {
        self.with_doc(|doc| {
            let authors = map_at_root(doc, AUTHORS);
            let changes: Vec<(String, ChangeRecord)> = doc
                .get_changes(&[])
                .iter()
                .map(|change| {
                    (
                        change.actor_id().to_hex_string(),
                        ChangeRecord {
                            hash: change.hash(),
                            time: change.timestamp(),
                            message: change.message().map(str::to_owned).unwrap_or_default(),
                        },
                    )
                })
                .collect();
            let mut sessions: Vec<(String, Session)> = Vec::new();
            for (actor, change) in changes {
                match sessions.last_mut() {
                    Some((last_actor, session))
                        if *last_actor == actor
                            && change.time - session.ended < SESSION_GAP_SECONDS =>
                    {
                        session.ended = change.time.max(session.ended);
                        session.changes.push(change);
                    }
                    _ => {
                        let author = author_of(doc, authors.as_ref(), &actor);
                        let session = Session {
                            author,
                            started: change.time,
                            ended: change.time,
                            changes: vec![change],
                        };
                        sessions.push((actor, session));
                    }
                }
            }
            sessions.into_iter().map(|(_, session)| session).collect()
        })
    }

    /// The current heads (the state "now").
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.with_doc(|doc| doc.get_heads())
    }

    /// The document read as `T` as it was at `heads`.
    pub fn view_at<T: DocumentView>(&self, heads: &[ChangeHash]) -> Result<T, String> {
        self.with_doc(|doc| {
            let past = doc.fork_at(heads).map_err(|e| e.to_string())?;
            T::read(&past)
        })
    }

    /// The document read as `T` just before `change` (the state its author started
    /// from); `T::default()` before the very first change.
    pub fn view_before<T: DocumentView + Default>(&self, change: ChangeHash) -> Result<T, String> {
        let deps = self.with_doc(|doc| doc.get_change_by_hash(&change).map(|c| c.deps().to_vec()));
        let deps = deps.ok_or_else(|| format!("no change {change} in this document"))?;
        if deps.is_empty() {
            return Ok(T::default());
        }
        self.view_at(&deps)
    }
}
