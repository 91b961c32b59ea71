//! A text field that several people edit at once: what they type goes to the document
//! as it is typed (so a reload, a closed tab or a crash a moment later keeps it), and
//! what others type appears in place without moving the caret.
//!
//! ```ignore
//! <CollaborativeText id="about" label="About" value=about on_input=save_about/>
//! <CollaborativeText id=format!("goal-{id}-title") label="Goal" value=title
//!     on_input=save_title single_line=true/>
//! ```

use leptos::prelude::*;

use crate::model::rebase_typing;

/// `value` is the text as the document has it; `on_input` receives the text the document
/// should have after each keystroke: what was typed, applied on top of anything others
/// typed that the field had not shown yet (see `model::rebase_typing`). `single_line`
/// makes it an `<input>` (a title) instead of a `<textarea>`.
#[component]
pub fn CollaborativeText(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] single_line: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let field = NodeRef::<leptos::html::Textarea>::new();
    let line = NodeRef::<leptos::html::Input>::new();
    let control = move || -> Option<TextControl> {
        if single_line {
            line.get().map(TextControl::Line)
        } else {
            field.get().map(TextControl::Area)
        }
    };
    // What the field showed before the current keystroke: the base the keystroke edits.
    let shown = StoredValue::new(String::new());
    // An effect rather than `prop:value`: writing the value resets the caret, so it is
    // written only when the document differs from the field (someone else typed), and
    // the caret is then moved by what changed before it.
    Effect::new(move |_| {
        let text = value.get();
        let Some(control) = control() else { return };
        let in_field = control.value();
        shown.set_value(text.clone());
        if in_field == text {
            return;
        }
        let selection = control.selection();
        control.set_value(&text);
        if let Some((start, end)) = selection {
            control.select(
                shifted(&in_field, &text, start),
                shifted(&in_field, &text, end),
            );
        }
    });
    let typed = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        let intended = value.with_untracked(|document| {
            shown.with_value(|before| rebase_typing(before, &typed, document))
        });
        shown.set_value(typed);
        on_input.run(intended);
    };
    let input = single_line.then(|| {
        view! {
            <input
                id=id.clone()
                type="text"
                node_ref=line
                placeholder=placeholder
                autocomplete="off"
                disabled=move || disabled.get()
                on:input=typed
            />
        }
    });
    let area = (!single_line).then(|| {
        view! {
            <textarea
                id=id.clone()
                node_ref=field
                rows=rows
                placeholder=placeholder
                disabled=move || disabled.get()
                on:input=typed
            ></textarea>
        }
    });
    view! {
        <label for=id.clone()>{label}</label>
        {input}
        {area}
    }
}

/// The field behind the component: the same calls on either element.
enum TextControl {
    Area(web_sys::HtmlTextAreaElement),
    Line(web_sys::HtmlInputElement),
}

impl TextControl {
    fn value(&self) -> String {
        match self {
            Self::Area(area) => area.value(),
            Self::Line(line) => line.value(),
        }
    }

    fn set_value(&self, text: &str) {
        match self {
            Self::Area(area) => area.set_value(text),
            Self::Line(line) => line.set_value(text),
        }
    }

    /// The caret or selection.
    fn selection(&self) -> Option<(u32, u32)> {
        let (start, end) = match self {
            Self::Area(area) => (area.selection_start(), area.selection_end()),
            Self::Line(line) => (line.selection_start(), line.selection_end()),
        };
        Some((start.ok().flatten()?, end.ok().flatten()?))
    }

    fn select(&self, start: u32, end: u32) {
        let _ = match self {
            Self::Area(area) => area.set_selection_range(start, end),
            Self::Line(line) => line.set_selection_range(start, end),
        };
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
