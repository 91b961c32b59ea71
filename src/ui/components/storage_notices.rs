//! Plain-words notices about storage: IndexedDB refused (nothing kept after the tab
//! closes), stored pieces of the workspace that could not be read, and links from the
//! workspace to documents whose address does not read (so they cannot be opened).

use leptos::prelude::*;

use crate::model::LinkKind;
use crate::ui::WorkspaceState;

#[component]
pub fn StorageNotices() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    // Read once per change of the workspace; nearly always empty.
    let unreadable = Memo::new(move |_| state.workspace.with(|ws| ws.unreadable_links()));
    view! {
        {move || {
            state
                .storage_warning
                .get()
                .map(|warning| {
                    view! {
                        <div class="notice notice-warning" role="alert">
                            <strong>"Your work is not being kept on this device. "</strong>
                            {warning}
                        </div>
                    }
                })
        }}
        {move || {
            let corrupt = state.corrupt.get();
            (!corrupt.is_empty())
                .then(|| {
                    view! {
                        <div
                            class="notice notice-warning"
                            role="alert"
                            data-testid="corrupt-notice"
                        >
                            <strong>"Part of the workspace could not be read. "</strong>
                            {format!(
                                "{} stored piece(s) of document {} are damaged; they have been kept, not deleted, and everything else has loaded.",
                                corrupt.len(),
                                state.url(),
                            )}
                        </div>
                    }
                })
        }}
        {move || {
            let links = unreadable.get();
            (!links.is_empty())
                .then(|| {
                    let what = |kind: LinkKind| match kind {
                        LinkKind::Plan => "a plan",
                        LinkKind::CheckIns => "a check-in series",
                        LinkKind::Review => "a review",
                    };
                    view! {
                        <div
                            class="notice notice-warning"
                            role="alert"
                            data-testid="unreadable-links"
                        >
                            <strong>"Some documents cannot be opened. "</strong>
                            "The workspace names them by addresses that do not read; they are kept as they are:"
                            <ul>
                                {links
                                    .into_iter()
                                    .map(|(kind, url)| {
                                        view! { <li>{format!("{}: {url}", what(kind))}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
        }}
    }
}
