//! What a person has typed into a form and not yet sent (a note, a comment, a topic, a
//! goal's title before "Add goal"): kept in this browser's `localStorage` as it is typed,
//! so a reload, a closed tab or a crash loses none of it; cleared once the form is sent.
//! Text written straight into a document (answers, descriptions) needs none of this: it
//! is saved as it is typed (`CollaborativeText`).
//!
//! ```ignore
//! let note = Draft::new(format!("coaching-note:{person}"));
//! view! { <textarea bind:value=note.text() /> }
//! // …on a successful submit:
//! note.clear();
//! ```

use leptos::prelude::*;

/// One form field's unsent text.
#[derive(Clone, Copy)]
pub struct Draft {
    text: RwSignal<String>,
    key: StoredValue<String>,
    /// What the field holds when nothing is unsent (empty for a new item; the saved
    /// value when editing one): text equal to it is not kept.
    saved: RwSignal<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl Draft {
    /// The draft kept under `key` (what this form was called when the text was typed),
    /// or an empty one. Every change is kept at once.
    pub fn new(key: impl Into<String>) -> Self {
        Self::editing(key, String::new())
    }

    /// The draft kept under `key`, or `saved` (the value the field edits) when none is:
    /// for a form that edits something already there (a person's name, a scale's name).
    ///
    /// ```ignore
    /// let name = Draft::editing(format!("{form_id}:name"), person.name.clone());
    /// view! { <input bind:value=name.text() /> }
    /// // …once saved:
    /// name.sent();
    /// ```
    pub fn editing(key: impl Into<String>, saved: String) -> Self {
        let key = format!("throughline-draft:{}", key.into());
        let kept = storage().and_then(|s| s.get_item(&key).ok().flatten());
        let text = RwSignal::new(kept.unwrap_or_else(|| saved.clone()));
        let saved = RwSignal::new(saved);
        let stored_key = key.clone();
        // Kept on every change; an empty field, or one back at the saved value, leaves
        // nothing behind. A browser that refuses storage (private mode, full) keeps the
        // text on the page only.
        Effect::new(move |_| {
            let value = text.get();
            let unchanged = saved.with(|saved| *saved == value);
            if let Some(storage) = storage() {
                let _ = if value.is_empty() || unchanged {
                    storage.remove_item(&stored_key)
                } else {
                    storage.set_item(&stored_key, &value)
                };
            }
        });
        Self {
            text,
            key: StoredValue::new(key),
            saved,
        }
    }

    /// The field's text, to bind to the input.
    pub fn text(&self) -> RwSignal<String> {
        self.text
    }

    /// Forgets the draft (the form was sent).
    pub fn clear(&self) {
        self.text.set(String::new());
        self.forget();
    }

    /// The field's text was saved: it stays in the field, and nothing is kept unsent.
    pub fn sent(&self) {
        self.saved.set(self.text.get_untracked());
        self.forget();
    }

    /// The person chose to drop what they typed (Cancel): the field goes back to the
    /// saved value and nothing is kept.
    pub fn discard(&self) {
        self.text.set(self.saved.get_untracked());
        self.forget();
    }

    fn forget(&self) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&self.key.get_value());
        }
    }
}
