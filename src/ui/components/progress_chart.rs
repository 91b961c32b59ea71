//! Progress of several items (a goal's objectives) as horizontal bars, drawn as SVG: each
//! bar has its name, its percentage and its health as a word, so it reads in print.
//!
//! ```ignore
//! <ProgressChart title="Grow in Europe".into() rows=vec![("Win customers".into(), Some(0.4), Some(Rag::Amber))]/>
//! ```

use leptos::prelude::*;

use crate::model::plan::Rag;

const WIDTH: f64 = 520.0;
const LABEL: f64 = 200.0;
const BAR: f64 = 220.0;
const ROW: f64 = 22.0;

#[component]
pub fn ProgressChart(
    title: String,
    rows: Vec<(String, Option<f64>, Option<Rag>)>,
) -> impl IntoView {
    let height = ROW * rows.len() as f64 + 6.0;
    let label = match rows.len() {
        1 => format!("{title}: progress of 1 objective"),
        n => format!("{title}: progress of {n} objectives"),
    };
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (name, progress, rag))| {
            let y = i as f64 * ROW + 4.0;
            let share = progress.unwrap_or(0.0).clamp(0.0, 1.0);
            let shown: String = if name.chars().count() > 30 {
                format!("{}…", name.chars().take(29).collect::<String>())
            } else {
                name.clone()
            };
            let figure = format!(
                "{} · {}",
                progress.map_or_else(|| "—".to_owned(), |p| format!("{}%", (p * 100.0).round())),
                rag.map_or("No data", Rag::label)
            );
            let key = match rag {
                Some(Rag::Green) => "green",
                Some(Rag::Amber) => "amber",
                Some(Rag::Red) => "red",
                None => "none",
            };
            view! {
                <g class="progress-row" data-rag=key>
                    <title>{format!("{name}: {figure}")}</title>
                    <text class="chart-label" x=LABEL - 6.0 y=y + 13.0 text-anchor="end">{shown}</text>
                    <rect class="progress-track" x=LABEL y=y width=BAR height=ROW - 8.0 rx="3"/>
                    <rect class="progress-fill" x=LABEL y=y width=BAR * share height=ROW - 8.0 rx="3"/>
                    <text class="chart-label" x=LABEL + BAR + 6.0 y=y + 13.0>{figure}</text>
                </g>
            }
        })
        .collect_view();
    let aria = label.clone();
    view! {
        <svg class="progress-chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=aria>
            <title>{label}</title>
            {bars}
        </svg>
    }
}
