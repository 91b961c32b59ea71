//! Reading a whole plan fast. autosurgeon's `hydrate` looks up every field of every item
//! in the document one by one; a plan with 1,000 objectives and 5,000 actuals takes over
//! 100 ms that way. Here the document is materialised once (`ReadDoc::hydrate`, one pass)
//! and the typed plan is built from that tree. The shape is exactly the one autosurgeon
//! writes (unit enum variants as their names, `None` as null), and a test checks that
//! both readers agree. The collaborative texts are still read by autosurgeon: their
//! view keeps what an edit needs.

use std::collections::BTreeMap;

use automerge::hydrate::{Map, Value};
use automerge::{AutoCommit, ReadDoc, ScalarValue, ROOT};

use super::{
    Approval, Direction, Goal, Initiative, InitiativeStatus, Level, Measure, Objective,
    PestleCategory, PestleFactor, Plan, PlanStatus, PlanningCycle, Quadrant, Role, SwotItem,
};
use crate::model::tree_fields::{text_of, wrong, Fields};
use crate::model::{DocumentUrl, PersonId};

const DIRECTIONS: [Direction; 2] = [Direction::Up, Direction::Down];

fn goal(f: &Fields) -> Result<Goal, String> {
    Ok(Goal {
        title: f.string("title")?,
        description: f.string("description")?,
        budget_envelope: f.optional_i64("budget_envelope")?,
        position: f.f64("position")?,
    })
}

fn objective(f: &Fields) -> Result<Objective, String> {
    Ok(Objective {
        goal: f.id("goal")?,
        title: f.string("title")?,
        owner: f.optional_person("owner")?,
        due: f.optional_string("due")?,
        position: f.f64("position")?,
    })
}

fn initiative(f: &Fields) -> Result<Initiative, String> {
    Ok(Initiative {
        objective: f.id("objective")?,
        title: f.string("title")?,
        owner: f.optional_person("owner")?,
        start: f.optional_string("start")?,
        end: f.optional_string("end")?,
        budget: f.i64("budget")?,
        headcount: f.f64("headcount")?,
        status: f.variant("status", &InitiativeStatus::ALL)?,
        progress: f.i64("progress")?,
        position: f.f64("position")?,
    })
}

/// Numbers by date (a measure's actuals, its targets by period).
fn dated_numbers(f: &Fields, map: &Map, what: &str) -> Result<BTreeMap<String, f64>, String> {
    map.iter()
        .map(|(date, entry)| {
            let value = match &entry.value {
                Value::Scalar(ScalarValue::F64(v)) => *v,
                Value::Scalar(ScalarValue::Int(v)) => *v as f64,
                Value::Scalar(ScalarValue::Uint(v)) => *v as f64,
                _ => return Err(wrong(f.what, what, "a number")),
            };
            Ok((date.clone(), value))
        })
        .collect()
}

fn measure(f: &Fields) -> Result<Measure, String> {
    let Value::Map(actuals) = f.value("actuals")? else {
        return Err(wrong(f.what, "actuals", "a map"));
    };
    let actuals = dated_numbers(f, actuals, "actual")?;
    // Plans written before targets by period were kept have none.
    let period_targets = match f.map.get("period_targets") {
        None => BTreeMap::new(),
        Some(Value::Map(targets)) => dated_numbers(f, targets, "target by period")?,
        Some(_) => return Err(wrong(f.what, "period_targets", "a map")),
    };
    Ok(Measure {
        objective: f.id("objective")?,
        name: f.string("name")?,
        unit: f.string("unit")?,
        baseline: f.f64("baseline")?,
        target: f.f64("target")?,
        direction: f.variant("direction", &DIRECTIONS)?,
        green_from: f.f64("green_from")?,
        amber_from: f.f64("amber_from")?,
        green_follows: f.optional_bool("green_follows")?,
        amber_follows: f.optional_bool("amber_follows")?,
        owner: f.person_if_any("owner")?,
        actuals,
        period_targets,
        position: f.f64("position")?,
    })
}

fn swot_item(f: &Fields) -> Result<SwotItem, String> {
    Ok(SwotItem {
        quadrant: f.variant("quadrant", &Quadrant::ALL)?,
        text: f.string("text")?,
        position: f.f64("position")?,
        objectives: f.links("objectives")?,
    })
}

fn pestle_factor(f: &Fields) -> Result<PestleFactor, String> {
    Ok(PestleFactor {
        category: f.variant("category", &PestleCategory::ALL)?,
        text: f.string("text")?,
        impact: f.variant("impact", &Level::ALL)?,
        likelihood: f.variant("likelihood", &Level::ALL)?,
        position: f.f64("position")?,
        objectives: f.links("objectives")?,
    })
}

fn approval(f: &Fields) -> Result<Approval, String> {
    Ok(Approval {
        person: PersonId::from(f.string("person")?),
        name: f.string("name")?,
        role: f.variant("role", &Role::ALL)?,
        at: f.i64("at")?,
        heads: f.strings_or_empty("heads")?,
        device: f.string_or_empty("device")?,
        seal: f.string_or_empty("seal")?,
    })
}

impl Plan {
    /// Reads a plan document in one pass (see the module's comment).
    pub fn read(doc: &AutoCommit) -> Result<Plan, String> {
        let tree = doc.hydrate(ROOT, None).map_err(|e| e.to_string())?;
        let root = Fields::of(&tree, "The plan")?;
        let statement = |key: &str| -> Result<autosurgeon::Text, String> {
            if root.map.get(key).is_none() {
                return Ok(autosurgeon::Text::default());
            }
            autosurgeon::hydrate_prop(doc, ROOT, key).map_err(|e| e.to_string())
        };
        let Value::Map(participants) = root.value("participants")? else {
            return Err(wrong("The plan", "participants", "a map"));
        };
        let participants = participants
            .iter()
            .map(|(id, entry)| {
                let role = text_of(&entry.value)
                    .and_then(|name| Role::ALL.into_iter().find(|r| format!("{r:?}") == name))
                    .ok_or_else(|| wrong("A participant", "role", "a known role"))?;
                Ok((PersonId::from(id.as_str()), role))
            })
            .collect::<Result<_, String>>()?;
        Ok(Plan {
            title: root.string("title")?,
            start_year: root.i64("start_year")?,
            end_year: root.i64("end_year")?,
            cycle: root.variant("cycle", &PlanningCycle::ALL)?,
            status: root.variant("status", &PlanStatus::ALL)?,
            currency: root.string("currency")?,
            budget_available: root.i64("budget_available")?,
            headcount_available: root.f64("headcount_available")?,
            participants,
            mission: statement("mission")?,
            vision: statement("vision")?,
            values: statement("values")?,
            swot: root.items("swot", "A SWOT item", swot_item)?,
            pestle: root.items("pestle", "A PESTLE factor", pestle_factor)?,
            goals: root.items("goals", "A goal", goal)?,
            objectives: root.items("objectives", "An objective", objective)?,
            initiatives: root.items("initiatives", "An initiative", initiative)?,
            measures: root.items("measures", "A measure", measure)?,
            approvals: root.items("approvals", "An approval", approval)?,
            predecessor: root.optional_string("predecessor")?.map(DocumentUrl::from),
        })
    }
}
