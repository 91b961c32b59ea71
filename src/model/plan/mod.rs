//! A strategic plan: one Automerge document per plan, listed in the workspace.
//!
//! Every collection is a flat map keyed by [`ItemId`]; the tree (goal → objective →
//! initiative / measure) is made by parent fields. Moving an objective to another goal is
//! one field written, so it merges with someone else's concurrent edit of the same
//! objective, and an item whose parent was deleted concurrently is kept and shown as
//! unfiled ([`Plan::unfiled`]) rather than lost.
//!
//! ```
//! use throughline::model::plan::Plan;
//! let mut plan = Plan::new("Growth 2027–2029", 2027, 2029).unwrap();
//! let goal = plan.add_goal("Grow in Europe").unwrap();
//! let objective = plan.add_objective(&goal, "Open two offices").unwrap();
//! assert_eq!(plan.objectives_of(&goal)[0].0, &objective);
//! ```

mod approval;
mod compare;
mod environment;
mod error;
mod export;
mod input;
mod markdown;
mod measure;
mod next_cycle;
mod outline;
mod read;
mod resources;
mod rollup;
mod structure;

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use crate::model::{DocumentUrl, ItemId, PersonId, TextUpdate};

pub use approval::Approval;
pub use compare::{Difference, DifferenceKind};
pub use environment::{Level, PestleCategory, PestleFactor, Quadrant, SwotItem};
pub use error::PlanError;
pub use export::{PLAN_JSON_FORMAT, PLAN_JSON_VERSION};
pub use input::{
    format_number, horizon_problem, parse_amount, parse_date, parse_headcount, parse_number,
    parse_percent, parse_year,
};
pub use markdown::{
    chars_per_line, dates_in_words, legible_font_size, status_in_words, wrap_words, BoardPack,
    EnvironmentLine, GoalPart, InitiativeLine, MeasureLine, ObjectivePart, PestleLine,
    ReportContext, ReportCover, ResourceLine, ResourcesPart, SwotQuadrant, NOT_APPROVED, NO_OWNER,
    PRINTED_TEXT_WIDTH_PX, SMALLEST_PRINTED_PT,
};
pub use measure::{Direction, Measure, Rag, Trend};
pub use outline::Outline;
pub use resources::{Allocation, GoalResources, Resources};
pub use rollup::{Health, Rollup};
pub use structure::{Goal, Initiative, InitiativeStatus, Objective};

/// Longest title we accept, in characters.
const MAX_TITLE_CHARS: usize = 200;
/// Longest horizon, in years.
const MAX_HORIZON_YEARS: i64 = 10;

/// How often the plan is reviewed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hydrate, Reconcile)]
pub enum PlanningCycle {
    #[default]
    Annual,
    SemiAnnual,
    Quarterly,
}

impl PlanningCycle {
    pub const ALL: [PlanningCycle; 3] = [Self::Annual, Self::SemiAnnual, Self::Quarterly];

    pub fn label(self) -> &'static str {
        match self {
            Self::Annual => "Annual review",
            Self::SemiAnnual => "Semi-annual review",
            Self::Quarterly => "Quarterly review",
        }
    }
}

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub enum PlanStatus {
    #[default]
    Draft,
    InReview,
    Approved,
    Archived,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [Self::Draft, Self::InReview, Self::Approved, Self::Archived];

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::InReview => "In review",
            Self::Approved => "Approved",
            Self::Archived => "Archived",
        }
    }
}

/// What a participant does in the plan.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Hydrate,
    Reconcile,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Board,
    Executive,
    #[default]
    Contributor,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Board, Self::Executive, Self::Contributor];

    pub fn label(self) -> &'static str {
        match self {
            Self::Board => "Board",
            Self::Executive => "Executive",
            Self::Contributor => "Contributor",
        }
    }
}

/// A plan's status alone, read from the document without the rest of the plan: a page
/// that needs only this of many plans (is any in review?) does not read 1,000 objectives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hydrate)]
pub struct PlanStatusOnly {
    pub status: PlanStatus,
}

/// A strategic plan.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Plan {
    pub title: String,
    pub start_year: i64,
    pub end_year: i64,
    pub cycle: PlanningCycle,
    pub status: PlanStatus,
    /// The currency budgets are counted in, e.g. "EUR".
    pub currency: String,
    pub budget_available: i64,
    pub headcount_available: f64,
    pub participants: BTreeMap<PersonId, Role>,
    /// Written together: Automerge text, merged character by character.
    #[autosurgeon(missing = "Text::default")]
    pub mission: Text,
    #[autosurgeon(missing = "Text::default")]
    pub vision: Text,
    #[autosurgeon(missing = "Text::default")]
    pub values: Text,
    pub swot: BTreeMap<ItemId, SwotItem>,
    pub pestle: BTreeMap<ItemId, PestleFactor>,
    pub goals: BTreeMap<ItemId, Goal>,
    pub objectives: BTreeMap<ItemId, Objective>,
    pub initiatives: BTreeMap<ItemId, Initiative>,
    pub measures: BTreeMap<ItemId, Measure>,
    pub approvals: BTreeMap<ItemId, Approval>,
    /// The `automerge:` URL of the plan this one continues (last cycle's), if any.
    pub predecessor: Option<DocumentUrl>,
}

/// Which of the plan's collaborative texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statement {
    Mission,
    Vision,
    Values,
}

impl Statement {
    pub fn label(self) -> &'static str {
        match self {
            Self::Mission => "Mission",
            Self::Vision => "Vision",
            Self::Values => "Values",
        }
    }
}

impl Plan {
    /// A new draft plan covering `start_year` to `end_year`.
    pub fn new(title: &str, start_year: i64, end_year: i64) -> Result<Self, PlanError> {
        let mut plan = Self {
            currency: "EUR".to_owned(),
            ..Self::default()
        };
        plan.set_title(title)?;
        plan.set_horizon(start_year, end_year)?;
        Ok(plan)
    }

    pub fn set_title(&mut self, title: &str) -> Result<(), PlanError> {
        self.title = valid_title(title, "The plan")?;
        Ok(())
    }

    pub fn set_horizon(&mut self, start_year: i64, end_year: i64) -> Result<(), PlanError> {
        for year in [start_year, end_year] {
            if !input::YEARS.contains(&year) {
                return Err(PlanError::HorizonYearOutOfRange { year });
            }
        }
        if end_year < start_year {
            return Err(PlanError::HorizonBackwards {
                start_year,
                end_year,
            });
        }
        if end_year - start_year >= MAX_HORIZON_YEARS {
            return Err(PlanError::HorizonTooLong);
        }
        self.start_year = start_year;
        self.end_year = end_year;
        Ok(())
    }

    /// "2027–2029", or "2027" for a one-year plan.
    pub fn horizon(&self) -> String {
        if self.start_year == self.end_year {
            self.start_year.to_string()
        } else {
            format!("{}–{}", self.start_year, self.end_year)
        }
    }

    pub fn set_cycle(&mut self, cycle: PlanningCycle) {
        self.cycle = cycle;
    }

    pub fn set_currency(&mut self, currency: &str) -> Result<(), PlanError> {
        let currency = currency.trim().to_uppercase();
        if currency.is_empty() || currency.chars().count() > 8 {
            return Err(PlanError::CurrencyInvalid);
        }
        self.currency = currency;
        Ok(())
    }

    pub fn set_available(&mut self, budget: i64, headcount: f64) -> Result<(), PlanError> {
        if budget < 0 || headcount < 0.0 || !headcount.is_finite() {
            return Err(PlanError::AvailableNegative);
        }
        self.budget_available = budget;
        self.headcount_available = headcount;
        Ok(())
    }

    /// Adds `person` as a participant in `role`, or changes their role.
    pub fn set_participant(&mut self, person: PersonId, role: Role) {
        self.participants.insert(person, role);
    }

    pub fn remove_participant(&mut self, person: &PersonId) {
        self.participants.remove(person);
    }

    pub fn statement(&self, which: Statement) -> &Text {
        match which {
            Statement::Mission => &self.mission,
            Statement::Vision => &self.vision,
            Statement::Values => &self.values,
        }
    }

    /// Replaces a statement's text; only the characters that differ are written, so
    /// someone else's concurrent typing elsewhere in it is kept.
    pub fn set_statement(&mut self, which: Statement, text: &str) {
        match which {
            Statement::Mission => self.mission.update_changed(text),
            Statement::Vision => self.vision.update_changed(text),
            Statement::Values => self.values.update_changed(text),
        }
    }
}

/// A trimmed, non-empty title of at most [`MAX_TITLE_CHARS`]; `what` names the thing in
/// the refusal ([`PlanError::TitleMissing`]).
fn valid_title(text: &str, what: &'static str) -> Result<String, PlanError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PlanError::TitleMissing { what });
    }
    if text.chars().count() > MAX_TITLE_CHARS {
        return Err(PlanError::TitleTooLong);
    }
    Ok(text.to_owned())
}

impl crate::model::DocumentView for Plan {
    fn read(doc: &automerge::AutoCommit) -> Result<Self, String> {
        Plan::read(doc)
    }

    fn write_since(
        &mut self,
        before: &Self,
        doc: &mut automerge::AutoCommit,
    ) -> Result<(), String> {
        use crate::model::document_view::{write_field, write_map};
        // Every field is named here, with no `..`: a field added to `Plan` and not
        // written is a compile error (and a field named and not written, an unused
        // variable that clippy refuses). `tests/document_round_trip.rs` checks the keys.
        let Plan {
            title,
            start_year,
            end_year,
            cycle,
            status,
            currency,
            budget_available,
            headcount_available,
            participants,
            mission,
            vision,
            values,
            swot,
            pestle,
            goals,
            objectives,
            initiatives,
            measures,
            approvals,
            predecessor,
        } = &*self;
        write_field(doc, "title", title, &before.title)?;
        write_field(doc, "start_year", start_year, &before.start_year)?;
        write_field(doc, "end_year", end_year, &before.end_year)?;
        write_field(doc, "cycle", cycle, &before.cycle)?;
        write_field(doc, "status", status, &before.status)?;
        write_field(doc, "currency", currency, &before.currency)?;
        write_field(
            doc,
            "budget_available",
            budget_available,
            &before.budget_available,
        )?;
        write_field(
            doc,
            "headcount_available",
            headcount_available,
            &before.headcount_available,
        )?;
        write_field(doc, "mission", mission, &before.mission)?;
        write_field(doc, "vision", vision, &before.vision)?;
        write_field(doc, "values", values, &before.values)?;
        write_field(doc, "predecessor", predecessor, &before.predecessor)?;
        write_map(doc, "participants", participants, &before.participants)?;
        write_map(doc, "swot", swot, &before.swot)?;
        write_map(doc, "pestle", pestle, &before.pestle)?;
        write_map(doc, "goals", goals, &before.goals)?;
        write_map(doc, "objectives", objectives, &before.objectives)?;
        write_map(doc, "initiatives", initiatives, &before.initiatives)?;
        write_map(doc, "measures", measures, &before.measures)?;
        write_map(doc, "approvals", approvals, &before.approvals)?;
        Ok(())
    }

    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Text edits are tied to the heads they were read at; the characters are the
        // ones this view just wrote (`KnownTexts`).
        let statements = [&self.mission, &self.vision, &self.values].map(Clone::clone);
        let doc = &crate::model::KnownTexts::new(doc, &statements);
        for (key, text) in [
            ("mission", &mut self.mission),
            ("vision", &mut self.vision),
            ("values", &mut self.values),
        ] {
            if let Ok(fresh) = autosurgeon::hydrate_prop(doc, automerge::ROOT, key) {
                *text = fresh;
            }
        }
    }
}
