//! Goals → objectives → initiatives and measures: the plan's structure, edited in place,
//! with each level's roll-up and the reasons for its colour.

use std::collections::HashSet;

use leptos::prelude::*;

use super::move_buttons::MoveButtons;

use super::objective::ObjectiveCard;
use super::rollup_summary::RollupSummary;
use crate::model::plan::{parse_amount, Rollup};
use crate::model::ItemId;
use crate::ui::components::CheckedInput;
use crate::ui::PlanDocument;

/// The plan's roll-up, provided by the plan page to its sections (computed once per
/// change of the plan).
pub type RollupMemo = Memo<Rollup>;

/// Which `<details>` panels of the section are open, by key. A card is redrawn when its
/// data changes (someone records an actual); the panels it had open stay open.
#[derive(Clone, Copy)]
pub struct OpenPanels(RwSignal<HashSet<String>>);

impl OpenPanels {
    /// Whether the panel `key` was open (read once, when the panel is drawn).
    pub fn is_open(&self, key: &str) -> bool {
        self.0.with_untracked(|open| open.contains(key))
    }

    /// Remembers a panel opened or closed (no redraw: the browser already shows it).
    pub fn toggled(&self, key: &str, event: &leptos::ev::Event) {
        let open = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(t).ok())
            .is_some_and(|d| d.open());
        self.0.update_untracked(|panels| {
            if open {
                panels.insert(key.to_owned());
            } else {
                panels.remove(key);
            }
        });
    }
}

#[component]
pub fn GoalsSection() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    provide_context(OpenPanels(RwSignal::new(HashSet::new())));
    // Each objective lists the individual goals aligned to it, from every review.
    expect_context::<crate::ui::ReviewsState>().open_all_reviews();
    // Kept as typed until added: a closed tab loses nothing.
    let title_draft = crate::ui::Draft::new(format!("plan-goal:{}", document.id));
    let title = title_draft.text();
    let error = RwSignal::new(None::<String>);
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match document.edit("Add a goal", |plan| plan.add_goal(&title.get_untracked())) {
            Ok(_) => {
                title_draft.clear();
                error.set(None);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    // Keyed by the goal's own fields and place: a goal re-renders when it changes; its
    // objectives are keyed the same way inside it.
    let goals = move || {
        document.view.with(|p| {
            p.as_ref()
                .map(|p| {
                    let ordered = p.goals_in_order();
                    let count = ordered.len();
                    ordered
                        .into_iter()
                        .enumerate()
                        .map(|(index, (id, g))| {
                            (
                                id.clone(),
                                g.title.clone(),
                                g.description.clone(),
                                g.budget_envelope,
                                index,
                                count,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let unfiled = move || {
        document.view.with(|p| {
            p.as_ref()
                .map(|p| {
                    let (objectives, initiatives, measures) = p.unfiled();
                    (
                        objectives.into_iter().cloned().collect::<Vec<_>>(),
                        initiatives.len() + measures.len(),
                    )
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="goals">
            <For each=goals key=|row| row.clone() let:row>
                {
                    let (id, title, description, envelope, index, count) = row;
                    view! {
                        <GoalCard
                            id=id
                            title=title
                            description=description
                            envelope=envelope
                            index=index
                            count=count
                        />
                    }
                }
            </For>
            {move || {
                let (objectives, others) = unfiled();
                (!objectives.is_empty() || others > 0)
                    .then(|| {
                        view! {
                            <section class="card unfiled" aria-labelledby="unfiled-heading">
                                <h2 id="unfiled-heading">"Not under any goal"</h2>
                                <p class="item-meta">
                                    "Their goal was removed on another device while they were being added or moved. Nothing is lost: edit them to file them under a goal."
                                </p>
                                {(others > 0)
                                    .then(|| {
                                        view! {
                                            <p>
                                                {format!(
                                                    "{others} initiative(s) or measure(s) lost their objective; they still count in Resources.",
                                                )}
                                            </p>
                                        }
                                    })}
                                <ul class="item-list">
                                    {objectives
                                        .into_iter()
                                        .map(|id| {
                                            view! {
                                                <li>
                                                    <ObjectiveCard id=id index=0 count=1 />
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
            <form class="card form" on:submit=add aria-label="Add a goal">
                <div class="inline-form">
                    <label for="new-goal">"New goal"</label>
                    <input
                        id="new-goal"
                        type="text"
                        autocomplete="off"
                        bind:value=title
                        placeholder="e.g. Grow in Europe"
                    />
                    <button type="submit" class="button primary">
                        "Add goal"
                    </button>
                </div>
                {move || {
                    error
                        .get()
                        .map(|m| {
                            view! {
                                <p class="form-error" role="alert">
                                    {m}
                                </p>
                            }
                        })
                }}
            </form>
        </div>
    }
}

#[component]
fn GoalCard(
    id: ItemId,
    title: String,
    description: String,
    envelope: Option<i64>,
    index: usize,
    count: usize,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let rollup = expect_context::<RollupMemo>();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let draft_title = RwSignal::new(title.clone());
    let draft_description = RwSignal::new(description.clone());
    let draft_envelope = RwSignal::new(envelope.map(|e| e.to_string()).unwrap_or_default());
    // Kept as typed until added (per goal), also when the card is drawn again.
    let objective_draft = crate::ui::Draft::new(format!("plan-objective:{}:{id}", document.id));
    let new_objective = objective_draft.text();
    let confirming = RwSignal::new(false);

    let health = {
        let id = id.clone();
        Memo::new(move |_| rollup.with(|r| r.goals.get(&id).cloned().unwrap_or_default()))
    };
    let reasons = {
        let id = id.clone();
        Callback::new(move |()| {
            rollup.with(|r| {
                document.view.with(|p| {
                    p.as_ref()
                        .map(|p| p.goal_reasons(r, &id))
                        .unwrap_or_default()
                })
            })
        })
    };
    let objectives = {
        let id = id.clone();
        move || {
            document.view.with(|p| {
                p.as_ref()
                    .map(|p| {
                        let list = p.objectives_of(&id);
                        let count = list.len();
                        list.into_iter()
                            .enumerate()
                            .map(|(i, (oid, _))| (oid.clone(), i, count))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    let save = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let envelope_text = draft_envelope.get_untracked();
            let envelope = if envelope_text.trim().is_empty() {
                Ok(None)
            } else {
                parse_amount(&envelope_text)
                    .map(Some)
                    .map_err(|e| e.to_string())
            };
            let result = envelope.and_then(|envelope| {
                document.edit("Edit a goal", |plan| {
                    plan.update_goal(
                        &id,
                        &draft_title.get_untracked(),
                        &draft_description.get_untracked(),
                        envelope,
                    )
                })
            });
            match result {
                Ok(()) => editing.set(false),
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    let add_objective = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            match document.edit("Add an objective", |plan| {
                plan.add_objective(&id, &new_objective.get_untracked())
            }) {
                Ok(_) => {
                    objective_draft.clear();
                    error.set(None);
                }
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    let move_goal = {
        let id = id.clone();
        move |to: usize| {
            error.set(
                document
                    .edit("Reorder goals", |plan| plan.move_goal(&id, to))
                    .err(),
            )
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            error.set(
                document
                    .edit("Remove a goal", |plan| plan.remove_goal(&id))
                    .err(),
            )
        }
    };
    let heading_id = format!("goal-{id}");
    let labelled_by = heading_id.clone();
    let input_id = format!("new-objective-{id}");
    let on_move = Callback::new(move_goal);

    view! {
        <section class="card goal" aria-labelledby=labelled_by data-testid="goal">
            <header class="goal-header">
                <div class="item-main">
                    <h2 id=heading_id>{title.clone()}</h2>
                    {(!description.is_empty())
                        .then(|| view! { <p class="item-meta">{description.clone()}</p> })}
                    {envelope
                        .map(|e| {
                            view! {
                                <p class="item-meta">
                                    {format!(
                                        "Budget envelope {}",
                                        crate::model::plan::format_number(e as f64),
                                    )}
                                </p>
                            }
                        })}
                </div>
                <RollupSummary
                    health=health
                    reasons=reasons
                    label="Goal progress"
                    panel=format!("why-{id}")
                />
            </header>
            <div class="item-actions">
                <button type="button" class="button small" on:click=move |_| editing.set(true)>
                    "Edit goal"
                </button>
                <MoveButtons name=title.clone() index=index count=count on_move=on_move />
                <Show
                    when=move || !confirming.get()
                    fallback=move || {
                        view! {
                            <span class="confirm-text">
                                "Remove this goal and everything under it?"
                            </span>
                            <button
                                type="button"
                                class="button small danger"
                                on:click=remove.clone()
                            >
                                "Remove"
                            </button>
                            <button
                                type="button"
                                class="button small"
                                on:click=move |_| confirming.set(false)
                            >
                                "Keep"
                            </button>
                        }
                    }
                >
                    <button
                        type="button"
                        class="button small danger"
                        on:click=move |_| confirming.set(true)
                    >
                        "Remove goal"
                    </button>
                </Show>
            </div>
            <Show when=move || editing.get()>
                <form class="form" on:submit=save.clone() aria-label="Edit goal">
                    <div class="form-grid">
                        <CheckedInput
                            id=format!("goal-title-{id}")
                            label="Title"
                            value=draft_title
                        />
                        <CheckedInput
                            id=format!("goal-description-{id}")
                            label="Description"
                            value=draft_description
                        />
                        <CheckedInput
                            id=format!("goal-envelope-{id}")
                            label="Budget envelope (optional)"
                            value=draft_envelope
                            inputmode="numeric"
                            check=|t| {
                                (!t.trim().is_empty())
                                    .then(|| parse_amount(t).err())
                                    .flatten()
                                    .map(|e| e.to_string())
                            }
                        />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button primary">
                            "Save goal"
                        </button>
                        <button type="button" class="button" on:click=move |_| editing.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </form>
            </Show>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            <ul class="item-list objectives">
                <For each=objectives key=|row| row.clone() let:row>
                    {
                        let (oid, index, count) = row;
                        view! {
                            <li>
                                <ObjectiveCard id=oid index=index count=count />
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="inline-form" on:submit=add_objective aria-label="Add an objective">
                <label for=input_id.clone()>"New objective"</label>
                <input id=input_id type="text" autocomplete="off" bind:value=new_objective />
                <button type="submit" class="button">
                    "Add objective"
                </button>
            </form>
        </section>
    }
}
