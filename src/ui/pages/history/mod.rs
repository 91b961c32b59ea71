//! History and versions of the workspace: name the current state, open any version or
//! session read-only, and compare two points in words.

mod snapshot;

use automerge::ChangeHash;
use leptos::prelude::*;

use snapshot::WorkspaceSnapshot;

use crate::model::Workspace;
use crate::store::{Session, Version};
use crate::ui::format::date_time;
use crate::ui::WorkspaceState;

/// What the page shows under its lists: one past state, or a comparison.
#[derive(Clone)]
enum Panel {
    Snapshot {
        title: String,
        workspace: Box<Workspace>,
    },
    Comparison {
        title: String,
        lines: Vec<String>,
    },
    Problem(String),
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let panel = RwSignal::new(None::<Panel>);
    view! {
        <section class="page" aria-labelledby="history-heading">
            <header class="page-header">
                <h1 id="history-heading">"History and versions"</h1>
                <p class="page-summary">
                    "Everything that changed in the workspace, who changed it and when."
                </p>
            </header>
            <PanelView panel />
            <Versions panel />
            <Sessions panel />
        </section>
    }
}

#[component]
fn PanelView(panel: RwSignal<Option<Panel>>) -> impl IntoView {
    move || {
        panel.get().map(|shown| {
            let close = move |_| panel.set(None);
            let body = match shown {
                Panel::Snapshot { title, workspace } => view! {
                    <h2>{title}</h2>
                    <p class="tag">"Read-only"</p>
                    <WorkspaceSnapshot workspace=*workspace />
                }
                .into_any(),
                Panel::Comparison { title, lines } => view! {
                    <h2>{title}</h2>
                    {if lines.is_empty() {
                        view! { <p>"No differences."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="changes" data-testid="comparison">
                                {lines
                                    .into_iter()
                                    .map(|line| view! { <li>{line}</li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                }
                .into_any(),
                Panel::Problem(message) => view! {
                    <p class="form-error" role="alert">
                        {message}
                    </p>
                }
                .into_any(),
            };
            view! {
                <div
                    class="card panel"
                    role="region"
                    aria-label="Selected point in history"
                    data-testid="history-panel"
                >
                    {body}
                    <div class="form-actions">
                        <button type="button" class="button" on:click=close>
                            "Close"
                        </button>
                    </div>
                </div>
            }
        })
    }
}

fn show_snapshot(
    state: WorkspaceState,
    panel: RwSignal<Option<Panel>>,
    title: String,
    heads: &[ChangeHash],
) {
    panel.set(Some(match state.workspace_at(heads) {
        Ok(workspace) => Panel::Snapshot {
            title,
            workspace: Box::new(workspace),
        },
        Err(error) => Panel::Problem(format!("This point in history could not be read: {error}")),
    }));
}

fn show_comparison(
    panel: RwSignal<Option<Panel>>,
    title: String,
    from: Result<Workspace, String>,
    to: Result<Workspace, String>,
) {
    panel.set(Some(match (from, to) {
        (Ok(from), Ok(to)) => Panel::Comparison {
            title,
            lines: to.changes_since(&from),
        },
        (Err(error), _) | (_, Err(error)) => {
            Panel::Problem(format!("These points could not be compared: {error}"))
        }
    }));
}

#[component]
fn Versions(panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    // A version's name is kept as it is typed until the version is named.
    let name_draft = crate::ui::Draft::new("version-name:workspace");
    let name = name_draft.text();
    let error = RwSignal::new(None::<String>);
    let versions = Memo::new(move |_| state.versions());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match state.name_version(&name.get()) {
            Ok(_) => {
                name_draft.clear();
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let compare_two = move |_| {
        let all = versions.get_untracked();
        let find = |id: String| all.iter().find(|v| v.id == id).cloned();
        let (Some(a), Some(b)) = (find(first.get()), find(second.get())) else {
            panel.set(Some(Panel::Problem(
                "Choose two versions to compare.".into(),
            )));
            return;
        };
        show_comparison(
            panel,
            format!(
                "From \u{201c}{}\u{201d} to \u{201c}{}\u{201d}",
                a.name, b.name
            ),
            state.workspace_at(&a.heads),
            state.workspace_at(&b.heads),
        );
    };
    view! {
        <div class="section-header">
            <h2>"Named versions"</h2>
        </div>
        <form class="card form" on:submit=submit aria-label="Name this version">
            <label for="version-name">"Name the workspace as it is now"</label>
            <input
                id="version-name"
                type="text"
                placeholder="e.g. Board-approved 2027"
                required
                bind:value=name
            />
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
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Name this version"
                </button>
            </div>
        </form>
        <Show
            when=move || !versions.with(Vec::is_empty)
            fallback=|| view! { <p class="empty">"No named versions yet."</p> }
        >
            <ul class="item-list" aria-label="Named versions" data-testid="versions">
                {move || {
                    versions
                        .get()
                        .into_iter()
                        .rev()
                        .map(|version| view! { <VersionRow version panel /> })
                        .collect_view()
                }}
            </ul>
            <div class="card form compare">
                <label for="compare-first">"Compare"</label>
                <select id="compare-first" on:change=move |ev| first.set(event_target_value(&ev))>
                    <option value="">"Choose a version"</option>
                    {move || {
                        versions
                            .get()
                            .into_iter()
                            .map(|v| view! { <option value=v.id>{v.name}</option> })
                            .collect_view()
                    }}
                </select>
                <label for="compare-second">"with"</label>
                <select id="compare-second" on:change=move |ev| second.set(event_target_value(&ev))>
                    <option value="">"Choose a version"</option>
                    {move || {
                        versions
                            .get()
                            .into_iter()
                            .map(|v| view! { <option value=v.id>{v.name}</option> })
                            .collect_view()
                    }}
                </select>
                <div class="form-actions">
                    <button type="button" class="button" on:click=compare_two>
                        "Compare versions"
                    </button>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn VersionRow(version: Version, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let when = date_time(version.named_at);
    let by = if version.named_by.is_empty() {
        String::new()
    } else {
        format!(" by {}", version.named_by)
    };
    let open = {
        let version = version.clone();
        move |_| {
            show_snapshot(
                state,
                panel,
                format!("\u{201c}{}\u{201d}", version.name),
                &version.heads,
            )
        }
    };
    let compare = {
        let version = version.clone();
        move |_| {
            show_comparison(
                panel,
                format!("Changes since \u{201c}{}\u{201d}", version.name),
                state.workspace_at(&version.heads),
                Ok(Workspace::clone(&state.workspace.get_untracked())),
            )
        }
    };
    let name = version.name.clone();
    view! {
        <li class="item" data-testid="version">
            <div class="item-main">
                <span class="item-title">{version.name.clone()}</span>
                <span class="item-meta">{format!("Named {when}{by}")}</span>
            </div>
            <div class="item-actions">
                <button
                    type="button"
                    class="button"
                    aria-label=format!("Open {name}")
                    on:click=open
                >
                    "Open"
                </button>
                <button
                    type="button"
                    class="button"
                    aria-label=format!("Compare {} with now", version.name)
                    on:click=compare
                >
                    "Compare with now"
                </button>
            </div>
        </li>
    }
}

#[component]
fn Sessions(panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let sessions = Memo::new(move |_| state.history());
    view! {
        <div class="section-header">
            <h2>"Changes"</h2>
        </div>
        <ul class="item-list" aria-label="Changes by session" data-testid="sessions">
            {move || {
                sessions
                    .get()
                    .into_iter()
                    .rev()
                    .map(|session| view! { <SessionRow session panel /> })
                    .collect_view()
            }}
        </ul>
    }
}

#[component]
fn SessionRow(session: Session, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let when = crate::ui::format::session_when(&session);
    let count = session.changes.len();
    let mut messages: Vec<String> = session
        .changes
        .iter()
        .map(|c| c.message.clone())
        .filter(|m| !m.is_empty())
        .collect();
    // Typing makes one change per keystroke: say it once.
    messages.dedup();
    let summary = match messages.len() {
        0 => String::new(),
        n if n <= 3 => messages.join("; "),
        n => format!("{}; and {} more", messages[..3].join("; "), n - 3),
    };
    let after = session.heads_after();
    let first = session.first_change();
    let title = format!("{} — {when}", session.author);
    let open = {
        let title = title.clone();
        move |_| {
            show_snapshot(
                state,
                panel,
                format!("After the changes of {title}"),
                &after,
            )
        }
    };
    let changes = {
        let after = session.heads_after();
        move |_| {
            let Some(first) = first else { return };
            show_comparison(
                panel,
                format!("What {} changed", title.clone()),
                state.workspace_before(first),
                state.workspace_at(&after),
            )
        }
    };
    view! {
        <li class="item" data-testid="session">
            <div class="item-main">
                <span class="item-title">{session.author.clone()}</span>
                <span class="item-meta">{when}</span>
                <span class="item-meta">{format!("{count} change(s)")}</span>
                <span class="item-meta">{summary}</span>
            </div>
            <div class="item-actions">
                <button type="button" class="button" on:click=changes>
                    "Show changes"
                </button>
                <button type="button" class="button" on:click=open>
                    "Open as it was"
                </button>
            </div>
        </li>
    }
}
