//! The workspace document as the UI sees it: a signal of its typed view, a signal of its
//! save status, and `edit`, which applies a `model` operation through the store.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{PersonId, Workspace};
use crate::store::{
    document_file_name, now_millis, read_import, write_archive, Autosaver, BrowserStorage,
    ChangeError, CorruptChunk, DocHandle, ImportOutcome, Repo, SaveStatus, Session, TabChannel,
    Version,
};

/// Shared through context by [`crate::ui::App`]; pages read it with
/// `expect_context::<WorkspaceState>()`.
#[derive(Clone, Copy)]
pub struct WorkspaceState {
    /// Shared with the document's handle, which keeps the same view for the next edit (a
    /// 1,000-person workspace is not copied for the page at each edit).
    pub workspace: ReadSignal<Arc<Workspace>>,
    set_workspace: WriteSignal<Arc<Workspace>>,
    pub save_status: ReadSignal<SaveStatus>,
    /// Why nothing is kept on this device (IndexedDB refused), if so.
    pub storage_warning: ReadSignal<Option<String>>,
    /// Stored chunks of the workspace that could not be read (kept, not deleted).
    pub corrupt: ReadSignal<Vec<CorruptChunk>>,
    /// The person using this device, as the signed membership says (`IdentityState`
    /// keeps it); their name goes with edits.
    pub me: RwSignal<Option<PersonId>>,
    // The handle is neither Send nor Sync (it owns the Automerge document and a JS
    // database connection), so it lives in the local arena rather than in a signal.
    handle: StoredValue<DocHandle<Rc<BrowserStorage>>, LocalStorage>,
    repo: StoredValue<Repo<Rc<BrowserStorage>>, LocalStorage>,
    /// This tab's link to the other tabs, closed when the state's owner is disposed.
    _tabs: StoredValue<Option<TabChannel>, LocalStorage>,
}

impl WorkspaceState {
    /// Wraps an opened workspace document: mirrors its save status into a signal and keeps
    /// it saved.
    pub fn new(
        repo: Repo<Rc<BrowserStorage>>,
        handle: DocHandle<Rc<BrowserStorage>>,
        storage_warning: Option<String>,
    ) -> Result<Self, String> {
        // Read through the handle's cache (`current_shared`), so the first edit starts from
        // this reading instead of reading a 1,000-person workspace again.
        let workspace: Arc<Workspace> = handle.current_shared()?;
        let (workspace, set_workspace) = signal(workspace);
        let (save_status, set_save_status) = signal(handle.status());
        let (storage_warning, _) = signal(storage_warning);
        let (corrupt, _) = signal(handle.corrupt_chunks().to_vec());
        handle.on_status(move |status| set_save_status.set(status.clone()));
        // Another tab, a peer or an import changed the document: read it again, through
        // the cache, so the next edit here does not read it a second time.
        let reader = handle.clone();
        handle.on_changed_elsewhere(move || {
            if let Ok(workspace) = reader.current_shared::<Workspace>() {
                set_workspace.set(workspace);
            }
        });
        Autosaver::attach(&handle);
        crate::store::flush_on_page_hide(handle.clone());
        let tabs = TabChannel::join(handle.clone());
        Ok(Self {
            workspace,
            set_workspace,
            save_status,
            storage_warning,
            corrupt,
            handle: StoredValue::new_local(handle),
            repo: StoredValue::new_local(repo),
            // Set by `IdentityState` from the signed membership, never chosen.
            me: RwSignal::new(None),
            _tabs: StoredValue::new_local(tabs),
        })
    }

    /// Applies `edit` as one change described by `message`. On success the workspace
    /// signal updates (and the save starts); on refusal nothing changes and the reason,
    /// in words for the person, comes back.
    pub fn edit<R, E: std::fmt::Display>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut Workspace) -> Result<R, E>,
    ) -> Result<R, String> {
        let author = self.my_name();
        let outcome = self.handle.with_value(|handle| {
            handle.set_author(author);
            handle.change_shared(message, edit)
        });
        match outcome {
            Ok((workspace, result)) => {
                self.set_workspace.set(workspace);
                Ok(result)
            }
            Err(ChangeError::Refused(error)) => Err(error.to_string()),
            Err(error @ ChangeError::Shape(_)) => Err(error.to_string()),
        }
    }

    /// The workspace archive: the workspace and `others` (its plans), every document with
    /// its full history (`docs/formats.md`).
    pub fn archive(&self, others: Vec<(crate::store::DocumentId, Vec<u8>)>) -> String {
        self.handle.with_value(|handle| {
            let id = handle.id();
            let mut documents = vec![(id, handle.save_binary())];
            documents.extend(others);
            write_archive(id, &documents, now_millis())
        })
    }

    /// This device's documents (for opening the workspace's plans).
    pub(crate) fn repo(&self) -> Repo<Rc<BrowserStorage>> {
        self.repo.get_value()
    }

    /// The workspace document as a `.automerge` file: its name and bytes.
    pub fn automerge_file(&self) -> (String, Vec<u8>) {
        self.handle
            .with_value(|handle| (document_file_name(handle.id()), handle.save_binary()))
    }

    /// The workspace as JSON, for reading and for other tools.
    pub fn json(&self) -> String {
        let url = self.url();
        self.workspace.with_untracked(|ws| ws.to_json(&url))
    }

    /// Checks and imports a file; on refusal nothing has changed and the reason is in
    /// words for the person. Merged changes show at once (the document tells the UI).
    pub async fn import(&self, file_name: &str, bytes: &[u8]) -> Result<ImportOutcome, String> {
        let file = read_import(file_name, bytes).map_err(|e| e.to_string())?;
        let repo = self.repo.get_value();
        let handle = self.handle.get_value();
        repo.import(&handle, file).await.map_err(|e| e.to_string())
    }

    /// Keeps the relay's access token on this device (never in a document).
    pub async fn set_relay_token(&self, token: &str) -> Result<(), String> {
        let repo = self.repo.get_value();
        let token = Some(token.trim()).filter(|t| !t.is_empty());
        repo.settings()
            .set_relay_token(token)
            .await
            .map_err(|e| e.to_string())
    }

    /// Keeps the relay chosen on this device (`None`: the one that served the app).
    pub async fn set_chosen_relay(&self, sync_address: Option<&str>) -> Result<(), String> {
        let repo = self.repo.get_value();
        repo.settings()
            .set_chosen_relay(sync_address)
            .await
            .map_err(|e| e.to_string())
    }

    /// Who an earlier build was told uses this device (offered when claiming a
    /// workspace nobody has claimed yet; never taken as who the device is).
    pub async fn device_person(repo: &Repo<Rc<BrowserStorage>>) -> Option<PersonId> {
        // Unreadable storage reads as nobody chosen.
        repo.settings().person().await.unwrap_or(None)
    }

    /// The name of the person using this device, if chosen and still in the workspace.
    pub fn my_name(&self) -> Option<String> {
        let me = self.me.get_untracked()?;
        self.workspace
            .with_untracked(|ws| ws.person(&me).map(|p| p.name.clone()))
    }

    /// The workspace's history, oldest session first (re-read when the workspace changes).
    pub fn history(&self) -> Vec<Session> {
        self.workspace.track();
        self.handle.with_value(|handle| handle.history())
    }

    /// The named versions, oldest first (re-read when the workspace changes).
    pub fn versions(&self) -> Vec<Version> {
        self.workspace.track();
        self.handle.with_value(|handle| handle.versions())
    }

    /// Names the current state of the workspace.
    pub fn name_version(&self, name: &str) -> Result<Version, String> {
        let by = self.my_name().unwrap_or_default();
        let version = self
            .handle
            .with_value(|handle| handle.name_version(name, &by))?;
        // The version is part of the document: notify readers so lists re-read it.
        self.set_workspace.set(self.workspace.get_untracked());
        Ok(version)
    }

    /// The workspace as it was at `heads`.
    pub fn workspace_at(&self, heads: &[automerge::ChangeHash]) -> Result<Workspace, String> {
        self.handle.with_value(|handle| handle.view_at(heads))
    }

    /// The workspace just before `change`.
    pub fn workspace_before(&self, change: automerge::ChangeHash) -> Result<Workspace, String> {
        self.handle.with_value(|handle| handle.view_before(change))
    }

    /// Makes the workspace `id` (shared from another device) this device's; the app then
    /// starts again on it. Refused when this device's workspace holds anything.
    pub async fn join(&self, id: crate::store::DocumentId) -> Result<(), String> {
        let repo = self.repo.get_value();
        let handle = self.handle.get_value();
        repo.join_workspace(&handle, id).await
    }

    /// The `automerge:` URL of the workspace document.
    pub fn url(&self) -> String {
        self.handle.with_value(|handle| handle.id().url())
    }
}
