//! Running work once the browser has painted the frame an edit changed.
//!
//! An edit's own work (the document change, the page's update, the start of its save)
//! runs in the event handler and its microtasks, and the frame is painted right after
//! them. Work that only tells others (offering the change to the relay and to linked
//! devices) can wait until that frame is on screen: a peer receives the change a frame
//! later, and the person editing sees it a frame sooner. Offering a document to a peer
//! can cost as much as a whole frame: automerge sends the whole document when the
//! changes to send are more than a third of it (the first edit of an imported plan).
//!
//! ```ignore
//! // (browser only; the sync client offers what was edited once the frame is painted)
//! after_paint(move || client.event(Event::Changed { document }));
//! ```

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::timer::set_timeout;

/// The longest wait for the next frame. A visible page normally paints within 16 ms;
/// one the browser throttles (a background window, a covered tab) may not paint for
/// a long time, and a change must not wait for that to reach other devices.
const LONGEST_WAIT_MS: i32 = 100;

/// Runs `work` once, in a task after the next frame is painted (`requestAnimationFrame`,
/// then a task, which runs after that frame's paint), or at once in a task when the page
/// is hidden (a hidden page paints no frames), and at the latest after
/// [`LONGEST_WAIT_MS`].
pub fn after_paint(work: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        work();
        return;
    };
    // Whichever of the frame and the longest wait comes first runs it; the other finds
    // it gone.
    let once = Rc::new(Cell::new(Some(work)));
    let run = move || {
        if let Some(work) = once.take() {
            work();
        }
    };
    let hidden = window.document().is_none_or(|document| document.hidden());
    if hidden {
        set_timeout(0, run);
        return;
    }
    let after_frame = {
        let run = run.clone();
        Closure::once_into_js(move || set_timeout(0, run))
    };
    if window
        .request_animation_frame(after_frame.unchecked_ref())
        .is_err()
    {
        set_timeout(0, run);
        return;
    }
    set_timeout(LONGEST_WAIT_MS, run);
}
