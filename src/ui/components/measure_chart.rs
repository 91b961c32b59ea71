//! A measure's actuals against its target over time, drawn as SVG (no chart library):
//! the actuals as a line with points, the target and baseline as labelled lines, the
//! green and amber bands behind. Shapes and labels carry the meaning, so it reads in
//! print.
//!
//! ```ignore
//! <MeasureChart measure=measure.clone()/>
//! ```

use leptos::prelude::*;

use crate::model::plan::Measure;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

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

#[component]
pub fn MeasureChart(measure: Measure) -> impl IntoView {
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
    let x = move |day: f64| LEFT + (day - first) / (last - first) * (WIDTH - LEFT - RIGHT);
    let y = move |value: f64| TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM);
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
        view! { <rect class=class x=LEFT y=a.min(b) width=WIDTH - LEFT - RIGHT height=(a - b).abs()/> }
    };
    // The green band runs from the green threshold outwards; amber between the two.
    let (green, amber) = match measure.direction {
        crate::model::plan::Direction::Up => (
            band(measure.green_from, high, "band-green"),
            band(measure.amber_from, measure.green_from, "band-amber"),
        ),
        crate::model::plan::Direction::Down => (
            band(low, measure.green_from, "band-green"),
            band(measure.green_from, measure.amber_from, "band-amber"),
        ),
    };
    let line = |value: f64, label: String, class: &'static str| {
        let at = y(value);
        view! {
            <line class=class x1=LEFT x2=WIDTH - RIGHT y1=at y2=at/>
            <text class="chart-label" x=LEFT - 4.0 y=at + 4.0 text-anchor="end">{label}</text>
        }
    };
    view! {
        <svg class="measure-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=aria
            preserveAspectRatio="xMidYMid meet">
            <title>{title}</title>
            {green}
            {amber}
            {line(measure.target, format!("Target {}", crate::model::plan::format_number(measure.target)), "target-line")}
            {line(measure.baseline, format!("Base {}", crate::model::plan::format_number(measure.baseline)), "baseline-line")}
            <path class="actual-line" d=path fill="none"/>
            {points.iter().map(|(d, v, date)| view! {
                <circle class="actual-point" cx=x(*d) cy=y(*v) r="4">
                    <title>{format!("{date}: {}", measure.value_text(*v))}</title>
                </circle>
            }).collect_view()}
            {points.first().map(|(d, _, date)| view! {
                <text class="chart-label" x=x(*d) y=HEIGHT - 8.0 text-anchor="start">{date.clone()}</text>
            })}
            {(points.len() > 1).then(|| points.last().map(|(d, _, date)| view! {
                <text class="chart-label" x=x(*d) y=HEIGHT - 8.0 text-anchor="end">{date.clone()}</text>
            }))}
        </svg>
    }
}
