//! What a document held before it was listed, checked as its maker's once it is.
//!
//! A document nobody lists yet goes to no one but the person whose device first named it
//! (`crate::rules`), and its changes are taken unchecked: nothing says yet what it is to
//! hold. Once a workspace lists it as a document several people write (a review, a
//! check-in series, asked feedback), every change to it is checked part by part
//! (`crate::part_changes`), but what it held by then was not. A modified client could
//! make a check-in series with topics in the manager's name, or a review already signed,
//! and list it afterwards. So the registry holds such a document back from everyone but
//! its maker, and this task checks its whole history, from nothing, as changes its maker
//! made in the capacity the listing gives them (`part_check::check_parts`), once it has
//! stayed the same for a moment ([`SETTLE`]). The verdicts are kept (`Registry::judge`): a
//! history that passes is served as any other; one that does not is kept, and goes to
//! no one else. A document whose maker may not write it as listed (listed as another
//! person's, its listing contested, the maker's device removed) is not judged: it stays
//! held back until the listing changes.
//!
//! The maker is the person of the device that named the document first. A history
//! another device delivered first (the maker's change passed on over a direct link
//! before the relay saw the listing) is judged as that device's, and refused if it holds
//! what only the maker writes: with signed changes this could be told apart.
//!
//! ```ignore
//! held_history::start(Arc::downgrade(&registry), Arc::downgrade(&memory));
//! ```

use std::sync::Weak;
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use throughline::model::part_check::{check_parts, PartWriter};
use throughline::model::{DocumentId, PersonId};

use crate::memory::{Memory, Standing};
use crate::rules::{Registry, Verdict};

/// How long a held history must stay the same before it is checked. The maker's
/// messages sent before the listing may still be on their way into samod's document
/// (samod takes each document's messages on its own, so the listing's may be taken
/// first); while the document is held back only its maker writes it, and what they send
/// now is checked as it comes, so a history that stays the same this long is whole.
pub const SETTLE: Duration = Duration::from_millis(200);

/// How many times a history is read before giving up for now (it kept changing).
const READS: usize = 8;

/// How often histories that could not be checked are tried again.
const RETRY: Duration = Duration::from_secs(5);

/// Checks each held history the registry waits on, as they come, until the relay stops.
pub fn start(registry: Weak<Registry>, memory: Weak<Memory>) {
    let Some(mut added) = registry.upgrade().map(|r| r.watch_awaiting()) else {
        return;
    };
    tokio::spawn(async move {
        loop {
            let left = {
                let (Some(registry), Some(memory)) = (registry.upgrade(), memory.upgrade()) else {
                    return;
                };
                // Each history waits to stay the same on its own, so a workspace listing
                // many at once (a new cycle's reviews) has them checked in one wait, and
                // its rules worked out again once for all their verdicts.
                let checks = registry.awaiting_checks();
                let found =
                    futures_util::future::join_all(checks.iter().map(|(document, check)| {
                        let (person, writes_as) = &check.maker;
                        refusal(&memory, document, person, writes_as)
                    }))
                    .await;
                let mut left = false;
                let mut verdicts = Vec::new();
                for ((document, check), refused) in checks.into_iter().zip(found) {
                    match refused {
                        Some(refused) => verdicts.push(Verdict {
                            document,
                            workspace: check.workspace,
                            refused,
                        }),
                        // Not readable now, or still changing: tried again in a while.
                        None => left = true,
                    }
                }
                if !verdicts.is_empty() {
                    registry.judge(verdicts).await;
                }
                left
            };
            let added_again = if left {
                tokio::select! {
                    changed = added.changed() => changed.is_ok(),
                    () = tokio::time::sleep(RETRY) => true,
                }
            } else {
                added.changed().await.is_ok()
            };
            if !added_again {
                return;
            }
        }
    });
}

/// What the relay holds of `document`, once it stays the same for [`SETTLE`], checked
/// from nothing as changes `person` made as `writes_as`: `Some(None)` when they are
/// theirs to have made, `Some(Some(why))` when not, `None` when the document cannot be
/// read now or kept changing.
async fn refusal(
    memory: &Memory,
    document: &DocumentId,
    person: &PersonId,
    writes_as: &PartWriter,
) -> Option<Option<String>> {
    let check = |held: &Automerge| -> (Vec<ChangeHash>, Option<String>) {
        let heads = held.get_heads();
        if heads.is_empty() {
            // Nothing held: every change from now on is checked as it comes.
            return (heads, None);
        }
        let history = held.save();
        let refused = check_parts(&Automerge::new(), &[], &[&history], person, writes_as)
            .err()
            .map(|why| why.to_string());
        (heads, refused)
    };
    let mut last: Option<Vec<ChangeHash>> = None;
    for _ in 0..READS {
        let generation = memory.current().await?;
        let (heads, refused) = match generation.search(&document.to_string()).await {
            Standing::Ready(handle) => handle.with_document(|held| check(held)),
            Standing::Asking => (Vec::new(), None),
            Standing::Closed => return None,
        };
        if last.as_ref() == Some(&heads) {
            return Some(refused);
        }
        last = Some(heads);
        tokio::time::sleep(SETTLE).await;
    }
    None
}
