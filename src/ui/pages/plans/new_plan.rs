//! The form for a new plan: title, horizon and planning cycle, each checked as typed.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::horizon_fields::{CycleSelect, HorizonFields};
use crate::model::plan::{parse_year, Plan, PlanningCycle};
use crate::ui::{href, Draft, PlansState};

#[component]
pub fn NewPlanForm(on_done: Callback<()>) -> impl IntoView {
    let plans = expect_context::<PlansState>();
    let navigate = use_navigate();
    let this_year = js_sys::Date::new_0().get_full_year() as i64;
    // The title typed is kept until the plan is made: a reload loses none of it.
    let title_draft = Draft::new("new-plan-title");
    let title = title_draft.text();
    let start = RwSignal::new((this_year + 1).to_string());
    let end = RwSignal::new((this_year + 3).to_string());
    let cycle = RwSignal::new(PlanningCycle::Annual);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let plan = parse_year(&start.get_untracked())
            .and_then(|s| parse_year(&end.get_untracked()).map(|e| (s, e)))
            .and_then(|(s, e)| Plan::new(&title.get_untracked(), s, e))
            .map(|mut plan| {
                plan.set_cycle(cycle.get_untracked());
                plan
            });
        let plan = match plan {
            Ok(plan) => plan,
            Err(reason) => return error.set(Some(reason.to_string())),
        };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match plans.create(plan).await {
                Ok(id) => {
                    title_draft.clear();
                    on_done.run(());
                    navigate(&href(&format!("/plans/{id}")), Default::default());
                }
                Err(reason) => error.set(Some(reason)),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card form" on:submit=submit aria-label="New plan">
            <h2>"New plan"</h2>
            <div class="form-grid">
                <label for="new-plan-title">"Title"</label>
                <input
                    id="new-plan-title"
                    type="text"
                    required
                    autocomplete="off"
                    bind:value=title
                    placeholder="e.g. Strategy 2027–2029"
                />
                <HorizonFields prefix="new-plan" start=start end=end />
                <CycleSelect id="new-plan-cycle" cycle=cycle />
            </div>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    "Create plan"
                </button>
                <crate::ui::components::DiscardButton drafts=vec![title_draft] on_done=on_done />
            </div>
        </form>
    }
}
