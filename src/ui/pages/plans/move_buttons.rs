//! ↑ and ↓ for an item in an ordered list (goals, objectives, measures, initiatives):
//! each moves it one place, and is disabled at the ends.

use leptos::prelude::*;

#[component]
pub fn MoveButtons(
    /// The item's name, for the buttons' labels ("Move “Grow” up").
    name: String,
    index: usize,
    count: usize,
    /// Called with the index to move the item to.
    on_move: Callback<usize>,
) -> impl IntoView {
    // Named before the markup: leptosfmt 0.1.33 drops the braces around an attribute
    // value and then reads a `>` in it as the end of the tag.
    let last = index + 1 >= count;
    view! {
        <button
            type="button"
            class="button small"
            disabled=index == 0
            on:click=move |_| on_move.run(index.saturating_sub(1))
            aria-label=format!("Move “{name}” up")
        >
            "↑"
        </button>
        <button
            type="button"
            class="button small"
            disabled=last
            on:click=move |_| on_move.run(index + 1)
            aria-label=format!("Move “{name}” down")
        >
            "↓"
        </button>
    }
}
