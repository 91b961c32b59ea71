//! An initiative: owner, dates, budget, headcount, status and progress.

use leptos::prelude::*;

use crate::model::Choice;

use super::move_buttons::MoveButtons;

use super::objective::ObjectiveSelect;
use crate::model::plan::{
    format_number, parse_amount, parse_date, parse_headcount, parse_percent, Initiative,
    InitiativeStatus, PlanError,
};
use crate::model::{ItemId, PersonId};
use crate::ui::components::{CheckedInput, PersonPicker, ProgressBar};
use crate::ui::{Draft, PlanDocument, WorkspaceState};

#[component]
pub fn InitiativeRow(
    id: ItemId,
    initiative: Initiative,
    index: usize,
    count: usize,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let currency = document
        .view
        .with_untracked(|p| p.as_ref().map(|p| p.currency.clone()).unwrap_or_default());
    let owner = initiative.owner.as_ref().and_then(|o| {
        state
            .workspace
            .with_untracked(|ws| ws.person(o).map(|p| p.name.clone()))
    });
    let dates = match (&initiative.start, &initiative.end) {
        (Some(s), Some(e)) => format!("{s} → {e}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(e)) => format!("until {e}"),
        (None, None) => String::new(),
    };
    let meta = [
        Some(initiative.status.label().to_owned()),
        owner.map(|o| format!("Owner: {o}")),
        (!dates.is_empty()).then_some(dates),
        Some(format!(
            "Budget {} {currency}",
            format_number(initiative.budget as f64)
        )),
        Some(format!("Headcount {}", format_number(initiative.headcount))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let remove = {
        let id = id.clone();
        move |_| {
            error.set(
                document
                    .edit("Remove an initiative", |plan| plan.remove_initiative(&id))
                    .err(),
            )
        }
    };
    let reorder = {
        let (id, objective) = (id.clone(), initiative.objective.clone());
        move |to: usize| {
            error.set(
                document
                    .edit("Reorder initiatives", |plan| {
                        plan.move_initiative(&id, &objective, to)
                    })
                    .err(),
            )
        }
    };
    let on_move = Callback::new(reorder);
    let objective = initiative.objective.clone();
    let existing = (id.clone(), initiative.clone());
    view! {
        <li class="item initiative" data-testid="initiative">
            <div class="item-main">
                <span class="item-title">{initiative.title.clone()}</span>
                <span class="item-meta">{meta}</span>
            </div>
            <ProgressBar
                value=Some(initiative.progress as f64 / 100.0)
                label="Initiative progress"
            />
            <div class="item-actions">
                <MoveButtons
                    name=initiative.title.clone()
                    index=index
                    count=count
                    on_move=on_move
                />
                <button
                    type="button"
                    class="button small"
                    on:click=move |_| editing.set(true)
                    aria-label=format!("Edit “{}”", initiative.title)
                >
                    "Edit"
                </button>
                <button
                    type="button"
                    class="button small danger"
                    on:click=remove
                    aria-label=format!("Remove “{}”", initiative.title)
                >
                    "Remove"
                </button>
            </div>
            <Show when=move || editing.get()>
                <InitiativeForm
                    objective=objective.clone()
                    existing=Some(existing.clone())
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
        </li>
    }
}

#[component]
pub fn InitiativeForm(
    objective: ItemId,
    existing: Option<(ItemId, Initiative)>,
    on_done: Callback<()>,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let start_with = existing
        .as_ref()
        .map(|(_, i)| i.clone())
        .unwrap_or_default();
    let key = existing
        .as_ref()
        .map_or_else(|| format!("new-{objective}"), |(id, _)| id.to_string());
    // What is typed is kept until saved or cancelled: a reload loses none of it.
    let kept =
        |field: &str, saved: String| Draft::editing(format!("initiative-{field}-{key}"), saved);
    let drafts = [
        kept("title", start_with.title.clone()),
        kept("budget", start_with.budget.to_string()),
        kept(
            "headcount",
            format_number(start_with.headcount).replace(',', ""),
        ),
        kept("progress", start_with.progress.to_string()),
    ];
    let [title, budget, headcount, progress] = drafts.map(|d| d.text());
    let owner = RwSignal::new(
        start_with
            .owner
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_default(),
    );
    let start = RwSignal::new(start_with.start.clone().unwrap_or_default());
    let end = RwSignal::new(start_with.end.clone().unwrap_or_default());
    let status = RwSignal::new(start_with.status);
    let under = RwSignal::new(objective.to_string());
    let error = RwSignal::new(None::<String>);
    let field = move |name: &str| format!("initiative-{name}-{key}");
    let optional_date = |t: &str| {
        (!t.is_empty())
            .then(|| parse_date(t).err())
            .flatten()
            .map(|e| e.to_string())
    };

    let submit = {
        let existing = existing.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let date = |text: String| {
                Some(text)
                    .filter(|t| !t.is_empty())
                    .map(|t| parse_date(&t))
                    .transpose()
                    .map_err(|e| e.to_string())
            };
            let built = (|| {
                Ok::<_, String>(Initiative {
                    objective: objective.clone(),
                    title: title.get_untracked(),
                    owner: Some(owner.get_untracked())
                        .filter(|o| !o.is_empty())
                        .map(PersonId::from),
                    start: date(start.get_untracked())?,
                    end: date(end.get_untracked())?,
                    budget: parse_amount(&budget.get_untracked())
                        .map_err(|e| format!("Budget: {e}"))?,
                    headcount: parse_headcount(&headcount.get_untracked())
                        .map_err(|e| format!("Headcount: {e}"))?,
                    status: status.get_untracked(),
                    progress: parse_percent(&progress.get_untracked())
                        .map_err(|e| e.to_string())?,
                    position: 0.0,
                })
            })();
            let destination = ItemId::from(under.get_untracked());
            let result = built.and_then(|initiative| match &existing {
                Some((id, _)) => document.edit("Edit an initiative", |plan| {
                    plan.update_initiative(id, initiative)?;
                    if plan
                        .initiatives
                        .get(id)
                        .is_some_and(|i| i.objective != destination)
                    {
                        plan.move_initiative(id, &destination, usize::MAX)?;
                    }
                    Ok::<(), PlanError>(())
                }),
                None => document.edit("Add an initiative", |plan| {
                    plan.add_initiative(initiative).map(|_| ())
                }),
            });
            match result {
                Ok(()) => {
                    drafts.iter().for_each(Draft::sent);
                    on_done.run(())
                }
                Err(reason) => error.set(Some(reason)),
            }
        }
    };
    view! {
        <form
            class="form"
            on:submit=submit
            aria-label=if existing.is_some() { "Edit initiative" } else { "New initiative" }
        >
            <div class="form-grid">
                <CheckedInput id=field("title") label="Title" value=title />
                <PersonPicker id=field("owner") label="Owner" chosen=owner none="No one" />
                <CheckedInput
                    id=field("start")
                    label="Start"
                    value=start
                    kind="date"
                    check=optional_date
                />
                <CheckedInput
                    id=field("end")
                    label="End"
                    value=end
                    kind="date"
                    check=optional_date
                />
                <CheckedInput
                    id=field("budget")
                    label="Budget"
                    value=budget
                    inputmode="numeric"
                    check=|t| parse_amount(t).err().map(|e| e.to_string())
                />
                <CheckedInput
                    id=field("headcount")
                    label="Headcount"
                    value=headcount
                    inputmode="decimal"
                    check=|t| parse_headcount(t).err().map(|e| e.to_string())
                />
                <label for=field("status")>"Status"</label>
                <select
                    id=field("status")
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some(s) = InitiativeStatus::from_key(&chosen) {
                            status.set(s)
                        }
                    }
                >
                    {InitiativeStatus::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.key() selected=move || status.get() == s>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <CheckedInput
                    id=field("progress")
                    label="Progress (%)"
                    value=progress
                    inputmode="numeric"
                    check=|t| parse_percent(t).err().map(|e| e.to_string())
                />
                {existing
                    .is_some()
                    .then(|| view! { <ObjectiveSelect id=field("objective") chosen=under /> })}
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
                    "Save initiative"
                </button>
                <crate::ui::components::DiscardButton drafts=drafts.to_vec() on_done=on_done />
            </div>
        </form>
    }
}
