//! Pages and components. Nothing here touches IndexedDB or sockets: documents are reached
//! through [`WorkspaceState`], which wraps a `store` handle in signals.
//!
//! Layout rule: a page (one route) lives in `pages/`, a piece used by several pages in
//! `components/`.

mod app;
pub mod components;
pub mod pages;
mod workspace_state;

pub use app::{App, AppShell};
pub use workspace_state::WorkspaceState;
