//! One objective: owner, due date, roll-up with its reasons, the SWOT items and PESTLE
//! factors it answers, and its measures and initiatives.

use leptos::prelude::*;

use super::move_buttons::MoveButtons;

use super::goals::RollupMemo;
use super::initiative::{InitiativeForm, InitiativeRow};
use super::measure::{MeasureForm, MeasureRow};
use super::rollup_summary::RollupSummary;
use crate::model::plan::{parse_date, Initiative, Measure, Objective, PlanError};
use crate::model::{ItemId, PersonId};
use crate::ui::components::PersonPicker;
use crate::ui::{Draft, PlanDocument, WorkspaceState};

/// Everything the card shows, compared as a whole so the card redraws only when it
/// changes.
#[derive(Clone, PartialEq, Default)]
struct ObjectiveData {
    objective: Objective,
    measures: Vec<(ItemId, Measure)>,
    initiatives: Vec<(ItemId, Initiative)>,
    /// SWOT items and PESTLE factors: id, text, kind, linked.
    answers: Vec<(ItemId, String, &'static str, bool)>,
}

#[component]
pub fn ObjectiveCard(id: ItemId, index: usize, count: usize) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let rollup = expect_context::<RollupMemo>();
    let panels = expect_context::<super::goals::OpenPanels>();
    let data = {
        let id = id.clone();
        Memo::new(move |_| {
            document.view.with(|p| {
                let p = p.as_ref()?;
                let objective = p.objectives.get(&id)?.clone();
                let measures = p
                    .measures_of(&id)
                    .into_iter()
                    .map(|(i, m)| (i.clone(), m.clone()))
                    .collect();
                let initiatives = p
                    .initiatives_of(&id)
                    .into_iter()
                    .map(|(i, m)| (i.clone(), m.clone()))
                    .collect();
                let mut answers: Vec<_> = p
                    .swot
                    .iter()
                    .map(|(i, s)| {
                        (
                            i.clone(),
                            s.text.clone(),
                            s.quadrant.label(),
                            s.objectives.contains_key(&id),
                        )
                    })
                    .collect();
                answers.extend(p.pestle_in_order().into_iter().map(|(i, f)| {
                    (
                        i.clone(),
                        f.text.clone(),
                        f.category.label(),
                        f.objectives.contains_key(&id),
                    )
                }));
                Some(ObjectiveData {
                    objective,
                    measures,
                    initiatives,
                    answers,
                })
            })
        })
    };
    let health = {
        let id = id.clone();
        Memo::new(move |_| rollup.with(|r| r.objectives.get(&id).cloned().unwrap_or_default()))
    };
    let reasons = {
        let id = id.clone();
        // For the day of the roll-up, so the reasons agree with the colour beside them.
        Callback::new(move |()| {
            rollup.with(|r| {
                document.view.with(|p| {
                    p.as_ref()
                        .map(|p| p.objective_reasons(&id, &r.today))
                        .unwrap_or_default()
                })
            })
        })
    };
    let editing = RwSignal::new(false);
    let adding_measure = RwSignal::new(false);
    let adding_initiative = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let owner_name = move |owner: &Option<PersonId>| {
        owner.as_ref().and_then(|o| {
            state
                .workspace
                .with(|ws| ws.person(o).map(|p| p.name.clone()))
        })
    };
    let move_within = {
        let id = id.clone();
        move |to: usize| {
            error.set(
                document
                    .edit("Reorder objectives", |plan| {
                        let goal = plan
                            .objectives
                            .get(&id)
                            .map(|o| o.goal.clone())
                            .ok_or("That objective is gone.")?;
                        plan.move_objective(&id, &goal, to)
                            .map_err(|e| e.to_string())
                    })
                    .err(),
            )
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            error.set(
                document
                    .edit("Remove an objective", |plan| plan.remove_objective(&id))
                    .err(),
            )
        }
    };
    let heading_id = format!("objective-{id}");
    let on_move = Callback::new(move_within);
    let card_id = id.clone();

    move || {
        let Some(d) = data.get() else {
            return ().into_any();
        };
        let title = d.objective.title.clone();
        let owner = owner_name(&d.objective.owner);
        let meta = [
            owner.map(|o| format!("Owner: {o}")),
            d.objective.due.clone().map(|due| format!("Due {due}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let answered: Vec<String> = d
            .answers
            .iter()
            .filter(|(_, _, _, on)| *on)
            .map(|(_, text, kind, _)| format!("{kind}: {text}"))
            .collect();
        let id = card_id.clone();
        let why_key = format!("why-{id}");
        let answers_key = format!("answers-{id}");
        let link_boxes = d
            .answers
            .iter()
            .map(|(item, text, kind, on)| {
                let (item, objective) = (item.clone(), id.clone());
                let box_id = format!("answers-{objective}-{item}");
                let checked = *on;
                view! {
                    <li class="check">
                        <input
                            type="checkbox"
                            id=box_id.clone()
                            checked=checked
                            on:change=move |ev| {
                                let linked = event_target_checked(&ev);
                                error
                                    .set(
                                        document
                                            .edit(
                                                "Link an objective",
                                                |plan| plan.link(&item, &objective, linked),
                                            )
                                            .err(),
                                    );
                            }
                        />
                        <label for=box_id>{format!("{kind}: {text}")}</label>
                    </li>
                }
            })
            .collect_view();
        let measures = d
            .measures
            .iter()
            .enumerate()
            .map(|(index, (mid, m))| view! { <MeasureRow id=mid.clone() measure=m.clone() index=index count=d.measures.len() /> })
            .collect_view();
        let initiatives = d
            .initiatives
            .iter()
            .enumerate()
            .map(|(index, (iid, i))| {
                view! {
                    <InitiativeRow
                        id=iid.clone()
                        initiative=i.clone()
                        index=index
                        count=d.initiatives.len()
                    />
                }
            })
            .collect_view();
        let objective_for_form = d.objective.clone();
        let remove = remove.clone();
        let for_measure = id.clone();
        let for_initiative = id.clone();
        let aligned_id = id.clone();
        view! {
            <article class="objective" aria-labelledby=heading_id.clone() data-testid="objective">
                <header class="objective-header">
                    <div class="item-main">
                        <h3 id=heading_id.clone()>{title.clone()}</h3>
                        {(!meta.is_empty()).then(|| view! { <p class="item-meta">{meta}</p> })}
                        {(!answered.is_empty())
                            .then(|| {
                                view! { <p class="item-meta">"Answers "{answered.join("; ")}</p> }
                            })}
                    </div>
                    <RollupSummary
                        health=health
                        reasons=reasons
                        label="Objective progress"
                        panel=why_key.clone()
                    />
                </header>
                <div class="item-actions">
                    <button type="button" class="button small" on:click=move |_| editing.set(true)>
                        "Edit objective"
                    </button>
                    <MoveButtons name=title.clone() index=index count=count on_move=on_move />
                    <details
                        class="links"
                        open=panels.is_open(&answers_key)
                        on:toggle={
                            let key = answers_key.clone();
                            move |ev| panels.toggled(&key, &ev)
                        }
                    >
                        <summary>"Answers…"</summary>
                        <ul class="check-list">{link_boxes}</ul>
                    </details>
                    <Show
                        when=move || !confirming.get()
                        fallback={
                            let remove = remove.clone();
                            move || {
                                view! {
                                    <span class="confirm-text">
                                        "Remove with its measures and initiatives?"
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
                        }
                    >
                        <button
                            type="button"
                            class="button small danger"
                            on:click=move |_| confirming.set(true)
                        >
                            "Remove objective"
                        </button>
                    </Show>
                </div>
                <Show when=move || editing.get()>
                    <ObjectiveForm
                        id=id.clone()
                        objective=objective_for_form.clone()
                        on_done=Callback::new(move |()| editing.set(false))
                    />
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
                <h4>"Measures"</h4>
                <ul class="item-list measures">{measures}</ul>
                <Show
                    when=move || adding_measure.get()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="button small"
                                on:click=move |_| adding_measure.set(true)
                            >
                                "Add measure"
                            </button>
                        }
                    }
                >
                    <MeasureForm
                        objective=for_measure.clone()
                        existing=None
                        on_done=Callback::new(move |()| adding_measure.set(false))
                    />
                </Show>
                <h4>"Initiatives"</h4>
                <ul class="item-list initiatives">{initiatives}</ul>
                <Show
                    when=move || adding_initiative.get()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="button small"
                                on:click=move |_| adding_initiative.set(true)
                            >
                                "Add initiative"
                            </button>
                        }
                    }
                >
                    <InitiativeForm
                        objective=for_initiative.clone()
                        existing=None
                        on_done=Callback::new(move |()| adding_initiative.set(false))
                    />
                </Show>
                <super::aligned_goals::AlignedGoals objective=aligned_id />
            </article>
        }
        .into_any()
    }
}

/// Editing an objective: title, owner, due date, and the goal it is under (a move).
#[component]
fn ObjectiveForm(id: ItemId, objective: Objective, on_done: Callback<()>) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    // The title typed is kept until saved or cancelled: a reload loses none of it.
    let title_draft = Draft::editing(format!("objective-title-{id}"), objective.title.clone());
    let title = title_draft.text();
    let owner = RwSignal::new(objective.owner.map(|o| o.to_string()).unwrap_or_default());
    let due = RwSignal::new(objective.due.unwrap_or_default());
    let goal = RwSignal::new(objective.goal.to_string());
    let error = RwSignal::new(None::<String>);
    let due_error = move || {
        due.with(|d| {
            (!d.is_empty())
                .then(|| parse_date(d).err())
                .flatten()
                .map(|e| e.to_string())
        })
    };
    let goals = move || {
        document.view.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.goals_in_order()
                        .into_iter()
                        .map(|(id, g)| (id.to_string(), g.title.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let submit = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let owner = Some(owner.get_untracked())
                .filter(|o| !o.is_empty())
                .map(PersonId::from);
            let due = Some(due.get_untracked()).filter(|d| !d.is_empty());
            let goal = ItemId::from(goal.get_untracked());
            let result = document.edit("Edit an objective", |plan| {
                plan.update_objective(&id, &title.get_untracked(), owner, due)?;
                if plan.objectives.get(&id).is_some_and(|o| o.goal != goal) {
                    plan.move_objective(&id, &goal, usize::MAX)?;
                }
                Ok::<(), PlanError>(())
            });
            match result {
                Ok(()) => {
                    title_draft.sent();
                    on_done.run(())
                }
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    let field = |name: &str| format!("objective-{name}-{id}");
    view! {
        <form class="form" on:submit=submit aria-label="Edit objective">
            <div class="form-grid">
                <label for=field("title")>"Title"</label>
                <input id=field("title") type="text" bind:value=title />
                <PersonPicker id=field("owner") label="Owner" chosen=owner none="No one" />
                <label for=field("due")>"Due"</label>
                <div class="field">
                    <input
                        id=field("due")
                        type="date"
                        bind:value=due
                        aria-invalid=move || due_error().is_some().to_string()
                    />
                    <p class="field-error">{due_error}</p>
                </div>
                <label for=field("goal")>"Goal"</label>
                <select id=field("goal") on:change=move |ev| goal.set(event_target_value(&ev))>
                    {move || {
                        goals()
                            .into_iter()
                            .map(|(value, label)| {
                                let selected = value.clone();
                                view! {
                                    <option value=value selected=move || goal.get() == selected>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
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
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save objective"
                </button>
                <crate::ui::components::DiscardButton drafts=vec![title_draft] on_done=on_done />
            </div>
        </form>
    }
}

/// Every objective of the plan as (id, "Goal › Objective"), for choosing where an item
/// goes.
pub fn objective_choices(plan: &crate::model::plan::Plan) -> Vec<(String, String)> {
    plan.goals_in_order()
        .into_iter()
        .flat_map(|(goal_id, goal)| {
            plan.objectives_of(goal_id)
                .into_iter()
                .map(move |(id, o)| (id.to_string(), format!("{} › {}", goal.title, o.title)))
        })
        .collect()
}

/// A select of the plan's objectives bound to `chosen` (an objective id).
#[component]
pub fn ObjectiveSelect(id: String, chosen: RwSignal<String>) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let choices = move || {
        document
            .view
            .with(|p| p.as_deref().map(objective_choices).unwrap_or_default())
    };
    view! {
        <label for=id.clone()>"Objective"</label>
        <select id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
            {move || {
                choices()
                    .into_iter()
                    .map(|(value, label)| {
                        let is = value.clone();
                        view! {
                            <option value=value selected=move || chosen.get() == is>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()
            }}
        </select>
    }
}
