//! A form's "Cancel": discards what the form kept as typed (its drafts, so a reload does
//! not bring the abandoned words back) and closes it.
//!
//! ```ignore
//! view! { <DiscardButton drafts=vec![title_draft] on_done=on_done /> }
//! ```

use leptos::prelude::*;

use crate::ui::Draft;

#[component]
pub fn DiscardButton(
    /// What the form keeps as typed; each is forgotten.
    drafts: Vec<Draft>,
    /// Closes the form.
    on_done: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button"
            on:click=move |_| {
                drafts.iter().for_each(Draft::discard);
                on_done.run(())
            }
        >
            "Cancel"
        </button>
    }
}
