//! Documents in memory, bounded.
//!
//! samod keeps every document it has loaded until the repo stops, and it has no way to
//! unload one; even a stopped repo stays in memory while its tasks live. So the relay
//! runs samod in *generations*: each is a samod repo on a tokio runtime of its own, with
//! its own [`Ledger`]. Recycling a generation stops its repo (which finishes every
//! storage write), shuts its runtime down (which frees what the repo held), and starts a
//! fresh one that loads documents from disk again as peers ask for them.
//!
//! A generation is recycled when no peer has been connected for `unload_after` (the
//! quiet case: nobody notices), or when more than `max_documents` are in memory and the
//! last recycling is at least `unload_after` ago (connected peers are then disconnected;
//! they reconnect by themselves and sync only what changed). New connections wait while
//! a generation is replaced.
//!
//! ```ignore
//! let memory = Memory::start(chunks, None, limits, metrics, policy).await?;
//! let generation = memory.current().await; // accept a peer on it
//! ```

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::database_peer::DatabasePeer;
use crate::durable::{Chunks, DurableStorage, Ledger};
use crate::metrics::{DocumentObserver, Metrics};
use crate::policy::Policy;

/// When documents leave memory.
#[derive(Clone, Copy, Debug)]
pub struct MemoryLimits {
    /// Unload everything once no peer has been connected for this long.
    pub unload_after: Duration,
    /// Unload everything (disconnecting peers) when more documents than this are loaded.
    pub max_documents: usize,
}

/// One samod repo on its own runtime, and what is on disk for it.
pub struct Generation {
    repo: samod::Repo,
    pub acceptor: samod::AcceptorHandle,
    pub ledger: Arc<Ledger>,
    open: Arc<OpenDocuments>,
    /// On PostgreSQL: gives samod what other instances stored of a document it is still
    /// asking for.
    database_peer: Option<DatabasePeer>,
    runtime: tokio::runtime::Runtime,
}

/// Where a document stands in a generation, for applying what another instance stored.
pub enum Standing {
    /// Loaded: apply to its handle.
    Ready(samod::DocHandle),
    /// samod found nothing stored and is asking its peers (`DatabasePeer` ends that).
    Asking,
    /// Not open here (or closing).
    Closed,
}

/// Told the id of each document a generation opens (`crate::instances` reads again one
/// that another instance changed just before).
pub type Opened = Option<tokio::sync::mpsc::UnboundedSender<String>>;

/// The documents a generation has open, kept by its observer.
pub struct OpenDocuments {
    ids: std::sync::Mutex<std::collections::HashSet<String>>,
    opened: Opened,
}

impl OpenDocuments {
    fn ids(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn opened(&self, document: String) {
        if let Some(opened) = &self.opened {
            let _ = opened.send(document.clone());
        }
        self.ids().insert(document);
    }

    pub fn closed(&self, document: &str) {
        self.ids().remove(document);
    }

    fn contains(&self, document: &str) -> bool {
        self.ids().contains(document)
    }

    fn list(&self) -> Vec<String> {
        self.ids().iter().cloned().collect()
    }
}

impl Generation {
    async fn start(
        chunks: &Chunks,
        metrics: &Arc<Metrics>,
        policy: &Policy,
        opened: &Opened,
    ) -> Result<Generation, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("samod")
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start the sync runtime: {error}"))?;
        let ledger = Arc::new(Ledger::default());
        let storage = DurableStorage::new(chunks.clone(), Arc::clone(&ledger), Arc::clone(metrics))
            .telling(Arc::clone(&policy.registry));
        let open = Arc::new(OpenDocuments {
            ids: std::sync::Mutex::new(std::collections::HashSet::new()),
            opened: opened.clone(),
        });
        let repo = samod::Repo::builder(runtime.handle().clone())
            .with_storage(storage)
            .with_share_policy(policy.clone())
            .with_observer(DocumentObserver {
                metrics: Arc::clone(metrics),
                open: Arc::clone(&open),
            })
            .load()
            .await;
        let url = samod::Url::parse("ws://throughline-relay/sync").map_err(|e| e.to_string())?;
        let acceptor = repo
            .make_acceptor(url)
            .map_err(|_| "the sync service stopped while starting".to_owned())?;
        let database_peer = match chunks {
            Chunks::Postgres(_) => Some(DatabasePeer::connect(
                &acceptor,
                &repo.peer_id(),
                runtime.handle(),
            )?),
            Chunks::Files { .. } => None,
        };
        Ok(Generation {
            repo,
            acceptor,
            ledger,
            open,
            database_peer,
            runtime,
        })
    }

    /// The documents open in this generation.
    pub fn open_documents(&self) -> Vec<String> {
        self.open.list()
    }

    /// Whether `document` is open in this generation.
    pub fn is_open(&self, document: &str) -> bool {
        self.open.contains(document)
    }

    /// Where `document` stands here: waits while samod loads it (up to 30 s), not while
    /// it asks peers for it.
    pub async fn standing(&self, document: &str) -> Standing {
        if !self.is_open(document) {
            return Standing::Closed;
        }
        self.search(document).await
    }

    /// Opens `document` if it is not open, and waits until samod has loaded it (up to
    /// 30 s) or found nothing stored and asks its peers.
    pub async fn search(&self, document: &str) -> Standing {
        use futures_util::StreamExt;
        let Ok(id) = document.parse::<samod::DocumentId>() else {
            return Standing::Closed;
        };
        let Ok((mut state, mut updates)) = self.repo.search(id) else {
            return Standing::Closed;
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match state {
                samod::SearchState::Found(handle) => return Standing::Ready(handle),
                samod::SearchState::Requesting(_) => return Standing::Asking,
                samod::SearchState::Loading => {}
            }
            match tokio::time::timeout_at(deadline, updates.next()).await {
                Ok(Some(next)) => state = next,
                Ok(None) | Err(_) => return Standing::Closed,
            }
        }
    }

    /// Offers samod `document`, which it is asking for, as `chunks` (every chunk stored
    /// of it) make it.
    pub fn offer(&self, document: &str, chunks: Vec<Vec<u8>>) {
        if let Some(peer) = &self.database_peer {
            peer.offer(document, chunks);
        }
    }

    /// Closes every connection, lets the repo finish its writes, and frees its memory.
    async fn stop(self) {
        self.acceptor.close();
        self.repo.stop().await;
        let Generation {
            repo,
            acceptor,
            runtime,
            ..
        } = self;
        drop(acceptor);
        drop(repo);
        // Dropping the runtime's tasks is what releases the repo; this must not block
        // inside the relay's own runtime.
        runtime.shutdown_background();
    }
}

/// The current generation and the rules for replacing it.
pub struct Memory {
    current: tokio::sync::RwLock<Option<Arc<Generation>>>,
    /// Set once the relay stops: no generation is started after that.
    stopped: std::sync::atomic::AtomicBool,
    chunks: Chunks,
    opened: Opened,
    metrics: Arc<Metrics>,
    limits: MemoryLimits,
    policy: Policy,
}

impl Memory {
    pub async fn start(
        chunks: Chunks,
        opened: Opened,
        limits: MemoryLimits,
        metrics: Arc<Metrics>,
        policy: Policy,
    ) -> Result<Arc<Memory>, String> {
        let memory = Self::empty(chunks, opened, limits, metrics, policy);
        memory.begin().await?;
        Ok(memory)
    }

    /// As [`Memory::start`], but the first generation starts in the background: samod
    /// reads its storage id when it starts, and a database that does not answer yet would
    /// keep the relay from answering anything (`/healthz` included). Peers wait for it.
    pub fn start_later(
        chunks: Chunks,
        opened: Opened,
        limits: MemoryLimits,
        metrics: Arc<Metrics>,
        policy: Policy,
    ) -> Arc<Memory> {
        let memory = Self::empty(chunks, opened, limits, metrics, policy);
        let starting = Arc::clone(&memory);
        tokio::spawn(async move {
            if let Err(error) = starting.begin().await {
                tracing::error!(%error, "the sync service could not start; trying again");
                // The watch starts one when there is none.
                tokio::spawn(watch(Arc::downgrade(&starting)));
            }
        });
        memory
    }

    fn empty(
        chunks: Chunks,
        opened: Opened,
        limits: MemoryLimits,
        metrics: Arc<Metrics>,
        policy: Policy,
    ) -> Arc<Memory> {
        Arc::new(Memory {
            current: tokio::sync::RwLock::new(None),
            stopped: std::sync::atomic::AtomicBool::new(false),
            chunks,
            opened,
            metrics,
            limits,
            policy,
        })
    }

    /// Starts the first generation (peers wait meanwhile), then the watch that replaces
    /// it.
    async fn begin(self: &Arc<Self>) -> Result<(), String> {
        let mut current = self.current.write().await;
        let generation =
            Generation::start(&self.chunks, &self.metrics, &self.policy, &self.opened).await?;
        *current = Some(Arc::new(generation));
        drop(current);
        tokio::spawn(watch(Arc::downgrade(self)));
        Ok(())
    }

    /// The generation to accept a peer on; `None` once the relay is stopping.
    pub async fn current(&self) -> Option<Arc<Generation>> {
        self.current.read().await.clone()
    }

    /// Replaces the current generation with a fresh one (or starts one, when the last
    /// attempt failed and there is none).
    pub async fn recycle(&self, why: &str) -> Result<(), String> {
        let mut current = self.current.write().await;
        if self.stopped.load(Ordering::Relaxed) {
            return Ok(());
        }
        let loaded = self.metrics.documents_open.load(Ordering::Relaxed);
        if let Some(old) = current.take() {
            stop_when_unshared(old).await;
        }
        // Every document of the old generation is gone (whatever its observer said).
        self.metrics.documents_open.store(0, Ordering::Relaxed);
        let fresh =
            Generation::start(&self.chunks, &self.metrics, &self.policy, &self.opened).await;
        match fresh {
            Ok(fresh) => {
                *current = Some(Arc::new(fresh));
                self.metrics.recycled.fetch_add(1, Ordering::Relaxed);
                self.metrics
                    .documents_unloaded
                    .fetch_add(loaded, Ordering::Relaxed);
                tracing::info!(
                    documents = loaded,
                    reason = why,
                    "documents unloaded from memory"
                );
                Ok(())
            }
            Err(error) => {
                tracing::error!(%error, "the sync service could not start again");
                Err(error)
            }
        }
    }

    /// Stops the current generation for good (the relay is stopping).
    pub async fn stop(&self) {
        let mut current = self.current.write().await;
        self.stopped.store(true, Ordering::Relaxed);
        if let Some(old) = current.take() {
            stop_when_unshared(old).await;
        }
    }
}

/// Stops a generation once the connections holding it have let go (they end when its
/// acceptor closes); one still shared after a while is stopped through what is shared.
async fn stop_when_unshared(generation: Arc<Generation>) {
    generation.acceptor.close();
    let mut generation = generation;
    for _ in 0..100 {
        match Arc::try_unwrap(generation) {
            Ok(owned) => return owned.stop().await,
            Err(shared) => generation = shared,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Someone still holds it (a connection being set up): stop the repo anyway, so its
    // writes finish; its memory goes when the last holder lets go.
    generation.repo.stop().await;
}

/// Checks now and then whether the current generation should be replaced.
async fn watch(memory: std::sync::Weak<Memory>) {
    let every = {
        let Some(memory) = memory.upgrade() else {
            return;
        };
        (memory.limits.unload_after / 4).clamp(Duration::from_millis(50), Duration::from_secs(5))
    };
    let mut idle_since: Option<tokio::time::Instant> = None;
    let mut last_recycled = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(every).await;
        let Some(memory) = memory.upgrade() else {
            return;
        };
        if memory.stopped.load(Ordering::Relaxed) {
            return;
        }
        let now = tokio::time::Instant::now();
        let open = memory.metrics.connections_open.load(Ordering::Relaxed);
        let loaded = memory.metrics.documents_open.load(Ordering::Relaxed);
        let limits = memory.limits;
        let missing = memory.current.read().await.is_none();
        let reason = if missing {
            // The last start failed (logged): try again rather than refuse peers for good.
            Some("the sync service is starting again".to_owned())
        } else if open == 0 {
            let since = *idle_since.get_or_insert(now);
            (loaded > 0 && now - since >= limits.unload_after)
                .then(|| format!("no peer connected for {} s", limits.unload_after.as_secs()))
        } else {
            idle_since = None;
            (loaded > limits.max_documents as u64 && now - last_recycled >= limits.unload_after)
                .then(|| {
                    format!(
                        "{loaded} documents in memory, over {}",
                        limits.max_documents
                    )
                })
        };
        if let Some(reason) = reason {
            if memory.recycle(&reason).await.is_err() {
                continue;
            }
            last_recycled = tokio::time::Instant::now();
            idle_since = None;
        }
    }
}
