//! A measure's numbers by date (its actuals, its targets by period): each with a Remove
//! button, and a form that adds one, its value kept as typed until it is added.
//!
//! ```ignore
//! <DatedValues kind="actual" measure=id entries labels=ACTUALS initial_date=today()
//!     on_add=record on_remove=remove error/>
//! ```

use leptos::prelude::*;

use crate::model::plan::{parse_date, parse_number};
use crate::model::ItemId;
use crate::ui::Draft;

/// The words of one such list and its form.
#[derive(Clone, Copy)]
pub struct DatedLabels {
    /// "Remove the actual of" (the date follows).
    pub remove: &'static str,
    /// "Record an actual of" (the measure's name follows).
    pub form: &'static str,
    pub date: &'static str,
    pub value: &'static str,
    pub button: &'static str,
}

/// One number by date, as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedEntry {
    pub date: String,
    pub text: String,
}

#[component]
pub fn DatedValues(
    /// What they are ("actual", "period-target"): the fields' ids and the draft's key.
    kind: &'static str,
    measure: ItemId,
    measure_name: String,
    entries: Vec<DatedEntry>,
    labels: DatedLabels,
    /// The date the form starts with.
    initial_date: String,
    /// Adds (or corrects) the value of a date; the reason when refused.
    on_add: Callback<(String, f64), Result<(), String>>,
    on_remove: Callback<String, Result<(), String>>,
    /// Where a refusal is shown (the measure's).
    error: RwSignal<Option<String>>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let date = RwSignal::new(initial_date);
    let draft = Draft::new(format!("{kind}-{measure}"));
    let value = draft.text();
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let checked = parse_date(&date.get_untracked())
            .and_then(|d| parse_number(&value.get_untracked()).map(|v| (d, v)))
            .map_err(|e| e.to_string());
        match checked.and_then(|entry| on_add.run(entry)) {
            Ok(()) => {
                draft.clear();
                error.set(None);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    let rows = entries
        .into_iter()
        .map(|DatedEntry { date, text }| {
            let label = format!("{} {date}", labels.remove);
            view! {
                <li class="actual">
                    <span>{text}</span>
                    <button
                        type="button"
                        class="button small"
                        aria-label=label
                        on:click=move |_| error.set(on_remove.run(date.clone()).err())
                    >
                        "Remove"
                    </button>
                </li>
            }
        })
        .collect_view();
    let date_id = format!("{kind}-date-{measure}");
    let value_id = format!("{kind}-value-{measure}");
    view! {
        <ul class="actuals" data-testid=(!testid.is_empty()).then_some(testid)>
            {rows}
        </ul>
        <form
            class="inline-form"
            on:submit=add
            aria-label=format!("{} {measure_name}", labels.form)
        >
            <label for=date_id.clone()>{labels.date}</label>
            <input id=date_id type="date" bind:value=date />
            <label for=value_id.clone()>{labels.value}</label>
            <input
                id=value_id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                bind:value=value
                aria-invalid=move || {
                    value.with(|v| !v.is_empty() && parse_number(v).is_err()).to_string()
                }
            />
            <button type="submit" class="button">
                {labels.button}
            </button>
        </form>
    }
}
