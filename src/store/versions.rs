//! Named versions: a person names the current state of a document ("Board-approved 2027
//! plan"). A version is the document's heads, kept in the document's own `versions` map,
//! so it syncs and travels in exports with everything else.

use std::collections::BTreeMap;
use std::str::FromStr;

use automerge::ChangeHash;
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};

use super::clock::now_millis;
use super::document::DocHandle;
use super::history::{map_at_root, VERSIONS};
use super::storage::Storage;

/// Longest version name, in characters.
const MAX_NAME_CHARS: usize = 200;

/// A named state of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub name: String,
    pub heads: Vec<ChangeHash>,
    /// Milliseconds since the Unix epoch.
    pub named_at: i64,
    /// Who named it (empty when the device did not say).
    pub named_by: String,
}

/// How a version is stored: heads as hex strings, so any Automerge tool can read them.
#[derive(Debug, Clone, PartialEq, Hydrate, Reconcile)]
struct StoredVersion {
    name: String,
    heads: Vec<String>,
    named_at: i64,
    named_by: String,
}

/// `wanted`, or `wanted (2)`, `(3)`… when that name is taken.
fn unique_name(wanted: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|n| format!("{wanted} ({n})"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| wanted.to_owned())
}

impl<S: Storage> DocHandle<S> {
    /// Names the current state. The name is required; the same name may be used twice
    /// (each version has its own id).
    pub fn name_version(&self, name: &str, named_by: &str) -> Result<Version, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("A version needs a name.".to_owned());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "That name is too long (at most {MAX_NAME_CHARS} characters)."
            ));
        }
        // Names stay unique: approving twice on one day makes "… (2)", not a second
        // version of the same name.
        let taken: Vec<String> = self.versions().into_iter().map(|v| v.name).collect();
        let name = unique_name(name, &taken);
        let version = Version {
            id: uuid::Uuid::new_v4().simple().to_string(),
            name: name.clone(),
            heads: self.heads(),
            named_at: now_millis(),
            named_by: named_by.to_owned(),
        };
        let stored = StoredVersion {
            name: version.name.clone(),
            heads: version.heads.iter().map(ToString::to_string).collect(),
            named_at: version.named_at,
            named_by: version.named_by.clone(),
        };
        self.raw_change(&format!("Name version \"{name}\""), |doc| {
            let versions = match map_at_root(doc, VERSIONS) {
                Some(id) => id,
                // Documents made before versions existed get the map on first use.
                None => automerge::transaction::Transactable::put_object(
                    doc,
                    automerge::ROOT,
                    VERSIONS,
                    automerge::ObjType::Map,
                )
                .map_err(|e| e.to_string())?,
            };
            reconcile_prop(doc, &versions, version.id.as_str(), &stored).map_err(|e| e.to_string())
        })?;
        Ok(version)
    }

    /// The named versions, oldest first. Entries that cannot be read are left out.
    pub fn versions(&self) -> Vec<Version> {
        let stored: BTreeMap<String, StoredVersion> = self
            .with_doc(|doc| hydrate_prop(&*doc, automerge::ROOT, VERSIONS))
            .unwrap_or_default();
        let mut versions: Vec<Version> = stored
            .into_iter()
            .filter_map(|(id, v)| {
                let heads = v
                    .heads
                    .iter()
                    .map(|h| ChangeHash::from_str(h).ok())
                    .collect::<Option<Vec<_>>>()?;
                Some(Version {
                    id,
                    name: v.name,
                    heads,
                    named_at: v.named_at,
                    named_by: v.named_by,
                })
            })
            .collect();
        versions.sort_by(|a, b| a.named_at.cmp(&b.named_at).then_with(|| a.id.cmp(&b.id)));
        versions
    }
}
