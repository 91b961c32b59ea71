//! Offers an edit made here to the peers just after the page has painted it.
//!
//! Offering a change runs Automerge's sync for each connected peer, and that can cost
//! more than the edit itself: when a peer is owed more than a third of a document's
//! changes, Automerge sends the whole document, saved and compressed. A large document
//! with few changes (just imported, or just made) pays that on its first edits: about
//! 14 ms on a 1,000-objective plan. Run in the edit's own task, it sat between the
//! keystroke or click and its paint. So the client notes the document here and offers
//! it after the next frame; edits made within one frame go out together, one sync
//! message per peer instead of one per keystroke.
//!
//! A hidden page does not paint, and the browser stops its animation frames, so there an
//! edit is offered at once, and a page that becomes hidden or is left offers what it was
//! holding. A timer is the fallback should a frame never come.
//!
//! ```ignore
//! let soon = OfferAfterPaint::default();
//! if let Some(round) = soon.note(document) {
//!     // The first one noted since the last offer: after the paint, if `round` is still
//!     // current, offer everything `soon.take()` gives.
//! }
//! ```

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use crate::store::DocumentId;

/// How long an offer waits at most when no frame comes (a page the browser throttles
/// without hiding it).
pub(super) const FALLBACK_MS: i32 = 100;

/// The documents edited here since the last offer.
#[derive(Default)]
pub(super) struct OfferAfterPaint {
    documents: RefCell<BTreeSet<DocumentId>>,
    /// Counts offers: a frame or timer scheduled for an earlier round, which found its
    /// documents already offered, must not offer the next round's before their paint.
    round: Cell<u64>,
}

impl OfferAfterPaint {
    /// Notes an edit of `document`. When nothing was waiting before, the round to
    /// schedule an offer for; `None` when one is scheduled already.
    pub(super) fn note(&self, document: DocumentId) -> Option<u64> {
        let mut documents = self.documents.borrow_mut();
        let first = documents.is_empty();
        documents.insert(document);
        first.then(|| self.round.get())
    }

    /// Whether an offer scheduled for `round` is still to be made.
    pub(super) fn is_current(&self, round: u64) -> bool {
        self.round.get() == round
    }

    /// The documents to offer now; none wait afterwards, and a new round begins.
    pub(super) fn take(&self) -> BTreeSet<DocumentId> {
        self.round.set(self.round.get().wrapping_add(1));
        std::mem::take(&mut *self.documents.borrow_mut())
    }
}

/// Whether the page is hidden (a background tab, a closing page): it paints nothing.
pub(super) fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.hidden())
}

/// Calls `offer` once the next frame has been painted, and after [`FALLBACK_MS`] in case
/// no frame comes; `offer` checks its round, so the second call does nothing.
pub(super) fn after_next_paint(offer: impl Fn() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Some(window) = web_sys::window() else {
        return offer();
    };
    let offer = std::rc::Rc::new(offer);
    let fallback = {
        let offer = offer.clone();
        Closure::once_into_js(move || offer())
    };
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        fallback.unchecked_ref(),
        FALLBACK_MS,
    );
    // An animation frame runs just before the paint; a task queued from it runs after.
    let queued_after_frame = Closure::once_into_js(move || {
        let after_paint = Closure::once_into_js(move || offer());
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                after_paint.unchecked_ref(),
                0,
            );
        }
    });
    let _ = window.request_animation_frame(queued_after_frame.unchecked_ref());
}
