//! Keys for the rows of a long list that follows a large document.
//!
//! A `<For>` keyed by each row's whole content rebuilds exactly the rows that changed,
//! but to do so it clones and hashes every row at every edit: a thousand people on the
//! People page, on every keystroke's save. [`RowVersions`] numbers each row's content
//! instead. A row keeps its number while its content is the same and gets a new one,
//! never given before, when it changes, so keying by the number rebuilds the same rows
//! while the list compares contents in place and clones only what changed.

use std::collections::HashMap;
use std::hash::Hash;

/// The version of each row's content, by row id.
///
/// ```ignore
/// // (browser only; tested in tests/browser_people.rs)
/// use throughline::ui::row_versions::RowVersions;
/// let mut versions = RowVersions::<&str, &str>::default();
/// let first = versions.follow([(&"ana", &"Engineer"), (&"bo", &"Designer")]);
/// let again = versions.follow([(&"ana", &"Engineer"), (&"bo", &"Lead designer")]);
/// assert_eq!(first[0], again[0]); // Ana unchanged: the same key, her row stays
/// assert_ne!(first[1], again[1]); // Bo changed: a new key, his row is rebuilt
/// ```
pub struct RowVersions<K, V> {
    rows: HashMap<K, Kept<V>>,
    /// The last version given.
    next: u64,
    /// Counts the calls of `follow`, to tell the rows it saw from those it did not.
    pass: u64,
}

/// A row's content as last followed, its version, and the pass that last saw it.
struct Kept<V> {
    content: V,
    version: u64,
    seen: u64,
}

impl<K, V> Default for RowVersions<K, V> {
    fn default() -> Self {
        Self {
            rows: HashMap::new(),
            next: 0,
            pass: 0,
        }
    }
}

/// A row's content as the versions keep it (`Self`, owned), against the same content as
/// the list reads it from the document (`Shown`, borrowed from it): compared in place,
/// and copied only when it changed. Any `PartialEq + Clone` content is its own shown form,
/// by reference; a row that also shows what it reads elsewhere (a person's manager's
/// name) keeps that too, so a change there is a change of the row.
pub trait RowContent<Shown> {
    /// Whether `shown` is this content.
    fn is(&self, shown: &Shown) -> bool;
    /// The content to keep for `shown`.
    fn kept(shown: &Shown) -> Self;
}

impl<V: PartialEq + Clone> RowContent<&V> for V {
    fn is(&self, shown: &&V) -> bool {
        self == *shown
    }

    fn kept(shown: &&V) -> Self {
        (*shown).clone()
    }
}

impl<K: Eq + Hash + Clone, V> RowVersions<K, V> {
    /// Each of `rows`, in their order, as its id and the version of its content; rows
    /// not among them are forgotten (one that comes back later gets a new version).
    pub fn follow<'a, S>(&mut self, rows: impl IntoIterator<Item = (&'a K, S)>) -> Vec<(K, u64)>
    where
        K: 'a,
        V: RowContent<S>,
    {
        // Kept in place: a row looked up once, its id copied once (for the list), and the
        // rows not seen dropped at the end; not a new map built at every edit.
        self.pass += 1;
        let pass = self.pass;
        let mut keyed = Vec::with_capacity(self.rows.len());
        for (id, content) in rows {
            let version = match self.rows.get_mut(id) {
                // A row listed twice in one pass gets a version of its own each time.
                Some(kept) if kept.seen != pass && kept.content.is(&content) => {
                    kept.seen = pass;
                    kept.version
                }
                Some(kept) => {
                    self.next += 1;
                    *kept = Kept {
                        content: V::kept(&content),
                        version: self.next,
                        seen: pass,
                    };
                    self.next
                }
                None => {
                    self.next += 1;
                    let kept = Kept {
                        content: V::kept(&content),
                        version: self.next,
                        seen: pass,
                    };
                    self.rows.insert(id.clone(), kept);
                    self.next
                }
            };
            keyed.push((id.clone(), version));
        }
        self.rows.retain(|_, kept| kept.seen == pass);
        keyed
    }

    /// The content kept for the row `id`, as last followed.
    pub fn content(&self, id: &K) -> Option<&V> {
        self.rows.get(id).map(|kept| &kept.content)
    }
}
