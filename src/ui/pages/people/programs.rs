//! Letting a program in (admins only): a plain automerge-repo peer, a script or a report
//! builder syncs the plans an admin chooses, read-only or read and write, until a date,
//! by a grant this device signs (`identity::Grant`). The relay checks the grant on every
//! connection; it ends at its date, or when its signer stops being an admin.

use leptos::prelude::*;

use crate::store::DocumentId;
use crate::ui::components::{CopyButton, FormError};
use crate::ui::{IdentityState, PlansState, WorkspaceState};

/// How long a grant lasts unless the admin says otherwise.
const DEFAULT_DAYS: i64 = 30;

#[component]
pub fn ProgramAccess() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let plans = expect_context::<PlansState>();
    // Every listed plan, by title (a plan not opened yet shows as "A plan").
    let choices = Memo::new(move |_| {
        let ids: Vec<DocumentId> = state.workspace.with(|ws| {
            ws.plans
                .keys()
                .filter_map(|url| DocumentId::from_url(url).ok())
                .collect()
        });
        let mut choices: Vec<(DocumentId, String)> = ids
            .into_iter()
            .map(|id| {
                let title = plans
                    .get(&id)
                    .and_then(|plan| plan.view.with(|p| p.as_ref().map(|p| p.title.clone())))
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| "A plan".to_owned());
                (id, title)
            })
            .collect();
        choices.sort_by(|a, b| a.1.cmp(&b.1));
        choices
    });
    // Kept as typed until the address is made.
    let name_draft = crate::ui::Draft::new("program-name");
    let name = name_draft.text();
    let chosen = RwSignal::new(std::collections::BTreeSet::<DocumentId>::new());
    let write = RwSignal::new(false);
    let days = RwSignal::new(DEFAULT_DAYS.to_string());
    let error = RwSignal::new(None::<String>);
    let token = RwSignal::new(None::<String>);
    let sync = expect_context::<crate::ui::app::SyncState>();
    let make = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(days) = days.get_untracked().trim().parse::<i64>() else {
            error.set(Some("Say for how many days, as a whole number.".into()));
            return;
        };
        let documents: Vec<DocumentId> = chosen.get_untracked().into_iter().collect();
        match identity.grant(
            &name.get_untracked(),
            documents,
            write.get_untracked(),
            days,
        ) {
            Ok(made) => {
                error.set(None);
                // The name stays beside the address made for it; nothing is kept unsent.
                name_draft.sent();
                token.set(Some(made));
            }
            Err(why) => error.set(Some(why)),
        }
    };
    // What the program puts in its sync address.
    let address = move || {
        token.get().map(|token| {
            let relay = sync
                .relay
                .get()
                .unwrap_or_else(|| "wss://<your relay>/sync".to_owned());
            format!("{relay}?grant={token}")
        })
    };
    view! {
        <section class="card" aria-labelledby="programs-heading" data-testid="program-access">
            <h2 id="programs-heading">"Programs"</h2>
            <p class="item-meta">
                "A program (a dashboard, a script, another automerge-repo peer) syncs only the plans you choose here, until the date you set, and only while you are an admin."
            </p>
            <FormError error=error />
            <form class="form" on:submit=make>
                <label for="program-name">"What is the program?"</label>
                <input
                    id="program-name"
                    type="text"
                    prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e))
                />
                <fieldset>
                    <legend>"Plans it may sync"</legend>
                    <For
                        each=move || choices.get()
                        key=|(id, title)| (*id, title.clone())
                        let:choice
                    >
                        {
                            let (id, title) = choice;
                            let field = format!("program-plan-{id}");
                            let label_for = field.clone();
                            view! {
                                <label class="check" for=label_for>
                                    <input
                                        id=field
                                        type="checkbox"
                                        prop:checked=move || chosen.with(|c| c.contains(&id))
                                        on:change=move |e| {
                                            let on = event_target_checked(&e);
                                            chosen
                                                .update(|c| {
                                                    if on {
                                                        c.insert(id);
                                                    } else {
                                                        c.remove(&id);
                                                    }
                                                });
                                        }
                                    />
                                    {title}
                                </label>
                            }
                        }
                    </For>
                </fieldset>
                <label class="check" for="program-write">
                    <input
                        id="program-write"
                        type="checkbox"
                        prop:checked=move || write.get()
                        on:change=move |e| write.set(event_target_checked(&e))
                    />
                    "It may change them (otherwise it only reads)"
                </label>
                <label for="program-days">"For how many days"</label>
                <input
                    id="program-days"
                    type="number"
                    min="1"
                    max="366"
                    prop:value=move || days.get()
                    on:input=move |e| days.set(event_target_value(&e))
                />
                <button type="submit" class="button">
                    "Make a sync address for it"
                </button>
            </form>
            {move || {
                address()
                    .map(|address| {
                        view! {
                            <div class="invitation" data-testid="program-address">
                                <label for="program-address">"Its sync address"</label>
                                <div class="inline-form">
                                    <input
                                        id="program-address"
                                        type="text"
                                        readonly
                                        prop:value=address.clone()
                                    />
                                    <CopyButton
                                        text=address
                                        label="Copy"
                                        field="program-address".to_owned()
                                    />
                                </div>
                                <p class="item-meta">
                                    "Whoever has this address can sync what it names until it ends: give it only to the program."
                                </p>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
