//! Saving in the browser: every edit starts its IndexedDB write at once (edits made in
//! the same task share one chunk), a hidden or closing page flushes what is left, and a
//! failed write is retried with backoff while the edits stay in memory.
//!
//! Why not debounce: a tab closed a few milliseconds after an edit keeps only what was
//! already committed. Browsers do not reliably finish writes started while the page is
//! being unloaded, so the write must already be under way; IndexedDB handles a small
//! transaction per keystroke easily, and compaction folds the chunks together.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::document::DocHandle;
use super::storage::Storage;
use crate::timer::set_timeout;

/// First and longest wait before retrying a failed write.
const RETRY_FIRST_MS: i32 = 1_000;
const RETRY_MAX_MS: i32 = 30_000;

/// Keeps one document saved.
///
/// ```ignore
/// let handle = repo.open_workspace().await?;
/// Autosaver::attach(&handle);
/// flush_on_page_hide(handle.clone());
/// ```
pub struct Autosaver;

impl Autosaver {
    pub fn attach<S: Storage + 'static>(handle: &DocHandle<S>) {
        // Changes that arrived before the saver was attached (a joined workspace fills in
        // from sync while the app waits for it) are written now, not with the next edit.
        if !matches!(handle.status(), super::document::SaveStatus::Saved) {
            wasm_bindgen_futures::spawn_local(save_with_retry(handle.clone(), RETRY_FIRST_MS));
        }
        let scheduled = Rc::new(Cell::new(false));
        let weak = handle.clone();
        handle.on_dirty(move || {
            if scheduled.replace(true) {
                return;
            }
            let handle = weak.clone();
            let scheduled = scheduled.clone();
            // A microtask: it runs as soon as the current event handler returns, so the
            // edits of one handler become one chunk and the write starts right away.
            wasm_bindgen_futures::spawn_local(async move {
                scheduled.set(false);
                save_with_retry(handle, RETRY_FIRST_MS).await;
            });
        });
    }
}

async fn save_with_retry<S: Storage + 'static>(handle: DocHandle<S>, wait_ms: i32) {
    if handle.save().await.is_err() {
        let next = (wait_ms * 2).min(RETRY_MAX_MS);
        set_timeout(wait_ms, move || {
            wasm_bindgen_futures::spawn_local(save_with_retry(handle, next));
        });
    }
}

/// Starts a save of `handle` as soon as the page is hidden or being unloaded, so that a
/// tab closed right after typing keeps what was typed.
pub fn flush_on_page_hide<S: Storage + 'static>(handle: DocHandle<S>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let flush = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        // Saving when the page becomes visible again is harmless (nothing pending, no
        // write), so both directions of visibilitychange simply save.
        let handle = handle.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = handle.save().await;
        });
    });
    let _ = window.add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("visibilitychange", flush.as_ref().unchecked_ref());
    }
    // The listeners live as long as the page.
    flush.forget();
}
