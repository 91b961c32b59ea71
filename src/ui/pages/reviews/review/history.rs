//! A review's versions and history: name the review's current state, compare any named
//! version with now, and see each session of changes (who, when) and what it changed, in
//! sentences. Sign-off records its own heads; this is for the other moments people want to
//! keep ("Draft agreed in the 1:1"). Where this device holds the manager's side (the
//! manager's and HR's), its sessions are listed among the review's, marked as such, so the
//! manager's drafting and calibration show where the review's history is read.

use leptos::prelude::*;

use super::ReviewPageContext;
use crate::model::review::review_differences;
use crate::store::Session;
use crate::ui::format::{date_time, session_summary, session_when};
use crate::ui::reviews_state::SideDocument;

#[component]
pub fn ReviewHistory() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let reviews = context.reviews;
    let document = context.document;
    let versions = Memo::new(move |_| document.versions());
    // The review's sessions and its manager's side's, newest last, as one history. Which
    // document a session is of stays with it, to explain it against that document.
    let sessions = Memo::new(move |_| {
        let mut sessions: Vec<(Session, Option<SideDocument>)> = document
            .history()
            .into_iter()
            .map(|session| (session, None))
            .collect();
        if let Some(side) = reviews.side_of_tracked(document.id) {
            sessions.extend(side.history().into_iter().map(|s| (s, Some(side))));
        }
        sessions.sort_by_key(|(session, _)| session.started);
        sessions
    });
    let shown = RwSignal::new(5usize);
    // A version's name is kept as it is typed until the version is named.
    let name_draft = crate::ui::Draft::new(format!("version-name:{}", document.id));
    let name = name_draft.text();
    let message = RwSignal::new(None::<Result<String, String>>);
    let name_version = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = name.get_untracked();
        let result = document.name_version(&name);
        // The manager's side is named with it, so the version compares whole (where this
        // device holds that side).
        if let (Ok(_), Some(side)) = (&result, reviews.side_of(document.id)) {
            let _ = side.name_version(&name);
        }
        if result.is_ok() {
            name_draft.clear();
        }
        message.set(Some(result.map(|v| format!("Named \"{}\".", v.name))));
    };
    let rows = move || {
        let count = shown.get();
        sessions.with(|s| s.iter().rev().take(count).cloned().collect::<Vec<_>>())
    };
    view! {
        <section class="card no-print" aria-labelledby="review-history-heading">
            <h2 id="review-history-heading">"Versions and history"</h2>
            <form
                class="inline-form"
                on:submit=name_version
                aria-label="Name a version of the review"
            >
                <label for="review-version-name">"Name this version"</label>
                <input
                    id="review-version-name"
                    type="text"
                    required
                    bind:value=name
                    placeholder="e.g. Agreed in the 1:1"
                />
                <button type="submit" class="button">
                    "Name version"
                </button>
            </form>
            <crate::ui::components::FormMessage message=message />
            <ul class="plain-list" data-testid="review-versions">
                <For each=move || versions.get() key=|v| v.id.clone() let(version)>
                    <VersionRow version=version />
                </For>
            </ul>
            <h3>"History"</h3>
            <ul class="plain-list" data-testid="review-history">
                <For
                    each=rows
                    key=|(s, side)| (s.started, s.changes.len(), s.author.clone(), side.is_some())
                    let:((session, side))
                >
                    <SessionRow session=session side=side />
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

/// What changed, as a list of sentences (or why it could not be read).
fn changes_view(result: Result<Vec<String>, String>) -> AnyView {
    match result {
        Ok(changes) if changes.is_empty() => {
            view! { <p class="item-meta">"No changes to the review's content."</p> }.into_any()
        }
        Ok(changes) => {
            view! { <ul>{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> }
                .into_any()
        }
        Err(reason) => view! {
            <p class="form-error" role="alert">
                {reason}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn VersionRow(version: crate::store::Version) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let document = context.document;
    let compared = RwSignal::new(None::<Result<Vec<String>, String>>);
    let heads = version.heads.clone();
    let reviews = context.reviews;
    let (name, named_at) = (version.name.clone(), version.named_at);
    let compare = move |_| {
        let result = document.view_at(&heads).and_then(|then| {
            // With the manager's side as it was named with the version; without one (named
            // on a device that does not hold it), the review's own parts only.
            let side = reviews.side_of(document.id);
            let side_then = side.and_then(|side| {
                side.versions()
                    .into_iter()
                    .rfind(|v| v.name == name && (v.named_at - named_at).abs() < 60_000)
                    .map(|v| side.view_at(&v.heads))
            });
            Ok(match side_then {
                Some(side_then) => {
                    let then = then.with_manager_side(&side_then?);
                    document.view.with_untracked(|now| {
                        now.as_ref()
                            .map(|now| review_differences(&then, now))
                            .unwrap_or_default()
                    })
                }
                None => document
                    .own_view()
                    .map(|now| review_differences(&then, &now))
                    .unwrap_or_default(),
            })
        });
        compared.set(Some(result));
    };
    let by = if version.named_by.is_empty() {
        String::new()
    } else {
        format!(" by {}", version.named_by)
    };
    view! {
        <li class="list-row">
            <span>
                <strong>{version.name.clone()}</strong>
                {format!(" — {}{by}", date_time(version.named_at))}
            </span>
            <button
                type="button"
                class="button"
                on:click=compare
                aria-label=format!("Compare “{}” with now", version.name)
            >
                "Compare with now"
            </button>
            {move || compared.get().map(changes_view)}
        </li>
    }
}

/// A session of changes to the review, or to its manager's side (`side`).
#[component]
fn SessionRow(session: Session, side: Option<SideDocument>) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let document = context.document;
    let changes = RwSignal::new(None::<Result<Vec<String>, String>>);
    let (first, heads) = (session.first_change(), session.heads_after());
    let explain = move |_| {
        let Some(first) = first else { return };
        let result = match side {
            None => document.view_before(first).and_then(|before| {
                let after = document.view_at(&heads)?;
                Ok(review_differences(&before, &after))
            }),
            // The side before and after, each shown on the review as it is now, so only
            // what the session changed of the manager's parts differs.
            Some(side) => side.view_before(first).and_then(|before| {
                let after = side.view_at(&heads)?;
                let review = document.own_view_untracked().unwrap_or_default();
                Ok(review_differences(
                    &review.with_manager_side(&before),
                    &review.with_manager_side(&after),
                ))
            }),
        };
        changes.set(Some(result));
    };
    let author = match side {
        Some(_) => format!("{} · the manager's side", session.author),
        None => session.author.clone(),
    };
    view! {
        <li class="list-row">
            <span class="item-title">{author}</span>
            <span class="item-meta">{session_when(&session)}</span>
            <span class="item-meta">{session_summary(&session)}</span>
            <Show when=move || changes.with(Option::is_none)>
                <button type="button" class="button" on:click=explain.clone()>
                    "What changed"
                </button>
            </Show>
            {move || changes.get().map(changes_view)}
        </li>
    }
}
