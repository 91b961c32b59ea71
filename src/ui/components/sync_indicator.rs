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
        let (label, class) = match &status {
            SyncStatus::Synced => ("Synced with relay", "sync-status synced"),
            SyncStatus::Syncing => ("Syncing…", "sync-status syncing"),
            SyncStatus::Connecting => ("Connecting…", "sync-status syncing"),
            SyncStatus::Offline(_) => ("Offline", "sync-status offline"),
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
