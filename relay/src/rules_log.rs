//! What the rules keep beyond the documents: each document's owner, each workspace's
//! pinned root, every statement that counted (`crate::rules`), and what was found of the
//! history a document held when a workspace first listed it (`crate::held_history`). On
//! disk, three files of JSON lines in the data directory (`owners.jsonl`,
//! `statements.jsonl`, `verdicts.jsonl`); on PostgreSQL,
//! one table every instance shares (`throughline_rules_log`), so that every instance
//! decides alike.
//!
//! Each line has a kind and a key (the document, the workspace, the workspace and the
//! statement's hash), and the first line of a kind and key is the one that holds: a file
//! is read from its start, the table in the order its rows were added, and a second
//! instance adding a line under a key already taken is told the line that holds (and
//! corrects what it noted, `Registry::learn`).
//!
//! ```
//! use throughline_relay::rules_log::Line;
//! let line = Line::read("owner", r#"{"document":"a","workspace":"b"}"#);
//! assert!(matches!(line, Some(Line::Owner(_))));
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use throughline::model::identity::{DeviceKey, SignedStatement};

use crate::postgres::Postgres;

/// A document's owner, or (with `root`) a workspace's pinned root.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OwnerLine {
    pub document: String,
    pub workspace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceKey>,
    /// On a workspace's own line: the root the relay pinned for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<DeviceKey>,
    /// Named by `device` before any workspace listed it: if a workspace lists it as a
    /// document several people write, what it held by then is checked as its maker's
    /// (`crate::held_history`). Lines kept by earlier builds say nothing, and their
    /// documents are not checked so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub before_listing: bool,
}

/// What the relay found of the history `document` held when `workspace` listed it as a
/// document several people write: its maker's to have made (`refused` empty), or why not.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VerdictLine {
    pub document: String,
    pub workspace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// A statement that counted in a workspace.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StatementLine {
    pub workspace: String,
    pub hash: String,
    pub statement: SignedStatement,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Owner(OwnerLine),
    Statement(StatementLine),
    Verdict(VerdictLine),
}

impl Line {
    /// Reads a line of `kind` (`owner`, `root`, `statement` or `verdict`).
    pub fn read(kind: &str, text: &str) -> Option<Line> {
        match kind {
            "owner" | "root" => serde_json::from_str(text).ok().map(Line::Owner),
            "statement" => serde_json::from_str(text).ok().map(Line::Statement),
            "verdict" => serde_json::from_str(text).ok().map(Line::Verdict),
            _ => None,
        }
    }

    /// Its kind and key: the first line of a kind and key holds.
    pub fn kind_and_key(&self) -> (&'static str, String) {
        match self {
            Line::Owner(line) if line.root.is_some() => ("root", line.workspace.clone()),
            Line::Owner(line) => ("owner", line.document.clone()),
            Line::Statement(line) => ("statement", format!("{}/{}", line.workspace, line.hash)),
            Line::Verdict(line) => ("verdict", line.document.clone()),
        }
    }

    pub fn text(&self) -> Option<String> {
        match self {
            Line::Owner(line) => serde_json::to_string(line).ok(),
            Line::Statement(line) => serde_json::to_string(line).ok(),
            Line::Verdict(line) => serde_json::to_string(line).ok(),
        }
    }
}

/// Where the lines are kept.
pub enum RulesLog {
    Files {
        owners: PathBuf,
        statements: PathBuf,
        verdicts: PathBuf,
    },
    /// Added by a task of their own (`keep_in_postgres`), in order, or at once
    /// ([`RulesLog::add_and_hold`]).
    Postgres {
        adding: tokio::sync::mpsc::UnboundedSender<Line>,
        postgres: Arc<Postgres>,
    },
}

impl RulesLog {
    /// The files in `data_dir`.
    pub fn files(data_dir: &Path) -> RulesLog {
        RulesLog::Files {
            owners: data_dir.join("owners.jsonl"),
            statements: data_dir.join("statements.jsonl"),
            verdicts: data_dir.join("verdicts.jsonl"),
        }
    }

    /// Every line kept in files, in order (an unreadable line is skipped and logged).
    pub fn read_files(&self) -> Vec<Line> {
        let RulesLog::Files {
            owners,
            statements,
            verdicts,
        } = self
        else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for (path, kind) in [
            (owners, "owner"),
            (statements, "statement"),
            (verdicts, "verdict"),
        ] {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            for (number, text) in text.lines().enumerate() {
                match Line::read(kind, text) {
                    Some(line) => lines.push(line),
                    None => tracing::warn!(
                        file = %path.display(),
                        line = number + 1,
                        "a line cannot be read; it is skipped"
                    ),
                }
            }
        }
        lines
    }

    /// Adds lines (a file's error is logged: the relay goes on with what it noted).
    pub fn add(&self, lines: Vec<Line>) {
        match self {
            RulesLog::Files {
                owners,
                statements,
                verdicts,
            } => {
                let mut by_file: [(PathBuf, String); 3] = [
                    (owners.clone(), String::new()),
                    (statements.clone(), String::new()),
                    (verdicts.clone(), String::new()),
                ];
                for line in &lines {
                    let Some(text) = line.text() else { continue };
                    let file = match line {
                        Line::Owner(_) => &mut by_file[0].1,
                        Line::Statement(_) => &mut by_file[1].1,
                        Line::Verdict(_) => &mut by_file[2].1,
                    };
                    file.push_str(&text);
                    file.push('\n');
                }
                for (path, text) in by_file {
                    if text.is_empty() {
                        continue;
                    }
                    let written = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .and_then(|mut file| file.write_all(text.as_bytes()));
                    if let Err(error) = written {
                        tracing::error!(file = %path.display(), %error, "the rules' file could not be written");
                    }
                }
            }
            RulesLog::Postgres { adding, .. } => {
                for line in lines {
                    let _ = adding.send(line);
                }
            }
        }
    }

    /// Adds `line` and waits until it is kept; the line that holds instead, when another
    /// instance took its kind and key first.
    pub async fn add_and_hold(&self, line: Line) -> Option<Line> {
        let RulesLog::Postgres { postgres, .. } = self else {
            self.add(vec![line]);
            return None;
        };
        let (kind, key) = line.kind_and_key();
        let text = line.text()?;
        let holding = postgres.keep_rule(kind, &key, &text).await?;
        if holding == text {
            return None;
        }
        Line::read(kind, &holding)
    }
}

/// Adds the lines sent on `lines` to PostgreSQL, in order; a line whose kind and key were
/// taken by another instance first is answered with the line that holds, passed to
/// `held` (unless it is the same).
pub async fn keep_in_postgres(
    postgres: Arc<Postgres>,
    mut lines: tokio::sync::mpsc::UnboundedReceiver<Line>,
    held: impl Fn(Line),
) {
    while let Some(line) = lines.recv().await {
        let (kind, key) = line.kind_and_key();
        let Some(text) = line.text() else { continue };
        let Some(holding) = postgres.keep_rule(kind, &key, &text).await else {
            // The relay is stopping.
            return;
        };
        if holding != text {
            if let Some(holding) = Line::read(kind, &holding) {
                held(holding);
            }
        }
    }
}
