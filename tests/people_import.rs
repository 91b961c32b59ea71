//! Importing people from a CSV file: reading it, every problem by line with nothing
//! changed, no one added twice, managers found by name or email in the file or the
//! workspace, and the whole import as one change of the document.

mod common;
use common::block_on;

use std::rc::Rc;

use throughline::model::people_csv::{check, import_people, PeopleCsvError};
use throughline::model::{
    Person, PersonDetails, PersonId, TeamDetails, TeamId, Workspace, WorkspaceError,
};
use throughline::store::{DocHandle, MemoryStorage, Repo};

fn person(name: &str, email: &str) -> PersonDetails {
    PersonDetails {
        name: name.to_owned(),
        email: email.to_owned(),
        ..PersonDetails::default()
    }
}

/// The one person called `name`.
fn named<'a>(ws: &'a Workspace, name: &str) -> (&'a PersonId, &'a Person) {
    let found: Vec<_> = ws.people.iter().filter(|(_, p)| p.name == name).collect();
    assert_eq!(found.len(), 1, "one {name}");
    found[0]
}

fn manager_name(ws: &Workspace, name: &str) -> Option<String> {
    let (_, person) = named(ws, name);
    person.manager.as_ref().map(|m| ws.name_of(m))
}

fn team_name(ws: &Workspace, name: &str) -> Option<String> {
    let (_, person) = named(ws, name);
    person
        .team
        .as_ref()
        .and_then(|t| ws.team(t))
        .map(|t| t.name.clone())
}

/// The messages of a refused import, and a check that it changed nothing.
fn refused(ws: &mut Workspace, file: &str) -> Vec<String> {
    let before = ws.clone();
    let refusal = import_people(ws, file.as_bytes()).expect_err("a bad file");
    assert_eq!(*ws, before, "a bad file changes nothing");
    assert!(refusal.to_string().starts_with("Nothing was imported."));
    refusal.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn a_good_file_with_quotes_commas_crlf_and_a_bom_is_imported() {
    let mut ws = Workspace::new("Acme");
    let file = "\u{feff}Name,TITLE,Email,Manager,Team\r\n\
                Ana Lima,\"Chief Executive, Acme\",ana@acme.example,,\r\n\
                \"Chen, Bo\",\"Head of \"\"Sales\"\"\",bo@acme.example,ana@acme.example,Sales\r\n\
                \"Cy\r\nnot a name\"\r\n";
    // Cy's name spans two lines: refused, and said at the line the record starts on.
    assert_eq!(
        refused(&mut ws, file),
        ["Line 4: the name has a line break or another control character in it."]
    );

    let file = "\u{feff}Name,TITLE,Email,Manager,Team\r\n\
                Ana Lima,\"Chief Executive, Acme\",ana@acme.example,,\r\n\
                \"Chen, Bo\",\"Head of \"\"Sales\"\"\",bo@acme.example,ana@acme.example,Sales\r\n\
                Cy Diaz,Account Manager,,\"Chen, Bo\",sales\r\n\
                \r\n\
                Dee Ng,,,Cy Diaz,\"Support\"\r\n";
    let summary = import_people(&mut ws, file.as_bytes()).expect("a good file");
    assert_eq!(summary.to_string(), "Added 4 people and 2 teams.");
    assert_eq!(summary.added.len(), 4);
    assert_eq!(ws.people.len(), 4);

    let (_, ana) = named(&ws, "Ana Lima");
    assert_eq!(ana.title, "Chief Executive, Acme");
    assert_eq!(ana.email, "ana@acme.example");
    assert_eq!(ana.manager, None);
    let (_, bo) = named(&ws, "Chen, Bo");
    assert_eq!(bo.title, "Head of \"Sales\"");
    assert_eq!(manager_name(&ws, "Chen, Bo").as_deref(), Some("Ana Lima"));
    assert_eq!(manager_name(&ws, "Cy Diaz").as_deref(), Some("Chen, Bo"));
    assert_eq!(manager_name(&ws, "Dee Ng").as_deref(), Some("Cy Diaz"));
    // "Sales" and "sales" are one team, named as first written.
    assert_eq!(ws.teams.len(), 2);
    assert_eq!(team_name(&ws, "Chen, Bo").as_deref(), Some("Sales"));
    assert_eq!(team_name(&ws, "Cy Diaz").as_deref(), Some("Sales"));
    assert_eq!(team_name(&ws, "Dee Ng").as_deref(), Some("Support"));
    assert_eq!(team_name(&ws, "Ana Lima"), None);
}

#[test]
fn columns_come_in_any_order_and_only_name_is_required() {
    let mut ws = Workspace::new("Acme");
    let summary = import_people(&mut ws, b"team,  NAME \nOps,Ana Lima\n,Bo Chen").unwrap();
    assert_eq!(summary.to_string(), "Added 2 people and 1 team.");
    assert_eq!(team_name(&ws, "Ana Lima").as_deref(), Some("Ops"));
    assert_eq!(team_name(&ws, "Bo Chen"), None);

    let summary = import_people(&mut ws, b"name\nCy Diaz\n").unwrap();
    assert_eq!(summary.to_string(), "Added 1 person.");
}

#[test]
fn every_problem_is_listed_with_its_line_and_nothing_changes() {
    let mut ws = Workspace::new("Acme");
    ws.add_person(PersonId::random(), person("Ana Lima", "ana@acme.example"))
        .unwrap();
    let long = "x".repeat(201);
    let file = format!(
        "name,title,email,manager,team\n\
         Bo Chen,,bo@acme.example,Ana Lima,Sales\n\
         Cy Diaz,,,Zed Q,\n\
         Dee Ng,,dee@acme.example,Eve Kim,\n\
         ,Engineer,,,\n\
         Eve Kim,,,Dee Ng,\n\
         Fay Wu,,x@,,\n\
         Bo Chen,,,,\n\
         Gus Po,,bo@acme.example,,\n\
         {long},,,,\n\
         Hal Jo,,,Hal Jo,\n\
         Ivy Ru,,,,{long}\n\
         Jo Mo,,,,,,extra\n"
    );
    assert_eq!(
        refused(&mut ws, &file),
        [
            "Line 3: the manager \"Zed Q\" is neither in the file nor in the workspace.",
            "Line 4: these people report to each other in a loop: Dee Ng → Eve Kim → Dee Ng.",
            "Line 5: no name.",
            "Line 7: the email \"x@\" does not look like an email.",
            "Line 8: \"Bo Chen\" is already on line 2; give each their own email to tell them apart.",
            "Line 9: the email \"bo@acme.example\" is already on line 2.",
            "Line 10: That name is too long (at most 200 characters).",
            "Line 11: Hal Jo cannot be their own manager.",
            &format!(
                "Line 12: the team \"{long}\": That name is too long (at most 200 characters)."
            ),
            "Line 13: 7 fields, but the header names 5 columns.",
        ]
    );
    assert_eq!(ws.people.len(), 1);
    assert!(ws.teams.is_empty());
}

#[test]
fn problems_with_the_file_as_a_whole_are_said_once() {
    let mut ws = Workspace::new("Acme");
    assert_eq!(refused(&mut ws, ""), ["The file is empty."]);
    assert_eq!(refused(&mut ws, "\u{feff}\r\n\r\n"), ["The file is empty."]);
    assert_eq!(
        refused(&mut ws, "name,title\n"),
        ["The file has a header but no people."]
    );
    assert_eq!(
        refused(&mut ws, "Name,Phone,name\nAna,555,Ana\n"),
        [
            "Line 1: unknown column \"Phone\"; the columns are name, title, email, manager and team.",
            "Line 1: the column \"name\" appears twice.",
        ]
    );
    assert_eq!(
        refused(&mut ws, "title,email\nBoss,a@b.example\n"),
        ["Line 1: there is no \"name\" column; the first line must name the columns."]
    );
    assert_eq!(
        refused(&mut ws, "name,,title\nAna,oops,Boss\n"),
        ["Line 2: column 2 has a value but no name in the header."]
    );
    assert_eq!(
        refused(&mut ws, "name\nAna\n\"Bo\nChen\n"),
        ["Line 3: a quoted field is not closed (a \" is missing)."]
    );
    assert_eq!(
        refused(&mut ws, "name\n\"Ana\" Lima\n"),
        ["Line 2: there is text after a closing quote; inside quotes, write a quote twice (\"\")."]
    );
    let before = ws.clone();
    let not_text = import_people(&mut ws, b"name\n\xff\xfeA\n").unwrap_err();
    assert_eq!(
        not_text.errors,
        [PeopleCsvError::NotUtf8],
        "a spreadsheet's UTF-16 or Latin-1 export"
    );
    assert_eq!(ws, before);
    let many = format!("name\n{}", "Someone\n".repeat(5_001));
    assert_eq!(
        refused(&mut ws, &many),
        ["The file has 5001 people; import at most 5000 at a time."]
    );
}

#[test]
fn importing_twice_adds_no_one_twice() {
    let mut ws = Workspace::new("Acme");
    let file = "name,email,manager,team\n\
                Ana Lima,ana@acme.example,,Board\n\
                Bo Chen,,Ana Lima,Sales\n";
    let first = import_people(&mut ws, file.as_bytes()).unwrap();
    assert_eq!(first.to_string(), "Added 2 people and 2 teams.");
    let after_first = ws.clone();

    let second = import_people(&mut ws, file.as_bytes()).unwrap();
    assert_eq!(
        second.to_string(),
        "No one was added. 2 people already here, so skipped: Ana Lima, Bo Chen."
    );
    assert!(second.added.is_empty());
    assert_eq!(second.teams_added, 0);
    assert_eq!(ws, after_first);

    // The same people with a new colleague: only the colleague is added.
    let third = import_people(
        &mut ws,
        b"name,email,manager\nANA LIMA,Ana@Acme.example,\nbo chen,,\nCy Diaz,,Bo Chen\n",
    )
    .unwrap();
    assert_eq!(
        third.to_string(),
        "Added 1 person. 2 people already here, so skipped: ANA LIMA, bo chen."
    );
    assert_eq!(ws.people.len(), 3);
    assert_eq!(manager_name(&ws, "Cy Diaz").as_deref(), Some("Bo Chen"));
    // Skipped means skipped: Bo's manager, empty in the file, is kept.
    assert_eq!(manager_name(&ws, "Bo Chen").as_deref(), Some("Ana Lima"));
}

#[test]
fn someone_added_by_hand_without_an_email_is_already_here() {
    let mut ws = Workspace::new("Acme");
    ws.add_person(PersonId::random(), person("Ana Lima", ""))
        .unwrap();
    let summary = import_people(
        &mut ws,
        b"name,email,manager\nAna Lima,ana@acme.example,\nBo Chen,,ana@acme.example\n",
    )
    .unwrap();
    assert_eq!(
        summary.to_string(),
        "Added 1 person. 1 person already here, so skipped: Ana Lima."
    );
    assert_eq!(ws.people.len(), 2);
    assert_eq!(manager_name(&ws, "Bo Chen").as_deref(), Some("Ana Lima"));
}

#[test]
fn managers_are_found_by_name_and_by_email_in_the_file_and_in_the_workspace() {
    let mut ws = Workspace::new("Acme");
    ws.add_person(PersonId::random(), person("Ana Lima", "ana@acme.example"))
        .unwrap();
    ws.add_person(PersonId::random(), person("Bo Chen", "bo@acme.example"))
        .unwrap();
    let file = "name,email,manager\n\
                Cy Diaz,cy@acme.example,ana lima\n\
                Dee Ng,,BO@acme.example\n\
                Eve Kim,,Fay Wu\n\
                Fay Wu,fay@acme.example,cy@acme.example\n\
                Gus Po,,Cy Diaz\n";
    let summary = import_people(&mut ws, file.as_bytes()).unwrap();
    assert_eq!(summary.to_string(), "Added 5 people.");
    assert_eq!(manager_name(&ws, "Cy Diaz").as_deref(), Some("Ana Lima"));
    assert_eq!(manager_name(&ws, "Dee Ng").as_deref(), Some("Bo Chen"));
    // Named before their manager's line: the file is read whole first.
    assert_eq!(manager_name(&ws, "Eve Kim").as_deref(), Some("Fay Wu"));
    assert_eq!(manager_name(&ws, "Fay Wu").as_deref(), Some("Cy Diaz"));
    assert_eq!(manager_name(&ws, "Gus Po").as_deref(), Some("Cy Diaz"));
    // The summary lists the people added in the file's order.
    let added: Vec<String> = summary.added.iter().map(|id| ws.name_of(id)).collect();
    assert_eq!(added, ["Cy Diaz", "Dee Ng", "Eve Kim", "Fay Wu", "Gus Po"]);
}

#[test]
fn namesakes_need_emails_and_a_manager_who_could_be_either_is_refused() {
    let mut ws = Workspace::new("Acme");
    ws.add_person(PersonId::random(), person("Sam Lee", "sam@acme.example"))
        .unwrap();
    let file = "name,email,manager\n\
                Sam Lee,sam.lee@acme.example,\n\
                Tia Mo,,Sam Lee\n\
                Uma Ro,,sam.lee@acme.example\n";
    assert_eq!(
        refused(&mut ws, file),
        ["Line 3: the manager \"Sam Lee\" could be any of 2 people; write their email instead."]
    );
    let file = file.replace("Tia Mo,,Sam Lee", "Tia Mo,,sam@acme.example");
    let summary = import_people(&mut ws, file.as_bytes()).unwrap();
    assert_eq!(summary.to_string(), "Added 3 people.");
    let (_, tia) = named(&ws, "Tia Mo");
    let (_, uma) = named(&ws, "Uma Ro");
    let email_of = |id: &Option<PersonId>| {
        id.as_ref()
            .and_then(|id| ws.person(id))
            .map(|p| p.email.clone())
    };
    assert_eq!(email_of(&tia.manager).as_deref(), Some("sam@acme.example"));
    assert_eq!(
        email_of(&uma.manager).as_deref(),
        Some("sam.lee@acme.example")
    );
}

#[test]
fn existing_teams_are_joined_not_made_again() {
    let mut ws = Workspace::new("Acme");
    let sales = TeamId::random();
    ws.add_team(
        sales.clone(),
        TeamDetails {
            name: "Sales".to_owned(),
            lead: None,
        },
    )
    .unwrap();
    let summary = import_people(&mut ws, b"name,team\nAna Lima,SALES\n").unwrap();
    assert_eq!(summary.to_string(), "Added 1 person.");
    assert_eq!(ws.teams.len(), 1);
    assert_eq!(named(&ws, "Ana Lima").1.team.as_ref(), Some(&sales));
}

#[test]
fn a_checked_plan_is_refused_if_the_workspace_changed_meanwhile() {
    let mut ws = Workspace::new("Acme");
    let ana = PersonId::random();
    ws.add_person(ana.clone(), person("Ana Lima", "")).unwrap();
    let plan = check(&ws, b"name,manager\nBo Chen,Ana Lima\n").unwrap();
    assert_eq!(plan.people_to_add(), 1);
    // Another device removed Ana before the import was applied.
    ws.remove_person(&ana).unwrap();
    let before = ws.clone();
    let refusal = plan.apply(&mut ws).unwrap_err();
    assert_eq!(
        refusal.errors,
        [PeopleCsvError::Person {
            line: 2,
            error: WorkspaceError::UnknownPerson
        }]
    );
    assert_eq!(ws, before);
}

#[test]
fn an_import_is_one_change_of_the_document_and_a_refused_one_none() {
    let storage = Rc::new(MemoryStorage::new());
    let handle: DocHandle<Rc<MemoryStorage>> =
        block_on(Repo::new(storage).open_workspace()).unwrap();
    let changes = |handle: &DocHandle<Rc<MemoryStorage>>| -> Vec<String> {
        handle
            .history()
            .into_iter()
            .flat_map(|s| s.changes)
            .map(|c| c.message)
            .collect()
    };
    let before = changes(&handle);

    let bad = handle.change("Import people", |ws: &mut Workspace| {
        import_people(ws, b"name,manager\nAna Lima,Zed Q\n")
    });
    assert!(bad.is_err());
    assert_eq!(changes(&handle), before);

    let (ws, summary) = handle
        .change("Import people", |ws: &mut Workspace| {
            import_people(
                ws,
                b"name,manager,team\nAna Lima,,Board\nBo Chen,Ana Lima,Sales\n",
            )
        })
        .unwrap();
    assert_eq!(summary.to_string(), "Added 2 people and 2 teams.");
    let mut after = before.clone();
    after.push("Import people".to_owned());
    assert_eq!(changes(&handle), after);
    let stored: Workspace = handle.view().unwrap();
    assert_eq!(stored, ws);
    assert_eq!(
        manager_name(&stored, "Bo Chen").as_deref(),
        Some("Ana Lima")
    );
}
