//! What the app does before its first page: open this device's storage and workspace,
//! find its relay (the one that served the app, one chosen in Settings, or the last one
//! known while offline), and start the sync client. `App` shows [`Boot`] as it goes.

use std::rc::Rc;

use leptos::prelude::*;

use super::sync_state::{SyncState, SyncWriters};
use super::WorkspaceState;
use crate::pwa::RelayProbe;
use crate::store::{BrowserStorage, Repo};
use crate::sync::SyncClient;

/// What the app shows while it opens the workspace.
#[derive(Clone)]
pub enum Boot {
    Opening,
    /// A workspace joined from a link, not received yet.
    Waiting(String),
    Ready(WorkspaceState, Box<super::DeviceIdentity>),
    Failed(String),
}

/// A pairing code carried over the reload that joined its workspace (`?answer=…`),
/// to be answered as soon as the page is up.
pub fn answer_waiting() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("answer").filter(|code| !code.is_empty())
}

/// This device's key (made on first start), the root it trusts and an invitation waiting.
async fn device_identity(
    repo: &Repo<Rc<BrowserStorage>>,
    chosen_before: Option<crate::model::PersonId>,
) -> super::DeviceIdentity {
    let settings = repo.settings();
    super::DeviceIdentity {
        secret: settings.device_secret().await.map_err(|e| {
            format!(
                "This device's key cannot be read ({e}), so it cannot sign; it is kept as it is."
            )
        }),
        // Unreadable: trust none pinned; the first root seen is pinned again.
        pinned: settings.pinned_root().await.unwrap_or(None),
        pending: settings.pending_invitation().await.unwrap_or(None),
        // Unreadable: keep none (and write none over what is there).
        kept: settings.kept_statements().await.ok(),
        chosen_before,
    }
}

/// Opens the workspace and starts sync, telling `set_boot` how it stands. Opening
/// IndexedDB is asynchronous; the shell appears once the workspace is read, so that no
/// page ever renders an empty organisation that is about to be replaced.
pub fn start(sync: SyncState, writers: SyncWriters, set_boot: WriteSignal<Boot>) {
    leptos::task::spawn_local(open(sync, writers, set_boot));
}

async fn open(sync: SyncState, writers: SyncWriters, set_boot: WriteSignal<Boot>) {
    let storage = BrowserStorage::open().await;
    let warning = storage.unavailable_reason().map(ToString::to_string);
    let repo = Repo::new(storage);
    let me = WorkspaceState::device_person(&repo).await;
    let identity = device_identity(&repo, me).await;
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
    writers.chosen.set(chosen_relay.is_some());
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
    writers.relay.set(relay_url.clone());
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
    sync.device_name.set(name.clone());
    // The client runs with no relay too: devices linked directly sync through it.
    // The device proves its key to the relay (and an invitation it holds, so a relay
    // that enforces the rules lets it fetch the workspace it is invited to). Only to the
    // relay of this site: the page may not fetch a challenge from another (its content
    // security policy), and a peer id that names a key is refused without a proof.
    let this_site = relay_url.as_deref().is_none_or(|url| {
        let page = web_sys::window()
            .and_then(|w| w.location().host().ok())
            .unwrap_or_default();
        crate::sync::relay_proof::same_host(url, &page)
    });
    let keys = identity
        .secret
        .as_ref()
        .ok()
        .map(|device| crate::sync::DeviceKeys {
            device: device.clone(),
            invitation: identity.pending.clone(),
            prove_to_relay: this_site,
        });
    let started = SyncClient::start(relay_url, handle.clone(), name, keys, move |status| {
        writers.status.set(Some(status.clone()));
    });
    started.on_pending(move |counts| writers.pending.set(Some(counts.to_vec())));
    started.on_workspace_refused(move || writers.workspace_refused.set(true));
    started.on_relay_said(move |message| writers.relay_said.set(Some(message.to_owned())));
    started.on_ephemeral(move |document, session, data| sync.hear(document, session, data));
    if let Ok(Some(kept)) = settings.known_devices().await {
        sync.known.set(crate::sync::KnownDevices::from_json(&kept));
    }
    let remembering = repo.clone();
    started.on_peers(move |all| {
        // Compares with the peers before this change, so it comes first.
        sync.remember_linked(all, &remembering);
        writers.peers.set(all.to_vec());
    });
    if let Ok(false) = settings.introductions().await {
        sync.introducing.set(false);
        started.set_introducing(false);
    }
    sync.client.set_value(Some(started));
    let open = move |repo: Repo<Rc<BrowserStorage>>, handle, warning| {
        set_boot.set(match WorkspaceState::new(repo, handle, warning) {
            Ok(state) => Boot::Ready(state, Box::new(identity.clone())),
            Err(error) => Boot::Failed(format!("The workspace could not be read: {error}")),
        })
    };
    if handle.is_empty() {
        // Joined from a link: show the workspace once sync has brought it.
        set_boot.set(Boot::Waiting(handle.id().url()));
        let waiting = handle.clone();
        handle.on_changed_elsewhere(move || {
            if !waiting.is_empty() && waiting.view::<crate::model::Workspace>().is_ok() {
                open(repo.clone(), waiting.clone(), warning.clone());
            }
        });
    } else {
        open(repo, handle, warning);
    }
}
