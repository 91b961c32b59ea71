//! A measure's actuals against its target over time, drawn as SVG (no chart library):
//! the actuals as a line with points, the target and baseline as labelled lines, the
//! green and amber bands behind. Shapes and labels carry the meaning, so it reads in
//! print.
//!
//! Text in an SVG with a `viewBox` scales with the drawing, so its size is chosen for the
//! narrowest the chart is printed (one of two columns of an A4 page, `style/report.css`):
//! [`legible_font_size`] makes that at least 9 pt on paper, and the margins are measured
//! from the labels at that size. The size is the text's `font-size` attribute (the page's
//! policy allows no inline styles), so no style rule may set one on `.chart-text`.
//!
//! ```ignore
//! <MeasureChart measure=measure.clone()/>
//! ```

use leptos::prelude::*;

use crate::model::plan::{
    format_number, legible_font_size, Direction, Measure, PRINTED_TEXT_WIDTH_PX,
};

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 240.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
/// The gap between the two columns of charts in print (`style/report.css`).
const PRINTED_GAP_PX: f64 = 20.0;

/// The width the chart prints at, at the narrowest: one of two columns of an A4 page.
fn printed_width() -> f64 {
    (PRINTED_TEXT_WIDTH_PX - PRINTED_GAP_PX) / 2.0
}

/// Days since 1970 for a `YYYY-MM-DD` date (for spacing points by time).
fn day_number(date: &str) -> f64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(1));
    let (y, m, d) = (
        parts.next().unwrap_or(1970),
        parts.next().unwrap_or(1),
        parts.next().unwrap_or(1),
    );
    // Days from civil date (proleptic Gregorian).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as f64
}

/// Where the two labels on the left (target and baseline, each two lines) go: at their
/// lines, moved apart just enough not to overlap when the lines are close.
fn label_positions(target: f64, baseline: f64, needed: f64) -> (f64, f64) {
    let gap = (target - baseline).abs();
    if gap >= needed {
        return (target, baseline);
    }
    let middle = (target + baseline) / 2.0;
    let half = needed / 2.0;
    if target <= baseline {
        (middle - half, middle + half)
    } else {
        (middle + half, middle - half)
    }
}

#[component]
pub fn MeasureChart(measure: Measure) -> impl IntoView {
    let font = legible_font_size(WIDTH, printed_width());
    let char_width = font * 0.6;
    let target_number = format_number(measure.target);
    let baseline_number = format_number(measure.baseline);
    let holding = measure.target == measure.baseline;
    // Each label is a word over its number, in the margin left of the plot.
    let widest = ["Target", "Base"]
        .iter()
        .map(|w| w.chars().count())
        .chain([
            target_number.chars().count(),
            baseline_number.chars().count(),
        ])
        .max()
        .unwrap_or(6) as f64;
    let left = widest * char_width + 10.0;
    let bottom = font * 1.6;

    let points: Vec<(f64, f64, String)> = measure
        .actuals
        .iter()
        .map(|(date, value)| (day_number(date), *value, date.clone()))
        .collect();
    let mut low = measure.baseline.min(measure.target);
    let mut high = measure.baseline.max(measure.target);
    for (_, v, _) in &points {
        low = low.min(*v);
        high = high.max(*v);
    }
    if high == low {
        high += 1.0;
        low -= 1.0;
    }
    let pad = (high - low) * 0.1;
    let (low, high) = (low - pad, high + pad);
    let (first, last) = match (points.first(), points.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (a.0, b.0),
        (Some(a), _) => (a.0 - 1.0, a.0 + 1.0),
        _ => (0.0, 1.0),
    };
    let x = move |day: f64| left + (day - first) / (last - first) * (WIDTH - left - RIGHT);
    let y = move |value: f64| TOP + (high - value) / (high - low) * (HEIGHT - TOP - bottom);
    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, (d, v, _))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                x(*d),
                y(*v)
            )
        })
        .collect();
    let title = format!(
        "{}: {} actual{}, target {}",
        measure.name,
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        measure.value_text(measure.target)
    );
    let aria = title.clone();
    let band = |from: f64, to: f64, class: &'static str| {
        let (a, b) = (y(from.clamp(low, high)), y(to.clamp(low, high)));
        view! { <rect class=class x=left y=a.min(b) width=WIDTH - left - RIGHT height=(a - b).abs() /> }
    };
    // The green band runs from the green threshold outwards; amber between the two.
    let (green, amber) = match measure.direction {
        Direction::Up => (
            band(measure.green_from, high, "band-green"),
            band(measure.amber_from, measure.green_from, "band-amber"),
        ),
        Direction::Down => (
            band(low, measure.green_from, "band-green"),
            band(measure.green_from, measure.amber_from, "band-amber"),
        ),
    };
    // Labels straddle their line: the word above it, the number below.
    let (target_at, baseline_at) =
        label_positions(y(measure.target), y(measure.baseline), font * 2.0 + 8.0);
    let label = |at: f64, word: &'static str, number: String| {
        let above = (at - 3.0).max(font);
        let below = (above + font + 3.0).min(HEIGHT - 2.0);
        view! {
            <text class="chart-text" font-size=font x=left - 6.0 y=above text-anchor="end">
                {word}
            </text>
            <text class="chart-text" font-size=font x=left - 6.0 y=below text-anchor="end">
                {number}
            </text>
        }
    };
    let line = |value: f64, class: &'static str| {
        let at = y(value);
        view! { <line class=class x1=left x2=WIDTH - RIGHT y1=at y2=at /> }
    };
    let target_label = label(target_at, "Target", target_number);
    let baseline_label = (!holding).then(|| label(baseline_at, "Base", baseline_number));
    let date_y = HEIGHT - font * 0.35;
    view! {
        <svg
            class="measure-chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-label=aria
            preserveAspectRatio="xMidYMid meet"
        >
            <title>{title}</title>
            {green}
            {amber}
            {line(measure.target, "target-line")}
            {line(measure.baseline, "baseline-line")}
            {target_label}
            {baseline_label}
            <path class="actual-line" d=path fill="none" />
            {points
                .iter()
                .map(|(d, v, date)| {
                    view! {
                        <circle class="actual-point" cx=x(*d) cy=y(*v) r="5">
                            <title>{format!("{date}: {}", measure.value_text(*v))}</title>
                        </circle>
                    }
                })
                .collect_view()}
            {points
                .first()
                .map(|(d, _, date)| {
                    view! {
                        <text
                            class="chart-text"
                            font-size=font
                            x=x(*d)
                            y=date_y
                            text-anchor="start"
                        >
                            {date.clone()}
                        </text>
                    }
                })}
            {(points.len() > 1)
                .then(|| {
                    points
                        .last()
                        .map(|(d, _, date)| {
                            view! {
                                <text
                                    class="chart-text"
                                    font-size=font
                                    x=x(*d)
                                    y=date_y
                                    text-anchor="end"
                                >
                                    {date.clone()}
                                </text>
                            }
                        })
                })}
        </svg>
    }
}
