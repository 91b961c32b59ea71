//! The on-disk layout of a document, as automerge-repo keeps it: snapshot chunks (a full
//! `save()`) and incremental chunks (the changes since), each keyed by its content.
//!
//! Because keys are derived from content, two tabs writing the same change write the same
//! key, and compaction can delete exactly the chunks it read and nothing another tab
//! wrote meanwhile. That is what makes several tabs on one database safe without locks.

use automerge::{AutoCommit, AutomergeError, ChangeHash, LoadOptions, OnPartialLoad};
use sha2::{Digest, Sha256};

use super::storage::StorageKey;
use crate::model::DocumentId;

/// Which kind of chunk a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    Snapshot,
    Incremental,
}

impl ChunkKind {
    fn as_str(self) -> &'static str {
        match self {
            ChunkKind::Snapshot => "snapshot",
            ChunkKind::Incremental => "incremental",
        }
    }

    fn of_key(key: &[String]) -> Option<Self> {
        match key.get(1).map(String::as_str) {
            Some("snapshot") => Some(ChunkKind::Snapshot),
            Some("incremental") => Some(ChunkKind::Incremental),
            _ => None,
        }
    }
}

/// The prefix under which every chunk of `id` lives.
pub fn document_prefix(id: &DocumentId) -> StorageKey {
    vec![id.to_string()]
}

/// The key of an incremental chunk: the SHA-256 of its bytes.
pub fn incremental_key(id: &DocumentId, bytes: &[u8]) -> StorageKey {
    chunk_key(id, ChunkKind::Incremental, hex(&Sha256::digest(bytes)))
}

/// The key of a snapshot: the SHA-256 of the document's heads, so two tabs saving the
/// same state write the same key.
pub fn snapshot_key(id: &DocumentId, heads: &[ChangeHash]) -> StorageKey {
    let mut sorted = heads.to_vec();
    sorted.sort();
    let mut hasher = Sha256::new();
    for head in &sorted {
        hasher.update(head.0);
    }
    chunk_key(id, ChunkKind::Snapshot, hex(&hasher.finalize()))
}

fn chunk_key(id: &DocumentId, kind: ChunkKind, name: String) -> StorageKey {
    vec![id.to_string(), kind.as_str().to_owned(), name]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored chunk that could not be read. It is reported and kept, never deleted, so
/// nothing is lost if a later version can read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptChunk {
    pub key: StorageKey,
    pub reason: String,
}

/// A document assembled from its chunks.
pub struct LoadedChunks {
    pub doc: AutoCommit,
    /// Keys of the chunks that went into `doc` (what compaction may later delete).
    pub loaded: Vec<StorageKey>,
    pub corrupt: Vec<CorruptChunk>,
    pub snapshot_bytes: usize,
    pub incremental_bytes: usize,
}

/// Loads all chunks of a document into one Automerge document.
///
/// Each chunk is checked on its own (Automerge's incremental load silently skips what it
/// cannot parse), so a damaged chunk is named in `corrupt` and costs only its own changes.
/// The first snapshot becomes the base document; every other sound chunk is then applied
/// in one `load_incremental`.
pub fn load_chunks(chunks: Vec<(StorageKey, Vec<u8>)>) -> LoadedChunks {
    let mut chunks: Vec<_> = chunks
        .into_iter()
        .filter_map(|(key, bytes)| ChunkKind::of_key(&key).map(|kind| (kind, key, bytes)))
        .collect();
    // Snapshots first: loading the big piece before the small ones is cheaper.
    chunks.sort_by_key(|(kind, _, _)| *kind == ChunkKind::Incremental);

    let mut base: Option<AutoCommit> = None;
    let mut rest = Vec::new();
    let mut loaded = Vec::new();
    let mut corrupt = Vec::new();
    let mut snapshot_bytes = 0;
    let mut incremental_bytes = 0;
    for (kind, key, bytes) in chunks {
        let outcome = if kind == ChunkKind::Snapshot && base.is_none() {
            AutoCommit::load_with_options(&bytes, strict()).map(|doc| base = Some(doc))
        } else {
            match automerge::Automerge::load_with_options(&bytes, strict()) {
                // A run of changes whose dependencies live in other chunks is sound.
                Ok(_) | Err(AutomergeError::MissingDeps) => {
                    rest.extend_from_slice(&bytes);
                    Ok(())
                }
                Err(error) => Err(error),
            }
        };
        match outcome {
            Ok(()) => {
                match kind {
                    ChunkKind::Snapshot => snapshot_bytes += bytes.len(),
                    ChunkKind::Incremental => incremental_bytes += bytes.len(),
                }
                loaded.push(key);
            }
            Err(error) => corrupt.push(CorruptChunk {
                key,
                reason: error.to_string(),
            }),
        }
    }
    let mut doc = base.unwrap_or_default();
    if let Err(error) = doc.load_incremental(&rest) {
        // Every piece parsed on its own, so this is a conflict between pieces; report the
        // incremental ones as unreadable rather than guess which.
        let (unreadable, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut loaded)
            .into_iter()
            .partition(|k| ChunkKind::of_key(k) == Some(ChunkKind::Incremental));
        loaded = kept;
        corrupt.extend(unreadable.into_iter().map(|key| CorruptChunk {
            key,
            reason: error.to_string(),
        }));
    }
    LoadedChunks {
        doc,
        loaded,
        corrupt,
        snapshot_bytes,
        incremental_bytes,
    }
}

fn strict() -> LoadOptions<'static> {
    LoadOptions::new().on_partial_load(OnPartialLoad::Error)
}

/// automerge-repo's rule: compact once the incremental chunks outweigh the snapshot.
pub fn should_compact(snapshot_bytes: usize, incremental_bytes: usize) -> bool {
    incremental_bytes > snapshot_bytes
}
