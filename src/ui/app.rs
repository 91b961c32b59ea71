//! The root component: opens storage and the workspace, then shows the shell with its
//! routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::components::{Navigation, SaveIndicator, StorageNotices, UpdatePrompt};
use super::pages::{
    HistoryPage, HomePage, NotFoundPage, PeoplePage, PlansPage, ReviewsPage, SettingsPage,
};
use super::WorkspaceState;
use crate::store::{BrowserStorage, Repo};

/// Whether a new build of the app is installed and waiting for a reload.
#[derive(Clone, Copy)]
pub struct UpdateAvailable(pub ReadSignal<bool>);

/// What the app shows while it opens the workspace.
#[derive(Clone)]
enum Boot {
    Opening,
    Ready(WorkspaceState),
    Failed(String),
}

#[component]
pub fn App() -> impl IntoView {
    let (boot, set_boot) = signal(Boot::Opening);
    let (update_available, set_update_available) = signal(false);
    provide_context(UpdateAvailable(update_available));
    // Opening IndexedDB is asynchronous; the shell appears once the workspace is read so
    // that no page ever renders an empty organisation that is about to be replaced.
    leptos::task::spawn_local(async move {
        let storage = BrowserStorage::open().await;
        let warning = storage.unavailable_reason().map(ToString::to_string);
        let repo = Repo::new(storage);
        let me = WorkspaceState::device_person(&repo).await;
        let state = match repo.open_workspace().await {
            Ok(handle) => WorkspaceState::new(repo, handle, warning, me)
                .map_err(|e| format!("The workspace could not be read: {e}")),
            Err(error) => Err(error.to_string()),
        };
        set_boot.set(match state {
            Ok(state) => Boot::Ready(state),
            Err(message) => Boot::Failed(message),
        });
    });
    crate::pwa::register_service_worker(move || set_update_available.set(true));

    move || match boot.get() {
        Boot::Opening => view! {
            <div class="boot" role="status">
                <p>"Opening your workspace…"</p>
            </div>
        }
        .into_any(),
        Boot::Failed(message) => view! {
            <div class="boot boot-error" role="alert">
                <h1>"Throughline could not start"</h1>
                <p>{message}</p>
                <p>"Nothing has been deleted. Reload the page to try again."</p>
            </div>
        }
        .into_any(),
        Boot::Ready(state) => {
            provide_context(state);
            view! { <AppShell/> }.into_any()
        }
    }
}

/// The header, navigation and routed pages, for an opened workspace (in context).
#[component]
pub fn AppShell() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let organisation = move || {
        state.workspace.with(|ws| {
            if ws.organisation.is_empty() {
                "Throughline".to_owned()
            } else {
                ws.organisation.clone()
            }
        })
    };
    let base = crate::pwa::base_path();
    view! {
        <Router base=base>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="shell">
                <header class="topbar">
                    <span class="brand" aria-hidden="true">"◆"</span>
                    <span class="org-name" data-testid="org-name">{organisation}</span>
                    <SaveIndicator/>
                </header>
                <Navigation/>
                <main id="main" class="content" tabindex="-1">
                    <UpdatePrompt/>
                    <StorageNotices/>
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("/") view=HomePage/>
                        <Route path=path!("/plans") view=PlansPage/>
                        <Route path=path!("/reviews") view=ReviewsPage/>
                        <Route path=path!("/people") view=PeoplePage/>
                        <Route path=path!("/settings") view=SettingsPage/>
                        <Route path=path!("/history") view=HistoryPage/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
