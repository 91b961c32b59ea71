//! The installable, offline app shell: where the app is mounted, and its service worker.
//!
//! The service worker (`public/sw.js`, its precache list written at build time) answers
//! every navigation with the cached `index.html`, so the app reloads with no network. A
//! new build installs beside the old one and waits; the person is asked to reload rather
//! than having two versions mixed in one page.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

/// The path the app is served under, without a trailing slash (`""` at the root,
/// `"/throughline"` under a sub-path), read from the `<base href>` that the build wrote.
pub fn base_path() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|url| url.pathname())
        .unwrap_or_default();
    base.trim_end_matches('/').to_owned()
}

/// The page's service worker container, where the browser has one (not on a page that
/// is not secure, nor in some private windows).
fn service_workers() -> Option<ServiceWorkerContainer> {
    crate::browser_features::navigator_feature("serviceWorker")
}

/// Registers the service worker (when the browser has them) and calls `on_update` once a
/// new build is installed and waiting.
pub fn register_service_worker(on_update: impl Fn() + 'static) {
    let Some(container) = service_workers() else {
        return;
    };
    let script = format!("{}/sw.js", base_path());
    let options = web_sys::RegistrationOptions::new();
    options.set_scope(&format!("{}/", base_path()));
    let on_update: Rc<dyn Fn()> = Rc::new(on_update);

    // Reload once the new worker has taken over, but only when the person asked for it.
    let reloading = Rc::new(Cell::new(false));
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        if UPDATE_REQUESTED.with(Cell::get) && !reloading.replace(true) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    let has_controller = container.controller().is_some();
    let promise = container.register_with_options(&script, &options);
    wasm_bindgen_futures::spawn_local(async move {
        let registration = match JsFuture::from(promise).await {
            Ok(registration) => registration.unchecked_into::<ServiceWorkerRegistration>(),
            Err(error) => {
                web_sys::console::warn_2(&"Offline support is not available:".into(), &error);
                return;
            }
        };
        // A first install is not an update: there is no older version on the page.
        if !has_controller {
            return;
        }
        if registration.waiting().is_some() {
            on_update();
        } else if let Some(installing) = registration.installing() {
            // The update may have been found while registering, before we listened.
            watch_install(installing, on_update.clone());
        }
        let watched = registration.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = watched.installing() {
                watch_install(installing, on_update.clone());
            }
        });
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    });
}

fn watch_install(worker: ServiceWorker, on_update: Rc<dyn Fn()>) {
    let watched = worker.clone();
    let on_state = Closure::<dyn FnMut()>::new(move || {
        if watched.state() == ServiceWorkerState::Installed {
            on_update();
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

thread_local! {
    static UPDATE_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Activates the waiting build; the page reloads once it controls the page.
pub fn apply_update() {
    UPDATE_REQUESTED.with(|requested| requested.set(true));
    let Some(container) = service_workers() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.get_registration()).await else {
            return;
        };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        match registration.waiting() {
            Some(waiting) => {
                let _ = waiting.post_message(&"skip-waiting".into());
            }
            None => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        }
    });
}

/// What asking the origin for a relay found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayProbe {
    /// The app was served by a Throughline relay; its sync address.
    Relay(String),
    /// A plain static host.
    NoRelay,
    /// The device is offline: nothing was asked (the last answer still holds).
    Offline,
}

/// Whether the browser believes it has a network.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Asks the origin whether it is a Throughline relay (its `/healthz` answers).
pub async fn probe_relay() -> RelayProbe {
    if !online() {
        return RelayProbe::Offline;
    }
    match relay_sync_url().await {
        Some(url) => RelayProbe::Relay(url),
        None => RelayProbe::NoRelay,
    }
}

/// The relay's sync address (`ws://host/sync` or `wss://…`) when the app was served by a
/// Throughline relay, `None` on a plain static host.
async fn relay_sync_url() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let origin = location.origin().ok()?;
    // Under the app's own path: a relay answers there too, and an app hosted at a
    // sub-path of a static host asks nothing outside it.
    let base = base_path();
    let response = JsFuture::from(window.fetch_with_str(&format!("{origin}{base}/healthz")))
        .await
        .ok()?
        .dyn_into::<web_sys::Response>()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let body = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    if !body.contains("\"status\":\"ok\"") {
        return None;
    }
    let secure = location.protocol().ok()? == "https:";
    let host = location.host().ok()?;
    Some(format!(
        "{}://{host}{base}/sync",
        if secure { "wss" } else { "ws" }
    ))
}
