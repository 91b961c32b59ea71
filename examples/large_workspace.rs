//! Writes a workspace archive with many people and teams, and a large plan (1,000
//! objectives under 20 goals, each with a measure of 5 actuals and an initiative), for
//! `cargo xtask bench` (and for trying the app with a realistic organisation).
//!
//! `cargo run --example large_workspace -- <archive path> [people] [objectives]`

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use throughline::model::plan::{Direction, Initiative, InitiativeStatus, Measure, Plan, PlanError};
use throughline::model::review::{
    Alignment, Deadlines, Potential, RatingScale, Review, ReviewCycle, ReviewSetup, ReviewTemplate,
    Stage,
};
use throughline::model::ItemId;
use throughline::model::{PersonDetails, PersonId, TeamDetails, TeamId, Workspace, WorkspaceError};
use throughline::store::{write_archive, DocHandle, MemoryStorage, Repo};

fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("memory storage never waits"),
    }
}

/// How many people of the workspace get a review in the cycle.
const REVIEWS: usize = 500;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: large_workspace <archive path> [people]")?;
    let count: usize = args
        .next()
        .map_or(Ok(1000), |n| n.parse())
        .map_err(|e| format!("people: {e}"))?;
    let objectives: usize = args
        .next()
        .map_or(Ok(1000), |n| n.parse())
        .map_err(|e| format!("objectives: {e}"))?;

    let repo = Repo::new(Rc::new(MemoryStorage::new()));
    let handle = block_on(repo.open_workspace()).map_err(|e| e.to_string())?;
    handle
        .change("Set up Large Co", |ws: &mut Workspace| {
            ws.rename("Large Co")?;
            let teams: Vec<TeamId> = (0..count.div_ceil(25)).map(|_| TeamId::random()).collect();
            for (i, team) in teams.iter().enumerate() {
                ws.add_team(
                    team.clone(),
                    TeamDetails {
                        name: format!("Team {i:03}"),
                        lead: None,
                    },
                )?;
            }
            let mut managers: Vec<PersonId> = Vec::new();
            for i in 0..count {
                let id = PersonId::random();
                let details = PersonDetails {
                    name: format!("Person {i:04}"),
                    title: if i % 10 == 0 {
                        "Manager".into()
                    } else {
                        "Specialist".into()
                    },
                    email: format!("person{i}@large.example"),
                    // Everyone reports to someone added before them: no loops, ten levels.
                    manager: managers.get(i / 100).cloned(),
                    team: teams.get(i / 25).cloned(),
                };
                ws.add_person(id.clone(), details)?;
                if i % 10 == 0 {
                    managers.push(id);
                }
            }
            Ok::<(), WorkspaceError>(())
        })
        .map_err(|e| e.to_string())?;
    let owners: Vec<PersonId> = handle
        .view::<Workspace>()?
        .people
        .keys()
        .take(50)
        .cloned()
        .collect();
    let plan = large_plan(objectives, &owners).map_err(|e| e.to_string())?;
    let plan = DocHandle::create(Rc::new(MemoryStorage::new()), &plan, "Create plan")?;
    handle
        .change("List the plan", |ws: &mut Workspace| {
            ws.list_plan(plan.id(), 0);
            Ok::<(), WorkspaceError>(())
        })
        .map_err(|e| e.to_string())?;
    let served: Vec<ItemId> = plan
        .view::<Plan>()?
        .objectives
        .keys()
        .take(50)
        .cloned()
        .collect();
    let reviews = review_cycle(&handle, &plan.id().url(), &served, REVIEWS)?;
    let id = handle.id();
    let mut documents = vec![(id, handle.save_binary()), (plan.id(), plan.save_binary())];
    documents.extend(reviews.iter().map(|r| (r.id(), r.save_binary())));
    let archive = write_archive(id, &documents, 0);
    std::fs::write(&path, archive).map_err(|e| format!("cannot write {path}: {e}"))?;
    println!(
        "wrote {path}: {count} people, a plan with {objectives} objectives and {} actuals, a review cycle of {} reviews",
        objectives * 5,
        reviews.len()
    );
    Ok(())
}

/// A plan with `objectives` objectives under 20 goals; each objective has one measure
/// with five quarterly actuals and one initiative.
fn large_plan(objectives: usize, owners: &[PersonId]) -> Result<Plan, PlanError> {
    let mut plan = Plan::new("Large plan 2027–2029", 2027, 2029)?;
    plan.set_available(500_000_000, 2_000.0)?;
    let goals: Vec<_> = (0..20)
        .map(|g| plan.add_goal(&format!("Goal {g:02}")))
        .collect::<Result<_, _>>()?;
    for i in 0..objectives {
        let goal = &goals[i % goals.len()];
        let objective = plan.add_objective(goal, &format!("Objective {i:04}"))?;
        let owner = owners.get(i % owners.len().max(1)).cloned();
        plan.update_objective(&objective, &format!("Objective {i:04}"), owner, None)?;
        let mut measure = Measure::new(&format!("Measure {i:04}"), "%", 10.0, 60.0, Direction::Up);
        measure.objective = objective.clone();
        let measure = plan.add_measure(measure)?;
        for (q, date) in [
            "2027-03-31",
            "2027-06-30",
            "2027-09-30",
            "2027-12-31",
            "2028-03-31",
        ]
        .iter()
        .enumerate()
        {
            let value = 10.0 + ((i * 7 + q * 11) % 50) as f64;
            plan.record_actual(&measure, date, value)?;
        }
        plan.add_initiative(Initiative {
            objective,
            title: format!("Initiative {i:04}"),
            budget: 100_000,
            headcount: 1.0,
            status: InitiativeStatus::OnTrack,
            progress: (i % 100) as i64,
            ..Initiative::default()
        })?;
    }
    Ok(plan)
}

/// A review cycle ("Large cycle 2027") run by Person 0000, with a review for each of the
/// first `count` people: three goals aligned to the plan, rated, in calibration, so the
/// 9-box has everyone on it. Each goal serves one of `objectives` of the plan.
fn review_cycle(
    workspace: &DocHandle<Rc<MemoryStorage>>,
    plan_url: &str,
    objectives: &[ItemId],
    count: usize,
) -> Result<Vec<DocHandle<Rc<MemoryStorage>>>, String> {
    let ws: Workspace = workspace.view()?;
    let people: Vec<(PersonId, Option<PersonId>, String)> = ws
        .people_by_name()
        .into_iter()
        .map(|(id, p)| (id.clone(), p.manager.clone(), p.name.clone()))
        .collect();
    let hr = people.first().map(|p| p.0.clone()).ok_or("no people")?;
    let scale = RatingScale::five_point();
    let template = ReviewTemplate::parse(
        "Annual review",
        "# Looking back\nWhat went well?\nHow did you grow? [rating]",
        "Communication\nOwnership\nCollaboration",
    )
    .map_err(|e| e.to_string())?;
    let cycle_id = ItemId::random();
    let mut documents = Vec::new();
    let mut listed = Vec::new();
    for (i, (person, manager, _)) in people.iter().take(count).enumerate() {
        let mut review = Review::new(ReviewSetup {
            cycle: cycle_id.clone(),
            cycle_name: "Large cycle 2027".into(),
            period_start: "2027-01-01".into(),
            period_end: "2027-12-31".into(),
            employee: person.clone(),
            manager: manager.clone(),
            hr: vec![hr.clone()],
            scale: scale.clone(),
            template: template.clone(),
        });
        review.stage = Stage::ManagerReview;
        for g in 0..3 {
            let goal = format!("Goal {g} of person {i:04}");
            let who = review.actor(&hr);
            let id = review
                .add_goal(who, &goal, [50, 30, 20][g])
                .map_err(|e| e.to_string())?;
            if let Some(goal) = review.goals.get_mut(&id) {
                goal.progress = ((i * 13 + g * 29) % 101) as i64;
                goal.manager_rating = Some(1 + ((i + g) % 5) as i64);
                goal.alignment =
                    objectives
                        .get((i + g) % objectives.len().max(1))
                        .map(|objective| Alignment {
                            plan: plan_url.into(),
                            objective: objective.clone(),
                        });
            }
        }
        review.overall = Some(1 + (i % 5) as i64);
        review.potential = Some(Potential::ALL[i % 3]);
        review.stage = Stage::Calibration;
        let handle = DocHandle::create(
            Rc::new(MemoryStorage::new()),
            &review,
            "Start \"Large cycle 2027\"",
        )?;
        listed.push((person.clone(), handle.id().url()));
        documents.push(handle);
    }
    workspace
        .change("Start the large cycle", |ws: &mut Workspace| {
            let scale_id = ws.add_scale(scale.clone());
            let template_id = ws.add_template(template.clone());
            ws.cycles.insert(
                cycle_id.clone(),
                ReviewCycle {
                    name: "Large cycle 2027".into(),
                    period_start: "2027-01-01".into(),
                    period_end: "2027-12-31".into(),
                    template: template_id,
                    scale: scale_id,
                    deadlines: Deadlines {
                        self_review: "2028-01-15".into(),
                        manager_review: "2028-01-31".into(),
                        calibration: "2028-02-10".into(),
                        sign_off: "2028-02-28".into(),
                    },
                    hr: [(hr.clone(), true)].into_iter().collect(),
                    reviews: listed.into_iter().map(|(p, url)| (p, url.into())).collect(),
                    created_at: 0,
                },
            );
            Ok::<(), WorkspaceError>(())
        })
        .map_err(|e| e.to_string())?;
    Ok(documents)
}
