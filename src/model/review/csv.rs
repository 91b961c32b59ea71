//! A cycle's ratings as CSV, for HR's spreadsheet.

use super::Review;
use crate::model::PersonId;

/// A cycle's ratings as CSV (one row per review, RFC 4180 quoting), for HR's spreadsheet.
pub fn ratings_csv<'a>(
    reviews: impl IntoIterator<Item = &'a Review>,
    name: &dyn Fn(&PersonId) -> String,
) -> String {
    let mut rows = vec![[
        "Employee",
        "Manager",
        "Stage",
        "Overall rating",
        "Rating label",
        "Potential",
        "9-box",
        "Goal progress (%)",
        "Acknowledged",
        "Signed",
    ]
    .map(str::to_owned)];
    for review in reviews {
        rows.push([
            name(&review.employee),
            review.manager.as_ref().map(name).unwrap_or_default(),
            review.stage.label().to_owned(),
            review.overall.map(|v| v.to_string()).unwrap_or_default(),
            review
                .overall
                .and_then(|v| review.scale.label_of(v))
                .unwrap_or_default()
                .to_owned(),
            review
                .potential
                .map(|p| p.short().to_owned())
                .unwrap_or_default(),
            review
                .placement()
                .map(|b| b.name().to_owned())
                .unwrap_or_default(),
            review
                .weighted_progress()
                .map(|p| format!("{p:.0}"))
                .unwrap_or_default(),
            yes_no(review.acknowledgement.is_some()),
            yes_no(review.signature.is_some()),
        ]);
    }
    let mut csv = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    csv
}

fn yes_no(yes: bool) -> String {
    if yes { "yes" } else { "no" }.to_owned()
}

/// A CSV cell, quoted when it holds a comma, quote or line break. A cell that a
/// spreadsheet would run as a formula (starting with = + - @) gets a leading apostrophe.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
