//! Progress from 0 to 1 as a bar and a percentage ("—" with no data).
//!
//! ```ignore
//! <ProgressBar value=Some(0.45) label="Overall progress"/>
//! ```

use leptos::prelude::*;

#[component]
pub fn ProgressBar(value: Option<f64>, label: &'static str) -> impl IntoView {
    let text = value.map_or_else(|| "—".to_owned(), |v| format!("{}%", (v * 100.0).round()));
    view! {
        <span class="progress">
            <meter min="0" max="1" value=value.unwrap_or(0.0) aria-label=label></meter>
            <span class="progress-text">{text}</span>
        </span>
    }
}
