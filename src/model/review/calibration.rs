//! Calibration: the 9-box (performance × potential) and the rating distribution across a
//! cycle. The box a person is in is not stored apart: it is read from their review's
//! overall rating and potential, so moving a person writes those two fields back into the
//! review (one field each, so two people moving the same person at once settle on one
//! placement) and adds a note of who moved them, keyed by its own id so every move is kept.

use autosurgeon::{Hydrate, Reconcile};

use super::{Actor, CalibrationNote, RatingScale, Review, ReviewError};
use crate::model::ItemId;

/// Potential, as judged in calibration.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
)]
pub enum Potential {
    #[default]
    Low,
    Moderate,
    High,
}

impl Potential {
    pub const ALL: [Potential; 3] = [Self::Low, Self::Moderate, Self::High];

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low potential",
            Self::Moderate => "Moderate potential",
            Self::High => "High potential",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Moderate => "Moderate",
            Self::High => "High",
        }
    }
}

/// A third of the rating scale, the 9-box's performance axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    Low,
    Moderate,
    High,
}

impl Band {
    pub const ALL: [Band; 3] = [Self::Low, Self::Moderate, Self::High];

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low performance",
            Self::Moderate => "Moderate performance",
            Self::High => "High performance",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Moderate => "Moderate",
            Self::High => "High",
        }
    }

    /// The band of `value` on `scale`: the scale's range cut in three equal parts.
    pub fn of(scale: &RatingScale, value: i64) -> Band {
        let (Some(low), Some(high)) = (scale.lowest(), scale.highest()) else {
            return Band::Moderate;
        };
        if high <= low {
            return Band::Moderate;
        }
        let third = (value - low) as f64 * 3.0 / (high - low) as f64;
        match third {
            t if t < 1.0 => Band::Low,
            t if t < 2.0 => Band::Moderate,
            _ => Band::High,
        }
    }

    /// The scale's values in this band, lowest first.
    pub fn values(self, scale: &RatingScale) -> Vec<i64> {
        scale
            .levels
            .iter()
            .map(|l| l.value)
            .filter(|v| Band::of(scale, *v) == self)
            .collect()
    }
}

/// One of the nine boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NineBox {
    pub performance: Band,
    pub potential: Potential,
}

impl NineBox {
    /// The usual names of the boxes, so the room can talk about them.
    pub fn name(self) -> &'static str {
        use Band as B;
        use Potential as P;
        match (self.performance, self.potential) {
            (B::Low, P::Low) => "Underperformer",
            (B::Moderate, P::Low) => "Effective",
            (B::High, P::Low) => "Trusted professional",
            (B::Low, P::Moderate) => "Inconsistent",
            (B::Moderate, P::Moderate) => "Core player",
            (B::High, P::Moderate) => "High performer",
            (B::Low, P::High) => "Rough diamond",
            (B::Moderate, P::High) => "Emerging star",
            (B::High, P::High) => "Star",
        }
    }

    /// A short name for the box in markup and URLs: "high-moderate" (performance, then
    /// potential).
    pub fn slug(self) -> String {
        format!(
            "{}-{}",
            self.performance.short().to_lowercase(),
            self.potential.short().to_lowercase()
        )
    }

    pub fn from_slug(slug: &str) -> Option<NineBox> {
        NineBox::grid().into_iter().find(|b| b.slug() == slug)
    }

    /// The box next to this one in a direction: (performance steps, potential steps).
    pub fn step(self, performance: i64, potential: i64) -> Option<NineBox> {
        let band = Band::ALL.get(usize::try_from(self.performance as i64 + performance).ok()?)?;
        let level = Potential::ALL.get(usize::try_from(self.potential as i64 + potential).ok()?)?;
        Some(NineBox {
            performance: *band,
            potential: *level,
        })
    }

    /// Every box, top row (high potential) first, left to right by performance: the order
    /// they are drawn in.
    pub fn grid() -> Vec<NineBox> {
        let mut boxes = Vec::new();
        for potential in Potential::ALL.iter().rev() {
            for performance in Band::ALL {
                boxes.push(NineBox {
                    performance,
                    potential: *potential,
                });
            }
        }
        boxes
    }
}

/// How many reviews of a cycle have each overall rating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Each scale value and its count, lowest value first.
    pub counts: Vec<(i64, usize)>,
    /// Reviews with no overall rating yet.
    pub unrated: usize,
}

impl Distribution {
    pub fn of<'a>(scale: &RatingScale, reviews: impl IntoIterator<Item = &'a Review>) -> Self {
        Self::of_ratings(scale, reviews.into_iter().map(|r| r.overall))
    }

    /// The distribution of overall ratings (`None`: not rated yet) on `scale`.
    pub fn of_ratings(scale: &RatingScale, ratings: impl IntoIterator<Item = Option<i64>>) -> Self {
        let mut counts: Vec<(i64, usize)> = scale.levels.iter().map(|l| (l.value, 0)).collect();
        let mut unrated = 0;
        for overall in ratings {
            match overall.and_then(|v| counts.iter_mut().find(|(value, _)| *value == v)) {
                Some((_, count)) => *count += 1,
                None => unrated += 1,
            }
        }
        Self { counts, unrated }
    }

    pub fn rated(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// Each value's share of the rated reviews, in percent.
    pub fn shares(&self) -> Vec<(i64, f64)> {
        let rated = self.rated().max(1) as f64;
        self.counts
            .iter()
            .map(|(value, n)| (*value, *n as f64 * 100.0 / rated))
            .collect()
    }
}

impl Review {
    /// The box this review is in, once it has an overall rating and a potential.
    pub fn placement(&self) -> Option<NineBox> {
        Some(NineBox {
            performance: Band::of(&self.scale, self.overall?),
            potential: self.potential?,
        })
    }

    /// Moves the person to `to` in calibration: the potential becomes the box's, and the
    /// overall rating moves into the box's band (kept if it is already there, otherwise
    /// the value of the band nearest to it). A note records who, when, from and to.
    ///
    /// ```
    /// use throughline::model::review::{Band, NineBox, Potential, Review, ReviewSetup, Stage};
    /// use throughline::model::PersonId;
    /// let manager = PersonId::from("bo");
    /// let mut review = Review::new(ReviewSetup::example(&PersonId::from("ana"), Some(&manager)));
    /// review.stage = Stage::Calibration;
    /// review.overall = Some(3);
    /// let to = NineBox { performance: Band::High, potential: Potential::High };
    /// review.calibrate(review.actor(&manager), to, "Bo", 1).unwrap();
    /// assert_eq!((review.overall, review.potential), (Some(4), Some(Potential::High)));
    /// ```
    pub fn calibrate(
        &mut self,
        who: Actor,
        to: NineBox,
        by_name: &str,
        at: i64,
    ) -> Result<(), ReviewError> {
        super::check_act(super::Act::Calibrate, self.stage, who.capacity)?;
        let band_values = to.performance.values(&self.scale);
        let overall = match self.overall {
            Some(value) if band_values.contains(&value) => value,
            current => {
                let from = current.unwrap_or_else(|| {
                    let low = self.scale.lowest().unwrap_or(0);
                    let high = self.scale.highest().unwrap_or(0);
                    (low + high) / 2
                });
                *band_values
                    .iter()
                    .min_by_key(|v| ((**v - from).abs(), **v))
                    .ok_or(ReviewError::NoValueInBand)?
            }
        };
        if self.overall == Some(overall) && self.potential == Some(to.potential) {
            return Ok(());
        }
        self.calibration_notes.insert(
            ItemId::random(),
            CalibrationNote {
                by: who.person.clone(),
                by_name: by_name.to_owned(),
                at,
                overall_from: self.overall,
                overall_to: Some(overall),
                potential_from: self.potential,
                potential_to: Some(to.potential),
            },
        );
        self.overall = Some(overall);
        self.potential = Some(to.potential);
        Ok(())
    }

    /// Calibration notes, oldest first.
    pub fn calibration_history(&self) -> Vec<&CalibrationNote> {
        let mut notes: Vec<_> = self.calibration_notes.values().collect();
        notes.sort_by_key(|n| n.at);
        notes
    }
}

impl CalibrationNote {
    /// "Bo moved the overall rating from 3 to 4 and potential from Low to High."
    pub fn describe(&self, scale: &RatingScale) -> String {
        let rating = |v: Option<i64>| v.map_or("none".to_owned(), |v| scale.describe(v));
        let potential = |p: Option<Potential>| p.map_or("none", Potential::short);
        let mut parts = Vec::new();
        if self.overall_from != self.overall_to {
            parts.push(format!(
                "the overall rating from {} to {}",
                rating(self.overall_from),
                rating(self.overall_to)
            ));
        }
        if self.potential_from != self.potential_to {
            parts.push(format!(
                "potential from {} to {}",
                potential(self.potential_from),
                potential(self.potential_to)
            ));
        }
        let who = if self.by_name.is_empty() {
            "Someone"
        } else {
            &self.by_name
        };
        format!("{who} changed {} in calibration.", parts.join(" and "))
    }
}
