//! The People page: the organisation's people (name, title, email, manager, team) and its
//! teams, added, edited and removed in the workspace document.

mod access;
mod org_chart;
mod people_import;
mod person_form;
mod person_list;
mod person_page;
mod programs;
mod team_form;
mod team_list;

use leptos::prelude::*;

use access::AccessAdmin;
use org_chart::OrgChartView;
use people_import::PeopleImport;
use person_form::PersonForm;
use person_list::PersonList;
pub use person_page::PersonPage;
use programs::ProgramAccess;
use team_form::TeamForm;
use team_list::TeamList;

use crate::model::{PersonDetails, PersonId, TeamDetails, TeamId};
use crate::ui::{IdentityState, WorkspaceState};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    // Only admins change people and teams (everyone, while nobody has claimed the
    // workspace); the buttons are not offered to anyone else.
    let may_edit = move || identity.access.with(|a| a.may_edit_people());
    let admin_of_claimed = move || identity.access.with(|a| a.claimed() && a.is_admin());
    let adding_person = RwSignal::new(false);
    let adding_team = RwSignal::new(false);
    // Everyone as a list (to edit) or as the organisation chart.
    let chart = RwSignal::new(false);
    let people_count = move || state.workspace.with(|ws| ws.people.len());
    let team_count = move || state.workspace.with(|ws| ws.teams.len());

    let add_person = Callback::new(move |details: PersonDetails| {
        let label = format!("Add {}", details.name.trim());
        let id = PersonId::random();
        state.edit(&label, |ws| ws.add_person(id.clone(), details))?;
        adding_person.set(false);
        identity.confirm_lines(&[id])
    });
    let add_team = Callback::new(move |details: TeamDetails| {
        let label = format!("Add team {}", details.name.trim());
        state
            .edit(&label, |ws| ws.add_team(TeamId::random(), details))
            .map(|()| adding_team.set(false))
    });

    view! {
        <section class="page" aria-labelledby="people-heading">
            <header class="page-header">
                <h1 id="people-heading">"People"</h1>
                <p class="page-summary">
                    {move || count_text(people_count(), "person", "people")} " · "
                    {move || count_text(team_count(), "team", "teams")}
                </p>
            </header>

            <div class="section-header">
                <h2>"Everyone"</h2>
                <div class="chips" role="group" aria-label="Show everyone as">
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || (!chart.get()).to_string()
                        on:click=move |_| chart.set(false)
                    >
                        "List"
                    </button>
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || chart.get().to_string()
                        on:click=move |_| chart.set(true)
                    >
                        "Chart"
                    </button>
                </div>
                <Show when=move || may_edit() && !adding_person.get()>
                    <button
                        type="button"
                        class="button primary"
                        on:click=move |_| adding_person.set(true)
                    >
                        "Add person"
                    </button>
                </Show>
            </div>
            <Show when=move || !may_edit()>
                <p class="item-meta" data-testid="people-read-only">
                    "Only the workspace's admins add, change and remove people and teams."
                </p>
            </Show>
            <Show when=move || adding_person.get()>
                <PersonForm
                    form_id="new-person".to_owned()
                    heading="New person"
                    initial=PersonDetails::default()
                    editing=None
                    on_save=add_person
                    on_cancel=Callback::new(move |()| adding_person.set(false))
                />
            </Show>
            <Show when=move || chart.get() fallback=|| view! { <PersonList /> }>
                <OrgChartView />
            </Show>

            <Show when=may_edit>
                <PeopleImport />
            </Show>
            <Show when=admin_of_claimed>
                <AccessAdmin />
                <ProgramAccess />
            </Show>

            <div class="section-header">
                <h2>"Teams"</h2>
                <Show when=move || may_edit() && !adding_team.get()>
                    <button type="button" class="button" on:click=move |_| adding_team.set(true)>
                        "Add team"
                    </button>
                </Show>
            </div>
            <Show when=move || adding_team.get()>
                <TeamForm
                    form_id="new-team".to_owned()
                    heading="New team"
                    initial=TeamDetails::default()
                    on_save=add_team
                    on_cancel=Callback::new(move |()| adding_team.set(false))
                />
            </Show>
            <TeamList />
        </section>
    }
}

fn count_text(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
