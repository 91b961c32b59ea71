//! Progress of several items (a goal's objectives) as horizontal bars, drawn as SVG: each
//! bar has its name, its percentage and its health as a word, so it reads in print.
//!
//! The chart prints across the page's text width (`style/report.css`); its type is sized
//! for that ([`legible_font_size`]: at least 9 pt on A4 or Letter; the text's `font-size`
//! attribute, as the page's policy allows no inline styles), and a long name wraps onto
//! as many lines as it needs, its row growing with it, rather than being cut.
//!
//! ```ignore
//! <ProgressChart title="Grow in Europe".into() rows=vec![("Win customers".into(), Some(0.4), Some(Rag::Amber))]/>
//! ```

use leptos::prelude::*;

use crate::model::plan::{
    chars_per_line, legible_font_size, wrap_words, Rag, PRINTED_TEXT_WIDTH_PX,
};

const WIDTH: f64 = 520.0;
/// The names' column: they end `GAP` before the bars.
const LABEL: f64 = 210.0;
const BAR: f64 = 180.0;
const GAP: f64 = 8.0;
const BAR_HEIGHT: f64 = 14.0;
/// Never smaller than this on screen (the size the chart always had).
const SCREEN_FONT: f64 = 11.0;

#[component]
pub fn ProgressChart(
    title: String,
    rows: Vec<(String, Option<f64>, Option<Rag>)>,
) -> impl IntoView {
    let font = legible_font_size(WIDTH, PRINTED_TEXT_WIDTH_PX).max(SCREEN_FONT);
    let line_height = font * 1.25;
    let width = chars_per_line(LABEL - GAP, font);
    let label = match rows.len() {
        1 => format!("{title}: progress of 1 objective"),
        n => format!("{title}: progress of {n} objectives"),
    };
    let mut top = 4.0;
    let bars = rows
        .into_iter()
        .map(|(name, progress, rag)| {
            let lines = wrap_words(&name, width);
            let row = (lines.len() as f64 * line_height + 8.0).max(BAR_HEIGHT + 10.0);
            let middle = top + row / 2.0;
            top += row;
            let share = progress.unwrap_or(0.0).clamp(0.0, 1.0);
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
            // The first line's baseline, so the block of lines is centred on the row.
            let first = middle - (lines.len() as f64 - 1.0) * line_height / 2.0 + font * 0.35;
            let name_lines = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    view! {
                        <tspan x=LABEL - GAP y=first + i as f64 * line_height>
                            {line}
                        </tspan>
                    }
                })
                .collect_view();
            let bar_y = middle - BAR_HEIGHT / 2.0;
            view! {
                <g class="progress-row" data-rag=key>
                    <title>{format!("{name}: {figure}")}</title>
                    <text class="chart-text" font-size=font text-anchor="end">
                        {name_lines}
                    </text>
                    <rect
                        class="progress-track"
                        x=LABEL
                        y=bar_y
                        width=BAR
                        height=BAR_HEIGHT
                        rx="3"
                    />
                    <rect
                        class="progress-fill"
                        x=LABEL
                        y=bar_y
                        width=BAR * share
                        height=BAR_HEIGHT
                        rx="3"
                    />
                    <text
                        class="chart-text"
                        font-size=font
                        x=LABEL + BAR + GAP
                        y=middle + font * 0.35
                    >
                        {figure}
                    </text>
                </g>
            }
        })
        .collect_view();
    let height = top + 4.0;
    let aria = label.clone();
    view! {
        <svg
            class="progress-chart"
            viewBox=format!("0 0 {WIDTH} {height}")
            role="img"
            aria-label=aria
        >
            <title>{label}</title>
            {bars}
        </svg>
    }
}
