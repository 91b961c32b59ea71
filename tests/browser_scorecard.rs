//! The scorecard's rows across edits: an edit formats and redraws exactly the rows whose
//! goal, objective, measure, rolled-up health or owner's name it changed, and those rows
//! show the change.
#![cfg(target_arch = "wasm32")]

use throughline::model::plan::{Direction, Measure, Plan};
use throughline::model::{ItemId, PersonDetails, PersonId, Workspace};
use throughline::ui::pages::ScorecardRows;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TODAY: &str = "2027-06-30";

/// The versions of every row, by item id, after following `plan`.
fn follow(rows: &mut ScorecardRows, plan: &Plan, workspace: &Workspace) -> Vec<(ItemId, u64)> {
    rows.follow(plan, &plan.rollup(TODAY), workspace)
}

fn version(keys: &[(ItemId, u64)], id: &ItemId) -> u64 {
    keys.iter()
        .find(|(row, _)| row == id)
        .map(|(_, version)| *version)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

/// A workspace with Ana, and a plan with one goal and two objectives, each with one
/// measure; Ana owns the first objective.
struct Fixture {
    workspace: Workspace,
    ana: PersonId,
    plan: Plan,
    goal: ItemId,
    owned: ItemId,
    other: ItemId,
    owned_measure: ItemId,
    other_measure: ItemId,
}

fn fixture() -> Fixture {
    let mut workspace = Workspace::new("Acme");
    let ana = PersonId::random();
    workspace
        .add_person(
            ana.clone(),
            PersonDetails {
                name: "Ana Lima".into(),
                ..PersonDetails::default()
            },
        )
        .unwrap();
    let mut plan = Plan::new("Strategy 2027–2029", 2027, 2029).unwrap();
    let goal = plan.add_goal("Grow in Europe").unwrap();
    let owned = plan.add_objective(&goal, "Win new customers").unwrap();
    plan.update_objective(&owned, "Win new customers", Some(ana.clone()), None)
        .unwrap();
    let other = plan.add_objective(&goal, "Keep the ones we have").unwrap();
    let measure = |objective: &ItemId, name: &str| Measure {
        objective: objective.clone(),
        ..Measure::new(name, "", 0.0, 100.0, Direction::Up)
    };
    let owned_measure = plan
        .add_measure(measure(&owned, "Nordic customers"))
        .unwrap();
    let other_measure = plan.add_measure(measure(&other, "Renewals")).unwrap();
    Fixture {
        workspace,
        ana,
        plan,
        goal,
        owned,
        other,
        owned_measure,
        other_measure,
    }
}

#[wasm_bindgen_test]
fn the_rows_are_the_plan_in_order_with_their_text() {
    let f = fixture();
    let mut rows = ScorecardRows::default();
    let keys = follow(&mut rows, &f.plan, &f.workspace);
    let order: Vec<&ItemId> = keys.iter().map(|(id, _)| id).collect();
    assert_eq!(
        order,
        [
            &f.goal,
            &f.owned,
            &f.owned_measure,
            &f.other,
            &f.other_measure
        ]
    );
    let measure = rows.row(&f.owned_measure).unwrap();
    assert_eq!(measure.name, "Nordic customers");
    assert_eq!(measure.latest, "—");
    // A measure without an owner of its own shows its objective's.
    assert_eq!(measure.owner, "Ana Lima");
    assert_eq!(rows.row(&f.other_measure).unwrap().owner, "");
}

#[wasm_bindgen_test]
fn an_actual_changes_its_measure_objective_and_goal_rows_only() {
    let mut f = fixture();
    let mut rows = ScorecardRows::default();
    let before = follow(&mut rows, &f.plan, &f.workspace);
    // Following the same plan again changes no row.
    assert_eq!(follow(&mut rows, &f.plan, &f.workspace), before);

    f.plan
        .record_actual(&f.owned_measure, "2027-06-30", 90.0)
        .unwrap();
    let after = follow(&mut rows, &f.plan, &f.workspace);
    for changed in [&f.owned_measure, &f.owned, &f.goal] {
        assert_ne!(version(&before, changed), version(&after, changed));
    }
    for same in [&f.other, &f.other_measure] {
        assert_eq!(version(&before, same), version(&after, same));
    }
    assert_eq!(
        rows.row(&f.owned_measure).unwrap().latest,
        "90 (2027-06-30)"
    );
    assert_eq!(rows.row(&f.owned).unwrap().latest, "90%");
}

#[wasm_bindgen_test]
fn renaming_an_owner_changes_the_rows_that_show_their_name() {
    let mut f = fixture();
    let mut rows = ScorecardRows::default();
    let before = follow(&mut rows, &f.plan, &f.workspace);
    f.workspace
        .update_person(
            &f.ana,
            PersonDetails {
                name: "Ana Lima-Costa".into(),
                ..PersonDetails::default()
            },
        )
        .unwrap();
    let after = follow(&mut rows, &f.plan, &f.workspace);
    for changed in [&f.owned, &f.owned_measure] {
        assert_ne!(version(&before, changed), version(&after, changed));
        assert_eq!(rows.row(changed).unwrap().owner, "Ana Lima-Costa");
    }
    for same in [&f.goal, &f.other, &f.other_measure] {
        assert_eq!(version(&before, same), version(&after, same));
    }
}

#[wasm_bindgen_test]
fn a_removed_row_is_forgotten_and_comes_back_as_new() {
    let f = fixture();
    let mut rows = ScorecardRows::default();
    let before = follow(&mut rows, &f.plan, &f.workspace);
    let mut without = f.plan.clone();
    without.measures.remove(&f.other_measure);
    let after = follow(&mut rows, &without, &f.workspace);
    assert!(after.iter().all(|(id, _)| id != &f.other_measure));
    assert!(rows.row(&f.other_measure).is_none());
    let again = follow(&mut rows, &f.plan, &f.workspace);
    assert_ne!(
        version(&before, &f.other_measure),
        version(&again, &f.other_measure)
    );
}

#[wasm_bindgen_test]
fn a_title_or_due_date_changes_only_its_own_row() {
    let mut f = fixture();
    let mut rows = ScorecardRows::default();
    let before = follow(&mut rows, &f.plan, &f.workspace);
    f.plan
        .update_objective(
            &f.other,
            "Keep every customer",
            None,
            Some("2027-12-31".into()),
        )
        .unwrap();
    let after = follow(&mut rows, &f.plan, &f.workspace);
    assert_ne!(version(&before, &f.other), version(&after, &f.other));
    let objective = rows.row(&f.other).unwrap();
    assert_eq!(objective.name, "Keep every customer");
    assert_eq!(objective.target, "Due 2027-12-31");
    for same in [&f.goal, &f.owned, &f.owned_measure, &f.other_measure] {
        assert_eq!(version(&before, same), version(&after, same));
    }

    f.plan.goals.get_mut(&f.goal).unwrap().title = "Grow in Europe and Asia".into();
    let renamed = follow(&mut rows, &f.plan, &f.workspace);
    assert_ne!(version(&after, &f.goal), version(&renamed, &f.goal));
    assert_eq!(rows.row(&f.goal).unwrap().name, "Grow in Europe and Asia");
    assert_eq!(version(&after, &f.other), version(&renamed, &f.other));
}

#[wasm_bindgen_test]
fn a_measure_shows_its_own_owner_first_and_no_one_once_they_leave() {
    let mut f = fixture();
    let bo = PersonId::random();
    f.workspace
        .add_person(
            bo.clone(),
            PersonDetails {
                name: "Bo Berg".into(),
                ..PersonDetails::default()
            },
        )
        .unwrap();
    f.plan.measures.get_mut(&f.owned_measure).unwrap().owner = Some(bo.clone());
    let mut rows = ScorecardRows::default();
    follow(&mut rows, &f.plan, &f.workspace);
    assert_eq!(rows.row(&f.owned_measure).unwrap().owner, "Bo Berg");
    assert_eq!(rows.row(&f.owned).unwrap().owner, "Ana Lima");

    f.workspace.remove_person(&bo).unwrap();
    follow(&mut rows, &f.plan, &f.workspace);
    assert_eq!(rows.row(&f.owned_measure).unwrap().owner, "");
    assert_eq!(rows.row(&f.owned).unwrap().owner, "Ana Lima");
}
