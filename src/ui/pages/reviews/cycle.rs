//! A review cycle: each participant's review, its stage and who is late, the ratings as
//! CSV, and the way into calibration. Visiting the page opens every review of the cycle
//! on this device.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::model::review::{ratings_csv, Review, Stage};
use crate::model::{ItemId, PersonId};
use crate::store::DocumentId;
use crate::ui::files::{download, file_stem};
use crate::ui::format::today;
use crate::ui::{href, ReviewDocument, ReviewsState, WorkspaceState};

/// The cycle named by the route's `:cycle`, as a signal.
pub fn cycle_param() -> Memo<ItemId> {
    let params = use_params_map();
    Memo::new(move |_| ItemId::from(params.with(|p| p.get("cycle").unwrap_or_default())))
}

/// The review documents of a cycle: (id, document once open), in the cycle's order.
/// Recomputed when the cycle's list or the set of open documents changes, not on edits.
pub fn cycle_documents(cycle: Memo<ItemId>) -> Memo<Vec<(DocumentId, Option<ReviewDocument>)>> {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    // Parsing 500 URLs is done once per change of the cycle's list.
    let ids = Memo::new(move |_| {
        state.workspace.with(|ws| {
            ws.cycles
                .get(&cycle.get())
                .map(|c| {
                    c.reviews
                        .values()
                        .filter_map(|url| DocumentId::from_url(url).ok())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    Memo::new(move |_| {
        let opened = reviews.reviews.opened.get();
        ids.get()
            .into_iter()
            .map(|id| (id, opened.get(&id).copied()))
            .collect()
    })
}

/// Everyone's name by id.
#[derive(Clone, PartialEq)]
pub struct Names(std::collections::HashMap<PersonId, String>);

impl Names {
    /// A person's name, or a note that they left the workspace.
    pub fn of(&self, person: &PersonId) -> String {
        self.0
            .get(person)
            .cloned()
            .unwrap_or_else(|| crate::model::NO_LONGER_HERE.to_owned())
    }
}

/// Everyone's name, read once per change of the workspace (a page of 500 reviews looks
/// up 500 names on every redraw).
pub fn names() -> Memo<Names> {
    let state = expect_context::<WorkspaceState>();
    Memo::new(move |_| {
        state.workspace.with(|ws| {
            Names(
                ws.people
                    .iter()
                    .map(|(id, p)| (id.clone(), p.name.clone()))
                    .collect(),
            )
        })
    })
}

/// What `each` makes of every open review of a cycle, read in place (no copies of whole
/// reviews, which a 500-review cycle would make on every change), with everyone's name.
/// Tracks the names, the cycle's documents and each review.
pub fn each_review<T>(
    documents: Memo<Vec<(DocumentId, Option<ReviewDocument>)>>,
    names: Memo<Names>,
    mut each: impl FnMut(&Names, &DocumentId, &Review) -> Option<T>,
) -> Vec<T> {
    names.with(|names| {
        documents.with(|documents| {
            documents
                .iter()
                .filter_map(|(id, document)| {
                    document
                        .as_ref()?
                        .view
                        .with(|review| each(names, id, review.as_ref()?))
                })
                .collect()
        })
    })
}

/// A person's name, or a note that they left the workspace.
pub fn person_name(state: &WorkspaceState, person: &PersonId) -> String {
    state.workspace.with_untracked(|ws| ws.name_of(person))
}

#[component]
pub fn CyclePage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let reviews = expect_context::<ReviewsState>();
    let cycle = cycle_param();
    Effect::new(move |_| reviews.open_cycle(&cycle.get()));
    // HR sees every review of the cycle, a manager their own people's, nobody else any:
    // the rows, the ratings and the CSV all ask `model::access`.
    let access = identity.access;
    let overview = move || access.with(|a| a.may_see_cycle_overview());
    let details = move || {
        state
            .workspace
            .with(|ws| ws.cycles.get(&cycle.get()).cloned())
    };
    let documents = cycle_documents(cycle);
    let names = names();
    let deadlines = Memo::new(move |_| {
        state
            .workspace
            .with(|ws| ws.cycles.get(&cycle.get()).map(|c| c.deadlines.clone()))
    });
    // One row per open review, read straight from each review (no copies of whole
    // reviews): name, document id, manager, stage, overall, why late.
    let rows = Memo::new(move |_| {
        let Some(deadlines) = deadlines.get() else {
            return Vec::new();
        };
        let today = today();
        let access = access.get();
        let mut rows = each_review(documents, names, |names, id, review| {
            if !access.sees_review(review) {
                return None;
            }
            let rated = access.may_see_ratings_of(&review.employee);
            Some((
                names.of(&review.employee),
                id.to_string(),
                review
                    .manager
                    .as_ref()
                    .map(|m| names.of(m))
                    .unwrap_or_default(),
                review.stage,
                review
                    .overall
                    .filter(|_| rated)
                    .map(|v| review.scale.describe(v))
                    .unwrap_or_else(|| "—".to_owned()),
                deadlines.late(review, &today),
            ))
        });
        rows.sort();
        rows
    });
    let stage_counts = move || {
        rows.with(|rows| {
            Stage::ALL
                .iter()
                .map(|stage| (stage.label(), rows.iter().filter(|r| r.3 == *stage).count()))
                .filter(|(_, n)| *n > 0)
                .map(|(label, n)| format!("{label}: {n}"))
                .collect::<Vec<_>>()
                .join(" · ")
        })
    };
    let late_count = move || rows.with(|rows| rows.iter().filter(|r| r.5.is_some()).count());
    let export_csv = move |_| {
        let Some(details) = details() else { return };
        let access = access.get_untracked();
        let list: Vec<Review> = documents.with_untracked(|documents| {
            documents
                .iter()
                .filter_map(|(_, d)| d.as_ref()?.view.get_untracked())
                .map(|review| Review::clone(&review))
                .filter(|review| access.may_see_ratings_of(&review.employee))
                .collect()
        });
        let name = |p: &PersonId| person_name(&state, p);
        let csv = ratings_csv(&list, &name);
        let _ = download(
            &format!("{}.ratings.csv", file_stem(&details.name, "cycle")),
            "text/csv",
            csv.as_bytes(),
        );
    };
    view! {
        <section class="page" aria-labelledby="cycle-heading">
            {move || match details() {
                None => {
                    view! {
                        <header class="page-header">
                            <h1 id="cycle-heading">"Review cycle not found"</h1>
                        </header>
                        <p>
                            "This cycle is not in the workspace. "
                            <A href=href("/reviews")>"Back to reviews"</A>
                        </p>
                    }
                        .into_any()
                }
                Some(cycle_details) => {
                    view! {
                        <header class="page-header">
                            <p class="breadcrumb">
                                <A href=href("/reviews")>"Reviews"</A>
                            </p>
                            <h1 id="cycle-heading">{cycle_details.name.clone()}</h1>
                            <p class="page-summary">
                                {format!(
                                    "{} to {} · self reviews due {}, manager reviews {}, calibration {}, sign-off {}",
                                    cycle_details.period_start,
                                    cycle_details.period_end,
                                    cycle_details.deadlines.self_review,
                                    cycle_details.deadlines.manager_review,
                                    cycle_details.deadlines.calibration,
                                    cycle_details.deadlines.sign_off,
                                )}
                            </p>
                        </header>
                        <Show when=move || !overview()>
                            <p data-testid="cycle-not-shown">
                                "This cycle's overview, its ratings and calibration are shown to HR and to managers for their own people. Your own review is under Reviews."
                            </p>
                        </Show>
                        <div
                            class="button-row"
                            style:display=move || if overview() { "" } else { "none" }
                        >
                            <A
                                href=href(
                                    &format!(
                                        "/reviews/cycles/{}/calibration",
                                        cycle.get_untracked(),
                                    ),
                                )
                                attr:class="button primary"
                            >
                                "Calibration"
                            </A>
                            <button type="button" class="button" on:click=export_csv>
                                "Download ratings (CSV)"
                            </button>
                        </div>
                        <p class="item-meta" role="status">
                            {move || {
                                let total = cycle_details.reviews.len();
                                let open = rows.with(Vec::len);
                                let loading = if open < total {
                                    format!("Opening reviews: {open} of {total}. ")
                                } else {
                                    String::new()
                                };
                                format!("{loading}{} · {} late", stage_counts(), late_count())
                            }}
                        </p>
                    }
                        .into_any()
                }
            }}
            <super::cycle_progress::CycleProgress cycle=cycle documents=documents />
            <div class="table-wrap" tabindex="0" role="region" aria-label="Reviews in this cycle">
                <table class="table" data-testid="cycle-reviews">
                    <caption class="visually-hidden">"Reviews in this cycle"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Employee"</th>
                            <th scope="col">"Manager"</th>
                            <th scope="col">"Stage"</th>
                            <th scope="col">"Overall"</th>
                            <th scope="col">"Late"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|r| r.clone()
                            let((name, id, manager, stage, overall, late))
                        >
                            <tr class:late=late.is_some() data-late=late.clone()>
                                <th scope="row">
                                    <A href=href(&format!("/reviews/{id}"))>{name}</A>
                                </th>
                                <td>{manager}</td>
                                <td>{stage.label()}</td>
                                <td>{overall}</td>
                                <td>{late.clone().unwrap_or_default()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
