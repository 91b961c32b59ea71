//! The root component: shows how opening the workspace goes (`ui::boot` does it), then
//! the shell with its routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::boot::Boot;
use super::components::{
    AnswerOffer, Navigation, PresenceList, SaveIndicator, StorageNotices, SyncIndicator,
    UpdatePrompt,
};
use super::pages::{HomePage, NotFoundPage};
use super::routes::{
    AskedFeedbackRoute, CalibrationRoute, CheckInRoute, CycleRoute, HistoryRoute, JoinRoute,
    PeopleRoute, PersonRoute, PlanRoute, PlansRoute, ReviewRoute, ReviewsRoute, SettingsRoute,
};
use super::{PlansState, WorkspaceState};
use crate::sync::SyncStatus;

pub use super::sync_state::SyncState;

/// Whether a new build of the app is installed and waiting for a reload.
#[derive(Clone, Copy)]
pub struct UpdateAvailable(pub ReadSignal<bool>);

#[component]
pub fn App() -> impl IntoView {
    let (boot, set_boot) = signal(Boot::Opening);
    let (update_available, set_update_available) = signal(false);
    provide_context(UpdateAvailable(update_available));
    let (sync, writers) = SyncState::new();
    provide_context(sync);
    let sync_status = sync.status;
    super::boot::start(sync, writers, set_boot);
    super::routes::load_opened_page_early();
    // The service worker fetches every file of the build (some 90) when it installs. It
    // is registered once the app is shown and its pages' chunks are loaded, so that its
    // install does not compete with the first download and finds every file in the HTTP
    // cache. A device still waiting for its workspace, or one that could not start,
    // registers it at once.
    let worker_registered = StoredValue::new(false);
    let register_worker = move || {
        if !worker_registered.get_value() {
            worker_registered.set_value(true);
            crate::pwa::register_service_worker(move || set_update_available.set(true));
        }
    };

    move || {
        match boot.get() {
            Boot::Opening => view! {
                <div class="boot" role="status">
                    <p>"Opening your workspace…"</p>
                </div>
            }
            .into_any(),
            Boot::Waiting(url) => {
                register_worker();
                view! {
                    <div class="boot" role="status" data-testid="waiting">
                        <h1>"Joining a workspace"</h1>
                        <p>
                            "This device is waiting for the workspace from the relay. It appears as soon as it arrives."
                        </p>
                        <p class="item-meta">
                            <code>{url}</code>
                        </p>
                        <Show when=move || sync.workspace_refused.get()>
                            <p
                                class="notice notice-warning"
                                role="alert"
                                data-testid="workspace-refused"
                            >
                                "The relay does not give this workspace to this device: it is not a member. If you opened an invitation, it may have been used already, withdrawn, or it expired; ask whoever invited you for a new link."
                            </p>
                        </Show>
                        <p>
                            {move || match sync_status.get() {
                                Some(SyncStatus::Offline(why)) => {
                                    format!(
                                        "Not connected: {}. Trying again…",
                                        crate::ui::sync_words::why_disconnected(&why),
                                    )
                                }
                                None => {
                                    "There is no relay here: pair with a device nearby that has the workspace."
                                        .to_owned()
                                }
                                _ => "Connected; receiving…".to_owned(),
                            }}
                        </p>
                        <h2>"Or get it from a device nearby"</h2>
                        <AnswerOffer initial=super::boot::answer_waiting() />
                    </div>
                }
        .into_any()
            }
            Boot::Failed(message) => {
                // Whatever went wrong, the build itself is worth keeping for offline use.
                register_worker();
                view! {
                    <div class="boot boot-error" role="alert">
                        <h1>"Throughline could not start"</h1>
                        <p>{message}</p>
                        <p>"Nothing has been deleted. Reload the page to try again."</p>
                    </div>
                }
                .into_any()
            }
            Boot::Ready(state, identity) => {
                provide_context(state);
                let identity = crate::ui::IdentityState::new(state, *identity);
                provide_context(identity);
                sync.follow_link_rules(state, identity);
                provide_context(PlansState::new(state, sync, identity.access));
                provide_context(crate::ui::ReviewsState::new(state, sync, identity.access));
                // The pages not in the first download load in the background once the shell
                // is shown; then the service worker (see above).
                super::chunk::preload(super::routes::all_chunks(), register_worker);
                view! { <AppShell /> }.into_any()
            }
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
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <div class="shell">
                <header class="topbar">
                    <span class="brand" aria-hidden="true">
                        "◆"
                    </span>
                    <span class="org-name" data-testid="org-name">
                        {organisation}
                    </span>
                    <PresenceList />
                    <SaveIndicator />
                    <SyncIndicator />
                </header>
                <Navigation />
                <main id="main" class="content" tabindex="-1">
                    <UpdatePrompt />
                    <StorageNotices />
                    <Routes fallback=|| view! { <NotFoundPage /> }>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/plans") view=PlansRoute />
                        <Route path=path!("/plans/:id") view=PlanRoute />
                        <Route path=path!("/plans/:id/:section") view=PlanRoute />
                        <Route path=path!("/reviews") view=ReviewsRoute />
                        <Route path=path!("/reviews/cycles/:cycle") view=CycleRoute />
                        <Route
                            path=path!("/reviews/cycles/:cycle/calibration")
                            view=CalibrationRoute
                        />
                        <Route path=path!("/reviews/:id") view=ReviewRoute />
                        <Route path=path!("/check-ins/:id") view=CheckInRoute />
                        <Route path=path!("/feedback/:id") view=AskedFeedbackRoute />
                        <Route path=path!("/people") view=PeopleRoute />
                        <Route path=path!("/people/:id") view=PersonRoute />
                        <Route path=path!("/settings") view=SettingsRoute />
                        <Route path=path!("/history") view=HistoryRoute />
                        <Route path=path!("/join") view=JoinRoute />
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
