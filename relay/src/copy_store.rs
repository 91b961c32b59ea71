//! `throughline-relay copy-store --from <store> --to <store>`: moves a relay's documents
//! and its rules' log from a data directory into PostgreSQL, or back, and checks the
//! copy.
//!
//! A store is a data directory, or a PostgreSQL connection string (`postgres://…`,
//! `postgresql://…`, or `key=value` pairs). Every chunk and every line of the rules' log
//! is copied (a chunk already at the target under its key is left alone: a key always
//! holds the same changes), then the target is read back: each chunk must be there byte
//! for byte, each line of the log too, and each document's chunks must load. The source
//! is left as it was; remove it once the relay runs on the target. Stop the relays using
//! either store first, so nothing is written meanwhile.
//!
//! ```no_run
//! # async fn example() -> Result<(), String> {
//! let report = throughline_relay::copy_store::copy("data", "postgres://relay@db/throughline").await?;
//! println!("{report}");
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use samod::storage::StorageKey;

use crate::durable::{key_of, path_of, Chunks};
use crate::postgres::Postgres;
use crate::rules_log::{Line, RulesLog};

/// Where a relay keeps its documents.
enum Store {
    Directory(PathBuf),
    Postgres(Arc<Postgres>),
}

impl Store {
    fn read(text: &str) -> Result<Store, String> {
        let is_postgres = text.starts_with("postgres://")
            || text.starts_with("postgresql://")
            || text.contains('=');
        if is_postgres {
            Ok(Store::Postgres(Postgres::open(text)?))
        } else {
            Ok(Store::Directory(PathBuf::from(text)))
        }
    }

    fn chunks(&self) -> Chunks {
        match self {
            Store::Directory(dir) => Chunks::files(dir.join("documents"), dir.join("incoming")),
            Store::Postgres(postgres) => Chunks::Postgres(Arc::clone(postgres)),
        }
    }

    /// Every chunk, by its key's path.
    async fn all_chunks(&self) -> Result<BTreeMap<String, Vec<u8>>, String> {
        match self {
            Store::Directory(dir) => {
                let root = dir.join("documents");
                tokio::task::spawn_blocking(move || chunk_files(&root))
                    .await
                    .map_err(|error| error.to_string())?
            }
            Store::Postgres(postgres) => {
                postgres
                    .connect()
                    .await
                    .map_err(|error| format!("PostgreSQL does not answer: {error}"))?;
                Ok(postgres.load_range("").await.into_iter().collect())
            }
        }
    }

    /// Every line of the rules' log, in order.
    async fn all_lines(&self) -> Result<Vec<Line>, String> {
        match self {
            Store::Directory(dir) => Ok(RulesLog::files(dir).read_files()),
            Store::Postgres(postgres) => {
                let lines = postgres
                    .rules_log()
                    .await
                    .ok_or("PostgreSQL did not answer")?;
                Ok(lines
                    .into_iter()
                    .filter_map(|(kind, text)| Line::read(&kind, &text))
                    .collect())
            }
        }
    }

    async fn add_lines(&self, lines: Vec<Line>) -> Result<(), String> {
        match self {
            Store::Directory(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
                RulesLog::files(dir).add(lines);
                Ok(())
            }
            Store::Postgres(postgres) => {
                for line in lines {
                    let (kind, key) = line.kind_and_key();
                    let text = line.text().ok_or("a line that cannot be written")?;
                    postgres
                        .keep_rule(kind, &key, &text)
                        .await
                        .ok_or("PostgreSQL did not answer")?;
                }
                Ok(())
            }
        }
    }
}

/// What a copy did.
#[derive(Debug)]
pub struct Report {
    pub chunks: usize,
    pub documents: usize,
    pub bytes: usize,
    pub lines: usize,
    /// Documents whose chunks do not load (copied as they are, and named here).
    pub unreadable: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Copied {} chunks of {} documents ({} bytes) and {} lines of the rules' log; the copy reads back the same.",
            self.chunks, self.documents, self.bytes, self.lines
        )?;
        if !self.unreadable.is_empty() {
            write!(
                f,
                "\nThese documents did not load in the source either (copied as they were): {}",
                self.unreadable.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Copies store `from` into store `to` and checks the copy.
pub async fn copy(from: &str, to: &str) -> Result<Report, String> {
    let (source, target) = (Store::read(from)?, Store::read(to)?);
    if let Store::Directory(dir) = &source {
        if !dir.is_dir() {
            return Err(format!("there is no data directory at {}", dir.display()));
        }
    }
    if let Store::Postgres(postgres) = &target {
        // Once, so that a database that is not there fails the copy instead of being
        // waited for.
        postgres
            .connect()
            .await
            .map_err(|error| format!("PostgreSQL does not answer: {error}"))?;
    }
    let chunks = source.all_chunks().await?;
    let lines = source.all_lines().await?;
    let writing = target.chunks();
    for (path, bytes) in &chunks {
        let key =
            key_of(path).ok_or_else(|| format!("a chunk with a key that does not read: {path}"))?;
        writing
            .write(&key, bytes)
            .await
            .map_err(|error| format!("chunk {path} could not be written: {error}"))?;
    }
    target.add_lines(lines.clone()).await?;

    // Read back.
    let copied = target.all_chunks().await?;
    for (path, bytes) in &chunks {
        match copied.get(path) {
            Some(there) if there == bytes => {}
            Some(_) => return Err(format!("the target holds other bytes under {path}")),
            None => return Err(format!("chunk {path} is not in the target")),
        }
    }
    let kept = target.all_lines().await?;
    for line in &lines {
        if !kept.contains(line) {
            let (kind, key) = line.kind_and_key();
            return Err(format!(
                "the rules' {kind} line for {key} is not in the target"
            ));
        }
    }
    let mut documents: HashMap<&str, Vec<&Vec<u8>>> = HashMap::new();
    for (path, bytes) in &chunks {
        if let Some((document, _)) = path.split_once('/') {
            documents.entry(document).or_default().push(bytes);
        }
    }
    let mut unreadable: Vec<String> = documents
        .iter()
        .filter(|(_, parts)| {
            let mut doc = automerge::Automerge::new();
            parts
                .iter()
                .any(|bytes| doc.load_incremental(bytes).is_err())
        })
        .map(|(document, _)| (*document).to_owned())
        .collect();
    unreadable.sort();
    Ok(Report {
        chunks: chunks.len(),
        documents: documents.len(),
        bytes: chunks.values().map(Vec::len).sum(),
        lines: lines.len(),
        unreadable,
    })
}

/// Every chunk file under `root` (automerge-repo's layout: a key's first part split after
/// its second character into two directory levels, then one level per further part), by
/// its key's path. A file directly under `root` is no chunk and is left out.
fn chunk_files(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut found = BTreeMap::new();
    // Each directory with the key parts its path names, and how deep it is (0: the root,
    // 1: a split of a first part).
    let mut pending: Vec<(PathBuf, Vec<String>, usize)> = vec![(root.to_path_buf(), Vec::new(), 0)];
    while let Some((dir, parts, depth)) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(format!("cannot read {}: {error}", dir.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let mut parts = parts.clone();
            match depth {
                0 => parts.push(name),
                1 => parts[0].push_str(&name),
                _ => parts.push(name),
            }
            let path = entry.path();
            if path.is_dir() {
                pending.push((path, parts, depth + 1));
            } else if depth > 0 {
                let key = StorageKey::from_parts(&parts)
                    .map_err(|_| format!("a file that is not a chunk: {}", path.display()))?;
                let bytes = std::fs::read(&path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                found.insert(path_of(&key), bytes);
            }
        }
    }
    Ok(found)
}
