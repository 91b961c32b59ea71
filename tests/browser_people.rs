//! The People page mounted in a real DOM: adding a person through the form shows them in
//! the list and writes them to IndexedDB.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use leptos::prelude::*;
use throughline::model::identity::DeviceSecret;
use throughline::model::{PersonId, Workspace};
use throughline::store::{BrowserStorage, DocumentId, IndexedDbStorage, Repo};
use throughline::ui::pages::PeoplePage;
use throughline::ui::{DeviceIdentity, IdentityState, WorkspaceState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn button(text: &str) -> HtmlElement {
    let buttons = document().query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button {text:?}"))
}

fn type_into(id: &str, text: &str) {
    let input: HtmlInputElement = document()
        .get_element_by_id(id)
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// The People page on a workspace in a database of its own, mounted in the page.
struct Mounted {
    database: String,
    id: DocumentId,
    state: WorkspaceState,
    host: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

async fn mount_people_page() -> Mounted {
    let database = format!("throughline-test-{}", PersonId::random());
    let storage = Rc::new(BrowserStorage::IndexedDb(
        IndexedDbStorage::open(&database).await.unwrap(),
    ));
    let repo = Repo::new(storage);
    let handle = repo.open_workspace().await.unwrap();
    let id = handle.id();
    let state = WorkspaceState::new(repo, handle, None).unwrap();
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let host: HtmlElement = host.dyn_into().unwrap();
    let mounted = leptos::mount::mount_to(host.clone(), move || {
        provide_context(state);
        // A device of its own, in a workspace nobody has claimed yet (so whoever sets it
        // up may add people).
        provide_context(IdentityState::new(
            state,
            DeviceIdentity {
                secret: DeviceSecret::generate().map_err(|e| e.to_string()),
                pinned: None,
                pending: None,
                chosen_before: None,
                kept: Some(Default::default()),
            },
        ));
        view! { <PeoplePage /> }.into_any()
    });
    Mounted {
        database,
        id,
        state,
        host,
        _handle: mounted,
    }
}

#[wasm_bindgen_test]
async fn adding_a_person_shows_them_and_saves_them() {
    let Mounted {
        database,
        id,
        host,
        _handle,
        ..
    } = mount_people_page().await;

    assert!(host.text_content().unwrap().contains("No one here yet"));
    button("Add person").click();
    sleep(10).await;
    type_into("new-person-name", "Ana Lima");
    type_into("new-person-title", "Chief Executive");
    button("Save").click();
    sleep(10).await;

    let list = document()
        .query_selector("[data-testid=people-list]")
        .unwrap()
        .expect("the list appears");
    let text = list.text_content().unwrap();
    assert!(text.contains("Ana Lima"), "{text}");
    assert!(text.contains("Chief Executive"), "{text}");
    assert!(
        document().get_element_by_id("new-person-name").is_none(),
        "the form closes"
    );

    // The autosaver writes within 100 ms; a fresh connection reads the person back.
    sleep(150).await;
    let reopened = Rc::new(IndexedDbStorage::open(&database).await.unwrap());
    let saved = Repo::new(reopened).open(id).await.unwrap().unwrap();
    let ws: Workspace = saved.view().unwrap();
    assert_eq!(
        ws.people
            .values()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Ana Lima"]
    );
}

#[wasm_bindgen_test]
async fn a_person_without_a_name_is_refused_with_a_message() {
    let Mounted {
        state,
        host,
        _handle,
        ..
    } = mount_people_page().await;
    button("Add person").click();
    sleep(10).await;
    type_into("new-person-name", "   ");
    // The browser's own `required` check passes on spaces; the model refuses them.
    let form = document()
        .query_selector("form[aria-label='New person']")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlFormElement>()
        .unwrap();
    form.request_submit().unwrap();
    sleep(10).await;
    let alert = host
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an error is shown");
    assert_eq!(alert.text_content().unwrap(), "A name is required.");
    assert!(state.workspace.get_untracked().people.is_empty());
}

/// The People page keys its rows by the version of each person (`ui::row_versions`): a
/// row keeps its version while the person is unchanged, gets one never given before when
/// they change, and a person who leaves and comes back is a new row.
#[wasm_bindgen_test]
fn a_row_keeps_its_version_until_its_content_changes() {
    use throughline::ui::row_versions::RowVersions;
    let mut versions = RowVersions::<String, i32>::default();
    let (ana, bo, cy) = ("ana".to_owned(), "bo".to_owned(), "cy".to_owned());
    let (engineer, designer, lead) = (1, 2, 3);
    let first = versions.follow([(&ana, &engineer), (&bo, &designer)]);
    let again = versions.follow([(&bo, &lead), (&ana, &engineer), (&cy, &designer)]);
    assert_eq!(again[1], first[0], "Ana is unchanged");
    assert_eq!(again[0].0, "bo");
    assert_ne!(again[0].1, first[1].1, "Bo changed");
    let numbers: std::collections::HashSet<u64> =
        first.iter().chain(&again).map(|(_, v)| *v).collect();
    assert_eq!(numbers.len(), 4, "no version is given twice");
    versions.follow([(&ana, &engineer)]);
    let back = versions.follow([(&bo, &lead)]);
    assert!(!numbers.contains(&back[0].1), "Bo back is a new row");
    // A row listed twice in one pass is two rows: never one key twice in a list.
    let twice = versions.follow([(&bo, &lead), (&bo, &lead)]);
    assert_ne!(twice[0].1, twice[1].1);
}

/// What the list shows follows every change to a person: a new title and a new name (in
/// its place by name) show in their row, and a person removed leaves the list.
#[wasm_bindgen_test]
async fn the_list_follows_each_person_s_changes() {
    use throughline::model::PersonDetails;
    let Mounted {
        state,
        host,
        _handle,
        ..
    } = mount_people_page().await;
    let names = || -> Vec<String> {
        let rows = document()
            .query_selector_all("[data-testid=person-name]")
            .unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .map(|row| row.text_content().unwrap_or_default())
            .collect()
    };
    let list_text = || {
        document()
            .query_selector("[data-testid=people-list]")
            .unwrap()
            .map(|list| list.text_content().unwrap_or_default())
            .unwrap_or_default()
    };
    let details = |name: &str, title: &str| PersonDetails {
        name: name.into(),
        title: title.into(),
        ..PersonDetails::default()
    };
    let (ana, bo) = (PersonId::random(), PersonId::random());
    state
        .edit("Add", |ws| {
            ws.add_person(ana.clone(), details("Ana Lima", "Engineer"))?;
            ws.add_person(bo.clone(), details("Bo Chen", "Designer"))
        })
        .unwrap();
    sleep(10).await;
    assert_eq!(
        names(),
        ["Ana Lima", "Bo Chen"],
        "{:?}",
        host.text_content()
    );

    state
        .edit("Edit", |ws| {
            ws.update_person(&ana, details("Ana Lima", "Lead engineer"))
        })
        .unwrap();
    sleep(10).await;
    assert!(list_text().contains("Lead engineer"), "{}", list_text());
    assert_eq!(names(), ["Ana Lima", "Bo Chen"]);

    state
        .edit("Rename", |ws| {
            ws.update_person(&ana, details("Zoe Lima", "Lead engineer"))
        })
        .unwrap();
    sleep(10).await;
    assert_eq!(names(), ["Bo Chen", "Zoe Lima"]);

    state.edit("Remove", |ws| ws.remove_person(&bo)).unwrap();
    sleep(10).await;
    assert_eq!(names(), ["Zoe Lima"]);
}

/// A row also shows the name of the person's manager and of their team, which live
/// elsewhere in the workspace: renaming either changes the rows that show it.
#[wasm_bindgen_test]
async fn a_row_follows_a_rename_of_the_manager_and_of_the_team() {
    use throughline::model::{PersonDetails, TeamDetails, TeamId};
    let Mounted { state, _handle, .. } = mount_people_page().await;
    let row_of = |name: &str| -> String {
        let rows = document()
            .query_selector_all("[data-testid=person]")
            .unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .map(|row| row.text_content().unwrap_or_default())
            .find(|text| text.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}"))
    };
    let (maria, ana, team) = (PersonId::random(), PersonId::random(), TeamId::random());
    state
        .edit("Add", |ws| {
            ws.add_person(
                maria.clone(),
                PersonDetails {
                    name: "Maria Rossi".into(),
                    ..PersonDetails::default()
                },
            )?;
            ws.add_team(
                team.clone(),
                TeamDetails {
                    name: "Platform".into(),
                    lead: None,
                },
            )?;
            ws.add_person(
                ana.clone(),
                PersonDetails {
                    name: "Ana Lima".into(),
                    manager: Some(maria.clone()),
                    team: Some(team.clone()),
                    ..PersonDetails::default()
                },
            )
        })
        .unwrap();
    sleep(10).await;
    assert!(row_of("Ana Lima").contains("Reports to Maria Rossi"));
    assert!(row_of("Ana Lima").contains("Platform"));

    state
        .edit("Rename", |ws| {
            ws.update_person(
                &maria,
                PersonDetails {
                    name: "Maria Bianchi".into(),
                    ..PersonDetails::default()
                },
            )
        })
        .unwrap();
    sleep(10).await;
    assert!(
        row_of("Ana Lima").contains("Reports to Maria Bianchi"),
        "{}",
        row_of("Ana Lima")
    );

    state
        .edit("Rename team", |ws| {
            ws.update_team(
                &team,
                TeamDetails {
                    name: "Infrastructure".into(),
                    lead: None,
                },
            )
        })
        .unwrap();
    sleep(10).await;
    assert!(
        row_of("Ana Lima").contains("Infrastructure"),
        "{}",
        row_of("Ana Lima")
    );
}
