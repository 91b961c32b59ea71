//! Seals: a device's signature over something a person gives (a review's sign-off, a
//! plan's approval), checked against the signed membership wherever it is shown.
//!
//! ```
//! use throughline::model::identity::{check_seal, seal, DeviceSecret, Membership, SealCheck};
//! use throughline::model::PersonId;
//! let secret = DeviceSecret::generate().unwrap();
//! let (device, signature) = seal(&secret, b"what was signed");
//! // Nobody in the (empty) membership owns that device: not a valid seal.
//! let check = check_seal(&device, &signature, b"what was signed", &PersonId::random(), Some(&Membership::default()));
//! assert!(matches!(check, SealCheck::Forged(_)));
//! ```

use super::keys::{DeviceKey, DeviceSecret, Purpose, Signature};
use super::membership::Membership;
use crate::model::PersonId;

/// Whether a seal is what it says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealCheck {
    /// Signed by a device of the person it names, over what is shown.
    Verified,
    /// No device signature: given before the workspace had members (or by an earlier
    /// build). Kept, and shown as not verifiable, never as verified.
    Unsealed,
    /// It does not hold: shown as forged, never as signed.
    Forged(&'static str),
}

/// Seals `bytes` with this device's key: the device's key and the signature, as stored.
pub fn seal(secret: &DeviceSecret, bytes: &[u8]) -> (String, String) {
    (
        secret.public().to_string(),
        secret.sign(Purpose::SignOff, bytes).to_string(),
    )
}

/// Checks a stored seal (`device`, `signature`; both empty: none) over `bytes`, said to
/// be given by `signer`: the signature must hold and the device must have been the
/// signer's when the membership bound it.
pub fn check_seal(
    device: &str,
    signature: &str,
    bytes: &[u8],
    signer: &PersonId,
    membership: Option<&Membership>,
) -> SealCheck {
    if signature.is_empty() {
        return SealCheck::Unsealed;
    }
    let (Ok(device), Ok(signature)) = (device.parse::<DeviceKey>(), signature.parse::<Signature>())
    else {
        return SealCheck::Forged("its signature cannot be read");
    };
    if !device.verifies(Purpose::SignOff, bytes, &signature) {
        return SealCheck::Forged("its signature does not match what it covers");
    }
    match membership {
        Some(m) if m.bound_to(&device) == Some(signer) => SealCheck::Verified,
        Some(_) => SealCheck::Forged("the signing device is not the signer's"),
        None => SealCheck::Forged("this device cannot check who signed"),
    }
}
