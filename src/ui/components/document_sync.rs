//! Whether this document (a plan, a review, a check-in) is in sync with each peer that
//! carries it: "In sync with the relay and Ana’s tablet", or which are still waiting
//! for it; and a way to pair a nearby device for this document alone.
//!
//! ```ignore
//! <DocumentSync document=review_id what="review"/>
//! ```

use leptos::prelude::*;

use crate::store::DocumentId;
use crate::sync::{LinkState, PeerView};
use crate::ui::app::SyncState;

/// The sentence for `document` given every peer: `None` when there is no peer.
pub fn document_sync_sentence(document: &DocumentId, peers: &[PeerView]) -> Option<String> {
    let name = |p: &PeerView| {
        if p.direct {
            p.name.clone()
        } else {
            "the relay".to_owned()
        }
    };
    let carrying: Vec<&PeerView> = peers.iter().filter(|p| p.carries(document)).collect();
    if carrying.is_empty() {
        return None;
    }
    let (open, closed): (Vec<&PeerView>, Vec<&PeerView>) = carrying
        .into_iter()
        .partition(|p| p.state == LinkState::Open);
    let (synced, waiting): (Vec<&PeerView>, Vec<&PeerView>) = open
        .into_iter()
        .partition(|p| !p.unsynced.contains(document));
    let list = |peers: &[&PeerView]| {
        let names: Vec<String> = peers.iter().map(|p| name(p)).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut parts = Vec::new();
    if !synced.is_empty() {
        parts.push(format!("In sync with {}", list(&synced)));
    }
    if !waiting.is_empty() {
        parts.push(format!("On its way to {}", list(&waiting)));
    }
    if !closed.is_empty() {
        parts.push(format!("Not connected: {}", list(&closed)));
    }
    Some(format!("{}.", parts.join(". ")))
}

#[component]
pub fn DocumentSync(
    document: DocumentId,
    /// What the document is, in words: "plan", "review", "check-in".
    what: &'static str,
) -> impl IntoView {
    let sync = use_context::<SyncState>();
    let sentence = move || {
        sync.and_then(|s| {
            s.peers
                .with(|peers| document_sync_sentence(&document, peers))
        })
    };
    let tabs = move || match sync.map(|s| s.tabs.get()).unwrap_or(0) {
        0 => String::new(),
        1 => " The other tab of this browser has every change once it is saved.".to_owned(),
        n => format!(" The {n} other tabs of this browser have every change once it is saved."),
    };
    let pair = crate::ui::href(&format!(
        "/settings?pair={}#devices",
        String::from(js_sys::encode_uri_component(&document.url()))
    ));
    view! {
        <p class="document-sync item-meta no-print" data-testid="document-sync">
            <span role="status">{sentence}{tabs}</span>
            " "
            <a href=pair>{format!("Pair a nearby device for this {what}")}</a>
        </p>
    }
}
