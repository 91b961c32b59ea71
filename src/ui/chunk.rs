//! Pages that load when first visited: each lives in its own piece of the wasm (a
//! *chunk*), fetched the first time its route opens.
//!
//! `cargo xtask build` compiles with the `split` feature and splits the wasm at the
//! functions [`split_route!`] declares (see `xtask/src/wasm_split.rs`). Without the
//! feature (tests, `cargo check`) the same functions are plain `async fn`s and the whole
//! app is one wasm, so nothing else in the app knows whether it was split.
//!
//! [`split_fn!`] declares any other function whose code waits in a chunk until first
//! called (the QR code reader and writer, `components/qr_chunk.rs`).
//!
//! A chunk that cannot be fetched (offline before the service worker holds it, a server
//! gone) is tried quietly a few more times ([`with_quiet_retries`], for pages and the QR
//! chunk alike), then reported in words: a page with a button to try again, and tried
//! again by itself when the connection comes back; the split loader never caches a
//! failure, so each try fetches afresh.
//!
//! ```ignore
//! split_route!(
//!     /// The plans list.
//!     PlansRoute, plans_chunk, plans => PlansPage
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
    #[error("this part of the app could not be loaded; check the connection and try again (nothing you entered is affected)")]
    NotLoaded,
}

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError::NotLoaded
    }
}

/// `split_fn!(chunk: fn name(args) -> T { body })` declares `name`, an `async fn` whose
/// body lives in the chunk `chunk`: awaiting it loads the chunk first (once), then runs
/// the body. Its result is wrapped in `Result<_, ChunkError>`, the error being a chunk
/// that could not be loaded. Arguments and result
/// cross from one wasm module to another by value, so they are plain owned types.
macro_rules! split_fn {
    ($chunk:ident: $(#[$doc:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::ui::chunk::ChunkError> {
            ::core::result::Result::Ok($body)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::ui::chunk::ChunkError> {
            ::core::result::Result::Ok($body)
        }
    };
}
pub(crate) use split_fn;

/// Declares a route component `$route` that shows `$page`, loaded from the chunk
/// `$chunk` (routes naming the same chunk share it), and `$page_chunk()`, the
/// [`PageChunk`] that loads it (for [`preload`]). See the module documentation.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident, $page_chunk:ident, $chunk:ident => $page:ident) => {
        mod $page_chunk {
            use super::*;

            pub(super) static LOADED: ::std::sync::OnceLock<$crate::ui::chunk::PageView> =
                ::std::sync::OnceLock::new();

            $crate::ui::chunk::split_fn!(
                $chunk: pub(super) fn $page_chunk() -> $crate::ui::chunk::PageView {
                    || ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page /> })
                }
            );
        }

        /// The chunk that holds this route's page.
        pub(crate) fn $page_chunk() -> $crate::ui::chunk::PageChunk {
            $crate::ui::chunk::PageChunk {
                loaded: &$page_chunk::LOADED,
                load: || ::std::boxed::Box::pin($page_chunk::$page_chunk()),
            }
        }

        $(#[$doc])*
        #[::leptos::prelude::component]
        pub fn $route() -> impl ::leptos::prelude::IntoView {
            $crate::ui::chunk::chunked_page($page_chunk())
        }
    };
}
pub(crate) use split_route;

/// A page in a chunk: how to load it, and where the page is kept once it is.
#[derive(Clone, Copy)]
pub struct PageChunk {
    pub loaded: &'static OnceLock<PageView>,
    pub load: fn() -> PageLoad,
}

impl PageChunk {
    /// The page, loading its chunk unless it is already loaded.
    pub async fn page(self) -> Result<PageView, ChunkError> {
        if let Some(page) = self.loaded.get() {
            return Ok(*page);
        }
        let page = (self.load)().await?;
        let _ = self.loaded.set(page);
        Ok(page)
    }
}

/// Loads `chunks` in the background, all at once, a second after the app is first shown.
///
/// With a service worker every chunk is already on the device (the worker fetches them
/// all on a first visit); without one (a page over plain http, or a browser that refuses
/// workers) this is what keeps every page at hand when the server that served the app
/// goes away a few seconds later, as it was before the app was split. A chunk that fails
/// is left to load when its page opens. `then` runs once they are all loaded or failed.
pub fn preload(chunks: Vec<PageChunk>, then: impl FnOnce() + 'static) {
    // Instantiating some 80 modules holds the main thread for a while. A second after
    // the shell, the first page has been drawn and is usable; with this delay (and the
    // worker registered after it) cold load measured 363 ms at p50 against 483 for the
    // unsplit build, 15 runs each.
    const AFTER_MS: u64 = 1_000;
    leptos::prelude::set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                futures::future::join_all(chunks.into_iter().map(PageChunk::page)).await;
                then();
            })
        },
        std::time::Duration::from_millis(AFTER_MS),
    );
}

/// How long to wait before each quiet try after a chunk fails to load, in ms: about
/// four seconds in all before the person is told.
const QUIET_RETRIES_MS: [i32; 3] = [400, 1_200, 2_400];

/// Runs `load` (something that first loads a chunk), and while its chunk cannot be
/// fetched, again after each of [`QUIET_RETRIES_MS`]: a request dropped by flaky Wi-Fi,
/// or cut off as the device moves from one network to another (Chromium then aborts every
/// request in flight, and for a moment new ones too), should not need a click. Only the
/// last failure is returned, for the caller to put in words.
///
/// ```ignore
/// let svg = with_quiet_retries(|| qr_svg(code.clone())).await;
/// ```
pub async fn with_quiet_retries<T, F, Fut>(mut load: F) -> Result<T, ChunkError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ChunkError>>,
{
    let mut result = load().await;
    for wait_ms in QUIET_RETRIES_MS {
        if result.is_ok() {
            break;
        }
        crate::ui::documents::sleep_ms(wait_ms).await;
        result = load().await;
    }
    result
}

/// Where a page's chunk stands.
#[derive(Clone, Copy)]
enum Loading {
    Fetching,
    Failed(ChunkError),
    Ready(PageView),
}

/// The view of a route whose page is in a chunk: the page at once when its chunk is
/// already loaded, otherwise a notice while it loads, then the page or the error.
pub fn chunked_page(chunk: PageChunk) -> AnyView {
    if let Some(page) = chunk.loaded.get() {
        return page();
    }
    let state = RwSignal::new(Loading::Fetching);
    let fetch = move || {
        state.set(Loading::Fetching);
        leptos::task::spawn_local(async move {
            // Quiet tries before the notice (see `with_quiet_retries`).
            let next = match with_quiet_retries(|| chunk.page()).await {
                Ok(page) => Loading::Ready(page),
                Err(error) => Loading::Failed(error),
            };
            // The person may have left the route meanwhile; then there is nothing to show.
            let _ = state.try_set(next);
        });
    };
    fetch();
    // A page that could not be loaded loads by itself once the connection is back: the
    // browser is online again, or the relay (most often the server of the app too) is
    // reached again. "Try again" stays for whoever does not want to wait.
    let retry_if_failed = move || {
        if matches!(state.get_untracked(), Loading::Failed(_)) {
            fetch();
        }
    };
    let online = window_event_listener(leptos::ev::online, move |_| retry_if_failed());
    on_cleanup(move || online.remove());
    if let Some(sync) = use_context::<crate::ui::sync_state::SyncState>() {
        Effect::new(move |_| {
            if matches!(
                sync.status.get(),
                Some(crate::sync::SyncStatus::Syncing | crate::sync::SyncStatus::Synced)
            ) {
                retry_if_failed();
            }
        });
    }
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
