//! Who else has this workspace open, and where: "Also here: Ana Lima (Plans)". See
//! [`use_presence`](crate::ui::use_presence) for when it is said and heard.
//!
//! ```ignore
//! <PresenceList/>
//! ```

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::store::DocumentId;
use crate::sync::Presence;
use crate::ui::{use_presence, WorkspaceState};

/// The part of the app a path is in, as the navigation names it.
pub fn page_of(path: &str) -> &'static str {
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
        "reviews" | "check-ins" => "Reviews",
        "people" => "People",
        "settings" | "history" => "Settings",
        _ => "Throughline",
    }
}

#[component]
pub fn PresenceList() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let Ok(workspace) = DocumentId::from_url(state.url()) else {
        return ().into_any();
    };
    let location = use_location();
    let mine = Signal::derive(move || {
        // Choosing who you are is said at once.
        state.me.track();
        Presence {
            name: state.my_name().unwrap_or_else(|| "Someone".to_owned()),
            page: page_of(&location.pathname.get()).to_owned(),
            field: String::new(),
            leaving: false,
        }
    });
    let others = use_presence(workspace, mine);
    (move || {
        let names: Vec<String> = others.with(|o| {
            o.iter()
                .map(|presence| format!("{} ({})", presence.name, presence.page))
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
