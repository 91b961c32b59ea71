//! Sync with other peers (tabs, devices, the relay), following automerge-repo's v1 wire
//! protocol.
//!
//! Sans-IO: [`Engine`] takes events (a connection opened, bytes arrived, a document
//! changed here) and returns effects (bytes to send, a connection to close, a document
//! that changed by sync). No sockets, timers or async inside, so it builds and is tested
//! natively; transports (a WebSocket to a relay, WebRTC data channels to devices) are
//! thin adapters around it.
//! It knows nothing of Leptos, and borrows documents from `store` for each event.
//!
//! In the browser, [`SyncClient`] runs the engine over a WebSocket to the relay's `/sync`
//! and over direct links to devices (see `docs/architecture.md`), and [`Presence`] rides
//! on its `ephemeral` messages. [`pairing`] is what two devices exchange to connect
//! directly with no server; [`Introduction`]s carry the same codes through the relay.

#[cfg(target_arch = "wasm32")]
mod after_paint;
mod backoff;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod direct_links;
mod disconnected;
mod engine;
mod introduction;
mod known_devices;
pub mod link_scope;
mod message;
#[cfg(target_arch = "wasm32")]
mod other_tabs;
pub mod pairing;
pub mod pairing_qr;
mod peer_id;
#[cfg(target_arch = "wasm32")]
pub mod peer_link;
mod presence;
mod relay_address;
pub mod relay_proof;
#[cfg(target_arch = "wasm32")]
mod relay_socket;

pub use backoff::Backoff;
#[cfg(target_arch = "wasm32")]
pub use client::{DeviceKeys, PeerView, SyncClient, SyncStatus, RELAY_KEY};
#[cfg(target_arch = "wasm32")]
pub use direct_links::{LinkState, PairingOffer};
#[cfg(target_arch = "wasm32")]
pub use other_tabs::watch_other_tabs;

pub use disconnected::Disconnected;
pub use engine::{
    ConnectionId, Effect, Engine, Event, LentDocuments, Scope, DEFAULT_MAX_MESSAGE_BYTES,
    PROTOCOL_VERSION,
};
pub use introduction::{Introduction, Introductions, MAX_INTRODUCED_LINKS};
pub use known_devices::{KnownDevice, KnownDevices};
pub use link_scope::LinkRights;
pub use message::{Message, MessageError, PeerMetadata};
pub use peer_id::PeerId;
pub use presence::Presence;
pub use relay_address::{relay_sync_address, RelayAddressError};
