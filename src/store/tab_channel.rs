//! Live edits between tabs of one browser.
//!
//! Every tab is a full peer on the shared IndexedDB. When a tab has written a chunk it
//! announces the chunk on a BroadcastChannel; the other tabs apply the same bytes to their
//! copy of the document ([`DocHandle::apply_stored_chunk`]) without writing them again.
//! A tab that misses a message (it was loading) still has the chunk in IndexedDB, so
//! nothing depends on delivery.
//!
//! ```ignore
//! let channel = TabChannel::join(handle.clone());
//! ```

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use super::document::DocHandle;
use super::storage::{Storage, StorageKey};

/// The channel's name; one channel carries every document, messages name theirs.
const CHANNEL: &str = "throughline-documents";

/// This tab's membership of the channel for one document; dropping it leaves.
pub struct TabChannel {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Announces `handle`'s writes to other tabs and applies theirs. `None` where the
    /// browser has no BroadcastChannel (the tabs then meet again on reload).
    pub fn join<S: Storage + 'static>(handle: DocHandle<S>) -> Option<Self> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let document = handle.id().to_string();

        let sender = channel.clone();
        let announced = document.clone();
        handle.on_written(move |key, bytes| {
            let message = Object::new();
            let _ = Reflect::set(&message, &"document".into(), &announced.as_str().into());
            let key: Array = key.iter().map(|part| JsValue::from_str(part)).collect();
            let _ = Reflect::set(&message, &"key".into(), &key);
            let _ = Reflect::set(&message, &"bytes".into(), &Uint8Array::from(bytes));
            let _ = sender.post_message(&message);
        });

        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some((target, key, bytes)) = read_message(&event.data()) else {
                return;
            };
            if target == document {
                // A chunk that does not load is another tab's bug or a foreign message:
                // ignore it; the stored chunk is still read (or reported) on next load.
                let _ = handle.apply_stored_chunk(key, &bytes);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Self {
            channel,
            _on_message: on_message,
        })
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Reads `{document, key, bytes}`; anything else on the channel is ignored.
fn read_message(data: &JsValue) -> Option<(String, StorageKey, Vec<u8>)> {
    let document = Reflect::get(data, &"document".into()).ok()?.as_string()?;
    let key: Array = Reflect::get(data, &"key".into()).ok()?.dyn_into().ok()?;
    let key: StorageKey = key
        .iter()
        .map(|part| part.as_string())
        .collect::<Option<_>>()?;
    let bytes: Uint8Array = Reflect::get(data, &"bytes".into()).ok()?.dyn_into().ok()?;
    Some((document, key, bytes.to_vec()))
}
