//! Where the latest edits are: "Saved on this device" only once IndexedDB has committed
//! them; a failed write is shown as such (it is being retried).

use leptos::prelude::*;

use crate::store::SaveStatus;
use crate::ui::WorkspaceState;

#[component]
pub fn SaveIndicator() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let label = move || match state.save_status.get() {
        SaveStatus::Saved if state.storage_warning.with(Option::is_some) => {
            "Not kept after this tab closes"
        }
        SaveStatus::Saved => "Saved on this device",
        SaveStatus::Unsaved => "Saving…",
        SaveStatus::Failed(_) => "Not saved yet — retrying",
    };
    let class = move || match state.save_status.get() {
        SaveStatus::Saved if state.storage_warning.with(Option::is_none) => "save-status saved",
        SaveStatus::Unsaved => "save-status saving",
        _ => "save-status problem",
    };
    let detail = move || match state.save_status.get() {
        SaveStatus::Failed(error) => error.to_string(),
        _ => String::new(),
    };
    view! {
        <span class=class role="status" aria-live="polite" data-testid="save-status" title=detail>
            {label}
        </span>
    }
}
