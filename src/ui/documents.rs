//! Documents other than the workspace, as the UI sees them: each opened document is an
//! [`OpenDocument`] (a signal of its typed view, and `edit`), and a [`DocumentShelf`]
//! keeps every document of one kind that this tab has opened. Plans, reviews, check-in
//! series and coaching notes are all kept this way; what differs between them (where
//! they are listed, whether they sync) is decided by their own state (`plans_state`,
//! `reviews_state`).

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::DocumentView;
use crate::store::{
    flush_on_page_hide, Autosaver, BrowserStorage, ChangeError, DocHandle, DocumentId, Repo,
    Session, TabChannel, Version,
};
use crate::ui::app::SyncState;
use crate::ui::WorkspaceState;

type Handle = DocHandle<Rc<BrowserStorage>>;

/// How a document's view is shown, if not as it reads (a review as its manager's side
/// shows it, on a device that holds that side).
type ShownAs<T> = StoredValue<Option<Rc<dyn Fn(T) -> T>>, LocalStorage>;
/// Why this device may not change a document, if it may not (see
/// [`DocumentShelf::guard_edits`]).
type EditGuard = StoredValue<Option<Rc<dyn Fn(DocumentId) -> Option<String>>>, LocalStorage>;

/// How many documents [`DocumentShelf::open_all`] reads from storage at once.
const OPEN_BATCH: usize = 50;
const FIRST_BATCH: usize = 10;

/// One opened document, read as `T`.
pub struct OpenDocument<T: Send + Sync + 'static> {
    pub id: DocumentId,
    /// The document read as `T`; `None` while it is expected from a peer and has not
    /// arrived. A memo, because memos are lazy: a document opened at start (every listed
    /// plan, review and check-in is, to be on the device and synced before the network
    /// goes) is read as `T` only once something reads this, a page that shows it; and
    /// after a change, only if something still reads it.
    ///
    /// The view is shared with the document's handle, which keeps it for the next edit (a
    /// 1,000-objective plan is not copied for the page at each edit).
    pub view: Memo<Option<Arc<T>>>,
    /// Why the document could not be read as `T`, if so (`view` keeps what it last read).
    pub problem: Memo<Option<String>>,
    /// Counts the document's changes, made here or arrived: what `view` follows.
    revision: RwSignal<u64>,
    /// The view an edit here has just made, which `view` takes instead of reading the
    /// document again.
    made_here: StoredValue<Option<Arc<T>>, LocalStorage>,
    handle: StoredValue<Handle, LocalStorage>,
    workspace: WorkspaceState,
    _tabs: StoredValue<Option<TabChannel>, LocalStorage>,
    shown_as: ShownAs<T>,
    /// The shelf's guard (one for all its documents, so setting it reaches those open).
    guard: EditGuard,
}

impl<T: Send + Sync> Clone for OpenDocument<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync> Copy for OpenDocument<T> {}

/// The same open document (its id; one tab opens a document once).
impl<T: Send + Sync> PartialEq for OpenDocument<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T: DocumentView + Send + Sync> OpenDocument<T> {
    /// Applies `edit` as one change described by `message`, by the person chosen under
    /// Settings → You; on refusal nothing changes and the reason comes back in words.
    pub fn edit<R, E: std::fmt::Display>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<R, String> {
        // The relay and every other device would drop the change anyway; refusing it here
        // says so at once instead of showing an edit nobody else will ever see.
        if let Some(why) = self.refusal() {
            return Err(why);
        }
        let author = self.workspace.my_name();
        let outcome = self.handle.with_value(|handle| {
            handle.set_author(author);
            handle.change_shared(message, edit)
        });
        match outcome {
            Ok((view, result)) => {
                self.made_here.set_value(Some(view));
                self.revision.update(|r| *r += 1);
                Ok(result)
            }
            Err(ChangeError::Refused(error)) => Err(error.to_string()),
            Err(error @ ChangeError::Shape(_)) => Err(error.to_string()),
        }
    }

    /// Why this device may not change the document, if it may not (untracked).
    pub fn refusal(&self) -> Option<String> {
        self.guard
            .with_value(|guard| guard.as_ref().and_then(|guard| guard(self.id)))
    }

    /// Shows the view through `shown_as` from now on (and at once).
    pub fn show_as(&self, shown_as: impl Fn(T) -> T + 'static) {
        self.shown_as.set_value(Some(Rc::new(shown_as)));
        self.show_again();
    }

    /// Reads the view again (what it is shown through changed).
    pub fn show_again(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Part of the document read as `P` (a type holding some of its root fields), without
    /// reading the rest; tracked. A page that needs one field of many documents (whether a
    /// plan is in review) reads that, not each document whole.
    pub fn read_part<P: autosurgeon::Hydrate>(&self) -> Option<P> {
        self.revision.track();
        self.handle.with_value(|handle| handle.view::<P>()).ok()
    }

    /// What `read` reads of the document itself; tracked, as [`read_part`](Self::read_part).
    pub fn read_with<R>(&self, read: impl FnOnce(&automerge::AutoCommit) -> R) -> R {
        self.revision.track();
        self.handle.with_value(|handle| handle.read_with(read))
    }

    /// Whether the document holds anything yet (it has arrived), without reading it;
    /// tracked.
    pub fn has_content(&self) -> bool {
        self.revision.track();
        self.handle.with_value(|handle| !handle.is_empty())
    }

    /// Follows the document's changes without reading it.
    pub fn track_changes(&self) {
        self.revision.track();
    }

    /// The document as it reads, not as it is shown (what its own history compares with);
    /// tracked.
    pub fn own_view(&self) -> Option<T> {
        self.revision.track();
        self.own_view_untracked()
    }

    /// [`own_view`](Self::own_view), untracked.
    pub fn own_view_untracked(&self) -> Option<T> {
        self.handle.with_value(|handle| handle.current::<T>()).ok()
    }

    /// Merges the first change of a document every device makes the same way
    /// ([`DocHandle::merge_initial`]); whether it was new here.
    pub fn merge_initial<I: autosurgeon::Reconcile>(
        &self,
        initial: &I,
        message: &str,
    ) -> Result<bool, String> {
        self.handle
            .with_value(|handle| handle.merge_initial(initial, message))
    }

    /// The document's `automerge:` URL.
    pub fn url(&self) -> String {
        self.id.url()
    }

    /// The heads now, as hex (what a signature records).
    pub fn heads_hex(&self) -> Vec<String> {
        self.handle
            .with_value(|handle| handle.heads().iter().map(ToString::to_string).collect())
    }

    /// Named versions, oldest first (re-read when the document changes).
    pub fn versions(&self) -> Vec<Version> {
        self.revision.track();
        self.handle.with_value(|handle| handle.versions())
    }

    /// Names the document's current state.
    pub fn name_version(&self, name: &str) -> Result<Version, String> {
        if let Some(why) = self.refusal() {
            return Err(why);
        }
        let by = self.workspace.my_name().unwrap_or_default();
        let version = self
            .handle
            .with_value(|handle| handle.name_version(name, &by))?;
        // The version is in the document: tell readers to look again.
        self.revision.update(|r| *r += 1);
        Ok(version)
    }

    /// The document as it was at `heads`.
    pub fn view_at(&self, heads: &[automerge::ChangeHash]) -> Result<T, String> {
        self.handle.with_value(|handle| handle.view_at(heads))
    }

    /// The document as it was at `heads` written as hex (a signature's).
    pub fn view_at_hex(&self, heads: &[String]) -> Result<T, String> {
        let heads = heads
            .iter()
            .map(|h| {
                h.parse()
                    .map_err(|_| format!("\"{h}\" is not a change hash"))
            })
            .collect::<Result<Vec<automerge::ChangeHash>, String>>()?;
        self.view_at(&heads)
    }

    /// The document's history, oldest session first (re-read when it changes).
    pub fn history(&self) -> Vec<Session> {
        self.revision.track();
        self.handle.with_value(|handle| handle.history())
    }

    /// The document just before `change`.
    pub fn view_before(&self, change: automerge::ChangeHash) -> Result<T, String>
    where
        T: Default,
    {
        self.handle.with_value(|handle| handle.view_before(change))
    }

    /// The document as a `.automerge` file: its name and bytes.
    pub fn automerge_file(&self) -> (String, Vec<u8>) {
        self.handle.with_value(|handle| {
            (
                crate::store::document_file_name(handle.id()),
                handle.save_binary(),
            )
        })
    }

    /// The document's bytes (for the archive).
    pub fn save_binary(&self) -> Vec<u8> {
        self.handle.with_value(|handle| handle.save_binary())
    }
}

/// `view` as `shown_as` shows it (a copy of it, then: the handle keeps the view as read).
fn shown<T: Clone + Send + Sync + 'static>(shown_as: ShownAs<T>, view: Arc<T>) -> Arc<T> {
    match shown_as.get_value() {
        Some(show) => Arc::new(show(T::clone(&view))),
        None => view,
    }
}

/// Whether a shelf's documents go to the sync client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Synced with the relay and other devices, like the workspace.
    Synced,
    /// Kept on this device only (until the person chooses otherwise).
    DeviceOnly,
    /// Synced with the relay (so the person's own devices have it), never over a
    /// direct link to another device: a manager's coaching notes once they chose to sync.
    RelayOnly,
}

/// Every document of one kind that this tab has opened.
pub struct DocumentShelf<T: Send + Sync + 'static> {
    /// Opened documents by id; one being read from storage is not in here yet.
    pub opened: RwSignal<BTreeMap<DocumentId, OpenDocument<T>>>,
    workspace: WorkspaceState,
    sync: SyncState,
    sharing: StoredValue<Sharing>,
    repo: StoredValue<Repo<Rc<BrowserStorage>>, LocalStorage>,
    /// Documents being read from storage right now (so two pages asking read them once).
    opening: StoredValue<HashSet<DocumentId>, LocalStorage>,
    /// The App's owner: documents live as long as the page, not as the page that
    /// happened to open them first.
    owner: StoredValue<Owner, LocalStorage>,
    /// What the kind is called in messages ("plan", "review").
    kind: &'static str,
    guard: EditGuard,
}

impl<T: Send + Sync> Clone for DocumentShelf<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync> Copy for DocumentShelf<T> {}

impl<T: DocumentView + Send + Sync> DocumentShelf<T> {
    pub fn new(
        workspace: WorkspaceState,
        sync: SyncState,
        kind: &'static str,
        sharing: Sharing,
    ) -> Self {
        Self {
            opened: RwSignal::new(BTreeMap::new()),
            workspace,
            sync,
            sharing: StoredValue::new(sharing),
            repo: StoredValue::new_local(workspace.repo()),
            opening: StoredValue::new_local(HashSet::new()),
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
            kind,
            guard: StoredValue::new_local(None),
        }
    }

    /// Refuses edits here to a document `refusal` gives a reason for (one this device's
    /// person may read but not change), with that reason.
    pub fn guard_edits(&self, refusal: impl Fn(DocumentId) -> Option<String> + 'static) {
        self.guard.set_value(Some(Rc::new(refusal)));
    }

    /// The document if it is open.
    pub fn get(&self, id: &DocumentId) -> Option<OpenDocument<T>> {
        self.opened.with(|o| o.get(id).copied())
    }

    /// Whether `id` is open (or being opened).
    fn known(&self, id: &DocumentId) -> bool {
        self.opened.with_untracked(|o| o.contains_key(id))
            || self.opening.with_value(|o| o.contains(id))
    }

    /// Opens each of `ids` not opened yet, in the background: read from storage a batch
    /// at a time (the reads of a batch run together), and shown a batch at a time, so a
    /// page listing five hundred documents is updated a few times, not five hundred.
    pub fn open_all(&self, ids: impl IntoIterator<Item = DocumentId>) {
        let wanted: Vec<DocumentId> = ids.into_iter().filter(|id| !self.known(id)).collect();
        if wanted.is_empty() {
            return;
        }
        let shelf = *self;
        leptos::task::spawn_local(async move { shelf.open_many(wanted).await });
    }

    /// Opens each of `ids` (as [`open_all`](Self::open_all)) and resolves once every one
    /// is open, including those another task was opening already.
    pub async fn open_every(&self, ids: Vec<DocumentId>) {
        let fresh: Vec<DocumentId> = ids.iter().copied().filter(|id| !self.known(id)).collect();
        self.open_many(fresh).await;
        while ids
            .iter()
            .any(|id| self.opening.with_value(|o| o.contains(id)))
        {
            sleep_ms(50).await;
        }
    }

    async fn open_many(&self, wanted: Vec<DocumentId>) {
        let shelf = *self;
        self.opening
            .update_value(|o| o.extend(wanted.iter().copied()));
        {
            let repo = shelf.repo.get_value();
            // A small first batch, so a page listing them shows something at once.
            let (head, rest) = wanted.split_at(wanted.len().min(FIRST_BATCH));
            for batch in std::iter::once(head).chain(rest.chunks(OPEN_BATCH)) {
                let loaded = futures::future::join_all(batch.iter().map(|id| repo.open(*id))).await;
                let mut adopted = Vec::new();
                for (id, result) in batch.iter().zip(loaded) {
                    shelf.opening.update_value(|o| {
                        o.remove(id);
                    });
                    let handle = match result {
                        Ok(Some(handle)) => handle,
                        Ok(None) => DocHandle::expect(repo.storage().clone(), *id),
                        // Unreadable storage: left unopened; a page asking again retries.
                        Err(_) => continue,
                    };
                    adopted.push(shelf.adopt(handle));
                }
                shelf.opened.update(|o| {
                    for document in adopted {
                        o.insert(document.id, document);
                    }
                });
            }
        }
    }

    /// Opens the document `id` from this device's storage (once, however many ask); it
    /// shows in [`opened`](Self::opened). One this device does not have yet is asked of
    /// the relay (when synced) and fills in when it arrives.
    pub async fn open(&self, id: DocumentId) -> Result<(), String> {
        if self.opened.with_untracked(|o| o.contains_key(&id))
            || !self
                .opening
                .try_update_value(|o| o.insert(id))
                .unwrap_or(false)
        {
            return Ok(());
        }
        let repo = self.repo.get_value();
        let loaded = repo.open(id).await.map_err(|e| e.to_string());
        self.opening.update_value(|o| {
            o.remove(&id);
        });
        let handle = match loaded? {
            Some(handle) => handle,
            None => DocHandle::expect(repo.storage().clone(), id),
        };
        let document = self.adopt(handle);
        self.opened.update(|o| {
            o.insert(document.id, document);
        });
        Ok(())
    }

    /// Creates a document holding `initial`, saves it and opens it.
    pub async fn create(&self, initial: &T, message: &str) -> Result<DocumentId, String> {
        self.create_as(DocumentId::random(), initial, message).await
    }

    /// [`create`](Self::create) under the id `id`.
    pub async fn create_as(
        &self,
        id: DocumentId,
        initial: &T,
        message: &str,
    ) -> Result<DocumentId, String> {
        let repo = self.repo.get_value();
        let handle = DocHandle::create_as(repo.storage().clone(), id, initial, message)?;
        handle.save().await.map_err(|e| e.to_string())?;
        let id = handle.id();
        let document = self.adopt(handle);
        self.opened.update(|o| {
            o.insert(document.id, document);
        });
        Ok(id)
    }

    /// Makes an opened (or created) handle an [`OpenDocument`]: kept saved, shared with
    /// the other tabs (and the relay, when this shelf syncs), read again when changes
    /// arrive. The caller puts it in [`opened`](Self::opened).
    fn adopt(&self, handle: Handle) -> OpenDocument<T> {
        let owner = self.owner.get_value();
        let workspace = self.workspace;
        let kind = self.kind;
        let guard = self.guard;
        let document = owner.with(|| {
            let revision = RwSignal::new(0u64);
            let made_here: StoredValue<Option<Arc<T>>, LocalStorage> = StoredValue::new_local(None);
            let failure: StoredValue<Option<String>, LocalStorage> = StoredValue::new_local(None);
            let shown_as: ShownAs<T> = StoredValue::new_local(None);
            let stored = StoredValue::new_local(handle.clone());
            // Run when first read, and after a change when read again; never at start for
            // a document no page shows.
            let view = Memo::new_owning(move |previous: Option<Option<Arc<T>>>| {
                revision.track();
                let read = match made_here.try_update_value(Option::take).flatten() {
                    Some(view) => Ok(view),
                    None => stored.with_value(|handle| handle.current_shared::<T>()),
                };
                match read {
                    Ok(view) => {
                        failure.set_value(None);
                        (Some(shown(shown_as, view)), true)
                    }
                    Err(error) => {
                        let empty = stored.with_value(|handle| handle.is_empty());
                        failure.set_value(
                            (!empty).then(|| format!("This {kind} could not be read: {error}")),
                        );
                        (previous.flatten(), true)
                    }
                }
            });
            let problem = Memo::new(move |_| {
                view.track();
                failure.get_value()
            });
            handle.on_changed_elsewhere(move || {
                made_here.set_value(None);
                revision.update(|r| *r += 1);
            });
            Autosaver::attach(&handle);
            flush_on_page_hide(handle.clone());
            OpenDocument {
                id: handle.id(),
                view,
                problem,
                revision,
                made_here,
                _tabs: StoredValue::new_local(TabChannel::join(handle.clone())),
                handle: stored,
                workspace,
                shown_as,
                guard,
            }
        });
        match self.sharing.get_value() {
            Sharing::Synced => self.sync.share(&handle),
            Sharing::RelayOnly => self.sync.share_privately(&handle),
            Sharing::DeviceOnly => {}
        }
        document
    }

    /// Lends every opened document to the sync client, for the relay only (a
    /// device-only shelf the person chose to sync from now on).
    pub fn start_syncing(&self) {
        self.sharing.set_value(Sharing::RelayOnly);
        for document in self.opened.get_untracked().values() {
            document
                .handle
                .with_value(|handle| self.sync.share_privately(handle));
        }
    }

    /// Every opened document's id and bytes (for the workspace archive).
    pub fn documents(&self) -> Vec<(DocumentId, Vec<u8>)> {
        self.opened
            .with_untracked(|o| o.values().map(|d| (d.id, d.save_binary())).collect())
    }
}

/// Resolves after `ms` milliseconds.
pub(crate) async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
