//! Running a cycle at scale, on its page: open every draft for self review at once, see
//! each manager's progress, and remind everyone whose step is late (a nudge each person
//! sees on Home).

use leptos::prelude::*;

use super::cycle::{each_review, names};
use crate::model::nudge::Nudge;
use crate::model::review::{progress_by_manager, Stage};
use crate::model::{DocumentUrl, ItemId, PersonId};
use crate::store::{now_millis, DocumentId};
use crate::ui::format::today;
use crate::ui::{ReviewDocument, ReviewsState, WorkspaceState};

#[component]
pub fn CycleProgress(
    cycle: Memo<ItemId>,
    documents: Memo<Vec<(DocumentId, Option<ReviewDocument>)>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let reviews = expect_context::<ReviewsState>();
    let names = names();
    let message = RwSignal::new(None::<Result<String, String>>);
    let deadlines = Memo::new(move |_| {
        state.workspace.with(|ws| {
            ws.cycles
                .get(&cycle.get())
                .map(|c| c.deadlines.clone())
                .unwrap_or_default()
        })
    });
    // Per manager: reviews, stages, late, done. Read in place from each open review.
    let progress = Memo::new(move |_| {
        let today = today();
        let list: Vec<(Option<PersonId>, String, usize, usize, usize, String)> = {
            let standings = deadlines.with(|d| {
                each_review(documents, names, |_, _, review| {
                    Some(review.standing(d, &today))
                })
            });
            let by_manager = progress_by_manager(&standings);
            names.with(|names| {
                by_manager
                    .into_iter()
                    .map(|p| {
                        let name = p
                            .manager
                            .as_ref()
                            .map_or("No manager".to_owned(), |m| names.of(m));
                        let stages = p
                            .by_stage
                            .iter()
                            .map(|(stage, n)| format!("{}: {n}", stage.label()))
                            .collect::<Vec<_>>()
                            .join(" · ");
                        (p.manager, name, p.reviews, p.done, p.late, stages)
                    })
                    .collect()
            })
        };
        let mut list = list;
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    });
    let me = move || state.me.get();
    // Who may open drafts (the manager or HR of each): shown to HR of this cycle.
    let runs_cycle = move || {
        let Some(me) = me() else { return false };
        identity.access.with(|a| a.may_run_cycles())
            && state.workspace.with(|ws| {
                ws.cycles
                    .get(&cycle.get())
                    .is_some_and(|c| c.hr.contains_key(&me))
            })
    };
    let drafts = move || {
        each_review(documents, names, |_, id, review| {
            (review.stage == Stage::Draft).then_some(*id)
        })
    };
    let open_all = move |_| {
        let Some(me) = me() else { return };
        let mut opened = 0;
        let mut refused = Vec::new();
        for id in drafts() {
            let Some(document) = reviews.reviews.get(&id) else {
                continue;
            };
            let access = identity.access.get_untracked();
            let result = reviews.edit_review(document, "Open for self review", |review| {
                let who = crate::model::review::Actor {
                    person: &me,
                    capacity: access.capacity_on(review),
                };
                review.move_to(Stage::SelfReview, who)
            });
            match result {
                Ok(()) => opened += 1,
                Err(reason) => refused.push(reason),
            }
        }
        message.set(Some(if refused.is_empty() {
            Ok(format!(
                "Opened {opened} review{} for self review.",
                if opened == 1 { "" } else { "s" }
            ))
        } else {
            Err(format!(
                "Opened {opened}; {} could not be opened: {}",
                refused.len(),
                refused.join("; ")
            ))
        }));
    };
    // Everyone whose step is late, once per review: (person, review, what is late).
    let late = move || {
        let today = today();
        deadlines
            .with(|deadlines| {
                each_review(documents, names, |_, id, review| {
                    let what = deadlines.late(review, &today)?;
                    Some(
                        review
                            .waiting_on()
                            .into_iter()
                            .map(|person| (person, DocumentUrl::from(*id), what.clone()))
                            .collect::<Vec<_>>(),
                    )
                })
            })
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
    };
    let nudge_late = move |_| {
        let Some(me) = me() else { return };
        let late = late();
        let count = late.len();
        let at = now_millis();
        // Each reminder goes into the review it is about: read by whom the review is.
        let access = identity.access.get_untracked();
        let mut refused = Vec::new();
        for (person, review, what) in late {
            let Some(document) = review
                .document()
                .ok()
                .and_then(|id| reviews.reviews.get(&id))
            else {
                continue;
            };
            let sent = reviews.edit_review(document, "Remind someone late", |r| {
                let who = crate::model::review::Actor {
                    person: &me,
                    capacity: access.capacity_on(r),
                };
                r.nudge(who, Nudge::new(&me, &person, review.clone(), &what, at))
            });
            if let Err(reason) = sent {
                refused.push(reason);
            }
        }
        message.set(Some(if refused.is_empty() {
            Ok(format!(
                "Reminded {count} {}; each sees it on their Home page.",
                if count == 1 { "person" } else { "people" }
            ))
        } else {
            Err(format!(
                "Reminded {}; {} could not be reminded: {}",
                count - refused.len(),
                refused.len(),
                refused.join("; ")
            ))
        }));
    };
    view! {
        <section class="card" aria-labelledby="progress-heading" data-testid="cycle-progress">
            <h2 id="progress-heading">"Progress by manager"</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Progress by manager">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Manager"</th>
                            <th scope="col">"Reviews"</th>
                            <th scope="col">"Signed"</th>
                            <th scope="col">"Late"</th>
                            <th scope="col">"Stages"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            progress
                                .get()
                                .into_iter()
                                .map(|(_, name, total, done, late, stages)| {
                                    let is_late = late > 0;
                                    view! {
                                        <tr class:late=is_late>
                                            <th scope="row">{name}</th>
                                            <td>{total}</td>
                                            <td>{done}</td>
                                            <td>{late}</td>
                                            <td>{stages}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <Show when=runs_cycle>
                <div class="button-row">
                    <button
                        type="button"
                        class="button"
                        on:click=open_all
                        disabled=move || drafts().is_empty()
                    >
                        {move || format!("Open all drafts for self review ({})", drafts().len())}
                    </button>
                    <button
                        type="button"
                        class="button"
                        on:click=nudge_late
                        disabled=move || late().is_empty()
                    >
                        {move || format!("Remind everyone late ({})", late().len())}
                    </button>
                </div>
            </Show>
            <crate::ui::components::FormMessage message=message />
        </section>
    }
}
