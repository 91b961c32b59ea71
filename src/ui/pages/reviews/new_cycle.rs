//! HR's form for a new review cycle: name, period, template and scale, the four
//! deadlines, participants by team or by person, and who runs it.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::model::review::{CycleSetup, Deadlines};
use crate::model::{ItemId, PersonId};
use crate::ui::{href, ReviewsState, WorkspaceState};

#[component]
pub fn NewCycleForm(on_done: Callback<()>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let navigate = use_navigate();
    let year = js_sys::Date::new_0().get_full_year();
    // The name typed is kept until the cycle starts: a reload loses none of it.
    let name_draft = crate::ui::Draft::editing("new-cycle-name", format!("{year} annual review"));
    let name = name_draft.text();
    let start = RwSignal::new(format!("{year}-01-01"));
    let end = RwSignal::new(format!("{year}-12-31"));
    let self_review = RwSignal::new(format!("{}-01-15", year + 1));
    let manager_review = RwSignal::new(format!("{}-01-31", year + 1));
    let calibration = RwSignal::new(format!("{}-02-10", year + 1));
    let sign_off = RwSignal::new(format!("{}-02-28", year + 1));
    let first = |map: fn(&crate::model::Workspace) -> Vec<(ItemId, String)>| {
        state
            .workspace
            .with_untracked(|ws| map(ws))
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default()
    };
    let template = RwSignal::new(first(templates));
    let scale = RwSignal::new(first(scales));
    let chosen = RwSignal::new(BTreeSet::<PersonId>::new());
    let hr = RwSignal::new(
        state
            .me
            .get_untracked()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let missing_setup = move || {
        state
            .workspace
            .with(|ws| ws.templates.is_empty() || ws.scales.is_empty())
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let id = |text: String| (!text.is_empty()).then(|| ItemId::from(text));
        let setup = CycleSetup {
            name: name.get_untracked(),
            period_start: start.get_untracked(),
            period_end: end.get_untracked(),
            template: id(template.get_untracked()),
            scale: id(scale.get_untracked()),
            deadlines: Deadlines {
                self_review: self_review.get_untracked(),
                manager_review: manager_review.get_untracked(),
                calibration: calibration.get_untracked(),
                sign_off: sign_off.get_untracked(),
            },
            participants: chosen.get_untracked().into_iter().collect(),
            hr: id(hr.get_untracked())
                .map(|p| vec![PersonId::from(p.to_string())])
                .unwrap_or_default(),
        };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match reviews.start_cycle(setup).await {
                Ok(id) => {
                    name_draft.discard();
                    on_done.run(());
                    navigate(&href(&format!("/reviews/cycles/{id}")), Default::default());
                }
                Err(reason) => error.set(Some(reason)),
            }
            busy.set(false);
        });
    };

    let date = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label for=id>{label}</label>
            <input id=id type="date" required bind:value=value />
        }
    };
    let choice =
        move |id: &'static str,
              label: &'static str,
              value: RwSignal<String>,
              list: fn(&crate::model::Workspace) -> Vec<(ItemId, String)>| {
            view! {
                <label for=id>{label}</label>
                <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                    {move || {
                        state
                            .workspace
                            .with(|ws| list(ws))
                            .into_iter()
                            .map(|(item, name)| {
                                let item = item.to_string();
                                let is = item.clone();
                                view! {
                                    <option value=item selected=move || value.get() == is>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            }
        };
    let teams = move || {
        state.workspace.with(|ws| {
            ws.teams_by_name()
                .into_iter()
                .map(|(id, t)| (id.clone(), t.name.clone(), ws.members_of(id)))
                .collect::<Vec<_>>()
        })
    };
    // Participants are found by typing (a name, a title or a team), not by scrolling.
    let search = RwSignal::new(String::new());
    let people = move || {
        let words: Vec<String> = search
            .get()
            .to_lowercase()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        state.workspace.with(|ws| {
            ws.people_by_name()
                .into_iter()
                .filter(|(_, p)| {
                    let team = p
                        .team
                        .as_ref()
                        .and_then(|t| ws.team(t))
                        .map(|t| t.name.as_str())
                        .unwrap_or_default();
                    let haystack = format!("{} {} {team}", p.name, p.title).to_lowercase();
                    words.iter().all(|w| haystack.contains(w.as_str()))
                })
                .map(|(id, p)| (id.clone(), p.name.clone()))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <form class="form nested-form" on:submit=submit aria-label="New review cycle">
            <h3>"New review cycle"</h3>
            <Show when=missing_setup>
                <p class="notice" role="note">
                    "Define a rating scale and a review template under Settings → Reviews first."
                </p>
            </Show>
            <div class="form-grid">
                <label for="cycle-name">"Name"</label>
                <input id="cycle-name" type="text" required bind:value=name />
                {date("cycle-start", "Period starts", start)}
                {date("cycle-end", "Period ends", end)}
                {choice("cycle-template", "Template", template, templates)}
                {choice("cycle-scale", "Rating scale", scale, scales)}
                {date("cycle-self-due", "Self reviews due", self_review)}
                {date("cycle-manager-due", "Manager reviews due", manager_review)}
                {date("cycle-calibration-due", "Calibration by", calibration)}
                {date("cycle-sign-off-due", "Sign-off by", sign_off)}
                <crate::ui::components::PersonPicker
                    id="cycle-hr".into()
                    label="Run by (HR)"
                    chosen=hr
                    none="No one"
                />
            </div>
            <fieldset class="choice-list">
                <legend>
                    {move || format!("Participants ({} chosen)", chosen.with(BTreeSet::len))}
                </legend>
                <p class="item-meta">"Add a whole team, or choose people one by one."</p>
                <div class="button-row">
                    <For each=teams key=|t| t.clone() let((team, team_name, members))>
                        <button
                            type="button"
                            class="button"
                            on:click=move |_| chosen.update(|c| c.extend(members.iter().cloned()))
                            aria-label=format!("Add team {team_name}")
                            data-team=team.to_string()
                        >
                            {format!("+ {team_name}")}
                        </button>
                    </For>
                </div>
                <label for="cycle-people-search">"Find people"</label>
                <input
                    id="cycle-people-search"
                    type="search"
                    autocomplete="off"
                    bind:value=search
                    placeholder="A name, a title or a team"
                />
                <div class="button-row">
                    <button
                        type="button"
                        class="button small"
                        on:click=move |_| {
                            let shown: Vec<PersonId> = people()
                                .into_iter()
                                .map(|(id, _)| id)
                                .collect();
                            chosen.update(|c| c.extend(shown));
                        }
                    >
                        "Choose everyone shown"
                    </button>
                    <button
                        type="button"
                        class="button small"
                        on:click=move |_| chosen.update(BTreeSet::clear)
                    >
                        "Choose no one"
                    </button>
                </div>
                <ul class="plain-list participant-list">
                    <For each=people key=|p| p.clone() let((person, person_name))>
                        {
                            let box_id = format!("cycle-person-{person}");
                            let is = person.clone();
                            view! {
                                <li class="check">
                                    <input
                                        type="checkbox"
                                        id=box_id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&is))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen
                                                .update(|c| {
                                                    if on {
                                                        c.insert(person.clone());
                                                    } else {
                                                        c.remove(&person);
                                                    }
                                                });
                                        }
                                    />
                                    <label for=box_id>{person_name}</label>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </fieldset>
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
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    "Start the cycle"
                </button>
                <crate::ui::components::DiscardButton drafts=vec![name_draft] on_done=on_done />
            </div>
        </form>
    }
}

fn templates(ws: &crate::model::Workspace) -> Vec<(ItemId, String)> {
    let mut list: Vec<_> = ws
        .templates
        .iter()
        .map(|(id, t)| (id.clone(), t.name.clone()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

fn scales(ws: &crate::model::Workspace) -> Vec<(ItemId, String)> {
    let mut list: Vec<_> = ws
        .scales
        .iter()
        .map(|(id, s)| (id.clone(), s.name.clone()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}
