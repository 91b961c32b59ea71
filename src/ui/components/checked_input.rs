//! A labelled input whose value is checked as it is typed: the reason shows under the
//! field and the field is marked invalid, so a bad value is caught where it is typed.
//!
//! ```ignore
//! <CheckedInput id="plan-start" label="Start year" value=start check=|t| parse_year(t).err().map(|e| e.to_string())/>
//! ```

use leptos::prelude::*;

#[component]
pub fn CheckedInput(
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    /// The reason the text is not acceptable, if it is not.
    #[prop(optional)]
    check: Option<fn(&str) -> Option<String>>,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The keyboard a touch screen shows ("decimal" for numbers).
    #[prop(default = "text")]
    inputmode: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let reason = move || check.and_then(|check| value.with(|text| check(text)));
    view! {
        <label for=id.clone()>{label}</label>
        <div class="field">
            <input
                id=id
                type=kind
                inputmode=inputmode
                autocomplete="off"
                bind:value=value
                aria-invalid=move || reason().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id>
                {reason}
            </p>
        </div>
    }
}
