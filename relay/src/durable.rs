//! Writes reach disk before the relay reports heads that include them.
//!
//! samod issues a document's storage writes and its next sync messages in the same step,
//! and sends the messages without waiting for the writes. A peer that hears our heads
//! counts its changes as kept by the relay ("Synced with relay"), so a crash in between
//! would break that promise. [`DurableStorage`] wraps the store and keeps a [`Ledger`] of
//! what is on disk for each document: the change hash of every incremental chunk, and the
//! heads of every snapshot (a snapshot holds all the changes before its heads). The
//! connection's sender asks the ledger before it sends a `sync` message, and waits until
//! each head the message reports is on disk.
//!
//! [`DurableStorage`] also writes each chunk durably (synced, renamed into place), which
//! samod's own filesystem adapter does not.
//!
//! A head of the relay's document is on disk exactly when it is an incremental chunk's
//! change or one of a snapshot's heads: a change inside a snapshot but not one of its
//! heads has a successor, so it is no longer a head of the document. What a deleted
//! chunk held still counts for a while (samod deletes one only after a stored snapshot
//! holds its changes): a message may still wait on a head that was a head when it was
//! made, and is inside the new snapshot (with several instances on PostgreSQL compaction
//! comes often, and such a message otherwise waited until its time ran out).
//!
//! ```
//! use throughline_relay::durable::Ledger;
//! let ledger = Ledger::default();
//! assert!(ledger.on_disk("a-document", &[]));
//! ```

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::ChangeHash;
use samod::storage::{Storage, StorageKey};

/// What is on disk, per document id.
#[derive(Default)]
pub struct Ledger {
    documents: Mutex<HashMap<String, OnDisk>>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct OnDisk {
    incremental: HashSet<ChangeHash>,
    /// Snapshot key (its last component) → the snapshot's heads.
    snapshots: HashMap<String, Vec<ChangeHash>>,
    /// What deleted chunks held (their changes are in the snapshot that replaced them),
    /// and when they were deleted: kept for [`RETIRED_FOR`], since a message made before
    /// the compaction may still wait on one of them.
    retired: Vec<(std::time::Instant, Vec<ChangeHash>)>,
}

/// How long what a deleted chunk held still counts as on disk: longer than a message
/// waits for its heads (`--store-within-seconds`, 10 by default).
const RETIRED_FOR: Duration = Duration::from_secs(15 * 60);

/// A stored chunk, by its key: `[document, "incremental", change hash]` or
/// `[document, "snapshot", hash of its heads]`.
enum Chunk {
    Incremental(String, ChangeHash),
    Snapshot(String, String),
}

impl Chunk {
    fn of(key: &StorageKey) -> Option<Chunk> {
        let parts: Vec<&String> = key.into_iter().collect();
        match parts.as_slice() {
            [document, kind, name] if kind.as_str() == "incremental" => name
                .parse()
                .ok()
                .map(|hash| Chunk::Incremental((*document).clone(), hash)),
            [document, kind, name] if kind.as_str() == "snapshot" => {
                Some(Chunk::Snapshot((*document).clone(), (*name).clone()))
            }
            _ => None,
        }
    }
}

impl Ledger {
    /// Whether every one of `heads` of `document` is on disk.
    pub fn on_disk(&self, document: &str, heads: &[ChangeHash]) -> bool {
        if heads.is_empty() {
            return true;
        }
        let documents = self.lock();
        let Some(on_disk) = documents.get(document) else {
            return false;
        };
        heads.iter().all(|head| {
            on_disk.incremental.contains(head)
                || on_disk.snapshots.values().any(|s| s.contains(head))
                || on_disk.retired.iter().any(|(_, held)| held.contains(head))
        })
    }

    /// Waits until `heads` of `document` are on disk, or `limit` has passed (then
    /// `false`: the caller decides what to do rather than wait for ever).
    pub async fn wait_on_disk(
        &self,
        document: &str,
        heads: &[ChangeHash],
        limit: Duration,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Registered before checking, so a write finishing in between is not missed.
            let changed = self.changed.notified();
            if self.on_disk(document, heads) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.on_disk(document, heads);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, OnDisk>> {
        self.documents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Notes a chunk found on or written to disk.
    fn kept(&self, key: &StorageKey, bytes: &[u8]) {
        match Chunk::of(key) {
            Some(Chunk::Incremental(document, hash)) => {
                self.lock()
                    .entry(document)
                    .or_default()
                    .incremental
                    .insert(hash);
            }
            Some(Chunk::Snapshot(document, name)) => {
                let heads = snapshot_heads(bytes);
                self.lock()
                    .entry(document)
                    .or_default()
                    .snapshots
                    .insert(name, heads);
            }
            None => return,
        }
        self.changed.notify_waiters();
    }

    /// Notes a chunk deleted (compaction replaced it with a snapshot): what it held
    /// stays on disk in that snapshot, and counts as on disk for a while yet.
    fn deleted(&self, key: &StorageKey) {
        let mut documents = self.lock();
        let (document, held) = match Chunk::of(key) {
            Some(Chunk::Incremental(document, hash)) => {
                let held = documents
                    .get_mut(&document)
                    .and_then(|on_disk| on_disk.incremental.take(&hash))
                    .map(|hash| vec![hash]);
                (document, held)
            }
            Some(Chunk::Snapshot(document, name)) => {
                let held = documents
                    .get_mut(&document)
                    .and_then(|on_disk| on_disk.snapshots.remove(&name));
                (document, held)
            }
            None => return,
        };
        if let Some(on_disk) = documents.get_mut(&document) {
            let now = std::time::Instant::now();
            on_disk
                .retired
                .retain(|(at, _)| now.duration_since(*at) < RETIRED_FOR);
            if let Some(held) = held {
                on_disk.retired.push((now, held));
            }
        }
    }
}

/// What a `sync` message from samod reports: its document, its heads, and whether it
/// carries changes.
pub struct Reported {
    pub document: String,
    pub heads: Vec<ChangeHash>,
    pub carries_changes: bool,
}

/// What a `sync` message from samod reports; `None` for any other message (nothing to
/// wait for).
pub fn reported_heads(bytes: &[u8]) -> Option<Reported> {
    let mut d = minicbor::Decoder::new(bytes);
    let entries = d.map().ok()??;
    let (mut kind, mut document, mut data) = (None, None, None);
    for _ in 0..entries {
        match d.str().ok()? {
            "type" => kind = Some(d.str().ok()?),
            "documentId" => document = Some(d.str().ok()?.to_owned()),
            "data" => data = Some(d.bytes().ok()?),
            _ => d.skip().ok()?,
        }
    }
    if kind? != "sync" {
        return None;
    }
    let message = automerge::sync::Message::decode(data?).ok()?;
    Some(Reported {
        document: document?,
        carries_changes: !message.changes.is_empty(),
        heads: message.heads,
    })
}

/// The heads of a saved document, read from its header (magic, checksum, chunk type 0,
/// length, the actors, then the heads); if the header does not read that way, by
/// loading the whole document. Empty when neither works: the document then never counts
/// as on disk, and the sender's time limit applies.
fn snapshot_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    header_heads(bytes).unwrap_or_else(|| {
        automerge::Automerge::load(bytes)
            .map(|doc| doc.get_heads())
            .unwrap_or_default()
    })
}

fn header_heads(bytes: &[u8]) -> Option<Vec<ChangeHash>> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    if bytes.get(..4)? != MAGIC || *bytes.get(8)? != 0 {
        return None;
    }
    let mut at = 9;
    let _length = uleb(bytes, &mut at)?;
    let actors = uleb(bytes, &mut at)?;
    for _ in 0..actors {
        let length = usize::try_from(uleb(bytes, &mut at)?).ok()?;
        at = at.checked_add(length)?;
    }
    let count = uleb(bytes, &mut at)?;
    let mut heads = Vec::new();
    for _ in 0..count {
        let hash: [u8; 32] = bytes.get(at..at + 32)?.try_into().ok()?;
        heads.push(ChangeHash(hash));
        at += 32;
    }
    Some(heads)
}

/// An unsigned LEB128 number at `at`, which moves past it.
fn uleb(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Where the chunks are: automerge-repo's filesystem layout under a directory (the
/// default), or PostgreSQL.
#[derive(Clone)]
pub enum Chunks {
    /// Chunks under `root` (the first key component splayed by its first two characters,
    /// as the Node.js adapter and samod do), read through samod's adapter, written
    /// durably here: each goes to a file in `incoming` (on the same filesystem, outside
    /// `root`), is synced, and is renamed into place, so a crash leaves either the whole
    /// chunk or none of it.
    Files {
        files: samod::storage::TokioFilesystemStorage,
        root: PathBuf,
        incoming: PathBuf,
    },
    /// Chunks in PostgreSQL (`crate::postgres`), shared by every instance.
    Postgres(Arc<crate::postgres::Postgres>),
}

impl Chunks {
    /// Chunks under `root`, written through `incoming`.
    pub fn files(root: PathBuf, incoming: PathBuf) -> Self {
        Chunks::Files {
            files: samod::storage::TokioFilesystemStorage::new(&root),
            root,
            incoming,
        }
    }

    pub async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        match self {
            Chunks::Files { files, .. } => files.load(key).await,
            Chunks::Postgres(postgres) => postgres.load(&path_of(&key)).await,
        }
    }

    pub async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        match self {
            Chunks::Files { files, .. } => files.load_range(prefix).await,
            Chunks::Postgres(postgres) => postgres
                .load_range(&path_of(&prefix))
                .await
                .into_iter()
                .filter_map(|(path, bytes)| Some((key_of(&path)?, bytes)))
                .collect(),
        }
    }

    /// Writes a chunk so that it is there after a crash: whether it adds bytes (on
    /// PostgreSQL, another instance may have stored the same chunk first).
    pub async fn write(&self, key: &StorageKey, data: &[u8]) -> std::io::Result<bool> {
        match self {
            Chunks::Files { root, incoming, .. } => {
                write_file(root, incoming, key, data).await.map(|()| true)
            }
            Chunks::Postgres(postgres) => {
                let document = key.into_iter().next().map_or("", String::as_str);
                postgres
                    .put(document, &path_of(key), data)
                    .await
                    .ok_or_else(|| {
                        std::io::Error::other("the relay stopped before PostgreSQL took the chunk")
                    })
            }
        }
    }

    /// Deletes a chunk; the bytes it took, when known.
    async fn delete(&self, key: StorageKey) -> Option<u64> {
        match self {
            Chunks::Files { files, root, .. } => {
                let size = tokio::fs::metadata(file_of(root, &key))
                    .await
                    .ok()
                    .map(|meta| meta.len());
                files.delete(key).await;
                size
            }
            Chunks::Postgres(postgres) => postgres
                .delete(&path_of(&key))
                .await
                .and_then(|bytes| u64::try_from(bytes).ok()),
        }
    }

    /// Bytes each document's chunks take.
    pub async fn sizes(&self) -> HashMap<String, u64> {
        match self {
            Chunks::Files { root, .. } => {
                let root = root.clone();
                tokio::task::spawn_blocking(move || file_sizes(&root))
                    .await
                    .unwrap_or_default()
            }
            Chunks::Postgres(postgres) => postgres.sizes().await.unwrap_or_default(),
        }
    }
}

/// A key as one path: its parts joined by `/` (which no part contains).
pub fn path_of(key: &StorageKey) -> String {
    key.into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("/")
}

/// The key a path names.
pub fn key_of(path: &str) -> Option<StorageKey> {
    StorageKey::from_parts(path.split('/')).ok()
}

/// Where the chunk `key` lives under `root`.
fn file_of(root: &std::path::Path, key: &StorageKey) -> PathBuf {
    let mut path = root.to_path_buf();
    for (index, part) in key.into_iter().enumerate() {
        if index == 0 {
            let split = part.char_indices().nth(2).map_or(part.len(), |(at, _)| at);
            path.push(&part[..split]);
            path.push(&part[split..]);
        } else {
            path.push(part);
        }
    }
    path
}

async fn write_file(
    root: &std::path::Path,
    incoming: &std::path::Path,
    key: &StorageKey,
    data: &[u8],
) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let path = file_of(root, key);
    let parent = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a chunk path without a directory"))?;
    tokio::fs::create_dir_all(parent).await?;
    tokio::fs::create_dir_all(incoming).await?;
    let temporary = incoming.join(format!(
        "{}-{}",
        std::process::id(),
        NEXT_WRITE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let mut file = tokio::fs::File::create(&temporary).await?;
    file.write_all(data).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&temporary, &path).await?;
    // The rename itself is made durable by syncing the directory that holds it.
    tokio::fs::File::open(parent).await?.sync_all().await
}

/// Bytes under `root` per document (its directories `<first two>/<rest>`).
fn file_sizes(root: &std::path::Path) -> HashMap<String, u64> {
    fn size(path: &std::path::Path) -> u64 {
        match std::fs::read_dir(path) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|entry| match entry.metadata() {
                    Ok(meta) if meta.is_dir() => size(&entry.path()),
                    Ok(meta) => meta.len(),
                    Err(_) => 0,
                })
                .sum(),
            Err(_) => 0,
        }
    }
    let mut sizes = HashMap::new();
    let Ok(splays) = std::fs::read_dir(root) else {
        return sizes;
    };
    for splay in splays.filter_map(Result::ok) {
        let Ok(rests) = std::fs::read_dir(splay.path()) else {
            continue;
        };
        for rest in rests.filter_map(Result::ok) {
            let name = format!(
                "{}{}",
                splay.file_name().to_string_lossy(),
                rest.file_name().to_string_lossy()
            );
            sizes.insert(name, size(&rest.path()));
        }
    }
    sizes
}

/// The relay's document store: the [`Chunks`], written durably (a write that fails is
/// logged and counted, and never counts as stored), each chunk noted in the [`Ledger`]
/// once it is stored, and told to the rules' registry.
#[derive(Clone)]
pub struct DurableStorage {
    chunks: Chunks,
    ledger: Arc<Ledger>,
    metrics: Arc<crate::metrics::Metrics>,
    /// Told of every chunk once it is on disk (the rules follow workspace documents).
    registry: Option<Arc<crate::rules::Registry>>,
}

impl DurableStorage {
    pub fn new(chunks: Chunks, ledger: Arc<Ledger>, metrics: Arc<crate::metrics::Metrics>) -> Self {
        Self {
            chunks,
            ledger,
            metrics,
            registry: None,
        }
    }

    /// Tells `registry` of every chunk written.
    pub fn telling(mut self, registry: Arc<crate::rules::Registry>) -> Self {
        self.registry = Some(registry);
        self
    }
}

/// Names the files being written, so that concurrent writes never share one.
static NEXT_WRITE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Storage for DurableStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let bytes = self.chunks.load(key.clone()).await;
        if let Some(bytes) = &bytes {
            self.ledger.kept(&key, bytes);
        }
        bytes
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let found = self.chunks.load_range(prefix).await;
        for (key, bytes) in &found {
            self.ledger.kept(key, bytes);
        }
        found
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        match self.chunks.write(&key, &data).await {
            Ok(added) => {
                // The rules follow a workspace's change before anyone hears of it.
                if let (Some(registry), Some(document)) =
                    (&self.registry, (&key).into_iter().next())
                {
                    if added {
                        registry.stored(document, data.len() as i64);
                    }
                    if let Some(workspace) = registry.written(document, &data).await {
                        registry.wait_for_verdicts(&workspace).await;
                    }
                }
                self.ledger.kept(&key, &data);
            }
            Err(error) => {
                self.metrics
                    .write_failures
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tracing::error!(%key, %error, "a document chunk could not be written");
            }
        }
    }

    async fn delete(&self, key: StorageKey) {
        let document = (&key).into_iter().next().cloned();
        let size = self.chunks.delete(key.clone()).await;
        if let (Some(registry), Some(document), Some(size)) = (&self.registry, document, size) {
            registry.stored(&document, -(size as i64));
        }
        self.ledger.deleted(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::{header_heads, snapshot_heads, Ledger, StorageKey};
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    #[test]
    fn a_saved_document_s_heads_are_read_from_its_header() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "title", "one").unwrap();
        doc.commit();
        let mut other = doc.fork();
        doc.put(ROOT, "title", "two").unwrap();
        doc.commit();
        other.put(ROOT, "owner", "Ana").unwrap();
        other.commit();
        doc.merge(&mut other).unwrap();
        let mut expected = doc.get_heads();
        assert_eq!(expected.len(), 2, "two concurrent heads");
        let bytes = doc.save();
        let mut read = header_heads(&bytes).expect("the header reads");
        read.sort();
        expected.sort();
        assert_eq!(read, expected);
        assert!(header_heads(b"not a document").is_none());
        assert!(snapshot_heads(b"not a document").is_empty());
    }

    #[test]
    fn heads_count_as_on_disk_once_written_or_held_in_a_snapshot() {
        let ledger = Ledger::default();
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "title", "one").unwrap();
        doc.commit();
        let heads = doc.get_heads();
        assert!(!ledger.on_disk("d", &heads));
        let key = StorageKey::from_parts(["d", "incremental", &heads[0].to_string()]).unwrap();
        ledger.kept(&key, &[]);
        assert!(ledger.on_disk("d", &heads));
        assert!(!ledger.on_disk("another", &heads));
        // A snapshot's heads, read from its header, count for its document.
        assert!(!ledger.on_disk("e", &heads));
        let snapshot = StorageKey::from_parts(["e", "snapshot", "abc"]).unwrap();
        ledger.kept(&snapshot, &doc.save());
        assert!(ledger.on_disk("e", &heads));
        // What a chunk deleted by compaction held still counts (a message made before
        // the compaction may wait on it); another document's does not.
        ledger.deleted(&key);
        ledger.deleted(&snapshot);
        assert!(ledger.on_disk("d", &heads));
        assert!(ledger.on_disk("e", &heads));
        assert!(!ledger.on_disk("f", &heads));
    }
}
