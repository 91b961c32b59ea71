//! A text field that several people edit at once: what they type goes to the document
//! as it is typed, and what others type appears in place without moving the caret.
//!
//! ```ignore
//! <CollaborativeText id="about" label="About" value=about on_input=save_about/>
//! ```

use leptos::prelude::*;

/// `value` is the text as the document has it; `on_input` receives the field's whole text
/// after each keystroke (the model turns it into character splices).
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
    // An effect rather than `prop:value`: writing the value resets the caret, so it is
    // written only when the document differs from the field (someone else typed), and
    // the caret is then moved by what changed before it.
    Effect::new(move |_| {
        let text = value.get();
        let Some(area) = field.get() else { return };
        let shown = area.value();
        if shown == text {
            return;
        }
        let selection = (
            area.selection_start().ok().flatten(),
            area.selection_end().ok().flatten(),
        );
        area.set_value(&text);
        if let (Some(start), Some(end)) = selection {
            let start = shifted(&shown, &text, start);
            let end = shifted(&shown, &text, end);
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
            on:input=move |event| on_input.run(event_target_value(&event))
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
