//! Pure domain types and rules. Nothing here knows about the browser, storage or sync:
//! every rule is plain Rust, tested natively.
//!
//! Documents are typed with autosurgeon: a type here is the shape of an Automerge
//! document (or part of one), and its methods are the edits a person can make.

pub mod access;
pub mod check_in;
mod check_in_changes;
mod check_in_error;
mod choice;
pub mod coaching_notes;
mod document_id;
mod document_view;
mod export;
pub mod identity;
mod ids;
mod interop;
mod known_texts;
pub mod listing;
pub mod nudge;
pub mod order;
pub mod org_chart;
pub mod part_check;
pub mod people_csv;
pub mod plan;
pub mod review;
pub mod settled;
mod text_edit;
mod text_update;
pub mod to_do;
mod tree_fields;
mod workspace;
mod workspace_diff;
mod workspace_read;

pub use choice::Choice;
pub use document_id::{DocumentId, DocumentIdError};
pub use document_view::DocumentView;
pub use export::{WORKSPACE_JSON_FORMAT, WORKSPACE_JSON_VERSION};
pub use ids::{DocumentUrl, ItemId, PersonId, TeamId};
pub use known_texts::KnownTexts;
pub use text_edit::rebase_typing;
pub use text_update::TextUpdate;
pub use workspace::{
    LinkKind, MembershipError, Person, PersonDetails, PlanEntry, Team, TeamDetails, Workspace,
    WorkspaceError, NO_LONGER_HERE,
};
