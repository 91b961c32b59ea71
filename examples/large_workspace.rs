//! Writes a workspace archive with many people and teams, for `cargo xtask bench` (and for
//! trying the app with a realistic organisation).
//!
//! `cargo run --example large_workspace -- <archive path> [people]`

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use throughline::model::{PersonDetails, PersonId, TeamDetails, TeamId, Workspace, WorkspaceError};
use throughline::store::{write_archive, MemoryStorage, Repo};

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
    let id = handle.id();
    let archive = write_archive(id, &[(id, handle.save_binary())], 0);
    std::fs::write(&path, archive).map_err(|e| format!("cannot write {path}: {e}"))?;
    println!("wrote {path}: {count} people");
    Ok(())
}
