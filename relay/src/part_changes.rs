//! Each writer of a document several people write may change only their parts of it,
//! checked on every change their device sends.
//!
//! Who may change a document is decided per document (`crate::rules`); a review is one
//! document that its employee, their manager and HR all write, so a modified client could
//! otherwise write any part of it: the employee their own overall rating or a stage move
//! through calibration, the manager the employee's words or acknowledgement. So with a
//! check-in series (written by its pair: neither adds in the other's name) and asked
//! feedback (the colleague writes it, the manager or HR close it). The connection hands
//! each sync message that carries changes to such a document from a device that may
//! change it (`Rules::part_writer`, the capacity its person writes in) here before samod
//! sees it: the changes are applied to a copy of the document as the relay holds it, and
//! the message is dropped, and the device told why, unless `check_parts` (the rules the
//! pages follow, in the app's model) allows what differs. Other documents (plans, given
//! feedback, the manager's side, each written by one kind of writer) cost nothing more.
//!
//! ```ignore
//! if let Some(why) = part_changes::refusal(&memory, &document, &bytes, writer, &allowed).await {
//!     // drop the message, tell the peer `why`
//! }
//! ```

use std::collections::VecDeque;
use std::sync::Mutex;

use automerge::{Automerge, ChangeHash, ReadDoc};
use throughline::model::part_check::{check_parts, PartWriter};
use throughline::model::{DocumentId, PersonId};

use crate::memory::{Memory, Standing};

/// How many allowed messages a connection remembers until samod has taken them.
const REMEMBERED: usize = 512;

/// An allowed message's changes to a document: the document, its heads once they are in
/// (samod has taken them when it holds these), and the chunks as they came (one chunk
/// may carry several changes, or a whole saved document).
type Remembered = (DocumentId, Vec<ChangeHash>, Vec<Vec<u8>>);

/// The changes a connection sent to checked documents that were allowed and may not be
/// in samod's document yet (samod takes a message after the connection hands it on): the
/// next message from the same device builds on them, and is checked on top of them.
#[derive(Default)]
pub struct Allowed {
    changes: Mutex<VecDeque<Remembered>>,
}

impl Allowed {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Remembered>> {
        self.changes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Why the changes in the sync message `bytes` to the checked document `document` are
/// refused to `writer` (a person, in the capacity the rules give them on it); `None` when
/// they are theirs to make (they are then noted in `allowed`, the connection's), or when
/// the message carries none.
pub async fn refusal(
    memory: &Memory,
    document: &DocumentId,
    bytes: &[u8],
    writer: (PersonId, PartWriter),
    allowed: &Allowed,
) -> Option<String> {
    let (person, writes_as) = writer;
    let Some(message) = crate::inbound::sync_data(bytes)
        .and_then(|data| automerge::sync::Message::decode(&data).ok())
    else {
        // `Inbound` let only readable sync data through.
        return Some("the message does not read".to_owned());
    };
    if message.changes.is_empty() {
        return None;
    }
    let Some(generation) = memory.current().await else {
        return Some("the relay is stopping".to_owned());
    };
    let chunks: Vec<&[u8]> = message.changes.iter().collect();
    let check = |live: &Automerge| {
        let mut remembered = allowed.lock();
        // What samod has taken meanwhile of this document is forgotten: it holds the
        // heads the message left (read from the change graph, not by rebuilding changes).
        remembered.retain(|(of, heads, _)| {
            if of != document {
                return true;
            }
            let missing = live.get_missing_deps(heads);
            heads.iter().any(|head| missing.contains(head))
        });
        let taken: Vec<&[u8]> = remembered
            .iter()
            .filter(|(of, _, _)| of == document)
            .flat_map(|(_, _, chunks)| chunks.iter().map(Vec::as_slice))
            .collect();
        let checked = check_parts(live, &taken, &chunks, &person, &writes_as);
        if let Ok(heads) = &checked {
            let kept = chunks.iter().map(|chunk| chunk.to_vec()).collect();
            remembered.push_back((*document, heads.clone(), kept));
            while remembered.len() > REMEMBERED {
                remembered.pop_front();
            }
        }
        checked.map(drop)
    };
    let checked = match generation.search(&document.to_string()).await {
        Standing::Ready(handle) => handle.with_document(|live| check(live)),
        // Nothing stored here: only one who starts such documents may begin it.
        Standing::Asking => check(&Automerge::new()),
        Standing::Closed => {
            return Some("the relay could not read this document in time".to_owned())
        }
    };
    checked.err().map(|why| why.to_string())
}
