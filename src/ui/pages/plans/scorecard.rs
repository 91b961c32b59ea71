//! The scorecard: goals, objectives and measures in one table with target, latest
//! actual, trend, RAG and owner. (Initiatives are in the board pack, not here: each row
//! is compared at every edit of a 1,000-objective plan.) Each row is made from what it
//! shows and keyed by a version of that (`ScorecardRows`), so an edit formats and redraws
//! only the rows it changed (the figure `cargo xtask bench` measures). A table keeps what
//! each row was made from (a copy of each measure, actuals included) to compare with.

use std::borrow::Cow;
use std::rc::Rc;

use leptos::prelude::*;

use super::goals::RollupMemo;
use crate::model::plan::{parse_date, parse_number, Health, Measure, Plan, Rag, Rollup};
use crate::model::{ItemId, PersonId, Workspace};
use crate::ui::components::HealthTag;
use crate::ui::format::today;
use crate::ui::row_versions::{RowContent, RowVersions};
use crate::ui::{PlanDocument, WorkspaceState};

/// Rows drawn at once when the table appears (more than a screen), then per frame.
const FIRST_ROWS: usize = 120;
const ROWS_PER_FRAME: usize = 300;

/// What a row is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RowKind {
    Goal,
    Objective,
    Measure,
}

/// One row of the scorecard, as text.
#[derive(Clone, PartialEq, Eq, Debug)]
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

/// What one row is made from, as the table reads it from the plan, its rollup and the
/// workspace (borrowed), or as a row keeps it to tell whether it changed (owned).
#[derive(Clone, PartialEq, Debug)]
enum RowSource<'a> {
    Goal {
        id: Cow<'a, ItemId>,
        title: Cow<'a, str>,
        health: Option<Health>,
    },
    Objective {
        id: Cow<'a, ItemId>,
        title: Cow<'a, str>,
        due: Option<Cow<'a, str>>,
        health: Option<Health>,
        owner: Cow<'a, str>,
    },
    Measure {
        id: Cow<'a, ItemId>,
        measure: Cow<'a, Measure>,
        /// The measure's own owner's name; else its objective's owner's.
        owner: Cow<'a, str>,
    },
}

impl RowSource<'_> {
    /// The same source, owning what it borrowed (kept by a row to compare with later).
    fn into_owned(self) -> RowSource<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        let own_id = |id: Cow<'_, ItemId>| Cow::Owned(id.into_owned());
        match self {
            RowSource::Goal { id, title, health } => RowSource::Goal {
                id: own_id(id),
                title: own(title),
                health,
            },
            RowSource::Objective {
                id,
                title,
                due,
                health,
                owner,
            } => RowSource::Objective {
                id: own_id(id),
                title: own(title),
                due: due.map(own),
                health,
                owner: own(owner),
            },
            RowSource::Measure { id, measure, owner } => RowSource::Measure {
                id: own_id(id),
                measure: Cow::Owned(measure.into_owned()),
                owner: own(owner),
            },
        }
    }

    /// The row's text.
    fn row(&self) -> ScorecardRow {
        match self {
            RowSource::Goal { id, title, health } => {
                Self::rolled_up(id, RowKind::Goal, title, String::new(), health, "")
            }
            RowSource::Objective {
                id,
                title,
                due,
                health,
                owner,
            } => {
                let target = due.as_ref().map(|d| format!("Due {d}")).unwrap_or_default();
                Self::rolled_up(id, RowKind::Objective, title, target, health, owner)
            }
            RowSource::Measure { id, measure, owner } => ScorecardRow {
                id: id.to_string(),
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
                owner: owner.to_string(),
            },
        }
    }

    /// The text of a goal's or objective's row: its rolled-up progress is its "latest".
    fn rolled_up(
        id: &ItemId,
        kind: RowKind,
        name: &str,
        target: String,
        health: &Option<Health>,
        owner: &str,
    ) -> ScorecardRow {
        ScorecardRow {
            id: id.to_string(),
            kind,
            name: name.to_owned(),
            target,
            latest: health
                .as_ref()
                .map(Health::progress_text)
                .unwrap_or_default(),
            trend: String::new(),
            rag: health.as_ref().and_then(|h| h.rag),
            owner: owner.to_owned(),
        }
    }
}

/// What a row showed: what it was made from, and its text (shared with the row drawn).
struct ShownRow {
    source: RowSource<'static>,
    row: Rc<ScorecardRow>,
}

impl<'a> RowContent<RowSource<'a>> for ShownRow {
    fn is(&self, shown: &RowSource<'a>) -> bool {
        self.source == *shown
    }

    fn kept(shown: &RowSource<'a>) -> Self {
        Self {
            row: Rc::new(shown.row()),
            source: shown.clone().into_owned(),
        }
    }
}

/// The scorecard's rows, followed across edits: each row keeps the version of what it
/// is made from, so an edit formats again only the rows whose goal, objective, measure,
/// rolled-up health or owner's name changed, and a table keyed by the versions redraws
/// only those.
///
/// ```ignore
/// // (browser only; tested in tests/browser_scorecard.rs)
/// let mut rows = ScorecardRows::default();
/// let keys = rows.follow(&plan, &plan.rollup(&today), &workspace);
/// let first = rows.row(&keys[0].0); // the first goal's row, as text
/// ```
#[derive(Default)]
pub struct ScorecardRows {
    versions: RowVersions<ItemId, ShownRow>,
}

impl ScorecardRows {
    /// Every row of `plan`'s scorecard, in the plan's order, as its item's id and the
    /// version of what it shows.
    pub fn follow(
        &mut self,
        plan: &Plan,
        rollup: &Rollup,
        workspace: &Workspace,
    ) -> Vec<(ItemId, u64)> {
        let name_of = |id: Option<&PersonId>| -> Cow<'_, str> {
            id.and_then(|p| workspace.person(p))
                .map_or(Cow::Borrowed(""), |p| Cow::Borrowed(p.name.as_str()))
        };
        let mut rows = Vec::new();
        // The tree read once: asking the plan for each objective's measures scans them all.
        let outline = plan.outline();
        for (goal_id, goal) in plan.goals_in_order() {
            rows.push((
                goal_id,
                RowSource::Goal {
                    id: Cow::Borrowed(goal_id),
                    title: Cow::Borrowed(&goal.title),
                    health: rollup.goals.get(goal_id).cloned(),
                },
            ));
            for &(objective_id, objective) in outline.objectives_of(goal_id) {
                rows.push((
                    objective_id,
                    RowSource::Objective {
                        id: Cow::Borrowed(objective_id),
                        title: Cow::Borrowed(&objective.title),
                        due: objective.due.as_deref().map(Cow::Borrowed),
                        health: rollup.objectives.get(objective_id).cloned(),
                        owner: name_of(objective.owner.as_ref()),
                    },
                ));
                for &(measure_id, measure) in outline.measures_of(objective_id) {
                    rows.push((
                        measure_id,
                        RowSource::Measure {
                            id: Cow::Borrowed(measure_id),
                            measure: Cow::Borrowed(measure),
                            owner: name_of(measure.owner.as_ref().or(objective.owner.as_ref())),
                        },
                    ));
                }
            }
        }
        self.versions.follow(rows)
    }

    /// The text of the row of item `id`, as last followed.
    pub fn row(&self, id: &ItemId) -> Option<Rc<ScorecardRow>> {
        self.versions.content(id).map(|shown| Rc::clone(&shown.row))
    }
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
    // Keyed by each row's version (`ScorecardRows`), not by a copy of each row's text: an
    // edit compares what each row is made from in place, and formats, clones and redraws
    // only the rows it changed.
    let followed = StoredValue::new_local(ScorecardRows::default());
    let rows = Memo::new(move |_| {
        rollup.with(|rollup| {
            state.workspace.with(|ws| {
                document.view.with(|p| {
                    p.as_ref()
                        .and_then(|p| followed.try_update_value(|rows| rows.follow(p, rollup, ws)))
                        .unwrap_or_default()
                })
            })
        })
    });
    // A large plan's table is drawn a screenful first and the rest a batch per frame, so
    // the first rows paint at once instead of after every row is built. Once all are
    // drawn, an edit redraws only the rows it changed.
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
                    <For each=visible key=|(_, version)| *version let:entry>
                        {
                            let row = followed.with_value(|rows| rows.row(&entry.0));
                            row.map(|row| scorecard_row(&row, on_pick))
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// One row of the table, drawn from its text. With `on_pick`, a measure's name is a
/// button that picks it.
fn scorecard_row(row: &ScorecardRow, on_pick: Option<Callback<(String, String)>>) -> impl IntoView {
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
                    {row.name.clone()}
                </button>
            }
            .into_any()
        }
        _ => row.name.clone().into_any(),
    };
    view! {
        <tr class=class data-id=row.id.clone()>
            <th scope="row">{name}</th>
            <td>{row.target.clone()}</td>
            <td>{row.latest.clone()}</td>
            <td>{row.trend.clone()}</td>
            <td>
                <HealthTag rag=row.rag />
            </td>
            <td>{row.owner.clone()}</td>
        </tr>
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
