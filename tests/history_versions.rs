//! History in sessions, the document as it was, named versions, and differences in words.

mod common;
use common::block_on;

use std::rc::Rc;

use throughline::model::{PersonDetails, PersonId, TeamDetails, TeamId, Workspace};
use throughline::store::{DocHandle, MemoryStorage, Repo};

type Handle = DocHandle<Rc<MemoryStorage>>;

fn workspace() -> (Rc<MemoryStorage>, Handle) {
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    (storage, handle)
}

fn edit(handle: &Handle, message: &str, edit: impl FnOnce(&mut Workspace)) {
    handle
        .change(message, |ws: &mut Workspace| {
            edit(ws);
            Ok::<(), ()>(())
        })
        .unwrap();
}

fn person(name: &str, title: &str) -> PersonDetails {
    PersonDetails {
        name: name.into(),
        title: title.into(),
        ..PersonDetails::default()
    }
}

#[test]
fn the_difference_between_two_states_reads_as_sentences() {
    let mut before = Workspace::new("Acme");
    let (ana, bo, cy) = (PersonId::random(), PersonId::random(), PersonId::random());
    let team = TeamId::random();
    before
        .add_person(ana.clone(), person("Ana Lima", "Sales lead"))
        .unwrap();
    before
        .add_person(bo.clone(), person("Bo Chen", ""))
        .unwrap();
    before
        .add_person(cy.clone(), person("Cy Okafor", ""))
        .unwrap();

    let mut after = before.clone();
    after.rename("Acme Cooperative").unwrap();
    after
        .add_team(
            team.clone(),
            TeamDetails {
                name: "Sales".into(),
                lead: Some(ana.clone()),
            },
        )
        .unwrap();
    after
        .update_person(
            &ana,
            PersonDetails {
                team: Some(team.clone()),
                ..person("Ana Lima", "Head of Sales")
            },
        )
        .unwrap();
    after
        .update_person(
            &bo,
            PersonDetails {
                manager: Some(ana.clone()),
                ..person("Bo Chen", "")
            },
        )
        .unwrap();
    after.remove_person(&cy).unwrap();
    after
        .add_person(PersonId::random(), person("Di Park", "Analyst"))
        .unwrap();

    assert_eq!(
        after.changes_since(&before),
        [
            "The organisation was renamed from \"Acme\" to \"Acme Cooperative\"",
            "Ana Lima's title changed from \"Sales lead\" to \"Head of Sales\"",
            "Ana Lima moved to team Sales",
            "Bo Chen now reports to Ana Lima",
            "Di Park was added as Analyst",
            "Cy Okafor was removed",
            "Team Sales was added",
        ]
    );
    assert!(after.changes_since(&after).is_empty());
}

#[test]
fn history_groups_changes_into_sessions_with_their_authors() {
    let (storage, handle) = workspace();
    handle.set_author(Some("Ana Lima".into()));
    edit(&handle, "Name the organisation", |ws| {
        ws.rename("Acme").unwrap()
    });
    edit(&handle, "Add Bo Chen", |ws| {
        ws.add_person(PersonId::random(), person("Bo Chen", ""))
            .unwrap()
    });
    block_on(handle.save()).unwrap();

    // Another device (another actor) edits later.
    let other = block_on(Repo::new(storage).open(handle.id()))
        .unwrap()
        .unwrap();
    other.set_author(Some("Bo Chen".into()));
    edit(&other, "Add Cy Okafor", |ws| {
        ws.add_person(PersonId::random(), person("Cy Okafor", ""))
            .unwrap()
    });

    let sessions = other.history();
    let summary: Vec<(String, Vec<String>)> = sessions
        .iter()
        .map(|s| {
            (
                s.author.clone(),
                s.changes.iter().map(|c| c.message.clone()).collect(),
            )
        })
        .collect();
    // The device that created the workspace went on editing: one session, named after
    // the person noted for that device.
    assert_eq!(
        summary,
        [
            (
                "Ana Lima".to_owned(),
                vec![
                    "Create workspace".to_owned(),
                    "Name the organisation".to_owned(),
                    "Add Bo Chen".to_owned()
                ]
            ),
            ("Bo Chen".to_owned(), vec!["Add Cy Okafor".to_owned()]),
        ]
    );

    // A device that never said who uses it is shown as such, not as someone else.
    let anonymous = block_on(Repo::new(Rc::new(MemoryStorage::new())).open_workspace()).unwrap();
    edit(&anonymous, "Name", |ws| ws.rename("Globex").unwrap());
    assert!(anonymous.history()[0]
        .author
        .starts_with("Someone on device"));
}

#[test]
fn the_document_can_be_read_as_it_was_at_any_point() {
    let (_, handle) = workspace();
    edit(&handle, "Name", |ws| ws.rename("Acme").unwrap());
    let named = handle.heads();
    edit(&handle, "Rename", |ws| {
        ws.rename("Acme Cooperative").unwrap()
    });
    let then: Workspace = handle.view_at(&named).unwrap();
    assert_eq!(then.organisation, "Acme");
    let now: Workspace = handle.view().unwrap();
    assert_eq!(now.organisation, "Acme Cooperative");

    let last = handle
        .history()
        .last()
        .unwrap()
        .changes
        .last()
        .unwrap()
        .hash;
    let before_last: Workspace = handle.view_before(last).unwrap();
    assert_eq!(before_last.organisation, "Acme");
    assert_eq!(
        now.changes_since(&before_last),
        ["The organisation was renamed from \"Acme\" to \"Acme Cooperative\""]
    );
}

#[test]
fn named_versions_are_kept_in_the_document_and_travel_with_it() {
    let (storage, handle) = workspace();
    edit(&handle, "Name", |ws| ws.rename("Acme").unwrap());
    let version = handle
        .name_version("Board-approved 2027", "Ana Lima")
        .unwrap();
    edit(&handle, "Add", |ws| {
        ws.add_person(PersonId::random(), person("Bo Chen", ""))
            .unwrap()
    });
    assert_eq!(
        handle.name_version("   ", ""),
        Err("A version needs a name.".to_owned())
    );
    block_on(handle.save()).unwrap();

    let reopened = block_on(Repo::new(storage).open(handle.id()))
        .unwrap()
        .unwrap();
    let versions = reopened.versions();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].name, "Board-approved 2027");
    assert_eq!(versions[0].named_by, "Ana Lima");
    assert_eq!(versions[0].heads, version.heads);
    let as_named: Workspace = reopened.view_at(&versions[0].heads).unwrap();
    assert!(
        as_named.people.is_empty(),
        "the version does not include later edits"
    );
    let now: Workspace = reopened.view().unwrap();
    assert_eq!(now.changes_since(&as_named), ["Bo Chen was added"]);
}

#[test]
fn a_version_name_already_taken_gets_a_number() {
    let (_, handle) = workspace();
    edit(&handle, "Name", |ws| ws.rename("Acme").unwrap());
    let first = handle.name_version("Approved by the board on 5 Dec 2026", "Ana");
    edit(&handle, "Rename", |ws| ws.rename("Acme Co").unwrap());
    let second = handle.name_version("Approved by the board on 5 Dec 2026", "Ana");
    let third = handle.name_version("Approved by the board on 5 Dec 2026", "Ana");
    let names: Vec<String> = [first, second, third]
        .into_iter()
        .map(|v| v.unwrap().name)
        .collect();
    assert_eq!(
        names,
        [
            "Approved by the board on 5 Dec 2026",
            "Approved by the board on 5 Dec 2026 (2)",
            "Approved by the board on 5 Dec 2026 (3)",
        ]
    );
    let mut kept: Vec<String> = handle.versions().into_iter().map(|v| v.name).collect();
    kept.sort();
    kept.dedup();
    assert_eq!(kept.len(), 3, "every version keeps a name of its own");
}

#[test]
fn versions_named_on_two_devices_at_once_are_both_kept() {
    let (storage, first) = workspace();
    block_on(first.save()).unwrap();
    let second = block_on(Repo::new(storage.clone()).open(first.id()))
        .unwrap()
        .unwrap();
    first.name_version("Draft for the board", "Ana").unwrap();
    second.name_version("Finance review", "Bo").unwrap();
    block_on(first.save()).unwrap();
    block_on(second.save()).unwrap();
    let merged = block_on(Repo::new(storage).open(first.id()))
        .unwrap()
        .unwrap();
    let mut names: Vec<_> = merged.versions().into_iter().map(|v| v.name).collect();
    names.sort();
    assert_eq!(names, ["Draft for the board", "Finance review"]);
}
