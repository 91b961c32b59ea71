//! A button that copies a text shown in a read-only field, and says whether it did.
//!
//! The browser offers the clipboard only to a secure page (https, or this machine's own
//! address), and may refuse a write even there. A relay on the local network is often
//! reached over plain http, so "Copied" is said only once the write has succeeded;
//! otherwise the field's text is selected and the person is told to copy it themselves.
//!
//! ```ignore
//! view! {
//!     <input id="link" readonly prop:value=link.clone()/>
//!     <CopyButton text=link label="Copy" field="link"/>
//! }
//! ```

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser_features::{navigator_feature, secure_page};

/// What became of the last copy.
#[derive(Clone, Debug, PartialEq)]
enum Copied {
    Done,
    /// The text is selected in its field for the person to copy; why the browser would not.
    Selected(&'static str),
}

#[component]
pub fn CopyButton(
    /// The text to copy.
    text: String,
    /// The button's words.
    label: &'static str,
    /// The id of the field that shows `text`, selected when the browser will not copy.
    field: String,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<Copied>);
    let copy = move |_| {
        let text = text.clone();
        let field = field.clone();
        leptos::task::spawn_local(async move {
            let result = match write_to_clipboard(&text).await {
                Ok(()) => Copied::Done,
                Err(reason) => {
                    select_field(&field);
                    Copied::Selected(reason)
                }
            };
            outcome.set(Some(result));
        });
    };
    view! {
        <button type="button" class="button" on:click=copy>
            {label}
        </button>
        <span class="copy-outcome" role="status" data-testid="copy-outcome">
            {move || match outcome.get() {
                None => String::new(),
                Some(Copied::Done) => "Copied.".to_owned(),
                Some(Copied::Selected(reason)) => {
                    format!(
                        "{reason} The text is selected: copy it with Ctrl+C (⌘C), or long-press it.",
                    )
                }
            }}
        </span>
    }
}

/// Writes `text` to the clipboard, or says why the browser would not.
async fn write_to_clipboard(text: &str) -> Result<(), &'static str> {
    let clipboard =
        navigator_feature::<web_sys::Clipboard>("clipboard").ok_or(if secure_page() {
            "This browser has no clipboard for pages."
        } else {
            "This browser copies only for a page served over https."
        })?;
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "The browser did not allow copying.")
}

/// Selects the whole text of the input or text area with id `field` (and focuses it).
fn select_field(field: &str) {
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(field))
    else {
        return;
    };
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        let _ = input.focus();
        input.select();
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let _ = area.focus();
        area.select();
    }
}
