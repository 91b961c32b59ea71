//! One plan in the list: title, horizon, status, overall progress and health.

use leptos::prelude::*;

use crate::model::Choice;

use crate::store::DocumentId;
use crate::ui::components::{HealthTag, ProgressBar};
use crate::ui::format::today;
use crate::ui::plans_state::APPROVAL_UNVERIFIED_WHY;
use crate::ui::{href, PlansState};

#[component]
pub fn PlanCard(id: DocumentId) -> impl IntoView {
    let plans = expect_context::<PlansState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let document = move || plans.get(&id);
    let link = href(&format!("/plans/{id}"));
    move || match document().and_then(|d| d.view.get()) {
        None => view! {
            <div class="card plan-card">
                <p class="item-title">"A plan not on this device yet"</p>
                <p class="item-meta">
                    {if document().is_some() {
                        "Waiting for it from the relay…"
                    } else {
                        "Opening…"
                    }}
                </p>
            </div>
        }
        .into_any(),
        Some(plan) => {
            let health = plan.rollup(&today()).plan;
            let unverified = !identity.membership(|m| plan.approval_holds(&id.url(), m));
            view! {
                <a class="card plan-card" href=link.clone() data-testid="plan-card">
                    <div class="item-main">
                        <span class="item-title">{plan.title.clone()}</span>
                        <span class="item-meta">
                            {format!("{} · {}", plan.horizon(), plan.cycle.label())}
                        </span>
                    </div>
                    <div class="plan-card-figures">
                        <span class="tag status" data-status=plan.status.key()>
                            {plan.status.label()}
                        </span>
                        {unverified
                            .then(|| {
                                view! {
                                    <span class="tag warn" title=APPROVAL_UNVERIFIED_WHY>
                                        "no verified approval"
                                    </span>
                                }
                            })}
                        <HealthTag rag=health.rag />
                        <ProgressBar value=health.progress label="Overall progress" />
                    </div>
                </a>
            }
            .into_any()
        }
    }
}
