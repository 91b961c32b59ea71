//! The rules of a strategic plan: roll-up and RAG, resources, approval, version
//! comparison, next cycle, the board report, and concurrent edits on two devices.

use automerge::AutoCommit;
use autosurgeon::{hydrate, reconcile};
use throughline::model::plan::{
    Difference, DifferenceKind, Direction, Initiative, InitiativeStatus, Measure, Plan, PlanError,
    PlanStatus, Quadrant, Rag, ReportContext, Role, Statement, Trend,
};
use throughline::model::{DocumentView, ItemId, PersonId};

const TODAY: &str = "2027-06-30";

/// A plan with one goal and one objective; returns their ids.
fn small_plan() -> (Plan, ItemId, ItemId) {
    let mut plan = Plan::new("Strategy 2027–2029", 2027, 2029).unwrap();
    let goal = plan.add_goal("Grow in Europe").unwrap();
    let objective = plan.add_objective(&goal, "Win new customers").unwrap();
    (plan, goal, objective)
}

fn measure(objective: &ItemId, baseline: f64, target: f64, direction: Direction) -> Measure {
    Measure {
        objective: objective.clone(),
        ..Measure::new("Customers", "", baseline, target, direction)
    }
}

// ---- measures: progress, RAG and trend ----

#[test]
fn a_measure_without_actuals_has_no_colour_and_no_progress() {
    let (mut plan, goal, objective) = small_plan();
    plan.add_measure(measure(&objective, 10.0, 20.0, Direction::Up))
        .unwrap();
    let rollup = plan.rollup(TODAY);
    assert_eq!(rollup.objectives[&objective].rag, None);
    assert_eq!(rollup.objectives[&objective].progress, None);
    assert_eq!(rollup.goals[&goal].rag, None);
    assert_eq!(rollup.plan.rag_label(), "No data");
    assert_eq!(rollup.plan.progress_text(), "—");
}

#[test]
fn thresholds_are_inclusive_and_take_the_better_colour() {
    let (_, _, objective) = small_plan();
    let mut up = measure(&objective, 0.0, 100.0, Direction::Up);
    up.set_thresholds(Some(90.0), Some(70.0));
    assert_eq!(up.rag_of(90.0), Rag::Green);
    assert_eq!(up.rag_of(89.99), Rag::Amber);
    assert_eq!(up.rag_of(70.0), Rag::Amber);
    assert_eq!(up.rag_of(69.99), Rag::Red);
}

#[test]
fn down_is_good_measures_are_judged_the_other_way() {
    let (mut plan, _, objective) = small_plan();
    let mut churn = measure(&objective, 10.0, 5.0, Direction::Down);
    churn.set_thresholds(Some(5.0), Some(7.0));
    let churn = plan.add_measure(churn).unwrap();
    plan.record_actual(&churn, "2027-03-31", 8.0).unwrap();
    plan.record_actual(&churn, "2027-06-30", 7.0).unwrap();
    let m = &plan.measures[&churn];
    assert_eq!(m.rag(), Some(Rag::Amber), "7 is on the amber boundary");
    assert_eq!(m.progress(), Some(0.6), "10 → 7 of 10 → 5");
    assert_eq!(m.trend(), Some(Trend::Improving), "falling is improving");
    plan.record_actual(&churn, "2027-09-30", 4.0).unwrap();
    let m = &plan.measures[&churn];
    assert_eq!(m.rag(), Some(Rag::Green));
    assert_eq!(m.progress(), Some(1.0), "beyond the target counts as done");
}

#[test]
fn a_target_equal_to_the_baseline_means_holding_the_level() {
    let (mut plan, _, objective) = small_plan();
    let uptime = plan
        .add_measure(measure(&objective, 99.0, 99.0, Direction::Up))
        .unwrap();
    plan.record_actual(&uptime, "2027-03-31", 99.5).unwrap();
    assert_eq!(plan.measures[&uptime].progress(), Some(1.0));
    assert_eq!(plan.measures[&uptime].rag(), Some(Rag::Green));
    plan.record_actual(&uptime, "2027-06-30", 98.0).unwrap();
    assert_eq!(plan.measures[&uptime].progress(), Some(0.0));
    assert_eq!(plan.measures[&uptime].rag(), Some(Rag::Red));
    assert_eq!(plan.measures[&uptime].trend(), Some(Trend::Worsening));
}

#[test]
fn the_latest_actual_is_the_one_with_the_latest_date_whatever_the_order_entered() {
    let (mut plan, _, objective) = small_plan();
    let id = plan
        .add_measure(measure(&objective, 0.0, 10.0, Direction::Up))
        .unwrap();
    plan.record_actual(&id, "2027-06-30", 8.0).unwrap();
    plan.record_actual(&id, "2027-03-31", 2.0).unwrap();
    assert_eq!(plan.measures[&id].latest(), Some(("2027-06-30", 8.0)));
    assert_eq!(plan.measures[&id].trend(), Some(Trend::Improving));
}

#[test]
fn a_blank_threshold_follows_the_target_wherever_it_changes() {
    let (mut plan, _, objective) = small_plan();
    let id = plan
        .add_measure(measure(&objective, 0.0, 20.0, Direction::Up))
        .unwrap();
    plan.record_actual(&id, "2027-03-31", 20.0).unwrap();
    assert_eq!(plan.measures[&id].rag(), Some(Rag::Green));
    // The target moves to 25: green now starts at 25 and amber at 20 (80% of the way).
    let mut details = plan.measures[&id].clone();
    details.target = 25.0;
    plan.update_measure(&id, details).unwrap();
    let moved = &plan.measures[&id];
    assert_eq!((moved.green_from, moved.amber_from), (25.0, 20.0));
    assert_eq!(moved.rag(), Some(Rag::Amber));
    // A threshold set by hand stays where it was put.
    let mut fixed = moved.clone();
    fixed.set_thresholds(Some(28.0), None);
    plan.update_measure(&id, fixed).unwrap();
    let mut details = plan.measures[&id].clone();
    details.target = 30.0;
    plan.update_measure(&id, details).unwrap();
    let kept = &plan.measures[&id];
    assert_eq!((kept.green_from, kept.amber_from), (28.0, 24.0));
    // A plan written before this was kept (no flags) follows where it equals the target.
    let old = plan
        .add_measure(measure(&objective, 0.0, 20.0, Direction::Up))
        .unwrap();
    if let Some(written_before) = plan.measures.get_mut(&old) {
        written_before.green_follows = None;
        written_before.amber_follows = None;
    }
    let mut details = plan.measures[&old].clone();
    details.target = 40.0;
    plan.update_measure(&old, details).unwrap();
    assert_eq!(plan.measures[&old].green_from, 40.0);
    assert_eq!(plan.measures[&old].amber_from, 32.0);
}

#[test]
fn contradictory_measures_and_bad_values_are_refused_and_nothing_is_written() {
    let (mut plan, _, objective) = small_plan();
    let before = plan.clone();
    assert_eq!(
        plan.add_measure(measure(&objective, 10.0, 5.0, Direction::Up)),
        Err(PlanError::TargetBelowBaseline)
    );
    let mut thresholds = measure(&objective, 0.0, 10.0, Direction::Up);
    thresholds.set_thresholds(None, Some(11.0));
    assert_eq!(
        plan.add_measure(thresholds),
        Err(PlanError::GreenBelowAmber)
    );
    assert_eq!(plan, before);
    let id = plan
        .add_measure(measure(&objective, 0.0, 10.0, Direction::Up))
        .unwrap();
    let with_measure = plan.clone();
    assert_eq!(
        plan.record_actual(&id, "2027-02-30", 1.0),
        Err(PlanError::NoSuchDay {
            date: "2027-02-30".into()
        })
    );
    assert_eq!(
        plan.record_actual(&id, "next week", 1.0),
        Err(PlanError::NotADate {
            text: "next week".into()
        })
    );
    assert_eq!(
        plan.record_actual(&id, "2027-01-31", f64::NAN),
        Err(PlanError::ActualNotANumber)
    );
    assert_eq!(plan, with_measure);
    assert_eq!(
        Plan::new("Backwards", 2029, 2027),
        Err(PlanError::HorizonBackwards {
            start_year: 2029,
            end_year: 2027
        })
    );
    let mut initiative = Initiative {
        objective: objective.clone(),
        title: "Launch".into(),
        start: Some("2027-06-01".into()),
        end: Some("2027-01-01".into()),
        ..Initiative::default()
    };
    assert_eq!(
        plan.add_initiative(initiative.clone()),
        Err(PlanError::DatesBackwards {
            start: "2027-06-01".into(),
            end: "2027-01-01".into()
        })
    );
    initiative.end = None;
    initiative.progress = 140;
    assert_eq!(
        plan.add_initiative(initiative),
        Err(PlanError::ProgressOutOfRange)
    );
    assert_eq!(plan, with_measure);
}

// ---- roll-up ----

#[test]
fn an_objective_is_the_worst_of_its_measures_and_says_why() {
    let (mut plan, goal, objective) = small_plan();
    let good = plan
        .add_measure(measure(&objective, 0.0, 100.0, Direction::Up))
        .unwrap();
    let mut weak = measure(&objective, 0.0, 100.0, Direction::Up);
    weak.name = "Net promoter score".into();
    let weak = plan.add_measure(weak).unwrap();
    plan.record_actual(&good, "2027-06-01", 100.0).unwrap();
    plan.record_actual(&weak, "2027-06-01", 85.0).unwrap();
    let rollup = plan.rollup(TODAY);
    let health = &rollup.objectives[&objective];
    assert_eq!(health.rag, Some(Rag::Amber));
    assert_eq!(health.progress, Some(0.925));
    let reasons = plan.objective_reasons(&objective, TODAY);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("Net promoter score") && r.contains("amber") && r.contains("85")),
        "{reasons:?}"
    );
    assert_eq!(rollup.goals[&goal].rag, Some(Rag::Amber));
}

#[test]
fn initiatives_count_when_blocked_or_at_risk_and_give_progress_without_actuals() {
    let (mut plan, _, objective) = small_plan();
    plan.add_initiative(Initiative {
        objective: objective.clone(),
        title: "Hire sales team".into(),
        status: InitiativeStatus::Blocked,
        progress: 40,
        ..Initiative::default()
    })
    .unwrap();
    let health = &plan.rollup(TODAY).objectives[&objective];
    assert_eq!(health.rag, Some(Rag::Red));
    assert_eq!(health.progress, Some(0.4));
    assert!(plan.objective_reasons(&objective, TODAY)[0].contains("Hire sales team"));
}

#[test]
fn an_objective_past_due_and_incomplete_is_at_best_amber() {
    let (mut plan, _, objective) = small_plan();
    plan.update_objective(
        &objective,
        "Win new customers",
        None,
        Some("2027-03-31".into()),
    )
    .unwrap();
    let mut nearly = measure(&objective, 0.0, 10.0, Direction::Up);
    nearly.set_thresholds(Some(9.0), None);
    let id = plan.add_measure(nearly).unwrap();
    plan.record_actual(&id, "2027-03-01", 9.5).unwrap(); // green, not complete
    assert_eq!(
        plan.rollup("2027-03-01").objectives[&objective].rag,
        Some(Rag::Green)
    );
    let late = plan.rollup("2027-04-01");
    assert_eq!(late.objectives[&objective].rag, Some(Rag::Amber));
    assert!(plan.objective_reasons(&objective, "2027-04-01")[0].contains("Due on 2027-03-31"));
    assert_eq!(
        plan.objective_reasons(&objective, "2027-03-01"),
        ["Every measure and initiative with data is green."]
    );
}

#[test]
fn goals_average_their_objectives_but_a_red_never_hides_in_green() {
    let (mut plan, goal, first) = small_plan();
    let mut ids = vec![first];
    for title in ["B", "C", "D"] {
        ids.push(plan.add_objective(&goal, title).unwrap());
    }
    for (objective, value) in ids.iter().zip([100.0, 100.0, 100.0, 0.0]) {
        let id = plan
            .add_measure(measure(objective, 0.0, 100.0, Direction::Up))
            .unwrap();
        plan.record_actual(&id, "2027-06-01", value).unwrap();
    }
    let rollup = plan.rollup(TODAY);
    // (3 + 3 + 3 + 1) / 4 = 2.5 would be green; the red keeps it amber.
    assert_eq!(rollup.goals[&goal].rag, Some(Rag::Amber));
    assert_eq!(
        plan.goal_reasons(&rollup, &goal),
        [
            "3 green, 0 amber, 1 red of 4 objectives with data (average 2.5 of 3).",
            "At most amber while any of its objectives is red.",
        ]
    );
    assert_eq!(rollup.goals[&goal].progress, Some(0.75));
    assert_eq!(rollup.plan.rag, Some(Rag::Amber));
    assert_eq!(rollup.plan.progress, Some(0.75));
}

// ---- resources ----

#[test]
fn resources_sum_per_goal_and_in_total_and_flag_over_allocation() {
    let (mut plan, goal, objective) = small_plan();
    plan.set_available(500_000, 6.0).unwrap();
    let second_goal = plan.add_goal("Operate well").unwrap();
    let second_objective = plan.add_objective(&second_goal, "Cut costs").unwrap();
    plan.update_goal(&second_goal, "Operate well", "", Some(50_000))
        .unwrap();
    for (objective, budget, headcount) in [
        (&objective, 200_000, 2.0),
        (&objective, 150_000, 1.5),
        (&second_objective, 100_000, 3.0),
    ] {
        plan.add_initiative(Initiative {
            objective: objective.clone(),
            title: "Work".into(),
            budget,
            headcount,
            ..Initiative::default()
        })
        .unwrap();
    }
    let resources = plan.resources();
    assert_eq!(resources.per_goal[0].goal, goal);
    assert_eq!(resources.per_goal[0].allocated.budget, 350_000);
    assert_eq!(resources.per_goal[0].allocated.headcount, 3.5);
    assert!(!resources.per_goal[0].over_envelope(), "no envelope set");
    assert!(
        resources.per_goal[1].over_envelope(),
        "100,000 against 50,000"
    );
    assert_eq!(resources.total.budget, 450_000);
    assert!(!resources.over_budget());
    assert!(resources.over_headcount(), "6.5 against 6");
    assert_eq!(resources.remaining().budget, 50_000);
    plan.set_available(400_000, 7.0).unwrap();
    assert!(plan.resources().over_budget());
    assert_eq!(
        plan.set_available(-1, 1.0),
        Err(PlanError::AvailableNegative)
    );
}

// ---- status and approval ----

#[test]
fn status_moves_only_along_the_allowed_paths_and_approval_needs_a_board_or_executive() {
    let (mut plan, _, _) = small_plan();
    let (ana, bo, cy) = (PersonId::random(), PersonId::random(), PersonId::random());
    plan.set_participant(ana.clone(), Role::Board);
    plan.set_participant(bo.clone(), Role::Contributor);
    assert_eq!(
        plan.set_status(PlanStatus::Archived),
        Err(PlanError::StatusNotAllowed {
            from: PlanStatus::Draft,
            to: PlanStatus::Archived
        })
    );
    assert_eq!(plan.approve(&ana, "Ana", 1), Err(PlanError::NotInReview));
    plan.set_status(PlanStatus::InReview).unwrap();
    assert_eq!(
        plan.set_status(PlanStatus::Approved),
        Err(PlanError::ApprovedOnlyByApproving),
        "approval is its own step"
    );
    assert_eq!(
        plan.approve(&bo, "Bo", 1),
        Err(PlanError::ContributorCannotApprove)
    );
    assert_eq!(
        plan.approve(&cy, "Cy", 1),
        Err(PlanError::NotAParticipant),
        "not a participant"
    );
    assert_eq!(plan.can_approve(None), Err(PlanError::ApproverUnknown));
    let approval = plan.approve(&ana, "Ana", 1_800_000_000_000).unwrap();
    assert_eq!(plan.status, PlanStatus::Approved);
    assert_eq!(approval.role, Role::Board);
    assert_eq!(
        approval.version_name("27 Nov 2027"),
        "Approved by the board on 27 Nov 2027"
    );
    assert_eq!(plan.approvals_newest_first()[0].name, "Ana");
    plan.set_status(PlanStatus::Archived).unwrap();
    assert_eq!(plan.next_statuses(), vec![PlanStatus::Draft]);
}

// ---- comparison, next cycle, report ----

#[test]
fn comparing_two_states_lists_added_removed_and_changed_items() {
    let (mut plan, goal, objective) = small_plan();
    let m = plan
        .add_measure(measure(&objective, 0.0, 100.0, Direction::Up))
        .unwrap();
    let work = plan
        .add_initiative(Initiative {
            objective: objective.clone(),
            title: "Campaign".into(),
            budget: 10_000,
            ..Initiative::default()
        })
        .unwrap();
    let old_goal = plan.add_goal("Old goal").unwrap();
    let approved = plan.clone();

    let mut details = plan.measures[&m].clone();
    details.target = 120.0;
    details.green_from = 120.0;
    plan.update_measure(&m, details).unwrap();
    let mut budget = plan.initiatives[&work].clone();
    budget.budget = 15_000;
    plan.update_initiative(&work, budget).unwrap();
    plan.remove_goal(&old_goal).unwrap();
    let new_goal = plan.add_goal("Be carbon neutral").unwrap();
    plan.move_objective(&objective, &new_goal, 0).unwrap();
    let owner = PersonId::random();
    plan.update_objective(&objective, "Win new customers", Some(owner.clone()), None)
        .unwrap();

    let names = |p: &PersonId| {
        if *p == owner {
            "Ana Lima".to_owned()
        } else {
            "?".to_owned()
        }
    };
    let changes = approved.compare(&plan, &names);
    let find = |item: &str, field: &str| -> &Difference {
        changes
            .iter()
            .find(|c| c.item == item && c.field == field)
            .unwrap_or_else(|| panic!("no {item} {field} in {changes:#?}"))
    };
    assert_eq!(find("Measure", "target").before, "100");
    assert_eq!(find("Measure", "target").after, "120");
    assert_eq!(find("Initiative", "budget").after, "15,000");
    assert_eq!(find("Objective", "goal").before, "Grow in Europe");
    assert_eq!(find("Objective", "goal").after, "Be carbon neutral");
    assert_eq!(find("Objective", "owner").after, "Ana Lima");
    let added = find("Goal", "");
    assert_eq!(
        (added.kind, added.name.as_str()),
        (DifferenceKind::Added, "Be carbon neutral")
    );
    assert!(changes
        .iter()
        .any(|c| c.kind == DifferenceKind::Removed && c.name == "Old goal"));
    assert!(approved.compare(&approved, &names).is_empty());
    let _ = goal;
}

#[test]
fn next_cycle_carries_goals_objectives_and_measures_and_resets_the_rest() {
    let (mut plan, goal, objective) = small_plan();
    let m = plan
        .add_measure(measure(&objective, 10.0, 50.0, Direction::Up))
        .unwrap();
    plan.record_actual(&m, "2027-12-31", 30.0).unwrap();
    let beaten = plan
        .add_measure(measure(&objective, 0.0, 10.0, Direction::Up))
        .unwrap();
    plan.record_actual(&beaten, "2027-12-31", 12.0).unwrap();
    plan.add_initiative(Initiative {
        objective: objective.clone(),
        title: "Campaign".into(),
        ..Initiative::default()
    })
    .unwrap();
    let board = PersonId::random();
    plan.set_participant(board.clone(), Role::Board);
    plan.set_statement(Statement::Mission, "Serve every customer well.");
    plan.set_status(PlanStatus::InReview).unwrap();
    plan.approve(&board, "Ana", 1).unwrap();

    let next = plan.next_cycle("automerge:2wFM3H3MrtJsbMQw7n6Fh5rs4a1u");
    assert_eq!(next.title, "Strategy 2028–2030");
    assert_eq!((next.start_year, next.end_year), (2028, 2030));
    assert_eq!(next.status, PlanStatus::Draft);
    assert!(next.approvals.is_empty() && next.initiatives.is_empty());
    assert_eq!(next.goals[&goal].title, "Grow in Europe");
    assert_eq!(
        next.objectives[&objective].goal, goal,
        "same ids across cycles"
    );
    assert_eq!(
        next.measures[&m].baseline, 30.0,
        "starts where last year ended"
    );
    assert_eq!(next.measures[&m].target, 50.0);
    assert!(next.measures[&m].actuals.is_empty());
    assert!(
        next.measures[&beaten].check().is_ok(),
        "a beaten target is rebased"
    );
    assert_eq!(next.mission.as_str(), "Serve every customer well.");
    assert_eq!(
        next.predecessor.as_ref().map(|url| url.as_str()),
        Some("automerge:2wFM3H3MrtJsbMQw7n6Fh5rs4a1u")
    );
    // Year on year: the two plans compare item by item.
    let changes = plan.compare(&next, &|_| String::new());
    assert!(changes
        .iter()
        .any(|c| c.item == "Measure" && c.field == "baseline"));
    assert!(!changes
        .iter()
        .any(|c| c.item == "Objective" && c.kind != DifferenceKind::Changed));
}

#[test]
fn the_board_report_in_markdown_has_the_scorecard_resources_and_changes() {
    let (mut plan, _, objective) = small_plan();
    let m = plan
        .add_measure(measure(&objective, 0.0, 100.0, Direction::Up))
        .unwrap();
    plan.record_actual(&m, "2027-03-01", 60.0).unwrap();
    plan.record_actual(&m, "2027-06-01", 100.0).unwrap();
    plan.set_available(1_000, 1.0).unwrap();
    plan.add_initiative(Initiative {
        objective: objective.clone(),
        title: "Campaign | EU".into(),
        budget: 2_000,
        ..Initiative::default()
    })
    .unwrap();
    plan.set_statement(Statement::Vision, "The first choice in Europe.");
    let changes = vec![Difference {
        kind: DifferenceKind::Changed,
        item: "Measure",
        name: "Customers".into(),
        field: "target".into(),
        before: "90".into(),
        after: "100".into(),
    }];
    let md = plan.to_markdown(&ReportContext {
        names: &|_| String::new(),
        today: TODAY,
        since_approval: Some(("Approved by the board on 1 Jan 2027", &changes)),
    });
    assert!(md.starts_with("# Strategy 2027–2029\n"));
    assert!(md.contains("## Vision\n\nThe first choice in Europe."));
    assert!(
        md.contains("| | | Customers | 100 | 100 | Improving | Green | |"),
        "{md}"
    );
    assert!(md.contains("**Over-allocated**"));
    assert!(md.contains("- Measure “Customers”: target 90 → 100"));
}

// ---- SWOT and PESTLE ----

#[test]
fn swot_items_reorder_move_between_quadrants_and_link_to_objectives() {
    let (mut plan, _, objective) = small_plan();
    let a = plan
        .add_swot_item(Quadrant::Strengths, "Strong brand")
        .unwrap();
    let b = plan
        .add_swot_item(Quadrant::Strengths, "Loyal staff")
        .unwrap();
    let c = plan.add_swot_item(Quadrant::Strengths, "Cash").unwrap();
    plan.move_swot_item(&c, Quadrant::Strengths, 0).unwrap();
    let order: Vec<_> = plan
        .swot_in(Quadrant::Strengths)
        .iter()
        .map(|(id, _)| (*id).clone())
        .collect();
    assert_eq!(order, vec![c.clone(), a.clone(), b.clone()]);
    plan.move_swot_item(&a, Quadrant::Opportunities, 0).unwrap();
    assert_eq!(plan.swot_in(Quadrant::Opportunities)[0].0, &a);
    assert_eq!(plan.swot_in(Quadrant::Strengths).len(), 2);
    // Many moves into the same gap still keep a strict order (renumbering when needed).
    for _ in 0..80 {
        plan.move_swot_item(&b, Quadrant::Strengths, 1).unwrap();
        plan.move_swot_item(&c, Quadrant::Strengths, 1).unwrap();
    }
    assert_eq!(plan.swot_in(Quadrant::Strengths).len(), 2);
    plan.link(&a, &objective, true).unwrap();
    assert_eq!(plan.addressed_by(&objective).0[0].0, &a);
    plan.remove_objective(&objective).unwrap();
    assert!(
        plan.swot[&a].objectives.is_empty(),
        "links go with the objective"
    );
    assert_eq!(
        plan.add_swot_item(Quadrant::Threats, "  "),
        Err(PlanError::TitleMissing { what: "An item" })
    );
}

// ---- concurrent edits on two devices ----

/// One device's edit, written as the app writes it (only what changed) and committed.
fn edit(doc: &mut AutoCommit, edit: impl FnOnce(&mut Plan)) {
    let before: Plan = hydrate(doc).unwrap();
    let mut plan = before.clone();
    edit(&mut plan);
    plan.write_since(&before, doc).unwrap();
    doc.commit();
}

fn two_devices(plan: &Plan) -> (AutoCommit, AutoCommit) {
    let mut first = AutoCommit::new();
    reconcile(&mut first, plan).unwrap();
    first.commit();
    let second = first.fork();
    (first, second)
}

fn merged(first: &mut AutoCommit, second: &mut AutoCommit) -> Plan {
    first.merge(second).unwrap();
    second.merge(first).unwrap();
    let a: Plan = hydrate(first).unwrap();
    let b: Plan = hydrate(second).unwrap();
    assert_eq!(a, b, "both devices converge");
    a
}

#[test]
fn moving_an_objective_while_someone_edits_it_keeps_both() {
    let (mut plan, _, objective) = small_plan();
    let other_goal = plan.add_goal("Operate well").unwrap();
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| {
        plan.move_objective(&objective, &other_goal, 0).unwrap()
    });
    edit(&mut second, |plan| {
        plan.update_objective(
            &objective,
            "Win 50 new customers",
            None,
            Some("2027-12-31".into()),
        )
        .unwrap()
    });
    let plan = merged(&mut first, &mut second);
    let merged_objective = &plan.objectives[&objective];
    assert_eq!(merged_objective.goal, other_goal);
    assert_eq!(merged_objective.title, "Win 50 new customers");
    assert_eq!(merged_objective.due.as_deref(), Some("2027-12-31"));
    assert_eq!(plan.objectives.len(), 1, "moved, not copied");
}

#[test]
fn two_people_entering_actuals_of_one_measure_keep_every_date() {
    let (mut plan, _, objective) = small_plan();
    let m = plan
        .add_measure(measure(&objective, 0.0, 100.0, Direction::Up))
        .unwrap();
    plan.record_actual(&m, "2027-01-31", 10.0).unwrap();
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| {
        plan.record_actual(&m, "2027-02-28", 20.0).unwrap();
        plan.record_actual(&m, "2027-01-31", 11.0).unwrap();
    });
    edit(&mut second, |plan| {
        plan.record_actual(&m, "2027-03-31", 30.0).unwrap();
        plan.record_actual(&m, "2027-01-31", 12.0).unwrap();
    });
    let plan = merged(&mut first, &mut second);
    let actuals = &plan.measures[&m].actuals;
    assert_eq!(actuals.len(), 3);
    assert_eq!(actuals["2027-02-28"], 20.0);
    assert_eq!(actuals["2027-03-31"], 30.0);
    assert!(
        [11.0, 12.0].contains(&actuals["2027-01-31"]),
        "one value for a date, the same on both devices"
    );
}

#[test]
fn an_objective_added_under_a_goal_removed_elsewhere_is_kept_as_unfiled() {
    let (plan, goal, _) = small_plan();
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| plan.remove_goal(&goal).unwrap());
    let mut added = None;
    edit(&mut second, |plan| {
        added = Some(plan.add_objective(&goal, "Late idea").unwrap())
    });
    let plan = merged(&mut first, &mut second);
    let added = added.unwrap();
    assert!(plan.objectives.contains_key(&added));
    assert_eq!(plan.unfiled().0, vec![&added]);
    // It can be filed again under a goal that exists.
    let mut plan = plan;
    let home = plan.add_goal("New home").unwrap();
    plan.move_objective(&added, &home, 0).unwrap();
    assert!(plan.unfiled().0.is_empty());
}

#[test]
fn concurrent_swot_moves_of_different_items_both_land() {
    let mut plan = Plan::new("Plan", 2027, 2027).unwrap();
    let a = plan
        .add_swot_item(Quadrant::Threats, "New entrant")
        .unwrap();
    let b = plan.add_swot_item(Quadrant::Threats, "Regulation").unwrap();
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| {
        plan.move_swot_item(&a, Quadrant::Opportunities, 0).unwrap()
    });
    edit(&mut second, |plan| {
        plan.move_swot_item(&b, Quadrant::Weaknesses, 0).unwrap()
    });
    let plan = merged(&mut first, &mut second);
    assert_eq!(plan.swot[&a].quadrant, Quadrant::Opportunities);
    assert_eq!(plan.swot[&b].quadrant, Quadrant::Weaknesses);
}

#[test]
fn two_people_typing_in_the_mission_merge_character_by_character() {
    let mut plan = Plan::new("Plan", 2027, 2027).unwrap();
    plan.set_statement(Statement::Mission, "We serve.");
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| {
        plan.set_statement(Statement::Mission, "We serve customers.")
    });
    edit(&mut second, |plan| {
        plan.set_statement(Statement::Mission, "Together we serve.")
    });
    let plan = merged(&mut first, &mut second);
    assert_eq!(plan.mission.as_str(), "Together we serve customers.");
}

#[test]
fn two_people_reordering_one_list_at_once_keep_every_item_once() {
    let mut plan = Plan::new("Plan", 2027, 2027).unwrap();
    let goals: Vec<ItemId> = ["A", "B", "C", "D"]
        .iter()
        .map(|t| plan.add_goal(t).unwrap())
        .collect();
    let (mut first, mut second) = two_devices(&plan);
    // One moves D to the top; the other moves A to the bottom and B after C.
    edit(&mut first, |plan| plan.move_goal(&goals[3], 0).unwrap());
    edit(&mut second, |plan| {
        plan.move_goal(&goals[0], 3).unwrap();
        plan.move_goal(&goals[1], 1).unwrap();
    });
    let plan = merged(&mut first, &mut second);
    let order: Vec<&str> = plan
        .goals_in_order()
        .iter()
        .map(|(_, g)| g.title.as_str())
        .collect();
    assert_eq!(
        order,
        vec!["D", "C", "B", "A"],
        "each move lands; none is doubled"
    );
}

#[test]
fn the_same_item_moved_to_two_places_at_once_ends_in_one_of_them() {
    let (mut plan, _, objective) = small_plan();
    let north = plan.add_goal("North").unwrap();
    let south = plan.add_goal("South").unwrap();
    let (mut first, mut second) = two_devices(&plan);
    edit(&mut first, |plan| {
        plan.move_objective(&objective, &north, 0).unwrap()
    });
    edit(&mut second, |plan| {
        plan.move_objective(&objective, &south, 0).unwrap()
    });
    let plan = merged(&mut first, &mut second);
    let under = |goal: &ItemId| plan.objectives_of(goal).len();
    assert_eq!(under(&north) + under(&south), 1, "in exactly one place");
}

#[test]
fn the_fast_reader_reads_exactly_what_autosurgeon_reads() {
    let (mut plan, goal, objective) = small_plan();
    let owner = PersonId::random();
    plan.set_participant(owner.clone(), Role::Executive);
    plan.set_statement(Statement::Values, "Candour, care.");
    plan.update_goal(&goal, "Grow in Europe", "Three markets", Some(90_000))
        .unwrap();
    plan.update_objective(
        &objective,
        "Win",
        Some(owner.clone()),
        Some("2027-12-31".into()),
    )
    .unwrap();
    let mut m = measure(&objective, 10.0, 4.0, Direction::Down);
    m.unit = "%".into();
    let m = plan.add_measure(m).unwrap();
    plan.record_actual(&m, "2027-03-31", 7.5).unwrap();
    plan.record_actual(&m, "2027-06-30", 6.0).unwrap();
    plan.set_period_target(&m, "2027-06-30", 7.0).unwrap();
    plan.add_initiative(Initiative {
        objective: objective.clone(),
        title: "Campaign".into(),
        owner: Some(owner.clone()),
        start: Some("2027-01-01".into()),
        end: None,
        budget: 12_000,
        headcount: 1.5,
        status: InitiativeStatus::AtRisk,
        progress: 30,
        position: 0.0,
    })
    .unwrap();
    let item = plan.add_swot_item(Quadrant::Threats, "Rivals").unwrap();
    plan.link(&item, &objective, true).unwrap();
    let factor = plan
        .add_pestle_factor(
            throughline::model::plan::PestleCategory::Legal,
            "New rules",
            throughline::model::plan::Level::High,
            throughline::model::plan::Level::Low,
        )
        .unwrap();
    plan.link(&factor, &objective, true).unwrap();
    plan.set_status(PlanStatus::InReview).unwrap();
    plan.approve(&owner, "Ana", 1_800_000_000_000).unwrap();
    plan.predecessor = Some("automerge:2wFM3H3MrtJsbMQw7n6Fh5rs4a1u".into());

    let mut doc = AutoCommit::new();
    reconcile(&mut doc, &plan).unwrap();
    doc.commit();
    let slow: Plan = hydrate(&doc).unwrap();
    let fast = Plan::read(&doc).unwrap();
    assert_eq!(fast, slow);
    assert_eq!(fast, plan);
    assert!(Plan::read(&AutoCommit::new())
        .unwrap_err()
        .contains("has no"));
}

#[test]
fn measures_and_initiatives_reorder_and_move_to_another_objective_with_what_they_hold() {
    let (mut plan, goal, first) = small_plan();
    let second = plan.add_objective(&goal, "Keep customers").unwrap();
    let a = plan
        .add_measure(measure(&first, 0.0, 10.0, Direction::Up))
        .unwrap();
    let mut b = measure(&first, 0.0, 10.0, Direction::Up);
    b.name = "Orders".into();
    let b = plan.add_measure(b).unwrap();
    plan.record_actual(&a, "2027-03-31", 5.0).unwrap();
    plan.move_measure(&b, &first, 0).unwrap();
    let names: Vec<&str> = plan
        .measures_of(&first)
        .iter()
        .map(|(_, m)| m.name.as_str())
        .collect();
    assert_eq!(names, vec!["Orders", "Customers"]);
    plan.move_measure(&a, &second, 0).unwrap();
    assert_eq!(plan.measures_of(&second)[0].0, &a);
    assert_eq!(plan.measures[&a].actuals.len(), 1, "its actuals go with it");
    let work = plan
        .add_initiative(Initiative {
            objective: first.clone(),
            title: "Campaign".into(),
            ..Initiative::default()
        })
        .unwrap();
    plan.move_initiative(&work, &second, 0).unwrap();
    assert_eq!(plan.initiatives_of(&second).len(), 1);
    assert_eq!(
        plan.move_initiative(&work, &ItemId::random(), 0),
        Err(PlanError::ItemGone)
    );
}

#[test]
fn the_plan_as_json_has_its_documented_shape() {
    let (mut plan, goal, objective) = small_plan();
    let m = plan
        .add_measure(measure(&objective, 0.0, 100.0, Direction::Up))
        .unwrap();
    plan.record_actual(&m, "2027-06-30", 100.0).unwrap();
    let item = plan
        .add_swot_item(Quadrant::Opportunities, "Demand")
        .unwrap();
    plan.link(&item, &objective, true).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&plan.to_json("automerge:abc", TODAY)).unwrap();
    assert_eq!(json["format"], "throughline-plan");
    assert_eq!(json["version"], 1);
    assert_eq!(json["document"], "automerge:abc");
    assert_eq!(json["startYear"], 2027);
    assert_eq!(json["status"], "Draft");
    assert_eq!(json["health"], "green");
    assert_eq!(json["goals"][0]["id"], goal.as_str());
    let objective_json = &json["goals"][0]["objectives"][0];
    assert_eq!(objective_json["title"], "Win new customers");
    assert_eq!(objective_json["progress"], 1.0);
    assert_eq!(
        objective_json["measures"][0]["actuals"][0]["date"],
        "2027-06-30"
    );
    assert_eq!(objective_json["measures"][0]["direction"], "Up");
    assert_eq!(json["swot"][0]["kind"], "Opportunities");
    assert_eq!(json["swot"][0]["objectives"][0], objective.as_str());
}

// ---- refusals in words ----

#[test]
fn every_refusal_reads_as_the_sentence_the_person_sees() {
    let text = |t: &str| t.to_owned();
    let cases = [
        (
            PlanError::TitleMissing { what: "A goal" },
            "A goal needs a title.",
        ),
        (
            PlanError::TitleTooLong,
            "That title is too long (at most 200 characters).",
        ),
        (
            PlanError::HorizonYearOutOfRange { year: 1999 },
            "1999 is outside the years a plan can cover.",
        ),
        (
            PlanError::HorizonBackwards {
                start_year: 2029,
                end_year: 2027,
            },
            "The end year (2027) is before the start year (2029).",
        ),
        (PlanError::HorizonTooLong, "A plan covers at most 10 years."),
        (
            PlanError::CurrencyInvalid,
            "Write the currency as a short code, e.g. EUR or USD.",
        ),
        (
            PlanError::AvailableNegative,
            "What is available cannot be negative.",
        ),
        (
            PlanError::NotAYear { text: text("27x") },
            "\"27x\" is not a year; write it as four digits, e.g. 2027.",
        ),
        (
            PlanError::YearOutOfRange { year: 1800 },
            "1800 is outside the years a plan can cover (2000–2100).",
        ),
        (
            PlanError::NotADate {
                text: text("next week"),
            },
            "\"next week\" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.",
        ),
        (
            PlanError::NoSuchMonth {
                date: text("2027-13-01"),
                month: 13,
            },
            "2027-13-01: there is no month 13.",
        ),
        (
            PlanError::NoSuchDay {
                date: text("2027-02-30"),
            },
            "2027-02-30: that day does not exist in that month.",
        ),
        (
            PlanError::DateOutOfRange {
                date: text("1999-12-31"),
            },
            "1999-12-31 is outside the years a plan can cover (2000–2100).",
        ),
        (
            PlanError::NotANumber { text: text("abc") },
            "\"abc\" is not a number.",
        ),
        (
            PlanError::NumberUnusable { text: text("NaN") },
            "\"NaN\" is not a usable number.",
        ),
        (
            PlanError::NotAnAmount { text: text("lots") },
            "\"lots\" is not an amount; write digits only, e.g. 250000.",
        ),
        (PlanError::BudgetNegative, "A budget cannot be negative."),
        (
            PlanError::BudgetNotWhole,
            "Write the budget in whole units, without cents.",
        ),
        (
            PlanError::NotAHeadcount { text: text("two") },
            "\"two\" is not a headcount; write a number, e.g. 3 or 2.5.",
        ),
        (
            PlanError::HeadcountNegative,
            "A headcount cannot be negative.",
        ),
        (
            PlanError::NotAPercentage { text: text("most") },
            "\"most\" is not a percentage; write a number from 0 to 100.",
        ),
        (
            PlanError::ProgressOutOfRange,
            "Progress is a percentage from 0 to 100.",
        ),
        (
            PlanError::ApprovedOnlyByApproving,
            "A plan is approved by a board or executive participant: use Approve.",
        ),
        (
            PlanError::StatusNotAllowed {
                from: PlanStatus::InReview,
                to: PlanStatus::Archived,
            },
            "A plan that is in review cannot be moved to archived.",
        ),
        (
            PlanError::NotInReview,
            "Only a plan in review can be approved: send it for review first.",
        ),
        (
            PlanError::ApproverUnknown,
            "Choose who you are (Settings → You) to approve.",
        ),
        (
            PlanError::ContributorCannotApprove,
            "Contributors cannot approve; a board or executive participant can.",
        ),
        (
            PlanError::NotAParticipant,
            "Only the plan's board or executive participants can approve it.",
        ),
        (
            PlanError::ItemGone,
            "That item is no longer in the plan (someone may have just removed it).",
        ),
        (
            PlanError::DatesBackwards {
                start: text("2027-06-01"),
                end: text("2027-01-01"),
            },
            "The end date (2027-01-01) is before the start date (2027-06-01).",
        ),
        (
            PlanError::ResourcesNegative,
            "Budget and headcount cannot be negative.",
        ),
        (PlanError::MeasureNameMissing, "A measure needs a name."),
        (
            PlanError::TargetBelowBaseline,
            "Up is good, so the target cannot be below the baseline.",
        ),
        (
            PlanError::GreenBelowAmber,
            "Up is good, so green must start at or above amber.",
        ),
        (
            PlanError::TargetAboveBaseline,
            "Down is good, so the target cannot be above the baseline.",
        ),
        (
            PlanError::GreenAboveAmber,
            "Down is good, so green must start at or below amber.",
        ),
        (PlanError::ActualNotANumber, "An actual must be a number."),
        (
            PlanError::NoActual {
                date: text("2027-03-31"),
            },
            "There is no actual for 2027-03-31.",
        ),
    ];
    for (error, sentence) in cases {
        assert_eq!(error.to_string(), sentence);
    }
}

// ---- measure owners and the board pack ----

#[test]
fn a_measure_owner_is_kept_compared_and_exported() {
    let (mut plan, _, objective) = small_plan();
    let ana = PersonId::random();
    let ben = PersonId::random();
    let mut new = measure(&objective, 0.0, 100.0, Direction::Up);
    new.owner = Some(ana.clone());
    let m = plan.add_measure(new).unwrap();
    assert_eq!(
        plan.measures[&m].owner,
        Some(ana.clone()),
        "kept when added"
    );
    let unowned = plan
        .add_measure(Measure {
            name: "Orders".into(),
            ..measure(&objective, 0.0, 10.0, Direction::Up)
        })
        .unwrap();

    // Written as an edit writes it, and read back by both readers.
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, Plan::default()).unwrap();
    plan.clone()
        .write_since(&Plan::default(), &mut doc)
        .unwrap();
    doc.commit();
    let read = Plan::read(&doc).unwrap();
    assert_eq!(read.measures[&m].owner, Some(ana.clone()));
    assert_eq!(read.measures[&unowned].owner, None);
    let slow: Plan = hydrate(&doc).unwrap();
    assert_eq!(read, slow);

    // A measure written before measures had owners (no `owner` key) reads as no one's.
    let measures = match automerge::ReadDoc::get(&doc, automerge::ROOT, "measures").unwrap() {
        Some((_, id)) => id,
        None => panic!("no measures map"),
    };
    let entry = match automerge::ReadDoc::get(&doc, &measures, m.as_str()).unwrap() {
        Some((_, id)) => id,
        None => panic!("no measure"),
    };
    automerge::transaction::Transactable::delete(&mut doc, &entry, "owner").unwrap();
    doc.commit();
    let older = Plan::read(&doc).unwrap();
    assert_eq!(older.measures[&m].owner, None);
    let older_slow: Plan = hydrate(&doc).unwrap();
    assert_eq!(older, older_slow, "both readers agree on an older measure");

    // An edit of the measure keeps (or changes) its owner; a change is a difference.
    let before = plan.clone();
    let mut details = plan.measures[&m].clone();
    details.owner = Some(ben.clone());
    plan.update_measure(&m, details).unwrap();
    assert_eq!(plan.measures[&m].owner, Some(ben.clone()));
    let names = |p: &PersonId| {
        if *p == ana {
            "Ana Lima".to_owned()
        } else if *p == ben {
            "Ben Okafor".to_owned()
        } else {
            "?".to_owned()
        }
    };
    let changes = before.compare(&plan, &names);
    let owner = changes
        .iter()
        .find(|c| c.item == "Measure" && c.field == "owner")
        .unwrap_or_else(|| panic!("no owner change in {changes:#?}"));
    assert_eq!(
        (
            owner.name.as_str(),
            owner.before.as_str(),
            owner.after.as_str()
        ),
        ("Customers", "Ana Lima", "Ben Okafor")
    );
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        owner.sentence(),
        "Measure “Customers”: owner changed from Ana Lima to Ben Okafor"
    );

    // Exported: the owner's id; a measure with no owner has no `owner` field.
    let json: serde_json::Value =
        serde_json::from_str(&plan.to_json("automerge:abc", TODAY)).unwrap();
    let measures = &json["goals"][0]["objectives"][0]["measures"];
    assert_eq!(measures[0]["name"], "Customers");
    assert_eq!(measures[0]["owner"], ben.as_str());
    assert_eq!(measures[1]["name"], "Orders");
    assert!(measures[1].get("owner").is_none(), "{}", measures[1]);

    // And named in the board report.
    let md = plan.to_markdown(&ReportContext {
        names: &names,
        today: TODAY,
        since_approval: None,
    });
    assert!(
        md.contains("| Customers | 0 → 100 | No actuals yet | No data | Ben Okafor |"),
        "{md}"
    );
    assert!(
        md.contains("| | | Customers | 100 | — |  | No data | Ben Okafor |"),
        "{md}"
    );
}

#[test]
fn the_board_pack_has_the_organisation_date_version_environment_goals_and_resources() {
    use throughline::model::plan::{Level, PestleCategory, ReportCover};
    let (mut plan, goal, objective) = small_plan();
    let ana = PersonId::random();
    let ben = PersonId::random();
    let names = |p: &PersonId| {
        if *p == ana {
            "Ana Lima".to_owned()
        } else if *p == ben {
            "Ben Okafor".to_owned()
        } else {
            "?".to_owned()
        }
    };
    plan.set_statement(Statement::Mission, "Make planning plain.");
    plan.set_statement(Statement::Values, "Candour, care.");
    plan.set_available(100_000, 2.0).unwrap();
    plan.update_goal(&goal, "Grow in Europe", "Three new markets", Some(60_000))
        .unwrap();
    plan.update_objective(
        &objective,
        "Win new customers",
        Some(ana.clone()),
        Some("2027-12-31".into()),
    )
    .unwrap();
    let second = plan.add_objective(&goal, "Keep customers").unwrap();
    let mut customers = measure(&objective, 0.0, 100.0, Direction::Up);
    customers.unit = "customers".into();
    customers.owner = Some(ben.clone());
    let customers = plan.add_measure(customers).unwrap();
    plan.record_actual(&customers, "2027-03-31", 40.0).unwrap();
    plan.record_actual(&customers, "2027-06-30", 85.0).unwrap();
    plan.add_initiative(Initiative {
        objective: objective.clone(),
        title: "Open an Oslo office".into(),
        owner: Some(ben.clone()),
        start: Some("2027-01-01".into()),
        end: Some("2027-12-31".into()),
        budget: 250_000,
        headcount: 3.0,
        status: InitiativeStatus::OnTrack,
        progress: 40,
        position: 0.0,
    })
    .unwrap();
    let demand = plan
        .add_swot_item(Quadrant::Opportunities, "Nordic demand is growing")
        .unwrap();
    plan.link(&demand, &objective, true).unwrap();
    plan.link(&demand, &second, true).unwrap();
    plan.add_swot_item(Quadrant::Strengths, "A trusted brand")
        .unwrap();
    let law = plan
        .add_pestle_factor(
            PestleCategory::Legal,
            "EU data act",
            Level::High,
            Level::Medium,
        )
        .unwrap();
    plan.link(&law, &second, true).unwrap();

    let cover = ReportCover {
        organisation: "Plan Co",
        made_on: "30 Jun 2027",
    };
    // Never approved: the version says so.
    let draft = plan.to_markdown_for(
        &cover,
        &ReportContext {
            names: &names,
            today: TODAY,
            since_approval: None,
        },
    );
    assert!(draft.starts_with("# Strategy 2027–2029\n\n- Organisation: Plan Co\n- Date: 30 Jun 2027\n- Version: Draft, not approved\n"), "{draft}");
    assert!(draft.contains("Not approved yet: there is no approved version to compare with."));

    let changes = vec![Difference {
        kind: DifferenceKind::Changed,
        item: "Measure",
        name: "Customers".into(),
        field: "target".into(),
        before: "90".into(),
        after: "100".into(),
    }];
    let md = plan.to_markdown_for(
        &cover,
        &ReportContext {
            names: &names,
            today: TODAY,
            since_approval: Some(("Approved by the board on 1 Jan 2027", &changes)),
        },
    );
    let expect = |part: &str| assert!(md.contains(part), "no {part:?} in\n{md}");
    // Who, when, which version — once each, at the top.
    assert!(
        md.starts_with("# Strategy 2027–2029\n\n- Organisation: Plan Co\n- Date: 30 Jun 2027\n"),
        "{md}"
    );
    expect("- Version: Approved by the board on 1 Jan 2027 (1 change since, listed at the end)\n");
    assert_eq!(md.matches("Plan Co").count(), 1);
    assert_eq!(md.matches("30 Jun 2027").count(), 1);
    expect("- Plan: 2027–2029 · Annual review · Draft\n");
    // Direction.
    expect("## Mission\n\nMake planning plain.");
    expect("## Values\n\nCandour, care.");
    assert!(!md.contains("## Vision"), "an empty statement is left out");
    // SWOT by quadrant, with the objectives that answer each item, in the plan's order.
    expect("#### Strengths\n\n- A trusted brand\n");
    expect("#### Weaknesses\n\nNone listed.\n");
    expect("#### Opportunities\n\n- Nordic demand is growing (answered by: Win new customers; Keep customers)\n");
    // PESTLE with impact and likelihood.
    expect("| Legal | EU data act | High | Medium | Keep customers |");
    // Per goal: status, envelope; objectives with owner, status in words, due date.
    expect("### Goal: Grow in Europe\n\nThree new markets\n\n- Status: Amber, 85% of the way\n- Budget envelope: 60,000 EUR\n");
    expect("#### Objective: Win new customers\n\n- Owner: Ana Lima\n- Status: Amber, 85% of the way\n- Due: 2027-12-31\n");
    expect("#### Objective: Keep customers\n\n- Owner: Unassigned\n- Status: No data yet\n- Due: No due date\n");
    // Measures: baseline → target, latest actual, owner.
    expect("| Customers | 0 customers → 100 customers | 85 customers on 2027-06-30, ▲ improving | Amber | Ben Okafor |");
    // Initiatives: owner, status, dates, budget, headcount, progress.
    expect("| Open an Oslo office | Ben Okafor | On track | 2027-01-01 – 2027-12-31 | 250,000 EUR | 3 | 40% |");
    // Resources: allocated against available, per goal and in total, over-allocation said.
    expect("| Goal | Budget allocated (EUR) | Budget available (EUR) | Headcount allocated | Headcount available |");
    expect("| Grow in Europe (over-allocated) | 250,000 | 60,000 | 3 | — |");
    expect("| **Total** (over-allocated) | 250,000 | 100,000 | 3 | 2 |");
    expect("**Over-allocated**");
    expect("- Budget: 250,000 EUR allocated against 100,000 EUR available (150,000 EUR over).");
    expect("- Headcount: 3 allocated against 2 available (1 over).");
    expect("- “Grow in Europe” is over its envelope: 250,000 EUR allocated against 60,000 EUR (190,000 EUR over).");
    // The scorecard and the changes since approval stay.
    expect("| | Win new customers | | | | | Amber | Ana Lima |");
    expect("| | | Customers | 100 customers | 85 customers | Improving | Amber | Ben Okafor |");
    expect("## Changes since “Approved by the board on 1 Jan 2027”\n\n- Measure “Customers”: target 90 → 100");
    // The parts come in the board's reading order.
    let at = |part: &str| md.find(part).unwrap_or_else(|| panic!("no {part}"));
    assert!(at("## Mission") < at("## Summary"));
    assert!(at("## Scorecard") < at("## Environment"));
    assert!(at("## Environment") < at("## Goals, objectives and initiatives"));
    assert!(at("## Goals, objectives and initiatives") < at("## Resources"));
    assert!(at("## Resources") < at("## Changes since"));

    // The same content as data, for the printed page.
    let pack = plan.board_pack(
        &cover,
        &ReportContext {
            names: &names,
            today: TODAY,
            since_approval: Some(("Approved by the board on 1 Jan 2027", &changes)),
        },
    );
    assert_eq!(pack.organisation, "Plan Co");
    assert_eq!(pack.version, "Approved by the board on 1 Jan 2027");
    assert_eq!(pack.changes_since, 1);
    assert_eq!(pack.goals[0].objectives[0].measures[0].owner, "Ben Okafor");
    assert_eq!(
        pack.goals[0].objectives[0].initiatives[0].budget,
        "250,000 EUR"
    );
    assert!(pack.resources.total.over);
}

#[test]
fn the_outline_read_in_one_pass_is_the_tree_asked_parent_by_parent() {
    use throughline::model::plan::{Initiative, Measure, Objective, Plan};
    let mut plan = Plan::new("Outline", 2027, 2029).unwrap();
    let goals: Vec<ItemId> = (0..3)
        .map(|g| plan.add_goal(&format!("Goal {g}")).unwrap())
        .collect();
    let mut objectives = Vec::new();
    for (g, goal) in goals.iter().enumerate() {
        for o in 0..4 {
            objectives.push(
                plan.add_objective(goal, &format!("Objective {g}.{o}"))
                    .unwrap(),
            );
        }
    }
    for (o, objective) in objectives.iter().enumerate() {
        for m in 0..(o % 3) {
            let measure = Measure {
                objective: objective.clone(),
                name: format!("Measure {o}.{m}"),
                ..Measure::default()
            };
            plan.add_measure(measure).unwrap();
        }
        let initiative = Initiative {
            objective: objective.clone(),
            title: format!("Initiative {o}"),
            ..Initiative::default()
        };
        plan.add_initiative(initiative).unwrap();
    }
    // Two objectives at one position (made on two devices), ordered by id; one moved
    // last; and an objective whose goal is gone (unfiled), with a measure.
    let tied: Vec<ItemId> = plan
        .objectives_of(&goals[0])
        .iter()
        .map(|(id, _)| (*id).clone())
        .collect();
    let first = plan.objectives[&tied[0]].position;
    plan.objectives.get_mut(&tied[1]).unwrap().position = first;
    plan.objectives.get_mut(&tied[2]).unwrap().position = 99.0;
    let gone = ItemId::random();
    let unfiled = ItemId::random();
    plan.objectives.insert(
        unfiled.clone(),
        Objective {
            goal: gone.clone(),
            title: "Unfiled".into(),
            ..Objective::default()
        },
    );
    plan.measures.insert(
        ItemId::random(),
        Measure {
            objective: unfiled.clone(),
            name: "Under an unfiled objective".into(),
            ..Measure::default()
        },
    );

    let outline = plan.outline();
    for goal in goals.iter().chain([&gone]) {
        assert_eq!(
            outline.objectives_of(goal),
            plan.objectives_of(goal).as_slice()
        );
    }
    assert_eq!(outline.objectives_of(&goals[0]).len(), 4);
    for objective in objectives.iter().chain([&unfiled]) {
        assert_eq!(
            outline.measures_of(objective),
            plan.measures_of(objective).as_slice()
        );
        assert_eq!(
            outline.initiatives_of(objective),
            plan.initiatives_of(objective).as_slice()
        );
    }
    assert!(outline.objectives_of(&ItemId::random()).is_empty());
}
