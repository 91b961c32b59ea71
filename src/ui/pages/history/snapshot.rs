//! A past state of the workspace, read-only.

use leptos::prelude::*;

use crate::model::Workspace;

#[component]
pub fn WorkspaceSnapshot(workspace: Workspace) -> impl IntoView {
    let organisation = if workspace.organisation.is_empty() {
        "(not yet named)".to_owned()
    } else {
        workspace.organisation.clone()
    };
    let people: Vec<(String, String)> = workspace
        .people_by_name()
        .into_iter()
        .map(|(_, person)| {
            let mut details = vec![person.title.clone()];
            if let Some(manager) = &person.manager {
                details.push(format!("reports to {}", workspace.person_name(manager)));
            }
            if let Some(team) = person.team.as_ref().and_then(|t| workspace.team(t)) {
                details.push(format!("team {}", team.name));
            }
            details.retain(|d| !d.is_empty());
            (person.name.clone(), details.join(", "))
        })
        .collect();
    let teams: Vec<String> = workspace
        .teams_by_name()
        .into_iter()
        .map(|(_, t)| t.name.clone())
        .collect();
    view! {
        <dl class="facts">
            <dt>"Organisation"</dt>
            <dd data-testid="snapshot-organisation">{organisation}</dd>
            <dt>"Teams"</dt>
            <dd>{if teams.is_empty() { "None".to_owned() } else { teams.join(", ") }}</dd>
        </dl>
        <h3>{format!("People ({})", people.len())}</h3>
        <ul class="snapshot-people" data-testid="snapshot-people">
            {people
                .into_iter()
                .map(|(name, details)| {
                    view! {
                        <li>
                            <strong>{name}</strong>
                            " "
                            <span class="item-meta">{details}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
