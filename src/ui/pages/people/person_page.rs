//! One person (`/people/:id`): who they are, how their goals connect up to the plan
//! (goal → objective → plan goal → plan, with the objective's health), and the feedback
//! and praise they have received, with a form to give more.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::model::review::{Feedback, GoalLink, SealCheck};
use crate::model::PersonId;
use crate::store::{now_millis, DocumentId};
use crate::ui::components::HealthTag;
use crate::ui::format::{date, today};
use crate::ui::{href, IdentityState, PlansState, ReviewsState, WorkspaceState};

#[component]
pub fn PersonPage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let params = use_params_map();
    let person =
        Memo::new(move |_| PersonId::from(params.with(|p| p.get("id").unwrap_or_default())));
    // Their reviews, wherever they are listed, so their goals can be shown.
    Effect::new(move |_| {
        let me = person.get();
        let ids: Vec<DocumentId> = state.workspace.with(|ws| {
            ws.cycles
                .values()
                .filter_map(|c| c.reviews.get(&me))
                .filter_map(|url| DocumentId::from_url(url).ok())
                .collect()
        });
        reviews.open_reviews(ids);
    });
    let details = move || {
        state.workspace.with(|ws| {
            ws.person(&person.get()).map(|p| {
                let manager = p
                    .manager
                    .as_ref()
                    .and_then(|m| ws.person(m))
                    .map(|m| m.name.clone());
                let team = p
                    .team
                    .as_ref()
                    .and_then(|t| ws.teams.get(t))
                    .map(|t| t.name.clone());
                (p.name.clone(), p.title.clone(), manager, team)
            })
        })
    };
    move || match details() {
        None => view! {
            <section class="page">
                <h1>"No such person"</h1>
                <p>
                    <A href=href("/people")>"People"</A>
                </p>
            </section>
        }
        .into_any(),
        Some((name, title, manager, team)) => {
            let meta = [
                Some(title),
                manager.map(|m| format!("reports to {m}")),
                team,
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
            view! {
                <section class="page" aria-labelledby="person-heading">
                    <header class="page-header">
                        <p class="breadcrumb">
                            <A href=href("/people")>"People"</A>
                        </p>
                        <h1 id="person-heading">{name}</h1>
                        <p class="page-summary">{meta}</p>
                    </header>
                    <GoalsToPlan person=person />
                    <FeedbackReceived person=person />
                </section>
            }
            .into_any()
        }
    }
}

/// Their goals in every open review, each with the chain up to the plan.
#[component]
fn GoalsToPlan(person: Memo<PersonId>) -> impl IntoView {
    let reviews = expect_context::<ReviewsState>();
    let plans = expect_context::<PlansState>();
    let rows = move || {
        let who = person.get();
        let today = today();
        let mut rows = Vec::new();
        reviews.reviews.opened.with(|opened| {
            for document in opened.values() {
                document.view.with(|review| {
                    let Some(review) = review.as_ref().filter(|r| r.employee == who) else {
                        return;
                    };
                    for (_, goal) in review.goals_in_order() {
                        let chain = goal.alignment.as_ref().map(|a| {
                            let plan = DocumentId::from_url(&a.plan)
                                .ok()
                                .and_then(|id| plans.get(&id));
                            plan.and_then(|plan| {
                                plan.view.with(|p| {
                                    let p = p.as_ref()?;
                                    let objective = p.objectives.get(&a.objective)?;
                                    let plan_goal =
                                        p.goals.get(&objective.goal).map(|g| g.title.clone());
                                    let rag = p
                                        .rollup(&today)
                                        .objectives
                                        .get(&a.objective)
                                        .and_then(|h| h.rag);
                                    let path = [
                                        Some(objective.title.clone()),
                                        plan_goal,
                                        Some(p.title.clone()),
                                    ]
                                    .into_iter()
                                    .flatten()
                                    .collect::<Vec<_>>()
                                    .join(" → ");
                                    Some((path, rag))
                                })
                            })
                            .unwrap_or_else(|| {
                                ("A plan objective not on this device".to_owned(), None)
                            })
                        });
                        rows.push((
                            document.id.to_string(),
                            review.cycle_name.clone(),
                            goal.name().to_owned(),
                            goal.progress,
                            chain,
                        ));
                    }
                });
            }
        });
        rows
    };
    view! {
        <section class="card" aria-labelledby="person-goals-heading">
            <h2 id="person-goals-heading">"Goals and the plan"</h2>
            <Show
                when=move || !rows().is_empty()
                fallback=|| view! { <p class="item-meta">"No goals in reviews on this device."</p> }
            >
                <ul class="plain-list" data-testid="goals-to-plan">
                    {move || {
                        rows()
                            .into_iter()
                            .map(|(review, cycle, title, progress, chain)| {
                                view! {
                                    <li class="list-row">
                                        <A href=href(&format!("/reviews/{review}"))>{title}</A>
                                        <span class="item-meta">
                                            {format!("{progress}% · {cycle}")}
                                        </span>
                                        {match chain {
                                            Some((path, rag)) => {
                                                view! { <span>"→ "{path}" "<HealthTag rag=rag /></span> }
                                                    .into_any()
                                            }
                                            None => {
                                                view! {
                                                    <span class="item-meta">"Not aligned to the plan"</span>
                                                }
                                                    .into_any()
                                            }
                                        }}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn FeedbackReceived(person: Memo<PersonId>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let identity = expect_context::<IdentityState>();
    // What this device holds: feedback given to this person is read by them, the giver,
    // their managers and HR only.
    // Each piece says whether its giver's device sealed it (verified wherever shown).
    let received = move || {
        let given = reviews.feedback_for(&person.get());
        let given: Vec<_> = identity.membership(|membership| {
            given
                .into_iter()
                .map(|(id, f)| {
                    let verdict = match f.check(&format!("automerge:{id}"), membership) {
                        SealCheck::Verified => String::new(),
                        SealCheck::Unsealed => {
                            " · not verifiable (given before the workspace had members)".to_owned()
                        }
                        SealCheck::Forged(why) => {
                            format!(" · FORGED, not from whom it names: {why}")
                        }
                    };
                    (id, f, verdict)
                })
                .collect()
        });
        state.workspace.with(|ws| {
            given
                .into_iter()
                .map(|(id, f, verdict)| {
                    let from = format!("{}{verdict}", ws.name_of(&f.from));
                    (id, f, from)
                })
                .collect::<Vec<_>>()
        })
    };
    // Their goals, to link feedback to one.
    let goals = move || {
        let who = person.get();
        let mut goals = Vec::new();
        reviews.reviews.opened.with(|opened| {
            for document in opened.values() {
                document.view.with(|review| {
                    if let Some(review) = review.as_ref().filter(|r| r.employee == who) {
                        for (id, goal) in review.goals_in_order() {
                            goals.push(GoalLink {
                                review: document.url().into(),
                                goal: id.clone(),
                                title: goal.name().to_owned(),
                            });
                        }
                    }
                });
            }
        });
        goals
    };
    let praise = RwSignal::new(true);
    // Kept as typed until given (per person): a closed tab loses nothing.
    let draft = crate::ui::Draft::new(format!("feedback:{}", person.get_untracked()));
    let text = draft.text();
    let goal = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<String, String>>);
    let give = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(me) = state.me.get_untracked() else {
            return message.set(Some(Err(
                "This device does not act as anyone yet: claim the workspace or join it with an invitation under Settings → You.".to_owned()
            )));
        };
        let chosen = goal.get_untracked();
        let link = goals()
            .into_iter()
            .find(|g| format!("{}#{}", g.review, g.goal) == chosen);
        let feedback = Feedback {
            to: person.get_untracked(),
            from: me,
            praise: praise.get_untracked(),
            text: text.get_untracked(),
            goal: link,
            given_at: now_millis(),
            ..Feedback::default()
        };
        let label = if feedback.praise {
            "Give praise"
        } else {
            "Give feedback"
        };
        let key = identity.sealing_key();
        leptos::task::spawn_local(async move {
            match reviews.give_feedback(feedback, key, label).await {
                Err(reason) => message.set(Some(Err(reason))),
                Ok(()) => {
                    draft.clear();
                    message.set(Some(Ok(
                        "Given. They, their managers and HR read it.".to_owned()
                    )));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="feedback-received-heading">
            <h2 id="feedback-received-heading">"Feedback and praise"</h2>
            <ul class="plain-list" data-testid="feedback-received">
                <For each=received key=|r| (r.0.clone(), r.2.clone()) let((_id, feedback, from))>
                    <li>
                        <blockquote>
                            <p>{feedback.text.clone()}</p>
                            <footer>
                                {format!(
                                    "— {from}, {} on {}{}",
                                    if feedback.praise { "praise" } else { "feedback" },
                                    date(feedback.given_at),
                                    feedback
                                        .goal
                                        .as_ref()
                                        .map(|g| format!(" · about “{}”", g.title))
                                        .unwrap_or_default(),
                                )}
                            </footer>
                        </blockquote>
                    </li>
                </For>
            </ul>
            <form class="form" on:submit=give aria-label="Give feedback or praise">
                <fieldset class="choice-row">
                    <legend>"Give"</legend>
                    <span class="check">
                        <input
                            type="radio"
                            id="give-praise"
                            name="feedback-kind"
                            prop:checked=move || praise.get()
                            on:change=move |_| praise.set(true)
                        />
                        <label for="give-praise">"Praise"</label>
                    </span>
                    <span class="check">
                        <input
                            type="radio"
                            id="give-feedback"
                            name="feedback-kind"
                            prop:checked=move || !praise.get()
                            on:change=move |_| praise.set(false)
                        />
                        <label for="give-feedback">"Feedback"</label>
                    </span>
                </fieldset>
                <label for="feedback-text">"What you want to say"</label>
                <textarea id="feedback-text" rows=3 bind:value=text></textarea>
                <label for="feedback-goal">"About a goal (optional)"</label>
                <select id="feedback-goal" on:change=move |ev| goal.set(event_target_value(&ev))>
                    <option value="">"No particular goal"</option>
                    {move || {
                        goals()
                            .into_iter()
                            .map(|g| {
                                view! {
                                    <option value=format!(
                                        "{}#{}",
                                        g.review,
                                        g.goal,
                                    )>{g.title.clone()}</option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <crate::ui::components::FormMessage message=message />
                <div class="form-actions">
                    <button type="submit" class="button primary">
                        "Give"
                    </button>
                </div>
            </form>
        </section>
    }
}
