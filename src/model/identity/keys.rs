//! Device keys: each device signs with its own Ed25519 key pair, made on the device and
//! kept there. Its public half (`DeviceKey`) names the device in signed statements,
//! sign-offs and the relay's challenge.
//!
//! ```
//! use throughline::model::identity::{DeviceSecret, Purpose};
//! let secret = DeviceSecret::generate().unwrap();
//! let signature = secret.sign(Purpose::SignOff, b"heads");
//! assert!(secret.public().verifies(Purpose::SignOff, b"heads", &signature));
//! // A signature made for one purpose never passes for another.
//! assert!(!secret.public().verifies(Purpose::Statement, b"heads", &signature));
//! ```

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

/// What a signature is for. Its tag is signed with the message, so a signature made for
/// one purpose (a sign-off) can never be replayed as another (a membership statement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A membership statement (`Statement`).
    Statement,
    /// An invitation's one-time key vouching for the device that accepts it.
    Acceptance,
    /// A sign-off or approval over a document's heads.
    SignOff,
    /// A relay's (or a peer's) challenge, answered to prove the device holds its key.
    Challenge,
    /// A pairing code for a direct link, signed by the device that made it.
    Link,
    /// A grant an admin signs for a program to sync some documents (`Grant`).
    Grant,
}

impl Purpose {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::Statement => b"throughline statement v1\0",
            Self::Acceptance => b"throughline acceptance v1\0",
            Self::SignOff => b"throughline sign-off v1\0",
            Self::Challenge => b"throughline challenge v1\0",
            Self::Link => b"throughline link v1\0",
            Self::Grant => b"throughline grant v1\0",
        }
    }

    fn framed(self, message: &[u8]) -> Vec<u8> {
        let mut framed = Vec::with_capacity(self.tag().len() + message.len());
        framed.extend_from_slice(self.tag());
        framed.extend_from_slice(message);
        framed
    }
}

/// Why a key or signature could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("This device could not draw random numbers to make a key ({0}).")]
    NoRandomness(String),
    #[error("\"{0}\" is not a device key.")]
    NotAKey(String),
    #[error("\"{0}\" is not a signature.")]
    NotASignature(String),
    #[error("The stored device key cannot be read.")]
    UnreadableSecret,
}

/// A device's public key: how statements, signatures and the relay name the device.
/// Written in base58, as automerge-repo writes document ids.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceKey([u8; 32]);

impl DeviceKey {
    /// Whether `signature` is this key's over `message` for `purpose`.
    pub fn verifies(&self, purpose: Purpose, message: &[u8], signature: &Signature) -> bool {
        let Ok(key) = ed25519_compact::PublicKey::from_slice(&self.0) else {
            return false;
        };
        let signature = ed25519_compact::Signature::new(signature.0);
        key.verify(purpose.framed(message), &signature).is_ok()
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key these 32 bytes are, if they are a public key.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        ed25519_compact::PublicKey::from_slice(&bytes)
            .map_err(|_| KeyError::NotAKey(bs58::encode(bytes).into_string()))?;
        Ok(Self(bytes))
    }

    /// A short form for people comparing two screens (the first eight characters).
    pub fn short(&self) -> String {
        self.to_string().chars().take(8).collect()
    }
}

impl fmt::Display for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).into_string())
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceKey({self})")
    }
}

impl FromStr for DeviceKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        let bytes = bs58::decode(text.trim())
            .into_vec()
            .map_err(|_| KeyError::NotAKey(text.to_owned()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError::NotAKey(text.to_owned()))?;
        ed25519_compact::PublicKey::from_slice(&bytes)
            .map_err(|_| KeyError::NotAKey(text.to_owned()))?;
        Ok(Self(bytes))
    }
}

impl serde::Serialize for DeviceKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DeviceKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An Ed25519 signature, written in unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

impl FromStr for Signature {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| KeyError::NotASignature(text.to_owned()))?;
        let bytes: [u8; 64] = bytes
            .try_into()
            .map_err(|_| KeyError::NotASignature(text.to_owned()))?;
        Ok(Self(bytes))
    }
}

impl serde::Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The secret half of a key pair: this device's own (kept in its settings, never synced)
/// or an invitation's one-time key (carried in the invitation link).
#[derive(Clone)]
pub struct DeviceSecret {
    seed: [u8; 32],
    pair: ed25519_compact::KeyPair,
}

impl DeviceSecret {
    /// A new key pair from the platform's secure random numbers.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
        Ok(Self::from_seed(seed))
    }

    /// The key pair a 32-byte seed makes (the same seed, the same keys).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let pair = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(seed));
        Self { seed, pair }
    }

    /// The public half.
    pub fn public(&self) -> DeviceKey {
        DeviceKey(*self.pair.pk)
    }

    /// Signs `message` for `purpose`.
    pub fn sign(&self, purpose: Purpose, message: &[u8]) -> Signature {
        Signature(*self.pair.sk.sign(purpose.framed(message), None))
    }

    /// The seed as kept on the device or carried in a link (base64url).
    pub fn to_stored(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.seed)
    }

    /// Reads what `to_stored` wrote.
    pub fn from_stored(text: &str) -> Result<Self, KeyError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| KeyError::UnreadableSecret)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| KeyError::UnreadableSecret)?;
        Ok(Self::from_seed(seed))
    }
}

impl fmt::Debug for DeviceSecret {
    // Never print the seed (it would end up in logs and panic messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceSecret({})", self.public())
    }
}
