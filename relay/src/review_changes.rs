//! A review's employee may change only their parts of it, checked on every change their
//! device sends.
//!
//! Who may change a document is decided per document (`crate::rules`); a review is one
//! document that its employee, their manager and HR all write, so a modified client on
//! the employee's device could otherwise write any part of it: its own overall rating, a
//! stage move through calibration, the manager's words. The connection hands each sync
//! message that carries changes from such a device (`Rules::checks_employee_changes`)
//! here before samod sees it: the changes are applied to a copy of the review as the
//! relay holds it, and the message is dropped, and the device told why, unless
//! `check_employee_changes` (the rules the pages follow, in the app's model)
//! allows what differs. Nothing else is checked this way, so other documents and other
//! people's changes cost nothing more.
//!
//! ```ignore
//! if let Some(why) = employee_changes::refusal(&memory, &document, &bytes).await {
//!     // drop the message, tell the peer `why`
//! }
//! ```

use throughline::model::review::check_employee_changes;
use throughline::model::DocumentId;

use crate::memory::Memory;

/// Why the changes in the sync message `bytes` to the review `document` are refused to
/// its employee; `None` when they are theirs to make.
pub async fn refusal(memory: &Memory, document: &DocumentId, bytes: &[u8]) -> Option<String> {
    let Some(message) = crate::inbound::sync_data(bytes)
        .and_then(|data| automerge::sync::Message::decode(&data).ok())
    else {
        // `Inbound` let only readable sync data through.
        return Some("the message does not read".to_owned());
    };
    let Some(generation) = memory.current().await else {
        return Some("the relay is stopping".to_owned());
    };
    let Some(handle) = generation.find(&document.to_string()).await else {
        return Some("the relay does not hold this review yet".to_owned());
    };
    let chunks: Vec<&[u8]> = message.changes.iter().collect();
    handle
        .with_document(|doc| check_employee_changes(doc, &chunks))
        .err()
        .map(|why| why.to_string())
}
