//! A labelled, searchable choice of a person of the workspace (or no one), bound to a
//! signal holding the person's id ("" for no one).
//!
//! A workspace of a thousand people makes a `<select>` of a thousand options: slow to
//! scroll on a tablet, and slow to draw again each time someone is added. This is a
//! combobox instead (the WAI-ARIA pattern: a text field and a list box of matches): it
//! shows the chosen person's name, and while it has focus, the first people whose name
//! holds what is typed. Nothing but the matches shown is drawn, so adding a person among
//! a thousand costs nothing here. Arrow keys move among the matches, Enter chooses the one
//! highlighted (with none highlighted, Enter sends the form as usual), Escape puts the
//! field back; one person's full name typed chooses them, and leaving the field with
//! nothing typed chooses no one. A tap on the field opens the list again.
//!
//! ```ignore
//! <PersonPicker id="objective-owner".into() label="Owner" chosen=owner none="No one"/>
//! ```

use leptos::prelude::*;

use crate::model::PersonId;
use crate::ui::WorkspaceState;

/// How many matches the list shows at once: enough to pick from, few enough to draw in a
/// frame and to fit above a tablet's keyboard.
const SHOWN: usize = 8;

/// One line of the list: a person (their id and name), or no one (`id` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    id: String,
    name: String,
}

#[component]
pub fn PersonPicker(
    id: String,
    label: &'static str,
    chosen: RwSignal<String>,
    /// What choosing no one is called ("No one", "Choose…").
    none: &'static str,
    /// A person never offered (the person being edited, as their own manager).
    #[prop(default = None)]
    exclude: Option<PersonId>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let exclude = StoredValue::new(exclude);
    let list_id = format!("{id}-matches");
    let option_id = {
        let list_id = list_id.clone();
        move |index: usize| format!("{list_id}-{index}")
    };
    // Whether the list is open (the field has focus), and what was typed since it opened
    // (`None`: nothing, the field shows the choice and the list everyone).
    let open = RwSignal::new(false);
    let typed = RwSignal::new(None::<String>);
    // The highlighted match, by position: none until an arrow key or typing picks one.
    let active = RwSignal::new(None::<usize>);
    let name_of = move |id: &str| {
        state.workspace.with(|ws| {
            ws.people
                .get(&PersonId::from(id))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    };
    // Read only while the list is open: a closed picker does not follow the people.
    let matches = Memo::new(move |_| {
        if !open.get() {
            return (Vec::new(), 0);
        }
        let query = typed.get().unwrap_or_default().trim().to_lowercase();
        state.workspace.with(|ws| {
            let mut found: Vec<Choice> = Vec::new();
            let mut more = 0;
            if query.is_empty() {
                found.push(Choice {
                    id: String::new(),
                    name: none.to_owned(),
                });
            }
            for (person, details) in ws.people_by_name() {
                if exclude.with_value(|e| e.as_ref() == Some(person))
                    || !details.name.to_lowercase().contains(&query)
                {
                    continue;
                }
                if found.len() < SHOWN {
                    found.push(Choice {
                        id: person.to_string(),
                        name: details.name.clone(),
                    });
                } else {
                    more += 1;
                }
            }
            (found, more)
        })
    });
    // `try_set`: also run from the blur that comes when the form goes away with the field
    // in it (sent with Enter), when nothing of the picker is left to update.
    let close = move || {
        open.try_set(false);
        typed.try_set(None);
        active.try_set(None);
    };
    // The highlighted match if it is still there (a sync may shrink the list while open).
    let highlighted = move || {
        let count = matches.with(|(found, _)| found.len());
        active.get().filter(|a| *a < count)
    };
    // The one person (not excluded) whose full name is `query`, ignoring case.
    let named = move |query: &str| {
        let query = query.trim().to_lowercase();
        let exact: Vec<String> = state.workspace.with_untracked(|ws| {
            ws.people
                .iter()
                .filter(|(person, p)| {
                    exclude.with_value(|e| e.as_ref() != Some(*person))
                        && p.name.to_lowercase() == query
                })
                .map(|(person, _)| person.to_string())
                .collect()
        });
        match exact.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        }
    };
    let choose = move |choice: &Choice| {
        chosen.set(choice.id.clone());
        close();
    };
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let (found, _) = matches.get_untracked();
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                event.prevent_default();
                if !open.get_untracked() {
                    open.set(true);
                    return;
                }
                if found.is_empty() {
                    return;
                }
                let last = found.len() - 1;
                let now = active.get_untracked().filter(|a| *a <= last);
                active.set(Some(match (now, event.key() == "ArrowDown") {
                    (None, _) => 0,
                    (Some(a), true) => (a + 1).min(last),
                    (Some(a), false) => a.saturating_sub(1),
                }));
            }
            // Chooses the highlighted match instead of sending the form.
            "Enter" if open.get_untracked() => {
                let choice = active.get_untracked().and_then(|a| found.get(a));
                if let Some(choice) = choice {
                    event.prevent_default();
                    choose(choice);
                } else {
                    close();
                }
            }
            "Escape" if open.get_untracked() => {
                event.prevent_default();
                close();
            }
            _ => {}
        }
    };
    // Leaving the field: nothing typed chooses no one; anything else leaves the choice as
    // typing made it.
    let on_blur = move |_| {
        let Some(now) = typed.try_get_untracked() else {
            return;
        };
        if now.is_some_and(|q| q.trim().is_empty()) {
            chosen.try_set(String::new());
        }
        close();
    };
    // A full name typed chooses that person at once, so a form sent straight after (a tap
    // on Save, which may come before the field's blur) has them.
    let on_input = move |event| {
        let text = event_target_value(&event);
        if let Some(person) = named(&text) {
            chosen.set(person);
        }
        open.set(true);
        active.set(Some(0));
        typed.set(Some(text));
    };
    view! {
        <label for=id.clone()>{label}</label>
        <div class="person-picker">
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || {
                    (open.get() && !matches.with(|(found, _)| found.is_empty())).to_string()
                }
                aria-activedescendant={
                    let option_id = option_id.clone();
                    move || highlighted().map(&option_id)
                }
                placeholder=none
                prop:value=move || typed.get().unwrap_or_else(|| name_of(&chosen.get()))
                // Selected, so that typing replaces the name shown.
                on:focus=move |event| {
                    open.set(true);
                    event_target::<web_sys::HtmlInputElement>(&event).select();
                }
                // A tap on the field while it has focus (after choosing) opens it again.
                on:click=move |_| open.set(true)
                on:input=on_input
                on:keydown=on_keydown
                on:blur=on_blur
            />
            // Kept in the page (hidden while empty), as the field's aria-controls names it.
            // A press anywhere in it, its scroll bar included, keeps the field's focus, so
            // the click lands.
            <ul
                id=list_id.clone()
                role="listbox"
                aria-label="Matching people"
                class="picker-options"
                hidden=move || matches.with(|(found, _)| found.is_empty())
                on:mousedown=|event| event.prevent_default()
            >
                {
                    let option_id = option_id.clone();
                    move || {
                        let (found, _) = matches.get();
                        found
                            .into_iter()
                            .enumerate()
                            .map(|(index, choice)| {
                                let is_chosen = chosen.get_untracked() == choice.id;
                                let name = choice.name.clone();
                                view! {
                                    <li
                                        id=option_id(index)
                                        role="option"
                                        aria-selected=move || {
                                            (highlighted() == Some(index)).to_string()
                                        }
                                        class:chosen=is_chosen
                                        class:none=choice.id.is_empty()
                                        on:click=move |_| choose(&choice)
                                    >
                                        {name}
                                    </li>
                                }
                            })
                            .collect_view()
                    }
                }
            </ul>
            <p class="picker-note" aria-live="polite">
                {move || {
                    let (found, more) = matches.get();
                    if open.get() && found.is_empty() {
                        "No one by that name.".to_owned()
                    } else if more > 0 {
                        format!("{more} more: type more of the name.")
                    } else {
                        String::new()
                    }
                }}
            </p>
        </div>
    }
}
