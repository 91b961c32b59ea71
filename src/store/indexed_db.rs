//! IndexedDB storage in automerge-repo's layout: database `automerge` (version 1), object
//! store `documents`, out-of-line array keys, values `{key, binary}`. A document written
//! here can be read by automerge-repo's IndexedDB adapter and the other way round.

use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use super::storage::{MemoryStorage, Storage, StorageError, StorageKey};

const DATABASE: &str = "automerge";
const STORE: &str = "documents";

/// A connection to the `automerge` IndexedDB database.
pub struct IndexedDbStorage {
    db: IdbDatabase,
}

impl IndexedDbStorage {
    /// Opens (and on first use creates) the database `name`. The app uses
    /// [`IndexedDbStorage::open_default`]; tests use their own names.
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let window = web_sys::window().ok_or_else(|| unavailable("no window"))?;
        let factory = window
            .indexed_db()
            .map_err(|e| unavailable(&describe(&e)))?
            .ok_or_else(|| unavailable("IndexedDB is not available"))?;
        let request = factory
            .open_with_u32(name, 1)
            .map_err(|e| unavailable(&describe(&e)))?;
        let upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(
            move |event: web_sys::IdbVersionChangeEvent| {
                let db = event
                    .target()
                    .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                    .and_then(|r| r.result().ok())
                    .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
                if let Some(db) = db {
                    if !db.object_store_names().contains(STORE) {
                        let _ = db.create_object_store(STORE);
                    }
                }
            },
        );
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let result = request_done(&request).await;
        request.set_onupgradeneeded(None);
        drop(upgrade);
        let db = result
            .map_err(|e| unavailable(&describe(&e)))?
            .dyn_into::<IdbDatabase>()
            .map_err(|_| unavailable("the database did not open"))?;
        Ok(Self { db })
    }

    pub async fn open_default() -> Result<Self, StorageError> {
        Self::open(DATABASE).await
    }

    fn store(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), StorageError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(STORE, mode)
            .map_err(|e| failed(&e))?;
        let store = tx.object_store(STORE).map_err(|e| failed(&e))?;
        Ok((tx, store))
    }
}

impl Storage for IndexedDbStorage {
    async fn load(&self, key: &[String]) -> Result<Option<Vec<u8>>, StorageError> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly)?;
        let request = store.get(&js_key(key)).map_err(|e| failed(&e))?;
        let value = request_done(&request).await.map_err(|e| failed(&e))?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        Ok(Some(binary_of(&value)?))
    }

    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(StorageKey, Vec<u8>)>, StorageError> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly)?;
        let upper: Vec<String> = prefix
            .iter()
            .cloned()
            .chain(std::iter::once("\u{ffff}".to_owned()))
            .collect();
        let range = IdbKeyRange::bound(&js_key(prefix), &js_key(&upper)).map_err(|e| failed(&e))?;
        let request = store.get_all_with_key(&range).map_err(|e| failed(&e))?;
        let values = request_done(&request).await.map_err(|e| failed(&e))?;
        let values: Array = values
            .dyn_into()
            .map_err(|_| failed_text("getAll did not return a list"))?;
        let mut out = Vec::with_capacity(values.length() as usize);
        for value in values.iter() {
            let key = Reflect::get(&value, &"key".into()).map_err(|e| failed(&e))?;
            let key: Array = key
                .dyn_into()
                .map_err(|_| failed_text("a stored key is not a list"))?;
            let key: StorageKey = key.iter().filter_map(|part| part.as_string()).collect();
            out.push((key, binary_of(&value)?));
        }
        Ok(out)
    }

    async fn save(&self, key: StorageKey, value: Vec<u8>) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        let record = Object::new();
        let js_key = js_key(&key);
        let _ = Reflect::set(&record, &"key".into(), &js_key);
        let _ = Reflect::set(
            &record,
            &"binary".into(),
            &Uint8Array::from(value.as_slice()),
        );
        store
            .put_with_key(&record, &js_key)
            .map_err(|e| failed(&e))?;
        // Commit now rather than when the event loop notices the transaction is idle: a
        // tab closed a few milliseconds after an edit then still keeps it.
        commit_now(&tx);
        transaction_done(&tx).await
    }

    async fn remove(&self, key: &[String]) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.delete(&js_key(key)).map_err(|e| failed(&e))?;
        commit_now(&tx);
        transaction_done(&tx).await
    }
}

/// The storage the app runs on: IndexedDB, or memory when the browser refuses IndexedDB
/// (the UI then says that nothing is kept after the tab closes).
pub enum BrowserStorage {
    IndexedDb(IndexedDbStorage),
    Memory(MemoryStorage, StorageError),
}

impl BrowserStorage {
    /// Opens IndexedDB, falling back to memory with the reason kept for the UI.
    pub async fn open() -> Rc<Self> {
        match IndexedDbStorage::open_default().await {
            Ok(db) => Rc::new(Self::IndexedDb(db)),
            Err(error) => Rc::new(Self::Memory(MemoryStorage::new(), error)),
        }
    }

    /// Why data is not kept on this device, if it is not.
    pub fn unavailable_reason(&self) -> Option<&StorageError> {
        match self {
            Self::IndexedDb(_) => None,
            Self::Memory(_, reason) => Some(reason),
        }
    }
}

impl Storage for BrowserStorage {
    async fn load(&self, key: &[String]) -> Result<Option<Vec<u8>>, StorageError> {
        match self {
            Self::IndexedDb(s) => s.load(key).await,
            Self::Memory(s, _) => s.load(key).await,
        }
    }
    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(StorageKey, Vec<u8>)>, StorageError> {
        match self {
            Self::IndexedDb(s) => s.load_range(prefix).await,
            Self::Memory(s, _) => s.load_range(prefix).await,
        }
    }
    async fn save(&self, key: StorageKey, value: Vec<u8>) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.save(key, value).await,
            Self::Memory(s, _) => s.save(key, value).await,
        }
    }
    async fn remove(&self, key: &[String]) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.remove(key).await,
            Self::Memory(s, _) => s.remove(key).await,
        }
    }
}

/// Asks IndexedDB to commit at once. `commit()` is part of IndexedDB 3.0 and current
/// Chromium, Firefox and Safari have it, though web-sys marks it deprecated; where it is
/// missing the call fails harmlessly and the transaction commits on its own.
#[allow(deprecated)]
fn commit_now(tx: &IdbTransaction) {
    let _ = tx.commit();
}

fn js_key(key: &[String]) -> JsValue {
    key.iter()
        .map(|part| JsValue::from_str(part))
        .collect::<Array>()
        .into()
}

fn binary_of(value: &JsValue) -> Result<Vec<u8>, StorageError> {
    let binary = Reflect::get(value, &"binary".into()).map_err(|e| failed(&e))?;
    let bytes: Uint8Array = binary
        .dyn_into()
        .map_err(|_| failed_text("a stored value has no binary"))?;
    Ok(bytes.to_vec())
}

/// Resolves with the request's result once it succeeds, or its error.
async fn request_done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        let target = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &target.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let target = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = target
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Resolves once the transaction has completed (the data is committed), or fails with
/// the reason it aborted.
async fn transaction_done(tx: &IdbTransaction) -> Result<(), StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let target = tx.clone();
        let reject_abort = reject.clone();
        let target_abort = tx.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = target.error().map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let error = target_abort.error().map_or(JsValue::NULL, JsValue::from);
            let _ = reject_abort.call1(&JsValue::NULL, &error);
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| failed(&e))
}

fn describe(error: &JsValue) -> String {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    error
        .as_string()
        .unwrap_or_else(|| "unknown error".to_owned())
}

fn unavailable(reason: &str) -> StorageError {
    StorageError::Unavailable(reason.to_owned())
}

fn failed(error: &JsValue) -> StorageError {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        if exception.name() == "QuotaExceededError" {
            return StorageError::QuotaExceeded;
        }
    }
    StorageError::Failed(describe(error))
}

fn failed_text(reason: &str) -> StorageError {
    StorageError::Failed(reason.to_owned())
}
