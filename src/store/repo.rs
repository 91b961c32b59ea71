//! The documents of this device: finding the workspace document, creating it on first
//! start, and opening documents by id.

use super::document::DocHandle;
use super::document_id::DocumentId;
use super::storage::{Storage, StorageError};
use crate::model::Workspace;

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
    pub async fn open_workspace(&self) -> Result<DocHandle<S>, StorageError> {
        if let Some(id) = self.workspace_id().await? {
            if let Some(handle) = DocHandle::load(self.storage.clone(), id).await? {
                return Ok(handle);
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

    /// The id of this device's workspace document, if it has one.
    pub async fn workspace_id(&self) -> Result<Option<DocumentId>, StorageError> {
        let Some(bytes) = self.storage.load(&workspace_pointer_key()).await? else {
            return Ok(None);
        };
        let url = String::from_utf8_lossy(&bytes);
        Ok(DocumentId::from_url(&url).ok())
    }

    /// Opens a document by id; `None` when this device has no chunk of it.
    pub async fn open(&self, id: DocumentId) -> Result<Option<DocHandle<S>>, StorageError> {
        DocHandle::load(self.storage.clone(), id).await
    }
}
