//! A document handle: one Automerge document in memory, kept in step with its chunks in
//! storage. Edits go in as typed changes; saving writes what is new as one incremental
//! chunk and compacts when the incremental chunks outweigh the snapshot.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use automerge::transaction::CommitOptions;
use automerge::AutoCommit;
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile};

use crate::model::DocumentView;

use super::chunks::{self, CorruptChunk};
use super::clock::now_millis;
use super::storage::{Storage, StorageError, StorageKey};
use crate::model::DocumentId;

/// Where a document's latest edits are, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    /// Every edit is in storage: the write transaction has completed.
    Saved,
    /// There are edits not yet written.
    Unsaved,
    /// The last write failed; the edits are still in memory and will be written again.
    Failed(StorageError),
}

/// Why an edit could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError<E> {
    /// The model refused the edit (the message is for the person).
    #[error("{0}")]
    Refused(E),
    /// The document does not have the shape this type expects.
    #[error("this document could not be read as expected: {0}")]
    Shape(String),
}

type StatusListener = Box<dyn Fn(&SaveStatus)>;
/// A typed view and the heads of the document it was read (or written) at. The view is an
/// `Arc<T>` shared with whoever shows it, so neither keeps a copy of its own.
type CachedView = (Vec<automerge::ChangeHash>, Box<dyn std::any::Any>);
// Listeners are `Rc` so that they are cloned out before being called: a listener may
// register listeners itself (opening a joined workspace does), which must not find the
// list still borrowed.
type DirtyListener = Rc<dyn Fn()>;
type WrittenListener = Box<dyn Fn(&StorageKey, &[u8])>;
type ChangedListener = Rc<dyn Fn()>;

struct Inner<S> {
    id: DocumentId,
    storage: S,
    doc: RefCell<AutoCommit>,
    /// Chunks produced by edits but not yet written (kept until a write succeeds).
    pending: RefCell<Vec<(StorageKey, Vec<u8>)>>,
    /// The heads up to which every change is stored or queued in `pending`. Kept here,
    /// not by `AutoCommit::save_incremental`: a document just loaded would otherwise have
    /// to encode all its changes again (and throw them away) to learn that they are
    /// stored, some 36 ms at the start for a 1,000-objective plan and its workspace.
    stored_heads: RefCell<Vec<automerge::ChangeHash>>,
    /// Chunk keys this handle loaded or wrote: the only ones compaction may delete.
    known: RefCell<Vec<StorageKey>>,
    snapshot_bytes: Cell<usize>,
    incremental_bytes: Cell<usize>,
    corrupt: Vec<CorruptChunk>,
    /// Saves under way: each writes the chunks that were pending when it began, at once,
    /// beside any other (see `save`).
    writing: Cell<usize>,
    /// Whether a compaction is under way (only one runs at a time).
    compacting: Cell<bool>,
    /// The last typed view and the heads it was made at (see `cached_view`).
    cache: RefCell<Option<CachedView>>,
    /// The name of the person using this device, recorded with their changes.
    author: RefCell<Option<String>>,
    status: RefCell<SaveStatus>,
    on_status: RefCell<Option<StatusListener>>,
    on_dirty: RefCell<Vec<DirtyListener>>,
    on_written: RefCell<Option<WrittenListener>>,
    on_changed_elsewhere: RefCell<Option<ChangedListener>>,
}

/// A shared handle to one document. Cloning is cheap; all clones see the same document.
pub struct DocHandle<S> {
    inner: Rc<Inner<S>>,
}

impl<S> Clone for DocHandle<S> {
    fn clone(&self) -> Self {
        Self {
            inner: Rc::clone(&self.inner),
        }
    }
}

impl<S: Storage> DocHandle<S> {
    /// A new document with `initial` as its content; nothing is written until [`save`].
    ///
    /// [`save`]: DocHandle::save
    pub fn create<T: Reconcile>(storage: S, initial: &T, message: &str) -> Result<Self, String> {
        Self::create_as(storage, DocumentId::random(), initial, message)
    }

    /// [`create`](DocHandle::create) under the id `id` (chosen first when the content
    /// names its own document, as a seal over it does).
    pub fn create_as<T: Reconcile>(
        storage: S,
        id: DocumentId,
        initial: &T,
        message: &str,
    ) -> Result<Self, String> {
        let mut doc = AutoCommit::new();
        reconcile(&mut doc, initial).map_err(|e| e.to_string())?;
        // Made with the document so that two devices never create them concurrently
        // (two concurrent maps under one key would hide one device's entries).
        super::history::create_record_maps(&mut doc).map_err(|e| e.to_string())?;
        doc.commit_with(commit_options(message));
        let handle = Self::from_parts(id, storage, doc, Vec::new(), Vec::new(), 0, 0);
        handle.collect_pending();
        Ok(handle)
    }

    /// Loads a document from every one of its chunks. A chunk that cannot be read is
    /// reported in [`corrupt_chunks`](DocHandle::corrupt_chunks) and left in storage.
    pub async fn load(storage: S, id: DocumentId) -> Result<Option<Self>, StorageError> {
        let stored = storage.load_range(&chunks::document_prefix(&id)).await?;
        if stored.is_empty() {
            return Ok(None);
        }
        let mut loaded = chunks::load_chunks(stored);
        // What was loaded is already stored; only later edits are new.
        let stored_heads = loaded.doc.get_heads();
        let handle = Self::from_parts(
            id,
            storage,
            loaded.doc,
            loaded.loaded,
            loaded.corrupt,
            loaded.snapshot_bytes,
            loaded.incremental_bytes,
        );
        *handle.inner.stored_heads.borrow_mut() = stored_heads;
        Ok(Some(handle))
    }

    fn from_parts(
        id: DocumentId,
        storage: S,
        doc: AutoCommit,
        known: Vec<StorageKey>,
        corrupt: Vec<CorruptChunk>,
        snapshot_bytes: usize,
        incremental_bytes: usize,
    ) -> Self {
        Self {
            inner: Rc::new(Inner {
                id,
                storage,
                doc: RefCell::new(doc),
                pending: RefCell::new(Vec::new()),
                stored_heads: RefCell::new(Vec::new()),
                known: RefCell::new(known),
                snapshot_bytes: Cell::new(snapshot_bytes),
                incremental_bytes: Cell::new(incremental_bytes),
                corrupt,
                writing: Cell::new(0),
                compacting: Cell::new(false),
                cache: RefCell::new(None),
                author: RefCell::new(None),
                status: RefCell::new(SaveStatus::Saved),
                on_status: RefCell::new(None),
                on_dirty: RefCell::new(Vec::new()),
                on_written: RefCell::new(None),
                on_changed_elsewhere: RefCell::new(None),
            }),
        }
    }

    pub fn id(&self) -> DocumentId {
        self.inner.id
    }

    /// Chunks found in storage that could not be read (kept, not deleted).
    pub fn corrupt_chunks(&self) -> &[CorruptChunk] {
        &self.inner.corrupt
    }

    /// The document read as `T`.
    pub fn view<T: Hydrate>(&self) -> Result<T, String> {
        hydrate(&*self.inner.doc.borrow()).map_err(|e| e.to_string())
    }

    /// What `read` reads of the document itself (a reading that needs more than one
    /// type's hydration: every value concurrent writes left, say).
    pub fn read_with<R>(&self, read: impl FnOnce(&AutoCommit) -> R) -> R {
        read(&self.inner.doc.borrow())
    }

    /// Applies one edit as one Automerge change, described by `message`, and returns the
    /// document's new typed view. Nothing changes if `edit` refuses.
    pub fn change<T, R, E>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<(T, R), ChangeError<E>>
    where
        T: DocumentView,
    {
        self.change_shared(message, edit)
            .map(|(view, result)| (T::clone(&view), result))
    }

    /// [`change`](Self::change), returning the new view as the handle keeps it: shared,
    /// not copied (a page that shows it holds the same one).
    pub fn change_shared<T, R, E>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<(Arc<T>, R), ChangeError<E>>
    where
        T: DocumentView,
    {
        // The kept view is taken and edited in a copy: the one copy an edit needs, since
        // only what differs from the kept view is written. It is put back if nothing is.
        let (heads, before) = self.take_cached_view::<T>().map_err(ChangeError::Shape)?;
        let mut view = T::clone(&before);
        let result = match edit(&mut view) {
            Ok(result) => result,
            Err(refused) => {
                self.keep_view(heads, before);
                return Err(ChangeError::Refused(refused));
            }
        };
        let view = {
            let mut doc = self.inner.doc.borrow_mut();
            // `before` describes the document at `heads`; an edit that changed this same
            // document meanwhile (nothing does) would be written against a stale view.
            if doc.get_heads() != heads {
                drop(doc);
                return Err(ChangeError::Shape(
                    "the document changed while this edit was being made; nothing was written"
                        .to_owned(),
                ));
            }
            if let Err(error) = view.write_since(&before, &mut doc) {
                doc.rollback();
                drop(doc);
                self.keep_view(heads, before);
                return Err(ChangeError::Shape(error));
            }
            if let Some(author) = &*self.inner.author.borrow() {
                // Who made the changes of this session, for the history. Failing to note
                // it must not lose the edit itself.
                let _ = super::history::record_author(&mut doc, author);
            }
            doc.commit_with(commit_options(message));
            view.refresh(&doc);
            let view = Arc::new(view);
            *self.inner.cache.borrow_mut() = Some((doc.get_heads(), Box::new(Arc::clone(&view))));
            view
        };
        self.collect_pending();
        Ok((view, result))
    }

    /// The kept typed view and the heads it was made at, taken out of the cache (read
    /// afresh if the document has changed since, or it was kept as another type).
    fn take_cached_view<T: DocumentView>(
        &self,
    ) -> Result<(Vec<automerge::ChangeHash>, Arc<T>), String> {
        let heads = self.inner.doc.borrow_mut().get_heads();
        let kept = self.inner.cache.borrow_mut().take();
        if let Some((kept_heads, view)) = kept {
            if kept_heads == heads {
                if let Ok(view) = view.downcast::<Arc<T>>() {
                    return Ok((heads, *view));
                }
            }
        }
        let view = T::read(&self.inner.doc.borrow())?;
        Ok((heads, Arc::new(view)))
    }

    /// Keeps `view`, made at `heads`, for the next edit.
    fn keep_view<T: DocumentView>(&self, heads: Vec<automerge::ChangeHash>, view: Arc<T>) {
        *self.inner.cache.borrow_mut() = Some((heads, Box::new(view)));
    }

    /// The typed view, from the cache when the document has not changed since it was
    /// made (reading a large document is the expensive part of an edit).
    fn cached_view<T: DocumentView>(&self) -> Result<Arc<T>, String> {
        let heads = self.inner.doc.borrow_mut().get_heads();
        if let Some((cached_heads, view)) = &*self.inner.cache.borrow() {
            if *cached_heads == heads {
                if let Some(view) = view.downcast_ref::<Arc<T>>() {
                    return Ok(Arc::clone(view));
                }
            }
        }
        let view = Arc::new(T::read(&self.inner.doc.borrow())?);
        *self.inner.cache.borrow_mut() = Some((heads, Box::new(Arc::clone(&view))));
        Ok(view)
    }

    /// The document read as `T` through its own reader ([`DocumentView::read`]), and kept
    /// so that the next edit does not read it again.
    pub fn current<T: DocumentView>(&self) -> Result<T, String> {
        self.cached_view().map(|view: Arc<T>| T::clone(&view))
    }

    /// [`current`](Self::current), as the handle keeps it: shared, not copied.
    pub fn current_shared<T: DocumentView>(&self) -> Result<Arc<T>, String> {
        self.cached_view()
    }

    /// Moves new changes from the document into the pending queue and tells listeners.
    fn collect_pending(&self) {
        let bytes = {
            let mut doc = self.inner.doc.borrow_mut();
            let heads = doc.get_heads();
            let mut stored = self.inner.stored_heads.borrow_mut();
            if *stored == heads {
                return;
            }
            let bytes = doc.save_after(&stored);
            *stored = heads;
            bytes
        };
        if bytes.is_empty() {
            return;
        }
        let key = chunks::incremental_key(&self.inner.id, &bytes);
        self.inner.pending.borrow_mut().push((key, bytes));
        if !matches!(*self.inner.status.borrow(), SaveStatus::Failed(_)) {
            self.set_status(SaveStatus::Unsaved);
        }
        let listeners = self.inner.on_dirty.borrow().clone();
        for listener in listeners {
            listener();
        }
    }

    /// Writes every pending chunk, then compacts if the incremental chunks now outweigh
    /// the snapshot. Resolves once this call's writes have completed.
    ///
    /// Calls do not wait for one another: each starts writing the chunks pending when it
    /// begins, even while an earlier call is still writing or compacting. Chunk keys are
    /// hashes of their content, so writes need no order. Why: a keystroke made while a
    /// compaction runs must be in IndexedDB's queue at once, not after the compaction,
    /// or a reload in that window loses it (and the edit would wait for the next one).
    pub async fn save(&self) -> Result<(), StorageError> {
        let batch = std::mem::take(&mut *self.inner.pending.borrow_mut());
        self.inner.writing.set(self.inner.writing.get() + 1);
        let mut result = self.write_chunks(batch).await;
        if result.is_ok() {
            result = self.compact_if_due().await;
        }
        self.inner.writing.set(self.inner.writing.get() - 1);
        match &result {
            Err(error) => self.set_status(SaveStatus::Failed(error.clone())),
            // Saved only when nothing is waiting and no other call is still writing; a
            // failure reported by another call stays until a retry writes its chunks.
            Ok(()) if self.is_settled() => self.set_status(SaveStatus::Saved),
            Ok(()) => {}
        }
        result
    }

    /// Whether every edit is written: nothing pending and no write under way.
    fn is_settled(&self) -> bool {
        self.inner.pending.borrow().is_empty() && self.inner.writing.get() == 0
    }

    /// Writes `batch` in order. On failure the chunks not written go back in the queue.
    async fn write_chunks(&self, batch: Vec<(StorageKey, Vec<u8>)>) -> Result<(), StorageError> {
        let mut batch = batch.into_iter();
        while let Some((key, bytes)) = batch.next() {
            let size = bytes.len();
            if let Err(error) = self.inner.storage.save(key.clone(), bytes.clone()).await {
                let mut pending = self.inner.pending.borrow_mut();
                let unwritten: Vec<_> = std::iter::once((key, bytes)).chain(batch).collect();
                pending.splice(0..0, unwritten);
                return Err(error);
            }
            if let Some(listener) = &*self.inner.on_written.borrow() {
                listener(&key, &bytes);
            }
            self.inner.known.borrow_mut().push(key);
            self.inner
                .incremental_bytes
                .set(self.inner.incremental_bytes.get() + size);
        }
        Ok(())
    }

    /// Compacts when the incremental chunks outweigh the snapshot, unless a compaction
    /// is already under way or a chunk could not be read (it must stay beside the rest).
    async fn compact_if_due(&self) -> Result<(), StorageError> {
        if self.inner.compacting.get()
            || !self.inner.corrupt.is_empty()
            || !chunks::should_compact(
                self.inner.snapshot_bytes.get(),
                self.inner.incremental_bytes.get(),
            )
        {
            return Ok(());
        }
        self.inner.compacting.set(true);
        let result = self.compact().await;
        self.inner.compacting.set(false);
        result
    }

    /// Writes a snapshot, then deletes only the chunks this handle had written or loaded
    /// when the snapshot was taken (every one of them is inside it). Chunks written while
    /// it runs are kept for the next compaction.
    async fn compact(&self) -> Result<(), StorageError> {
        let (key, bytes) = {
            let mut doc = self.inner.doc.borrow_mut();
            let heads = doc.get_heads();
            (chunks::snapshot_key(&self.inner.id, &heads), doc.save())
        };
        let size = bytes.len();
        let covered: Vec<StorageKey> = self
            .inner
            .known
            .borrow()
            .iter()
            .filter(|k| **k != key)
            .cloned()
            .collect();
        let covered_bytes = self.inner.incremental_bytes.get();
        self.inner.storage.save(key.clone(), bytes).await?;
        for old in &covered {
            self.inner.storage.remove(old).await?;
        }
        self.inner
            .known
            .borrow_mut()
            .retain(|k| !covered.contains(k));
        if !self.inner.known.borrow().contains(&key) {
            self.inner.known.borrow_mut().push(key);
        }
        self.inner.snapshot_bytes.set(size);
        self.inner.incremental_bytes.set(
            self.inner
                .incremental_bytes
                .get()
                .saturating_sub(covered_bytes),
        );
        Ok(())
    }

    pub fn status(&self) -> SaveStatus {
        self.inner.status.borrow().clone()
    }

    fn set_status(&self, status: SaveStatus) {
        if *self.inner.status.borrow() == status {
            return;
        }
        *self.inner.status.borrow_mut() = status.clone();
        if let Some(listener) = &*self.inner.on_status.borrow() {
            listener(&status);
        }
    }

    /// Called with every change of [`SaveStatus`].
    pub fn on_status(&self, listener: impl Fn(&SaveStatus) + 'static) {
        *self.inner.on_status.borrow_mut() = Some(Box::new(listener));
    }

    /// A document this device expects but has no part of yet (a workspace joined from a
    /// link): empty until sync brings its content; nothing is stored before that.
    pub fn expect(storage: S, id: DocumentId) -> Self {
        Self::from_parts(id, storage, AutoCommit::new(), Vec::new(), Vec::new(), 0, 0)
    }

    /// Whether the document has no content at all yet.
    pub fn is_empty(&self) -> bool {
        self.inner.doc.borrow_mut().get_heads().is_empty()
    }

    /// The Automerge document, borrowed so that the sync engine can be lent several
    /// documents for one event. Release it before calling any other method.
    pub fn document_mut(&self) -> std::cell::RefMut<'_, AutoCommit> {
        self.inner.doc.borrow_mut()
    }

    /// Sync brought changes into the document: queue them for saving here and tell the
    /// UI to read the document again.
    pub fn changed_by_sync(&self) {
        self.collect_pending();
        self.changed_elsewhere();
    }

    /// Called whenever an edit leaves something to save (the autosaver and the sync
    /// client hook in here; every listener is called).
    pub fn on_dirty(&self, listener: impl Fn() + 'static) {
        self.inner.on_dirty.borrow_mut().push(Rc::new(listener));
    }

    /// Sets who is editing on this device; their name is recorded with their changes.
    pub fn set_author(&self, author: Option<String>) {
        *self.inner.author.borrow_mut() = author.filter(|a| !a.trim().is_empty());
    }

    /// Runs `read` on the Automerge document (for the history and versions modules).
    pub(super) fn with_doc<R>(&self, read: impl FnOnce(&mut AutoCommit) -> R) -> R {
        read(&mut self.inner.doc.borrow_mut())
    }

    /// Applies a change made directly on the Automerge document (named versions), as one
    /// change described by `message`, and queues it for saving.
    pub(super) fn raw_change<R>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<R, String>,
    ) -> Result<R, String> {
        let result = {
            let mut doc = self.inner.doc.borrow_mut();
            match edit(&mut doc) {
                Ok(result) => {
                    if let Some(author) = &*self.inner.author.borrow() {
                        let _ = super::history::record_author(&mut doc, author);
                    }
                    doc.commit_with(commit_options(message));
                    result
                }
                Err(error) => {
                    doc.rollback();
                    return Err(error);
                }
            }
        };
        self.collect_pending();
        Ok(result)
    }

    /// Called with each incremental chunk once it is durably written (the tab channel
    /// announces it to other tabs here).
    pub fn on_written(&self, listener: impl Fn(&StorageKey, &[u8]) + 'static) {
        *self.inner.on_written.borrow_mut() = Some(Box::new(listener));
    }

    /// Called when changes made elsewhere (another tab, an import) were merged in, so the
    /// UI can read the document again.
    pub fn on_changed_elsewhere(&self, listener: impl Fn() + 'static) {
        *self.inner.on_changed_elsewhere.borrow_mut() = Some(Rc::new(listener));
    }

    /// Applies a chunk that another handle (another tab) has already written under `key`.
    /// Returns whether it was new here. The chunk is not written again; it becomes one
    /// this handle knows, so a later compaction may fold it into a snapshot.
    pub fn apply_stored_chunk(&self, key: StorageKey, bytes: &[u8]) -> Result<bool, String> {
        if self.inner.known.borrow().contains(&key) {
            return Ok(false);
        }
        let heads_before = self.inner.doc.borrow_mut().get_heads();
        {
            let mut doc = self.inner.doc.borrow_mut();
            doc.load_incremental(bytes).map_err(|e| e.to_string())?;
            // Local edits were queued as they were made, so what is new since the stored
            // heads is only the chunk just applied, which is already stored.
            *self.inner.stored_heads.borrow_mut() = doc.get_heads();
        }
        self.inner.known.borrow_mut().push(key);
        self.inner
            .incremental_bytes
            .set(self.inner.incremental_bytes.get() + bytes.len());
        let changed = self.inner.doc.borrow_mut().get_heads() != heads_before;
        if changed {
            self.changed_elsewhere();
        }
        Ok(changed)
    }

    /// Merges another copy of this document (an import) and queues what is new to save.
    /// Returns whether anything changed.
    pub fn merge(&self, other: &mut AutoCommit) -> Result<bool, String> {
        // Compare heads: `merge` reports the changes it was given, not only the new ones.
        let heads_before = self.inner.doc.borrow_mut().get_heads();
        self.inner
            .doc
            .borrow_mut()
            .merge(other)
            .map_err(|e| e.to_string())?;
        if self.inner.doc.borrow_mut().get_heads() == heads_before {
            return Ok(false);
        }
        self.collect_pending();
        self.changed_elsewhere();
        Ok(true)
    }

    /// Merges the first change of a document whose id every device derives the same way
    /// (a review's manager's side): `initial`, written by an actor named by the document's
    /// id at time zero, is the same change wherever it is made, so two devices setting
    /// the document up apart hold one history, not two competing roots. Returns whether
    /// it was new here.
    pub fn merge_initial<T: Reconcile>(&self, initial: &T, message: &str) -> Result<bool, String> {
        let actor = automerge::ActorId::from(self.inner.id.as_bytes().as_slice());
        let mut doc = AutoCommit::new().with_actor(actor);
        reconcile(&mut doc, initial).map_err(|e| e.to_string())?;
        super::history::create_record_maps(&mut doc).map_err(|e| e.to_string())?;
        doc.commit_with(
            CommitOptions::default()
                .with_message(message.to_owned())
                .with_time(0),
        );
        self.merge(&mut doc)
    }

    fn changed_elsewhere(&self) {
        let listener = self.inner.on_changed_elsewhere.borrow().clone();
        if let Some(listener) = listener {
            listener();
        }
    }

    /// The whole document as one binary (`.automerge`).
    pub fn save_binary(&self) -> Vec<u8> {
        self.inner.doc.borrow_mut().save()
    }
}

fn commit_options(message: &str) -> CommitOptions {
    CommitOptions::default()
        .with_message(message.to_owned())
        .with_time(now_millis() / 1000)
}
