//! Who else has this document (a plan, a review, a check-in) open, and which field they
//! are in: "Also on this review: Bo Chen, in “Self assessment”". This device says which
//! field its person is in by the label of the control that has focus in the page, so
//! nothing has to name its fields twice.
//!
//! ```ignore
//! <DocumentPresence document=review_id what="review"/>
//! ```

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use super::presence_list::page_of;
use crate::store::DocumentId;
use crate::sync::Presence;
use crate::ui::{use_presence, WorkspaceState};

/// The label a person reads for a control: its `aria-label`, its `<label for>`, the
/// `<label>` around it, or its placeholder; empty for one outside the page's content.
fn label_of(element: &web_sys::Element) -> String {
    if element.closest("main").ok().flatten().is_none() {
        return String::new();
    }
    let text = |e: Option<web_sys::Element>| {
        e.and_then(|e| e.text_content())
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
    };
    let by_for = || {
        let id = element.id();
        if id.is_empty() {
            return None;
        }
        let document = element.owner_document()?;
        text(
            document
                .query_selector(&format!("label[for=\"{id}\"]"))
                .ok()
                .flatten(),
        )
    };
    element
        .get_attribute("aria-label")
        .filter(|l| !l.is_empty())
        .or_else(by_for)
        .or_else(|| text(element.closest("label").ok().flatten()))
        .or_else(|| element.get_attribute("placeholder"))
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect()
}

#[component]
pub fn DocumentPresence(
    document: DocumentId,
    /// What the document is, in words: "plan", "review", "check-in".
    what: &'static str,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let location = use_location();
    let field = RwSignal::new(String::new());
    // Focus moving within the page changes the field; leaving every control clears it.
    let focus_in = window_event_listener(leptos::ev::focusin, move |event| {
        let label = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| label_of(&e))
            .unwrap_or_default();
        field.set(label);
    });
    let focus_out = window_event_listener(leptos::ev::focusout, move |_| field.set(String::new()));
    on_cleanup(move || {
        focus_in.remove();
        focus_out.remove();
    });
    let mine = Signal::derive(move || {
        state.me.track();
        Presence {
            name: state.my_name().unwrap_or_else(|| "Someone".to_owned()),
            page: page_of(&location.pathname.get()).to_owned(),
            field: field.get(),
            leaving: false,
        }
    });
    let others = use_presence(document, mine);
    let presence = move || {
        let names: Vec<String> = others.with(|o| {
            o.iter()
                .map(|p| match p.field.as_str() {
                    "" => p.name.clone(),
                    field => format!("{}, in “{field}”", p.name),
                })
                .collect()
        });
        (!names.is_empty()).then(|| {
            view! {
                <p class="document-presence" data-testid="document-presence" role="status">
                    {format!("Also on this {what}: {}", names.join("; "))}
                </p>
            }
        })
    };
    view! {
        {presence}
        <super::DocumentSync document=document what=what />
    }
}
