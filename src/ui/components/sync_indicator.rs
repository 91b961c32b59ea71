//! Where this device stands with the relay (when it has one) and with devices linked
//! directly, in the header.

use leptos::prelude::*;

use crate::sync::{PeerView, SyncStatus};
use crate::ui::app::SyncState;

/// Devices linked directly, in a few words: "2 devices in sync", "1 device: sending",
/// or `None` when no link is open.
pub fn direct_summary(peers: &[PeerView]) -> Option<(String, bool)> {
    let open: Vec<&PeerView> = peers.iter().filter(|p| p.is_open_link()).collect();
    if open.is_empty() {
        return None;
    }
    let devices = if open.len() == 1 {
        format!("Direct: {}", open[0].name)
    } else {
        format!("Direct: {} devices", open.len())
    };
    let synced = open.iter().all(|p| p.unsynced.is_empty());
    Some((
        format!(
            "{devices}{}",
            if synced { " · in sync" } else { " · syncing" }
        ),
        synced,
    ))
}

#[component]
pub fn SyncIndicator() -> impl IntoView {
    let sync = use_context::<SyncState>();
    let direct = move || {
        let (label, synced) = sync.and_then(|s| s.peers.with(|p| direct_summary(p)))?;
        let class = if synced {
            "sync-status synced"
        } else {
            "sync-status syncing"
        };
        Some(view! {
            <a class=class href=crate::ui::href("/settings#devices") data-testid="direct-status">
                {label}
            </a>
        })
    };
    let relay = move || {
        let status = sync.and_then(|s| s.status.get())?;
        let waiting: usize = sync
            .map(|s| s.pending.with(|p| p.iter().flatten().map(|(_, n)| n).sum()))
            .unwrap_or(0);
        // With a device linked directly the device is not offline: only the relay is out
        // of reach, and what waits is waiting for the relay (the link carries it on).
        let linked = sync.is_some_and(|s| s.peers.with(|p| p.iter().any(PeerView::is_open_link)));
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (label, class) = match &status {
            SyncStatus::Synced => ("Synced with relay".to_owned(), "sync-status synced"),
            SyncStatus::Syncing => ("Syncing…".to_owned(), "sync-status syncing"),
            SyncStatus::Connecting => ("Connecting…".to_owned(), "sync-status syncing"),
            SyncStatus::Offline(_) if linked && waiting > 0 => (
                format!(
                    "Relay not reached · {waiting} change{} kept for it",
                    plural(waiting)
                ),
                "sync-status offline",
            ),
            SyncStatus::Offline(_) if linked => {
                ("Relay not reached".to_owned(), "sync-status offline")
            }
            // Offline, what is kept here for the relay is worth saying.
            SyncStatus::Offline(_) if waiting > 0 => (
                format!("Offline · {waiting} change{} to send", plural(waiting)),
                "sync-status offline",
            ),
            SyncStatus::Offline(_) => ("Offline".to_owned(), "sync-status offline"),
        };
        let detail = match status {
            SyncStatus::Offline(why) => crate::ui::sync_words::why_disconnected(&why),
            _ => String::new(),
        };
        Some(view! {
            <span
                class=class
                role="status"
                aria-live="polite"
                data-testid="sync-status"
                title=detail
            >
                {label}
            </span>
        })
    };
    view! {
        {relay}
        <span role="status" aria-live="polite">
            {direct}
        </span>
    }
}
