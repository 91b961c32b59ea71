//! Settings: the organisation's name, how this device keeps the data, and the data
//! itself (export and import).

mod data;
mod devices;
mod reviews;
mod you;

use leptos::prelude::*;

use crate::store::{device_storage, request_persistence, DeviceStorage};
use crate::ui::WorkspaceState;
use leptos_router::components::A;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="settings-heading">
            <header class="page-header">
                <h1 id="settings-heading">"Settings"</h1>
            </header>
            <OrganisationSettings />
            <you::You />
            <SyncSettings />
            <devices::DeviceLinks />
            <reviews::ReviewSettings />
            <DeviceSettings />
            <div class="card" role="region" aria-labelledby="history-link-heading">
                <h2 id="history-link-heading">"History and versions"</h2>
                <p>
                    "Every change to the workspace is kept: see who changed what and when, name a version, and compare."
                </p>
                <A href=crate::ui::href("/history") attr:class="button">
                    "Open history"
                </A>
            </div>
            <data::DataSettings />
        </section>
    }
}

#[component]
fn OrganisationSettings() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let name = RwSignal::new(state.workspace.with_untracked(|ws| ws.organisation.clone()));
    let message = RwSignal::new(None::<Result<String, String>>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = name.get();
        message.set(Some(
            state
                .edit("Rename the organisation", |ws| ws.rename(&typed))
                .map(|()| "Renamed.".to_owned()),
        ));
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="org-settings-heading">
            <h2 id="org-settings-heading">"Organisation"</h2>
            <label for="settings-organisation">"Name"</label>
            <input id="settings-organisation" type="text" required bind:value=name />
            <crate::ui::components::FormMessage message=message />
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save name"
                </button>
            </div>
        </form>
    }
}

#[component]
fn DeviceSettings() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let storage = RwSignal::new(None::<DeviceStorage>);
    leptos::task::spawn_local(async move { storage.set(device_storage().await) });
    let keep = move |_| {
        leptos::task::spawn_local(async move {
            request_persistence().await;
            storage.set(device_storage().await);
        });
    };
    let persisted = move || storage.with(|s| s.as_ref().is_some_and(|s| s.persisted));
    let secure = crate::browser_features::secure_page();
    let usage = move || {
        storage.with(
            |s| match s.as_ref().map(|s| (s.usage_bytes, s.quota_bytes)) {
                Some((Some(usage), Some(quota))) => format!(
                    "{} used of {} available to this site.",
                    megabytes(usage),
                    megabytes(quota)
                ),
                _ => "The browser does not say how much space is used.".to_owned(),
            },
        )
    };
    view! {
        <div class="card" aria-labelledby="device-heading" role="region">
            <h2 id="device-heading">"This device"</h2>
            <p>
                {move || {
                    if state.storage_warning.with(Option::is_some) {
                        "This browser is not letting Throughline keep data: what you enter is lost when the tab closes."
                    } else if persisted() {
                        "Your data is kept on this device, and the browser will not clear it to free space."
                    } else {
                        "Your data is kept on this device. The browser may clear it if the device runs out of space, unless you ask it to keep it."
                    }
                }}
            </p>
            <p class="item-meta">{usage}</p>
            // Known once: whether a page is secure does not change while it is open.
            {(!secure)
                .then(|| {
                    view! {
                        <p data-testid="insecure-page">
                            "This page is served over plain http, so the browser keeps no copy of the app to open without the network, and cannot be asked to keep its data. Serve the relay over https (or open it on the machine that runs it) for both."
                        </p>
                    }
                })}
            <Show when=move || {
                secure && !persisted() && state.storage_warning.with(Option::is_none)
            }>
                <button type="button" class="button" on:click=keep>
                    "Keep data on this device"
                </button>
            </Show>
            <dl class="facts">
                <dt>"Workspace document"</dt>
                <dd>
                    <code>{move || state.url()}</code>
                </dd>
                <dt>"Version"</dt>
                <dd>{env!("CARGO_PKG_VERSION")}</dd>
            </dl>
        </div>
    }
}

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_000_000.0)
}

/// Sync with the relay: where, how it stands, and the link that opens this workspace on
/// another device.
#[component]
fn SyncSettings() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let sync = use_context::<crate::ui::app::SyncState>();
    let relay = move || sync.and_then(|s| s.relay.get());
    let status = move || match sync.and_then(|s| s.status.get()) {
        Some(crate::sync::SyncStatus::Synced) => {
            "Every change on this device is on the relay.".to_owned()
        }
        Some(crate::sync::SyncStatus::Syncing) => "Connected; changes are on their way.".to_owned(),
        Some(crate::sync::SyncStatus::Connecting) => "Connecting to the relay…".to_owned(),
        Some(crate::sync::SyncStatus::Offline(why)) => format!(
            "Offline ({}). Changes stay on this device and go out when the relay is back.",
            crate::ui::sync_words::why_disconnected(&why)
        ),
        None => "Not syncing.".to_owned(),
    };
    let link = move || {
        let organisation = state.workspace.with(|ws| ws.organisation.clone());
        crate::ui::components::share_link(&state.url(), &organisation, "/")
    };
    view! {
        <div class="card form" role="region" aria-labelledby="sync-heading">
            <h2 id="sync-heading">"Sync"</h2>
            {move || match relay() {
                Some(address) => {
                    view! {
                        <p>"Relay: " <code data-testid="relay-address">{address}</code></p>
                        <p data-testid="sync-detail">{status}</p>
                        <PendingChanges />
                        <RelayChoice />
                        <RelayToken />
                        <label for="share-link">
                            "Link to open this workspace on another device"
                        </label>
                        <input
                            id="share-link"
                            type="text"
                            readonly
                            data-testid="share-link"
                            prop:value=link
                        />
                        <p class="item-meta">
                            "Anyone with this link and access to the relay can open the workspace."
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p>
                            "This copy of Throughline is served as plain files, without a relay, so your workspace stays on this device. Export and import carry it to another one, or name a relay to sync through."
                        </p>
                        <RelayChoice />
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// A document in words: "The plan “Growth 2027”", "Ana Lima's review (2027 mid-year)",
/// "The check-ins of Bo Chen and Ana Lima".
fn document_name(
    state: &WorkspaceState,
    plans: &crate::ui::PlansState,
    reviews: &crate::ui::ReviewsState,
    id: crate::store::DocumentId,
) -> String {
    let name = |p: &crate::model::PersonId| state.workspace.with_untracked(|ws| ws.person_name(p));
    if let Some(plan) = plans.get(&id) {
        if let Some(title) = plan.view.with(|p| p.as_ref().map(|p| p.title.clone())) {
            return format!("The plan “{title}”");
        }
    }
    if let Some(review) = reviews.reviews.get(&id) {
        if let Some(text) = review.view.with(|r| {
            r.as_ref()
                .map(|r| format!("{}’s review ({})", name(&r.employee), r.cycle_name))
        }) {
            return text;
        }
    }
    if let Some(series) = reviews.check_ins.get(&id) {
        if let Some(text) = series.view.with(|s| {
            s.as_ref().map(|s| {
                format!(
                    "The check-ins of {} and {}",
                    name(&s.manager),
                    name(&s.employee)
                )
            })
        }) {
            return text;
        }
    }
    "A document".to_owned()
}

/// What the relay does not have yet, per document, and "Sync now".
#[component]
fn PendingChanges() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let plans = expect_context::<crate::ui::PlansState>();
    let reviews = expect_context::<crate::ui::ReviewsState>();
    let sync = expect_context::<crate::ui::app::SyncState>();
    let lines = move || {
        let workspace = state.url();
        sync.pending.get().map(|pending| {
            pending
                .into_iter()
                .map(|(id, count)| {
                    let what = if id.url() == workspace {
                        "The workspace".to_owned()
                    } else {
                        document_name(&state, &plans, &reviews, id)
                    };
                    format!(
                        "{what}: {count} change{} not on the relay yet",
                        if count == 1 { "" } else { "s" }
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        {move || {
            sync.relay_said
                .get()
                .map(|said| {
                    view! {
                        <p class="notice notice-warning" role="alert" data-testid="relay-said">
                            "The relay refused some of this device's changes: "
                            {said}
                            ". They are kept on this device and go out once the relay takes them."
                        </p>
                    }
                })
        }}
        <div data-testid="pending-changes">
            {move || {
                match lines() {
                    None => {
                        view! {
                            <p>
                                "The relay has not been reached from this page yet, so what it holds is not known."
                            </p>
                        }
                            .into_any()
                    }
                    Some(lines) if lines.is_empty() => {
                        view! { <p>"Everything made on this device is on the relay."</p> }
                            .into_any()
                    }
                    Some(lines) => {
                        view! {
                            <ul>
                                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            }}
        </div>
        <button type="button" class="button" on:click=move |_| sync.sync_now()>
            "Sync now"
        </button>
    }
}

/// Choosing the relay to sync through: any Throughline relay (or automerge-repo sync
/// server) by its address, or back to the one that served the app. Kept on this device;
/// saving restarts the app so the sync connection uses it.
#[component]
fn RelayChoice() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let sync = expect_context::<crate::ui::app::SyncState>();
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let restart = move |choice: Option<String>| {
        leptos::task::spawn_local(async move {
            match state.set_chosen_relay(choice.as_deref()).await {
                Ok(()) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match crate::sync::relay_sync_address(&typed.get_untracked()) {
            Ok(address) => restart(Some(address)),
            Err(reason) => error.set(Some(reason.to_string())),
        }
    };
    view! {
        <form class="token-form" on:submit=save aria-label="Relay address">
            <label for="relay-address">"Sync through another relay (its address)"</label>
            <input
                id="relay-address"
                type="text"
                inputmode="url"
                autocomplete="off"
                bind:value=typed
                placeholder="https://relay.example.org"
            />
            <button type="submit" class="button">
                "Use this relay"
            </button>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </form>
        <Show when=move || sync.chosen.get()>
            <button type="button" class="button" on:click=move |_| restart(None)>
                "Use the relay this app came from"
            </button>
        </Show>
    }
}

/// The relay's access token, when it requires one. Kept on this device only; saving
/// restarts the app so the sync connection uses it.
#[component]
fn RelayToken() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = token.get();
        leptos::task::spawn_local(async move {
            match state.set_relay_token(&typed).await {
                Ok(()) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <form class="token-form" on:submit=save aria-label="Relay access token">
            <label for="relay-token">"Access token (if the relay asks for one)"</label>
            <input id="relay-token" type="password" autocomplete="off" bind:value=token />
            <button type="submit" class="button">
                "Save token"
            </button>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </form>
    }
}
