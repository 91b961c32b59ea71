//! Plain-words notices about storage: IndexedDB refused (nothing kept after the tab
//! closes) and stored pieces of the workspace that could not be read.

use leptos::prelude::*;

use crate::ui::WorkspaceState;

#[component]
pub fn StorageNotices() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    view! {
        {move || state.storage_warning.get().map(|warning| view! {
            <div class="notice notice-warning" role="alert">
                <strong>"Your work is not being kept on this device. "</strong>
                {warning}
            </div>
        })}
        {move || {
            let corrupt = state.corrupt.get();
            (!corrupt.is_empty()).then(|| view! {
                <div class="notice notice-warning" role="alert" data-testid="corrupt-notice">
                    <strong>"Part of the workspace could not be read. "</strong>
                    {format!(
                        "{} stored piece(s) of document {} are damaged; they have been kept, not deleted, and everything else has loaded.",
                        corrupt.len(),
                        state.url(),
                    )}
                </div>
            })
        }}
    }
}
