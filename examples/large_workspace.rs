//! Writes a workspace archive with many people and teams, and a large plan (1,000
//! objectives under 20 goals, each with a measure of 5 actuals and an initiative), for
//! `cargo xtask bench` (and for trying the app with a realistic organisation).
//!
//! `cargo run --example large_workspace -- <archive path> [people] [objectives]`

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use throughline::model::plan::{Direction, Initiative, InitiativeStatus, Measure, Plan};
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
    let plan = large_plan(objectives, &owners)?;
    let plan = DocHandle::create(Rc::new(MemoryStorage::new()), &plan, "Create plan")?;
    handle
        .change("List the plan", |ws: &mut Workspace| {
            ws.list_plan(&plan.id().url(), 0);
            Ok::<(), WorkspaceError>(())
        })
        .map_err(|e| e.to_string())?;
    let id = handle.id();
    let archive = write_archive(
        id,
        &[(id, handle.save_binary()), (plan.id(), plan.save_binary())],
        0,
    );
    std::fs::write(&path, archive).map_err(|e| format!("cannot write {path}: {e}"))?;
    println!(
        "wrote {path}: {count} people, a plan with {objectives} objectives and {} actuals",
        objectives * 5
    );
    Ok(())
}

/// A plan with `objectives` objectives under 20 goals; each objective has one measure
/// with five quarterly actuals and one initiative.
fn large_plan(objectives: usize, owners: &[PersonId]) -> Result<Plan, String> {
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
