//! The documents of this device: finding the workspace document, creating it on first
//! start, and opening documents by id.

use autosurgeon::hydrate;

use super::archive::{ImportError, ImportFile};
use super::chunks;
use super::device_settings::{DeviceSettings, SettingError};
use super::document::DocHandle;
use super::storage::{Storage, StorageError};
use crate::model::DocumentId;
use crate::model::Workspace;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Documents this device already had, with changes from the file merged in.
    pub merged: usize,
    /// Documents that were new to this device.
    pub added: usize,
    /// Documents that had nothing new.
    pub unchanged: usize,
    /// Set when this device's (empty) workspace was replaced by the file's: the app must
    /// open that one.
    pub switched_to: Option<DocumentId>,
}

/// Where this device records which document is its workspace. automerge-repo peers only
/// read keys under a document id, so this key does not disturb them.
fn workspace_pointer_key() -> Vec<String> {
    vec!["throughline".to_owned(), "workspace-url".to_owned()]
}

/// The documents kept in one storage.
#[derive(Clone)]
pub struct Repo<S> {
    storage: S,
}

impl<S: Storage + Clone> Repo<S> {
    pub fn new(storage: S) -> Self {
        Self { storage }
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Opens this device's workspace, creating (and saving) an empty one on first start.
    /// A workspace this device joined but has not received yet opens empty
    /// ([`DocHandle::is_empty`]): sync fills it.
    pub async fn open_workspace(&self) -> Result<DocHandle<S>, StorageError> {
        if let Some(id) = self.workspace_id().await? {
            if let Some(handle) = DocHandle::load(self.storage.clone(), id).await? {
                return Ok(handle);
            }
            match self.settings().joined_workspace().await {
                Ok(Some(joined)) if joined == id => {
                    return Ok(DocHandle::expect(self.storage.clone(), id));
                }
                Ok(_) => {}
                Err(SettingError::Storage(error)) => return Err(error),
                // Only `join` writes it, with a document's address; a value that does not
                // read names no workspace, so this one was not joined and is made anew.
                Err(SettingError::Unreadable { .. }) => {}
            }
        }
        let handle = DocHandle::create(
            self.storage.clone(),
            &Workspace::new(""),
            "Create workspace",
        )
        .map_err(StorageError::Failed)?;
        handle.save().await?;
        self.storage
            .save(workspace_pointer_key(), handle.id().url().into_bytes())
            .await?;
        // Another tab may have created a workspace at the same moment; the pointer that
        // landed last wins, and every tab follows it.
        match self.workspace_id().await? {
            Some(id) if id != handle.id() => match DocHandle::load(self.storage.clone(), id).await?
            {
                Some(theirs) => Ok(theirs),
                None => Ok(handle),
            },
            _ => Ok(handle),
        }
    }

    /// Makes `id` this device's workspace, to be received by sync (a link from another
    /// device). Refused when this device's workspace already holds anything, so two
    /// organisations are never mixed.
    pub async fn join_workspace(
        &self,
        current: &DocHandle<S>,
        id: DocumentId,
    ) -> Result<(), String> {
        if current.id() == id {
            return Ok(());
        }
        let ours: Workspace = current.view().unwrap_or_default();
        if !current.is_empty() && !ours.is_pristine() {
            return Err(format!(
                "This device already holds the workspace of {}. Export it first if you need it, or open the link in another browser profile.",
                if ours.organisation.is_empty() { "another organisation".to_owned() } else { ours.organisation }
            ));
        }
        let url = id.url();
        self.settings()
            .set_joined_workspace(id)
            .await
            .map_err(|e| e.to_string())?;
        self.storage
            .save(workspace_pointer_key(), url.into_bytes())
            .await
            .map_err(|e| e.to_string())
    }

    /// The id of this device's workspace document, if it has one.
    pub async fn workspace_id(&self) -> Result<Option<DocumentId>, StorageError> {
        let Some(bytes) = self.storage.load(&workspace_pointer_key()).await? else {
            return Ok(None);
        };
        let url = String::from_utf8_lossy(&bytes);
        Ok(DocumentId::from_url(&url).ok())
    }

    /// Imports a checked file into this device's documents, next to `current` (the open
    /// workspace). Documents this device has are merged (nothing overwritten, nothing
    /// duplicated: Automerge merges by change); new ones are added. A file of another
    /// workspace is refused unless this device's workspace is still empty, in which case
    /// the file's workspace becomes this device's.
    pub async fn import(
        &self,
        current: &DocHandle<S>,
        file: ImportFile,
    ) -> Result<ImportOutcome, ImportError> {
        let ours: Workspace = current.view().map_err(ImportError::Damaged)?;
        let incoming_workspace = match file.workspace {
            Some(id) => Some(id),
            // A lone document is a workspace if it reads as one.
            None => file
                .documents
                .iter()
                .find(|(id, doc)| *id != current.id() && hydrate::<_, Workspace>(doc).is_ok())
                .map(|(id, _)| *id),
        };
        let mut switched_to = None;
        if let Some(theirs) = incoming_workspace.filter(|id| *id != current.id()) {
            if !ours.is_pristine() {
                let their_name = file
                    .documents
                    .iter()
                    .find(|(id, _)| *id == theirs)
                    .and_then(|(_, doc)| hydrate::<_, Workspace>(doc).ok())
                    .map(|ws| ws.organisation)
                    .filter(|name| !name.is_empty())
                    .unwrap_or_else(|| "another organisation".to_owned());
                return Err(ImportError::OtherWorkspace {
                    theirs: their_name,
                    ours: ours.organisation.clone(),
                });
            }
            switched_to = Some(theirs);
        }

        let storage_error = |e: StorageError| ImportError::Storage(e.to_string());
        let mut outcome = ImportOutcome {
            merged: 0,
            added: 0,
            unchanged: 0,
            switched_to,
        };
        for (id, mut doc) in file.documents {
            let existing = if id == current.id() {
                Some(current.clone())
            } else {
                DocHandle::load(self.storage.clone(), id)
                    .await
                    .map_err(storage_error)?
            };
            match existing {
                Some(handle) => {
                    if handle.merge(&mut doc).map_err(ImportError::Damaged)? {
                        handle.save().await.map_err(storage_error)?;
                        outcome.merged += 1;
                    } else {
                        outcome.unchanged += 1;
                    }
                }
                None => {
                    let key = chunks::snapshot_key(&id, &doc.get_heads());
                    self.storage
                        .save(key, doc.save())
                        .await
                        .map_err(storage_error)?;
                    outcome.added += 1;
                }
            }
        }
        if let Some(theirs) = switched_to {
            self.storage
                .save(workspace_pointer_key(), theirs.url().into_bytes())
                .await
                .map_err(storage_error)?;
        }
        Ok(outcome)
    }

    /// This device's settings (not of any document, so they never sync), e.g. who uses
    /// the device.
    pub fn settings(&self) -> DeviceSettings<S> {
        DeviceSettings::new(self.storage.clone())
    }

    /// Opens a document by id; `None` when this device has no chunk of it.
    pub async fn open(&self, id: DocumentId) -> Result<Option<DocHandle<S>>, StorageError> {
        DocHandle::load(self.storage.clone(), id).await
    }
}
