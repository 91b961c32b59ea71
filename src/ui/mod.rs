//! Pages and components. Nothing here touches IndexedDB or sockets: documents are reached
//! through [`WorkspaceState`], which wraps a `store` handle in signals.
//!
//! Layout rule: a page (one route) lives in `pages/`, a piece used by several pages in
//! `components/`.

mod app;
mod boot;
pub mod chunk;
pub mod components;
mod documents;
mod draft;
pub mod files;
pub mod format;
mod identity_state;
pub mod pages;
mod plans_state;
mod presence;
mod reviews_state;
mod routes;
pub mod row_versions;
mod sync_state;
pub mod sync_words;
mod workspace_state;

pub use app::{App, AppShell};

/// The address of an app page (`"/people"`) as a link: under the path the app is served
/// from. leptos_router matches routes below its `base`, but leaves absolute `href`s of
/// `<A>` as they are, so every link goes through here.
pub fn href(page: &str) -> String {
    format!("{}{page}", crate::pwa::base_path())
}
pub use draft::Draft;
pub use identity_state::{DeviceIdentity, IdentityState, INVITATION_DAYS};
pub use plans_state::{PlanDocument, PlansState};
pub use presence::use_presence;
pub use reviews_state::{
    AskedDocument, CheckInDocument, NotesDocument, ReviewDocument, ReviewsState,
};
pub use workspace_state::WorkspaceState;
