//! The strategy map: the SWOT items the plan answers, its objectives and its goals as a
//! graph, drawn as SVG. Objectives sit in the middle, each joined to its goal on the right
//! and to the SWOT items it answers on the left; each box shows its health by a word and
//! a border, so the map reads on a tablet and in print.
//!
//! Nothing is cut off: a long title wraps onto as many lines as it needs (`wrap_words`,
//! one `<tspan>` a line) and its box grows to hold them, the boxes of a column stacking
//! by their heights. The type is sized so that the map, printed across an A4 page's text
//! width (`style/report.css` makes it fit), still has 9 pt text; the size is each text's
//! `font-size` attribute (the page's policy allows no inline styles), its look the
//! `map-text-*` classes.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::plan::{
    chars_per_line, legible_font_size, wrap_words, Plan, Rag, PRINTED_TEXT_WIDTH_PX,
};
use crate::model::ItemId;
use crate::ui::format::today;
use crate::ui::PlanDocument;

const BOX_W: f64 = 260.0;
/// Between the columns, where the lines run.
const GAP_X: f64 = 60.0;
/// Between two boxes of a column, and between two goals' groups.
const GAP_Y: f64 = 12.0;
const GROUP_GAP: f64 = 24.0;
/// Inside a box, around its text.
const PAD: f64 = 8.0;
const MARGIN: f64 = 10.0;
const SWOT_X: f64 = MARGIN;
const OBJECTIVE_X: f64 = SWOT_X + BOX_W + GAP_X;
const GOAL_X: f64 = OBJECTIVE_X + BOX_W + GAP_X;
const WIDTH: f64 = GOAL_X + BOX_W + MARGIN;

/// The map's type size, in its own units: it prints across an A4 page's text width (the
/// print style makes it fit), and its text is at least 9 pt there.
fn font_size() -> f64 {
    legible_font_size(WIDTH, PRINTED_TEXT_WIDTH_PX)
}

fn rag_key(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Green) => "green",
        Some(Rag::Amber) => "amber",
        Some(Rag::Red) => "red",
        None => "none",
    }
}

/// A box of the map, its text broken into the lines it needs (never cut off): the box is
/// as tall as its lines.
struct MapBox {
    title: String,
    detail: String,
    title_lines: Vec<String>,
    detail_lines: Vec<String>,
    rag: &'static str,
    kind: &'static str,
    height: f64,
}

/// Sizes of the text, in the map's units.
#[derive(Clone, Copy)]
struct Type {
    font: f64,
    line: f64,
    chars: usize,
}

impl Type {
    fn new() -> Self {
        let font = font_size();
        Self {
            font,
            line: font * 1.25,
            chars: chars_per_line(BOX_W - 2.0 * PAD, font),
        }
    }

    fn boxed(self, title: String, detail: String, rag: &'static str, kind: &'static str) -> MapBox {
        let title_lines = wrap_words(&title, self.chars);
        let detail_lines = wrap_words(&detail, self.chars);
        let lines = (title_lines.len() + detail_lines.len()) as f64;
        MapBox {
            height: lines * self.line + 2.0 * PAD,
            title,
            detail,
            title_lines,
            detail_lines,
            rag,
            kind,
        }
    }
}

/// A box of the map at (`x`, `y`).
fn node(x: f64, y: f64, b: MapBox, t: Type) -> impl IntoView {
    let first = y + PAD + t.font * 0.95;
    let line_y = move |i: usize| first + i as f64 * t.line;
    let titles = b.title_lines.len();
    let title_lines = b
        .title_lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            view! {
                <tspan x=x + PAD y=line_y(i)>
                    {line}
                </tspan>
            }
        })
        .collect_view();
    let detail_lines = b
        .detail_lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            view! {
                <tspan x=x + PAD y=line_y(titles + i)>
                    {line}
                </tspan>
            }
        })
        .collect_view();
    view! {
        <g class=format!("map-node map-{}", b.kind) data-rag=b.rag>
            <title>{format!("{} — {}", b.title, b.detail)}</title>
            <rect x=x y=y width=BOX_W height=b.height rx="6" />
            <text class="map-text map-text-title" font-size=t.font>
                {title_lines}
            </text>
            <text class="map-text map-text-detail" font-size=t.font>
                {detail_lines}
            </text>
        </g>
    }
}

fn edge(from: (f64, f64), to: (f64, f64)) -> impl IntoView {
    let middle = (from.0 + to.0) / 2.0;
    let d = format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        from.0, from.1, middle, from.1, middle, to.1, to.0, to.1
    );
    view! { <path class="map-edge" d=d fill="none" /> }
}

fn map(plan: &Plan, today: &str) -> impl IntoView {
    let rollup = plan.rollup(today);
    let t = Type::new();
    let top = t.font * 2.5;
    // Objectives in the middle, grouped by goal; each goal beside its objectives.
    let mut objective_mid: HashMap<&ItemId, f64> = HashMap::new();
    let mut objectives = Vec::new();
    let mut goals = Vec::new();
    let mut y = top;
    for (goal_id, goal) in plan.goals_in_order() {
        let group_top = y;
        let mut mids = Vec::new();
        let mut below = group_top;
        for (objective_id, objective) in plan.objectives_of(goal_id) {
            let health = rollup
                .objectives
                .get(objective_id)
                .cloned()
                .unwrap_or_default();
            let detail = format!("{} · {}", health.rag_label(), health.progress_text());
            let b = t.boxed(
                objective.title.clone(),
                detail,
                rag_key(health.rag),
                "objective",
            );
            let mid = below + b.height / 2.0;
            objective_mid.insert(objective_id, mid);
            mids.push(mid);
            below += b.height + GAP_Y;
            objectives.push((below - b.height - GAP_Y, b));
        }
        let objectives_span = if mids.is_empty() {
            0.0
        } else {
            below - GAP_Y - group_top
        };
        let health = rollup.goals.get(goal_id).cloned().unwrap_or_default();
        let detail = format!("Goal · {} · {}", health.rag_label(), health.progress_text());
        let b = t.boxed(goal.title.clone(), detail, rag_key(health.rag), "goal");
        let span = objectives_span.max(b.height);
        goals.push((group_top + (span - b.height) / 2.0, b, mids));
        y = group_top + span + GROUP_GAP;
    }
    // SWOT items and PESTLE factors that some objective answers.
    let mut answered = Vec::new();
    for (_, item) in plan.swot.iter() {
        if !item.objectives.is_empty() {
            answered.push((
                item.quadrant.label(),
                item.text.clone(),
                item.objectives.keys().collect::<Vec<_>>(),
            ));
        }
    }
    for (_, factor) in plan.pestle.iter() {
        if !factor.objectives.is_empty() {
            answered.push((
                factor.category.label(),
                factor.text.clone(),
                factor.objectives.keys().collect::<Vec<_>>(),
            ));
        }
    }
    answered.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    let answered_count = answered.len();

    let mut edges = Vec::new();
    let mut swot_nodes = Vec::new();
    let mut swot_y = top;
    for (kind, text, links) in answered {
        let b = t.boxed(text, kind.to_owned(), "none", "swot");
        let mid = swot_y + b.height / 2.0;
        for objective in links {
            if let Some(to) = objective_mid.get(objective) {
                edges.push(edge((SWOT_X + BOX_W, mid), (OBJECTIVE_X, *to)).into_any());
            }
        }
        let height = b.height;
        swot_nodes.push(node(SWOT_X, swot_y, b, t).into_any());
        swot_y += height + GAP_Y;
    }
    let mut goal_nodes = Vec::new();
    for (goal_y, b, mids) in goals {
        let mid = goal_y + b.height / 2.0;
        for from in mids {
            edges.push(edge((OBJECTIVE_X + BOX_W, from), (GOAL_X, mid)).into_any());
        }
        goal_nodes.push(node(GOAL_X, goal_y, b, t).into_any());
    }
    let objective_nodes = objectives
        .into_iter()
        .map(|(y, b)| node(OBJECTIVE_X, y, b, t).into_any())
        .collect_view();
    let height = y.max(swot_y) + MARGIN;
    let label = format!(
        "Strategy map: {} goals, {} objectives, {} environment items answered",
        plan.goals.len(),
        plan.objectives.len(),
        answered_count
    );
    let aria = label.clone();
    let heading_y = t.font * 1.3;
    view! {
        <div class="map-wrap" tabindex="0" role="region" aria-label="Strategy map">
            <svg
                class="strategy-map"
                viewBox=format!("0 0 {WIDTH} {height}")
                width=WIDTH
                role="img"
                aria-label=aria
            >
                <title>{label}</title>
                <text class="map-text map-text-column" font-size=t.font x=SWOT_X y=heading_y>
                    "Environment"
                </text>
                <text class="map-text map-text-column" font-size=t.font x=OBJECTIVE_X y=heading_y>
                    "Objectives"
                </text>
                <text class="map-text map-text-column" font-size=t.font x=GOAL_X y=heading_y>
                    "Goals"
                </text>
                {edges}
                {swot_nodes}
                {objective_nodes}
                {goal_nodes}
            </svg>
        </div>
    }
}

#[component]
pub fn StrategyMap() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    move || document.view.with(|p| p.as_ref().map(|p| map(p, &today())))
}

#[component]
pub fn StrategyMapSection() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="map-heading">
            <h2 id="map-heading">"Strategy map"</h2>
            <p class="item-meta">
                "Link SWOT items and PESTLE factors to objectives (Environment, or an objective's “Answers…”) to draw their lines. The map scrolls sideways on a narrow screen."
            </p>
            <StrategyMap />
        </section>
    }
}
