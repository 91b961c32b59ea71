//! A labelled choice of a value on the review's rating scale (or none).

use leptos::prelude::*;

use crate::model::review::RatingScale;

#[component]
pub fn RatingSelect(
    id: String,
    label: String,
    scale: RatingScale,
    value: Option<i64>,
    disabled: bool,
    on_change: Callback<Option<i64>>,
) -> impl IntoView {
    let options = scale
        .levels
        .iter()
        .map(|level| {
            let text = format!("{} – {}", level.value, level.label);
            view! {
                <option value=level.value.to_string() selected=value == Some(level.value)>
                    {text}
                </option>
            }
        })
        .collect_view();
    view! {
        <label for=id.clone()>{label}</label>
        <select
            id=id
            disabled=disabled
            on:change=move |ev| {
                let text = event_target_value(&ev);
                on_change.run(text.parse::<i64>().ok());
            }
        >
            <option value="" selected=value.is_none()>
                "Not rated"
            </option>
            {options}
        </select>
    }
}
