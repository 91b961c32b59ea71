//! samod's `SharePolicy` for the relay: for each (document, peer) a stream of decisions
//! from [`Registry`], a new one whenever the workspace's rules change (a device removed,
//! a review listed, a manager changed) or the document gets an owner. samod applies each
//! to the peer's connections at once: a peer that may no longer read a document stops
//! getting it, and its requests are answered `doc-unavailable` (which says nothing of
//! whether the document exists).
//!
//! A decision is never announced (`announce` off): like the reference sync server, the
//! relay sends a document only to a peer that asks for it.

use std::sync::Arc;

use futures_util::Stream;
use samod::ShareConfig;
use throughline::model::DocumentId;
use tokio::sync::watch;

use crate::clock::now_ms;
use crate::metrics::Metrics;
use crate::rules::{Decision, Registry, Rules};

/// The relay's share policy.
#[derive(Clone)]
pub struct Policy {
    pub registry: Arc<Registry>,
    pub metrics: Arc<Metrics>,
}

/// What a decision stream waits on next.
enum Waiting {
    /// Nothing decided yet.
    Start,
    /// The document has no owner: decided again when one is recorded.
    Owner(watch::Receiver<u64>),
    /// Decided for good (the relay's own database peer).
    Never,
    /// The document is its workspace's: decided again when the rules change, or when
    /// another instance's record of an owner replaces one noted here.
    Rules(
        DocumentId,
        watch::Receiver<Arc<Rules>>,
        watch::Receiver<u64>,
    ),
}

impl samod::SharePolicy for Policy {
    fn share(
        &self,
        document: samod::DocumentId,
        peer: samod::PeerId,
    ) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let policy = self.clone();
        let peer = peer.as_str().to_owned();
        let document: Option<DocumentId> = document.to_string().parse().ok();
        futures_util::stream::unfold(Waiting::Start, move |waiting| {
            let policy = policy.clone();
            let peer = peer.clone();
            async move {
                let document = document?;
                let mut waiting = waiting;
                match &mut waiting {
                    Waiting::Start => {}
                    Waiting::Owner(owners) => owners.changed().await.ok()?,
                    Waiting::Never => futures_util::future::pending::<()>().await,
                    Waiting::Rules(_, rules, corrected) => tokio::select! {
                        changed = rules.changed() => changed.ok()?,
                        changed = corrected.changed() => changed.ok()?,
                    },
                }
                let (decision, next) = policy.decide(&document, &peer, waiting).await;
                Some((config(decision, &policy.metrics), next))
            }
        })
    }
}

impl Policy {
    /// Decides for `peer` on `document`, and says what to wait on before deciding again.
    async fn decide(
        &self,
        document: &DocumentId,
        peer: &str,
        waiting: Waiting,
    ) -> (Decision, Waiting) {
        if crate::database_peer::is_database_peer(peer) {
            // The relay's own peer, offering what another instance stored (and admitted);
            // no client may join under its prefix. Nothing is announced to it.
            return (Decision::ReadWrite, Waiting::Never);
        }
        if let Some(granted) = self.registry.granted(peer) {
            // A program: only the documents its grant names, of its workspace.
            let Some(owner) = self.registry.owner(document) else {
                let owners = match waiting {
                    Waiting::Owner(owners) => owners,
                    _ => self.registry.watch_owners(),
                };
                return (Decision::None, Waiting::Owner(owners));
            };
            let rules = match waiting {
                Waiting::Rules(workspace, rules, _) if workspace == owner.workspace => rules,
                _ => self.registry.rules(&owner.workspace).await,
            };
            let decision =
                rules
                    .borrow()
                    .decide_granted(&owner.workspace, document, &granted, now_ms());
            let corrected = self.registry.watch_corrections();
            return (decision, Waiting::Rules(owner.workspace, rules, corrected));
        }
        let session = self.registry.session(peer);
        // Subscribed before the owner is read, so a correction meanwhile is not missed.
        let corrected = self.registry.watch_corrections();
        let Some(owner) = self.registry.owner(document) else {
            // Nobody proven has named it yet (the relay records who does before samod
            // sees the message): a proven peer waits for that; a peer that proves no key
            // syncs it as before, until it is somebody's.
            let owners = match waiting {
                Waiting::Owner(owners) => owners,
                _ => self.registry.watch_owners(),
            };
            let decision = match session {
                Some(_) => Decision::None,
                None => Decision::ReadWrite,
            };
            return (decision, Waiting::Owner(owners));
        };
        let first = matches!(waiting, Waiting::Start);
        let rules = match waiting {
            Waiting::Rules(workspace, rules, _) if workspace == owner.workspace => rules,
            _ => self.registry.rules(&owner.workspace).await,
        };
        let decide = || {
            rules.borrow().decide(
                &owner.workspace,
                document,
                owner.device.as_ref(),
                session.as_ref(),
                now_ms(),
            )
        };
        // Asked before deciding: a verdict reached in between is then in the rules read.
        let awaited = first && self.registry.awaits_verdict(document);
        let mut decision = decide();
        if awaited
            && decision == Decision::None
            && rules.borrow().refused_only_while_held_back(
                &owner.workspace,
                document,
                owner.device.as_ref(),
                session.as_ref(),
                now_ms(),
            )
        {
            // Held back while its history is checked (`crate::held_history`): a request
            // refused now would be told the document is unavailable, and the member's
            // device would ask again only at the workspace's next change. The first
            // decision waits for the verdict instead (samod holds the peer's messages
            // for this document meanwhile), then follows the rules as they are.
            self.registry.wait_for_verdict(document).await;
            decision = decide();
        }
        (decision, Waiting::Rules(owner.workspace, rules, corrected))
    }
}

fn config(decision: Decision, metrics: &Metrics) -> ShareConfig {
    match decision {
        Decision::None => {
            metrics
                .documents_refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            ShareConfig::none()
        }
        // Read-only is enforced by the connection, which drops the peer's changes to such
        // a document before samod sees them (`Registry::refuses_changes`), so one rule
        // serves devices, programs and workspaces over quota alike.
        Decision::ReadOnly => ShareConfig::read_write().with_announce(false),
        Decision::ReadWrite => ShareConfig::read_write().with_announce(false),
    }
}
