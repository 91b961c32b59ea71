//! Pages that load when first visited: each lives in its own piece of the wasm (a
//! *chunk*), fetched the first time its route opens.
//!
//! `cargo xtask build` compiles with the `split` feature and splits the wasm at the
//! functions [`split_route!`] declares (see `xtask/src/wasm_split.rs`). Without the
//! feature (tests, `cargo check`) the same functions are plain `async fn`s and the whole
//! app is one wasm, so nothing else in the app knows whether it was split.
//!
//! A chunk that cannot be fetched (offline before the service worker holds it, a server
//! gone) is tried once more, then reported in words with a button to try again; the
//! split loader never caches a failure, so that button fetches afresh.
//!
//! ```ignore
//! split_route!(
//!     /// The plans list.
//!     PlansRoute, load_plans, plans => PlansPage
//! );
//! // in the router: <Route path=path!("/plans") view=PlansRoute />
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use leptos::prelude::*;

/// Builds a page's view. A plain function pointer, so it can cross the boundary between
/// chunks and be called where the router renders, under the route's reactive owner.
pub type PageView = fn() -> AnyView;

/// What loading a chunk gives: the page, or why it could not be loaded.
pub type PageLoad = Pin<Box<dyn Future<Output = Result<PageView, ChunkError>>>>;

/// Why a page could not be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// The browser could not fetch or instantiate the chunk (its reason is in the console).
    #[error("this page's part of the app could not be loaded; check the connection and try again (nothing you entered is affected)")]
    NotLoaded,
}

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError::NotLoaded
    }
}

/// Declares a route component `$route` that shows `$page`, loaded from the chunk
/// `$chunk` (routes naming the same chunk share it), and `$load`, the function that
/// loads it. See the module documentation.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident, $load:ident, $chunk:ident => $page:ident) => {
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $load() -> ::core::result::Result<$crate::ui::chunk::PageView, $crate::ui::chunk::ChunkError> {
            ::core::result::Result::Ok(|| ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page /> }))
        }

        #[cfg(not(feature = "split"))]
        async fn $load() -> ::core::result::Result<$crate::ui::chunk::PageView, $crate::ui::chunk::ChunkError> {
            ::core::result::Result::Ok(|| ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page /> }))
        }

        $(#[$doc])*
        #[::leptos::prelude::component]
        pub fn $route() -> impl ::leptos::prelude::IntoView {
            static LOADED: ::std::sync::OnceLock<$crate::ui::chunk::PageView> = ::std::sync::OnceLock::new();
            $crate::ui::chunk::chunked_page(&LOADED, || ::std::boxed::Box::pin($load()))
        }
    };
}
pub(crate) use split_route;

/// Where a page's chunk stands.
#[derive(Clone, Copy)]
enum Loading {
    Fetching,
    Failed(ChunkError),
    Ready(PageView),
}

/// The view of a route whose page is in a chunk: the page at once when its chunk is
/// already loaded, otherwise a notice while it loads, then the page or the error.
pub fn chunked_page(loaded: &'static OnceLock<PageView>, load: fn() -> PageLoad) -> AnyView {
    if let Some(page) = loaded.get() {
        return page();
    }
    let state = RwSignal::new(Loading::Fetching);
    let fetch = move || {
        state.set(Loading::Fetching);
        leptos::task::spawn_local(async move {
            // One quiet second try: a request dropped by flaky Wi-Fi should not need a click.
            let result = match load().await {
                Err(_) => load().await,
                ok => ok,
            };
            let next = match result {
                Ok(page) => {
                    let _ = loaded.set(page);
                    Loading::Ready(page)
                }
                Err(error) => Loading::Failed(error),
            };
            // The person may have left the route meanwhile; then there is nothing to show.
            let _ = state.try_set(next);
        });
    };
    fetch();
    // Tracks only `state`: the page is built once, when its chunk arrives, and then
    // keeps its own reactive graph under this owner.
    (move || match state.get() {
        Loading::Fetching => view! {
            <p class="chunk-loading" role="status" data-testid="page-loading">
                "Loading this page…"
            </p>
        }
        .into_any(),
        Loading::Ready(page) => page(),
        Loading::Failed(error) => view! {
            <div class="notice notice-warning" role="alert" data-testid="page-not-loaded">
                <p>{error.to_string()}</p>
                <button type="button" on:click=move |_| fetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    })
    .into_any()
}
