//! A link that opens a page of this workspace (a plan, a review) on another device: the
//! device joins the workspace if it has none yet, then shows the page. Shown only when
//! the app syncs through a relay, since the link works only there.
//!
//! ```ignore
//! <ShareLink page=format!("/plans/{id}") what="plan"/>
//! ```

use leptos::prelude::*;

use super::CopyButton;
use crate::ui::app::SyncState;
use crate::ui::WorkspaceState;

/// The address of `page` of this workspace, opened on any device through the relay. It
/// carries the organisation's name too, so the device opening it can say what it joins
/// before the workspace itself arrives.
pub fn share_link(workspace_url: &str, organisation: &str, page: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let encode = |text: &str| String::from(js_sys::encode_uri_component(text));
    let mut link = format!(
        "{origin}{}?workspace={}&open={}",
        crate::ui::href("/join"),
        encode(workspace_url),
        encode(page)
    );
    if !organisation.trim().is_empty() {
        link.push_str(&format!("&name={}", encode(organisation.trim())));
    }
    link
}

#[component]
pub fn ShareLink(
    /// The page in the app, e.g. `/plans/<id>`.
    page: String,
    /// What the page shows, in words: "plan", "review".
    what: &'static str,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let relay = use_context::<SyncState>().map(|s| s.relay);
    let organisation = state.workspace.with_untracked(|ws| ws.organisation.clone());
    let link = share_link(&state.url(), &organisation, &page);
    let id = format!("share-{what}");
    move || {
        relay.is_some_and(|r| r.get().is_some()).then(|| {
            view! {
                <details class="share-link no-print">
                    <summary>{format!("Share this {what}")}</summary>
                    <label for=id
                        .clone()>{format!("Link to open this {what} on another device")}</label>
                    <div class="inline-form">
                        <input
                            id=id.clone()
                            type="text"
                            readonly
                            data-testid="share-page-link"
                            prop:value=link.clone()
                        />
                        <CopyButton text=link.clone() label="Copy" field=id.clone() />
                    </div>
                    <p class="item-meta">
                        "Anyone with this link and access to the relay can open the workspace it belongs to."
                    </p>
                </details>
            }
        })
    }
}
