//! (wasm) Running a callback once after a wait: `window.setTimeout`, with the callback
//! owned by the browser until it runs. Every timer of the app goes through here.
//!
//! ```ignore
//! throughline::timer::set_timeout(1_000, move || retry());
//! ```

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Runs `callback` once, in a task at least `ms` milliseconds from now. Without a window
/// (nothing here runs outside one) it never runs.
pub fn set_timeout(ms: i32, callback: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::once_into_js(callback);
    let _ =
        window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
}
