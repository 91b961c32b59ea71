//! Export and import: archives and .automerge files move a workspace between devices,
//! merging with what is there; files that are not what they claim change nothing.

mod common;
use common::block_on;

use std::rc::Rc;

use throughline::model::{PersonDetails, PersonId, Workspace};
use throughline::store::{
    document_file_name, read_import, write_archive, DocHandle, ImportError, MemoryStorage, Repo,
};

type Handle = DocHandle<Rc<MemoryStorage>>;

struct Device {
    storage: Rc<MemoryStorage>,
    repo: Repo<Rc<MemoryStorage>>,
    workspace: Handle,
}

impl Device {
    fn new() -> Self {
        let storage = Rc::new(MemoryStorage::new());
        let repo = Repo::new(storage.clone());
        let workspace = block_on(repo.open_workspace()).unwrap();
        Self {
            storage,
            repo,
            workspace,
        }
    }

    fn edit(&self, edit: impl FnOnce(&mut Workspace)) {
        self.workspace
            .change("Edit", |ws: &mut Workspace| {
                edit(ws);
                Ok::<(), ()>(())
            })
            .unwrap();
        block_on(self.workspace.save()).unwrap();
    }

    fn add(&self, name: &str) {
        let details = PersonDetails {
            name: name.to_owned(),
            ..PersonDetails::default()
        };
        self.edit(|ws| ws.add_person(PersonId::random(), details).unwrap());
    }

    fn archive(&self) -> Vec<u8> {
        let id = self.workspace.id();
        write_archive(id, &[(id, self.workspace.save_binary())], 0).into_bytes()
    }

    fn import(
        &self,
        name: &str,
        bytes: &[u8],
    ) -> Result<throughline::store::ImportOutcome, ImportError> {
        let file = read_import(name, bytes)?;
        block_on(self.repo.import(&self.workspace, file))
    }

    /// A new device that has imported `from`'s archive and restarted on it.
    fn joined(from: &Device) -> Device {
        let device = Device::new();
        device.import("archive.json", &from.archive()).unwrap();
        Device {
            workspace: device.reopened(),
            ..device
        }
    }

    /// The workspace this device opens on its next start.
    fn reopened(&self) -> Handle {
        block_on(Repo::new(self.storage.clone()).open_workspace()).unwrap()
    }
}

fn names(handle: &Handle) -> Vec<String> {
    let ws: Workspace = handle.view().unwrap();
    ws.people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect()
}

#[test]
fn an_archive_moves_the_workspace_to_a_fresh_device_identically() {
    let laptop = Device::new();
    laptop.edit(|ws| ws.rename("Acme").unwrap());
    laptop.add("Ana");
    laptop.add("Bo");
    let tablet = Device::new();
    let outcome = tablet
        .import("acme.throughline.json", &laptop.archive())
        .unwrap();
    assert_eq!(outcome.switched_to, Some(laptop.workspace.id()));
    assert_eq!(outcome.added, 1);

    let opened = tablet.reopened();
    assert_eq!(opened.id(), laptop.workspace.id());
    assert_eq!(
        opened.view::<Workspace>().unwrap(),
        laptop.workspace.view::<Workspace>().unwrap()
    );
    assert_eq!(
        opened.save_binary(),
        laptop.workspace.save_binary(),
        "identical documents"
    );
}

#[test]
fn importing_merges_with_what_is_there_without_duplicates() {
    let laptop = Device::new();
    laptop.add("Ana");
    let tablet = Device::joined(&laptop);

    // Both go on editing the same workspace, apart.
    laptop.add("Bo");
    tablet.add("Cy");
    let outcome = tablet.import("b.json", &laptop.archive()).unwrap();
    assert_eq!((outcome.merged, outcome.switched_to), (1, None));
    assert_eq!(names(&tablet.workspace), ["Ana", "Bo", "Cy"]);

    // The same file again: nothing new, nothing doubled.
    let again = tablet.import("b.json", &laptop.archive()).unwrap();
    assert_eq!((again.merged, again.unchanged), (0, 1));
    assert_eq!(names(&tablet.reopened()), ["Ana", "Bo", "Cy"]);
}

#[test]
fn an_automerge_file_merges_into_the_document_it_names() {
    let laptop = Device::new();
    laptop.add("Ana");
    let tablet = Device::joined(&laptop);
    laptop.add("Bo");

    let name = document_file_name(laptop.workspace.id());
    let outcome = tablet
        .import(&name, &laptop.workspace.save_binary())
        .unwrap();
    assert_eq!(outcome.merged, 1);
    assert_eq!(names(&tablet.reopened()), ["Ana", "Bo"]);
}

#[test]
fn another_organisations_workspace_is_refused_when_this_one_has_data() {
    let theirs = Device::new();
    theirs.edit(|ws| ws.rename("Globex").unwrap());
    let ours = Device::new();
    ours.edit(|ws| ws.rename("Acme").unwrap());
    ours.add("Ana");
    let before = ours.storage.keys();
    let refused = ours.import("globex.json", &theirs.archive());
    assert_eq!(
        refused,
        Err(ImportError::OtherWorkspace {
            theirs: "Globex".into(),
            ours: "Acme".into()
        })
    );
    assert_eq!(ours.storage.keys(), before, "nothing changed");
    assert_eq!(ours.reopened().id(), ours.workspace.id());
}

/// A file name, its bytes, and the refusal expected.
type RefusalCase<'a> = (&'a str, Vec<u8>, fn(&ImportError) -> bool);

#[test]
fn files_that_are_not_what_they_claim_are_refused_and_change_nothing() {
    let laptop = Device::new();
    laptop.add("Ana");
    let archive = laptop.archive();
    let binary = laptop.workspace.save_binary();
    let named = document_file_name(laptop.workspace.id());

    let device = Device::new();
    device.edit(|ws| ws.rename("Acme").unwrap());
    let before = device.storage.keys();

    let cases: Vec<RefusalCase> = vec![
        ("empty.json", Vec::new(), |e| *e == ImportError::Empty),
        ("truncated.json", archive[..archive.len() / 2].to_vec(), |e| *e == ImportError::NotThroughline),
        ("photo.jpg", vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3], |e| *e == ImportError::NotThroughline),
        ("other-app.json", br#"{"name":"not ours","items":[1,2,3]}"#.to_vec(), |e| *e == ImportError::OtherJson),
        (
            "future.json",
            br#"{"format":"throughline-archive","version":99,"workspace":"","exportedAt":0,"documents":[]}"#.to_vec(),
            |e| *e == ImportError::NewerVersion(99),
        ),
        (
            "missing-parts.json",
            br#"{"format":"throughline-archive","version":1}"#.to_vec(),
            |e| matches!(e, ImportError::Damaged(_)),
        ),
        (
            "bad-base64.json",
            String::from_utf8(archive.clone()).unwrap().replacen("\"automerge\": \"", "\"automerge\": \"!!", 1).into_bytes(),
            |e| matches!(e, ImportError::Damaged(_)),
        ),
        (named.as_str(), binary[..binary.len() - 10].to_vec(), |e| matches!(e, ImportError::Damaged(_))),
        ("workspace.automerge", binary.clone(), |e| *e == ImportError::UnnamedDocument),
    ];
    for (name, bytes, expected) in cases {
        let refused = device.import(name, &bytes).expect_err(name);
        assert!(expected(&refused), "{name}: {refused:?}");
        assert!(!refused.to_string().is_empty());
        assert_eq!(device.storage.keys(), before, "{name} changed nothing");
    }
}

#[test]
fn the_json_export_has_a_stable_shape() {
    let device = Device::new();
    device.edit(|ws| ws.rename("Acme").unwrap());
    device.add("Bo");
    device.add("Ana");
    let ws: Workspace = device.workspace.view().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ws.to_json(&device.workspace.id().url())).unwrap();
    assert_eq!(json["format"], "throughline-workspace");
    assert_eq!(json["version"], 1);
    assert_eq!(json["organisation"], "Acme");
    assert_eq!(json["document"], device.workspace.id().url());
    let names: Vec<_> = json["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana", "Bo"]);
    assert!(json["people"][0]["manager"].is_null());
    // A JSON export is for reading, not for moving data: importing it says so.
    let refused = device
        .import("acme.json", ws.to_json("x").as_bytes())
        .unwrap_err();
    assert_eq!(refused, ImportError::OtherJson);
}

#[test]
fn an_archive_carries_the_plans_and_an_import_adds_and_merges_them() {
    use throughline::model::plan::Plan;

    let first = Device::new();
    let plan = Plan::new("Growth 2027–2029", 2027, 2029).unwrap();
    let plan = DocHandle::create(first.storage.clone(), &plan, "Create plan").unwrap();
    block_on(plan.save()).unwrap();
    let url = plan.id().url();
    first.edit(|ws| ws.list_plan(url.as_str(), 1));
    plan.change("Add a goal", |p: &mut Plan| p.add_goal("Grow in Europe"))
        .unwrap();
    let archive = |plan: &Handle| {
        let id = first.workspace.id();
        write_archive(
            id,
            &[
                (id, first.workspace.save_binary()),
                (plan.id(), plan.save_binary()),
            ],
            0,
        )
        .into_bytes()
    };

    // A fresh device takes the whole workspace, plan included.
    let second = Device::new();
    let outcome = second
        .import("acme.throughline.json", &archive(&plan))
        .unwrap();
    assert_eq!(outcome.added, 2);
    let second_workspace = block_on(second.repo.open(outcome.switched_to.unwrap()))
        .unwrap()
        .unwrap();
    let listed: Workspace = second_workspace.view().unwrap();
    assert_eq!(
        listed.plan_urls(),
        vec![throughline::model::DocumentUrl::from(url.clone())]
    );
    let their_plan = block_on(second.repo.open(plan.id())).unwrap().unwrap();
    let read: Plan = their_plan.view().unwrap();
    assert_eq!(read.goals.len(), 1);

    // Later edits on the first device merge into the second's copy of the plan.
    plan.change("Add a goal", |p: &mut Plan| p.add_goal("Operate well"))
        .unwrap();
    let outcome = block_on(second.repo.import(
        &second_workspace,
        read_import("acme.throughline.json", &archive(&plan)).unwrap(),
    ))
    .unwrap();
    assert_eq!(
        outcome.merged, 1,
        "the plan merged; the workspace had nothing new"
    );
    let merged: Plan = block_on(second.repo.open(plan.id()))
        .unwrap()
        .unwrap()
        .view()
        .unwrap();
    assert_eq!(merged.goals.len(), 2);
}
