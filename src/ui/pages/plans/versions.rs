//! Named versions of a plan and the comparison of any two (or a version and now), side by
//! side; and, for a plan that continues last cycle's, the year-on-year comparison.

use leptos::prelude::*;

use crate::model::plan::{Difference, Plan};
use crate::model::Workspace;
use crate::store::{DocumentId, Version};
use crate::ui::format::date_time;
use crate::ui::{PlanDocument, PlansState, WorkspaceState};

/// "now" in the version pickers.
const NOW: &str = "now";

/// The last version an approval named, if any.
pub fn last_approved(versions: &[Version]) -> Option<Version> {
    versions
        .iter()
        .rev()
        .find(|v| v.name.starts_with("Approved by"))
        .cloned()
}

/// The changes since the last approved version, with that version's name: `None` when
/// the plan was never approved. The approved plan is read (a fork of the document) only
/// when the versions change, the comparison once per change of the plan.
pub fn since_last_approval(
    document: PlanDocument,
    state: WorkspaceState,
) -> Memo<Option<(String, Vec<Difference>)>> {
    let versions = Memo::new(move |_| document.versions());
    let approved = Memo::new(move |_| {
        let version = versions.with(|v| last_approved(v))?;
        let plan: Plan = document.view_at(&version.heads).ok()?;
        Some((version.name, plan))
    });
    Memo::new(move |_| {
        approved.with(|approved| {
            let (name, before) = approved.as_ref()?;
            let changes = document.view.with(|after| {
                let after = after.as_ref()?;
                Some(
                    state
                        .workspace
                        .with(|ws| before.compare(after, &name_in(ws))),
                )
            })?;
            Some((name.clone(), changes))
        })
    })
}

/// A person's name for comparisons.
pub fn name_in(workspace: &Workspace) -> impl Fn(&crate::model::PersonId) -> String + '_ {
    |id| {
        workspace
            .person(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "someone no longer listed".into())
    }
}

/// The differences as a side-by-side table.
#[component]
pub fn DifferenceTable(changes: Vec<Difference>) -> impl IntoView {
    if changes.is_empty() {
        return view! {
            <p class="empty" data-testid="no-differences">
                "No differences."
            </p>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Differences">
            <table class="table differences" data-testid="differences">
                <thead>
                    <tr>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Item"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Before"</th>
                        <th scope="col">"After"</th>
                    </tr>
                </thead>
                <tbody>
                    {changes
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr data-kind=c.kind.label()>
                                    <td>{c.kind.label()}</td>
                                    <th scope="row">{format!("{} “{}”", c.item, c.name)}</th>
                                    <td>{c.field}</td>
                                    <td class="before">{c.before}</td>
                                    <td class="after">{c.after}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn VersionsSection() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let plans = expect_context::<PlansState>();
    let versions = Memo::new(move |_| document.versions());
    // A version's name is kept as it is typed until the version is named.
    let name_draft = crate::ui::Draft::new(format!("version-name:{}", document.id));
    let name = name_draft.text();
    let message = RwSignal::new(None::<Result<String, String>>);
    // What to compare: a version id, or NOW. Starts at the last approved version.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(NOW.to_owned());
    Effect::new(move |_| {
        if from.get_untracked().is_empty() {
            if let Some(v) = versions.with(|v| last_approved(v).or_else(|| v.last().cloned())) {
                from.set(v.id);
            }
        }
    });
    // The plan at a choice. A version is read (a fork of the document) when the choice
    // or the versions change; only "now" follows every edit.
    let plan_for = move |choice: &str| -> Result<Plan, String> {
        if choice == NOW {
            return document
                .view
                .get()
                .map(|plan| Plan::clone(&plan))
                .ok_or_else(|| "The plan is not here yet.".to_owned());
        }
        let version = versions
            .with(|v| v.iter().find(|v| v.id == choice).cloned())
            .ok_or("Choose a version to compare.")?;
        document.view_at(&version.heads)
    };
    let before = Memo::new(move |_| from.with(|a| (!a.is_empty()).then(|| plan_for(a))));
    let after = Memo::new(move |_| to.with(|b| plan_for(b)));
    let comparison = move || {
        let before = before.get()?;
        Some(before.and_then(|before| {
            let after = after.get()?;
            Ok(state
                .workspace
                .with(|ws| before.compare(&after, &name_in(ws))))
        }))
    };
    let name_version = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let result = document.name_version(&name.get_untracked());
        if result.is_ok() {
            name_draft.clear();
        }
        message.set(Some(result.map(|v| format!("Named “{}”.", v.name))));
    };
    let options = move |selected: RwSignal<String>, with_now: bool| {
        let mut choices: Vec<(String, String)> = versions.with(|v| {
            v.iter()
                .rev()
                .map(|v| {
                    (
                        v.id.clone(),
                        format!("{} ({})", v.name, date_time(v.named_at)),
                    )
                })
                .collect()
        });
        if with_now {
            choices.insert(0, (NOW.to_owned(), "Now".to_owned()));
        }
        choices
            .into_iter()
            .map(|(value, label)| {
                let is = value.clone();
                view! {
                    <option value=value selected=move || selected.get() == is>
                        {label}
                    </option>
                }
            })
            .collect_view()
    };
    // Year on year: last cycle's plan as it is now, against this one now.
    let predecessor = move || {
        document
            .view
            .with(|p| p.as_ref().and_then(|p| p.predecessor.clone()))
            .and_then(|url| DocumentId::from_url(&url).ok())
    };
    let year_on_year = move || {
        let id = predecessor()?;
        let Some(previous) = plans.get(&id) else {
            leptos::task::spawn_local(async move {
                let _ = plans.open(id).await;
            });
            return Some(view! { <p role="status">"Opening last cycle's plan…"</p> }.into_any());
        };
        let before = previous.view.get()?;
        let after = document.view.get()?;
        let changes = state
            .workspace
            .with(|ws| before.compare(&after, &name_in(ws)));
        Some(
            view! {
                <h3>{format!("Against last cycle's plan, “{}”", before.title)}</h3>
                <DifferenceTable changes=changes />
            }
            .into_any(),
        )
    };

    view! {
        <section class="card" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            <ul class="item-list versions">
                {move || {
                    versions
                        .get()
                        .into_iter()
                        .rev()
                        .map(|v| {
                            view! {
                                <li class="item">
                                    <div class="item-main">
                                        <span class="item-title">{v.name.clone()}</span>
                                        <span class="item-meta">
                                            {format!(
                                                "{}{}",
                                                date_time(v.named_at),
                                                if v.named_by.is_empty() {
                                                    String::new()
                                                } else {
                                                    format!(" · {}", v.named_by)
                                                },
                                            )}
                                        </span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <Show when=move || versions.with(Vec::is_empty)>
                <p class="empty">
                    "No versions yet. Approving the plan names one; you can name one at any time."
                </p>
            </Show>
            <form class="inline-form" on:submit=name_version aria-label="Name this version">
                <label for="version-name">"Name the plan as it is now"</label>
                <input
                    id="version-name"
                    type="text"
                    autocomplete="off"
                    bind:value=name
                    placeholder="e.g. Draft for the offsite"
                />
                <button type="submit" class="button">
                    "Name version"
                </button>
            </form>
            <crate::ui::components::FormMessage message=message />
        </section>
        <section class="card" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare"</h2>
            <div class="inline-form">
                <label for="compare-from">"From"</label>
                <select id="compare-from" on:change=move |ev| from.set(event_target_value(&ev))>
                    <option value="" selected=move || from.get().is_empty()>
                        "Choose a version…"
                    </option>
                    {move || options(from, false)}
                </select>
                <label for="compare-to">"To"</label>
                <select id="compare-to" on:change=move |ev| to.set(event_target_value(&ev))>
                    {move || options(to, true)}
                </select>
            </div>
            {move || match comparison() {
                None => {
                    view! {
                        <p class="empty">
                            "Name a version (or approve the plan) to compare with it."
                        </p>
                    }
                        .into_any()
                }
                Some(Err(reason)) => {
                    view! {
                        <p class="form-error" role="alert">
                            {reason}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(changes)) => view! { <DifferenceTable changes=changes /> }.into_any(),
            }}
            {year_on_year}
        </section>
        <PlanHistory />
    }
}

/// The plan's history: sessions of changes (who, when, what they did), newest first, each
/// able to say what it changed in words.
#[component]
pub fn PlanHistory() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let sessions = Memo::new(move |_| document.history());
    // Long histories show the newest sessions first and more on request.
    let shown = RwSignal::new(10usize);
    let rows = move || {
        let count = shown.get();
        sessions.with(|s| s.iter().rev().take(count).cloned().collect::<Vec<_>>())
    };
    view! {
        <section class="card" aria-labelledby="plan-history-heading">
            <h2 id="plan-history-heading">"History"</h2>
            <ul class="item-list sessions">
                <For each=rows key=|s| (s.started, s.changes.len(), s.author.clone()) let:session>
                    <SessionRow session=session />
                </For>
            </ul>
            <Show when=move || { sessions.with(Vec::len) > shown.get() }>
                <button type="button" class="button" on:click=move |_| shown.update(|n| *n += 20)>
                    "Show older"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn SessionRow(session: crate::store::Session) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let changes = RwSignal::new(None::<Result<Vec<Difference>, String>>);
    let when = crate::ui::format::session_when(&session);
    let summary = crate::ui::format::session_summary(&session);
    let (first, heads) = (session.first_change(), session.heads_after());
    let explain = move |_| {
        let Some(first) = first else { return };
        let result = document.view_before(first).and_then(|before| {
            let after = document.view_at(&heads)?;
            Ok(state
                .workspace
                .with_untracked(|ws| before.compare(&after, &name_in(ws))))
        });
        changes.set(Some(result));
    };
    view! {
        <li class="item session">
            <div class="item-main">
                <span class="item-title">{session.author.clone()}</span>
                <span class="item-meta">{when}</span>
                <span class="item-meta">{summary}</span>
            </div>
            <Show when=move || changes.with(Option::is_none)>
                <button type="button" class="button small" on:click=explain.clone()>
                    "What changed"
                </button>
            </Show>
            {move || {
                changes
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <DifferenceTable changes=list /> }.into_any(),
                        Err(reason) => {
                            view! {
                                <p class="form-error" role="alert">
                                    {reason}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </li>
    }
}
