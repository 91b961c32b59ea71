//! The store on in-memory storage: automerge-repo's key layout, saving, loading,
//! compaction, the workspace pointer, and damaged chunks.

mod common;
use common::block_on;

use std::rc::Rc;
use std::sync::Arc;

use throughline::model::{PersonDetails, PersonId, Workspace};
use throughline::store::{
    ChangeError, DocHandle, DocumentId, MemoryStorage, Repo, SaveStatus, Storage,
};

fn add<S: Storage>(handle: &DocHandle<S>, name: &str) -> PersonId {
    let id = PersonId::random();
    let details = PersonDetails {
        name: name.to_owned(),
        ..PersonDetails::default()
    };
    handle
        .change(&format!("Add {name}"), |ws: &mut Workspace| {
            ws.add_person(id.clone(), details)
        })
        .unwrap();
    id
}

fn names<S: Storage>(handle: &DocHandle<S>) -> Vec<String> {
    let ws: Workspace = handle.view().unwrap();
    ws.people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect()
}

type Tab = DocHandle<Rc<MemoryStorage>>;

/// One workspace open in two tabs on one storage, linked as the tab channel links them:
/// every chunk the first tab writes reaches the second.
fn two_tabs() -> (Rc<MemoryStorage>, Repo<Rc<MemoryStorage>>, Tab, Tab) {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let first = block_on(repo.open_workspace()).unwrap();
    let second = block_on(repo.open(first.id())).unwrap().unwrap();
    let receiver = second.clone();
    first.on_written(move |key, bytes| {
        assert!(receiver.apply_stored_chunk(key.clone(), bytes).unwrap());
    });
    (storage, repo, first, second)
}

#[test]
fn first_start_creates_and_keeps_one_workspace() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let first = block_on(repo.open_workspace()).unwrap();
    add(&first, "Ana");
    block_on(first.save()).unwrap();

    let again = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    assert_eq!(
        again.id(),
        first.id(),
        "the same workspace is found on the next start"
    );
    assert_eq!(names(&again), ["Ana"]);
}

#[test]
fn chunks_use_automerge_repo_keys() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    add(&handle, "Ana");
    block_on(handle.save()).unwrap();
    let id = handle.id().to_string();
    let chunk_keys: Vec<_> = storage.keys().into_iter().filter(|k| k[0] == id).collect();
    assert!(!chunk_keys.is_empty());
    for key in chunk_keys {
        assert_eq!(key.len(), 3, "{key:?}");
        assert!(key[1] == "snapshot" || key[1] == "incremental", "{key:?}");
        assert_eq!(key[2].len(), 64, "a SHA-256 in hex: {key:?}");
    }
}

#[test]
fn edits_are_unsaved_until_written_then_saved() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    assert_eq!(handle.status(), SaveStatus::Saved);
    add(&handle, "Ana");
    assert_eq!(handle.status(), SaveStatus::Unsaved);
    block_on(handle.save()).unwrap();
    assert_eq!(handle.status(), SaveStatus::Saved);
}

#[test]
fn two_handles_on_one_storage_read_each_others_chunks() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let first = block_on(repo.open_workspace()).unwrap();
    let second = block_on(repo.open(first.id())).unwrap().unwrap();
    add(&first, "Ana");
    add(&second, "Bo");
    block_on(first.save()).unwrap();
    block_on(second.save()).unwrap();
    let reopened = block_on(repo.open(first.id())).unwrap().unwrap();
    assert_eq!(names(&reopened), ["Ana", "Bo"]);
}

#[test]
fn compaction_deletes_only_chunks_it_loaded() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let first = block_on(repo.open_workspace()).unwrap();
    let second = block_on(repo.open(first.id())).unwrap().unwrap();
    // The second handle writes a chunk the first never loaded.
    add(&second, "Bo");
    block_on(second.save()).unwrap();
    // Enough edits on the first to outweigh its snapshot, so it compacts.
    for i in 0..20 {
        add(&first, &format!("Person {i}"));
        block_on(first.save()).unwrap();
    }
    let id = first.id().to_string();
    let snapshots = storage
        .keys()
        .into_iter()
        .filter(|k| k[0] == id && k[1] == "snapshot")
        .count();
    assert!(snapshots >= 1, "the first handle compacted");
    let reopened = block_on(repo.open(first.id())).unwrap().unwrap();
    let all = names(&reopened);
    assert_eq!(all.len(), 21);
    assert!(
        all.contains(&"Bo".to_owned()),
        "the other handle's chunk survived compaction"
    );
}

#[test]
fn a_corrupt_chunk_is_reported_and_kept_while_the_rest_loads() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let handle = block_on(repo.open_workspace()).unwrap();
    add(&handle, "Ana");
    block_on(handle.save()).unwrap();
    let id = handle.id();
    let damaged_key = vec![id.to_string(), "incremental".to_owned(), "f".repeat(64)];
    storage.overwrite(
        damaged_key.clone(),
        b"\x85\x6f\x4a\x83 not automerge at all".to_vec(),
    );

    let reopened = block_on(repo.open(id)).unwrap().unwrap();
    assert_eq!(names(&reopened), ["Ana"], "everything else loaded");
    assert_eq!(reopened.corrupt_chunks().len(), 1);
    assert_eq!(reopened.corrupt_chunks()[0].key, damaged_key);

    // Saving (and any compaction) leaves the damaged chunk where it was.
    for i in 0..20 {
        add(&reopened, &format!("Person {i}"));
        block_on(reopened.save()).unwrap();
    }
    assert!(
        block_on(storage.load(&damaged_key)).unwrap().is_some(),
        "the damaged chunk is kept"
    );
}

#[test]
fn a_missing_document_is_none() {
    let repo = Repo::new(Rc::new(MemoryStorage::new()));
    assert!(block_on(repo.open(DocumentId::random())).unwrap().is_none());
}

#[test]
fn a_refused_edit_changes_nothing() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage).open_workspace()).unwrap();
    let before = handle.save_binary();
    let refused = handle.change("Add nobody", |ws: &mut Workspace| {
        ws.add_person(PersonId::random(), PersonDetails::default())
    });
    assert!(refused.is_err());
    assert_eq!(handle.status(), SaveStatus::Saved);
    assert_eq!(handle.save_binary(), before);
}

#[test]
fn the_view_an_edit_makes_is_shared_with_the_page_not_copied_and_read_afresh_after_others_change_it(
) {
    let (_, _, first, second) = two_tabs();

    let (made, ()) = second
        .change_shared("Add Ana", |ws: &mut Workspace| {
            ws.add_person(
                PersonId::random(),
                PersonDetails {
                    name: "Ana".into(),
                    ..PersonDetails::default()
                },
            )
        })
        .unwrap();
    let current = second.current_shared::<Workspace>().unwrap();
    assert!(
        Arc::ptr_eq(&made, &current),
        "the page and the handle hold one view"
    );

    // A refused edit leaves the same view kept.
    assert!(matches!(
        second.change_shared("Add nobody", |ws: &mut Workspace| {
            ws.add_person(PersonId::random(), PersonDetails::default())
        }),
        Err(ChangeError::Refused(_))
    ));
    assert!(Arc::ptr_eq(
        &made,
        &second.current_shared::<Workspace>().unwrap()
    ));

    // Changes from elsewhere are read afresh, and the view shown before is left as it was.
    add(&first, "Bo");
    block_on(first.save()).unwrap();
    let after = second.current_shared::<Workspace>().unwrap();
    assert!(!Arc::ptr_eq(&made, &after));
    assert_eq!(made.people.len(), 1);
    assert_eq!(after.people.len(), 2);
}

#[test]
fn opening_a_document_writes_nothing() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let handle = block_on(repo.open_workspace()).unwrap();
    for i in 0..5 {
        add(&handle, &format!("Person {i}"));
        block_on(handle.save()).unwrap();
    }
    let before = storage.keys();
    let reopened = block_on(repo.open_workspace()).unwrap();
    assert_eq!(reopened.status(), SaveStatus::Saved);
    block_on(reopened.save()).unwrap();
    assert_eq!(storage.keys(), before);
}

#[test]
fn an_edit_after_opening_writes_only_itself() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let handle = block_on(repo.open_workspace()).unwrap();
    for i in 0..40 {
        add(&handle, &format!("Person {i:02}"));
    }
    block_on(handle.save()).unwrap();
    let before = storage.keys();
    let stored: usize = before
        .iter()
        .map(|key| block_on(storage.load(key)).unwrap().unwrap().len())
        .sum();

    let reopened = block_on(repo.open_workspace()).unwrap();
    add(&reopened, "One more");
    block_on(reopened.save()).unwrap();
    let written: Vec<_> = storage
        .keys()
        .into_iter()
        .filter(|key| !before.contains(key))
        .collect();
    assert_eq!(written.len(), 1, "one chunk for one edit");
    let chunk = block_on(storage.load(&written[0])).unwrap().unwrap();
    assert!(
        chunk.len() * 4 < stored,
        "the edit's chunk holds that change alone ({} bytes), not the {stored} bytes \
         of the document again",
        chunk.len()
    );
    let fresh = block_on(repo.open(handle.id())).unwrap().unwrap();
    assert_eq!(names(&fresh).len(), 41);
    assert!(names(&fresh).contains(&"One more".to_owned()));
}

#[test]
fn a_chunk_written_by_another_tab_is_applied_without_being_written_again() {
    let (storage, repo, first, second) = two_tabs();
    let refreshed = Rc::new(std::cell::Cell::new(0));
    let counter = refreshed.clone();
    second.on_changed_elsewhere(move || counter.set(counter.get() + 1));

    add(&first, "Ana");
    block_on(first.save()).unwrap();
    assert_eq!(names(&second), ["Ana"]);
    assert_eq!(refreshed.get(), 1, "the second tab is told to read again");

    let keys_before = storage.keys();
    block_on(second.save()).unwrap();
    assert_eq!(
        storage.keys(),
        keys_before,
        "the second tab does not write the chunk again"
    );
    assert_eq!(second.status(), SaveStatus::Saved);

    // Edits in the second tab still save and reach a fresh load.
    add(&second, "Bo");
    block_on(second.save()).unwrap();
    let fresh = block_on(repo.open(first.id())).unwrap().unwrap();
    assert_eq!(names(&fresh), ["Ana", "Bo"]);
}

#[test]
fn a_chunk_applied_twice_changes_nothing_the_second_time() {
    let storage = Rc::new(MemoryStorage::new());
    let repo = Repo::new(storage.clone());
    let first = block_on(repo.open_workspace()).unwrap();
    let second = block_on(repo.open(first.id())).unwrap().unwrap();
    let written = Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = written.clone();
    first.on_written(move |key, bytes| sink.borrow_mut().push((key.clone(), bytes.to_vec())));
    add(&first, "Ana");
    block_on(first.save()).unwrap();
    let (key, bytes) = written.borrow()[0].clone();
    assert!(second.apply_stored_chunk(key.clone(), &bytes).unwrap());
    assert!(!second.apply_stored_chunk(key, &bytes).unwrap());
    assert_eq!(names(&second), ["Ana"]);
}

/// Storage whose writes fail while `failing` is set, as a full disk would, and whose
/// snapshot writes (compaction) wait while `snapshots_held` is set, as a slow one would.
struct FlakyStorage {
    inner: Rc<MemoryStorage>,
    failing: std::cell::Cell<bool>,
    snapshots_held: std::cell::Cell<bool>,
}

impl Storage for FlakyStorage {
    async fn load(
        &self,
        key: &[String],
    ) -> Result<Option<Vec<u8>>, throughline::store::StorageError> {
        self.inner.load(key).await
    }
    async fn load_range(
        &self,
        prefix: &[String],
    ) -> Result<Vec<(Vec<String>, Vec<u8>)>, throughline::store::StorageError> {
        self.inner.load_range(prefix).await
    }
    async fn save(
        &self,
        key: Vec<String>,
        value: Vec<u8>,
    ) -> Result<(), throughline::store::StorageError> {
        if self.failing.get() {
            return Err(throughline::store::StorageError::QuotaExceeded);
        }
        if key.get(1).is_some_and(|kind| kind == "snapshot") {
            Released(self).await;
        }
        self.inner.save(key, value).await
    }
    async fn remove(&self, key: &[String]) -> Result<(), throughline::store::StorageError> {
        self.inner.remove(key).await
    }
}

#[test]
fn a_failed_write_is_reported_kept_in_memory_and_written_on_retry() {
    let storage = Rc::new(FlakyStorage {
        inner: Rc::new(MemoryStorage::new()),
        failing: std::cell::Cell::new(false),
        snapshots_held: std::cell::Cell::new(false),
    });
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    let statuses = Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = statuses.clone();
    handle.on_status(move |status| seen.borrow_mut().push(status.clone()));

    storage.failing.set(true);
    let id = PersonId::random();
    let details = PersonDetails {
        name: "Ana".into(),
        ..PersonDetails::default()
    };
    handle
        .change("Add Ana", |ws: &mut Workspace| {
            ws.add_person(id.clone(), details)
        })
        .unwrap();
    assert_eq!(
        block_on(handle.save()),
        Err(throughline::store::StorageError::QuotaExceeded)
    );
    assert_eq!(
        handle.status(),
        SaveStatus::Failed(throughline::store::StorageError::QuotaExceeded)
    );
    let ws: Workspace = handle.view().unwrap();
    assert!(ws.person(&id).is_some(), "the edit stays in memory");

    storage.failing.set(false);
    block_on(handle.save()).unwrap();
    assert_eq!(handle.status(), SaveStatus::Saved);
    assert_eq!(
        *statuses.borrow(),
        [
            SaveStatus::Unsaved,
            SaveStatus::Failed(throughline::store::StorageError::QuotaExceeded),
            SaveStatus::Saved
        ]
    );
    let reopened = block_on(Repo::new(storage.clone()).open(handle.id()))
        .unwrap()
        .unwrap();
    let ws: Workspace = reopened.view().unwrap();
    assert!(
        ws.person(&id).is_some(),
        "the retried write reached storage"
    );
}

#[test]
fn references_to_people_can_be_changed_cleared_and_removed_in_the_document() {
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    let (ana, bo) = (add(&handle, "Ana"), add(&handle, "Bo"));
    let cy = PersonId::random();
    let reports_to = |manager: Option<PersonId>| PersonDetails {
        name: "Cy".into(),
        manager,
        ..PersonDetails::default()
    };
    let details = reports_to(Some(ana.clone()));
    handle
        .change("Add Cy", |ws: &mut Workspace| {
            ws.add_person(cy.clone(), details)
        })
        .unwrap();
    for manager in [Some(bo.clone()), None, Some(ana.clone())] {
        let details = reports_to(manager.clone());
        handle
            .change("Edit Cy", |ws: &mut Workspace| {
                ws.update_person(&cy, details)
            })
            .unwrap();
        let ws: Workspace = handle.view().unwrap();
        assert_eq!(ws.person(&cy).unwrap().manager, manager);
    }
    handle
        .change("Remove Ana", |ws: &mut Workspace| ws.remove_person(&ana))
        .unwrap();
    block_on(handle.save()).unwrap();
    let reopened = block_on(Repo::new(storage).open(handle.id()))
        .unwrap()
        .unwrap();
    let ws: Workspace = reopened.view().unwrap();
    assert_eq!(ws.person(&cy).unwrap().manager, None);
    assert!(ws.person(&ana).is_none());
}

#[test]
fn edits_written_piece_by_piece_leave_the_document_as_the_model_says() {
    use throughline::model::{TeamDetails, TeamId};
    let storage = Rc::new(MemoryStorage::new());
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    let mut expected = Workspace::new("");
    let mut apply = |message: &str, edit: &dyn Fn(&mut Workspace)| {
        handle
            .change(message, |ws: &mut Workspace| {
                edit(ws);
                Ok::<(), ()>(())
            })
            .unwrap();
        edit(&mut expected);
        let stored: Workspace = handle.view().unwrap();
        assert_eq!(stored, expected, "after {message}");
    };
    let (ana, bo, team) = (PersonId::random(), PersonId::random(), TeamId::random());
    let details = |name: &str| PersonDetails {
        name: name.into(),
        ..PersonDetails::default()
    };
    apply("name", &|ws| ws.rename("Acme").unwrap());
    apply("about", &|ws| ws.set_about("We make tools."));
    apply("about again", &|ws| ws.set_about("We make good tools."));
    apply("add Ana", &|ws| {
        ws.add_person(ana.clone(), details("Ana")).unwrap()
    });
    apply("add Bo", &|ws| {
        ws.add_person(bo.clone(), details("Bo")).unwrap()
    });
    apply("team", &|ws| {
        ws.add_team(
            team.clone(),
            TeamDetails {
                name: "Ops".into(),
                lead: Some(ana.clone()),
            },
        )
        .unwrap()
    });
    apply("Bo's manager", &|ws| {
        ws.update_person(
            &bo,
            PersonDetails {
                manager: Some(ana.clone()),
                team: Some(team.clone()),
                ..details("Bo")
            },
        )
        .unwrap()
    });
    apply("about a third time", &|ws| {
        ws.set_about("We make good tools for farms.")
    });
    apply("remove Ana", &|ws| {
        ws.remove_person(&ana).unwrap();
    });
    apply("remove team", &|ws| {
        ws.remove_team(&team).unwrap();
    });
    block_on(handle.save()).unwrap();
    let reopened = block_on(Repo::new(storage).open(handle.id()))
        .unwrap()
        .unwrap();
    assert_eq!(reopened.view::<Workspace>().unwrap(), expected);
}

/// Ready once the storage no longer holds snapshot writes.
struct Released<'a>(&'a FlakyStorage);

impl std::future::Future for Released<'_> {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.0.snapshots_held.get() {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    }
}

#[test]
fn an_edit_made_while_a_compaction_runs_is_written_at_once() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    let storage = Rc::new(FlakyStorage {
        inner: Rc::new(MemoryStorage::new()),
        failing: std::cell::Cell::new(false),
        snapshots_held: std::cell::Cell::new(false),
    });
    let handle = block_on(Repo::new(storage.clone()).open_workspace()).unwrap();
    storage.snapshots_held.set(true);
    // Edits saved one by one until a save starts compacting and waits on the disk.
    let mut context = Context::from_waker(Waker::noop());
    let mut compacting = None;
    for i in 0..200 {
        add(&handle, &format!("Person {i}"));
        let mut save = Box::pin(handle.save());
        match save.as_mut().poll(&mut context) {
            Poll::Ready(result) => result.unwrap(),
            Poll::Pending => {
                compacting = Some(save);
                break;
            }
        }
    }
    let mut compacting = compacting.expect("a save compacted");

    // A keystroke while the snapshot is being written: its own write does not wait.
    add(&handle, "Late");
    block_on(handle.save()).unwrap();
    let on_disk = block_on(DocHandle::load(storage.inner.clone(), handle.id()))
        .unwrap()
        .unwrap();
    assert!(
        names(&on_disk).contains(&"Late".to_owned()),
        "the edit reached storage while the compaction still ran"
    );
    assert_eq!(
        handle.status(),
        SaveStatus::Unsaved,
        "not shown as saved while the compaction's write is under way"
    );

    storage.snapshots_held.set(false);
    assert!(matches!(
        compacting.as_mut().poll(&mut context),
        Poll::Ready(Ok(()))
    ));
    assert_eq!(handle.status(), SaveStatus::Saved);
    let id = handle.id().to_string();
    assert!(
        storage
            .inner
            .keys()
            .iter()
            .any(|k| k[0] == id && k[1] == "snapshot"),
        "the compaction wrote its snapshot"
    );
    let reopened = block_on(DocHandle::load(storage.inner.clone(), handle.id()))
        .unwrap()
        .unwrap();
    assert_eq!(
        names(&reopened),
        names(&handle),
        "the compaction kept the edit made while it ran"
    );
}

#[test]
fn one_field_of_a_plan_or_a_review_reads_as_the_whole_document_says() {
    use throughline::model::plan::{Plan, PlanStatus, PlanStatusOnly};
    use throughline::model::review::{Review, Stage, StageOnly};
    let storage = Rc::new(MemoryStorage::new());
    let mut plan = Plan::new("Growth", 2027, 2029).unwrap();
    plan.set_status(PlanStatus::InReview).unwrap();
    let handle = DocHandle::create(storage.clone(), &plan, "Create plan").unwrap();
    assert_eq!(
        handle.view::<PlanStatusOnly>().unwrap(),
        PlanStatusOnly {
            status: PlanStatus::InReview
        }
    );
    let review = Review {
        stage: Stage::Shared,
        ..Review::default()
    };
    let handle = DocHandle::create(storage, &review, "Start review").unwrap();
    assert_eq!(
        handle.view::<StageOnly>().unwrap(),
        StageOnly {
            stage: Stage::Shared
        }
    );
}
