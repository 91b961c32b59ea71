//! The environment analysis: a SWOT board and PESTLE factors, each item linkable to the
//! objectives that answer it. Links are sets (maps of id → true), so two people linking
//! different objectives at once keep both.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use super::structure::ids;
use super::{valid_title, Plan, PlanError};
use crate::model::order::{in_order, move_among, position_after_last, Gone};
use crate::model::ItemId;

/// A quadrant of the SWOT board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub enum Quadrant {
    #[default]
    Strengths,
    Weaknesses,
    Opportunities,
    Threats,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Self::Strengths,
        Self::Weaknesses,
        Self::Opportunities,
        Self::Threats,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Strengths => "Strengths",
            Self::Weaknesses => "Weaknesses",
            Self::Opportunities => "Opportunities",
            Self::Threats => "Threats",
        }
    }

    /// The stable name used in the page (and its tests).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Strengths => "strengths",
            Self::Weaknesses => "weaknesses",
            Self::Opportunities => "opportunities",
            Self::Threats => "threats",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.slug() == slug)
    }
}

/// An item on the SWOT board.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct SwotItem {
    pub quadrant: Quadrant,
    pub text: String,
    pub position: f64,
    /// The objectives that answer this item.
    pub objectives: BTreeMap<ItemId, bool>,
}

/// A PESTLE category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub enum PestleCategory {
    #[default]
    Political,
    Economic,
    Social,
    Technological,
    Legal,
    Environmental,
}

impl PestleCategory {
    pub const ALL: [PestleCategory; 6] = [
        Self::Political,
        Self::Economic,
        Self::Social,
        Self::Technological,
        Self::Legal,
        Self::Environmental,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Political => "Political",
            Self::Economic => "Economic",
            Self::Social => "Social",
            Self::Technological => "Technological",
            Self::Legal => "Legal",
            Self::Environmental => "Environmental",
        }
    }
}

/// Low, medium or high: the impact or likelihood of a factor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Hydrate, Reconcile)]
pub enum Level {
    Low,
    #[default]
    Medium,
    High,
}

impl Level {
    pub const ALL: [Level; 3] = [Self::Low, Self::Medium, Self::High];

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
        }
    }
}

/// A PESTLE factor.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct PestleFactor {
    pub category: PestleCategory,
    pub text: String,
    pub impact: Level,
    pub likelihood: Level,
    pub position: f64,
    pub objectives: BTreeMap<ItemId, bool>,
}

/// The SWOT items and the PESTLE factors an objective answers.
pub type Addressed<'a> = (
    Vec<(&'a ItemId, &'a SwotItem)>,
    Vec<(&'a ItemId, &'a PestleFactor)>,
);

impl Plan {
    /// The items of a quadrant in order.
    pub fn swot_in(&self, quadrant: Quadrant) -> Vec<(&ItemId, &SwotItem)> {
        in_order(self.swot.iter().filter(|(_, i)| i.quadrant == quadrant))
    }

    pub fn add_swot_item(&mut self, quadrant: Quadrant, text: &str) -> Result<ItemId, PlanError> {
        let text = valid_title(text, "An item")?;
        let position = position_after_last(self.swot_in(quadrant).into_iter().map(|(_, i)| i));
        let id = ItemId::random();
        self.swot.insert(
            id.clone(),
            SwotItem {
                quadrant,
                text,
                position,
                objectives: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    pub fn edit_swot_item(&mut self, id: &ItemId, text: &str) -> Result<(), PlanError> {
        let text = valid_title(text, "An item")?;
        self.swot.get_mut(id).ok_or(PlanError::ItemGone)?.text = text;
        Ok(())
    }

    pub fn remove_swot_item(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.swot.remove(id).map(|_| ()).ok_or(PlanError::ItemGone)
    }

    /// Moves an item to index `to` of `quadrant` (its own or another): what a drag and
    /// drop, or the keyboard's arrows, do.
    pub fn move_swot_item(
        &mut self,
        id: &ItemId,
        quadrant: Quadrant,
        to: usize,
    ) -> Result<(), PlanError> {
        let siblings = ids(self.swot_in(quadrant));
        move_among(&mut self.swot, &siblings, id, to).map_err(|Gone| PlanError::ItemGone)?;
        self.swot.get_mut(id).ok_or(PlanError::ItemGone)?.quadrant = quadrant;
        Ok(())
    }

    pub fn pestle_in_order(&self) -> Vec<(&ItemId, &PestleFactor)> {
        let mut factors = in_order(&self.pestle);
        factors.sort_by_key(|(_, f)| PestleCategory::ALL.iter().position(|c| *c == f.category));
        factors
    }

    pub fn add_pestle_factor(
        &mut self,
        category: PestleCategory,
        text: &str,
        impact: Level,
        likelihood: Level,
    ) -> Result<ItemId, PlanError> {
        let text = valid_title(text, "A factor")?;
        let position = position_after_last(self.pestle.values());
        let id = ItemId::random();
        self.pestle.insert(
            id.clone(),
            PestleFactor {
                category,
                text,
                impact,
                likelihood,
                position,
                objectives: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    pub fn update_pestle_factor(
        &mut self,
        id: &ItemId,
        category: PestleCategory,
        text: &str,
        impact: Level,
        likelihood: Level,
    ) -> Result<(), PlanError> {
        let text = valid_title(text, "A factor")?;
        let factor = self.pestle.get_mut(id).ok_or(PlanError::ItemGone)?;
        factor.category = category;
        factor.text = text;
        factor.impact = impact;
        factor.likelihood = likelihood;
        Ok(())
    }

    pub fn remove_pestle_factor(&mut self, id: &ItemId) -> Result<(), PlanError> {
        self.pestle
            .remove(id)
            .map(|_| ())
            .ok_or(PlanError::ItemGone)
    }

    /// Links (or unlinks) a SWOT item or PESTLE factor to an objective that answers it.
    pub fn link(
        &mut self,
        item: &ItemId,
        objective: &ItemId,
        linked: bool,
    ) -> Result<(), PlanError> {
        if linked && !self.objectives.contains_key(objective) {
            return Err(PlanError::ItemGone);
        }
        let links = if let Some(swot) = self.swot.get_mut(item) {
            &mut swot.objectives
        } else if let Some(factor) = self.pestle.get_mut(item) {
            &mut factor.objectives
        } else {
            return Err(PlanError::ItemGone);
        };
        if linked {
            links.insert(objective.clone(), true);
        } else {
            links.remove(objective);
        }
        Ok(())
    }

    /// The SWOT items an objective answers (opportunities and threats first, as the
    /// objective's page lists them), and the PESTLE factors.
    pub fn addressed_by(&self, objective: &ItemId) -> Addressed<'_> {
        let mut swot: Vec<_> = self
            .swot
            .iter()
            .filter(|(_, i)| i.objectives.contains_key(objective))
            .collect();
        swot.sort_by_key(|(_, i)| match i.quadrant {
            Quadrant::Opportunities => 0,
            Quadrant::Threats => 1,
            Quadrant::Strengths => 2,
            Quadrant::Weaknesses => 3,
        });
        let pestle = self
            .pestle
            .iter()
            .filter(|(_, f)| f.objectives.contains_key(objective))
            .collect();
        (swot, pestle)
    }
}
