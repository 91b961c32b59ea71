//! The strategy map: the SWOT items the plan answers, its objectives and its goals as a
//! graph, drawn as SVG. Objectives sit in the middle, each joined to its goal on the right
//! and to the SWOT items it answers on the left; each box shows its health by a word and
//! a border, so the map reads on a tablet and in print.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::plan::{Plan, Rag};
use crate::model::ItemId;
use crate::ui::format::today;
use crate::ui::PlanDocument;

const BOX_W: f64 = 230.0;
const BOX_H: f64 = 44.0;
const ROW: f64 = 56.0;
const TOP: f64 = 40.0;
const SWOT_X: f64 = 10.0;
const OBJECTIVE_X: f64 = 330.0;
const GOAL_X: f64 = 650.0;
const WIDTH: f64 = GOAL_X + BOX_W + 10.0;

fn short(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 30 {
        text.to_owned()
    } else {
        format!("{}…", chars[..29].iter().collect::<String>())
    }
}

fn rag_key(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Green) => "green",
        Some(Rag::Amber) => "amber",
        Some(Rag::Red) => "red",
        None => "none",
    }
}

/// A box of the map.
fn node(
    x: f64,
    y: f64,
    title: String,
    detail: String,
    rag: &'static str,
    kind: &'static str,
) -> impl IntoView {
    view! {
        <g class=format!("map-node map-{kind}") data-rag=rag>
            <title>{format!("{title} — {detail}")}</title>
            <rect x=x y=y width=BOX_W height=BOX_H rx="6"/>
            <text x=x + 8.0 y=y + 18.0 class="map-title">{short(&title)}</text>
            <text x=x + 8.0 y=y + 35.0 class="map-detail">{detail}</text>
        </g>
    }
}

fn edge(from: (f64, f64), to: (f64, f64)) -> impl IntoView {
    let middle = (from.0 + to.0) / 2.0;
    let d = format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        from.0, from.1, middle, from.1, middle, to.1, to.0, to.1
    );
    view! { <path class="map-edge" d=d fill="none"/> }
}

fn map(plan: &Plan, today: &str) -> impl IntoView {
    let rollup = plan.rollup(today);
    let mut objective_y: HashMap<&ItemId, f64> = HashMap::new();
    let mut goals = Vec::new();
    let mut objectives = Vec::new();
    let mut row = 0.0;
    for (goal_id, goal) in plan.goals_in_order() {
        let first = row;
        for (objective_id, objective) in plan.objectives_of(goal_id) {
            let y = TOP + row * ROW;
            objective_y.insert(objective_id, y);
            let health = rollup
                .objectives
                .get(objective_id)
                .cloned()
                .unwrap_or_default();
            objectives.push((y, objective.title.clone(), health));
            row += 1.0;
        }
        let span = (row - first).max(1.0);
        let y = TOP + (first + (span - 1.0) / 2.0) * ROW;
        if row == first {
            row += 1.0;
        }
        let health = rollup.goals.get(goal_id).cloned().unwrap_or_default();
        goals.push((y, goal.title.clone(), health, first, row));
        row += 0.3;
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
    let rows = row.max(answered.len() as f64);
    let height = TOP + rows * ROW + 10.0;

    let mut edges = Vec::new();
    let mut swot_nodes = Vec::new();
    for (i, (kind, text, links)) in answered.iter().enumerate() {
        let y = TOP + i as f64 * ROW;
        for objective in links {
            if let Some(oy) = objective_y.get(objective) {
                edges.push(
                    edge(
                        (SWOT_X + BOX_W, y + BOX_H / 2.0),
                        (OBJECTIVE_X, oy + BOX_H / 2.0),
                    )
                    .into_any(),
                );
            }
        }
        swot_nodes
            .push(node(SWOT_X, y, text.clone(), (*kind).to_owned(), "none", "swot").into_any());
    }
    let mut goal_nodes = Vec::new();
    for (y, title, health, first, last) in &goals {
        for r in (*first as usize)..(*last as usize) {
            let oy = TOP + r as f64 * ROW;
            if objectives.iter().any(|(y, _, _)| (*y - oy).abs() < 0.5) {
                edges.push(
                    edge(
                        (OBJECTIVE_X + BOX_W, oy + BOX_H / 2.0),
                        (GOAL_X, y + BOX_H / 2.0),
                    )
                    .into_any(),
                );
            }
        }
        let detail = format!("Goal · {} · {}", health.rag_label(), health.progress_text());
        goal_nodes.push(
            node(
                GOAL_X,
                *y,
                title.clone(),
                detail,
                rag_key(health.rag),
                "goal",
            )
            .into_any(),
        );
    }
    let objective_nodes = objectives
        .into_iter()
        .map(|(y, title, health)| {
            let detail = format!("{} · {}", health.rag_label(), health.progress_text());
            node(
                OBJECTIVE_X,
                y,
                title,
                detail,
                rag_key(health.rag),
                "objective",
            )
            .into_any()
        })
        .collect_view();
    let label = format!(
        "Strategy map: {} goals, {} objectives, {} environment items answered",
        plan.goals.len(),
        plan.objectives.len(),
        answered.len()
    );
    let aria = label.clone();
    view! {
        <div class="map-wrap">
            <svg class="strategy-map" viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH role="img" aria-label=aria>
                <title>{label}</title>
                <text class="map-column" x=SWOT_X y="20">"Environment"</text>
                <text class="map-column" x=OBJECTIVE_X y="20">"Objectives"</text>
                <text class="map-column" x=GOAL_X y="20">"Goals"</text>
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
            <p class="item-meta">"Link SWOT items and PESTLE factors to objectives (Environment, or an objective's “Answers…”) to draw their lines. The map scrolls sideways on a narrow screen."</p>
            <StrategyMap/>
        </section>
    }
}
