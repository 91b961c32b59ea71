//! The start and end years of a plan, each checked as typed, and the two checked
//! together (an end before the start, a horizon too long) as soon as both are years.

use leptos::prelude::*;

use crate::model::plan::{horizon_problem, parse_year};
use crate::ui::components::CheckedInput;

#[component]
pub fn HorizonFields(
    /// Prefix of the inputs' ids, unique on the page.
    prefix: &'static str,
    start: RwSignal<String>,
    end: RwSignal<String>,
) -> impl IntoView {
    view! {
        <CheckedInput id=format!("{prefix}-start") label="Start year" value=start inputmode="numeric"
            check=|t| parse_year(t).err()/>
        <CheckedInput id=format!("{prefix}-end") label="End year" value=end inputmode="numeric"
            check=|t| parse_year(t).err()/>
        <p class="field-error horizon-error" role="alert">
            {move || horizon_problem(&start.get(), &end.get())}
        </p>
    }
}
