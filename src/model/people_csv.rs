//! Importing people from a CSV file (RFC 4180), as a new HR lead brings over a
//! spreadsheet.
//!
//! The file has a header row naming its columns, in any order and any case: `name`
//! (required), `title`, `email`, `manager` (the manager's name or email, as written in the
//! same file or already in the workspace) and `team` (a team's name; a team that does not
//! exist yet is created). Fields may be quoted (`"Lima, Ana"`), with doubled quotes inside
//! (`"Ana ""AL"" Lima"`) and line breaks inside; lines end in CRLF or LF; a UTF-8 byte
//! order mark is skipped.
//!
//! A bad file changes nothing: [`check`] reads the whole file and lists every problem with
//! its line, and only a file with none becomes an [`ImportPlan`], which adds everyone (and
//! the new teams) at once. People are added with [`Workspace::add_person`] and teams with
//! [`Workspace::add_team`], so an import obeys the same rules as the form.
//!
//! Someone already in the workspace (the same email; or the same name, when the file or
//! the workspace has no email for them) is not added again: they are reported as already
//! here and skipped, and their details in the workspace are left as they are.
//!
//! ```
//! use throughline::model::people_csv::import_people;
//! use throughline::model::Workspace;
//!
//! let mut ws = Workspace::new("Acme");
//! let file = "Name,Title,Manager,Team\r\n\
//!             Ana Lima,Chief Executive,,\r\n\
//!             \"Chen, Bo\",Sales Lead,Ana Lima,Sales\r\n";
//! let summary = import_people(&mut ws, file.as_bytes()).unwrap();
//! assert_eq!(summary.to_string(), "Added 2 people and 1 team.");
//!
//! let refused = import_people(&mut ws, b"name,manager\nCy Diaz,Zed Q\n").unwrap_err();
//! assert_eq!(
//!     refused.errors[0].to_string(),
//!     "Line 2: the manager \"Zed Q\" is neither in the file nor in the workspace."
//! );
//! assert_eq!(ws.people.len(), 2, "a bad file changes nothing");
//! ```

use std::collections::HashMap;
use std::fmt;

use super::{PersonDetails, PersonId, TeamDetails, TeamId, Workspace, WorkspaceError};

/// The columns a file may have, in the order the page lists them.
pub const COLUMNS: [&str; 5] = ["name", "title", "email", "manager", "team"];

/// The most people one file may bring.
pub const MAX_PEOPLE: usize = 5_000;

/// The largest file read, in bytes.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// A problem with a file of people. The text is shown to the person as it is; each names
/// its line (the header is line 1; a record that spans lines is named by its first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleCsvError {
    // ---- the file as a whole ----
    #[error("The file is empty.")]
    Empty,
    #[error("The file has a header but no people.")]
    NoPeople,
    #[error("The file is not UTF-8 text; save it from your spreadsheet as \"CSV UTF-8\".")]
    NotUtf8,
    #[error("The file is too large (at most {} MB).", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("The file has {count} people; import at most {MAX_PEOPLE} at a time.")]
    TooManyPeople { count: usize },

    // ---- reading it as CSV ----
    #[error("Line {line}: a quoted field is not closed (a \" is missing).")]
    UnclosedQuote { line: usize },
    #[error(
        "Line {line}: there is text after a closing quote; inside quotes, write a quote twice (\"\")."
    )]
    TextAfterQuote { line: usize },

    // ---- the header ----
    #[error(
        "Line {line}: unknown column \"{column}\"; the columns are name, title, email, manager and team."
    )]
    UnknownColumn { line: usize, column: String },
    #[error("Line {line}: the column \"{column}\" appears twice.")]
    RepeatedColumn { line: usize, column: String },
    #[error("Line {line}: there is no \"name\" column; the first line must name the columns.")]
    NoNameColumn { line: usize },
    #[error("Line {line}: column {column} has a value but no name in the header.")]
    UnnamedColumn { line: usize, column: usize },
    #[error("Line {line}: {fields} fields, but the header names {columns} columns.")]
    TooManyFields {
        line: usize,
        fields: usize,
        columns: usize,
    },

    // ---- a person ----
    #[error("Line {line}: no name.")]
    NoName { line: usize },
    #[error("Line {line}: the {column} has a line break or another control character in it.")]
    ControlCharacter { line: usize, column: &'static str },
    #[error("Line {line}: the email \"{email}\" does not look like an email.")]
    InvalidEmail { line: usize, email: String },
    /// Any other refusal of [`Workspace::add_person`] (a name too long, say).
    #[error("Line {line}: {error}")]
    Person { line: usize, error: WorkspaceError },
    #[error("Line {line}: \"{name}\" is already on line {first_line}; give each their own email to tell them apart.")]
    DuplicateName {
        line: usize,
        name: String,
        first_line: usize,
    },
    #[error("Line {line}: the email \"{email}\" is already on line {first_line}.")]
    DuplicateEmail {
        line: usize,
        email: String,
        first_line: usize,
    },

    // ---- managers and teams ----
    #[error("Line {line}: the manager \"{manager}\" is neither in the file nor in the workspace.")]
    ManagerNotFound { line: usize, manager: String },
    #[error("Line {line}: the manager \"{manager}\" could be any of {count} people; write their email instead.")]
    ManagerAmbiguous {
        line: usize,
        manager: String,
        count: usize,
    },
    #[error("Line {line}: {name} cannot be their own manager.")]
    OwnManager { line: usize, name: String },
    #[error("Line {line}: these people report to each other in a loop: {names}.")]
    ManagerLoop { line: usize, names: String },
    /// A new team's name refused by [`Workspace::add_team`].
    #[error("Line {line}: the team \"{team}\": {error}")]
    Team {
        line: usize,
        team: String,
        error: WorkspaceError,
    },
}

impl PeopleCsvError {
    /// The line the problem is on (0 for the file as a whole).
    pub fn line(&self) -> usize {
        match self {
            Self::Empty
            | Self::NoPeople
            | Self::NotUtf8
            | Self::TooLarge
            | Self::TooManyPeople { .. } => 0,
            Self::UnclosedQuote { line }
            | Self::UnknownColumn { line, .. }
            | Self::RepeatedColumn { line, .. }
            | Self::NoNameColumn { line }
            | Self::TextAfterQuote { line }
            | Self::UnnamedColumn { line, .. }
            | Self::TooManyFields { line, .. }
            | Self::NoName { line }
            | Self::ControlCharacter { line, .. }
            | Self::InvalidEmail { line, .. }
            | Self::Person { line, .. }
            | Self::DuplicateName { line, .. }
            | Self::DuplicateEmail { line, .. }
            | Self::ManagerNotFound { line, .. }
            | Self::ManagerAmbiguous { line, .. }
            | Self::OwnManager { line, .. }
            | Self::ManagerLoop { line, .. }
            | Self::Team { line, .. } => *line,
        }
    }
}

/// Why nothing was imported: every problem in the file, by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRefused {
    pub errors: Vec<PeopleCsvError>,
}

impl fmt::Display for ImportRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nothing was imported.")?;
        for error in &self.errors {
            write!(f, " {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportRefused {}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The people added, in the file's order.
    pub added: Vec<PersonId>,
    pub teams_added: usize,
    /// The names of the people already here, skipped, in the file's order.
    pub already_here: Vec<String>,
}

impl fmt::Display for ImportSummary {
    /// "Added 12 people and 2 teams." then, if any, who was already here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let people = count(self.added.len(), "person", "people");
        match (self.added.len(), self.teams_added) {
            (0, _) => f.write_str("No one was added.")?,
            (_, 0) => write!(f, "Added {people}.")?,
            (_, teams) => write!(f, "Added {people} and {}.", count(teams, "team", "teams"))?,
        }
        if !self.already_here.is_empty() {
            write!(
                f,
                " {} already here, so skipped: {}.",
                count(self.already_here.len(), "person", "people"),
                self.already_here.join(", ")
            )?;
        }
        Ok(())
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A record of a CSV file: its fields, and the line it starts on (the first is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Reads `text` as CSV (RFC 4180): fields separated by commas, records by CRLF or LF (a
/// lone CR too), quoted fields with doubled quotes, commas and line breaks inside, a
/// leading byte order mark skipped. Lenient where nothing is ambiguous: spaces around a
/// quoted field are dropped, and a quote inside an unquoted field is kept as it is. Empty
/// lines are records with one empty field.
///
/// ```
/// use throughline::model::people_csv::parse_csv;
/// let records = parse_csv("\u{feff}a,\"b, \"\"c\"\"\"\r\n\"d\ne\",f").unwrap();
/// assert_eq!(records[0].fields, ["a", "b, \"c\""]);
/// assert_eq!((records[1].line, records[1].fields.clone()), (2, vec!["d\ne".to_owned(), "f".to_owned()]));
/// ```
pub fn parse_csv(text: &str) -> Result<Vec<CsvRecord>, Vec<PeopleCsvError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quote_line = 1;
    // The field was quoted and its closing quote has been read.
    let mut after_quote = false;
    // A record's stray text after a quote is reported once.
    let mut reported_after_quote = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    field.push('\n');
                    line += 1;
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                records.push(CsvRecord {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
                after_quote = false;
                reported_after_quote = false;
                line += 1;
                record_line = line;
            }
            ' ' | '\t' if after_quote => {}
            _ if after_quote => {
                if !reported_after_quote {
                    errors.push(PeopleCsvError::TextAfterQuote { line });
                    reported_after_quote = true;
                }
            }
            // A quote opens a quoted field where nothing but spaces came before it.
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quote_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        errors.push(PeopleCsvError::UnclosedQuote { line: quote_line });
    } else if !fields.is_empty() || !field.is_empty() || after_quote {
        fields.push(field);
        records.push(CsvRecord {
            line: record_line,
            fields,
        });
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// Whom a row's manager is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Someone {
    /// Already in the workspace.
    Here(PersonId),
    /// The new person of this index in [`ImportPlan::people`].
    New(usize),
}

/// A team a new person joins.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TeamRef {
    Here(TeamId),
    /// The new team of this index in [`ImportPlan::new_teams`].
    New(usize),
}

/// A person the file adds.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NewPerson {
    line: usize,
    name: String,
    title: String,
    email: String,
    manager: Option<Someone>,
    team: Option<TeamRef>,
}

/// A checked file: who will be added, which teams created, who is already here. Made by
/// [`check`]; [`ImportPlan::apply`] adds them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// In the order they are added: everyone after their manager, otherwise the file's.
    people: Vec<NewPerson>,
    new_teams: Vec<(usize, String)>,
    already_here: Vec<String>,
}

impl ImportPlan {
    /// How many people the file adds.
    pub fn people_to_add(&self) -> usize {
        self.people.len()
    }

    /// Adds everyone and every new team to `ws`, all or nothing. Adding refused (the
    /// workspace changed since [`check`]) leaves `ws` as it was.
    pub fn apply(&self, ws: &mut Workspace) -> Result<ImportSummary, ImportRefused> {
        let mut changed = ws.clone();
        let refused = |error| ImportRefused {
            errors: vec![error],
        };
        let team_ids: Vec<TeamId> = self.new_teams.iter().map(|_| TeamId::random()).collect();
        for ((line, name), id) in self.new_teams.iter().zip(&team_ids) {
            changed
                .add_team(
                    id.clone(),
                    TeamDetails {
                        name: name.clone(),
                        lead: None,
                    },
                )
                .map_err(|error| {
                    refused(PeopleCsvError::Team {
                        line: *line,
                        team: name.clone(),
                        error,
                    })
                })?;
        }
        let person_ids: Vec<PersonId> = self.people.iter().map(|_| PersonId::random()).collect();
        for (person, id) in self.people.iter().zip(&person_ids) {
            let manager = person.manager.as_ref().map(|m| match m {
                Someone::Here(id) => id.clone(),
                Someone::New(i) => person_ids[*i].clone(),
            });
            let team = person.team.as_ref().map(|t| match t {
                TeamRef::Here(id) => id.clone(),
                TeamRef::New(i) => team_ids[*i].clone(),
            });
            let details = PersonDetails {
                name: person.name.clone(),
                title: person.title.clone(),
                email: person.email.clone(),
                manager,
                team,
            };
            changed
                .add_person(id.clone(), details)
                .map_err(|error| refused(person_error(person.line, error)))?;
        }
        *ws = changed;
        let mut added: Vec<(usize, PersonId)> = self
            .people
            .iter()
            .zip(person_ids)
            .map(|(p, id)| (p.line, id))
            .collect();
        added.sort_by_key(|(line, _)| *line);
        Ok(ImportSummary {
            added: added.into_iter().map(|(_, id)| id).collect(),
            teams_added: self.new_teams.len(),
            already_here: self.already_here.clone(),
        })
    }
}

/// Checks a file of people against `ws` and, if it is good, imports it: see [`check`] and
/// [`ImportPlan::apply`]. A refused file leaves `ws` as it was.
pub fn import_people(ws: &mut Workspace, bytes: &[u8]) -> Result<ImportSummary, ImportRefused> {
    let plan = check(ws, bytes).map_err(|errors| ImportRefused { errors })?;
    plan.apply(ws)
}

/// A row of the file with a name, as read.
struct Row {
    line: usize,
    name: String,
    title: String,
    email: String,
    manager: String,
    team: String,
    /// The person in the workspace this row is, if any.
    here: Option<PersonId>,
}

/// Reads the whole file and checks it against `ws`: every problem, by line, or the plan
/// of what importing it adds.
pub fn check(ws: &Workspace, bytes: &[u8]) -> Result<ImportPlan, Vec<PeopleCsvError>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![PeopleCsvError::TooLarge]);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| vec![PeopleCsvError::NotUtf8])?;
    let records = parse_csv(text)?;
    let blank = |record: &CsvRecord| record.fields.iter().all(|f| f.trim().is_empty());
    let mut records = records.into_iter().filter(|r| !blank(r));
    let Some(header) = records.next() else {
        return Err(vec![PeopleCsvError::Empty]);
    };
    let data: Vec<CsvRecord> = records.collect();

    let mut errors = Vec::new();
    // Which known column each field of a record holds (`None`: a column with no name).
    let mut columns: Vec<Option<usize>> = Vec::new();
    for raw in &header.fields {
        let name = raw.trim().to_lowercase();
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        match COLUMNS.iter().position(|c| *c == name) {
            Some(known) if columns.contains(&Some(known)) => {
                errors.push(PeopleCsvError::RepeatedColumn {
                    line: header.line,
                    column: raw.trim().to_owned(),
                });
                columns.push(None);
            }
            Some(known) => columns.push(Some(known)),
            None => {
                errors.push(PeopleCsvError::UnknownColumn {
                    line: header.line,
                    column: raw.trim().to_owned(),
                });
                columns.push(None);
            }
        }
    }
    if !columns.contains(&Some(0)) {
        errors.push(PeopleCsvError::NoNameColumn { line: header.line });
        return Err(errors);
    }
    if data.is_empty() {
        errors.push(PeopleCsvError::NoPeople);
        return Err(errors);
    }
    if data.len() > MAX_PEOPLE {
        errors.push(PeopleCsvError::TooManyPeople { count: data.len() });
        return Err(errors);
    }

    // The workspace's people by email and by name (lower case), in name order.
    let mut here_by_email: HashMap<String, Vec<PersonId>> = HashMap::new();
    let mut here_by_name: HashMap<String, Vec<(PersonId, bool)>> = HashMap::new();
    for (id, person) in ws.people_by_name() {
        let email = person.email.trim().to_lowercase();
        if !email.is_empty() {
            here_by_email
                .entry(email.clone())
                .or_default()
                .push(id.clone());
        }
        here_by_name
            .entry(person.name.trim().to_lowercase())
            .or_default()
            .push((id.clone(), email.is_empty()));
    }

    // Each row by itself: its fields, its name and email, duplicates, already here.
    let mut rows: Vec<Row> = Vec::new();
    let mut file_by_email: HashMap<String, usize> = HashMap::new();
    let mut file_by_name: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
    for record in &data {
        let line = record.line;
        let mut values: [String; 5] = Default::default();
        let mut row_errors = Vec::new();
        for (at, value) in record.fields.iter().enumerate() {
            match columns.get(at) {
                Some(Some(column)) => values[*column] = value.trim().to_owned(),
                // (A column with an unknown name was reported for the header already.)
                Some(None) if !value.trim().is_empty() && header.fields[at].trim().is_empty() => {
                    row_errors.push(PeopleCsvError::UnnamedColumn {
                        line,
                        column: at + 1,
                    });
                }
                Some(None) => {}
                None if !value.trim().is_empty() => {
                    row_errors.push(PeopleCsvError::TooManyFields {
                        line,
                        fields: record.fields.len(),
                        columns: columns.len(),
                    });
                    break;
                }
                None => {}
            }
        }
        for (column, value) in COLUMNS.iter().zip(&values) {
            if value.chars().any(char::is_control) {
                row_errors.push(PeopleCsvError::ControlCharacter { line, column });
            }
        }
        let [name, title, email, manager, team] = values;
        if name.is_empty() {
            row_errors.push(PeopleCsvError::NoName { line });
            errors.extend(row_errors);
            continue;
        }
        // The workspace's own rules for a person, on an empty workspace.
        let details = PersonDetails {
            name: name.clone(),
            title: title.clone(),
            email: email.clone(),
            manager: None,
            team: None,
        };
        if let Err(error) = Workspace::default().add_person(PersonId::from("check"), details) {
            row_errors.push(person_error(line, error));
        }

        let name_key = name.to_lowercase();
        let email_key = email.to_lowercase();
        let mut duplicate = false;
        if !email_key.is_empty() {
            if let Some(&first_line) = file_by_email.get(&email_key) {
                row_errors.push(PeopleCsvError::DuplicateEmail {
                    line,
                    email: email.clone(),
                    first_line,
                });
                duplicate = true;
            }
        }
        if !duplicate {
            let mut same_name = file_by_name.get(&name_key).into_iter().flatten();
            // Namesakes are two people only when each has an email (and they differ).
            if let Some(&(first_line, _)) =
                same_name.find(|(_, had_email)| email_key.is_empty() || !had_email)
            {
                row_errors.push(PeopleCsvError::DuplicateName {
                    line,
                    name: name.clone(),
                    first_line,
                });
                duplicate = true;
            }
        }
        if duplicate {
            // The same person as an earlier row: not someone else to point at.
            errors.extend(row_errors);
            continue;
        }
        if !email_key.is_empty() {
            file_by_email.insert(email_key.clone(), line);
        }
        file_by_name
            .entry(name_key.clone())
            .or_default()
            .push((line, !email_key.is_empty()));

        let here = if email_key.is_empty() {
            here_by_name
                .get(&name_key)
                .and_then(|same| same.first())
                .map(|(id, _)| id.clone())
        } else {
            here_by_email
                .get(&email_key)
                .and_then(|same| same.first())
                .cloned()
                .or_else(|| {
                    here_by_name.get(&name_key).and_then(|same| {
                        same.iter()
                            .find(|(_, no_email)| *no_email)
                            .map(|(id, _)| id.clone())
                    })
                })
        };
        errors.extend(row_errors);
        rows.push(Row {
            line,
            name,
            title,
            email,
            manager,
            team,
            here,
        });
    }

    // Whom a manager's name or email can mean: the workspace's people, and the file's
    // (a row already here means the person here).
    let new_index: Vec<Option<usize>> = {
        let mut next = 0;
        rows.iter()
            .map(|row| {
                (row.here.is_none()).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let mut by_email: HashMap<String, Vec<Someone>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<Someone>> = HashMap::new();
    let note = |map: &mut HashMap<String, Vec<Someone>>, key: String, who: Someone| {
        if key.is_empty() {
            return;
        }
        let entry = map.entry(key).or_default();
        if !entry.contains(&who) {
            entry.push(who);
        }
    };
    for (id, person) in &ws.people {
        note(
            &mut by_email,
            person.email.trim().to_lowercase(),
            Someone::Here(id.clone()),
        );
        note(
            &mut by_name,
            person.name.trim().to_lowercase(),
            Someone::Here(id.clone()),
        );
    }
    for (row, new) in rows.iter().zip(&new_index) {
        let who = match (&row.here, new) {
            (Some(id), _) => Someone::Here(id.clone()),
            (None, Some(i)) => Someone::New(*i),
            (None, None) => continue,
        };
        note(&mut by_email, row.email.to_lowercase(), who.clone());
        note(&mut by_name, row.name.to_lowercase(), who);
    }

    // The new people: managers and teams resolved.
    let mut people: Vec<NewPerson> = Vec::new();
    let mut already_here = Vec::new();
    let mut new_teams: Vec<(usize, String)> = Vec::new();
    let mut new_team_index: HashMap<String, usize> = HashMap::new();
    let teams_here: HashMap<String, TeamId> = {
        let mut teams = HashMap::new();
        // The first by name, when two teams here share a name.
        for (id, team) in ws.teams_by_name().into_iter().rev() {
            teams.insert(team.name.trim().to_lowercase(), id.clone());
        }
        teams
    };
    for (row, new) in rows.iter().zip(&new_index) {
        let Some(index) = new else {
            already_here.push(row.name.clone());
            continue;
        };
        let manager = if row.manager.is_empty() {
            None
        } else {
            let key = row.manager.to_lowercase();
            let found = by_email
                .get(&key)
                .filter(|found| !found.is_empty())
                .or_else(|| by_name.get(&key))
                .cloned()
                .unwrap_or_default();
            match found.as_slice() {
                [] => {
                    errors.push(PeopleCsvError::ManagerNotFound {
                        line: row.line,
                        manager: row.manager.clone(),
                    });
                    None
                }
                [Someone::New(i)] if i == index => {
                    errors.push(PeopleCsvError::OwnManager {
                        line: row.line,
                        name: row.name.clone(),
                    });
                    None
                }
                [one] => Some(one.clone()),
                many => {
                    errors.push(PeopleCsvError::ManagerAmbiguous {
                        line: row.line,
                        manager: row.manager.clone(),
                        count: many.len(),
                    });
                    None
                }
            }
        };
        let team = if row.team.is_empty() {
            None
        } else {
            let key = row.team.to_lowercase();
            if let Some(id) = teams_here.get(&key) {
                Some(TeamRef::Here(id.clone()))
            } else if let Some(&i) = new_team_index.get(&key) {
                Some(TeamRef::New(i))
            } else {
                let details = TeamDetails {
                    name: row.team.clone(),
                    lead: None,
                };
                if let Err(error) = Workspace::default().add_team(TeamId::from("check"), details) {
                    errors.push(PeopleCsvError::Team {
                        line: row.line,
                        team: row.team.clone(),
                        error,
                    });
                }
                new_team_index.insert(key, new_teams.len());
                new_teams.push((row.line, row.team.clone()));
                Some(TeamRef::New(new_teams.len() - 1))
            }
        };
        people.push(NewPerson {
            line: row.line,
            name: row.name.clone(),
            title: row.title.clone(),
            email: row.email.clone(),
            manager,
            team,
        });
    }

    errors.extend(manager_loops(&people));
    if !errors.is_empty() {
        // By line; the file's own problems (line 0) first. The sort keeps each line's
        // problems in the order they were found.
        errors.sort_by_key(PeopleCsvError::line);
        return Err(errors);
    }
    let people = managers_first(people);
    Ok(ImportPlan {
        people,
        new_teams,
        already_here,
    })
}

/// Every loop of managers among the new people, once each, at the line of its first row.
fn manager_loops(people: &[NewPerson]) -> Vec<PeopleCsvError> {
    let manager_of = |i: usize| match people[i].manager {
        Some(Someone::New(m)) => Some(m),
        _ => None,
    };
    let mut errors = Vec::new();
    let mut done = vec![false; people.len()];
    // Which walk last passed each person (the walk from `start` is `start + 1`).
    let mut on_walk = vec![0; people.len()];
    for start in 0..people.len() {
        let mut walk = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            if done[i] {
                break;
            }
            if on_walk[i] == start + 1 {
                let at = walk.iter().position(|&w| w == i).unwrap_or(0);
                let members: &[usize] = &walk[at..];
                // From the loop's first row in the file, upwards, and back to it.
                let first = members
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, &m)| people[m].line)
                    .map_or(0, |(k, _)| k);
                let mut names: Vec<&str> = members[first..]
                    .iter()
                    .chain(&members[..first])
                    .map(|&m| people[m].name.as_str())
                    .collect();
                names.push(people[members[first]].name.as_str());
                errors.push(PeopleCsvError::ManagerLoop {
                    line: people[members[first]].line,
                    names: names.join(" → "),
                });
                break;
            }
            on_walk[i] = start + 1;
            walk.push(i);
            current = manager_of(i);
        }
        for i in walk {
            done[i] = true;
        }
    }
    errors
}

/// The new people reordered so that each comes after their manager (the file's order
/// otherwise); manager indices follow. There is no loop (checked before).
fn managers_first(people: Vec<NewPerson>) -> Vec<NewPerson> {
    let mut order: Vec<usize> = Vec::with_capacity(people.len());
    let mut placed = vec![false; people.len()];
    for start in 0..people.len() {
        // Up the line to the first one placed (or the top), then down again.
        let mut chain = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            // (The bound only guards against a loop, which `check` has ruled out.)
            if placed[i] || chain.len() > people.len() {
                break;
            }
            chain.push(i);
            current = match people[i].manager {
                Some(Someone::New(m)) => Some(m),
                _ => None,
            };
        }
        for &i in chain.iter().rev() {
            placed[i] = true;
            order.push(i);
        }
    }
    let mut position = vec![0; people.len()];
    for (at, &i) in order.iter().enumerate() {
        position[i] = at;
    }
    let mut slots: Vec<Option<NewPerson>> = people.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots[i].take())
        .map(|mut person| {
            if let Some(Someone::New(m)) = person.manager {
                person.manager = Some(Someone::New(position[m]));
            }
            person
        })
        .collect()
}

/// A refusal of [`Workspace::add_person`], at `line`, in the import's words.
fn person_error(line: usize, error: WorkspaceError) -> PeopleCsvError {
    match error {
        WorkspaceError::NameRequired => PeopleCsvError::NoName { line },
        WorkspaceError::InvalidEmail(email) => PeopleCsvError::InvalidEmail { line, email },
        error => PeopleCsvError::Person { line, error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse_csv(text)
            .expect("good CSV")
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn csv_is_read_as_rfc_4180_says() {
        assert_eq!(fields("a,b\r\nc,d\r\n"), [["a", "b"], ["c", "d"]]);
        assert_eq!(fields("a,b\nc,d"), [["a", "b"], ["c", "d"]]);
        assert_eq!(
            fields("\"a,1\",\"say \"\"hi\"\"\""),
            [["a,1", "say \"hi\""]]
        );
        assert_eq!(fields("\"two\r\nlines\",x"), [["two\nlines", "x"]]);
        assert_eq!(fields("a,,\n"), [["a", "", ""]]);
        assert_eq!(fields("\u{feff}name\n"), [["name"]]);
        assert_eq!(fields(" \"a\" ,b"), [["a", "b"]]);
        assert_eq!(fields("Ana \"AL\" Lima"), [["Ana \"AL\" Lima"]]);
        assert_eq!(fields("\"\""), [[""]]);
        assert!(fields("").is_empty());
    }

    #[test]
    fn records_know_the_line_they_start_on() {
        let records = parse_csv("h\n\"a\nb\nc\"\nd\r\n\ne").expect("good CSV");
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5, 6, 7]);
    }

    #[test]
    fn broken_quotes_are_reported_with_their_line() {
        assert_eq!(
            parse_csv("a\n\"b\nc"),
            Err(vec![PeopleCsvError::UnclosedQuote { line: 2 }])
        );
        assert_eq!(
            parse_csv("a\n\"b\"c,d\n\"e\"f\"g\""),
            Err(vec![
                PeopleCsvError::TextAfterQuote { line: 2 },
                PeopleCsvError::TextAfterQuote { line: 3 },
            ])
        );
    }

    #[test]
    fn managers_come_before_their_reports() {
        let person = |line, manager| NewPerson {
            line,
            name: format!("P{line}"),
            title: String::new(),
            email: String::new(),
            manager,
            team: None,
        };
        // 0 reports to 2, 2 to 1, 1 to no one new.
        let people = vec![
            person(2, Some(Someone::New(2))),
            person(3, None),
            person(4, Some(Someone::New(1))),
        ];
        let ordered = managers_first(people);
        let lines: Vec<usize> = ordered.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 2]);
        assert_eq!(ordered[1].manager, Some(Someone::New(0)));
        assert_eq!(ordered[2].manager, Some(Someone::New(1)));
    }
}
