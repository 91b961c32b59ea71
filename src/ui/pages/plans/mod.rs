//! Strategic plans: the list (`/plans`) and one plan with its sections
//! (`/plans/:id/:section`). Each section is a file here; they all read the plan through
//! the [`PlanDocument`](crate::ui::PlanDocument) the plan page provides.

mod aligned_goals;
mod dated_values;
mod environment;
mod goals;
mod horizon_fields;
mod initiative;
mod measure;
mod move_buttons;
mod new_plan;
mod objective;
mod overview;
mod plan_card;
mod plan_page;
mod report;
mod resources;
mod rollup_summary;
mod scorecard;
mod strategy_map;
mod versions;

use leptos::prelude::*;

use crate::model::plan::PlanStatus;
use crate::store::DocumentId;
use crate::ui::plans_state::PLANS_STARTED_BY_ADMINS;
use crate::ui::{PlansState, WorkspaceState};

pub use plan_page::PlanPage;
pub use scorecard::ScorecardRows;

use new_plan::NewPlanForm;
use plan_card::PlanCard;

#[component]
pub fn PlansPage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let plans = expect_context::<PlansState>();
    // `None` shows every status.
    let filter = RwSignal::new(None::<PlanStatus>);
    let creating = RwSignal::new(false);
    let listed = move || {
        state.workspace.with(|ws| {
            ws.plan_urls()
                .iter()
                .filter_map(|url| DocumentId::from_url(url).ok())
                .collect::<Vec<_>>()
        })
    };
    // A plan not open yet (or not arrived) has no status: it shows under "All" only.
    let shown = move || {
        let wanted = filter.get();
        listed()
            .into_iter()
            .filter(|id| {
                wanted.is_none_or(|status| {
                    plans
                        .get(id)
                        .and_then(|d| d.view.with(|p| p.as_ref().map(|p| p.status)))
                        == Some(status)
                })
            })
            .collect::<Vec<_>>()
    };
    let summary = move || match listed().len() {
        0 => "No plans yet.".to_owned(),
        1 => "1 plan.".to_owned(),
        n => format!("{n} plans."),
    };
    let filter_button = move |status: Option<PlanStatus>, label: &'static str| {
        view! {
            <button
                type="button"
                class="chip"
                aria-pressed=move || (filter.get() == status).to_string()
                on:click=move |_| filter.set(status)
            >
                {label}
            </button>
        }
    };

    view! {
        <section class="page" aria-labelledby="plans-heading">
            <header class="page-header">
                <h1 id="plans-heading">"Strategic plans"</h1>
                <p class="page-summary">{summary}</p>
            </header>
            <div class="section-header">
                <div class="chips" role="group" aria-label="Show plans by status">
                    {filter_button(None, "All")}
                    {PlanStatus::ALL
                        .into_iter()
                        .map(|s| filter_button(Some(s), s.label()))
                        .collect_view()}
                </div>
                <Show
                    when=move || plans.may_start()
                    fallback=|| {
                        view! {
                            <p class="item-meta" data-testid="plans-started-by-admins">
                                {PLANS_STARTED_BY_ADMINS}
                            </p>
                        }
                    }
                >
                    <button
                        type="button"
                        class="button primary"
                        on:click=move |_| creating.set(true)
                        disabled=move || creating.get()
                    >
                        "New plan"
                    </button>
                </Show>
            </div>
            <Show when=move || creating.get() && plans.may_start()>
                <NewPlanForm on_done=Callback::new(move |()| creating.set(false)) />
            </Show>
            <Show
                when=move || !listed().is_empty()
                fallback=move || {
                    view! {
                        <div class="card empty-state">
                            <p>
                                "A plan holds the organisation's mission, vision and values, its environment scan (SWOT and PESTLE), and goals broken into objectives, initiatives and measures, with the board's approval and named versions."
                            </p>
                            <p>
                                {move || {
                                    if plans.may_start() {
                                        "Start with “New plan”."
                                    } else {
                                        "An admin of the workspace starts the first one."
                                    }
                                }}
                            </p>
                        </div>
                    }
                }
            >
                <ul class="item-list plan-list">
                    <For each=shown key=|id| *id let:id>
                        <li class="item">
                            <PlanCard id=id />
                        </li>
                    </For>
                </ul>
                <Show when=move || shown().is_empty()>
                    <p class="empty">"No plan has this status."</p>
                </Show>
            </Show>
        </section>
    }
}
