//! The root component: opens storage and the workspace, then shows the shell with its
//! routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::components::{
    AnswerOffer, Navigation, PresenceList, SaveIndicator, StorageNotices, SyncIndicator,
    UpdatePrompt,
};
use super::pages::{
    CalibrationPage, CheckInPage, CyclePage, HistoryPage, HomePage, JoinPage, NotFoundPage,
    PeoplePage, PersonPage, PlanPage, PlansPage, ReviewPage, ReviewsPage, SettingsPage,
};
use super::{PlansState, WorkspaceState};
use std::rc::Rc;

use crate::pwa::RelayProbe;
use crate::store::{BrowserStorage, Repo};
use crate::sync::{SyncClient, SyncStatus};

pub use super::sync_state::SyncState;

/// Whether a new build of the app is installed and waiting for a reload.
#[derive(Clone, Copy)]
pub struct UpdateAvailable(pub ReadSignal<bool>);

/// What the app shows while it opens the workspace.
#[derive(Clone)]
enum Boot {
    Opening,
    /// A workspace joined from a link, not received yet.
    Waiting(String),
    Ready(WorkspaceState),
    Failed(String),
}

/// A pairing code carried over the reload that joined its workspace (`?answer=…`),
/// to be answered as soon as the page is up.
fn answer_waiting() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("answer").filter(|code| !code.is_empty())
}

#[component]
pub fn App() -> impl IntoView {
    let (boot, set_boot) = signal(Boot::Opening);
    let (update_available, set_update_available) = signal(false);
    provide_context(UpdateAvailable(update_available));
    let (sync_status, set_sync_status) = signal(None::<SyncStatus>);
    let (relay, set_relay) = signal(None::<String>);
    let (chosen, set_chosen) = signal(false);
    let (pending, set_pending) = signal(None);
    let (peers, set_peers) = signal(Vec::new());
    let device_name = RwSignal::new(String::new());
    let introducing = RwSignal::new(true);
    let known = RwSignal::new(crate::sync::KnownDevices::default());
    let (tabs, set_tabs) = signal(0usize);
    crate::sync::watch_other_tabs(move |count| set_tabs.set(count));
    let client = StoredValue::new_local(None::<SyncClient<Rc<BrowserStorage>>>);
    let sync = SyncState {
        status: sync_status,
        relay,
        chosen,
        pending,
        peers,
        device_name,
        introducing,
        known,
        tabs,
        client,
        listeners: StoredValue::new_local(Vec::new()),
        next_listener: StoredValue::new(0),
    };
    provide_context(sync);
    // Opening IndexedDB is asynchronous; the shell appears once the workspace is read so
    // that no page ever renders an empty organisation that is about to be replaced.
    leptos::task::spawn_local(async move {
        let storage = BrowserStorage::open().await;
        let warning = storage.unavailable_reason().map(ToString::to_string);
        let repo = Repo::new(storage);
        let me = WorkspaceState::device_person(&repo).await;
        // Asking the relay and reading the workspace wait on different things (the
        // network, IndexedDB): both at once, so a start waits for the slower only.
        let (opened, probe) =
            futures::future::join(repo.open_workspace(), crate::pwa::probe_relay()).await;
        let handle = match opened {
            Ok(handle) => handle,
            Err(error) => return set_boot.set(Boot::Failed(error.to_string())),
        };
        let settings = repo.settings();
        // A setting that cannot be read counts as not set (storage that fails is said
        // once, by the storage notice).
        let chosen_relay = settings.chosen_relay().await.unwrap_or(None);
        set_chosen.set(chosen_relay.is_some());
        // The relay found on the last start still counts while the device is offline, so
        // sync resumes by itself when the network is back.
        let relay_url = match probe {
            // A relay chosen in Settings wins over the one that served the app.
            _ if chosen_relay.is_some() => chosen_relay,
            RelayProbe::Relay(url) => {
                let _ = settings.set_served_by(Some(&url)).await;
                Some(url)
            }
            RelayProbe::NoRelay => {
                let _ = settings.set_served_by(None).await;
                None
            }
            RelayProbe::Offline => settings.served_by().await.unwrap_or(None),
        };
        set_relay.set(relay_url.clone());
        // A relay that requires an access token gets it as a query parameter (browsers
        // cannot set headers on a WebSocket).
        let token = settings.relay_token().await.unwrap_or(None);
        let relay_url = relay_url.map(|url| match &token {
            Some(token) => format!(
                "{url}?token={}",
                String::from(js_sys::encode_uri_component(token))
            ),
            None => url,
        });
        let name = match settings.device_name().await {
            Ok(Some(name)) => name,
            _ => {
                let name = super::sync_state::default_device_name();
                let _ = settings.set_device_name(&name).await;
                name
            }
        };
        device_name.set(name.clone());
        // The client runs with no relay too: devices linked directly sync through it.
        let started = SyncClient::start(relay_url, handle.clone(), name, move |status| {
            set_sync_status.set(Some(status.clone()));
        });
        started.on_pending(move |counts| set_pending.set(Some(counts.to_vec())));
        started.on_ephemeral(move |document, session, data| sync.hear(document, session, data));
        if let Ok(Some(kept)) = settings.known_devices().await {
            known.set(crate::sync::KnownDevices::from_json(&kept));
        }
        let remembering = repo.clone();
        started.on_peers(move |all| {
            // Compares with the peers before this change, so it comes first.
            sync.remember_linked(all, &remembering);
            set_peers.set(all.to_vec());
        });
        if let Ok(false) = settings.introductions().await {
            introducing.set(false);
            started.set_introducing(false);
        }
        client.set_value(Some(started));
        let open = move |repo: Repo<Rc<BrowserStorage>>, handle, warning, me| {
            set_boot.set(match WorkspaceState::new(repo, handle, warning, me) {
                Ok(state) => Boot::Ready(state),
                Err(error) => Boot::Failed(format!("The workspace could not be read: {error}")),
            })
        };
        if handle.is_empty() {
            // Joined from a link: show the workspace once sync has brought it.
            set_boot.set(Boot::Waiting(handle.id().url()));
            let waiting = handle.clone();
            handle.on_changed_elsewhere(move || {
                if !waiting.is_empty() && waiting.view::<crate::model::Workspace>().is_ok() {
                    open(repo.clone(), waiting.clone(), warning.clone(), me.clone());
                }
            });
        } else {
            open(repo, handle, warning, me);
        }
    });
    crate::pwa::register_service_worker(move || set_update_available.set(true));

    move || {
        match boot.get() {
        Boot::Opening => view! {
            <div class="boot" role="status">
                <p>"Opening your workspace…"</p>
            </div>
        }
        .into_any(),
        Boot::Waiting(url) => view! {
            <div class="boot" role="status" data-testid="waiting">
                <h1>"Joining a workspace"</h1>
                <p>"This device is waiting for the workspace from the relay. It appears as soon as it arrives."</p>
                <p class="item-meta"><code>{url}</code></p>
                <p>{move || match sync_status.get() {
                    Some(SyncStatus::Offline(why)) => format!("Not connected: {}. Trying again…", crate::ui::sync_words::why_disconnected(&why)),
                    None => "There is no relay here: pair with a device nearby that has the workspace.".to_owned(),
                    _ => "Connected; receiving…".to_owned(),
                }}</p>
                <h2>"Or get it from a device nearby"</h2>
                <AnswerOffer initial=answer_waiting()/>
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
            provide_context(PlansState::new(state, sync));
            provide_context(crate::ui::ReviewsState::new(state, sync));
            view! { <AppShell/> }.into_any()
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
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="shell">
                <header class="topbar">
                    <span class="brand" aria-hidden="true">"◆"</span>
                    <span class="org-name" data-testid="org-name">{organisation}</span>
                    <PresenceList/>
                    <SaveIndicator/>
                    <SyncIndicator/>
                </header>
                <Navigation/>
                <main id="main" class="content" tabindex="-1">
                    <UpdatePrompt/>
                    <StorageNotices/>
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("/") view=HomePage/>
                        <Route path=path!("/plans") view=PlansPage/>
                        <Route path=path!("/plans/:id") view=PlanPage/>
                        <Route path=path!("/plans/:id/:section") view=PlanPage/>
                        <Route path=path!("/reviews") view=ReviewsPage/>
                        <Route path=path!("/reviews/cycles/:cycle") view=CyclePage/>
                        <Route path=path!("/reviews/cycles/:cycle/calibration") view=CalibrationPage/>
                        <Route path=path!("/reviews/:id") view=ReviewPage/>
                        <Route path=path!("/check-ins/:id") view=CheckInPage/>
                        <Route path=path!("/people") view=PeoplePage/>
                        <Route path=path!("/people/:id") view=PersonPage/>
                        <Route path=path!("/settings") view=SettingsPage/>
                        <Route path=path!("/history") view=HistoryPage/>
                        <Route path=path!("/join") view=JoinPage/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
