//! Reading the whole workspace in one pass. Every page opens from the workspace, and
//! autosurgeon's `hydrate` looks up each field of each person, team and listed document
//! on its own: about 47 ms in the browser for a workspace of 1,000 people and a cycle of
//! 500 reviews. Here the document is materialised once and its maps that grow with the
//! organisation (people, teams, plans, cycles, check-ins, feedback given, membership)
//! are read from that tree (`tree_fields`). HR's scales and templates, the maps only
//! earlier builds wrote, and the collaborative text are few, and autosurgeon still reads
//! them.
//!
//! A test reads every fixture and a large workspace both ways and asks for the same
//! result; a document this reader does not understand is read by autosurgeon instead
//! (`Workspace`'s `DocumentView::read`).
//!
//! ```ignore
//! let workspace = Workspace::read_in_one_pass(&doc)?;
//! ```

use std::collections::BTreeMap;

use automerge::hydrate::Value;
use automerge::{AutoCommit, ReadDoc, ScalarValue, ROOT};

use super::identity::SignedStatement;
use super::review::{CheckInEntry, Deadlines, GivenEntry, ReviewCycle};
use super::tree_fields::{missing, text_of, wrong, Fields};
use super::workspace::{Person, PlanEntry, Team};
use super::{DocumentUrl, ItemId, PersonId, TeamId, Workspace};

impl Workspace {
    /// Reads a workspace document in one pass (see the module's comment).
    pub fn read_in_one_pass(doc: &AutoCommit) -> Result<Workspace, String> {
        let tree = doc.hydrate(ROOT, None).map_err(|e| e.to_string())?;
        let root = Fields::of(&tree, "The workspace")?;
        // Read by autosurgeon, as its derive says: empty in a workspace made before the
        // field existed.
        macro_rules! slow {
            ($key:literal) => {
                if root.map.contains_key($key) {
                    autosurgeon::hydrate_prop(doc, ROOT, $key).map_err(|e| e.to_string())?
                } else {
                    Default::default()
                }
            };
        }
        Ok(Workspace {
            organisation: root.string("organisation")?,
            about: slow!("about"),
            people: entries(&root, "people", "A person", true, person)?,
            teams: entries(&root, "teams", "A team", true, team)?,
            plans: entries(&root, "plans", "A plan's entry", false, |f| {
                Ok(PlanEntry {
                    listed_at: f.i64("listed_at")?,
                })
            })?,
            scales: slow!("scales"),
            templates: slow!("templates"),
            cycles: entries(&root, "cycles", "A review cycle", false, cycle)?,
            check_ins: entries(&root, "check_ins", "A check-in series", false, |f| {
                Ok(CheckInEntry {
                    manager: PersonId::from(f.string("manager")?),
                    employee: PersonId::from(f.string("employee")?),
                })
            })?,
            feedback: slow!("feedback"),
            given_feedback: entries(&root, "given_feedback", "Feedback given", false, |f| {
                Ok(GivenEntry {
                    to: PersonId::from(f.string("to")?),
                    from: PersonId::from(f.string("from")?),
                })
            })?,
            feedback_requests: slow!("feedback_requests"),
            nudges: slow!("nudges"),
            root: root.string_or_empty("root")?,
            membership: entries(&root, "membership", "A membership statement", false, |f| {
                Ok(SignedStatement {
                    payload: f.string("payload")?,
                    signature: f.string("signature")?,
                })
            })?,
        })
    }
}

/// The map `key` of `fields`, each entry read by `entry`; `required`: a workspace made
/// by any build has it (else it reads as empty when absent).
fn entries<K: From<String> + Ord, V>(
    fields: &Fields,
    key: &str,
    what: &'static str,
    required: bool,
    entry: impl Fn(&Fields) -> Result<V, String>,
) -> Result<BTreeMap<K, V>, String> {
    let map = match fields.map.get(key) {
        None if required => return Err(missing(fields.what, key)),
        None => return Ok(BTreeMap::new()),
        Some(Value::Map(map)) => map,
        Some(_) => return Err(wrong(fields.what, key, "a map")),
    };
    map.iter()
        .map(|(id, value)| {
            let fields = Fields::of(&value.value, what)?;
            Ok((K::from(id.clone()), entry(&fields)?))
        })
        .collect()
}

/// The map `key` of `fields`, each value a string (or text) made into `V`.
fn strings<K: From<String> + Ord, V: From<String>>(
    fields: &Fields,
    key: &str,
) -> Result<BTreeMap<K, V>, String> {
    let Value::Map(map) = fields.value(key)? else {
        return Err(wrong(fields.what, key, "a map"));
    };
    map.iter()
        .map(|(id, value)| {
            let text = text_of(&value.value).ok_or_else(|| wrong(fields.what, key, "texts"))?;
            Ok((K::from(id.clone()), V::from(text)))
        })
        .collect()
}

fn person(f: &Fields) -> Result<Person, String> {
    Ok(Person {
        name: f.string("name")?,
        title: f.string("title")?,
        email: f.string("email")?,
        manager: f.optional_person("manager")?,
        team: f.optional_string("team")?.map(TeamId::from),
    })
}

fn team(f: &Fields) -> Result<Team, String> {
    Ok(Team {
        name: f.string("name")?,
        lead: f.optional_person("lead")?,
    })
}

fn cycle(f: &Fields) -> Result<ReviewCycle, String> {
    let deadlines = Fields::of(f.value("deadlines")?, "A cycle's deadlines")?;
    let Value::Map(hr) = f.value("hr")? else {
        return Err(wrong(f.what, "hr", "a map"));
    };
    let hr = hr
        .iter()
        .map(|(person, on)| match &on.value {
            Value::Scalar(ScalarValue::Boolean(on)) => Ok((PersonId::from(person.as_str()), *on)),
            _ => Err(wrong(f.what, "hr", "a set of people")),
        })
        .collect::<Result<_, String>>()?;
    Ok(ReviewCycle {
        name: f.string("name")?,
        period_start: f.string("period_start")?,
        period_end: f.string("period_end")?,
        template: ItemId::from(f.string("template")?),
        scale: ItemId::from(f.string("scale")?),
        deadlines: Deadlines {
            self_review: deadlines.string("self_review")?,
            manager_review: deadlines.string("manager_review")?,
            calibration: deadlines.string("calibration")?,
            sign_off: deadlines.string("sign_off")?,
        },
        hr,
        reviews: strings::<PersonId, DocumentUrl>(f, "reviews")?,
        created_at: f.i64("created_at")?,
    })
}
