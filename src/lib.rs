//! Throughline: local-first strategic planning and performance management.
//!
//! Layers, from the person inward: [`ui`] (Leptos pages and components, browser only) →
//! [`model`] (what an edit means) → [`store`] (Automerge documents and their storage) →
//! [`sync`] (other peers). See `docs/architecture.md`.

pub mod model;
pub mod store;
pub mod sync;

#[cfg(target_arch = "wasm32")]
pub mod browser_features;
#[cfg(target_arch = "wasm32")]
pub mod pwa;
#[cfg(target_arch = "wasm32")]
pub mod timer;
#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub use ui::App;
