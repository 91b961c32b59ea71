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
//! made in the capacity the listing gives them (`part_check::check_parts`). The verdict
//! is kept (`Registry::judge`): a history that passes is served as any other; one that
//! does not is kept, and goes to no one else.
//!
//! ```ignore
//! held_history::start(Arc::downgrade(&registry), Arc::downgrade(&memory));
//! ```

use std::sync::Weak;

use automerge::Automerge;
use throughline::model::part_check::{check_parts, PartWriter};
use throughline::model::{DocumentId, PersonId};

use crate::memory::{Memory, Standing};
use crate::rules::Registry;

/// Why a held history is refused when its maker may not write the document as listed.
const NOT_THE_MAKER_S: &str = "its maker may not write it as the workspace lists it";

/// Checks each held history the registry waits on, as they come, until the relay stops.
pub fn start(registry: Weak<Registry>, memory: Weak<Memory>) {
    let Some(mut added) = registry.upgrade().map(|r| r.watch_awaiting()) else {
        return;
    };
    tokio::spawn(async move {
        loop {
            {
                let (Some(registry), Some(memory)) = (registry.upgrade(), memory.upgrade()) else {
                    return;
                };
                for (document, check) in registry.awaiting_checks() {
                    let refused = match &check.maker {
                        None => Some(NOT_THE_MAKER_S.to_owned()),
                        Some((person, writes_as)) => {
                            match refusal(&memory, &document, person, writes_as).await {
                                Some(verdict) => verdict,
                                // Not readable now (the relay stopping): tried when
                                // another waits, or at the next start.
                                None => continue,
                            }
                        }
                    };
                    registry.judge(document, check.workspace, refused).await;
                }
            }
            if added.changed().await.is_err() {
                return;
            }
        }
    });
}

/// What the relay holds of `document`, checked from nothing as changes `person` made
/// as `writes_as`: `Some(None)` when they are theirs to have made, `Some(Some(why))`
/// when not, `None` when the document cannot be read now.
async fn refusal(
    memory: &Memory,
    document: &DocumentId,
    person: &PersonId,
    writes_as: &PartWriter,
) -> Option<Option<String>> {
    let generation = memory.current().await?;
    let check = |held: &Automerge| {
        if held.get_heads().is_empty() {
            // Nothing held: every change from now on is checked as it comes.
            return None;
        }
        let history = held.save();
        check_parts(&Automerge::new(), &[], &[&history], person, writes_as)
            .err()
            .map(|why| why.to_string())
    };
    match generation.search(&document.to_string()).await {
        Standing::Ready(handle) => Some(handle.with_document(|held| check(held))),
        Standing::Asking => Some(None),
        Standing::Closed => None,
    }
}
