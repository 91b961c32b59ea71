//! A peer's id on the automerge-repo wire: what it says as `senderId` when it joins, and
//! what messages to it carry as `targetId`. A newtype, so that a peer id is never taken
//! for a document id, a session or a name.
//!
//! ```
//! use throughline::sync::PeerId;
//! let relay = PeerId::from("relay");
//! assert_eq!(relay.as_str(), "relay");
//! assert!(PeerId::random().as_str().starts_with("throughline-"));
//! ```

/// The id a peer joined with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(String);

impl PeerId {
    /// A new id for this device's engine: random, so two tabs never share one.
    pub fn random() -> Self {
        Self(format!("throughline-{}", uuid::Uuid::new_v4().simple()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for PeerId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for PeerId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl std::fmt::Display for PeerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for PeerId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}
