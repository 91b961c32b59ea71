//! The workspace document's rules, and how concurrent edits from two devices merge.

use automerge::AutoCommit;
use autosurgeon::{hydrate, reconcile};
use throughline::model::{
    PersonDetails, PersonId, TeamDetails, TeamId, Workspace, WorkspaceError, NO_LONGER_HERE,
};

fn person(name: &str) -> PersonDetails {
    PersonDetails {
        name: name.to_owned(),
        ..PersonDetails::default()
    }
}

fn reporting_to(name: &str, manager: &PersonId) -> PersonDetails {
    PersonDetails {
        manager: Some(manager.clone()),
        ..person(name)
    }
}

#[test]
fn people_are_added_edited_and_removed() {
    let mut ws = Workspace::new("Acme");
    let ana = PersonId::random();
    ws.add_person(
        ana.clone(),
        PersonDetails {
            title: " CEO ".into(),
            ..person(" Ana Lima ")
        },
    )
    .unwrap();
    assert_eq!(
        ws.person(&ana).unwrap().name,
        "Ana Lima",
        "names are trimmed"
    );
    assert_eq!(ws.person(&ana).unwrap().title, "CEO");

    ws.update_person(
        &ana,
        PersonDetails {
            email: "ana@acme.example".into(),
            ..person("Ana Lima")
        },
    )
    .unwrap();
    assert_eq!(ws.person(&ana).unwrap().email, "ana@acme.example");
    assert_eq!(ws.name_of(&ana), "Ana Lima");

    ws.remove_person(&ana).unwrap();
    assert!(ws.people.is_empty());
    // Reviews and feedback outlive the people they name.
    assert_eq!(ws.name_of(&ana), NO_LONGER_HERE);
    assert_eq!(NO_LONGER_HERE, "Someone no longer here");
    assert_eq!(ws.remove_person(&ana), Err(WorkspaceError::UnknownPerson));
}

#[test]
fn bad_details_are_refused_and_change_nothing() {
    let mut ws = Workspace::new("Acme");
    assert_eq!(
        ws.add_person(PersonId::random(), person("   ")),
        Err(WorkspaceError::NameRequired)
    );
    assert_eq!(
        ws.add_person(
            PersonId::random(),
            PersonDetails {
                email: "not-an-email".into(),
                ..person("Bo")
            }
        ),
        Err(WorkspaceError::InvalidEmail("not-an-email".into()))
    );
    assert_eq!(
        ws.add_person(PersonId::random(), person(&"x".repeat(201))),
        Err(WorkspaceError::NameTooLong)
    );
    assert_eq!(
        ws.add_person(PersonId::random(), reporting_to("Bo", &PersonId::random())),
        Err(WorkspaceError::UnknownPerson)
    );
    assert_eq!(
        ws.add_person(
            PersonId::random(),
            PersonDetails {
                team: Some(TeamId::random()),
                ..person("Bo")
            }
        ),
        Err(WorkspaceError::UnknownTeam)
    );
    assert!(ws.people.is_empty());
    assert_eq!(
        ws.update_person(&PersonId::random(), person("Bo")),
        Err(WorkspaceError::UnknownPerson)
    );
}

#[test]
fn reporting_lines_cannot_loop() {
    let mut ws = Workspace::new("Acme");
    let (ana, bo, cy) = (PersonId::random(), PersonId::random(), PersonId::random());
    ws.add_person(ana.clone(), person("Ana")).unwrap();
    ws.add_person(bo.clone(), reporting_to("Bo", &ana)).unwrap();
    ws.add_person(cy.clone(), reporting_to("Cy", &bo)).unwrap();
    assert_eq!(
        ws.update_person(&ana, reporting_to("Ana", &ana)),
        Err(WorkspaceError::OwnManager)
    );
    assert_eq!(
        ws.update_person(&ana, reporting_to("Ana", &cy)),
        Err(WorkspaceError::ManagerCycle("Cy".into()))
    );
    assert_eq!(ws.person(&ana).unwrap().manager, None);
    let reports: Vec<_> = ws
        .direct_reports(&ana)
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect();
    assert_eq!(reports, ["Bo"]);
}

#[test]
fn removing_a_person_clears_references_to_them() {
    let mut ws = Workspace::new("Acme");
    let (ana, bo) = (PersonId::random(), PersonId::random());
    let team = TeamId::random();
    ws.add_person(ana.clone(), person("Ana")).unwrap();
    ws.add_team(
        team.clone(),
        TeamDetails {
            name: "Leadership".into(),
            lead: Some(ana.clone()),
        },
    )
    .unwrap();
    ws.add_person(
        bo.clone(),
        PersonDetails {
            team: Some(team.clone()),
            ..reporting_to("Bo", &ana)
        },
    )
    .unwrap();
    ws.remove_person(&ana).unwrap();
    assert_eq!(ws.person(&bo).unwrap().manager, None);
    assert_eq!(ws.team(&team).unwrap().lead, None);
}

#[test]
fn teams_are_added_edited_and_removed_keeping_their_members() {
    let mut ws = Workspace::new("Acme");
    let team = TeamId::random();
    ws.add_team(
        team.clone(),
        TeamDetails {
            name: "Sales".into(),
            lead: None,
        },
    )
    .unwrap();
    let bo = PersonId::random();
    ws.add_person(
        bo.clone(),
        PersonDetails {
            team: Some(team.clone()),
            ..person("Bo")
        },
    )
    .unwrap();
    ws.update_team(
        &team,
        TeamDetails {
            name: "Sales EMEA".into(),
            lead: Some(bo.clone()),
        },
    )
    .unwrap();
    assert_eq!(ws.team(&team).unwrap().name, "Sales EMEA");
    assert_eq!(ws.members(&team).len(), 1);
    assert_eq!(
        ws.add_team(TeamId::random(), TeamDetails::default()),
        Err(WorkspaceError::NameRequired)
    );
    ws.remove_team(&team).unwrap();
    assert_eq!(ws.person(&bo).unwrap().team, None);
    assert!(ws.person(&bo).is_some(), "members stay");
}

#[test]
fn people_are_listed_by_name_whatever_the_case() {
    let mut ws = Workspace::new("Acme");
    for name in ["cy", "Ana", "bo"] {
        ws.add_person(PersonId::random(), person(name)).unwrap();
    }
    let names: Vec<_> = ws
        .people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect();
    assert_eq!(names, ["Ana", "bo", "cy"]);
}

#[test]
fn namesakes_and_teams_are_listed_in_the_same_order_on_every_device() {
    let mut ws = Workspace::new("Acme");
    let mut ids: Vec<PersonId> = (0..3).map(|_| PersonId::random()).collect();
    for (id, name) in ids.iter().zip(["ana", "Ana", "ANA"]) {
        ws.add_person(id.clone(), person(name)).unwrap();
    }
    ids.sort();
    let listed: Vec<_> = ws
        .people_by_name()
        .into_iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(listed, ids, "the same name whatever the case: by id");

    for name in ["sales", "Engineering", "design"] {
        let details = TeamDetails {
            name: name.into(),
            lead: None,
        };
        ws.add_team(TeamId::random(), details).unwrap();
    }
    let teams: Vec<_> = ws
        .teams_by_name()
        .into_iter()
        .map(|(_, t)| t.name.clone())
        .collect();
    assert_eq!(teams, ["design", "Engineering", "sales"]);
}

#[test]
fn the_organisation_is_named_once() {
    let mut ws = Workspace::new("");
    assert!(ws.needs_name());
    assert_eq!(ws.rename("  "), Err(WorkspaceError::NameRequired));
    ws.rename("Acme Ltd").unwrap();
    assert!(!ws.needs_name());
}

/// Applies `edit` to the typed view of `doc` and writes it back as one change.
fn edit(doc: &mut AutoCommit, edit: impl FnOnce(&mut Workspace)) {
    let mut ws: Workspace = hydrate(doc).unwrap();
    edit(&mut ws);
    reconcile(doc, &ws).unwrap();
    doc.commit();
}

fn two_devices(ws: &Workspace) -> (AutoCommit, AutoCommit) {
    let mut first = AutoCommit::new();
    reconcile(&mut first, ws).unwrap();
    first.commit();
    let second = first.fork();
    (first, second)
}

fn merged(first: &mut AutoCommit, second: &mut AutoCommit) -> Workspace {
    first.merge(second).unwrap();
    second.merge(first).unwrap();
    let a: Workspace = hydrate(first).unwrap();
    let b: Workspace = hydrate(second).unwrap();
    assert_eq!(a, b, "both devices converge");
    a
}

#[test]
fn concurrent_edits_to_different_fields_of_one_person_both_survive() {
    let mut ws = Workspace::new("Acme");
    let ana = PersonId::random();
    ws.add_person(ana.clone(), person("Ana")).unwrap();
    let (mut first, mut second) = two_devices(&ws);

    edit(&mut first, |ws| {
        let details = PersonDetails {
            title: "CEO".into(),
            ..ws.person(&ana).unwrap().details()
        };
        ws.update_person(&ana, details).unwrap();
    });
    edit(&mut second, |ws| {
        let details = PersonDetails {
            email: "ana@acme.example".into(),
            ..ws.person(&ana).unwrap().details()
        };
        ws.update_person(&ana, details).unwrap();
    });

    let ws = merged(&mut first, &mut second);
    let ana = ws.person(&ana).unwrap();
    assert_eq!(ana.title, "CEO");
    assert_eq!(ana.email, "ana@acme.example");
    assert_eq!(ws.people.len(), 1, "no duplicate");
}

#[test]
fn concurrent_edits_to_the_same_field_settle_on_one_value() {
    let mut ws = Workspace::new("Acme");
    let ana = PersonId::random();
    ws.add_person(ana.clone(), person("Ana")).unwrap();
    let (mut first, mut second) = two_devices(&ws);
    edit(&mut first, |ws| {
        ws.update_person(&ana, person("Ana Lima")).unwrap()
    });
    edit(&mut second, |ws| {
        ws.update_person(&ana, person("Ana L.")).unwrap()
    });
    let ws = merged(&mut first, &mut second);
    let name = &ws.person(&ana).unwrap().name;
    assert!(name == "Ana Lima" || name == "Ana L.", "{name}");
}

#[test]
fn people_added_on_two_devices_at_once_are_all_kept() {
    let (mut first, mut second) = two_devices(&Workspace::new("Acme"));
    edit(&mut first, |ws| {
        ws.add_person(PersonId::random(), person("Ana")).unwrap()
    });
    edit(&mut second, |ws| {
        ws.add_person(PersonId::random(), person("Bo")).unwrap()
    });
    edit(&mut second, |ws| {
        ws.add_team(
            TeamId::random(),
            TeamDetails {
                name: "Ops".into(),
                lead: None,
            },
        )
        .unwrap()
    });
    let ws = merged(&mut first, &mut second);
    let names: Vec<_> = ws
        .people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect();
    assert_eq!(names, ["Ana", "Bo"]);
    assert_eq!(ws.teams.len(), 1);
}

#[test]
fn a_person_removed_on_one_device_while_edited_on_another_stays_removed() {
    let mut ws = Workspace::new("Acme");
    let (ana, bo) = (PersonId::random(), PersonId::random());
    ws.add_person(ana.clone(), person("Ana")).unwrap();
    ws.add_person(bo.clone(), reporting_to("Bo", &ana)).unwrap();
    let (mut first, mut second) = two_devices(&ws);
    edit(&mut first, |ws| {
        ws.remove_person(&ana).unwrap();
    });
    edit(&mut second, |ws| {
        let details = PersonDetails {
            title: "CEO".into(),
            ..ws.person(&ana).unwrap().details()
        };
        ws.update_person(&ana, details).unwrap();
    });
    let ws = merged(&mut first, &mut second);
    assert!(
        ws.person(&ana).is_none(),
        "the removal wins; no half-person is left"
    );
    assert_eq!(
        ws.person(&bo).unwrap().manager,
        None,
        "and nothing points at the removed person"
    );
    assert_eq!(ws.people.len(), 1);
}

#[test]
fn two_people_typing_in_the_description_at_once_keep_every_character() {
    let mut ws = Workspace::new("Acme");
    ws.set_about("We make tools.");
    let (mut first, mut second) = two_devices(&ws);
    // One types at the start while the other types at the end, and both in the middle.
    edit(&mut first, |ws| ws.set_about("Since 1990, we make tools."));
    edit(&mut second, |ws| {
        ws.set_about("We make good tools for farms.")
    });
    let ws = merged(&mut first, &mut second);
    assert_eq!(ws.about_text(), "Since 1990, we make good tools for farms.");

    // Both type at the same place: both insertions are kept, in one order on every device.
    // (A fresh start: a view read from one document cannot be written into another.)
    let mut start = Workspace::new("Acme");
    start.set_about(ws.about_text());
    let (mut first, mut second) = two_devices(&start);
    edit(&mut first, |ws| {
        ws.set_about("Since 1990, we make good, cheap tools for farms.")
    });
    edit(&mut second, |ws| {
        ws.set_about("Since 1990, we make good, strong tools for farms.")
    });
    let ws = merged(&mut first, &mut second);
    let text = ws.about_text();
    assert!(
        text == "Since 1990, we make good, cheap, strong tools for farms."
            || text == "Since 1990, we make good, strong, cheap tools for farms.",
        "{text}"
    );
    assert_eq!(
        text.matches("Since 1990").count(),
        1,
        "no duplicated text: {text}"
    );
}

#[test]
fn a_workspace_written_before_the_description_existed_still_opens() {
    // The shape of the first workspace documents: no `about` key.
    let mut doc = AutoCommit::new();
    {
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "organisation", "Acme").unwrap();
        doc.put_object(automerge::ROOT, "people", automerge::ObjType::Map)
            .unwrap();
        doc.put_object(automerge::ROOT, "teams", automerge::ObjType::Map)
            .unwrap();
    }
    let ws: Workspace = hydrate(&doc).unwrap();
    assert_eq!(ws.organisation, "Acme");
    assert_eq!(ws.about_text(), "");
    assert_eq!(Workspace::read_in_one_pass(&doc).unwrap(), ws);
}

#[test]
fn members_of_every_team_are_listed_in_one_pass() {
    let mut ws = Workspace::new("Acme");
    let (sales, ops) = (TeamId::random(), TeamId::random());
    ws.add_team(
        sales.clone(),
        TeamDetails {
            name: "Sales".into(),
            lead: None,
        },
    )
    .unwrap();
    ws.add_team(
        ops.clone(),
        TeamDetails {
            name: "Ops".into(),
            lead: None,
        },
    )
    .unwrap();
    for (name, team) in [("Cy", &sales), ("Ana", &sales), ("Bo", &ops)] {
        ws.add_person(
            PersonId::random(),
            PersonDetails {
                team: Some(team.clone()),
                ..person(name)
            },
        )
        .unwrap();
    }
    ws.add_person(PersonId::random(), person("Di")).unwrap();
    let by_team = ws.member_names_by_team();
    assert_eq!(by_team[&sales], ["Ana", "Cy"]);
    assert_eq!(by_team[&ops], ["Bo"]);
    assert_eq!(by_team.len(), 2, "people without a team are in no list");
    assert_eq!(ws.members(&sales).len(), 2);
}

#[test]
fn a_workspace_written_by_a_javascript_peer_with_text_strings_reads_the_same() {
    // JavaScript Automerge stores strings as text objects unless told otherwise.
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    let mut doc = AutoCommit::new();
    let organisation = doc.put_object(ROOT, "organisation", ObjType::Text).unwrap();
    doc.splice_text(&organisation, 0, 0, "Made in JavaScript")
        .unwrap();
    let people = doc.put_object(ROOT, "people", ObjType::Map).unwrap();
    doc.put_object(ROOT, "teams", ObjType::Map).unwrap();
    for (id, name, manager) in [("ada", "Ada", None), ("bo", "Bo", Some("ada"))] {
        let person = doc.put_object(&people, id, ObjType::Map).unwrap();
        let text = doc.put_object(&person, "name", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, name).unwrap();
        doc.put_object(&person, "title", ObjType::Text).unwrap();
        doc.put(&person, "email", "").unwrap();
        match manager {
            Some(manager) => {
                let text = doc.put_object(&person, "manager", ObjType::Text).unwrap();
                doc.splice_text(&text, 0, 0, manager).unwrap();
            }
            None => doc
                .put(&person, "manager", automerge::ScalarValue::Null)
                .unwrap(),
        }
        doc.put(&person, "team", automerge::ScalarValue::Null)
            .unwrap();
    }
    let ws: Workspace = hydrate(&doc).unwrap();
    assert_eq!(Workspace::read_in_one_pass(&doc).unwrap(), ws);
    assert_eq!(ws.organisation, "Made in JavaScript");
    let names: Vec<_> = ws
        .people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect();
    assert_eq!(names, ["Ada", "Bo"]);
    assert_eq!(
        ws.person(&PersonId::from("bo")).unwrap().manager,
        Some(PersonId::from("ada"))
    );
}

#[test]
fn links_to_documents_that_do_not_read_are_listed_once_and_kept() {
    use throughline::model::{DocumentId, DocumentUrl, LinkKind};
    let mut ws = Workspace::new("Acme");
    let good = DocumentId::random();
    ws.list_plan(good, 1);
    ws.list_plan("automerge:not-a-document", 2);
    let ana = PersonId::random();
    let bo = PersonId::random();
    ws.list_check_ins("automerge:", &bo, &ana);
    ws.list_check_ins("automerge:", &ana, &bo);
    assert_eq!(
        ws.unreadable_links(),
        vec![
            (LinkKind::CheckIns, DocumentUrl::from("automerge:")),
            (
                LinkKind::Plan,
                DocumentUrl::from("automerge:not-a-document")
            ),
        ]
    );
    // Kept as written: nothing is dropped from the workspace for it.
    assert_eq!(ws.plan_urls().len(), 2);
    assert_eq!(ws.plan_urls()[0].document(), Ok(good));
}

/// A workspace with something in every map it keeps, as the app writes it.
fn filled_workspace() -> Workspace {
    use throughline::model::identity::SignedStatement;
    use throughline::model::review::{CheckInEntry, Deadlines, GivenEntry, ReviewCycle};
    use throughline::model::{DocumentUrl, ItemId, PlanEntry};
    let mut ws = Workspace::new("Filled Co");
    let team = TeamId::random();
    ws.add_team(
        team.clone(),
        TeamDetails {
            name: "Sales".into(),
            lead: None,
        },
    )
    .unwrap();
    let mut people = Vec::new();
    for i in 0..120 {
        let id = PersonId::random();
        let details = PersonDetails {
            title: format!("Title {i}"),
            email: format!("p{i}@example.org"),
            manager: people.first().cloned(),
            team: (i % 2 == 0).then(|| team.clone()),
            ..person(&format!("Person {i}"))
        };
        ws.add_person(id.clone(), details).unwrap();
        people.push(id);
    }
    ws.update_team(
        &team,
        TeamDetails {
            name: "Sales".into(),
            lead: Some(people[0].clone()),
        },
    )
    .unwrap();
    let url = |n: u8| {
        DocumentUrl::from(format!(
            "automerge:{}",
            throughline::model::DocumentId::from_bytes([n; 16])
        ))
    };
    ws.plans.insert(
        url(1),
        PlanEntry {
            listed_at: 1_800_000_000_000,
        },
    );
    ws.cycles.insert(
        ItemId::from("cycle-2027"),
        ReviewCycle {
            name: "2027".into(),
            period_start: "2027-01-01".into(),
            period_end: "2027-12-31".into(),
            template: ItemId::from("template"),
            scale: ItemId::from("scale"),
            deadlines: Deadlines {
                self_review: "2028-01-10".into(),
                manager_review: "2028-01-20".into(),
                calibration: "2028-01-30".into(),
                sign_off: "2028-02-10".into(),
            },
            hr: [(people[1].clone(), true)].into(),
            reviews: people[2..60]
                .iter()
                .enumerate()
                .map(|(n, p)| (p.clone(), url(10 + n as u8)))
                .collect(),
            created_at: 1_800_000_000_001,
        },
    );
    ws.check_ins.insert(
        url(2),
        CheckInEntry {
            manager: people[0].clone(),
            employee: people[3].clone(),
        },
    );
    ws.given_feedback.insert(
        url(3),
        GivenEntry {
            to: people[4].clone(),
            from: people[5].clone(),
        },
    );
    ws.root = "a-device-key".into();
    ws.membership.insert(
        "a-hash".into(),
        SignedStatement {
            payload: "{}".into(),
            signature: "a-signature".into(),
        },
    );
    ws
}

#[test]
fn the_workspace_read_in_one_pass_is_the_one_autosurgeon_reads() {
    let ws = filled_workspace();
    let mut doc = AutoCommit::new();
    reconcile(&mut doc, &ws).unwrap();
    doc.commit();
    let slow: Workspace = hydrate(&doc).unwrap();
    let fast = Workspace::read_in_one_pass(&doc).unwrap();
    assert_eq!(fast, slow);
    assert_eq!(fast, ws);
    assert_eq!(fast.people.len(), 120);
    assert_eq!(fast.cycles.values().next().unwrap().reviews.len(), 58);

    // What every earlier build wrote reads the same both ways too.
    let path = format!(
        "{}/tests/fixtures/older/1/workspace.automerge",
        env!("CARGO_MANIFEST_DIR")
    );
    let older = AutoCommit::load(&std::fs::read(&path).unwrap()).unwrap();
    let slow: Workspace = hydrate(&older).unwrap();
    assert_eq!(Workspace::read_in_one_pass(&older).unwrap(), slow);
    assert!(!slow.people.is_empty(), "the fixture has people");
}

#[test]
fn a_workspace_of_a_shape_the_fast_reader_does_not_know_is_read_or_refused_as_before() {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    use throughline::model::DocumentView;
    // A person kept as a list: neither reader takes it, and the error is autosurgeon's.
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "organisation", "Odd Co").unwrap();
    doc.put_object(ROOT, "teams", ObjType::Map).unwrap();
    let people = doc.put_object(ROOT, "people", ObjType::Map).unwrap();
    doc.put_object(&people, "ada", ObjType::List).unwrap();
    let fast = Workspace::read_in_one_pass(&doc).unwrap_err();
    assert!(fast.contains("A person is not a map"), "{fast}");
    let slow = hydrate::<_, Workspace>(&doc).unwrap_err().to_string();
    assert_eq!(Workspace::read(&doc).unwrap_err(), slow);

    // A list of check-ins where a map is expected: the same.
    let mut doc = AutoCommit::new();
    reconcile(&mut doc, Workspace::new("Odd Co")).unwrap();
    doc.put_object(ROOT, "check_ins", ObjType::List).unwrap();
    assert!(Workspace::read_in_one_pass(&doc)
        .unwrap_err()
        .contains("check_ins"));
    assert!(Workspace::read(&doc).is_err());
}
