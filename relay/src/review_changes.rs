//! Each writer of a review may change only their parts of it, checked on every change
//! their device sends.
//!
//! Who may change a document is decided per document (`crate::rules`); a review is one
//! document that its employee, their manager and HR all write, so a modified client could
//! otherwise write any part of it: the employee their own overall rating or a stage move
//! through calibration, the manager the employee's words or acknowledgement. The
//! connection hands each sync message that carries changes to a review from a device that
//! may change it (`Rules::review_writer`, the capacity its person writes in) here before
//! samod sees it: the changes are applied to a copy of the review as the relay holds it,
//! and the message is dropped, and the device told why, unless `check_changes` (the rules
//! the pages follow, in the app's model) allows what differs. Other documents cost
//! nothing more.
//!
//! ```ignore
//! if let Some(why) = review_changes::refusal(&memory, &document, &bytes, writer).await {
//!     // drop the message, tell the peer `why`
//! }
//! ```

use automerge::Automerge;
use throughline::model::review::{check_changes, Capacity};
use throughline::model::DocumentId;

use crate::memory::Memory;

/// Why the changes in the sync message `bytes` to the review `document` are refused to a
/// writer in capacity `who`; `None` when they are theirs to make.
pub async fn refusal(
    memory: &Memory,
    document: &DocumentId,
    bytes: &[u8],
    who: Capacity,
) -> Option<String> {
    let Some(message) = crate::inbound::sync_data(bytes)
        .and_then(|data| automerge::sync::Message::decode(&data).ok())
    else {
        // `Inbound` let only readable sync data through.
        return Some("the message does not read".to_owned());
    };
    let Some(generation) = memory.current().await else {
        return Some("the relay is stopping".to_owned());
    };
    let chunks: Vec<&[u8]> = message.changes.iter().collect();
    let checked = match generation.loaded(&document.to_string()).await {
        Some(handle) => handle.with_document(|live| check_changes(live, &chunks, who)),
        // Nothing here yet: only one who starts reviews may begin it.
        None => check_changes(&Automerge::new(), &chunks, who),
    };
    checked.err().map(|why| why.to_string())
}
