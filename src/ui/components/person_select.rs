//! A labelled choice of a person of the workspace (or no one), bound to a signal holding
//! the person's id ("" for no one).
//!
//! ```ignore
//! <PersonSelect id="objective-owner".into() label="Owner" chosen=owner none="No one"/>
//! ```

use leptos::prelude::*;

use crate::ui::WorkspaceState;

#[component]
pub fn PersonSelect(
    id: String,
    label: &'static str,
    chosen: RwSignal<String>,
    /// What choosing no one is called ("No one", "Choose…").
    none: &'static str,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    // A memo, so that an edit that changes no one's name (most edits) leaves the options
    // alone; keyed, so that adding a person inserts one option instead of revisiting all.
    let people = Memo::new(move |_| {
        state.workspace.with(|ws| {
            ws.people_by_name()
                .into_iter()
                .map(|(id, person)| (id.to_string(), person.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
            <option value="" selected=move || chosen.get().is_empty()>{none}</option>
            <For each=move || people.get() key=|option| option.clone() let:((value, name))>
                {
                    let is = value.clone();
                    view! { <option value=value selected=move || chosen.get() == is>{name}</option> }
                }
            </For>
        </select>
    }
}
