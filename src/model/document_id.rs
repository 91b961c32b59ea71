//! Document ids and `automerge:` URLs, formed as automerge-repo forms them, so a document
//! made here can be opened by any automerge-repo peer and the other way round.
//!
//! ```
//! use throughline::model::DocumentId;
//! let id = DocumentId::random();
//! let url = id.url();
//! assert!(url.starts_with("automerge:"));
//! assert_eq!(DocumentId::from_url(&url).unwrap(), id);
//! ```

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// A document id: 16 random bytes, written in bs58check.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentId([u8; 16]);

/// Why a text is not a document id or URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentIdError {
    #[error("\"{0}\" is not a document id (its checksum or characters are wrong)")]
    NotBase58Check(String),
    #[error("a document id has 16 bytes, \"{0}\" has {1}")]
    WrongLength(String, usize),
    #[error("\"{0}\" is not an automerge: URL")]
    NotAUrl(String),
}

impl DocumentId {
    /// A new unguessable id (a random UUIDv4, as automerge-repo makes them).
    pub fn random() -> Self {
        Self(*uuid::Uuid::new_v4().as_bytes())
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The id of the document that goes with this one for `purpose` (a review's
    /// manager's side): the same on every device, so each finds it without being told
    /// and none makes a second one. Derived ids are not secret; who may hold the
    /// document is decided by the listing, as for any other.
    pub fn derived(&self, purpose: &str) -> Self {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(b"throughline derived document\0");
        hash.update(purpose.as_bytes());
        hash.update([0]);
        hash.update(self.0);
        let digest = hash.finalize();
        let mut bytes = [0; 16];
        bytes.copy_from_slice(&digest[..16]);
        Self(bytes)
    }

    /// The `automerge:<id>` URL of the document.
    pub fn url(&self) -> String {
        format!("automerge:{self}")
    }

    /// Reads an `automerge:` URL; heads pinned after `#` are ignored here.
    pub fn from_url(url: impl AsRef<str>) -> Result<Self, DocumentIdError> {
        let url = url.as_ref();
        let rest = url
            .trim()
            .strip_prefix("automerge:")
            .ok_or_else(|| DocumentIdError::NotAUrl(url.to_owned()))?;
        let id = rest.split('#').next().unwrap_or(rest);
        id.parse()
    }
}

/// The bs58check checksum: the first four bytes of SHA-256 applied twice.
fn checksum(payload: &[u8]) -> [u8; 4] {
    let twice = Sha256::digest(Sha256::digest(payload));
    [twice[0], twice[1], twice[2], twice[3]]
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = self.0.to_vec();
        bytes.extend_from_slice(&checksum(&self.0));
        f.write_str(&bs58::encode(bytes).into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    /// Accepts the bs58check form, and legacy UUID strings (converted, as automerge-repo does).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Ok(uuid) = uuid::Uuid::parse_str(text) {
            if text.contains('-') {
                return Ok(Self(*uuid.as_bytes()));
            }
        }
        let not_an_id = || DocumentIdError::NotBase58Check(text.to_owned());
        let mut bytes = bs58::decode(text).into_vec().map_err(|_| not_an_id())?;
        if bytes.len() < 4 {
            return Err(not_an_id());
        }
        let sum = bytes.split_off(bytes.len() - 4);
        if sum != checksum(&bytes) {
            return Err(not_an_id());
        }
        let array: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| DocumentIdError::WrongLength(text.to_owned(), bytes.len()))?;
        Ok(Self(array))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_url() {
        let id = DocumentId::random();
        assert_eq!(id.to_string().parse::<DocumentId>(), Ok(id));
        assert_eq!(DocumentId::from_url(id.url()), Ok(id));
        assert_eq!(
            DocumentId::from_url(format!("{}#abc|def", id.url())),
            Ok(id)
        );
    }

    #[test]
    fn matches_automerge_repo_encoding() {
        // Expected texts computed with the JavaScript `bs58check` package that
        // automerge-repo uses to write document ids.
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(
            DocumentId::from_bytes(counting).to_string(),
            "1Bhh3pU9gLXZiNDL6PEa1Gs9fh"
        );
        assert_eq!(
            DocumentId::from_bytes([0; 16]).to_string(),
            "11111111111111114Ki9Gx"
        );
        assert_eq!(
            "1Bhh3pU9gLXZiNDL6PEa1Gs9fh".parse(),
            Ok(DocumentId::from_bytes(counting))
        );
    }

    #[test]
    fn a_derived_id_never_changes() {
        // Every device finds a review's manager's side by this derivation: changing it
        // would strand what was written. The end-to-end tests derive it the same way.
        let review = DocumentId::from_bytes(std::array::from_fn(|i| i as u8));
        assert_eq!(
            review.derived("manager side").to_string(),
            "2YB8yCYfirKuQBegjK9TsTXCDmVs"
        );
        assert_ne!(review.derived("another"), review.derived("manager side"));
    }

    #[test]
    fn legacy_uuids_are_converted() {
        let uuid = uuid::Uuid::new_v4();
        let id: DocumentId = uuid.hyphenated().to_string().parse().unwrap();
        assert_eq!(id.as_bytes(), uuid.as_bytes());
    }

    #[test]
    fn bad_ids_are_refused_clearly() {
        let id = DocumentId::random().to_string();
        let mut damaged = id.clone();
        let last = damaged.pop().unwrap();
        damaged.push(if last == '2' { '3' } else { '2' });
        assert!(matches!(
            damaged.parse::<DocumentId>(),
            Err(DocumentIdError::NotBase58Check(_))
        ));
        assert!(matches!(
            DocumentId::from_url(&id),
            Err(DocumentIdError::NotAUrl(_))
        ));
        let mut eight = vec![1u8; 8];
        eight.extend_from_slice(&checksum(&[1u8; 8]));
        let short = bs58::encode(eight).into_string();
        assert!(matches!(
            short.parse::<DocumentId>(),
            Err(DocumentIdError::WrongLength(_, 8))
        ));
    }
}
