//! Importing people from a CSV file: the file is checked whole first (`model::people_csv`)
//! and either every problem is listed by line and nothing changes, or everyone is added
//! in one change of the workspace.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::people_csv::{check, import_people, PeopleCsvError};
use crate::ui::files::read_chosen_file;
use crate::ui::WorkspaceState;

/// What the last file picked came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// What was added, in a sentence.
    Imported(String),
    /// Why nothing was: every problem, by line.
    Refused(Vec<String>),
}

#[component]
pub fn PeopleImport() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let outcome = RwSignal::new(None::<Outcome>);
    let pick = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Some(read) = read_chosen_file(&input).await else {
                return;
            };
            // Let the same file be picked again once it is corrected.
            input.set_value("");
            outcome.set(Some(match read {
                Ok((name, bytes)) => import(state, identity, &name, &bytes),
                Err(error) => Outcome::Refused(vec![error]),
            }));
        });
    };

    view! {
        <div class="section-header">
            <h2 id="people-import-heading">"Import people (CSV)"</h2>
        </div>
        <div class="card people-import" role="region" aria-labelledby="people-import-heading">
            <p>
                "A CSV file with a header row naming its columns, in any order: "
                <strong>"name"</strong> " (required), " <strong>"title"</strong> ", "
                <strong>"email"</strong> ", " <strong>"manager"</strong>
                " (their name or email, as written in the file or already here) and "
                <strong>"team"</strong> " (created if there is none by that name)."
            </p>
            <p class="item-meta">
                "The whole file is checked first: if anything in it is wrong, no one is added and every problem is listed with its line. "
                "People already here (the same email, or the same name when one of the two has no email) are skipped; their details here are not changed."
            </p>
            <div class="import">
                <label for="people-csv-file">"Choose a CSV file of people"</label>
                <input id="people-csv-file" type="file" accept=".csv,text/csv" on:change=pick />
            </div>
            {move || {
                outcome
                    .get()
                    .map(|o| match o {
                        Outcome::Imported(summary) => {
                            view! {
                                <p
                                    class="form-ok"
                                    role="status"
                                    data-testid="people-import-summary"
                                >
                                    {summary}
                                </p>
                            }
                                .into_any()
                        }
                        Outcome::Refused(problems) => {
                            let heading = match problems.len() {
                                1 => {
                                    "Nothing was imported: there is a problem in the file."
                                        .to_owned()
                                }
                                n => {
                                    format!(
                                        "Nothing was imported: there are {n} problems in the file.",
                                    )
                                }
                            };
                            view! {
                                <div
                                    class="people-import-errors"
                                    role="alert"
                                    data-testid="people-import-errors"
                                >
                                    <p class="form-error">{heading}</p>
                                    <ul>
                                        {problems
                                            .into_iter()
                                            .map(|p| view! { <li>{p}</li> })
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </div>
    }
}

/// Checks the file against the workspace as shown, to list every problem; then imports
/// it as one change (which checks it again against the document itself).
fn import(
    state: WorkspaceState,
    identity: crate::ui::IdentityState,
    name: &str,
    bytes: &[u8],
) -> Outcome {
    let words = |errors: Vec<PeopleCsvError>| errors.iter().map(ToString::to_string).collect();
    let plan = state.workspace.with_untracked(|ws| check(ws, bytes));
    let people = match plan {
        Ok(plan) => plan.people_to_add(),
        Err(errors) => return Outcome::Refused(words(errors)),
    };
    let message = match people {
        // Everyone is already here: nothing to write, only to say.
        0 => {
            let mut unchanged = crate::model::Workspace::clone(&state.workspace.get_untracked());
            return match import_people(&mut unchanged, bytes) {
                Ok(summary) => Outcome::Imported(summary.to_string()),
                Err(refused) => Outcome::Refused(words(refused.errors)),
            };
        }
        1 => format!("Import 1 person from {name}"),
        n => format!("Import {n} people from {name}"),
    };
    match state.edit(&message, |ws| import_people(ws, bytes)) {
        Ok(summary) => {
            // The admin who imported signs the reporting lines the file gave.
            let everyone: Vec<_> = state
                .workspace
                .with_untracked(|ws| ws.people.keys().cloned().collect());
            match identity.confirm_lines(&everyone) {
                Ok(()) => Outcome::Imported(summary.to_string()),
                Err(error) => Outcome::Refused(vec![format!(
                    "{summary} The reporting lines could not all be signed: {error}"
                )]),
            }
        }
        Err(error) => Outcome::Refused(vec![error]),
    }
}
