//! `/join?workspace=automerge:…[&open=/plans/…][&name=…][&root=…&invite=…]`: opens a
//! workspace shared from another device, then the page named by `open` (a plan, a
//! review). `name` is what the sharing device calls the organisation, shown so the person
//! knows what they join. This device's own workspace must be that one already (the page
//! opens at once) or still empty (sync then brings the shared one).
//!
//! With `root` and `invite` the link is an invitation: this device pins the root and
//! keeps the one-time secret, and accepts the invitation (binding this device to the
//! invited person) as soon as the workspace with the invitation is here.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::identity::{InvitationLink, InvitationLinkError};
use crate::store::DocumentId;
use crate::ui::{IdentityState, WorkspaceState};

#[component]
pub fn JoinPage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let query = use_query_map();
    // `None`: a plain link; `Some(Err)`: an invitation that cannot be read.
    let invitation = move || {
        query.with(
            |q| match InvitationLink::read(q.get_str("root"), q.get_str("invite")) {
                Err(InvitationLinkError::NoInvitation) => None,
                read => Some(read),
            },
        )
    };
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let target = move || query.with(|q| q.get("workspace")).unwrap_or_default();
    // Only words from the link, shown as text, and said to come from it.
    let name = move || {
        query
            .with(|q| q.get("name"))
            .map(|n| n.trim().chars().take(120).collect::<String>())
            .filter(|n| !n.is_empty())
    };
    // Only pages of the app: never another site, and never a path that leaves the app.
    let open = move || {
        query
            .with(|q| q.get("open"))
            .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains(".."))
            .unwrap_or_else(|| "/".to_owned())
    };
    let navigate = leptos_router::hooks::use_navigate();
    // A link into the workspace this device already has opens the page at once (an
    // invitation is kept first, and accepted once its statement is here).
    Effect::new(move |_| {
        if !DocumentId::from_url(target()).is_ok_and(|id| id.url() == state.url()) {
            return;
        }
        let navigate = navigate.clone();
        match invitation() {
            None => navigate(&crate::ui::href(&open()), Default::default()),
            Some(Err(error)) => outcome.set(Some(Err(error.to_string()))),
            Some(Ok(link)) => leptos::task::spawn_local(async move {
                match identity.keep_invitation(link).await {
                    Ok(()) => navigate(&crate::ui::href("/settings"), Default::default()),
                    Err(error) => outcome.set(Some(Err(error))),
                }
            }),
        }
    });
    let join = move |_| {
        let url = target();
        let id = match DocumentId::from_url(&url) {
            Ok(id) => id,
            Err(error) => {
                return outcome.set(Some(Err(format!(
                    "This link does not name a workspace ({error})"
                ))))
            }
        };
        let invitation = match invitation() {
            Some(Err(error)) => return outcome.set(Some(Err(error.to_string()))),
            Some(Ok(link)) => Some(link),
            None => None,
        };
        leptos::task::spawn_local(async move {
            if let Some(link) = invitation {
                if let Err(error) = identity.keep_invitation(link).await {
                    return outcome.set(Some(Err(error)));
                }
            }
            match state.join(id).await {
                Ok(()) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&crate::ui::href(&open()));
                    }
                }
                Err(error) => outcome.set(Some(Err(error))),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="join-heading">
            <h1 id="join-heading" data-testid="join-heading">
                {move || match (name(), invitation().is_some()) {
                    (Some(name), true) => format!("Join the workspace of {name}"),
                    (None, true) => "Join a workspace".to_owned(),
                    (Some(name), false) => format!("Open the workspace of {name}"),
                    (None, false) => "Open a shared workspace".to_owned(),
                }}
            </h1>
            <p>
                {move || {
                    if invitation().is_some() {
                        "You were invited. Opening this link makes this device yours in the workspace: it keeps the workspace, syncs it through the relay, and signs what you do with its own key."
                    } else {
                        "This link opens a workspace shared from another device. This device will keep it and sync it through the relay. To act in it as yourself, you need an invitation from an admin."
                    }
                }}
            </p>
            {move || {
                name()
                    .is_some()
                    .then(|| {
                        view! {
                            <p class="item-meta">
                                "The name is the one the link gives; the workspace shows its own once it arrives."
                            </p>
                        }
                    })
            }}
            <details class="item-meta">
                <summary>"Workspace address"</summary>
                <code>{target}</code>
            </details>
            <div class="form-actions">
                <button type="button" class="button primary" on:click=join>
                    "Open this workspace"
                </button>
            </div>
            {move || {
                outcome
                    .get()
                    .and_then(|o| o.err())
                    .map(|message| {
                        view! {
                            <p class="form-error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
