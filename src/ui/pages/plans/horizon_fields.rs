//! A plan's horizon: the start and end years, each checked as typed, and the two checked
//! together (an end before the start, a horizon too long) as soon as both are years; and
//! its planning cycle.

use leptos::prelude::*;

use crate::model::Choice;

use crate::model::plan::{horizon_problem, parse_year, PlanningCycle};
use crate::ui::components::CheckedInput;

#[component]
pub fn HorizonFields(
    /// Prefix of the inputs' ids, unique on the page.
    prefix: &'static str,
    start: RwSignal<String>,
    end: RwSignal<String>,
) -> impl IntoView {
    view! {
        <CheckedInput
            id=format!("{prefix}-start")
            label="Start year"
            value=start
            inputmode="numeric"
            check=|t| parse_year(t).err().map(|e| e.to_string())
        />
        <CheckedInput
            id=format!("{prefix}-end")
            label="End year"
            value=end
            inputmode="numeric"
            check=|t| parse_year(t).err().map(|e| e.to_string())
        />
        <p class="field-error horizon-error" role="alert">
            {move || horizon_problem(&start.get(), &end.get()).map(|e| e.to_string())}
        </p>
    }
}

/// The planning cycle, as a labelled choice.
#[component]
pub fn CycleSelect(id: &'static str, cycle: RwSignal<PlanningCycle>) -> impl IntoView {
    view! {
        <label for=id>"Planning cycle"</label>
        <select
            id=id
            on:change=move |ev| {
                let chosen = event_target_value(&ev);
                if let Some(c) = PlanningCycle::from_key(&chosen) {
                    cycle.set(c);
                }
            }
        >
            {PlanningCycle::ALL
                .into_iter()
                .map(|c| {
                    view! {
                        <option value=c.key() selected=move || cycle.get() == c>
                            {c.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
