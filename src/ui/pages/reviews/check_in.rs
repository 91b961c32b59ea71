//! A check-in series (`/check-ins/:id`): the meetings of a manager and one of their
//! people, each with a shared agenda, notes written together, and action items that carry
//! over until done. Everything is in the series' document on this device, so a meeting
//! runs with no network and syncs afterwards.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::coaching_notes::CoachingNotesPanel;
use super::cycle::person_name;
use crate::model::check_in::{ActionItem, CheckInError, CheckInSeries};
use crate::model::{ItemId, PersonId};
use crate::store::{now_millis, DocumentId};
use crate::ui::components::{CollaborativeText, DocumentPresence};
use crate::ui::format::today;
use crate::ui::{href, CheckInDocument, ReviewsState, WorkspaceState};

#[component]
pub fn CheckInPage() -> impl IntoView {
    let reviews = expect_context::<ReviewsState>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<DocumentId>().ok()));
    Effect::new(move |_| {
        // Again when the rules or the listing change (a device that just joined).
        if let Some(id) = id() {
            if reviews.may_hold(id) {
                reviews.open_check_ins([id]);
            }
        }
    });
    move || {
        let Some(id) = id() else {
            return view! {
                <section class="page">
                    <h1>"No such check-in series"</h1>
                    <p>
                        <A href=href("/reviews")>"Reviews"</A>
                    </p>
                </section>
            }
            .into_any();
        };
        if !reviews.may_hold(id) {
            return view! {
                <section class="page">
                    <h1>"Not yours to read"</h1>
                    <p data-testid="not-yours">
                        "This check-in series is shown only to the people it belongs to. This device does not open it."
                    </p>
                </section>
            }
            .into_any();
        }
        match reviews.check_ins.get(&id) {
            None => view! {
                <section class="page">
                    <p role="status">"Opening check-ins…"</p>
                </section>
            }
            .into_any(),
            Some(document) => view! { <SeriesView document=document /> }.into_any(),
        }
    }
}

/// Applies an edit to the series and shows a refusal.
fn edit_series<R>(
    document: CheckInDocument,
    error: RwSignal<Option<String>>,
    message: &str,
    edit: impl FnOnce(&mut CheckInSeries) -> Result<R, CheckInError>,
) -> Option<R> {
    let result = document.edit(message, edit);
    error.set(result.as_ref().err().cloned());
    result.ok()
}

#[component]
fn SeriesView(document: CheckInDocument) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let error = RwSignal::new(None::<String>);
    let people = Memo::new(move |_| {
        document
            .view
            .with(|s| s.as_ref().map(|s| (s.manager.clone(), s.employee.clone())))
    });
    let title = move || {
        people
            .get()
            .map_or("Check-ins".to_owned(), |(manager, employee)| {
                format!(
                    "Check-ins: {} and {}",
                    person_name(&state, &manager),
                    person_name(&state, &employee)
                )
            })
    };
    let meetings = Memo::new(move |_| {
        document.view.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.meetings_in_order()
                        .into_iter()
                        .map(|(id, m)| (id.clone(), m.date.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let chosen = RwSignal::new(None::<ItemId>);
    // The meeting shown: the one chosen, else the next one (today or later), else the last.
    let shown = Memo::new(move |_| {
        let list = meetings.get();
        chosen
            .get()
            .filter(|c| list.iter().any(|(id, _)| id == c))
            .or_else(|| {
                let today = today();
                list.iter()
                    .find(|(_, date)| *date >= today)
                    .or(list.last())
                    .map(|(id, _)| id.clone())
            })
    });
    let new_date = RwSignal::new(today());
    let add_meeting = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let date = new_date.get_untracked();
        if let Some(id) = edit_series(document, error, "Add a meeting", |s| s.add_meeting(&date)) {
            chosen.set(Some(id));
        }
    };
    let export_json = move |_| {
        let Some(series) = document.view.get_untracked() else {
            return;
        };
        let name = format!(
            "{}.check-ins.json",
            crate::ui::files::file_stem(&title(), "check-ins")
        );
        error.set(
            crate::ui::files::download(
                &name,
                "application/json",
                series.to_json(&document.url()).as_bytes(),
            )
            .err(),
        );
    };
    let export_automerge = move |_| {
        let (name, bytes) = document.automerge_file();
        error.set(crate::ui::files::download(&name, "application/octet-stream", &bytes).err());
    };
    let manager_here = move || {
        let me = state.me.get();
        people
            .get()
            .is_some_and(|(manager, _)| me.as_ref() == Some(&manager))
    };
    view! {
        <section class="page" aria-labelledby="check-in-heading">
            <header class="page-header">
                <p class="breadcrumb">
                    <A href=href("/reviews")>"Reviews"</A>
                </p>
                <h1 id="check-in-heading">{title}</h1>
                <p class="page-summary">
                    "Shared by the two of you. Everything here is kept on this device and works without a network; it syncs when you are back online."
                </p>
                <DocumentPresence document=document.id what="check-in" />
            </header>
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
            <div class="button-row">
                <button type="button" class="button" on:click=export_json>
                    "Download JSON"
                </button>
                <button type="button" class="button" on:click=export_automerge>
                    "Download .automerge"
                </button>
            </div>
            <nav class="card" aria-label="Meetings">
                <h2>"Meetings"</h2>
                <ul class="plain-list button-row" data-testid="meetings">
                    <For each=move || meetings.get() key=|m| m.clone() let((id, date))>
                        {
                            let is = id.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="button"
                                        aria-pressed=move || {
                                            (shown.get().as_ref() == Some(&is)).to_string()
                                        }
                                        on:click=move |_| chosen.set(Some(id.clone()))
                                    >
                                        {date}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <form class="inline-form" on:submit=add_meeting aria-label="Add a meeting">
                    <label for="new-meeting-date">"New meeting on"</label>
                    <input id="new-meeting-date" type="date" required bind:value=new_date />
                    <button type="submit" class="button">
                        "Add meeting"
                    </button>
                </form>
            </nav>
            {move || {
                shown
                    .get()
                    .map(|meeting| {
                        view! { <MeetingView document=document meeting=meeting error=error /> }
                    })
            }}
            <Show when=manager_here>
                {move || {
                    people
                        .get()
                        .map(|(_, employee)| view! { <CoachingNotesPanel about=employee /> })
                }}
            </Show>
        </section>
    }
}

#[component]
fn MeetingView(
    document: CheckInDocument,
    meeting: ItemId,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let date = {
        let meeting = meeting.clone();
        move || {
            document.view.with(|s| {
                s.as_ref()
                    .and_then(|s| s.meetings.get(&meeting))
                    .map(|m| m.date.clone())
                    .unwrap_or_default()
            })
        }
    };
    let agenda = {
        let meeting = meeting.clone();
        move || {
            document.view.with(|s| {
                s.as_ref()
                    .map(|s| {
                        s.agenda_for(&meeting)
                            .into_iter()
                            .map(|(id, a)| (id.clone(), a.clone()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    let actions = {
        let meeting = meeting.clone();
        move || {
            document.view.with(|s| {
                s.as_ref()
                    .map(|s| {
                        s.actions_for(&meeting)
                            .into_iter()
                            .map(|(id, a)| (id.clone(), a.clone(), s.carried_over(a, &meeting)))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        }
    };
    let notes = {
        let meeting = meeting.clone();
        Signal::derive(move || {
            document.view.with(|s| {
                s.as_ref()
                    .and_then(|s| s.meetings.get(&meeting))
                    .map(|m| m.notes.as_str().to_owned())
                    .unwrap_or_default()
            })
        })
    };
    let write_notes = {
        let meeting = meeting.clone();
        Callback::new(move |text: String| {
            edit_series(document, error, "Write meeting notes", |s| {
                s.set_notes(&meeting, &text)
            });
        })
    };
    // Kept as typed until added, per meeting: a closed tab loses nothing.
    let topic_draft = crate::ui::Draft::new(format!("agenda:{}:{meeting}", document.id));
    let topic = topic_draft.text();
    let add_topic = {
        let meeting = meeting.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = topic.get_untracked();
            let me = state.me.get_untracked();
            if edit_series(document, error, "Add to the agenda", |s| {
                s.add_agenda_item(&meeting, &text, me.as_ref(), now_millis())
            })
            .is_some()
            {
                topic_draft.clear();
            }
        }
    };
    let action_draft = crate::ui::Draft::new(format!("action:{}:{meeting}", document.id));
    let action_text = action_draft.text();
    let action_owner = RwSignal::new(String::new());
    let action_due = RwSignal::new(String::new());
    let add_action = {
        let meeting = meeting.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = action_text.get_untracked();
            let owner = Some(action_owner.get_untracked())
                .filter(|o| !o.is_empty())
                .map(PersonId::from);
            let due = action_due.get_untracked();
            let due = Some(due.as_str()).filter(|d| !d.is_empty());
            if edit_series(document, error, "Add an action item", |s| {
                s.add_action(&meeting, &text, owner.as_ref(), due)
            })
            .is_some()
            {
                action_draft.clear();
                action_due.set(String::new());
            }
        }
    };
    let owners = move || {
        document.view.with(|s| {
            s.as_ref()
                .map(|s| vec![s.manager.clone(), s.employee.clone()])
                .unwrap_or_default()
        })
    };
    let notes_id: &'static str = "meeting-notes";
    view! {
        <section class="card" aria-labelledby="meeting-heading" data-testid="meeting">
            <h2 id="meeting-heading">{move || format!("Meeting on {}", date())}</h2>
            <h3>"Agenda"</h3>
            <ul class="plain-list" data-testid="agenda">
                <For each=agenda key=|a| a.clone() let((id, item))>
                    {
                        let box_id = format!("agenda-{id}");
                        let (done_id, remove_id) = (id.clone(), id.clone());
                        let by = item
                            .added_by
                            .as_ref()
                            .map(|p| person_name(&state, p))
                            .unwrap_or_default();
                        view! {
                            <li class="list-row check">
                                <input
                                    type="checkbox"
                                    id=box_id.clone()
                                    checked=item.discussed
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        edit_series(
                                            document,
                                            error,
                                            "Mark an agenda item",
                                            |s| s.set_discussed(&done_id, on),
                                        );
                                    }
                                />
                                <label for=box_id>{item.text.clone()}</label>
                                <span class="item-meta">{by}</span>
                                <button
                                    type="button"
                                    class="button"
                                    aria-label=format!("Remove “{}” from the agenda", item.text)
                                    on:click=move |_| {
                                        edit_series(
                                            document,
                                            error,
                                            "Remove from the agenda",
                                            |s| {
                                                s.remove_agenda_item(&remove_id);
                                                Ok(())
                                            },
                                        );
                                    }
                                >
                                    "Remove"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="inline-form" on:submit=add_topic aria-label="Add to the agenda">
                <label for="agenda-new">"Add a topic"</label>
                <input id="agenda-new" type="text" required bind:value=topic />
                <button type="submit" class="button">
                    "Add to agenda"
                </button>
            </form>
            <div class="statement">
                <CollaborativeText
                    id=notes_id
                    label="Notes".to_owned()
                    value=notes
                    on_input=write_notes
                    rows=6
                />
            </div>
            <h3>"Action items"</h3>
            <ul class="plain-list" data-testid="actions">
                <For each=actions key=|a| a.clone() let((id, action, carried))>
                    <ActionRow
                        document=document
                        meeting=meeting.clone()
                        id=id
                        action=action
                        carried=carried
                        error=error
                    />
                </For>
            </ul>
            <form class="inline-form" on:submit=add_action aria-label="Add an action item">
                <label for="action-new">"New action"</label>
                <input id="action-new" type="text" required bind:value=action_text />
                <label for="action-owner">"Owner"</label>
                <select
                    id="action-owner"
                    on:change=move |ev| action_owner.set(event_target_value(&ev))
                >
                    <option value="">"No one yet"</option>
                    {move || {
                        owners()
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p.to_string()>{person_name(&state, &p)}</option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <label for="action-due">"Due"</label>
                <input id="action-due" type="date" bind:value=action_due />
                <button type="submit" class="button">
                    "Add action"
                </button>
            </form>
        </section>
    }
}

#[component]
fn ActionRow(
    document: CheckInDocument,
    meeting: ItemId,
    id: ItemId,
    action: ActionItem,
    carried: bool,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let box_id = format!("action-{id}");
    let owner = action.owner.as_ref().map(|p| person_name(&state, p));
    let details = [
        owner,
        action.due.clone().map(|d| format!("due {d}")),
        carried.then(|| "carried over".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let done_here = action.done_in.is_some();
    let remove_id = id.clone();
    view! {
        <li class="list-row check" class:carried=carried>
            <input
                type="checkbox"
                id=box_id.clone()
                checked=done_here
                on:change=move |ev| {
                    let done = event_target_checked(&ev).then_some(&meeting);
                    edit_series(document, error, "Mark an action item", |s| s.set_done(&id, done));
                }
            />
            <label for=box_id>{action.text.clone()}</label>
            <span class="item-meta">{details}</span>
            <button
                type="button"
                class="button"
                aria-label=format!("Remove action “{}”", action.text)
                on:click=move |_| {
                    edit_series(
                        document,
                        error,
                        "Remove an action item",
                        |s| {
                            s.remove_action(&remove_id);
                            Ok(())
                        },
                    );
                }
            >
                "Remove"
            </button>
        </li>
    }
}
