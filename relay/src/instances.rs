//! Several relays on one PostgreSQL database: each takes in what the others store.
//!
//! A peer connected to instance 1 changes a document; instance 1 stores the change in
//! PostgreSQL, which announces it (`crate::postgres`). Every other instance that has the
//! document open reads the chunk and applies it to its copy; samod then sends the change
//! to that instance's peers, as if one of them had made it. The announcement is a hint,
//! the database the truth: after a lost listening connection every open document is read
//! again, and a document opened just after an announcement about it (which it may have
//! missed) is read again too.
//!
//! An instance applying another's chunk also stores it; the key is the same, so the row
//! is already there and nothing is announced again.
//!
//! ```ignore
//! let memory = instances::start(postgres, chunks, limits, &metrics, policy).await?;
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::durable::{key_of, Chunks};
use crate::memory::{Memory, MemoryLimits};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::postgres::{Heard, Postgres};

/// How long an announcement about a document that is not open is remembered, in case the
/// document is being opened at that moment (its load may have read the table before the
/// chunk was committed).
const REMEMBERED: Duration = Duration::from_secs(10);

/// Starts the documents in memory on `postgres`, listening for what other instances store.
pub async fn start(
    postgres: Arc<Postgres>,
    chunks: Chunks,
    limits: MemoryLimits,
    metrics: &Arc<Metrics>,
    policy: Policy,
) -> Result<Arc<Memory>, String> {
    let (heard_tx, heard) = tokio::sync::mpsc::unbounded_channel();
    let (opened_tx, opened) = tokio::sync::mpsc::unbounded_channel();
    // Listening before anything opens, so nothing stored from now on is missed.
    tokio::spawn(Arc::clone(&postgres).listen(heard_tx));
    let registry = Arc::clone(&policy.registry);
    let counting = Arc::clone(&postgres);
    tokio::spawn(async move {
        // What each workspace takes; in the background, so a database that is not up
        // yet does not keep the relay from answering (`/healthz` says so).
        let sizes = Chunks::Postgres(counting).sizes().await;
        registry.count(&sizes);
    });
    let memory =
        Memory::start(chunks, Some(opened_tx), limits, Arc::clone(metrics), policy).await?;
    tokio::spawn(follow(
        Arc::downgrade(&memory),
        postgres,
        heard,
        opened,
        Arc::clone(metrics),
    ));
    Ok(memory)
}

/// Applies what other instances store to the documents open here.
async fn follow(
    memory: Weak<Memory>,
    postgres: Arc<Postgres>,
    mut heard: UnboundedReceiver<Heard>,
    mut opened: UnboundedReceiver<String>,
    metrics: Arc<Metrics>,
) {
    let mut recent: HashMap<String, Instant> = HashMap::new();
    loop {
        let event = tokio::select! {
            heard = heard.recv() => match heard {
                Some(heard) => Event::Heard(heard),
                None => return,
            },
            Some(document) = opened.recv() => Event::Opened(document),
        };
        let Some(memory) = memory.upgrade() else {
            return;
        };
        let Some(generation) = memory.current().await else {
            continue;
        };
        match event {
            Event::Heard(Heard::Chunk { document, path }) => {
                if !generation.is_open(&document) {
                    let now = Instant::now();
                    recent.retain(|_, at| now.duration_since(*at) < REMEMBERED);
                    recent.insert(document, now);
                    continue;
                }
                let Some(bytes) = postgres.load(&path).await else {
                    // Deleted since (compacted into a snapshot, announced on its own).
                    continue;
                };
                apply(&generation, &document, vec![bytes], &metrics).await;
            }
            Event::Heard(Heard::Resumed) => {
                for document in generation.open_documents() {
                    read_again(&generation, &postgres, &document, &metrics).await;
                }
            }
            Event::Opened(document) => {
                let missed = recent
                    .remove(&document)
                    .is_some_and(|at| at.elapsed() < REMEMBERED);
                if missed {
                    read_again(&generation, &postgres, &document, &metrics).await;
                }
            }
        }
    }
}

enum Event {
    Heard(Heard),
    Opened(String),
}

/// Reads every chunk of `document` and applies them.
async fn read_again(
    generation: &crate::memory::Generation,
    postgres: &Postgres,
    document: &str,
    metrics: &Metrics,
) {
    let chunks = postgres.load_range(document).await;
    let chunks = chunks
        .into_iter()
        .filter(|(path, _)| key_of(path).is_some())
        .map(|(_, bytes)| bytes)
        .collect();
    apply(generation, document, chunks, metrics).await;
}

/// Applies chunks to the open `document`; samod sends what is new to its peers.
async fn apply(
    generation: &crate::memory::Generation,
    document: &str,
    chunks: Vec<Vec<u8>>,
    metrics: &Metrics,
) {
    let Some(handle) = generation.document(document).await else {
        return;
    };
    let applied = handle
        .with_document_async(move |doc| {
            let mut errors = Vec::new();
            for bytes in chunks {
                if let Err(error) = doc.load_incremental(&bytes) {
                    errors.push(error.to_string());
                }
            }
            errors
        })
        .await;
    match applied {
        Ok(errors) => {
            metrics
                .chunks_from_instances
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            for error in errors {
                tracing::error!(%document, %error, "a chunk another instance stored does not read; it is kept, not applied");
            }
        }
        Err(_) => {
            tracing::debug!(%document, "the document closed before another instance's chunk was applied")
        }
    }
}
