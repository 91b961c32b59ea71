//! The list of teams with their lead and members.

use leptos::prelude::*;

use super::team_form::TeamForm;
use crate::model::{Team, TeamDetails, TeamId};
use crate::ui::WorkspaceState;

#[component]
pub fn TeamList() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let editing = RwSignal::new(None::<TeamId>);
    let teams = move || {
        state.workspace.with(|ws| {
            let members = ws.member_names_by_team();
            ws.teams_by_name()
                .into_iter()
                .map(|(id, team)| {
                    let names = members
                        .get(id)
                        .map(|names| names.iter().map(|n| (*n).to_owned()).collect())
                        .unwrap_or_default();
                    (id.clone(), team.clone(), names)
                })
                .collect::<Vec<(TeamId, Team, Vec<String>)>>()
        })
    };
    view! {
        <Show
            when=move || state.workspace.with(|ws| !ws.teams.is_empty())
            fallback=|| view! { <p class="empty">"No teams yet."</p> }
        >
            <ul class="item-list" aria-label="Teams" data-testid="team-list">
                <For each=teams key=|entry| entry.clone() let:entry>
                    <TeamRow id=entry.0 team=entry.1 members=entry.2 editing />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn TeamRow(
    id: TeamId,
    team: Team,
    members: Vec<String>,
    editing: RwSignal<Option<TeamId>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let is_editing = {
        let id = id.clone();
        move || editing.with(|e| e.as_ref() == Some(&id))
    };
    let save = {
        let id = id.clone();
        Callback::new(move |details: TeamDetails| {
            let label = format!("Edit team {}", details.name.trim());
            state
                .edit(&label, |ws| ws.update_team(&id, details))
                .map(|()| editing.set(None))
        })
    };
    let lead = team
        .lead
        .clone()
        .map(|l| state.workspace.with_untracked(|ws| ws.person_name(&l)));
    let member_text = if members.is_empty() {
        "No members".to_owned()
    } else {
        members.join(", ")
    };
    let form_id = format!("team-{id}");
    let details = team.details();
    let row_id = id.clone();
    view! {
        <li class="item" data-testid="team">
            <Show
                when=is_editing
                fallback=move || {
                    let edit_id = row_id.clone();
                    let remove_id = row_id.clone();
                    let name = team.name.clone();
                    let remove_label = format!("Remove team {name}");
                    view! {
                        <div class="item-main">
                            <span class="item-title">{name.clone()}</span>
                            {lead
                                .clone()
                                .map(|l| view! { <span class="item-meta">"Lead: " {l}</span> })}
                            <span class="item-meta">{member_text.clone()}</span>
                        </div>
                        <div class="item-actions">
                            <button
                                type="button"
                                class="button"
                                aria-label=format!("Edit team {name}")
                                on:click=move |_| editing.set(Some(edit_id.clone()))
                            >
                                "Edit"
                            </button>
                            <button
                                type="button"
                                class="button danger"
                                aria-label=remove_label
                                on:click=move |_| {
                                    let _ = state
                                        .edit(
                                            &format!("Remove team {name}"),
                                            |ws| ws.remove_team(&remove_id),
                                        );
                                }
                            >
                                "Remove"
                            </button>
                        </div>
                    }
                }
            >
                <TeamForm
                    form_id=form_id.clone()
                    heading="Edit team"
                    initial=details.clone()
                    on_save=save
                    on_cancel=Callback::new(move |()| editing.set(None))
                />
            </Show>
        </li>
    }
}
