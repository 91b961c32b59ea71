//! The IndexedDB store in a real Chromium: saving and loading, two connections sharing
//! one database, and a damaged chunk that is reported and kept.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use throughline::model::{PersonDetails, PersonId, Workspace};
use throughline::store::{DocHandle, IndexedDbStorage, Repo, Storage};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A database of its own per test, so tests never see each other's documents.
async fn fresh_database() -> (String, Rc<IndexedDbStorage>) {
    let name = format!("throughline-test-{}", PersonId::random());
    let storage = IndexedDbStorage::open(&name)
        .await
        .expect("IndexedDB opens in Chromium");
    (name, Rc::new(storage))
}

fn add(handle: &DocHandle<Rc<IndexedDbStorage>>, name: &str) {
    let details = PersonDetails {
        name: name.to_owned(),
        ..PersonDetails::default()
    };
    handle
        .change("Add", |ws: &mut Workspace| {
            ws.add_person(PersonId::random(), details)
        })
        .expect("the edit is valid");
}

fn names(handle: &DocHandle<Rc<IndexedDbStorage>>) -> Vec<String> {
    let ws: Workspace = handle.view().expect("a workspace");
    ws.people_by_name()
        .into_iter()
        .map(|(_, p)| p.name.clone())
        .collect()
}

#[wasm_bindgen_test]
async fn a_saved_document_loads_again_from_a_new_connection() {
    let (name, storage) = fresh_database().await;
    let handle = Repo::new(storage.clone()).open_workspace().await.unwrap();
    add(&handle, "Ana");
    handle.save().await.unwrap();

    let reopened = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
    let repo = Repo::new(reopened.clone());
    assert_eq!(repo.workspace_id().await.unwrap(), Some(handle.id()));
    let loaded = repo.open_workspace().await.unwrap();
    assert_eq!(names(&loaded), ["Ana"]);

    // automerge-repo's layout: [docId, "snapshot"|"incremental", hash] keys.
    let chunks = reopened
        .load_range(&[handle.id().to_string()])
        .await
        .unwrap();
    assert!(!chunks.is_empty());
    assert!(chunks
        .iter()
        .all(|(key, _)| key.len() == 3 && (key[1] == "snapshot" || key[1] == "incremental")));
}

#[wasm_bindgen_test]
async fn chunks_written_by_one_store_are_read_by_another() {
    let (name, first_storage) = fresh_database().await;
    let second_storage = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
    let first = Repo::new(first_storage.clone())
        .open_workspace()
        .await
        .unwrap();
    let second = Repo::new(second_storage.clone())
        .open(first.id())
        .await
        .unwrap()
        .unwrap();
    add(&first, "Ana");
    add(&second, "Bo");
    first.save().await.unwrap();
    second.save().await.unwrap();

    let from_first = Repo::new(first_storage)
        .open(first.id())
        .await
        .unwrap()
        .unwrap();
    let from_second = Repo::new(second_storage)
        .open(first.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(names(&from_first), ["Ana", "Bo"]);
    assert_eq!(names(&from_second), ["Ana", "Bo"]);
}

#[wasm_bindgen_test]
async fn a_corrupt_chunk_is_reported_and_kept_while_the_rest_loads() {
    let (_, storage) = fresh_database().await;
    let handle = Repo::new(storage.clone()).open_workspace().await.unwrap();
    add(&handle, "Ana");
    handle.save().await.unwrap();
    let damaged = vec![
        handle.id().to_string(),
        "incremental".to_owned(),
        "0".repeat(64),
    ];
    storage
        .save(damaged.clone(), vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3])
        .await
        .unwrap();

    let loaded = Repo::new(storage.clone())
        .open(handle.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(names(&loaded), ["Ana"]);
    assert_eq!(loaded.corrupt_chunks().len(), 1);
    assert_eq!(loaded.corrupt_chunks()[0].key, damaged);
    add(&loaded, "Bo");
    loaded.save().await.unwrap();
    assert!(
        storage.load(&damaged).await.unwrap().is_some(),
        "never deleted"
    );
}
