//! Documents: ids and URLs, storage in automerge-repo's layout, loading and saving.
//!
//! `ui` reaches documents only through this module; it never sees IndexedDB. Edits arrive
//! as `model` operations and are applied as one Automerge change each
//! ([`DocHandle::change`]).

mod archive;
mod chunks;
mod clock;
mod device_settings;
mod document;
mod history;
mod repo;
mod storage;
mod versions;

#[cfg(target_arch = "wasm32")]
mod autosave;
#[cfg(target_arch = "wasm32")]
mod device;
#[cfg(target_arch = "wasm32")]
mod indexed_db;
#[cfg(target_arch = "wasm32")]
mod tab_channel;

pub use archive::{
    document_file_name, read_import, write_archive, ImportError, ImportFile, ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
};
pub use chunks::{
    document_prefix, incremental_key, load_chunks, snapshot_key, CorruptChunk, LoadedChunks,
};
pub use clock::now_millis;
pub use device_settings::{DeviceSettings, SettingError};
pub use document::{ChangeError, DocHandle, SaveStatus};
// Document ids are the model's (one document names another by them); stored and
// synced documents are found by them here.
pub use crate::model::{DocumentId, DocumentIdError};
pub use history::{ChangeRecord, Session, SESSION_GAP_SECONDS};
pub use repo::{ImportOutcome, Repo};
pub use storage::{MemoryStorage, Storage, StorageError, StorageKey};
pub use versions::Version;

#[cfg(target_arch = "wasm32")]
pub use autosave::{flush_on_page_hide, Autosaver};
#[cfg(target_arch = "wasm32")]
pub use device::{device_storage, request_persistence, DeviceStorage};
#[cfg(target_arch = "wasm32")]
pub use indexed_db::{BrowserStorage, IndexedDbStorage};
#[cfg(target_arch = "wasm32")]
pub use tab_channel::TabChannel;
