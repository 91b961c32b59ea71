//! One plan: its header, the links to its sections, and the section asked for by the
//! address (`/plans/:id/:section`). The plan's document is provided to the sections as
//! context.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::environment::EnvironmentSection;
use super::goals::{GoalsSection, RollupMemo};
use super::overview::OverviewSection;
use super::report::ReportSection;
use super::resources::ResourcesSection;
use super::scorecard::ScorecardSection;
use super::strategy_map::StrategyMapSection;
use super::versions::VersionsSection;
use crate::store::DocumentId;
use crate::ui::components::{DocumentPresence, HealthTag, ShareLink};
use crate::ui::format::today;
use crate::ui::plans_state::{APPROVAL_UNVERIFIED_WHY, PLAN_READ_ONLY};
use crate::ui::{href, PlanDocument, PlansState};

/// The sections of a plan: address segment and label.
const SECTIONS: [(&str, &str); 8] = [
    ("overview", "Overview"),
    ("environment", "Environment"),
    ("goals", "Goals"),
    ("scorecard", "Scorecard"),
    ("map", "Strategy map"),
    ("resources", "Resources"),
    ("versions", "Versions"),
    ("report", "Board report"),
];

#[component]
pub fn PlanPage() -> impl IntoView {
    let plans = expect_context::<PlansState>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<DocumentId>().ok()));
    let section =
        move || params.with(|p| p.get("section").unwrap_or_else(|| "overview".to_owned()));
    // Opening is asynchronous; a plan opened already (every listed plan is, at start) is
    // there at once.
    Effect::new(move |_| {
        if let Some(id) = id() {
            if plans.get(&id).is_none() {
                leptos::task::spawn_local(async move {
                    let _ = plans.open(id).await;
                });
            }
        }
    });
    move || {
        let Some(id) = id() else {
            return view! {
                <section class="page">
                    <h1>"No such plan"</h1>
                    <p>
                        "This address does not name a plan. "<a href=href("/plans")>"All plans"</a>
                    </p>
                </section>
            }
            .into_any();
        };
        match plans.get(&id) {
            None => view! {
                <section class="page">
                    <p role="status">"Opening the plan…"</p>
                </section>
            }
            .into_any(),
            Some(document) => {
                view! { <PlanView document=document section=Signal::derive(section) /> }.into_any()
            }
        }
    }
}

#[component]
fn PlanView(document: PlanDocument, section: Signal<String>) -> impl IntoView {
    provide_context(document);
    let plan = document.view;
    let id = document.id;
    let plans = expect_context::<PlansState>();
    // Read by every member; changed by its signed participants and the admins. A memo:
    // the rules change rarely, and the sections should not be rebuilt when they do not.
    let editable = Memo::new(move |_| plans.may_change(id));
    // One roll-up per change of the plan, shared by the header and every section.
    let rollup: RollupMemo = Memo::new(move |_| {
        plan.with(|p| p.as_ref().map(|p| p.rollup(&today())).unwrap_or_default())
    });
    provide_context(rollup);
    let identity = expect_context::<crate::ui::IdentityState>();
    let header = move || {
        plan.with(|plan| {
            plan.as_ref().map(|plan| {
                let health = rollup.with(|r| r.plan.clone());
                let unverified = !identity.membership(|m| plan.approval_holds(&id.url(), m));
                view! {
                    <header class="page-header plan-header">
                        <p class="breadcrumb">
                            <a href=href("/plans")>"Plans"</a>
                        </p>
                        <h1 id="plan-heading">{plan.title.clone()}</h1>
                        <p class="page-summary">
                            {format!("{} · {} · ", plan.horizon(), plan.cycle.label())}
                            <span class="tag status" data-testid="plan-status">
                                {plan.status.label()}
                            </span>
                            {unverified
                                .then(|| {
                                    view! {
                                        " "
                                        <span
                                            class="tag warn"
                                            data-testid="approval-unverified"
                                            title=APPROVAL_UNVERIFIED_WHY
                                        >
                                            "no verified approval"
                                        </span>
                                    }
                                })} " " <HealthTag rag=health.rag />
                            {format!(" · progress {}", health.progress_text())}
                        </p>
                    </header>
                }
            })
        })
    };
    let tabs = move || {
        let current = section.get();
        SECTIONS
            .into_iter()
            .map(|(slug, label)| {
                let link = href(&format!("/plans/{id}/{slug}"));
                let current = (current == slug).then_some("page");
                view! {
                    <li>
                        <a href=link aria-current=current>
                            {label}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    // Memos, so that an edit (a new plan value) does not rebuild the section: only
    // arriving, a problem, or another section does.
    let arrived = Memo::new(move |_| plan.with(Option::is_some));
    let problem = Memo::new(move |_| document.problem.get());
    let section = Memo::new(move |_| section.get());
    move || {
        if let Some(problem) = problem.get() {
            return view! {
                <section class="page">
                    <div class="notice notice-warning" role="alert">
                        <p>{problem}</p>
                        <p>"Nothing has been changed or deleted."</p>
                    </div>
                </section>
            }
            .into_any();
        }
        if !arrived.get() {
            return view! {
                <section class="page" data-testid="plan-waiting">
                    <h1>"Waiting for this plan"</h1>
                    <p>
                        "This device does not have the plan yet; it appears as soon as it arrives from the relay."
                    </p>
                </section>
            }
            .into_any();
        }
        let current = section.get();
        // Sections that change the plan are shown disabled to a reader (a fieldset
        // disables every control in it); the strategy map, versions and the board report
        // only read, and their choices (compare, print, download) stay usable.
        let changes_plan = matches!(
            current.as_str(),
            "overview" | "environment" | "goals" | "scorecard" | "resources"
        ) || !SECTIONS.iter().any(|(slug, _)| *slug == current);
        let body = match current.as_str() {
            "environment" => view! { <EnvironmentSection /> }.into_any(),
            "goals" => view! { <GoalsSection /> }.into_any(),
            "scorecard" => view! { <ScorecardSection /> }.into_any(),
            "map" => view! { <StrategyMapSection /> }.into_any(),
            "resources" => view! { <ResourcesSection /> }.into_any(),
            "versions" => view! { <VersionsSection /> }.into_any(),
            "report" => view! { <ReportSection /> }.into_any(),
            _ => view! { <OverviewSection /> }.into_any(),
        };
        view! {
            <section class="page plan-page" aria-labelledby="plan-heading">
                {header}
                <DocumentPresence document=id what="plan" />
                <ShareLink page=format!("/plans/{id}") what="plan" />
                <nav class="plan-tabs" aria-label="Plan sections">
                    <ul>{tabs}</ul>
                </nav>
                <Show when=move || !editable.get()>
                    <p class="notice" role="note" data-testid="plan-read-only">
                        {PLAN_READ_ONLY}
                    </p>
                </Show>
                <fieldset class="plan-fields" disabled=move || changes_plan && !editable.get()>
                    {body}
                </fieldset>
            </section>
        }
        .into_any()
    }
}
