//! Files that carry documents between devices: the workspace archive (every document,
//! with full history) and single `.automerge` documents. Reading a file checks all of it
//! before anything is written, so a bad file changes nothing. The shapes are documented
//! in `docs/formats.md`.

use automerge::{AutoCommit, LoadOptions, OnPartialLoad};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::model::DocumentId;

pub const ARCHIVE_FORMAT: &str = "throughline-archive";
pub const ARCHIVE_VERSION: u32 = 1;
/// The first bytes of every Automerge document or change chunk.
const AUTOMERGE_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArchiveJson {
    format: String,
    version: u32,
    workspace: String,
    exported_at: i64,
    documents: Vec<ArchivedDocument>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ArchivedDocument {
    url: String,
    /// The document's `save()` in standard base64.
    automerge: String,
}

/// The archive of a workspace: `documents` are `(id, save())` pairs, the workspace first.
pub fn write_archive(
    workspace: DocumentId,
    documents: &[(DocumentId, Vec<u8>)],
    exported_at: i64,
) -> String {
    let archive = ArchiveJson {
        format: ARCHIVE_FORMAT.to_owned(),
        version: ARCHIVE_VERSION,
        workspace: workspace.url(),
        exported_at,
        documents: documents
            .iter()
            .map(|(id, bytes)| ArchivedDocument {
                url: id.url(),
                automerge: base64::engine::general_purpose::STANDARD.encode(bytes),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&archive).unwrap_or_default()
}

/// The name a document's `.automerge` export gets, so that importing it finds its document.
pub fn document_file_name(id: DocumentId) -> String {
    format!("{id}.automerge")
}

/// A file that has been read and checked, ready to import.
pub struct ImportFile {
    /// The workspace an archive belongs to; `None` for a single `.automerge` document
    /// (the import finds out what it is).
    pub workspace: Option<DocumentId>,
    /// Every document in the file, loaded and verified.
    pub documents: Vec<(DocumentId, AutoCommit)>,
}

/// Why a file was refused. Nothing has been changed when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("The file is empty.")]
    Empty,
    #[error("This is not a Throughline file. Import a workspace archive (.json) or a document (.automerge) exported by Throughline.")]
    NotThroughline,
    #[error("This JSON file is not a Throughline archive. (A workspace exported as JSON is for reading; to move data between devices, export the archive.)")]
    OtherJson,
    #[error("This archive was written by a newer version of Throughline (format version {0}). Update the app, then import it again.")]
    NewerVersion(u32),
    #[error("The file is damaged or incomplete: {0}")]
    Damaged(String),
    #[error("Throughline cannot tell which document this .automerge file belongs to: its name should be the document id followed by .automerge, as Throughline names its exports.")]
    UnnamedDocument,
    #[error("This file belongs to the workspace of {theirs}, and this device already holds the workspace of {ours}. Importing it would mix two organisations, so nothing was imported.")]
    OtherWorkspace { theirs: String, ours: String },
    #[error("The file could not be stored on this device: {0}")]
    Storage(String),
}

/// Reads and checks a file picked for import.
pub fn read_import(file_name: &str, bytes: &[u8]) -> Result<ImportFile, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(&AUTOMERGE_MAGIC) {
        let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let stem = stem.strip_suffix(".automerge").unwrap_or(stem);
        let id: DocumentId = stem.parse().map_err(|_| ImportError::UnnamedDocument)?;
        let doc = load_strict(bytes)?;
        return Ok(ImportFile {
            workspace: None,
            documents: vec![(id, doc)],
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotThroughline)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| ImportError::NotThroughline)?;
    if value.get("format").and_then(|f| f.as_str()) != Some(ARCHIVE_FORMAT) {
        return Err(ImportError::OtherJson);
    }
    let archive: ArchiveJson = serde_json::from_value(value)
        .map_err(|e| ImportError::Damaged(format!("the archive is incomplete ({e})")))?;
    if archive.version > ARCHIVE_VERSION {
        return Err(ImportError::NewerVersion(archive.version));
    }
    let workspace = DocumentId::from_url(&archive.workspace)
        .map_err(|e| ImportError::Damaged(format!("the workspace id is not valid ({e})")))?;
    let mut documents = Vec::with_capacity(archive.documents.len());
    for entry in archive.documents {
        let id = DocumentId::from_url(&entry.url)
            .map_err(|e| ImportError::Damaged(format!("a document id is not valid ({e})")))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(entry.automerge.as_bytes())
            .map_err(|_| ImportError::Damaged(format!("document {id} is not valid base64")))?;
        documents.push((id, load_strict(&bytes)?));
    }
    if !documents.iter().any(|(id, _)| *id == workspace) {
        return Err(ImportError::Damaged(
            "the archive does not contain its workspace document".into(),
        ));
    }
    Ok(ImportFile {
        workspace: Some(workspace),
        documents,
    })
}

fn load_strict(bytes: &[u8]) -> Result<AutoCommit, ImportError> {
    AutoCommit::load_with_options(
        bytes,
        LoadOptions::new().on_partial_load(OnPartialLoad::Error),
    )
    .map_err(|e| ImportError::Damaged(e.to_string()))
}
