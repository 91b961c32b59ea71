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

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use super::document::DocHandle;
use super::storage::{Storage, StorageKey};

/// The channel's name; one channel carries every document, messages name theirs.
const CHANNEL: &str = "throughline-documents";

/// What applies a chunk another tab wrote to one open document.
type Apply = Rc<dyn Fn(StorageKey, &[u8])>;

/// Open documents by id; a document open twice in this tab has two entries.
type Members = Rc<RefCell<HashMap<String, Vec<(u64, Apply)>>>>;

/// This tab's one BroadcastChannel, shared by every open document: a message is read once
/// and handed to the document it names (one channel per document would have every tab
/// read every message once per open document, five hundred times for a review cycle).
struct Shared {
    channel: BroadcastChannel,
    members: Members,
    next: Cell<u64>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    static SHARED: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

fn shared() -> Option<Rc<Shared>> {
    SHARED.with(|cell| {
        if let Some(shared) = &*cell.borrow() {
            return Some(shared.clone());
        }
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let members: Members = Rc::default();
        let readers = members.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some((target, key, bytes)) = read_message(&event.data()) else {
                return;
            };
            // Cloned out first: applying a chunk may open or close documents.
            let appliers: Vec<Apply> = readers
                .borrow()
                .get(&target)
                .map(|list| list.iter().map(|(_, apply)| apply.clone()).collect())
                .unwrap_or_default();
            for apply in appliers {
                apply(key.clone(), &bytes);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let shared = Rc::new(Shared {
            channel,
            members,
            next: Cell::new(0),
            _on_message: on_message,
        });
        *cell.borrow_mut() = Some(shared.clone());
        Some(shared)
    })
}

/// This tab's membership of the channel for one document; dropping it leaves.
pub struct TabChannel {
    shared: Rc<Shared>,
    document: String,
    token: u64,
}

impl TabChannel {
    /// Announces `handle`'s writes to other tabs and applies theirs. `None` where the
    /// browser has no BroadcastChannel (the tabs then meet again on reload).
    pub fn join<S: Storage + 'static>(handle: DocHandle<S>) -> Option<Self> {
        let shared = shared()?;
        let document = handle.id().to_string();

        let sender = shared.channel.clone();
        let announced = document.clone();
        handle.on_written(move |key, bytes| {
            let message = Object::new();
            let _ = Reflect::set(&message, &"document".into(), &announced.as_str().into());
            let key: Array = key.iter().map(|part| JsValue::from_str(part)).collect();
            let _ = Reflect::set(&message, &"key".into(), &key);
            let _ = Reflect::set(&message, &"bytes".into(), &Uint8Array::from(bytes));
            let _ = sender.post_message(&message);
        });

        // A chunk that does not load is another tab's bug or a foreign message: ignore
        // it; the stored chunk is still read (or reported) on next load.
        let apply: Apply = Rc::new(move |key, bytes| {
            let _ = handle.apply_stored_chunk(key, bytes);
        });
        let token = shared.next.get();
        shared.next.set(token + 1);
        shared
            .members
            .borrow_mut()
            .entry(document.clone())
            .or_default()
            .push((token, apply));
        Some(Self {
            shared,
            document,
            token,
        })
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        let mut members = self.shared.members.borrow_mut();
        if let Some(list) = members.get_mut(&self.document) {
            list.retain(|(token, _)| *token != self.token);
            if list.is_empty() {
                members.remove(&self.document);
            }
        }
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
