//! Documents written by earlier builds open in this one and lose nothing.
//!
//! `tests/fixtures/older/<n>/` holds what the build of schema `n` wrote (see the README
//! there): a workspace, a plan, a review, a check-in series as `.automerge` files, the
//! JSON export that build made of each, and a workspace archive holding all four. Every
//! build reads each document with both of its readers (the document's own and
//! autosurgeon's), and its JSON export must equal the older build's, field for field.

use automerge::AutoCommit;
use serde_json::Value;
use throughline::model::check_in::CheckInSeries;
use throughline::model::plan::Plan;
use throughline::model::review::Review;
use throughline::model::{DocumentView, Workspace};
use throughline::store::read_import;

const SCHEMAS: [&str; 1] = ["1"];

fn fixture(schema: &str, name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/older/{schema}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The document and the JSON the older build exported of it.
fn older<T: DocumentView + PartialEq + std::fmt::Debug>(schema: &str, name: &str) -> (T, Value) {
    let doc = AutoCommit::load(&fixture(schema, &format!("{name}.automerge"))).unwrap();
    let own = T::read(&doc).unwrap_or_else(|e| panic!("schema {schema}, {name}: {e}"));
    let hydrated: T = autosurgeon::hydrate(&doc)
        .unwrap_or_else(|e| panic!("schema {schema}, {name} (autosurgeon): {e}"));
    assert_eq!(own, hydrated, "schema {schema}, {name}: both readers agree");
    let json = serde_json::from_slice(&fixture(schema, &format!("{name}.json"))).unwrap();
    (own, json)
}

fn document(json: &Value) -> &str {
    json["document"]
        .as_str()
        .expect("an export names its document")
}

/// Compares two exports, naming the fields that differ. A field the older build did not
/// have yet may appear, at its default (nothing was lost: there was nothing), at any depth.
fn same_json(schema: &str, name: &str, now: &str, then: &Value) {
    let mut now: Value = serde_json::from_str(now).unwrap();
    without_new_defaults(&mut now, then);
    if &now != then {
        let fields = now.as_object().into_iter().flatten();
        let differing: Vec<&String> = fields
            .filter(|(key, value)| then.get(key.as_str()) != Some(value))
            .map(|(key, _)| key)
            .collect();
        panic!("schema {schema}, {name}: the export differs in {differing:?}");
    }
}

/// Drops from `now` the fields `then` lacks whose value is a default (null, false, 0,
/// empty), recursively.
fn without_new_defaults(now: &mut Value, then: &Value) {
    let default = |v: &Value| match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
    };
    match (now, then) {
        (Value::Object(fields), Value::Object(old)) => {
            fields.retain(|key, value| old.contains_key(key) || !default(value));
            for (key, value) in fields.iter_mut() {
                if let Some(old_value) = old.get(key) {
                    without_new_defaults(value, old_value);
                }
            }
        }
        (Value::Array(items), Value::Array(old)) => {
            for (item, old_item) in items.iter_mut().zip(old) {
                without_new_defaults(item, old_item);
            }
        }
        _ => {}
    }
}

#[test]
fn an_older_workspace_reads_whole() {
    for schema in SCHEMAS {
        let (workspace, json): (Workspace, _) = older(schema, "workspace");
        assert_eq!(workspace.organisation, "Fixture Co");
        same_json(
            schema,
            "workspace",
            &workspace.to_json(document(&json)),
            &json,
        );
    }
}

#[test]
fn an_older_plan_reads_whole() {
    for schema in SCHEMAS {
        let (plan, json): (Plan, _) = older(schema, "plan");
        assert_eq!(plan.title, "Strategy 2027–2029");
        same_json(
            schema,
            "plan",
            &plan.to_json(document(&json), "2027-06-30"),
            &json,
        );
    }
}

#[test]
fn an_older_review_reads_whole() {
    for schema in SCHEMAS {
        let (review, json): (Review, _) = older(schema, "review");
        assert_eq!(review.self_assessment.as_str(), "I shipped the app.");
        let answers: Vec<&str> = review
            .answers
            .values()
            .flat_map(|a| [a.by_employee.as_str(), a.by_manager.as_str()])
            .filter(|text| !text.is_empty())
            .collect();
        assert_eq!(answers, ["The launch.", "Agreed."]);
        same_json(schema, "review", &review.to_json(document(&json)), &json);
    }
}

#[test]
fn an_older_check_in_series_reads_whole() {
    for schema in SCHEMAS {
        let (series, json): (CheckInSeries, _) = older(schema, "check-in");
        same_json(schema, "check-in", &series.to_json(document(&json)), &json);
    }
}

#[test]
fn an_older_archive_imports_with_every_document() {
    for schema in SCHEMAS {
        let file = read_import("archive.json", &fixture(schema, "archive.json"))
            .unwrap_or_else(|e| panic!("schema {schema}: {e}"));
        assert!(file.workspace.is_some());
        assert_eq!(file.documents.len(), 4);
        for (_, doc) in &file.documents {
            // Each reads as one of the four kinds.
            let read = Workspace::read(doc)
                .ok()
                .filter(|w| !w.organisation.is_empty())
                .map(|_| "workspace")
                .or_else(|| {
                    Plan::read(doc)
                        .ok()
                        .filter(|p| !p.title.is_empty())
                        .map(|_| "plan")
                })
                .or_else(|| {
                    Review::read(doc)
                        .ok()
                        .filter(|r| !r.cycle_name.is_empty())
                        .map(|_| "review")
                })
                .or_else(|| CheckInSeries::read(doc).ok().map(|_| "check-in"));
            assert!(
                read.is_some(),
                "schema {schema}: an archived document reads"
            );
        }
    }
}

/// Writes `value` into a new document the way an edit does (`write_since`, from an empty
/// document of its kind) and reads it back with the document's own reader.
fn round_trips<T: DocumentView + Default + PartialEq + std::fmt::Debug>(value: &T, name: &str) {
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, T::default()).unwrap();
    doc.commit();
    let mut written = value.clone();
    written.write_since(&T::default(), &mut doc).unwrap();
    doc.commit();
    let read = T::read(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(&read, value, "{name}: every field is written and read back");
}

#[test]
fn every_stored_field_is_written_by_an_edit_and_read_back() {
    // The fixtures' documents have every part filled in, so a field that an edit does not
    // write (or writes under another key than the reader's) shows here.
    for schema in SCHEMAS {
        let mut workspace: Workspace = older(schema, "workspace").0;
        fresh(&mut workspace.about);
        round_trips(&workspace, "workspace");
        let mut plan: Plan = older(schema, "plan").0;
        for text in [&mut plan.mission, &mut plan.vision, &mut plan.values] {
            fresh(text);
        }
        round_trips(&plan, "plan");
        let mut review: Review = older(schema, "review").0;
        fresh(&mut review.self_assessment);
        fresh(&mut review.manager_assessment);
        for answers in review.answers.values_mut() {
            fresh(&mut answers.by_employee);
            fresh(&mut answers.by_manager);
        }
        for goal in review.goals.values_mut() {
            fresh(&mut goal.title);
            fresh(&mut goal.description);
        }
        for feedback in review.peer_feedback.values_mut() {
            fresh(&mut feedback.text);
        }
        round_trips(&review, "review");
        let mut series: CheckInSeries = older(schema, "check-in").0;
        for meeting in series.meetings.values_mut() {
            fresh(&mut meeting.notes);
        }
        round_trips(&series, "check-in");
    }
}

/// Text read from one document is tied to it; the same words as new text, to write into
/// another.
fn fresh(text: &mut autosurgeon::Text) {
    *text = autosurgeon::Text::with_value(text.as_str());
}
