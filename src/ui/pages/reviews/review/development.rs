//! The development plan: skills, actions, due dates and status. It outlives the review,
//! so it stays open after sign-off (and later changes are shown as such).

use leptos::prelude::*;

use crate::model::Choice;

use super::ReviewPageContext;
use crate::model::review::{ActionStatus, DevelopmentAction, Part};
use crate::model::ItemId;

#[component]
pub fn DevelopmentSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let actions = move || {
        context.read(Vec::new(), |r| {
            r.development_in_order()
                .into_iter()
                .map(|(id, a)| (id.clone(), a.clone()))
                .collect::<Vec<_>>()
        })
    };
    // Kept as typed until added: a closed tab loses nothing.
    let skill_draft = crate::ui::Draft::new(format!("development-skill:{}", context.document.id));
    let action_draft = crate::ui::Draft::new(format!("development-action:{}", context.document.id));
    let (skill, action) = (skill_draft.text(), action_draft.text());
    let due = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (s, a, d) = (
            skill.get_untracked(),
            action.get_untracked(),
            due.get_untracked(),
        );
        let due_date = (!d.trim().is_empty()).then_some(d.as_str());
        if context
            .act("Add a development action", |r, who| {
                r.add_development(who, &s, &a, due_date)
            })
            .is_ok()
        {
            skill_draft.clear();
            action_draft.clear();
            due.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="development-heading">
            <h2 id="development-heading">"Development plan"</h2>
            <ul class="plain-list" data-testid="development">
                <For each=actions key=|(id, a)| (id.clone(), format!("{a:?}")) let((id, action))>
                    <ActionRow id=id action=action />
                </For>
            </ul>
            <Show when=move || context.may(Part::Development)>
                <form class="inline-form" on:submit=add aria-label="Add a development action">
                    <label for="development-skill">"Skill"</label>
                    <input id="development-skill" type="text" required bind:value=skill />
                    <label for="development-action">"Action"</label>
                    <input id="development-action" type="text" required bind:value=action />
                    <label for="development-due">"Due"</label>
                    <input id="development-due" type="date" bind:value=due />
                    <button type="submit" class="button">
                        "Add action"
                    </button>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn ActionRow(id: ItemId, action: DevelopmentAction) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let editable = context.may(Part::Development);
    let status_id = format!("development-status-{id}");
    let due_text = action
        .due
        .clone()
        .map(|d| format!(", due {d}"))
        .unwrap_or_default();
    let set_status = {
        let (id, action) = (id.clone(), action.clone());
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let Some(status) = ActionStatus::from_key(&value) else {
                return;
            };
            let _ = context.act("Update a development action", |r, who| {
                r.edit_development(
                    who,
                    &id,
                    &action.skill,
                    &action.action,
                    action.due.as_deref(),
                    status,
                )
            });
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            let _ = context.act("Remove a development action", |r, who| {
                r.remove_development(who, &id)
            });
        }
    };
    view! {
        <li class="list-row">
            <span>
                <strong>{action.skill.clone()}</strong>
                {format!(": {}{due_text}", action.action)}
            </span>
            <label for=status_id.clone() class="visually-hidden">
                {format!("Status of {}", action.action)}
            </label>
            <select id=status_id disabled=!editable on:change=set_status>
                {ActionStatus::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <option value=s.key() selected=s == action.status>
                                {s.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <Show when=move || editable>
                <button type="button" class="button danger" on:click=remove.clone()>
                    "Remove"
                </button>
            </Show>
        </li>
    }
}
