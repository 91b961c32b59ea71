//! This device's settings, in one place: who uses it, its name, the relay it syncs
//! through, its coaching notes, and the like. They are kept in the device's own storage
//! (one key each, `["throughline", "device-<name>"]`, beside automerge-repo's chunks,
//! which peers never read) and are never synced. Each setting has a typed getter and
//! setter here, so no other module names a key or parses a stored value.
//!
//! ```
//! # use std::future::Future;
//! # use std::rc::Rc;
//! # use throughline::store::{DeviceSettings, MemoryStorage};
//! # let mut run = std::pin::pin!(async {
//! let settings = DeviceSettings::new(Rc::new(MemoryStorage::new()));
//! assert!(settings.introductions().await.unwrap(), "on until turned off");
//! settings.set_introductions(false).await.unwrap();
//! assert!(!settings.introductions().await.unwrap());
//! # });
//! # let waker = std::task::Waker::noop();
//! # assert!(run.as_mut().poll(&mut std::task::Context::from_waker(waker)).is_ready());
//! ```

use super::storage::{Storage, StorageError};
use crate::model::identity::{DeviceKey, DeviceSecret};
use crate::model::DocumentId;
use crate::model::PersonId;

/// Why a setting could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The stored value does not read as what the setting holds (kept as it is).
    #[error("The device setting \"{setting}\" holds \"{value}\", which cannot be read.")]
    Unreadable {
        setting: &'static str,
        value: String,
    },
}

/// One setting's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setting {
    /// Who uses this device (a person of the workspace).
    Person,
    /// The relay that served the app on the last start that could ask.
    ServedBy,
    /// A relay the person chose under Settings → Sync (wins over the one that served).
    ChosenRelay,
    /// The relay's access token.
    RelayToken,
    /// The name this device shows to others it links with.
    DeviceName,
    /// The devices linked before (JSON, `sync::KnownDevices`).
    KnownDevices,
    /// Whether devices meeting through the relay may link directly.
    Introductions,
    /// This device's coaching notes document.
    CoachingNotes,
    /// Whether the coaching notes are lent to sync.
    CoachingNotesSynced,
    /// A workspace joined from a link and not received yet.
    JoinedWorkspace,
    /// This device's secret key (its seed), made on first start. Never leaves the device.
    DeviceKey,
    /// The key of the workspace's root device, pinned when this device founded, claimed
    /// or joined it: the only root it trusts from then on.
    WorkspaceRoot,
    /// An invitation's one-time secret, kept from the link until the workspace it invites
    /// to arrives and this device accepts it.
    PendingInvitation,
    /// Every signed statement that counted (JSON, `identity::KeptStatements`), so one
    /// deleted from the workspace document still counts here and is written back.
    KeptStatements,
}

impl Setting {
    /// The key's last part, as every earlier build stored it.
    fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::ServedBy => "relay",
            Self::ChosenRelay => "relay-chosen",
            Self::RelayToken => "relay-token",
            Self::DeviceName => "device-name",
            Self::KnownDevices => "known-devices",
            Self::Introductions => "direct-introductions",
            Self::CoachingNotes => "coaching-notes",
            Self::CoachingNotesSynced => "coaching-notes-sync",
            Self::JoinedWorkspace => "joined-workspace",
            Self::DeviceKey => "key",
            Self::WorkspaceRoot => "workspace-root",
            Self::PendingInvitation => "pending-invitation",
            Self::KeptStatements => "kept-statements",
        }
    }

    fn key(self) -> Vec<String> {
        vec!["throughline".to_owned(), format!("device-{}", self.name())]
    }
}

/// The settings of the device whose storage this is.
#[derive(Clone)]
pub struct DeviceSettings<S> {
    storage: S,
}

impl<S: Storage> DeviceSettings<S> {
    pub fn new(storage: S) -> Self {
        Self { storage }
    }

    /// The stored text; an empty value reads as none (how earlier builds cleared one).
    async fn text(&self, setting: Setting) -> Result<Option<String>, StorageError> {
        Ok(self
            .storage
            .load(&setting.key())
            .await?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .filter(|text| !text.is_empty()))
    }

    async fn set_text(&self, setting: Setting, value: Option<&str>) -> Result<(), StorageError> {
        let value = value.unwrap_or_default();
        self.storage
            .save(setting.key(), value.as_bytes().to_vec())
            .await
    }

    async fn document(&self, setting: Setting) -> Result<Option<DocumentId>, SettingError> {
        match self.text(setting).await? {
            None => Ok(None),
            Some(url) => {
                DocumentId::from_url(&url)
                    .map(Some)
                    .map_err(|_| SettingError::Unreadable {
                        setting: setting.name(),
                        value: url,
                    })
            }
        }
    }

    pub async fn person(&self) -> Result<Option<PersonId>, StorageError> {
        Ok(self.text(Setting::Person).await?.map(PersonId::from))
    }

    /// Who uses this device; `None`: nobody chosen.
    pub async fn set_person(&self, person: Option<&PersonId>) -> Result<(), StorageError> {
        let id = person.map(|p| p.to_string());
        self.set_text(Setting::Person, id.as_deref()).await
    }

    /// The relay that served the app when it last asked (its `/sync` address).
    pub async fn served_by(&self) -> Result<Option<String>, StorageError> {
        self.text(Setting::ServedBy).await
    }

    pub async fn set_served_by(&self, relay: Option<&str>) -> Result<(), StorageError> {
        self.set_text(Setting::ServedBy, relay).await
    }

    /// The relay chosen under Settings → Sync (its `/sync` address), if any.
    pub async fn chosen_relay(&self) -> Result<Option<String>, StorageError> {
        self.text(Setting::ChosenRelay).await
    }

    pub async fn set_chosen_relay(&self, relay: Option<&str>) -> Result<(), StorageError> {
        self.set_text(Setting::ChosenRelay, relay).await
    }

    pub async fn relay_token(&self) -> Result<Option<String>, StorageError> {
        self.text(Setting::RelayToken).await
    }

    pub async fn set_relay_token(&self, token: Option<&str>) -> Result<(), StorageError> {
        self.set_text(Setting::RelayToken, token).await
    }

    pub async fn device_name(&self) -> Result<Option<String>, StorageError> {
        self.text(Setting::DeviceName).await
    }

    pub async fn set_device_name(&self, name: &str) -> Result<(), StorageError> {
        self.set_text(Setting::DeviceName, Some(name)).await
    }

    /// The devices linked before, as `sync::KnownDevices` writes them (JSON).
    /// The signed statements this device kept (none yet: empty).
    pub async fn kept_statements(
        &self,
    ) -> Result<crate::model::identity::KeptStatements, SettingError> {
        match self.text(Setting::KeptStatements).await? {
            None => Ok(Default::default()),
            Some(text) => serde_json::from_str(&text).map_err(|_| SettingError::Unreadable {
                setting: Setting::KeptStatements.name(),
                value: "(statements that do not read)".to_owned(),
            }),
        }
    }

    pub async fn set_kept_statements(
        &self,
        kept: &crate::model::identity::KeptStatements,
    ) -> Result<(), StorageError> {
        let json = serde_json::to_string(kept).unwrap_or_default();
        self.set_text(Setting::KeptStatements, Some(&json)).await
    }

    pub async fn known_devices(&self) -> Result<Option<String>, StorageError> {
        self.text(Setting::KnownDevices).await
    }

    pub async fn set_known_devices(&self, json: &str) -> Result<(), StorageError> {
        self.set_text(Setting::KnownDevices, Some(json)).await
    }

    /// Whether devices meeting through the relay may link directly: on unless turned off.
    pub async fn introductions(&self) -> Result<bool, StorageError> {
        Ok(self.text(Setting::Introductions).await?.as_deref() != Some("off"))
    }

    pub async fn set_introductions(&self, on: bool) -> Result<(), StorageError> {
        let value = if on { "on" } else { "off" };
        self.set_text(Setting::Introductions, Some(value)).await
    }

    /// This device's coaching notes, once a first note made them. A stored value that
    /// is not a document's address is reported, not taken for "no notes".
    pub async fn coaching_notes(&self) -> Result<Option<DocumentId>, SettingError> {
        self.document(Setting::CoachingNotes).await
    }

    pub async fn set_coaching_notes(&self, notes: DocumentId) -> Result<(), StorageError> {
        self.set_text(Setting::CoachingNotes, Some(&notes.url()))
            .await
    }

    /// Whether the coaching notes are lent to sync (the manager chose "Sync my notes").
    pub async fn coaching_notes_synced(&self) -> Result<bool, StorageError> {
        Ok(self.text(Setting::CoachingNotesSynced).await?.as_deref() == Some("yes"))
    }

    pub async fn set_coaching_notes_synced(&self) -> Result<(), StorageError> {
        self.set_text(Setting::CoachingNotesSynced, Some("yes"))
            .await
    }

    /// A workspace joined from a link and not received yet.
    pub async fn joined_workspace(&self) -> Result<Option<DocumentId>, SettingError> {
        self.document(Setting::JoinedWorkspace).await
    }

    pub async fn set_joined_workspace(&self, workspace: DocumentId) -> Result<(), StorageError> {
        self.set_text(Setting::JoinedWorkspace, Some(&workspace.url()))
            .await
    }

    /// This device's key, made and kept on the first call. A stored key that does not
    /// read is reported and left as it is (never replaced: the device's memberships hang
    /// on it).
    pub async fn device_secret(&self) -> Result<DeviceSecret, SettingError> {
        match self.text(Setting::DeviceKey).await? {
            Some(stored) => {
                DeviceSecret::from_stored(&stored).map_err(|_| SettingError::Unreadable {
                    setting: Setting::DeviceKey.name(),
                    value: "(a key that does not read)".to_owned(),
                })
            }
            None => {
                let secret = DeviceSecret::generate().map_err(|e| SettingError::Unreadable {
                    setting: Setting::DeviceKey.name(),
                    value: e.to_string(),
                })?;
                self.set_text(Setting::DeviceKey, Some(&secret.to_stored()))
                    .await?;
                Ok(secret)
            }
        }
    }

    /// The workspace root this device trusts, if it pinned one.
    pub async fn pinned_root(&self) -> Result<Option<DeviceKey>, SettingError> {
        match self.text(Setting::WorkspaceRoot).await? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| SettingError::Unreadable {
                    setting: Setting::WorkspaceRoot.name(),
                    value: text,
                }),
        }
    }

    pub async fn set_pinned_root(&self, root: &DeviceKey) -> Result<(), StorageError> {
        self.set_text(Setting::WorkspaceRoot, Some(&root.to_string()))
            .await
    }

    /// An invitation accepted from a link and not yet signed for (its one-time secret).
    pub async fn pending_invitation(&self) -> Result<Option<DeviceSecret>, SettingError> {
        match self.text(Setting::PendingInvitation).await? {
            None => Ok(None),
            Some(text) => {
                DeviceSecret::from_stored(&text)
                    .map(Some)
                    .map_err(|_| SettingError::Unreadable {
                        setting: Setting::PendingInvitation.name(),
                        value: "(an invitation that does not read)".to_owned(),
                    })
            }
        }
    }

    pub async fn set_pending_invitation(
        &self,
        invitation: Option<&DeviceSecret>,
    ) -> Result<(), StorageError> {
        let stored = invitation.map(DeviceSecret::to_stored);
        self.set_text(Setting::PendingInvitation, stored.as_deref())
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::store::MemoryStorage;

    /// Runs a future of in-memory storage, whose every await is ready at once.
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let waker = std::task::Waker::noop();
        match future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker))
        {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("in-memory storage never waits"),
        }
    }

    #[test]
    fn each_setting_keeps_its_value_under_the_key_earlier_builds_used() {
        let storage = Rc::new(MemoryStorage::new());
        let settings = DeviceSettings::new(storage.clone());
        block_on(async {
            settings
                .set_person(Some(&PersonId::from("ana")))
                .await
                .unwrap();
            settings.set_relay_token(Some("secret")).await.unwrap();
            settings.set_introductions(false).await.unwrap();
            assert_eq!(
                settings.person().await.unwrap(),
                Some(PersonId::from("ana"))
            );
            assert_eq!(
                settings.relay_token().await.unwrap().as_deref(),
                Some("secret")
            );
            assert!(!settings.introductions().await.unwrap());
            // The keys and values earlier builds wrote, so a device keeps its settings.
            let stored = |name: &str| {
                let key = vec!["throughline".to_owned(), format!("device-{name}")];
                block_on(storage.load(&key))
                    .unwrap()
                    .map(|b| String::from_utf8(b).unwrap())
            };
            assert_eq!(stored("person").as_deref(), Some("ana"));
            assert_eq!(stored("relay-token").as_deref(), Some("secret"));
            assert_eq!(stored("direct-introductions").as_deref(), Some("off"));
            // Cleared: an empty value reads as none.
            settings.set_person(None).await.unwrap();
            assert_eq!(settings.person().await.unwrap(), None);
        });
    }

    #[test]
    fn the_device_key_is_made_once_kept_and_never_replaced_when_it_does_not_read() {
        let storage = Rc::new(MemoryStorage::new());
        let settings = DeviceSettings::new(storage.clone());
        block_on(async {
            let first = settings.device_secret().await.unwrap();
            let again = settings.device_secret().await.unwrap();
            assert_eq!(first.public(), again.public());
            let key = vec!["throughline".to_owned(), "device-key".to_owned()];
            storage
                .save(key.clone(), b"garbled".to_vec())
                .await
                .unwrap();
            assert!(matches!(
                settings.device_secret().await,
                Err(SettingError::Unreadable { setting: "key", .. })
            ));
            assert_eq!(
                storage.load(&key).await.unwrap().as_deref(),
                Some(&b"garbled"[..]),
                "kept as it was"
            );
        });
    }

    #[test]
    fn a_stored_document_address_that_does_not_read_is_reported() {
        let storage = Rc::new(MemoryStorage::new());
        let settings = DeviceSettings::new(storage.clone());
        block_on(async {
            assert_eq!(settings.coaching_notes().await.unwrap(), None);
            let key = vec!["throughline".to_owned(), "device-coaching-notes".to_owned()];
            storage
                .save(key, b"automerge:not-an-id".to_vec())
                .await
                .unwrap();
            assert_eq!(
                settings.coaching_notes().await,
                Err(SettingError::Unreadable {
                    setting: "coaching-notes",
                    value: "automerge:not-an-id".into()
                })
            );
            let id = DocumentId::random();
            settings.set_coaching_notes(id).await.unwrap();
            assert_eq!(settings.coaching_notes().await.unwrap(), Some(id));
        });
    }
}
