//! "Your data": exports in open formats and importing them on another device.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::store::ImportOutcome;
use crate::ui::files::{download, file_stem, read_chosen_file};
use crate::ui::{PlansState, ReviewsState, WorkspaceState};

#[component]
pub fn DataSettings() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let plans = expect_context::<PlansState>();
    let reviews = expect_context::<ReviewsState>();
    let message = RwSignal::new(None::<Result<String, String>>);
    let show = move |result: Result<(), String>, done: &str| {
        message.set(Some(result.map(|()| done.to_owned())));
    };
    let file_stem = move || {
        state
            .workspace
            .with(|ws| file_stem(&ws.organisation, "workspace"))
    };
    let export_archive = move |_| {
        let name = format!("{}.throughline.json", file_stem());
        // Reviews and check-ins not opened yet on this device are read first, so the
        // archive holds every document the workspace lists.
        leptos::task::spawn_local(async move {
            reviews.open_everything().await;
            let mut documents = plans.documents();
            documents.extend(reviews.documents());
            show(
                download(
                    &name,
                    "application/json",
                    state.archive(documents).as_bytes(),
                ),
                "Archive exported.",
            );
        });
    };
    let export_automerge = move |_| {
        let (name, bytes) = state.automerge_file();
        show(
            download(&name, "application/octet-stream", &bytes),
            "Document exported.",
        );
    };
    let export_json = move |_| {
        let name = format!("{}.workspace.json", file_stem());
        show(
            download(&name, "application/json", state.json().as_bytes()),
            "JSON exported.",
        );
    };
    let import = move |event: leptos::ev::Event| {
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
            // Let the same file be picked again after a refusal.
            input.set_value("");
            let result = match read {
                Ok((name, bytes)) => state.import(&name, &bytes).await,
                Err(error) => Err(error),
            };
            match result {
                Ok(outcome) if outcome.switched_to.is_some() => {
                    // This device's empty workspace gave way to the imported one: start again
                    // on it, so every page reads the new document.
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }
                Ok(outcome) => message.set(Some(Ok(describe(&outcome)))),
                Err(error) => message.set(Some(Err(error))),
            }
        });
    };
    view! {
        <div class="card" role="region" aria-labelledby="data-heading">
            <h2 id="data-heading">"Your data"</h2>
            <p>
                "Everything is yours, in open formats. The archive holds the whole workspace with its history; import it on another device to carry on there. Importing merges: nothing is overwritten and nothing is doubled."
            </p>
            <div class="form-actions">
                <button type="button" class="button" on:click=export_archive>
                    "Export archive"
                </button>
                <button type="button" class="button" on:click=export_automerge>
                    "Export as .automerge"
                </button>
                <button type="button" class="button" on:click=export_json>
                    "Export as JSON"
                </button>
            </div>
            <div class="import">
                <label for="import-file">"Import an archive or .automerge file"</label>
                <input
                    id="import-file"
                    type="file"
                    accept=".json,.automerge,application/json"
                    on:change=import
                />
            </div>
            <crate::ui::components::FormMessage message=message test_id="data-message" />
        </div>
    }
}

fn describe(outcome: &ImportOutcome) -> String {
    match (outcome.merged, outcome.added) {
        (0, 0) => "Imported: this device already had everything in the file.".to_owned(),
        (merged, added) => format!(
            "Imported: {merged} document(s) merged, {added} added. Nothing was overwritten."
        ),
    }
}
