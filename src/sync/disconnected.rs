//! Why a connection is down, as the sync layer knows it: the relay's socket or a direct
//! link to another device. The sync layer says what happened; the page words it (see
//! `ui::sync_words`), so a translation never reaches into sync.
//!
//! ```
//! use throughline::sync::Disconnected;
//! let why = Disconnected::NotARelayAddress { address: "ftp://x".into() };
//! assert_ne!(why, Disconnected::NoNetwork);
//! ```

/// What closed a connection, or kept it from opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disconnected {
    /// The browser says this device has no network (nothing is tried until it has).
    NoNetwork,
    /// The relay's address is not one a WebSocket can open.
    NotARelayAddress { address: String },
    /// The relay did not answer, or its connection dropped.
    RelayUnreachable,
    /// This side closed it because the other side broke the protocol; the engine's
    /// reason (technical, as the engine gives it).
    ProtocolError { reason: String },
    /// The person closed the link on this device.
    ClosedHere,
    /// The other device did not finish connecting in time.
    NotConnectedInTime,
    /// The other device can no longer be reached (the browser's connection failed).
    DeviceUnreachable,
    /// The other device closed the link (or left).
    ClosedThere,
    /// The other device sent a message too large or malformed to read.
    BadMessage,
    /// The browser could not make the link; its reason.
    LinkFailed { reason: String },
}
