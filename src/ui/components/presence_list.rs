//! Who else has this workspace open, and where: "Also here: Ana Lima (Plans)". Each
//! device says where its person is when it connects, when they go to another part of the
//! app, when it hears someone new, every 15 seconds, and when the page closes; someone
//! not heard from for 45 seconds has gone. Nothing of it is stored.
//!
//! ```ignore
//! <PresenceList/>
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::store::{now_millis, DocumentId};
use crate::sync::{Presence, SyncStatus};
use crate::ui::app::SyncState;
use crate::ui::WorkspaceState;

const EVERY: Duration = Duration::from_secs(15);
const GONE_AFTER_MS: i64 = 45_000;

/// The part of the app a path is in, as the navigation names it.
fn page_of(path: &str) -> &'static str {
    let base = crate::pwa::base_path();
    let inside = path.strip_prefix(base.as_str()).unwrap_or(path);
    match inside
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
    {
        "" => "Home",
        "plans" => "Plans",
        "reviews" => "Reviews",
        "people" => "People",
        "settings" | "history" => "Settings",
        _ => "Throughline",
    }
}

#[component]
pub fn PresenceList() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let Some(sync) = use_context::<SyncState>() else {
        return ().into_any();
    };
    let location = use_location();
    // Others by session: name, page, when last heard.
    let others = RwSignal::new(BTreeMap::<String, (String, String, i64)>::new());
    let workspace = DocumentId::from_url(&state.url()).ok();
    let Some(workspace) = workspace else {
        return ().into_any();
    };
    let say = move |leaving: bool| {
        let presence = Presence {
            name: state.my_name().unwrap_or_else(|| "Someone".to_owned()),
            page: page_of(&location.pathname.get_untracked()).to_owned(),
            leaving,
        };
        sync.broadcast(workspace, &presence.encode());
    };
    sync.listen(move |document, session, data| {
        if document != workspace {
            return;
        }
        let Ok(heard) = Presence::decode(data) else {
            return;
        };
        let new = others.with_untracked(|o| !o.contains_key(session));
        others.update(|o| {
            if heard.leaving {
                o.remove(session);
            } else {
                o.insert(session.to_owned(), (heard.name, heard.page, now_millis()));
            }
        });
        // Someone new learns at once who is already here.
        if new && !heard.leaving {
            say(false);
        }
    });
    // Said on connecting (a message sent while disconnected goes nowhere) and on moving
    // to another part of the app.
    Effect::new(move |was_connected: Option<bool>| {
        let connected = matches!(
            sync.status.get(),
            Some(SyncStatus::Synced | SyncStatus::Syncing)
        );
        if connected && was_connected != Some(true) {
            say(false);
        }
        connected
    });
    Effect::new(move |previous: Option<&'static str>| {
        let page = page_of(&location.pathname.get());
        if previous.is_some_and(|p| p != page) {
            say(false);
        }
        page
    });
    set_interval(
        move || {
            say(false);
            let now = now_millis();
            others.update(|o| o.retain(|_, (_, _, heard)| now - *heard < GONE_AFTER_MS));
        },
        EVERY,
    );
    if let Some(window) = web_sys::window() {
        let leave = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || say(true));
        let _ = window.add_event_listener_with_callback(
            "pagehide",
            wasm_bindgen::JsCast::unchecked_ref(leave.as_ref()),
        );
        // Lives as long as the page.
        leave.forget();
    }
    (move || {
        let names: Vec<String> = others.with(|o| {
            o.values()
                .map(|(name, page, _)| format!("{name} ({page})"))
                .collect()
        });
        (!names.is_empty()).then(|| {
            view! {
                <span class="presence" data-testid="presence" title="Also in this workspace now">
                    {format!("Also here: {}", names.join(", "))}
                </span>
            }
        })
    })
    .into_any()
}
