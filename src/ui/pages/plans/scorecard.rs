//! The scorecard: goals, objectives and measures in one table with target, latest
//! actual, trend, RAG and owner. (Initiatives are in the board pack, not here: each row
//! is redrawn work on every edit of a 1,000-objective plan.) Rows are keyed by their content, so an edit redraws only
//! the rows it changed (the figure `cargo xtask bench` measures).

use leptos::prelude::*;

use super::goals::RollupMemo;
use crate::model::plan::{parse_date, parse_number, Plan, Rag, Rollup};
use crate::model::Workspace;
use crate::ui::components::HealthTag;
use crate::ui::format::today;
use crate::ui::{PlanDocument, WorkspaceState};

/// Rows drawn at once when the table appears (more than a screen), then per frame.
const FIRST_ROWS: usize = 120;
const ROWS_PER_FRAME: usize = 300;

/// What a row is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum RowKind {
    Goal,
    Objective,
    Measure,
}

/// One row of the scorecard, as text.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ScorecardRow {
    pub id: String,
    pub kind: RowKind,
    pub name: String,
    pub target: String,
    pub latest: String,
    pub trend: String,
    pub rag: Option<Rag>,
    pub owner: String,
}

/// The rows of `plan`'s scorecard, in the plan's order.
pub fn scorecard_rows(plan: &Plan, rollup: &Rollup, workspace: &Workspace) -> Vec<ScorecardRow> {
    let name_of = |id: Option<&crate::model::PersonId>| {
        id.and_then(|p| workspace.person(p).map(|p| p.name.clone()))
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    // The tree read once: asking the plan for each objective's measures scans them all.
    let outline = plan.outline();
    for (goal_id, goal) in plan.goals_in_order() {
        let health = rollup.goals.get(goal_id);
        rows.push(ScorecardRow {
            id: goal_id.to_string(),
            kind: RowKind::Goal,
            name: goal.title.clone(),
            target: String::new(),
            latest: health.map(|h| h.progress_text()).unwrap_or_default(),
            trend: String::new(),
            rag: health.and_then(|h| h.rag),
            owner: String::new(),
        });
        for &(objective_id, objective) in outline.objectives_of(goal_id) {
            let health = rollup.objectives.get(objective_id);
            rows.push(ScorecardRow {
                id: objective_id.to_string(),
                kind: RowKind::Objective,
                name: objective.title.clone(),
                target: objective
                    .due
                    .clone()
                    .map(|d| format!("Due {d}"))
                    .unwrap_or_default(),
                latest: health.map(|h| h.progress_text()).unwrap_or_default(),
                trend: String::new(),
                rag: health.and_then(|h| h.rag),
                owner: name_of(objective.owner.as_ref()),
            });
            for &(measure_id, measure) in outline.measures_of(objective_id) {
                rows.push(ScorecardRow {
                    id: measure_id.to_string(),
                    kind: RowKind::Measure,
                    name: measure.name.clone(),
                    target: measure.value_text(measure.target),
                    latest: measure
                        .latest()
                        .map(|(d, v)| format!("{} ({d})", measure.value_text(v)))
                        .unwrap_or_else(|| "—".to_owned()),
                    trend: measure
                        .trend()
                        .map(|t| format!("{} {}", t.arrow(), t.label()))
                        .unwrap_or_default(),
                    rag: measure.rag(),
                    // A measure's own owner; else whoever owns its objective.
                    owner: name_of(measure.owner.as_ref().or(objective.owner.as_ref())),
                });
            }
        }
    }
    rows
}

/// The scorecard table for the plan in context (also used by the board report). With
/// `on_pick`, a measure's name is a button that picks it (to record an actual).
#[component]
pub fn ScorecardTable(
    /// Called with a measure's id and name when its name is pressed.
    #[prop(optional)]
    on_pick: Option<Callback<(String, String)>>,
) -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let rollup = expect_context::<RollupMemo>();
    let rows = Memo::new(move |_| {
        rollup.with(|rollup| {
            state.workspace.with(|ws| {
                document.view.with(|p| {
                    p.as_ref()
                        .map(|p| scorecard_rows(p, rollup, ws))
                        .unwrap_or_default()
                })
            })
        })
    });
    // A large plan's table is drawn a screenful first and the rest a batch per frame, so
    // the first rows paint at once instead of after every row is built. Once all are
    // drawn, an edit redraws only the rows it changed (keyed by content).
    let shown = RwSignal::new(FIRST_ROWS);
    Effect::new(move |_| {
        let (now, total) = (shown.get(), rows.with(Vec::len));
        if now < total {
            request_animation_frame(move || shown.update(|n| *n += ROWS_PER_FRAME));
        }
    });
    let visible = move || {
        let count = shown.get();
        rows.with(|rows| rows.iter().take(count).cloned().collect::<Vec<_>>())
    };
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Scorecard">
            <table class="table scorecard" data-testid="scorecard">
                <thead>
                    <tr>
                        <th scope="col">"Goal / objective / measure"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Latest"</th>
                        <th scope="col">"Trend"</th>
                        <th scope="col">"RAG"</th>
                        <th scope="col">"Owner"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=visible key=|row| row.clone() let:row>
                        {
                            let class = match row.kind {
                                RowKind::Goal => "row-goal",
                                RowKind::Objective => "row-objective",
                                RowKind::Measure => "row-measure",
                            };
                            let name = match (row.kind, on_pick) {
                                (RowKind::Measure, Some(pick)) => {
                                    let picked = (row.id.clone(), row.name.clone());
                                    let label = format!("Record an actual of {}", row.name);
                                    view! {
                                        <button
                                            type="button"
                                            class="link-button"
                                            aria-label=label
                                            on:click=move |_| pick.run(picked.clone())
                                        >
                                            {row.name}
                                        </button>
                                    }
                                        .into_any()
                                }
                                _ => row.name.into_any(),
                            };
                            view! {
                                <tr class=class data-id=row.id>
                                    <th scope="row">{name}</th>
                                    <td>{row.target}</td>
                                    <td>{row.latest}</td>
                                    <td>{row.trend}</td>
                                    <td>
                                        <HealthTag rag=row.rag />
                                    </td>
                                    <td>{row.owner}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ScorecardSection() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    // The measure whose actual is being recorded: its id and name.
    let picked = RwSignal::new(None::<(String, String)>);
    let date = RwSignal::new(today());
    // A value typed and not yet recorded is kept through a reload.
    let value_draft = crate::ui::Draft::new(format!("scorecard-actual-{}", document.id));
    let value = value_draft.text();
    let message = RwSignal::new(None::<Result<String, String>>);
    let record = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some((id, name)) = picked.get_untracked() else {
            return;
        };
        let id = crate::model::ItemId::from(id);
        let checked = parse_date(&date.get_untracked())
            .and_then(|d| parse_number(&value.get_untracked()).map(|v| (d, v)));
        let result = checked.map_err(|e| e.to_string()).and_then(|(d, v)| {
            document.edit("Record an actual", |plan| plan.record_actual(&id, &d, v))
        });
        if result.is_ok() {
            value_draft.clear();
        }
        message.set(Some(result.map(|()| format!("Recorded for {name}."))));
    };
    let pick = Callback::new(move |measure: (String, String)| {
        picked.set(Some(measure));
        message.set(None);
        // The value field is where the person types next.
        request_animation_frame(|| {
            if let Some(field) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("scorecard-value"))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = field.focus();
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="scorecard-heading">
            <h2 id="scorecard-heading">"Scorecard"</h2>
            <p class="item-meta">
                "For goals and objectives, “Latest” is their rolled-up progress. Press a measure's name to record an actual."
            </p>
            {move || {
                picked
                    .get()
                    .map(|(_, name)| {
                        view! {
                            <form
                                class="inline-form actual-entry"
                                on:submit=record
                                aria-label="Record an actual"
                            >
                                <strong>{name}</strong>
                                <label for="scorecard-date">"Date"</label>
                                <input id="scorecard-date" type="date" bind:value=date />
                                <label for="scorecard-value">"Value"</label>
                                <input
                                    id="scorecard-value"
                                    type="text"
                                    inputmode="decimal"
                                    autocomplete="off"
                                    bind:value=value
                                    aria-invalid=move || {
                                        value
                                            .with(|v| !v.is_empty() && parse_number(v).is_err())
                                            .to_string()
                                    }
                                />
                                <button type="submit" class="button primary">
                                    "Record"
                                </button>
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| picked.set(None)
                                >
                                    "Close"
                                </button>
                            </form>
                        }
                    })
            }}
            <crate::ui::components::FormMessage message=message />
            <ScorecardTable on_pick=pick />
        </section>
    }
}
