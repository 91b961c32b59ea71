//! (wasm) What the browser gives this page. A page that is not secure (a relay reached
//! over plain http from another machine) gets no service worker, clipboard, camera or
//! storage manager: those `navigator` properties are then absent, although web-sys types
//! them as always there. Every use looks them up here first.
//!
//! ```ignore
//! let Some(clipboard) = navigator_feature::<web_sys::Clipboard>("clipboard") else {
//!     return Err(if secure_page() { "refused" } else { "needs https" });
//! };
//! ```

use wasm_bindgen::JsCast;

/// Whether the browser gives this page its secure-only features. It does for https and
/// for this machine's own address, not for plain http from the local network.
pub fn secure_page() -> bool {
    web_sys::window().is_some_and(|w| w.is_secure_context())
}

/// The `navigator` property `name` (`"serviceWorker"`, `"clipboard"`, …), or `None` where
/// this browser does not give it to this page.
pub fn navigator_feature<T: JsCast>(name: &str) -> Option<T> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::get(&navigator, &name.into())
        .ok()
        .filter(|feature| !feature.is_undefined() && !feature.is_null())
        .map(JsCast::unchecked_into)
}
