//! What the relay counts, served at `/metrics` in Prometheus' text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a sync connection was turned away before its handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Token,
    TooManyConnections,
    TooManyFromAddress,
    /// A browser page from another origin.
    Origin,
    /// A device key proof that does not hold (or an old or reused challenge).
    Proof,
    /// A device removed from its workspace.
    Removed,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::Token => "token",
            Refusal::TooManyConnections => "connections",
            Refusal::TooManyFromAddress => "connections_per_address",
            Refusal::Origin => "origin",
            Refusal::Proof => "proof",
            Refusal::Removed => "removed",
        }
    }
}

/// Counters shared by every connection.
#[derive(Debug, Default)]
pub struct Metrics {
    pub connections_open: AtomicU64,
    pub connections_accepted: AtomicU64,
    refused_token: AtomicU64,
    refused_connections: AtomicU64,
    refused_per_address: AtomicU64,
    refused_origin: AtomicU64,
    refused_proof: AtomicU64,
    refused_removed: AtomicU64,
    /// Decisions that gave a peer nothing of a document it named.
    pub documents_refused: AtomicU64,
    /// Ephemeral messages a proven peer sent under another peer's id (dropped).
    pub ephemeral_dropped: AtomicU64,
    /// Connections closed because their device was removed while connected.
    pub revoked_closed: AtomicU64,
    /// Connections closed for sending faster than the quota.
    pub too_fast: AtomicU64,
    /// Messages refused (new documents, changes) because a workspace is over a quota.
    pub over_quota: AtomicU64,
    /// Changes dropped because their sender may only read the document.
    pub changes_refused: AtomicU64,
    pub messages_received: AtomicU64,
    pub bytes_received: AtomicU64,
    pub messages_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    /// Acknowledgements replaced by a later message before samod saw them.
    pub acknowledgements_coalesced: AtomicU64,
    /// Messages that were not binary sync frames (the connection is then closed).
    pub malformed: AtomicU64,
    /// Connections closed because the peer stopped answering.
    pub idle_closed: AtomicU64,
    /// Connections closed because they used more documents than one connection may.
    pub too_many_documents: AtomicU64,
    /// Connections closed for a message over the size limit.
    pub too_large: AtomicU64,
    /// Connections closed because the heads a message would report never reached disk.
    pub not_stored: AtomicU64,
    /// Document chunks that could not be written.
    pub write_failures: AtomicU64,
    pub documents_open: AtomicU64,
    /// Chunks another instance stored, applied to a document open here.
    pub chunks_from_instances: AtomicU64,
    pub documents_opened: AtomicU64,
    /// Documents dropped from memory, and how many times that was done.
    pub documents_unloaded: AtomicU64,
    pub recycled: AtomicU64,
}

impl Metrics {
    pub fn refused(&self, why: Refusal) {
        let counter = match why {
            Refusal::Token => &self.refused_token,
            Refusal::TooManyConnections => &self.refused_connections,
            Refusal::TooManyFromAddress => &self.refused_per_address,
            Refusal::Origin => &self.refused_origin,
            Refusal::Proof => &self.refused_proof,
            Refusal::Removed => &self.refused_removed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP throughline_{name} {help}");
            let _ = writeln!(out, "# TYPE throughline_{name} {kind}");
            let _ = writeln!(out, "throughline_{name} {value}");
        };
        metric(
            "connections_open",
            "gauge",
            "Sync connections open now.",
            get(&self.connections_open),
        );
        metric(
            "connections_accepted_total",
            "counter",
            "Sync connections accepted.",
            get(&self.connections_accepted),
        );
        metric(
            "messages_received_total",
            "counter",
            "Sync messages received.",
            get(&self.messages_received),
        );
        metric(
            "bytes_received_total",
            "counter",
            "Bytes of sync messages received.",
            get(&self.bytes_received),
        );
        metric(
            "messages_sent_total",
            "counter",
            "Sync messages sent.",
            get(&self.messages_sent),
        );
        metric(
            "bytes_sent_total",
            "counter",
            "Bytes of sync messages sent.",
            get(&self.bytes_sent),
        );
        metric(
            "acknowledgements_coalesced_total",
            "counter",
            "Acknowledgements of changes replaced by a later message before being handled.",
            get(&self.acknowledgements_coalesced),
        );
        metric(
            "documents_open",
            "gauge",
            "Documents loaded in memory now.",
            get(&self.documents_open),
        );
        metric(
            "documents_opened_total",
            "counter",
            "Documents loaded into memory.",
            get(&self.documents_opened),
        );
        metric(
            "chunks_from_instances_total",
            "counter",
            "Changes another relay instance stored (PostgreSQL), applied to a document open here.",
            get(&self.chunks_from_instances),
        );
        metric(
            "documents_unloaded_total",
            "counter",
            "Documents dropped from memory (they load again from disk when asked for).",
            get(&self.documents_unloaded),
        );
        metric(
            "unloads_total",
            "counter",
            "Times every document was dropped from memory.",
            get(&self.recycled),
        );
        metric(
            "documents_refused_total",
            "counter",
            "Decisions that gave a peer nothing of a document it named.",
            get(&self.documents_refused),
        );
        let _ = writeln!(
            out,
            "# HELP throughline_errors_total Connections refused or closed, by kind."
        );
        let _ = writeln!(out, "# TYPE throughline_errors_total counter");
        for (kind, value) in [
            (Refusal::Token.label(), get(&self.refused_token)),
            (
                Refusal::TooManyConnections.label(),
                get(&self.refused_connections),
            ),
            (
                Refusal::TooManyFromAddress.label(),
                get(&self.refused_per_address),
            ),
            (Refusal::Origin.label(), get(&self.refused_origin)),
            (Refusal::Proof.label(), get(&self.refused_proof)),
            (Refusal::Removed.label(), get(&self.refused_removed)),
            ("revoked", get(&self.revoked_closed)),
            ("message_rate", get(&self.too_fast)),
            ("workspace_quota", get(&self.over_quota)),
            (
                "changes_to_a_read_only_document",
                get(&self.changes_refused),
            ),
            ("ephemeral_under_another_id", get(&self.ephemeral_dropped)),
            ("malformed", get(&self.malformed)),
            ("idle", get(&self.idle_closed)),
            ("documents_per_connection", get(&self.too_many_documents)),
            ("message_size", get(&self.too_large)),
            ("not_stored", get(&self.not_stored)),
            ("storage_write", get(&self.write_failures)),
        ] {
            let _ = writeln!(out, "throughline_errors_total{{kind=\"{kind}\"}} {value}");
        }
        out
    }
}

/// Feeds samod's document events into the counters and the generation's open documents.
pub struct DocumentObserver {
    pub metrics: std::sync::Arc<Metrics>,
    pub open: std::sync::Arc<crate::memory::OpenDocuments>,
}

impl samod::RepoObserver for DocumentObserver {
    fn observe(&self, event: &samod::RepoEvent) {
        match event {
            samod::RepoEvent::DocumentOpened { document_id } => {
                self.metrics.documents_open.fetch_add(1, Ordering::Relaxed);
                self.metrics
                    .documents_opened
                    .fetch_add(1, Ordering::Relaxed);
                self.open.opened(document_id.to_string());
            }
            samod::RepoEvent::DocumentClosed { document_id } => {
                self.metrics.documents_open.fetch_sub(1, Ordering::Relaxed);
                self.open.closed(&document_id.to_string());
            }
            _ => {}
        }
    }
}
