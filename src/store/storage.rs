//! The storage seam: a key-value store with array keys, as automerge-repo's storage
//! adapters have it. IndexedDB implements it in the browser, [`MemoryStorage`] natively
//! and when IndexedDB cannot be opened.

use std::cell::RefCell;
use std::collections::BTreeMap;

/// A key: an array of strings, e.g. `[docId, "incremental", hash]`.
pub type StorageKey = Vec<String>;

/// Why storage failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("This browser will not let Throughline keep data on this device ({0}). Private browsing or blocked site data can cause this; your work stays only in this tab until it is closed.")]
    Unavailable(String),
    #[error("This device is out of storage space for Throughline. Free some space; saving will be retried.")]
    QuotaExceeded,
    #[error("Saving on this device failed: {0}. It will be retried.")]
    Failed(String),
}

/// A store of binary values under array keys.
///
/// Every write resolves only once it is durable in the underlying store (for IndexedDB:
/// once the transaction has completed), which is what lets the UI say "saved".
#[allow(async_fn_in_trait)]
pub trait Storage {
    /// One value, if present.
    async fn load(&self, key: &[String]) -> Result<Option<Vec<u8>>, StorageError>;
    /// Every value whose key starts with `prefix`, in key order.
    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(StorageKey, Vec<u8>)>, StorageError>;
    async fn save(&self, key: StorageKey, value: Vec<u8>) -> Result<(), StorageError>;
    async fn remove(&self, key: &[String]) -> Result<(), StorageError>;
}

/// Storage in memory: for tests, and the fallback when the browser refuses IndexedDB.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    values: RefCell<BTreeMap<StorageKey, Vec<u8>>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// All keys, for tests that inspect the layout.
    pub fn keys(&self) -> Vec<StorageKey> {
        self.values.borrow().keys().cloned().collect()
    }

    /// Replaces a stored value behind the store's back, as a damaged disk would.
    pub fn overwrite(&self, key: StorageKey, value: Vec<u8>) {
        self.values.borrow_mut().insert(key, value);
    }
}

impl Storage for MemoryStorage {
    async fn load(&self, key: &[String]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.values.borrow().get(key).cloned())
    }

    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(StorageKey, Vec<u8>)>, StorageError> {
        Ok(self
            .values
            .borrow()
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect())
    }

    async fn save(&self, key: StorageKey, value: Vec<u8>) -> Result<(), StorageError> {
        self.values.borrow_mut().insert(key, value);
        Ok(())
    }

    async fn remove(&self, key: &[String]) -> Result<(), StorageError> {
        self.values.borrow_mut().remove(key);
        Ok(())
    }
}

impl<S: Storage> Storage for std::rc::Rc<S> {
    async fn load(&self, key: &[String]) -> Result<Option<Vec<u8>>, StorageError> {
        (**self).load(key).await
    }
    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(StorageKey, Vec<u8>)>, StorageError> {
        (**self).load_range(prefix).await
    }
    async fn save(&self, key: StorageKey, value: Vec<u8>) -> Result<(), StorageError> {
        (**self).save(key, value).await
    }
    async fn remove(&self, key: &[String]) -> Result<(), StorageError> {
        (**self).remove(key).await
    }
}
