//! A peer's acknowledgements, coalesced before samod sees them.
//!
//! A peer that receives changes answers with a `sync` message that carries none: only its
//! new heads and a summary of what it has (an acknowledgement). samod handles every
//! message it receives by generating sync for every peer of that document, so on a
//! document with `n` editors each change costs about `n²` generations, nearly all of them
//! for acknowledgements that change nothing for anyone else. With 50 editors that
//! saturates the relay and latency grows to seconds.
//!
//! So the relay holds a peer's acknowledgement for a document for up to a short delay.
//! A later acknowledgement for the same document replaces it (its heads and summary
//! supersede the earlier ones: a peer's heads only grow), a `sync` message carrying
//! changes or a request for it supersedes it too, and any other message for that
//! document sends it first, so each document's messages keep their order. Nothing waits
//! for an acknowledgement: the relay sends new changes whether or not the last ones were
//! acknowledged, so holding one delays no edit; it only lets samod learn a peer's heads a
//! moment later.
//!
//! Only an answer to changes is held. The connection notes, per document, whether the
//! relay's last `sync` message to the peer carried changes (`Inbound::sent`). A message
//! that carries nothing but opens a sync, or answers the relay's heads and summary, is
//! one the relay waits for before it can go on, so it passes at once.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use throughline_relay::acknowledgements::{Acknowledgements, Kind};
//! let mut held = Acknowledgements::new(Duration::from_millis(100));
//! let now = Instant::now();
//! assert!(held.take(b"ack 1".to_vec(), Kind::Acknowledgement("d".into()), now).is_empty());
//! assert!(held.take(b"ack 2".to_vec(), Kind::Acknowledgement("d".into()), now).is_empty());
//! assert_eq!(held.due(now + Duration::from_millis(100)), vec![b"ack 2".to_vec()]);
//! ```

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};

use crate::metrics::Metrics;

/// What a checked message is, as far as coalescing goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A `sync` message for this document answering one from the relay that carried
    /// changes, with no changes, no request for changes and no reset of its own: heads
    /// and a summary only.
    Acknowledgement(String),
    /// Any other `sync` message for this document, or a `request` for it.
    Sync(String),
    /// Anything else, for a document or none (the handshake, ephemeral messages…).
    Other(Option<String>),
}

/// One connection's held acknowledgements, at most one per document.
pub struct Acknowledgements {
    delay: Duration,
    /// Document, when its acknowledgement is due, the acknowledgement.
    held: Vec<(String, Instant, Vec<u8>)>,
    /// Acknowledgements replaced or superseded so far (never passed on).
    coalesced: u64,
}

impl Acknowledgements {
    /// Holds acknowledgements for up to `delay` (zero passes every one at once).
    pub fn new(delay: Duration) -> Self {
        Self {
            delay,
            held: Vec::new(),
            coalesced: 0,
        }
    }

    /// How many acknowledgements were replaced or superseded, never to be passed on.
    pub fn coalesced(&self) -> u64 {
        self.coalesced
    }

    /// Takes the next message from the peer; returns what to pass on now, in order.
    pub fn take(&mut self, message: Vec<u8>, kind: Kind, now: Instant) -> Vec<Vec<u8>> {
        match kind {
            Kind::Acknowledgement(_) if self.delay.is_zero() => vec![message],
            Kind::Acknowledgement(document) => {
                match self.held.iter_mut().find(|(d, _, _)| *d == document) {
                    // Keeps the first one's due time, so none waits longer than the delay.
                    Some((_, _, held)) => {
                        *held = message;
                        self.coalesced += 1;
                    }
                    None => self.held.push((document, now + self.delay, message)),
                }
                Vec::new()
            }
            Kind::Sync(document) => {
                let before = self.held.len();
                self.held.retain(|(d, _, _)| *d != document);
                self.coalesced += (before - self.held.len()) as u64;
                vec![message]
            }
            Kind::Other(Some(document)) => {
                let mut out = self.release(|(d, _, _)| *d == document);
                out.push(message);
                out
            }
            Kind::Other(None) => vec![message],
        }
    }

    /// When the next held acknowledgement is due.
    pub fn next_due(&self) -> Option<Instant> {
        self.held.iter().map(|(_, due, _)| *due).min()
    }

    /// The acknowledgements due by `now`, to pass on.
    pub fn due(&mut self, now: Instant) -> Vec<Vec<u8>> {
        self.release(|(_, due, _)| *due <= now)
    }

    /// Every held acknowledgement (the peer's stream has ended).
    pub fn release_all(&mut self) -> Vec<Vec<u8>> {
        self.release(|_| true)
    }

    fn release(&mut self, which: impl Fn(&(String, Instant, Vec<u8>)) -> bool) -> Vec<Vec<u8>> {
        let (out, kept) = std::mem::take(&mut self.held)
            .into_iter()
            .partition::<Vec<_>, _>(|held| which(held));
        self.held = kept;
        out.into_iter().map(|(_, _, message)| message).collect()
    }
}

/// Whether a decoded `sync` message carries nothing but heads and a summary: no changes,
/// no request for changes, no reset.
pub fn carries_nothing_new(message: &automerge::sync::Message) -> bool {
    message.changes.is_empty()
        && message.need.is_empty()
        && !message
            .flags
            .is_some_and(|flags| flags.contains(automerge::sync::MessageFlags::SYNC_RESET))
}

/// Passes a peer's checked messages on to samod, holding its acknowledgements for up to
/// `delay` so that a later one replaces them (see the module documentation).
pub fn coalesce(
    messages: impl Stream<Item = std::io::Result<(Vec<u8>, Kind)>> + Send + Unpin,
    delay: Duration,
    metrics: Arc<Metrics>,
) -> impl Stream<Item = std::io::Result<Vec<u8>>> + Send {
    struct Coalescing<S> {
        /// `None` once the peer's stream has ended.
        messages: Option<S>,
        held: Acknowledgements,
        ready: VecDeque<std::io::Result<Vec<u8>>>,
    }
    let start = Coalescing {
        messages: Some(messages),
        held: Acknowledgements::new(delay),
        ready: VecDeque::new(),
    };
    futures_util::stream::unfold(start, move |mut state| {
        let metrics = Arc::clone(&metrics);
        async move {
            loop {
                if let Some(next) = state.ready.pop_front() {
                    return Some((next, state));
                }
                let messages = state.messages.as_mut()?;
                let due = state.held.next_due();
                let wake =
                    due.map_or_else(tokio::time::Instant::now, tokio::time::Instant::from_std);
                tokio::select! {
                    next = messages.next() => match next {
                        Some(Ok((bytes, kind))) => {
                            let now = Instant::now();
                            let before = state.held.coalesced();
                            state.ready.extend(state.held.take(bytes, kind, now).into_iter().map(Ok));
                            metrics
                                .acknowledgements_coalesced
                                .fetch_add(state.held.coalesced() - before, Ordering::Relaxed);
                        }
                        // The connection ends with this error; what is held no longer matters.
                        Some(Err(error)) => state.ready.push_back(Err(error)),
                        None => {
                            state.ready.extend(state.held.release_all().into_iter().map(Ok));
                            state.messages = None;
                        }
                    },
                    _ = tokio::time::sleep_until(wake), if due.is_some() => {
                        let now = Instant::now();
                        state.ready.extend(state.held.due(now).into_iter().map(Ok));
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{Acknowledgements, Kind};
    use std::time::{Duration, Instant};

    fn ack(document: &str) -> Kind {
        Kind::Acknowledgement(document.into())
    }

    #[test]
    fn a_later_acknowledgement_replaces_the_held_one_and_keeps_its_due_time() {
        let delay = Duration::from_millis(100);
        let mut held = Acknowledgements::new(delay);
        let start = Instant::now();
        assert!(held.take(b"a1".to_vec(), ack("a"), start).is_empty());
        let later = start + Duration::from_millis(60);
        assert!(held.take(b"a2".to_vec(), ack("a"), later).is_empty());
        assert!(held.take(b"b1".to_vec(), ack("b"), later).is_empty());
        assert_eq!(held.next_due(), Some(start + delay));
        assert!(held.due(start + Duration::from_millis(99)).is_empty());
        assert_eq!(held.due(start + delay), vec![b"a2".to_vec()]);
        assert_eq!(held.next_due(), Some(later + delay));
        assert_eq!(held.release_all(), vec![b"b1".to_vec()]);
        assert_eq!(held.next_due(), None);
        assert_eq!(held.coalesced(), 1, "a1 was replaced");
    }

    #[test]
    fn changes_for_a_document_supersede_its_acknowledgement() {
        let mut held = Acknowledgements::new(Duration::from_millis(100));
        let now = Instant::now();
        held.take(b"ack".to_vec(), ack("a"), now);
        held.take(b"ack b".to_vec(), ack("b"), now);
        assert_eq!(
            held.take(b"changes".to_vec(), Kind::Sync("a".into()), now),
            vec![b"changes".to_vec()]
        );
        assert_eq!(held.release_all(), vec![b"ack b".to_vec()]);
        assert_eq!(held.coalesced(), 1);
    }

    #[test]
    fn another_message_for_the_document_sends_its_acknowledgement_first() {
        let mut held = Acknowledgements::new(Duration::from_millis(100));
        let now = Instant::now();
        held.take(b"ack".to_vec(), ack("a"), now);
        held.take(b"ack b".to_vec(), ack("b"), now);
        assert_eq!(
            held.take(b"presence".to_vec(), Kind::Other(Some("a".into())), now),
            vec![b"ack".to_vec(), b"presence".to_vec()]
        );
        assert_eq!(
            held.take(b"join".to_vec(), Kind::Other(None), now),
            vec![b"join".to_vec()]
        );
        assert_eq!(held.release_all(), vec![b"ack b".to_vec()]);
        assert_eq!(held.coalesced(), 0, "every acknowledgement was passed on");
    }

    #[test]
    fn no_delay_passes_every_acknowledgement_at_once() {
        let mut held = Acknowledgements::new(Duration::ZERO);
        assert_eq!(
            held.take(b"ack".to_vec(), ack("a"), Instant::now()),
            vec![b"ack".to_vec()]
        );
        assert_eq!(held.next_due(), None);
    }
}
