//! Pure domain types and rules. Nothing here knows about the browser, storage or sync:
//! every rule is plain Rust, tested natively.
//!
//! Documents are typed with autosurgeon: a type here is the shape of an Automerge
//! document (or part of one), and its methods are the edits a person can make.

mod export;
mod ids;
mod workspace;
mod workspace_diff;

pub use export::{WORKSPACE_JSON_FORMAT, WORKSPACE_JSON_VERSION};
pub use ids::{PersonId, TeamId};
pub use workspace::{Person, PersonDetails, Team, TeamDetails, Workspace, WorkspaceError};
