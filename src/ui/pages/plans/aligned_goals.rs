//! On a plan objective: the individual goals (from people's reviews) that serve it, with
//! their progress, linking to each review.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::ItemId;
use crate::ui::{href, PlanDocument, ReviewsState, WorkspaceState};

#[component]
pub fn AlignedGoals(objective: ItemId) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let reviews = expect_context::<ReviewsState>();
    let state = expect_context::<WorkspaceState>();
    let key = (crate::model::DocumentUrl::from(document.url()), objective);
    let goals = Memo::new(move |_| {
        reviews.aligned.with(|index| {
            index
                .get(&key)
                .map(|goals| {
                    goals
                        .iter()
                        .map(|g| {
                            let name = state.workspace.with_untracked(|ws| {
                                ws.person(&g.person)
                                    .map(|p| p.name.clone())
                                    .unwrap_or_default()
                            });
                            (
                                g.review.to_string(),
                                format!("{name}: {}", g.title),
                                g.progress,
                                g.cycle.clone(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <Show when=move || goals.with(|g| !g.is_empty())>
            <h4>"Individual goals serving it"</h4>
            <ul class="item-list" data-testid="aligned-goals">
                {move || {
                    goals
                        .get()
                        .into_iter()
                        .map(|(review, text, progress, cycle)| {
                            view! {
                                <li class="list-row">
                                    <A href=href(&format!("/reviews/{review}"))>{text}</A>
                                    <span class="item-meta">
                                        {format!("{progress}% · {cycle}")}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
    }
}
