//! Red, amber or green as a tag: a shape and a word as well as a colour, so it reads in
//! print and for people who do not tell the colours apart.
//!
//! ```ignore
//! <HealthTag rag=health.rag/>
//! ```

use leptos::prelude::*;

use crate::model::plan::Rag;

#[component]
pub fn HealthTag(rag: Option<Rag>) -> impl IntoView {
    let (key, symbol) = match rag {
        Some(Rag::Green) => ("green", "●"),
        Some(Rag::Amber) => ("amber", "▲"),
        Some(Rag::Red) => ("red", "■"),
        None => ("none", "○"),
    };
    let label = rag.map_or("No data", Rag::label);
    view! {
        <span class="rag" data-rag=key>
            <span aria-hidden="true">{symbol}</span>
            " "
            {label}
        </span>
    }
}
