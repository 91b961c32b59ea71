//! Sync with other peers (tabs, devices, the relay).
//!
//! This is where the sans-IO automerge-repo v1 protocol client will live: bytes, events
//! and the current time in; messages to send and effects out; no sockets or timers
//! inside. Transports (WebSocket, BroadcastChannel, WebRTC) will be thin adapters around
//! it. It consumes [`crate::store::DocHandle`] changes and knows nothing of Leptos.
//!
//! Nothing syncs yet: each device keeps its own documents in IndexedDB.
