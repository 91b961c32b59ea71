//! A manager's private coaching notes about one of their people, shown on the check-in
//! page to the manager only. They live in a document that is not in the workspace and is
//! not synced unless the manager turns that on, and the panel says so.

use leptos::prelude::*;

use crate::model::PersonId;
use crate::store::now_millis;
use crate::ui::format::date_time;
use crate::ui::ReviewsState;

#[component]
pub fn CoachingNotesPanel(about: PersonId) -> impl IntoView {
    let reviews = expect_context::<ReviewsState>();
    // Kept as typed until saved: a closed tab loses no half-written note.
    let note = crate::ui::Draft::new(format!("coaching-note:{about}"));
    let draft = note.text();
    let error = RwSignal::new(None::<String>);
    let notes = {
        let about = about.clone();
        move || {
            reviews.notes_document.get().map(|document| {
                document.view.with(|n| {
                    n.as_ref()
                        .map(|n| {
                            n.about(&about)
                                .into_iter()
                                .map(|(id, note)| (id.clone(), note.text.clone(), note.written_at))
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
            })
        }
    };
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = draft.get_untracked();
        let about = about.clone();
        leptos::task::spawn_local(async move {
            let written = match reviews.notes_to_write().await {
                Ok(document) => document
                    .edit("Add a coaching note", |n| {
                        n.add(&about, &text, now_millis())
                    })
                    .map(|_| ()),
                Err(reason) => Err(reason),
            };
            match written {
                Ok(()) => {
                    note.clear();
                    error.set(None);
                }
                Err(reason) => error.set(Some(reason)),
            }
        });
    };
    let sync = move |_| {
        leptos::task::spawn_local(async move {
            error.set(reviews.sync_notes().await.err());
        });
    };
    view! {
        <section class="card private" aria-labelledby="coaching-heading">
            <h2 id="coaching-heading">"Your private coaching notes"</h2>
            {move || {
                reviews
                    .notes_problem
                    .get()
                    .map(|problem| {
                        view! {
                            <p class="form-error" role="alert">
                                {format!("Your notes could not be opened: {problem}")}
                            </p>
                        }
                    })
            }}
            <p class="notice" role="note" data-testid="privacy-note">
                {move || {
                    if reviews.notes_synced.get() {
                        "Private to you: these notes are in their own document, never shared with the employee. You chose to sync them to your other devices through the relay."
                    } else {
                        "Private to you: these notes are in their own document, kept only on this device. They are never shared with the employee and never synced, unless you choose to below."
                    }
                }}
            </p>
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            <ul class="plain-list" data-testid="coaching-notes">
                {move || {
                    notes()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(_, text, at)| {
                            view! {
                                <li>
                                    <p>{text}</p>
                                    <p class="item-meta">{date_time(at)}</p>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="form" on:submit=add aria-label="Add a coaching note">
                <label for="coaching-note">"New note"</label>
                <textarea id="coaching-note" rows=3 bind:value=draft></textarea>
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save note"
                    </button>
                    <Show when=move || !reviews.notes_synced.get()>
                        <button type="button" class="button" on:click=sync>
                            "Sync my notes to my other devices"
                        </button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
