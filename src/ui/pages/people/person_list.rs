//! The list of people, each with edit and remove (remove asks once more).

use leptos::prelude::*;

use crate::ui::components::FormError;

use super::person_form::PersonForm;
use crate::model::identity::Act;
use crate::model::{Person, PersonDetails, PersonId};
use crate::ui::row_versions::{RowContent, RowVersions};
use crate::ui::{IdentityState, WorkspaceState};

#[component]
pub fn PersonList() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let editing = RwSignal::new(None::<PersonId>);
    let confirming = RwSignal::new(None::<PersonId>);
    // Keyed by each row's version (`RowVersions`), not by a clone of each person: a row
    // is rebuilt when what it shows changes (the person, or the name of their manager or
    // team), but an edit no longer clones and hashes all thousand of them.
    let versions = StoredValue::new_local(RowVersions::<PersonId, ShownPerson>::default());
    let people = move || {
        state.workspace.with(|ws| {
            let rows = ws.people_by_name().into_iter().map(|(id, person)| {
                let shown = PersonOnList {
                    person,
                    // Only compared: the row itself reads the name as `person_name` words it.
                    manager: person
                        .manager
                        .as_ref()
                        .map(|m| ws.people.get(m).map(|manager| manager.name.as_str())),
                    team: person
                        .team
                        .as_ref()
                        .and_then(|t| ws.team(t))
                        .map(|team| team.name.as_str()),
                };
                (id, shown)
            });
            versions
                .try_update_value(|versions| versions.follow(rows))
                .unwrap_or_default()
        })
    };

    view! {
        <Show
            when=move || state.workspace.with(|ws| !ws.people.is_empty())
            fallback=|| {
                view! {
                    <p class="empty">
                        "No one here yet. Add the people of your organisation to set goals and run reviews with them."
                    </p>
                }
            }
        >
            <ul class="item-list" aria-label="People" data-testid="people-list">
                <For each=people key=|(_, version)| *version let:entry>
                    {
                        let person = state
                            .workspace
                            .with_untracked(|ws| ws.people.get(&entry.0).cloned());
                        person
                            .map(|person| {
                                view! { <PersonRow id=entry.0 person editing confirming /> }
                            })
                    }
                </For>
            </ul>
        </Show>
    }
}

/// What a row of the list shows, as the list reads it: the person, and the names of
/// their manager and team, which live elsewhere in the workspace (a rename there is a
/// change of this row).
struct PersonOnList<'a> {
    person: &'a Person,
    /// The manager's name (`Some(None)`: a manager no longer in the workspace).
    manager: Option<Option<&'a str>>,
    team: Option<&'a str>,
}

/// What a row showed, kept to tell whether it changed.
struct ShownPerson {
    person: Person,
    manager: Option<Option<String>>,
    team: Option<String>,
}

impl RowContent<PersonOnList<'_>> for ShownPerson {
    fn is(&self, shown: &PersonOnList<'_>) -> bool {
        self.person == *shown.person
            && self.manager.as_ref().map(Option::as_deref) == shown.manager
            && self.team.as_deref() == shown.team
    }

    fn kept(shown: &PersonOnList<'_>) -> Self {
        Self {
            person: shown.person.clone(),
            manager: shown.manager.map(|name| name.map(str::to_owned)),
            team: shown.team.map(str::to_owned),
        }
    }
}

#[component]
fn PersonRow(
    id: PersonId,
    person: Person,
    editing: RwSignal<Option<PersonId>>,
    confirming: RwSignal<Option<PersonId>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let may_edit = move || identity.access.with(|a| a.may_edit_people());
    let remove_error = RwSignal::new(None::<String>);
    let is_editing = {
        let id = id.clone();
        move || editing.with(|e| e.as_ref() == Some(&id))
    };
    let is_confirming = {
        let id = id.clone();
        move || confirming.with(|c| c.as_ref() == Some(&id))
    };
    let manager = person
        .manager
        .clone()
        .map(|m| state.workspace.with_untracked(|ws| ws.person_name(&m)));
    let team = person.team.clone().and_then(|t| {
        state
            .workspace
            .with_untracked(|ws| ws.team(&t).map(|team| team.name.clone()))
    });

    let save = {
        let id = id.clone();
        Callback::new(move |details: PersonDetails| {
            let label = format!("Edit {}", details.name.trim());
            state.edit(&label, |ws| ws.update_person(&id, details))?;
            editing.set(None);
            identity.confirm_lines(std::slice::from_ref(&id))
        })
    };
    let remove = {
        let id = id.clone();
        let name = person.name.clone();
        move |_| {
            // In a claimed workspace the removal is signed first (it takes their devices
            // out too); a refusal (the last admin) leaves the person as they are.
            if identity.access.with_untracked(|a| a.claimed()) {
                let signed = identity.sign(
                    &format!("Remove {name} from the workspace"),
                    Act::RemovePerson { person: id.clone() },
                );
                if let Err(message) = signed {
                    remove_error.set(Some(message));
                    confirming.set(None);
                    return;
                }
            }
            // A refusal here means someone removed the person meanwhile: nothing to do.
            let _ = state.edit(&format!("Remove {name}"), |ws| ws.remove_person(&id));
            confirming.set(None);
        }
    };
    let edit_id = id.clone();
    let confirm_id = id.clone();
    let form_id = format!("person-{id}");
    let details = person.details();

    view! {
        <li class="item" data-testid="person">
            <Show
                when=is_editing
                fallback=move || {
                    let edit_id = edit_id.clone();
                    let confirm_id = confirm_id.clone();
                    let remove = remove.clone();
                    let person = person.clone();
                    let manager = manager.clone();
                    let team = team.clone();
                    let name = person.name.clone();
                    let page_id = edit_id.clone();
                    view! {
                        <div class="item-main">
                            <a
                                class="item-title"
                                data-testid="person-name"
                                href=crate::ui::href(&format!("/people/{page_id}"))
                            >
                                {person.name.clone()}
                            </a>
                            <span class="item-meta">{person.title.clone()}</span>
                            <span class="item-meta">{person.email.clone()}</span>
                            {manager
                                .map(|m| {
                                    view! { <span class="item-meta">"Reports to " {m}</span> }
                                })}
                            {team.map(|t| view! { <span class="tag">{t}</span> })}
                        </div>
                        <FormError error=remove_error />
                        // Hidden, not left out: the row is built once and access can change.
                        <div
                            class="item-actions"
                            style:display=move || if may_edit() { "" } else { "none" }
                        >
                            <Show
                                when=is_confirming.clone()
                                fallback=move || {
                                    let edit_id = edit_id.clone();
                                    let confirm_id = confirm_id.clone();
                                    let name = name.clone();
                                    view! {
                                        <button
                                            type="button"
                                            class="button"
                                            aria-label=format!("Edit {name}")
                                            on:click=move |_| editing.set(Some(edit_id.clone()))
                                        >
                                            "Edit"
                                        </button>
                                        <button
                                            type="button"
                                            class="button danger"
                                            aria-label=format!("Remove {name}")
                                            on:click=move |_| confirming.set(Some(confirm_id.clone()))
                                        >
                                            "Remove"
                                        </button>
                                    }
                                }
                            >
                                <span class="confirm-text">
                                    "Remove " {person.name.clone()} "?"
                                </span>
                                <button type="button" class="button danger" on:click=remove.clone()>
                                    "Yes, remove"
                                </button>
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| confirming.set(None)
                                >
                                    "Keep"
                                </button>
                            </Show>
                        </div>
                    }
                }
            >
                <PersonForm
                    form_id=form_id.clone()
                    heading="Edit person"
                    initial=details.clone()
                    editing=Some(id.clone())
                    on_save=save
                    on_cancel=Callback::new(move |()| editing.set(None))
                />
            </Show>
        </li>
    }
}
