//! A rating scale: the labelled values a rating may take (e.g. 1 "Below expectations" to
//! 5 "Exceptional"). HR defines scales in Settings; a cycle copies its scale into each
//! review, so a later edit of the scale never changes a running review.

use autosurgeon::{Hydrate, Reconcile};

use super::ReviewError;

/// Most levels a scale may have.
pub(super) const MAX_LEVELS: usize = 10;

/// One value of a scale and what it means.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleLevel {
    pub value: i64,
    pub label: String,
}

/// A rating scale. Levels are kept sorted by value, lowest first.
///
/// ```
/// use throughline::model::review::RatingScale;
/// let scale = RatingScale::parse("Five point", "1 Below\n3 Meets\n5 Exceptional").unwrap();
/// assert_eq!(scale.label_of(3), Some("Meets"));
/// assert!(scale.check(4).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingScale {
    pub name: String,
    pub levels: Vec<ScaleLevel>,
}

impl RatingScale {
    /// The usual five-point scale, offered until HR defines their own.
    pub fn five_point() -> Self {
        let levels = [
            (1, "Below expectations"),
            (2, "Partly meets expectations"),
            (3, "Meets expectations"),
            (4, "Exceeds expectations"),
            (5, "Exceptional"),
        ];
        Self {
            name: "Five-point scale".to_owned(),
            levels: levels
                .iter()
                .map(|(value, label)| ScaleLevel {
                    value: *value,
                    label: (*label).to_owned(),
                })
                .collect(),
        }
    }

    /// A scale from a name and one level per line, each "value label" ("3 Meets
    /// expectations"). Values must be whole numbers, all different; at least two levels.
    pub fn parse(name: &str, lines: &str) -> Result<Self, ReviewError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ReviewError::ScaleNameMissing);
        }
        let mut levels = Vec::new();
        for (number, line) in lines.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (value, label) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let value: i64 = value.parse().map_err(|_| ReviewError::LevelNotANumber {
                line_number: number + 1,
                line: line.to_owned(),
            })?;
            let label = label.trim();
            if label.is_empty() {
                return Err(ReviewError::LevelLabelMissing {
                    line_number: number + 1,
                    value,
                });
            }
            if levels.iter().any(|l: &ScaleLevel| l.value == value) {
                return Err(ReviewError::LevelTwice { value });
            }
            levels.push(ScaleLevel {
                value,
                label: label.to_owned(),
            });
        }
        if levels.len() < 2 {
            return Err(ReviewError::TooFewLevels);
        }
        if levels.len() > MAX_LEVELS {
            return Err(ReviewError::TooManyLevels);
        }
        levels.sort_by_key(|l| l.value);
        Ok(Self {
            name: name.to_owned(),
            levels,
        })
    }

    /// The levels as they are typed in the form, one per line.
    pub fn to_lines(&self) -> String {
        self.levels
            .iter()
            .map(|l| format!("{} {}", l.value, l.label))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `value` if it is on the scale, otherwise why not.
    pub fn check(&self, value: i64) -> Result<i64, ReviewError> {
        if self.levels.iter().any(|l| l.value == value) {
            Ok(value)
        } else {
            Err(ReviewError::NotOnScale {
                value,
                scale: self.name.clone(),
                values: self.levels.iter().map(|l| l.value).collect(),
            })
        }
    }

    pub fn label_of(&self, value: i64) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| l.value == value)
            .map(|l| l.label.as_str())
    }

    /// "4 – Exceeds expectations", or the bare number if it is not on the scale.
    pub fn describe(&self, value: i64) -> String {
        match self.label_of(value) {
            Some(label) => format!("{value} – {label}"),
            None => value.to_string(),
        }
    }

    pub fn lowest(&self) -> Option<i64> {
        self.levels.first().map(|l| l.value)
    }

    pub fn highest(&self) -> Option<i64> {
        self.levels.last().map(|l| l.value)
    }
}
