//! Presence on one document: what this device says about its person (name, page, field)
//! and what it has heard from the others looking at the same document. It says so when
//! it connects, when what it says changes, when it hears someone new, every 15 seconds,
//! and when it leaves (the page closes, or the part of the page using it goes away);
//! someone not heard from for 45 seconds has gone. Nothing of it is stored.
//!
//! ```ignore
//! let mine = Signal::derive(move || Presence { name: "Ana".into(), page: "Plans".into(), field: String::new(), leaving: false });
//! let others = use_presence(plan_id, mine);
//! view! { <p>{move || others.get().len()}" others here"</p> }
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;

use crate::store::{now_millis, DocumentId};
use crate::sync::{Presence, SyncStatus};
use crate::ui::app::SyncState;

const EVERY: Duration = Duration::from_secs(15);
const GONE_AFTER_MS: i64 = 45_000;

/// The others on `document`, one per session, in the order they were first heard; empty
/// when the app syncs with no relay. `mine` is what this device says.
pub fn use_presence(document: DocumentId, mine: Signal<Presence>) -> Signal<Vec<Presence>> {
    let Some(sync) = use_context::<SyncState>() else {
        return Signal::derive(Vec::new);
    };
    // By session: what they said, the order first heard, and when last heard.
    let others = RwSignal::new(BTreeMap::<String, (Presence, u64, i64)>::new());
    let heard_count = StoredValue::new(0u64);
    let say = move |leaving: bool| {
        // Untracked and fallible: this also runs as the owner is cleaned up.
        if let Some(mut presence) = mine.try_get_untracked() {
            presence.leaving = leaving;
            sync.broadcast(document, &presence.encode());
        }
    };
    let listening = sync.listen(move |about, session, data| {
        if about != document {
            return;
        }
        let Ok(heard) = Presence::decode(data) else {
            return;
        };
        let leaving = heard.leaving;
        let known = others.with_untracked(|o| o.get(session).map(|(_, order, _)| *order));
        others.update(|o| {
            if leaving {
                o.remove(session);
            } else {
                let order = known.unwrap_or_else(|| {
                    let next = heard_count.get_value();
                    heard_count.set_value(next + 1);
                    next
                });
                o.insert(session.to_owned(), (heard, order, now_millis()));
            }
        });
        // Someone new learns at once who is already here.
        if known.is_none() && !leaving {
            say(false);
        }
    });
    // Said on connecting (a message sent while disconnected goes nowhere).
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
    // Said again when it changes (another part of the app, another field).
    Effect::new(move |previous: Option<Presence>| {
        let now = mine.get();
        if previous.is_some_and(|p| p != now) {
            say(false);
        }
        now
    });
    let ticking = set_interval_with_handle(
        move || {
            say(false);
            let now = now_millis();
            others.update(|o| o.retain(|_, (_, _, heard)| now - *heard < GONE_AFTER_MS));
        },
        EVERY,
    )
    .ok();
    let closing = window_event_listener(leptos::ev::pagehide, move |_| say(true));
    on_cleanup(move || {
        say(true);
        sync.unlisten(listening);
        if let Some(ticking) = ticking {
            ticking.clear();
        }
        closing.remove();
    });
    Signal::derive(move || {
        others.with(|o| {
            let mut heard: Vec<(u64, Presence)> = o
                .values()
                .map(|(presence, order, _)| (*order, presence.clone()))
                .collect();
            heard.sort_by_key(|(order, _)| *order);
            heard.into_iter().map(|(_, presence)| presence).collect()
        })
    })
}
