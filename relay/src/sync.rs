//! `/sync`: automerge-repo v1 over WebSocket, served by samod (the Rust automerge-repo,
//! wire-compatible with the JavaScript one), storing documents under `<data dir>/documents`
//! in the layout of automerge-repo's Node.js filesystem adapter.
//!
//! Like the reference sync server it never announces documents: a peer gets only the
//! documents it asks for by id.

use std::path::Path;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;

/// The relay's sync peer.
#[derive(Clone)]
pub struct SyncService {
    repo: samod::Repo,
    acceptor: samod::AcceptorHandle,
    max_message_bytes: usize,
}

impl SyncService {
    /// Opens the document store under `data_dir` and starts accepting peers.
    pub async fn start(data_dir: &Path, max_message_bytes: usize) -> Result<Self, String> {
        let storage = samod::storage::TokioFilesystemStorage::new(data_dir.join("documents"));
        let repo = samod::Repo::build_tokio()
            .with_storage(storage)
            .with_share_policy(samod::ShareConfig::read_write().with_announce(false))
            .load()
            .await;
        let url = samod::Url::parse("ws://throughline-relay/sync").map_err(|e| e.to_string())?;
        let acceptor = repo
            .make_acceptor(url)
            .map_err(|_| "the sync service stopped while starting".to_owned())?;
        Ok(Self {
            repo,
            acceptor,
            max_message_bytes,
        })
    }

    /// Finishes what is in flight (storage writes included) and stops.
    pub async fn stop(&self) {
        self.repo.stop().await;
    }
}

/// Upgrades the request to a WebSocket and hands it to samod.
pub async fn sync_socket(State(sync): State<SyncService>, upgrade: WebSocketUpgrade) -> Response {
    let acceptor = sync.acceptor.clone();
    upgrade
        .max_message_size(sync.max_message_bytes)
        .max_frame_size(sync.max_message_bytes)
        .on_upgrade(move |socket| async move {
            if acceptor.accept_axum(socket, None).is_err() {
                tracing::warn!("a sync connection arrived while the relay was stopping");
            }
        })
}
