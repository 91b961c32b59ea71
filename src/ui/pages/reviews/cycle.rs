//! A review cycle: each participant's review, its stage and who is late, the ratings as
//! CSV, and the way into calibration. Visiting the page opens every review of the cycle
//! on this device.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::model::review::{ratings_csv, Review, Stage};
use crate::model::{ItemId, PersonId};
use crate::ui::files::{download, file_stem};
use crate::ui::format::today;
use crate::ui::{href, ReviewsState, WorkspaceState};

/// The cycle named by the route's `:cycle`, as a signal.
pub fn cycle_param() -> Memo<ItemId> {
    let params = use_params_map();
    Memo::new(move |_| ItemId::from(params.with(|p| p.get("cycle").unwrap_or_default())))
}

/// The reviews of a cycle that are open on this device, with their document ids.
pub fn cycle_reviews(cycle: Memo<ItemId>) -> Memo<Vec<(String, Review)>> {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    Memo::new(move |_| {
        let urls: Vec<String> = state.workspace.with(|ws| {
            ws.cycles
                .get(&cycle.get())
                .map(|c| c.reviews.values().cloned().collect())
                .unwrap_or_default()
        });
        let opened = reviews.reviews.opened.get();
        urls.iter()
            .filter_map(|url| crate::store::DocumentId::from_url(url).ok())
            .filter_map(|id| {
                let document = opened.get(&id)?;
                document.view.get().map(|review| (id.to_string(), review))
            })
            .collect()
    })
}

/// A person's name, or a note that they left the workspace.
pub fn person_name(state: &WorkspaceState, person: &PersonId) -> String {
    state.workspace.with_untracked(|ws| {
        ws.person(person)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "Someone no longer here".to_owned())
    })
}

#[component]
pub fn CyclePage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let cycle = cycle_param();
    Effect::new(move |_| reviews.open_cycle(&cycle.get()));
    let details = move || {
        state
            .workspace
            .with(|ws| ws.cycles.get(&cycle.get()).cloned())
    };
    let opened = cycle_reviews(cycle);
    let rows = move || {
        let Some(details) = details() else {
            return Vec::new();
        };
        let today = today();
        let mut rows: Vec<_> = opened
            .get()
            .into_iter()
            .map(|(id, review)| {
                let manager = review
                    .manager
                    .as_ref()
                    .map(|m| person_name(&state, m))
                    .unwrap_or_default();
                (
                    person_name(&state, &review.employee),
                    id,
                    manager,
                    review.stage.label().to_owned(),
                    review
                        .overall
                        .map(|v| review.scale.describe(v))
                        .unwrap_or_else(|| "—".to_owned()),
                    details.late(&review, &today),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let stage_counts = move || {
        let reviews = opened.get();
        Stage::ALL
            .iter()
            .map(|stage| {
                (
                    stage.label(),
                    reviews.iter().filter(|(_, r)| r.stage == *stage).count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .map(|(label, n)| format!("{label}: {n}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let late_count = move || rows().iter().filter(|r| r.5.is_some()).count();
    let export_csv = move |_| {
        let Some(details) = details() else { return };
        let list: Vec<Review> = opened.get_untracked().into_iter().map(|(_, r)| r).collect();
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
                None => view! {
                    <header class="page-header"><h1 id="cycle-heading">"Review cycle not found"</h1></header>
                    <p>"This cycle is not in the workspace. "<A href=href("/reviews")>"Back to reviews"</A></p>
                }.into_any(),
                Some(cycle_details) => view! {
                    <header class="page-header">
                        <p class="breadcrumb"><A href=href("/reviews")>"Reviews"</A></p>
                        <h1 id="cycle-heading">{cycle_details.name.clone()}</h1>
                        <p class="page-summary">{format!(
                            "{} to {} · self reviews due {}, manager reviews {}, calibration {}, sign-off {}",
                            cycle_details.period_start, cycle_details.period_end, cycle_details.deadlines.self_review,
                            cycle_details.deadlines.manager_review, cycle_details.deadlines.calibration, cycle_details.deadlines.sign_off
                        )}</p>
                    </header>
                    <div class="button-row">
                        <A href=href(&format!("/reviews/cycles/{}/calibration", cycle.get_untracked())) attr:class="button primary">"Calibration"</A>
                        <button type="button" class="button" on:click=export_csv>"Download ratings (CSV)"</button>
                    </div>
                    <p class="item-meta" role="status">{move || {
                        let total = cycle_details.reviews.len();
                        let open = opened.with(Vec::len);
                        let loading = if open < total { format!("Opening reviews: {open} of {total}. ") } else { String::new() };
                        format!("{loading}{} · {} late", stage_counts(), late_count())
                    }}</p>
                }.into_any(),
            }}
            <div class="table-wrap">
                <table class="table" data-testid="cycle-reviews">
                    <caption class="visually-hidden">"Reviews in this cycle"</caption>
                    <thead><tr><th scope="col">"Employee"</th><th scope="col">"Manager"</th><th scope="col">"Stage"</th><th scope="col">"Overall"</th><th scope="col">"Late"</th></tr></thead>
                    <tbody>
                        <For each=rows key=|r| r.clone() let((name, id, manager, stage, overall, late))>
                            <tr class:late=late.is_some() data-late=late.clone()>
                                <th scope="row"><A href=href(&format!("/reviews/{id}"))>{name}</A></th>
                                <td>{manager}</td>
                                <td>{stage}</td>
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
