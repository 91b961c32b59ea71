//! A text field that several people edit at once: what they type goes to the document
//! as it is typed, and what others type appears in place without moving the caret.
//!
//! ```ignore
//! <CollaborativeText id="about" label="About" value=about on_input=save_about/>
//! ```

use leptos::prelude::*;

use crate::model::rebase_typing;

/// `value` is the text as the document has it; `on_input` receives the text the document
/// should have after each keystroke: what was typed, applied on top of anything others
/// typed that the field had not shown yet (see `model::rebase_typing`).
#[component]
pub fn CollaborativeText(
    id: &'static str,
    label: String,
    value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = 5)] rows: u32,
) -> impl IntoView {
    let field = NodeRef::<leptos::html::Textarea>::new();
    // What the field showed before the current keystroke: the base the keystroke edits.
    let shown = StoredValue::new(String::new());
    // An effect rather than `prop:value`: writing the value resets the caret, so it is
    // written only when the document differs from the field (someone else typed), and
    // the caret is then moved by what changed before it.
    Effect::new(move |_| {
        let text = value.get();
        let Some(area) = field.get() else { return };
        let in_field = area.value();
        shown.set_value(text.clone());
        if in_field == text {
            return;
        }
        let selection = (
            area.selection_start().ok().flatten(),
            area.selection_end().ok().flatten(),
        );
        area.set_value(&text);
        if let (Some(start), Some(end)) = selection {
            let start = shifted(&in_field, &text, start);
            let end = shifted(&in_field, &text, end);
            let _ = area.set_selection_range(start, end);
        }
    });
    view! {
        <label for=id>{label}</label>
        <textarea
            id=id
            node_ref=field
            rows=rows
            placeholder=placeholder
            on:input=move |event| {
                let typed = event_target_value(&event);
                let intended = value.with_untracked(|document| {
                    shown.with_value(|before| rebase_typing(before, &typed, document))
                });
                shown.set_value(typed);
                on_input.run(intended);
            }
        ></textarea>
    }
}

/// Where a caret at `offset` (UTF-16 units, as the browser counts) in `before` belongs in
/// `after`: unchanged if the change is after it, moved by the change's length otherwise.
fn shifted(before: &str, after: &str, offset: u32) -> u32 {
    let common = before
        .encode_utf16()
        .zip(after.encode_utf16())
        .take_while(|(a, b)| a == b)
        .count() as u32;
    if offset <= common {
        return offset;
    }
    let before_len = before.encode_utf16().count() as i64;
    let after_len = after.encode_utf16().count() as i64;
    let moved = i64::from(offset) + after_len - before_len;
    moved.clamp(i64::from(common), after_len) as u32
}
