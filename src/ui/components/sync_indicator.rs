//! Where this device stands with the relay, in the header: shown only when the app is
//! served by one.

use leptos::prelude::*;

use crate::sync::SyncStatus;
use crate::ui::app::SyncState;

#[component]
pub fn SyncIndicator() -> impl IntoView {
    let sync = use_context::<SyncState>();
    move || {
        let status = sync.and_then(|s| s.status.get())?;
        let waiting: usize = sync
            .map(|s| s.pending.with(|p| p.iter().flatten().map(|(_, n)| n).sum()))
            .unwrap_or(0);
        let (label, class) = match &status {
            SyncStatus::Synced => ("Synced with relay".to_owned(), "sync-status synced"),
            SyncStatus::Syncing => ("Syncing…".to_owned(), "sync-status syncing"),
            SyncStatus::Connecting => ("Connecting…".to_owned(), "sync-status syncing"),
            // Offline, what is kept here for the relay is worth saying.
            SyncStatus::Offline(_) if waiting > 0 => (
                format!(
                    "Offline · {waiting} change{} to send",
                    if waiting == 1 { "" } else { "s" }
                ),
                "sync-status offline",
            ),
            SyncStatus::Offline(_) => ("Offline".to_owned(), "sync-status offline"),
        };
        let detail = match status {
            SyncStatus::Offline(reason) => reason,
            _ => String::new(),
        };
        Some(view! {
            <span class=class role="status" aria-live="polite" data-testid="sync-status" title=detail>{label}</span>
        })
    }
}
