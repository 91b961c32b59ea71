//! The form for a team, used both to add and to edit.

use leptos::prelude::*;

use crate::model::{PersonId, TeamDetails};
use crate::ui::components::PersonPicker;
use crate::ui::Draft;

#[component]
pub fn TeamForm(
    form_id: String,
    heading: &'static str,
    initial: TeamDetails,
    on_save: Callback<TeamDetails, Result<(), String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    // Kept as typed until saved.
    let name_draft = Draft::editing(format!("{form_id}:name"), initial.name);
    let name = name_draft.text();
    let lead = RwSignal::new(initial.lead.map(|id| id.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let details = TeamDetails {
            name: name.get(),
            lead: Some(lead.get())
                .filter(|l| !l.is_empty())
                .map(PersonId::from),
        };
        let saved = on_save.run(details);
        if saved.is_ok() {
            name_draft.sent();
        }
        error.set(saved.err());
    };
    let name_id = format!("{form_id}-name");
    let lead_id = format!("{form_id}-lead");
    view! {
        <form class="card form" on:submit=submit aria-label=heading>
            <h3>{heading}</h3>
            <div class="form-grid">
                <label for=name_id.clone()>"Team name"</label>
                <input
                    id=name_id
                    name="team-name"
                    type="text"
                    required
                    autocomplete="off"
                    bind:value=name
                />
                <PersonPicker id=lead_id label="Lead" chosen=lead none="No lead" />
            </div>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save"
                </button>
                <crate::ui::components::DiscardButton drafts=vec![name_draft] on_done=on_cancel />
            </div>
        </form>
    }
}
