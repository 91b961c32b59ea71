//! The form for a person, used both to add and to edit.

use leptos::prelude::*;

use crate::model::{PersonDetails, PersonId, TeamId};
use crate::ui::components::PersonPicker;
use crate::ui::{Draft, WorkspaceState};

/// `on_save` returns the reason when the model refuses the details; the form then stays
/// open with the person's input untouched and the reason shown.
#[component]
pub fn PersonForm(
    /// Prefix of the element ids, unique on the page.
    form_id: String,
    heading: &'static str,
    initial: PersonDetails,
    /// The person being edited (not offered as their own manager), or `None` when adding.
    editing: Option<PersonId>,
    on_save: Callback<PersonDetails, Result<(), String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    // Kept as typed until saved: a reload or a closed tab loses none of it.
    let drafts = [
        Draft::editing(format!("{form_id}:name"), initial.name),
        Draft::editing(format!("{form_id}:title"), initial.title),
        Draft::editing(format!("{form_id}:email"), initial.email),
    ];
    let [name, title, email] = drafts.map(|d| d.text());
    let manager = RwSignal::new(initial.manager.map(|id| id.to_string()).unwrap_or_default());
    let team = RwSignal::new(initial.team.map(|id| id.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let details = PersonDetails {
            name: name.get(),
            title: title.get(),
            email: email.get(),
            manager: Some(manager.get())
                .filter(|m| !m.is_empty())
                .map(PersonId::from),
            team: Some(team.get()).filter(|t| !t.is_empty()).map(TeamId::from),
        };
        let saved = on_save.run(details);
        if saved.is_ok() {
            drafts.iter().for_each(Draft::sent);
        }
        error.set(saved.err());
    };

    let field = {
        let form_id = form_id.clone();
        move |name: &str| format!("{form_id}-{name}")
    };
    let error_id = field("error");
    let team_choices = move || {
        state.workspace.with(|ws| {
            ws.teams_by_name()
                .into_iter()
                .map(|(id, team)| (id.to_string(), team.name.clone()))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <form class="card form" on:submit=submit aria-label=heading>
            <h3>{heading}</h3>
            <div class="form-grid">
                <label for=field("name")>"Name"</label>
                <input
                    id=field("name")
                    name="name"
                    type="text"
                    required
                    autocomplete="off"
                    bind:value=name
                />
                <label for=field("title")>"Title"</label>
                <input
                    id=field("title")
                    name="title"
                    type="text"
                    autocomplete="off"
                    bind:value=title
                />
                <label for=field("email")>"Email"</label>
                <input
                    id=field("email")
                    name="email"
                    type="email"
                    autocomplete="off"
                    bind:value=email
                />
                // Searchable: a workspace of a thousand people draws no thousand options,
                // here or again after each person added.
                <PersonPicker
                    id=field("manager")
                    label="Reports to"
                    chosen=manager
                    none="No one"
                    exclude=editing.clone()
                />
                <label for=field("team")>"Team"</label>
                <select
                    id=field("team")
                    name="team"
                    on:change=move |ev| team.set(event_target_value(&ev))
                >
                    <option value="" selected=move || team.get().is_empty()>
                        "No team"
                    </option>
                    {move || {
                        team_choices()
                            .into_iter()
                            .map(|(id, label)| {
                                let selected_id = id.clone();
                                view! {
                                    <option value=id selected=move || team.get() == selected_id>
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
                    .map(|message| {
                        view! {
                            <p class="form-error" role="alert" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save"
                </button>
                <crate::ui::components::DiscardButton drafts=drafts.to_vec() on_done=on_cancel />
            </div>
        </form>
    }
}
