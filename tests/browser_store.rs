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

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A small deterministic generator, so a failing interleaving can be replayed by its seed.
struct Interleaving(u64);

impl Interleaving {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

async fn settled(handle: &DocHandle<Rc<IndexedDbStorage>>) {
    for _ in 0..200 {
        // This call writes what is pending; the status says whether the writes of other
        // calls still under way have completed too.
        let saved = handle.save().await;
        if saved.is_ok() && handle.status() == throughline::store::SaveStatus::Saved {
            return;
        }
        sleep(10).await;
    }
    panic!("the handle never settled");
}

#[wasm_bindgen_test]
async fn two_stores_writing_and_compacting_at_once_lose_nothing() {
    for seed in 1..=12u64 {
        let (name, first_storage) = fresh_database().await;
        let second_storage = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
        let first = Repo::new(first_storage).open_workspace().await.unwrap();
        let second = Repo::new(second_storage)
            .open(first.id())
            .await
            .unwrap()
            .unwrap();
        let mut random = Interleaving(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut expected = Vec::new();
        for step in 0..40 {
            let handle = if random.next() % 2 == 0 {
                &first
            } else {
                &second
            };
            let person = format!("Person {seed}-{step:02}");
            add(handle, &person);
            expected.push(person);
            match random.next() % 3 {
                // Wait for the write (and any compaction) to finish.
                0 => handle.save().await.unwrap(),
                // Start it and move on, so writes and compactions of both overlap.
                1 => {
                    let handle = handle.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = handle.save().await;
                    });
                }
                // Leave it for a later save.
                _ => {}
            }
            if random.next() % 4 == 0 {
                sleep((random.next() % 4) as i32).await;
            }
        }
        settled(&first).await;
        settled(&second).await;

        let reader = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
        let chunks = reader.load_range(&[first.id().to_string()]).await.unwrap();
        assert!(
            chunks.len() < expected.len(),
            "seed {seed}: compaction ran ({} chunks)",
            chunks.len()
        );
        let loaded = Repo::new(reader).open(first.id()).await.unwrap().unwrap();
        assert!(loaded.corrupt_chunks().is_empty(), "seed {seed}");
        let mut found = names(&loaded);
        found.sort();
        expected.sort();
        assert_eq!(
            found, expected,
            "seed {seed}: every edit of both stores is in the database"
        );
    }
}

/// Waits, without saving, until the handle reports every edit saved.
async fn shown_as_saved(handle: &DocHandle<Rc<IndexedDbStorage>>) {
    for _ in 0..400 {
        if handle.status() == throughline::store::SaveStatus::Saved {
            return;
        }
        sleep(5).await;
    }
    panic!("the handle was never shown as saved");
}

#[wasm_bindgen_test]
async fn what_is_shown_as_saved_is_in_the_database_even_across_compactions() {
    // As the app saves: every edit starts its own save and nobody waits for it; edits
    // keep coming while earlier writes and compactions are under way. Whenever the
    // status says "saved", a reload (a new connection) must find every edit.
    for seed in 1..=6u64 {
        let (name, storage) = fresh_database().await;
        let handle = Repo::new(storage).open_workspace().await.unwrap();
        let mut random = Interleaving(seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let mut expected = Vec::new();
        for burst in 0..12 {
            for step in 0..(1 + random.next() % 5) {
                let person = format!("Person {seed}-{burst:02}-{step}");
                add(&handle, &person);
                expected.push(person);
                let saving = handle.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = saving.save().await;
                });
                sleep((random.next() % 3) as i32).await;
            }
            shown_as_saved(&handle).await;
            let reader = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
            let reloaded = Repo::new(reader).open(handle.id()).await.unwrap().unwrap();
            let mut found = names(&reloaded);
            found.sort();
            let mut wanted = expected.clone();
            wanted.sort();
            assert_eq!(
                found, wanted,
                "seed {seed}, burst {burst}: saved means stored"
            );
        }
        let reader = Rc::new(IndexedDbStorage::open(&name).await.unwrap());
        let chunks = reader.load_range(&[handle.id().to_string()]).await.unwrap();
        assert!(
            chunks.len() < expected.len(),
            "seed {seed}: compaction ran ({} chunks)",
            chunks.len()
        );
    }
}
