//! The review's goals: title, description, weight, progress, the plan objective each
//! serves (with that objective's health) and the ratings of each.

use leptos::prelude::*;

use super::super::rating_select::RatingSelect;
use super::ReviewPageContext;
use crate::model::review::{Alignment, Part, ReviewGoal};
use crate::model::ItemId;
use crate::store::DocumentId;
use crate::ui::components::{CollaborativeText, HealthTag};
use crate::ui::format::today;
use crate::ui::PlansState;

/// Every objective of every plan on this device: (plan URL, objective id, label).
fn objective_choices(plans: &PlansState) -> Vec<(String, ItemId, String)> {
    plans.opened.with(|opened| {
        opened
            .values()
            .flat_map(|document| {
                let url = document.url();
                document.view.with(|plan| {
                    plan.as_ref()
                        .map(|plan| {
                            plan.goals_in_order()
                                .into_iter()
                                .flat_map(|(goal, _)| plan.objectives_of(goal))
                                .map(|(id, o)| {
                                    (
                                        url.clone(),
                                        id.clone(),
                                        format!("{} › {}", plan.title, o.title),
                                    )
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
            })
            .collect()
    })
}

#[component]
pub fn GoalsSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    // Rows are keyed by content and by what the viewer may see and write (which changes
    // with the stage), so a row is redrawn only when one of those changes. The texts
    // typed into a row (title, description, weight, progress) are left out of the key:
    // they are saved as typed, and redrawing the row would take the field from under the
    // caret; their fields follow the document on their own.
    let goals = move || {
        let manager_side = context.manager_side.get();
        context.read(Vec::new(), |r| {
            let capacity = context.capacity(r);
            let view = format!("{manager_side}{capacity:?}{:?}", r.stage);
            r.goals_in_order()
                .into_iter()
                .map(|(id, g)| {
                    let drawn = ReviewGoal {
                        title: Default::default(),
                        description: Default::default(),
                        weight: 0,
                        progress: 0,
                        ..g.clone()
                    };
                    (id.clone(), format!("{drawn:?}{view}"))
                })
                .collect::<Vec<_>>()
        })
    };
    let summary = move || {
        context.read(String::new(), |r| {
            let weight = r.total_weight();
            let progress = r
                .weighted_progress()
                .map_or("—".to_owned(), |p| format!("{p:.0}%"));
            let balance = if r.goals.is_empty() || weight == 100 {
                String::new()
            } else {
                format!(" Weights add up to {weight}%, not 100%.")
            };
            format!("Weighted progress {progress}.{balance}")
        })
    };
    // A new goal's title is kept as typed until added: a closed tab loses nothing.
    let title_draft = crate::ui::Draft::new(format!("new-goal:{}", context.document.id));
    let title = title_draft.text();
    let weight = RwSignal::new("25".to_owned());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(weight_value) = weight.get_untracked().trim().parse::<i64>() else {
            return context.error.set(Some(
                "A goal's weight is a whole percentage, e.g. 25.".to_owned(),
            ));
        };
        let text = title.get_untracked();
        if context
            .act("Add a goal", |r, who| r.add_goal(who, &text, weight_value))
            .is_ok()
        {
            title_draft.clear();
        }
    };
    view! {
        <section class="card" aria-labelledby="goals-heading">
            <h2 id="goals-heading">"Goals"</h2>
            <p class="item-meta" data-testid="goals-summary">
                {summary}
            </p>
            <ol class="plain-list goal-list">
                <For each=goals key=|row| row.clone() let((id, _drawn))>
                    <GoalRow id=id />
                </For>
            </ol>
            <Show when=move || context.may(Part::Goals)>
                <form class="inline-form" on:submit=add aria-label="Add a goal">
                    <label for="new-goal-title">"New goal"</label>
                    <input
                        id="new-goal-title"
                        type="text"
                        required
                        bind:value=title
                        placeholder="e.g. Ship the mobile app"
                    />
                    <label for="new-goal-weight">"Weight (%)"</label>
                    <input
                        id="new-goal-weight"
                        type="number"
                        min="0"
                        max="100"
                        inputmode="numeric"
                        bind:value=weight
                    />
                    <button type="submit" class="button">
                        "Add goal"
                    </button>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn GoalRow(id: ItemId) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let plans = expect_context::<PlansState>();
    let goal = context.read(ReviewGoal::default(), |r| {
        r.goals.get(&id).cloned().unwrap_or_default()
    });
    let editable = context.may(Part::Goals);
    let prefix = format!("goal-{id}");
    let scale = context.read(Default::default(), |r| r.scale.clone());
    let (self_rating_open, manager_rating_open) = {
        context.read((false, false), |r| {
            let capacity = context.capacity(r);
            let rates_as_manager = capacity.manager || (capacity.hr && !capacity.employee);
            let stage_ok =
                |part| crate::model::review::check_write(part, r.stage, capacity).is_ok();
            (
                !rates_as_manager && stage_ok(Part::SelfRatings),
                rates_as_manager && stage_ok(Part::ManagerRatings),
            )
        })
    };
    // The manager's rating reaches the employee once the review is shared.
    let manager_side = context.manager_side.get_untracked();
    let health = goal
        .alignment
        .as_ref()
        .and_then(|a| aligned_health(&plans, a));
    // What is typed into the row, read from the document as it changes (the row itself
    // is not redrawn for it).
    let now = {
        let id = id.clone();
        move |read: fn(&ReviewGoal) -> String| {
            let id = id.clone();
            Signal::derive(move || {
                context.read(String::new(), |r| {
                    r.goals.get(&id).map(read).unwrap_or_default()
                })
            })
        }
    };
    let title = now(|g| g.title.as_str().to_owned());
    let description = now(|g| g.description.as_str().to_owned());
    let weight = now(|g| g.weight.to_string());
    let progress = now(|g| g.progress.to_string());
    let name = now(|g| g.name().to_owned());
    let write_title = {
        let id = id.clone();
        Callback::new(move |text: String| {
            let _ = context.act("Edit a goal", |r, who| r.write_goal_title(who, &id, &text));
        })
    };
    let write_description = {
        let id = id.clone();
        Callback::new(move |text: String| {
            let _ = context.act("Edit a goal", |r, who| {
                r.write_goal_description(who, &id, &text)
            });
        })
    };
    // Numbers are written as they are typed, once what is typed reads as one.
    let set_weight = {
        let id = id.clone();
        move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<i64>() {
            Ok(value) => {
                let _ = context.act("Edit a goal", |r, who| r.set_goal_weight(who, &id, value));
            }
            Err(_) => context.error.set(Some(
                "A goal's weight is a whole percentage, e.g. 25.".to_owned(),
            )),
        }
    };
    let set_progress = {
        let id = id.clone();
        move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<i64>() {
            Ok(value) => {
                let _ = context.act("Update a goal's progress", |r, who| {
                    r.set_goal_progress(who, &id, value)
                });
            }
            Err(_) => context.error.set(Some(
                "Progress is a whole percentage from 0 to 100.".to_owned(),
            )),
        }
    };
    let align = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let alignment = value.split_once('#').map(|(plan, objective)| Alignment {
                plan: plan.into(),
                objective: ItemId::from(objective),
            });
            let _ = context.act("Align a goal", |r, who| r.align_goal(who, &id, alignment));
        }
    };
    let current = goal
        .alignment
        .as_ref()
        .map(|a| format!("{}#{}", a.plan, a.objective));
    let choices = objective_choices(&plans);
    let known = current
        .as_ref()
        .is_none_or(|c| choices.iter().any(|(p, o, _)| &format!("{p}#{o}") == c));
    let rate = {
        let id = id.clone();
        Callback::new(move |value: Option<i64>| {
            let _ = context.act("Rate a goal", |r, who| r.rate_goal(who, &id, value));
        })
    };
    let move_by = {
        let id = id.clone();
        move |by: i64| {
            let _ = context.act("Reorder goals", |r, who| r.move_goal(who, &id, by));
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            let _ = context.act("Remove a goal", |r, who| r.remove_goal(who, &id));
        }
    };
    let move_up = move_by.clone();
    view! {
        <li class="goal-row" data-goal=id.to_string()>
            <div class="form-grid">
                <CollaborativeText
                    id=format!("{prefix}-title")
                    label="Goal"
                    value=title
                    on_input=write_title
                    single_line=true
                    disabled=!editable
                />
                <CollaborativeText
                    id=format!("{prefix}-description")
                    label="Description"
                    value=description
                    on_input=write_description
                    single_line=true
                    disabled=!editable
                />
                <label for=format!("{prefix}-weight")>"Weight (%)"</label>
                <input
                    id=format!("{prefix}-weight")
                    type="number"
                    min="0"
                    max="100"
                    inputmode="numeric"
                    prop:value=weight
                    disabled=!editable
                    on:input=set_weight
                />
                <label for=format!("{prefix}-progress")>"Progress (%)"</label>
                <input
                    id=format!("{prefix}-progress")
                    type="number"
                    min="0"
                    max="100"
                    inputmode="numeric"
                    prop:value=progress
                    disabled=!editable
                    on:input=set_progress
                />
                <label for=format!("{prefix}-alignment")>"Serves"</label>
                <select id=format!("{prefix}-alignment") disabled=!editable on:change=align>
                    <option value="" selected=current.is_none()>
                        "No plan objective"
                    </option>
                    {(!known)
                        .then(|| {
                            view! {
                                <option value=current.clone().unwrap_or_default() selected=true>
                                    "A plan objective not on this device"
                                </option>
                            }
                        })}
                    {choices
                        .into_iter()
                        .map(|(plan, objective, label)| {
                            let value = format!("{plan}#{objective}");
                            let selected = current.as_ref() == Some(&value);
                            view! {
                                <option value=value selected=selected>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <RatingSelect
                    id=format!("{prefix}-self-rating")
                    label="Self rating".to_owned()
                    scale=scale.clone()
                    value=goal.self_rating
                    disabled=!self_rating_open
                    on_change=rate
                />
                <RatingSelect
                    id=format!("{prefix}-manager-rating")
                    label="Manager rating".to_owned()
                    scale=scale
                    value=goal.manager_rating.filter(|_| manager_side)
                    disabled=!manager_rating_open
                    on_change=rate
                />
            </div>
            {health
                .map(|(rag, label)| {
                    view! {
                        <p class="item-meta">"Objective health: "<HealthTag rag=rag />" "{label}</p>
                    }
                })}
            <Show when=move || editable>
                <div class="button-row">
                    <button
                        type="button"
                        class="button"
                        aria-label=move || format!("Move goal {} up", name.get())
                        on:click={
                            let m = move_up.clone();
                            move |_| m(-1)
                        }
                    >
                        "↑"
                    </button>
                    <button
                        type="button"
                        class="button"
                        aria-label=move || format!("Move goal {} down", name.get())
                        on:click={
                            let m = move_by.clone();
                            move |_| m(1)
                        }
                    >
                        "↓"
                    </button>
                    <button type="button" class="button danger" on:click=remove.clone()>
                        "Remove goal"
                    </button>
                </div>
            </Show>
        </li>
    }
}

/// The health of the objective a goal serves, with the objective's name.
fn aligned_health(
    plans: &PlansState,
    alignment: &Alignment,
) -> Option<(Option<crate::model::plan::Rag>, String)> {
    let id = DocumentId::from_url(&alignment.plan).ok()?;
    let document = plans.opened.with_untracked(|o| o.get(&id).copied())?;
    document.view.with_untracked(|plan| {
        let plan = plan.as_ref()?;
        let objective = plan.objectives.get(&alignment.objective)?;
        let rollup = plan.rollup(&today());
        let rag = rollup
            .objectives
            .get(&alignment.objective)
            .and_then(|h| h.rag);
        Some((rag, format!("{} ({})", objective.title, plan.title)))
    })
}
