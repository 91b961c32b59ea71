//! Statements kept outside the workspace document, so that deleting one from the
//! document undoes nothing. A signed statement cannot be forged or altered, but any member
//! may write the workspace document, so a modified client could *delete* a statement (a
//! removal, say) and devices working the membership out from the document alone would
//! forget it. Each device and the relay keep every statement that counted, work the
//! membership out from the document's statements and the kept ones together, and a device
//! writes back those the document lost.
//!
//! ```
//! use std::collections::BTreeMap;
//! use throughline::model::identity::{KeptStatements, SignedStatement};
//! let mut kept = KeptStatements::default();
//! let statement = SignedStatement { payload: "{}".into(), signature: "x".into() };
//! kept.keep([("h1".to_owned(), statement.clone())]);
//! let in_document: BTreeMap<String, SignedStatement> = BTreeMap::new();
//! // The document lost it: it is still worked out from, and it is missing there.
//! assert_eq!(kept.merged(&in_document).len(), 1);
//! assert_eq!(kept.missing_from(&in_document).len(), 1);
//! ```

use std::collections::BTreeMap;

use super::{Membership, SignedStatement};

/// Statements that counted, by hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct KeptStatements(BTreeMap<String, SignedStatement>);

impl KeptStatements {
    /// The document's statements and the kept ones together. Under a hash both have, the
    /// kept one wins: the hash covers the statement, so the two differ only in signature,
    /// and the kept one's was checked when it counted. (A modified client replacing a
    /// removal's signature with a bad one must not make that removal not count.)
    pub fn merged(
        &self,
        in_document: &BTreeMap<String, SignedStatement>,
    ) -> BTreeMap<String, SignedStatement> {
        let mut all = in_document.clone();
        for (hash, statement) in &self.0 {
            all.insert(hash.clone(), statement.clone());
        }
        all
    }

    /// Kept statements the document does not have as kept: lost, or with another
    /// signature in their place (to write back).
    pub fn missing_from(
        &self,
        in_document: &BTreeMap<String, SignedStatement>,
    ) -> BTreeMap<String, SignedStatement> {
        self.0
            .iter()
            .filter(|(hash, kept)| in_document.get(*hash) != Some(*kept))
            .map(|(h, s)| (h.clone(), s.clone()))
            .collect()
    }

    /// Keeps these statements; whether any was new.
    pub fn keep(
        &mut self,
        statements: impl IntoIterator<Item = (String, SignedStatement)>,
    ) -> bool {
        let before = self.0.len();
        for (hash, statement) in statements {
            self.0.entry(hash).or_insert(statement);
        }
        self.0.len() != before
    }

    /// Keeps those of `statements` that count in `membership` (worked out from them):
    /// nothing unsigned, forged or refused is kept. Whether any was new.
    pub fn keep_counted(
        &mut self,
        statements: &BTreeMap<String, SignedStatement>,
        membership: &Membership,
    ) -> bool {
        let ignored: std::collections::BTreeSet<String> = membership
            .ignored()
            .iter()
            .map(|i| i.hash.as_str().to_owned())
            .collect();
        self.keep(
            statements
                .iter()
                .filter(|(_, s)| !ignored.contains(s.hash().as_str()))
                .map(|(_, s)| (s.hash().as_str().to_owned(), s.clone())),
        )
    }

    /// Those that belong to `workspace` (a device keeps those of the workspace it has).
    pub fn of_workspace(&self, workspace: &str) -> KeptStatements {
        KeptStatements(
            self.0
                .iter()
                // Read, not verified: each is verified where the membership is worked out
                // (`Membership::verify`), and checking every signature twice made opening
                // a large workspace a quarter of a second slower.
                .filter(|(_, s)| {
                    s.read_unchecked()
                        .is_some_and(|read| read.workspace == workspace)
                })
                .map(|(h, s)| (h.clone(), s.clone()))
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &SignedStatement)> {
        self.0.iter()
    }
}
