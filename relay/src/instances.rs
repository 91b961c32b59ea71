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
//! An instance applying another's chunk also stores what it learnt: an incremental
//! chunk under the same key (the row is there, nothing is announced again), or, from
//! another's snapshot, the changes it lacked, as chunks of its own.
//!
//! What each workspace takes (its quota) is counted alike on every instance: each counts
//! the chunks it adds and deletes, and the others' as they are announced; after a lost
//! listener it counts again from the database.
//!
//! The rules' log (owners, pinned roots, counted statements: `crate::rules_log`) is in
//! the database too: read before the instance takes its first peer, each line another
//! instance adds learnt when announced, all of it read again after a lost listener.
//! Ephemeral messages cross too (`crate::presence`).
//!
//! ```ignore
//! let (registry, memory, presence) = instances::start(postgres, quotas, limits, &metrics).await?;
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::durable::{key_of, Chunks};
use crate::memory::{Memory, MemoryLimits, Standing};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::postgres::{Heard, Postgres};
use crate::presence::Presence;
use crate::rules::Registry;
use crate::rules_log::{self, Line};

/// How often what each workspace takes is counted again from the database.
const RECOUNT_EVERY: Duration = Duration::from_secs(300);

/// How long an announcement about a document that is not open is remembered, in case the
/// document is being opened at that moment (its load may have read the table before the
/// chunk was committed).
const REMEMBERED: Duration = Duration::from_secs(10);

/// Starts the rules and the documents in memory on `postgres`, listening for what other
/// instances store.
pub async fn start(
    postgres: Arc<Postgres>,
    quotas: crate::quota::Quotas,
    limits: MemoryLimits,
    metrics: &Arc<Metrics>,
) -> Result<(Arc<Registry>, Arc<Memory>, Arc<Presence>), String> {
    let (heard_tx, heard) = tokio::sync::mpsc::unbounded_channel();
    let (opened_tx, opened) = tokio::sync::mpsc::unbounded_channel();
    // Listening before anything is read, so nothing stored from now on is missed.
    tokio::spawn(Arc::clone(&postgres).listen(heard_tx));
    let chunks = Chunks::Postgres(Arc::clone(&postgres));
    let (lines_tx, lines) = tokio::sync::mpsc::unbounded_channel();
    let registry = Registry::on_postgres(lines_tx, Arc::clone(&postgres), quotas, chunks.clone());
    let correcting = Arc::downgrade(&registry);
    tokio::spawn(rules_log::keep_in_postgres(
        Arc::clone(&postgres),
        lines,
        move |held| {
            if let Some(registry) = correcting.upgrade() {
                registry.correct(held);
            }
        },
    ));
    let reading = Arc::clone(&registry);
    let counting = Arc::clone(&postgres);
    let read = async move {
        if !learn_rules(&reading, &counting).await {
            return;
        }
        reading.ready();
        counting.set_ready();
        // From the database, which has what every instance wrote.
        reading.recount(&Chunks::Postgres(Arc::clone(&counting)).sizes().await);
        // A safety net: a chunk announced before its document's owner was learnt here
        // was not counted.
        let registry = Arc::downgrade(&reading);
        drop(reading);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RECOUNT_EVERY).await;
                let (Some(registry), Some(sizes)) = (registry.upgrade(), counting.sizes().await)
                else {
                    return;
                };
                registry.recount(&sizes);
            }
        });
    };
    if postgres.reachable() {
        // The database answers: the relay is ready when it has started (the rules read,
        // and listening, which a loaded machine may take a moment to set up).
        read.await;
        postgres.until_listening(Duration::from_secs(10)).await;
    } else {
        // In the background, so a database that is not up yet does not keep the relay
        // from answering `/healthz`; no peer is taken before it is done.
        tokio::spawn(read);
    }
    let policy = Policy {
        registry: Arc::clone(&registry),
        metrics: Arc::clone(metrics),
    };
    let memory = if postgres.reachable() {
        Memory::start(chunks, Some(opened_tx), limits, Arc::clone(metrics), policy).await?
    } else {
        Memory::start_later(chunks, Some(opened_tx), limits, Arc::clone(metrics), policy)
    };
    let presence = Presence::new(Some(Arc::clone(&postgres)), Arc::clone(&registry));
    tokio::spawn(follow(
        Arc::downgrade(&memory),
        Arc::downgrade(&registry),
        Arc::downgrade(&presence),
        postgres,
        heard,
        opened,
        Arc::clone(metrics),
    ));
    Ok((registry, memory, presence))
}

/// Learns every line of the rules' log; `false` when the relay stopped first.
async fn learn_rules(registry: &Registry, postgres: &Postgres) -> bool {
    let Some(lines) = postgres.rules_log().await else {
        return false;
    };
    for (kind, text) in lines {
        match Line::read(&kind, &text) {
            Some(line) => registry.learn(line),
            None => tracing::warn!(%kind, "a line of the rules' log cannot be read; it is skipped"),
        }
    }
    true
}

/// Applies what other instances store to the documents open here.
async fn follow(
    memory: Weak<Memory>,
    registry: Weak<Registry>,
    presence: Weak<Presence>,
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
        let (Some(memory), Some(registry)) = (memory.upgrade(), registry.upgrade()) else {
            return;
        };
        match &event {
            Event::Heard(Heard::Rule { seq }) => {
                if let Some(line) = postgres.rule(*seq).await {
                    if let Some(line) = Line::read(&line.0, &line.1) {
                        let workspace = match &line {
                            Line::Statement(kept) => kept.workspace.parse().ok(),
                            Line::Verdict(found) => found.workspace.parse().ok(),
                            Line::Owner(_) => None,
                        };
                        registry.learn(line);
                        // A statement that counted there counts here too, as does
                        // what it found of a held history.
                        if let Some(workspace) = workspace {
                            registry.recheck_workspace(&workspace).await;
                        }
                    }
                }
                continue;
            }
            Event::Heard(Heard::Resumed) => {
                learn_rules(&registry, &postgres).await;
                // What was announced meanwhile is not known: the rules followed here read
                // their workspaces again, and what each workspace takes is counted again.
                for workspace in registry.followed() {
                    let name = workspace.to_string();
                    for (_, bytes) in postgres.load_range(&name).await {
                        registry.written(&name, &bytes).await;
                    }
                }
                if let Some(sizes) = postgres.sizes().await {
                    registry.recount(&sizes);
                }
            }
            Event::Heard(Heard::Presence { document, bytes }) => {
                if let Some(presence) = presence.upgrade() {
                    presence.deliver(document, bytes);
                }
                continue;
            }
            _ => {}
        }
        let Some(generation) = memory.current().await else {
            continue;
        };
        match event {
            Event::Heard(Heard::Chunk {
                document,
                path,
                bytes,
            }) => {
                // What the workspace takes, as the other instance changed it.
                registry.stored(&document, bytes);
                if bytes < 0 {
                    continue;
                }
                // A workspace whose rules are followed here takes the change in whether or
                // not a peer here has it open (a removal must reach every instance).
                let follows = registry.follows(&document);
                let open = generation.is_open(&document);
                if !open {
                    let now = Instant::now();
                    recent.retain(|_, at| now.duration_since(*at) < REMEMBERED);
                    recent.insert(document.clone(), now);
                }
                if !open && !follows {
                    continue;
                }
                let Some(bytes) = postgres.load(&path).await else {
                    // Deleted since (compacted into a snapshot, announced on its own).
                    continue;
                };
                if follows {
                    registry.written(&document, &bytes).await;
                }
                if open {
                    apply(&generation, &postgres, &document, vec![bytes], &metrics).await;
                }
            }
            Event::Heard(Heard::Resumed) => {
                for document in generation.open_documents() {
                    read_again(&generation, &postgres, &document, &metrics).await;
                }
            }
            Event::Heard(Heard::Rule { .. } | Heard::Presence { .. }) => {}
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
    let chunks = stored_chunks(postgres, document).await;
    apply(generation, postgres, document, chunks, metrics).await;
}

/// Every chunk stored of `document`.
async fn stored_chunks(postgres: &Postgres, document: &str) -> Vec<Vec<u8>> {
    let chunks = postgres.load_range(document).await;
    chunks
        .into_iter()
        .filter(|(path, _)| key_of(path).is_some())
        .map(|(_, bytes)| bytes)
        .collect()
}

/// Applies chunks to the open `document`; samod sends what is new to its peers. A
/// document samod is still asking for (nothing was stored when it was opened) is offered
/// whole instead, through the generation's database peer.
async fn apply(
    generation: &crate::memory::Generation,
    postgres: &Postgres,
    document: &str,
    chunks: Vec<Vec<u8>>,
    metrics: &Metrics,
) {
    let handle = match generation.standing(document).await {
        Standing::Ready(handle) => handle,
        Standing::Asking => {
            generation.offer(document, stored_chunks(postgres, document).await);
            return;
        }
        Standing::Closed => return,
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
