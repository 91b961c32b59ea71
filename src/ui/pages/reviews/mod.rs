//! Reviews: what involves the person using this device (their reviews, their check-ins),
//! the review cycles and starting one. Each review, cycle, calibration and check-in
//! series has its own page in this folder.

mod asked_feedback;
mod calibration;
mod check_in;
mod coaching_notes;
mod cycle;
mod cycle_progress;
mod new_cycle;
mod rating_select;
mod review;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::model::review::Review;
use crate::model::PersonId;
use crate::ui::{href, ReviewsState, WorkspaceState};

pub use asked_feedback::AskedFeedbackPage;
pub use calibration::CalibrationPage;
pub use check_in::CheckInPage;
pub use cycle::CyclePage;
pub use review::ReviewPage;

/// "Choose who you are" — shown where a page needs to know who is acting.
#[component]
pub fn ChooseYourself() -> impl IntoView {
    view! {
        <p class="notice" role="note">
            "This device does not act as anyone yet: claim the workspace or join it with an invitation under "
            <A href=href("/settings")>"Settings → You"</A>
            " to write in reviews and check-ins."
        </p>
    }
}

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    // Only HR starts cycles (everyone, while nobody has claimed the workspace).
    let may_run_cycles = move || identity.access.with(|a| a.may_run_cycles());
    let creating = RwSignal::new(false);
    let summary = move || {
        state.workspace.with(|ws| match ws.cycles.len() {
            0 => "No review cycles yet.".to_owned(),
            1 => "1 review cycle.".to_owned(),
            n => format!("{n} review cycles."),
        })
    };
    view! {
        <section class="page" aria-labelledby="reviews-heading">
            <header class="page-header">
                <h1 id="reviews-heading">"Reviews"</h1>
                <p class="page-summary">{summary}</p>
            </header>
            <Show when=move || state.me.with(Option::is_none)>
                <ChooseYourself />
            </Show>
            <MyReviews />
            <FeedbackAskedOfMe />
            <MyCheckIns />
            <section class="card" aria-labelledby="cycles-heading">
                <h2 id="cycles-heading">"Review cycles"</h2>
                <CycleList />
                <Show
                    when=move || creating.get() || !may_run_cycles()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="button primary"
                                on:click=move |_| creating.set(true)
                            >
                                "Start a review cycle"
                            </button>
                        }
                    }
                >
                    <Show when=may_run_cycles>
                        <new_cycle::NewCycleForm on_done=Callback::new(move |()| {
                            creating.set(false)
                        }) />
                    </Show>
                </Show>
            </section>
        </section>
    }
}

#[component]
fn CycleList() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let cycles = move || {
        state.workspace.with(|ws| {
            ws.cycles_newest_first()
                .into_iter()
                .map(|(id, c)| {
                    (
                        id.clone(),
                        c.name.clone(),
                        format!(
                            "{} to {} · {} reviews",
                            c.period_start,
                            c.period_end,
                            c.reviews.len()
                        ),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ul class="plain-list cycle-list" data-testid="cycles">
            <For each=cycles key=|c| c.clone() let((id, name, meta))>
                <li class="list-row">
                    <A href=href(&format!("/reviews/cycles/{id}"))>{name}</A>
                    <span class="item-meta">{meta}</span>
                </li>
            </For>
        </ul>
    }
}

/// The reviews this device has open that are about the person using it or their people.
#[component]
fn MyReviews() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let mine = move || {
        let Some(me) = state.me.get() else {
            return Vec::new();
        };
        let opened = reviews.reviews.opened.get();
        let mut rows: Vec<(String, String, String, String)> = opened
            .values()
            .filter_map(|document| {
                document.view.with(|r| {
                    let r = r.as_ref()?;
                    let involved = r.employee == me || r.manager.as_ref() == Some(&me);
                    involved.then(|| row(&state, document.id.to_string(), r, &me))
                })
            })
            .collect();
        rows.sort();
        rows
    };
    view! {
        <section class="card" aria-labelledby="my-reviews-heading">
            <h2 id="my-reviews-heading">"Your reviews"</h2>
            <Show
                when=move || !mine().is_empty()
                fallback=|| {
                    view! {
                        <p class="item-meta">
                            "No reviews of yours or your people on this device."
                        </p>
                    }
                }
            >
                <ul class="plain-list" data-testid="my-reviews">
                    <For each=mine key=|r| r.clone() let((name, id, cycle, stage))>
                        <li class="list-row">
                            <A href=href(&format!("/reviews/{id}"))>{name}</A>
                            <span class="item-meta">{cycle}</span>
                            <span class="stage-tag">{stage}</span>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

fn row(
    state: &WorkspaceState,
    id: String,
    review: &Review,
    me: &PersonId,
) -> (String, String, String, String) {
    let name = state
        .workspace
        .with_untracked(|ws| ws.name_of(&review.employee));
    let name = if &review.employee == me {
        format!("{name} (you)")
    } else {
        name
    };
    (
        name,
        id,
        review.cycle_name.clone(),
        review.stage.label().to_owned(),
    )
}

/// Check-ins with the people who report to me, and with my manager.
#[component]
fn MyCheckIns() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let navigate = use_navigate();
    let go = Callback::new(move |path: String| navigate(&path, Default::default()));
    let error = RwSignal::new(None::<String>);
    let pairs = move || {
        let Some(me) = state.me.get() else {
            return Vec::new();
        };
        state.workspace.with(|ws| {
            let mut pairs: Vec<(PersonId, PersonId, String)> = ws
                .people_by_name()
                .into_iter()
                .filter(|(_, p)| p.manager.as_ref() == Some(&me))
                .map(|(id, p)| (me.clone(), id.clone(), format!("With {}", p.name)))
                .collect();
            if let Some(manager) = ws.person(&me).and_then(|p| p.manager.clone()) {
                let name = ws
                    .person(&manager)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                pairs.push((manager, me.clone(), format!("With {name} (your manager)")));
            }
            pairs
        })
    };
    view! {
        <section class="card" aria-labelledby="check-ins-heading">
            <h2 id="check-ins-heading">"Check-ins"</h2>
            <p class="item-meta">
                "A shared agenda, notes and action items for each 1:1. They work with no network; open ones before a meeting without Wi-Fi."
            </p>
            <Show
                when=move || !pairs().is_empty()
                fallback=|| {
                    view! {
                        <p class="item-meta">
                            "No one reports to you, and you have no manager in the workspace."
                        </p>
                    }
                }
            >
                <ul class="plain-list" data-testid="check-in-pairs">
                    <For each=pairs key=|p| p.clone() let((manager, employee, label))>
                        {
                            let open = move |_| {
                                let (manager, employee) = (manager.clone(), employee.clone());
                                leptos::task::spawn_local(async move {
                                    match reviews.series(&manager, &employee).await {
                                        Ok(id) => go.run(href(&format!("/check-ins/{id}"))),
                                        Err(reason) => error.set(Some(reason)),
                                    }
                                });
                            };
                            view! {
                                <li class="list-row">
                                    <span>{label.clone()}</span>
                                    <button
                                        type="button"
                                        class="button"
                                        on:click=open
                                        aria-label=format!("Open check-ins: {label}")
                                    >
                                        "Open check-ins"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
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
        </section>
    }
}

/// Feedback the person using this device was asked for, from the feedback documents it
/// holds (each its own, see `review::AskedFeedback`).
#[component]
fn FeedbackAskedOfMe() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let asked = move || {
        let Some(me) = state.me.get() else {
            return Vec::new();
        };
        let mut mine: Vec<_> = reviews.asked.opened.with(|opened| {
            opened
                .values()
                .filter_map(|document| {
                    document.view.with(|a| {
                        let a = a.as_ref().filter(|a| a.writer == me)?;
                        let status = match (a.is_written(), a.closed) {
                            (true, _) => "written",
                            (false, true) => "closed: the review was shared",
                            (false, false) => "not written yet",
                        };
                        Some((
                            a.requested_at,
                            document.id.to_string(),
                            state.workspace.with(|ws| ws.name_of(&a.employee)),
                            status.to_owned(),
                        ))
                    })
                })
                .collect()
        });
        mine.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        mine.into_iter()
            .map(|(_, document, name, status)| (document, name, status))
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !asked().is_empty()>
            <section class="card" aria-labelledby="asked-heading">
                <h2 id="asked-heading">"Feedback asked of you"</h2>
                <ul class="plain-list" data-testid="feedback-asked">
                    <For each=asked key=|a| a.clone() let((document, name, status))>
                        <li class="list-row">
                            <A href=href(
                                &format!("/feedback/{document}"),
                            )>{format!("Feedback for {name}")}</A>
                            <span class="item-meta">{status}</span>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
