//! The devices this one has been linked with directly, remembered on this device (a
//! device setting, as JSON) so that Settings can list them after a reload and pair with
//! one again in a few seconds: browsers cannot reopen a WebRTC link without a fresh
//! exchange of codes, so "again" means a new offer sharing what the last link shared.
//!
//! ```
//! use throughline::sync::KnownDevices;
//! let mut known = KnownDevices::default();
//! assert!(known.record("Ana's tablet", None, 1_000.0));
//! assert!(!known.record("Ana's tablet", None, 1_500.0), "seen within the minute");
//! let kept = known.to_json();
//! assert_eq!(KnownDevices::from_json(&kept).devices()[0].name, "Ana's tablet");
//! ```

use serde::{Deserialize, Serialize};

use crate::store::DocumentId;

/// Most devices remembered; the one linked longest ago goes first.
const MAX_KNOWN: usize = 20;
/// A device seen again within this many milliseconds is not written again.
const REWRITE_AFTER_MS: f64 = 60_000.0;

/// One device linked before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownDevice {
    /// The name it gives itself.
    pub name: String,
    /// The documents the link shared (`automerge:` URLs), or none for the whole workspace.
    #[serde(default)]
    pub documents: Option<Vec<String>>,
    /// When it was last linked, in milliseconds since 1970.
    pub last_linked: f64,
}

impl KnownDevice {
    /// The documents shared, as ids; `None` for the whole workspace.
    pub fn shared(&self) -> Option<Vec<DocumentId>> {
        self.documents.as_ref().map(|urls| {
            urls.iter()
                .filter_map(|url| DocumentId::from_url(url).ok())
                .collect()
        })
    }
}

/// Every device remembered, most recently linked first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownDevices(Vec<KnownDevice>);

impl KnownDevices {
    /// Reads what was kept; anything unreadable counts as nothing remembered.
    pub fn from_json(text: &str) -> Self {
        Self(serde_json::from_str(text).unwrap_or_default())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    pub fn devices(&self) -> &[KnownDevice] {
        &self.0
    }

    /// Records a link open now with `name`, sharing `documents` (`None`: the whole
    /// workspace). Whether anything changed that is worth writing.
    pub fn record(&mut self, name: &str, documents: Option<Vec<DocumentId>>, now: f64) -> bool {
        let documents = documents.map(|ids| ids.iter().map(DocumentId::url).collect());
        if let Some(known) = self.0.iter().find(|d| d.name == name) {
            if known.documents == documents && now - known.last_linked < REWRITE_AFTER_MS {
                return false;
            }
        }
        self.0.retain(|d| d.name != name);
        self.0.insert(
            0,
            KnownDevice {
                name: name.to_owned(),
                documents,
                last_linked: now,
            },
        );
        self.0.truncate(MAX_KNOWN);
        true
    }

    /// Forgets the device called `name`.
    pub fn forget(&mut self, name: &str) {
        self.0.retain(|d| d.name != name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_link_comes_first_and_the_list_stays_short() {
        let mut known = KnownDevices::default();
        let review = DocumentId::random();
        known.record("Tablet", None, 0.0);
        known.record("Phone", Some(vec![review]), 10.0);
        assert_eq!(known.devices()[0].name, "Phone");
        assert_eq!(known.devices()[0].shared(), Some(vec![review]));
        assert_eq!(known.devices()[1].shared(), None);
        // Linked again with other documents: written again at once, and first.
        assert!(known.record("Tablet", Some(vec![review]), 20.0));
        assert_eq!(known.devices()[0].name, "Tablet");
        assert_eq!(known.devices().len(), 2);
        for n in 0..30 {
            known.record(&format!("Device {n}"), None, 100.0 + f64::from(n));
        }
        assert_eq!(known.devices().len(), MAX_KNOWN);
        known.forget("Device 29");
        assert!(known.devices().iter().all(|d| d.name != "Device 29"));
        assert_eq!(KnownDevices::from_json(&known.to_json()), known);
        assert_eq!(KnownDevices::from_json("not json"), KnownDevices::default());
    }
}
