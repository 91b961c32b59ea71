//! Documents kept in PostgreSQL (`--store postgres://…`), so that several relays behind
//! one address serve the same documents.
//!
//! Every chunk samod stores is one row of `throughline_chunks`, keyed by its storage key
//! (automerge-repo's parts joined by `/`, which no part contains). A chunk is written once
//! (`ON CONFLICT DO NOTHING`: the same key always holds the same changes), and the write
//! that adds it notifies channel [`CHANNEL`] with the writing instance, the key and its
//! size (a delete too, with the size negative, so every instance counts what each
//! workspace takes); the notification is delivered after the commit, so whoever hears it
//! reads the chunk. The
//! notification is only a hint: after a lost listening connection every open document is
//! read again (`crate::instances`).
//!
//! PostgreSQL being unreachable never loses anything: a load or write is tried again
//! (with a growing pause, up to two seconds) until it succeeds or the relay stops, so a
//! write is never counted as stored before the database has it, and samod, which deletes
//! the chunks a compaction replaces only once the compacted chunk is written, never
//! deletes one whose replacement is not stored. `/healthz` says whether the database
//! answered last time it was asked.
//!
//! ```no_run
//! # async fn example() -> Result<(), String> {
//! let store = throughline_relay::postgres::Postgres::open("postgres://relay@localhost/throughline")?;
//! let chunk = store.load("2YB8yCYfirKuQBegjK9TsTXCDmVs/incremental/ab12").await;
//! # let _ = chunk; Ok(()) }
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::{AsyncMessage, Client, NoTls};

/// The channel on which a stored chunk is announced: `<instance> <key>`.
pub const CHANNEL: &str = "throughline_chunks";

/// The channel on which a line of the rules' log is announced: `<instance> <seq>`.
pub const RULES_CHANNEL: &str = "throughline_rules";

/// Creates the table once, whichever instance starts first (the advisory lock keeps two
/// starting at once from racing on the catalogue).
const SCHEMA: &str = "SET client_min_messages TO warning;
BEGIN;
SELECT pg_advisory_xact_lock(7311104);
CREATE TABLE IF NOT EXISTS throughline_chunks (
    path text COLLATE \"C\" PRIMARY KEY,
    document text COLLATE \"C\" NOT NULL,
    data bytea NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS throughline_rules_log (
    seq bigserial PRIMARY KEY,
    kind text NOT NULL,
    key text COLLATE \"C\" NOT NULL,
    line text NOT NULL,
    UNIQUE (kind, key)
);
COMMIT;";

/// The longest pause between two attempts while the database does not answer.
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// How long one attempt (connecting included) may take before it counts as failed.
const ATTEMPT_WITHIN: Duration = Duration::from_secs(30);

/// A connection to the database, made again whenever it breaks.
pub struct Postgres {
    config: tokio_postgres::Config,
    /// What the operator gave, without its password, for logs.
    shown: String,
    client: tokio::sync::Mutex<Option<Arc<Client>>>,
    /// This relay process: what it announces itself, it does not hear again.
    instance: String,
    reachable: AtomicBool,
    /// Whether the listening connection is up (what other instances store is heard).
    listening: AtomicBool,
    /// Whether the rules' log has been read (the relay takes peers).
    ready: AtomicBool,
    closing: AtomicBool,
    failures: AtomicU64,
}

/// What a listening connection heard.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another instance stored the chunk `path` of `document` (`bytes` long), or deleted
    /// it (`bytes` negative).
    Chunk {
        document: String,
        path: String,
        bytes: i64,
    },
    /// Another instance added line `seq` to the rules' log.
    Rule { seq: i64 },
    /// A peer of another instance sent an ephemeral message about `document`.
    Presence { document: String, bytes: Vec<u8> },
    /// Listening (the first time, or again after the connection was lost): what was
    /// announced before is not known, so every open document is read again.
    Resumed,
}

impl Postgres {
    /// Reads the connection string (a `postgres://` URL or `key=value` pairs). Does not
    /// connect: a database that is not up yet is waited for, not a reason to refuse to
    /// start.
    pub fn open(url: &str) -> Result<Arc<Postgres>, String> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| format!("the store's PostgreSQL address does not read: {error}"))?;
        // A database across a network cut is noticed, not waited on for minutes.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(30));
        let mut instance = [0u8; 8];
        getrandom::fill(&mut instance)
            .map_err(|error| format!("no randomness for the instance's name: {error}"))?;
        let shown = format!(
            "{} on {:?}",
            config.get_dbname().unwrap_or("(default database)"),
            config.get_hosts()
        );
        Ok(Arc::new(Postgres {
            config,
            shown,
            client: tokio::sync::Mutex::new(None),
            instance: instance.iter().map(|b| format!("{b:02x}")).collect(),
            reachable: AtomicBool::new(false),
            listening: AtomicBool::new(false),
            ready: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            failures: AtomicU64::new(0),
        }))
    }

    /// Whether the database answered the last time it was asked.
    pub fn reachable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    /// Waits (up to `within`) until the listening connection is up; whether it is.
    pub async fn until_listening(&self, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while !self.listening.load(Ordering::Relaxed) {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        true
    }

    /// Whether this instance serves: the database answers, what other instances store is
    /// heard, and the rules' log has been read.
    pub fn healthy(&self) -> bool {
        self.reachable()
            && self.listening.load(Ordering::Relaxed)
            && self.ready.load(Ordering::Relaxed)
    }

    /// The rules' log has been read.
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Relaxed);
    }

    /// Times the database did not answer or refused a statement.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Stops trying again: what is in flight gives up after its current attempt.
    pub fn close(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    /// Connects (and creates the table) unless connected; checks once, without retrying.
    pub async fn connect(&self) -> Result<Arc<Client>, tokio_postgres::Error> {
        let mut client = self.client.lock().await;
        if let Some(open) = client.as_ref().filter(|c| !c.is_closed()) {
            return Ok(Arc::clone(open));
        }
        let (fresh, connection) = self.config.connect(NoTls).await?;
        let shown = self.shown.clone();
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(database = %shown, %error, "the connection to PostgreSQL ended");
            }
        });
        // Created only when missing: a database user without the right to create tables
        // uses the ones an operator made.
        let present: bool = fresh
            .query_one(
                "SELECT to_regclass('throughline_chunks') IS NOT NULL \
                 AND to_regclass('throughline_rules_log') IS NOT NULL",
                &[],
            )
            .await?
            .try_get(0)?;
        if !present {
            fresh.batch_execute(SCHEMA).await?;
        }
        self.reachable.store(true, Ordering::Relaxed);
        let fresh = Arc::new(fresh);
        *client = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Runs `attempt` until it succeeds, or the relay is stopping (`None`).
    async fn retrying<T, F, Fut>(&self, what: &str, attempt: F) -> Option<T>
    where
        F: Fn(Arc<Client>) -> Fut,
        Fut: std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let mut pause = Duration::from_millis(50);
        loop {
            let attempted = tokio::time::timeout(ATTEMPT_WITHIN, async {
                let client = self.connect().await?;
                attempt(client).await
            })
            .await;
            let result = match attempted {
                Ok(result) => result.map_err(|error| error.to_string()),
                Err(_) => {
                    // A connection that stopped answering (a network cut) is not used again.
                    *self.client.lock().await = None;
                    Err(format!("no answer within {} s", ATTEMPT_WITHIN.as_secs()))
                }
            };
            match result {
                Ok(value) => {
                    if pause > Duration::from_millis(50) {
                        tracing::info!(database = %self.shown, "PostgreSQL answers again");
                    }
                    self.reachable.store(true, Ordering::Relaxed);
                    return Some(value);
                }
                Err(error) => {
                    self.failures.fetch_add(1, Ordering::Relaxed);
                    if self.reachable.swap(false, Ordering::Relaxed) || pause == LONGEST_PAUSE {
                        tracing::error!(database = %self.shown, %error, "PostgreSQL did not {what}; trying again");
                    }
                    if self.closing.load(Ordering::Relaxed) {
                        tracing::error!(database = %self.shown, "the relay is stopping: gave up trying to {what}");
                        return None;
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
    }

    /// The chunk stored under `path`.
    pub async fn load(&self, path: &str) -> Option<Vec<u8>> {
        self.retrying("read a chunk", |client| async move {
            let row = client
                .query_opt(
                    "SELECT data FROM throughline_chunks WHERE path = $1",
                    &[&path],
                )
                .await?;
            row.map(|row| row.try_get::<_, Vec<u8>>(0)).transpose()
        })
        .await
        .flatten()
    }

    /// Every chunk whose key starts with the parts of `prefix` (`""`: every chunk).
    pub async fn load_range(&self, prefix: &str) -> Vec<(String, Vec<u8>)> {
        self.retrying("read chunks", |client| async move {
            let rows = if prefix.is_empty() {
                client
                    .query("SELECT path, data FROM throughline_chunks", &[])
                    .await?
            } else {
                // Keys under `a/b` sort between `a/b/` and `a/b0` ('0' follows '/').
                let (from, to) = (format!("{prefix}/"), format!("{prefix}0"));
                client
                    .query(
                        "SELECT path, data FROM throughline_chunks \
                         WHERE path = $1 OR (path >= $2 AND path < $3)",
                        &[&prefix, &from, &to],
                    )
                    .await?
            };
            rows.into_iter()
                .map(|row| Ok((row.try_get::<_, String>(0)?, row.try_get::<_, Vec<u8>>(1)?)))
                .collect()
        })
        .await
        .unwrap_or_default()
    }

    /// Stores `data` under `path` unless a chunk is there already (it then holds the same
    /// changes), and tells the other instances of a new one: whether it was new; `None`
    /// when the relay stopped before the database took it.
    pub async fn put(&self, document: &str, path: &str, data: &[u8]) -> Option<bool> {
        let announced = format!("{} {path} {}", self.instance, data.len());
        self.retrying("store a chunk", |client| {
            let announced = announced.clone();
            async move {
                client
                    .execute(
                        "WITH stored AS (\
                            INSERT INTO throughline_chunks (path, document, data) \
                            VALUES ($1, $2, $3) ON CONFLICT (path) DO NOTHING RETURNING path) \
                         SELECT pg_notify('throughline_chunks', $4) FROM stored",
                        &[&path, &document, &data, &announced],
                    )
                    .await
                    .map(|told| told > 0)
            }
        })
        .await
    }

    /// Deletes the chunk under `path`; its size, when there was one.
    /// Deletes the chunk under `path` and tells the other instances what it took; its
    /// size, when there was one.
    pub async fn delete(&self, path: &str) -> Option<i64> {
        let instance = self.instance.as_str();
        self.retrying("delete a chunk", |client| async move {
            let row = client
                .query_opt(
                    "WITH gone AS (\
                        DELETE FROM throughline_chunks WHERE path = $1 \
                        RETURNING path, octet_length(data) AS bytes) \
                     SELECT bytes, pg_notify('throughline_chunks', \
                        $2 || ' ' || path || ' -' || bytes) FROM gone",
                    &[&path, &instance],
                )
                .await?;
            row.map(|row| row.try_get::<_, i32>(0).map(i64::from))
                .transpose()
        })
        .await
        .flatten()
    }

    /// Adds a line to the rules' log unless one of its kind and key is there; the line
    /// that holds (this one, or the one there first). `None` when the relay stopped first.
    pub async fn keep_rule(&self, kind: &str, key: &str, line: &str) -> Option<String> {
        let instance = self.instance.as_str();
        self.retrying("keep a rule", |client| async move {
            let row = client
                .query_opt(
                    "WITH added AS (\
                        INSERT INTO throughline_rules_log (kind, key, line) VALUES ($1, $2, $3) \
                        ON CONFLICT (kind, key) DO NOTHING RETURNING seq, line), \
                     told AS (SELECT pg_notify('throughline_rules', $4 || ' ' || seq) FROM added) \
                     SELECT added.line FROM added CROSS JOIN told \
                     UNION ALL \
                     SELECT line FROM throughline_rules_log WHERE kind = $1 AND key = $2",
                    &[&kind, &key, &line, &instance],
                )
                .await?;
            match row {
                Some(row) => row.try_get::<_, String>(0),
                // Another instance's line committed while this one waited on the key: the
                // statement's snapshot did not see it; a statement of its own does.
                None => client
                    .query_one(
                        "SELECT line FROM throughline_rules_log WHERE kind = $1 AND key = $2",
                        &[&kind, &key],
                    )
                    .await?
                    .try_get::<_, String>(0),
            }
        })
        .await
    }

    /// Every line of the rules' log (kind, line), in the order they were added.
    pub async fn rules_log(&self) -> Option<Vec<(String, String)>> {
        self.retrying("read the rules", |client| async move {
            let rows = client
                .query(
                    "SELECT kind, line FROM throughline_rules_log ORDER BY seq",
                    &[],
                )
                .await?;
            rows.into_iter()
                .map(|row| Ok((row.try_get::<_, String>(0)?, row.try_get::<_, String>(1)?)))
                .collect()
        })
        .await
    }

    /// Line `seq` of the rules' log (kind, line).
    pub async fn rule(&self, seq: i64) -> Option<(String, String)> {
        self.retrying("read a rule", |client| async move {
            let row = client
                .query_opt(
                    "SELECT kind, line FROM throughline_rules_log WHERE seq = $1",
                    &[&seq],
                )
                .await?;
            row.map(|row| Ok((row.try_get::<_, String>(0)?, row.try_get::<_, String>(1)?)))
                .transpose()
        })
        .await
        .flatten()
    }

    /// Tells the other instances of an ephemeral message about `document`; once, without
    /// retrying (ephemeral messages are best effort).
    pub async fn announce_presence(&self, document: &str, bytes: &[u8]) {
        use base64::Engine as _;
        let said = format!(
            "{} {document} {}",
            self.instance,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let Ok(client) = self.connect().await else {
            return;
        };
        if let Err(error) = client
            .execute("SELECT pg_notify('throughline_presence', $1)", &[&said])
            .await
        {
            tracing::debug!(%error, "an ephemeral message was not passed to the other instances");
        }
    }

    /// Bytes each document's chunks take; `None` when the relay stopped first.
    pub async fn sizes(&self) -> Option<std::collections::HashMap<String, u64>> {
        self.retrying("count what documents take", |client| async move {
            let rows = client
                .query(
                    "SELECT document, sum(octet_length(data))::bigint FROM throughline_chunks GROUP BY document",
                    &[],
                )
                .await?;
            rows.into_iter()
                .map(|row| {
                    let bytes = u64::try_from(row.try_get::<_, i64>(1)?).unwrap_or(0);
                    Ok((row.try_get::<_, String>(0)?, bytes))
                })
                .collect()
        })
        .await
    }

    /// Listens for what other instances store, on a connection of its own, until `heard`
    /// is dropped or the relay stops; after a lost connection, listens again (with a
    /// pause) and says [`Heard::Resumed`].
    pub async fn listen(self: Arc<Self>, heard: tokio::sync::mpsc::UnboundedSender<Heard>) {
        let mut pause = Duration::from_millis(50);
        while !self.closing.load(Ordering::Relaxed) && !heard.is_closed() {
            let listened = self.listen_once(&heard).await;
            self.listening.store(false, Ordering::Relaxed);
            match listened {
                Ok(()) => pause = Duration::from_millis(50),
                Err(_) if self.closing.load(Ordering::Relaxed) => return,
                Err(error) => {
                    self.failures.fetch_add(1, Ordering::Relaxed);
                    self.reachable.store(false, Ordering::Relaxed);
                    tracing::error!(database = %self.shown, %error, "not listening to PostgreSQL; trying again");
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    async fn listen_once(
        &self,
        heard: &tokio::sync::mpsc::UnboundedSender<Heard>,
    ) -> Result<(), tokio_postgres::Error> {
        let (client, mut connection) = self.config.connect(NoTls).await?;
        let (messages, mut received) = tokio::sync::mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            loop {
                match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                    Some(Ok(AsyncMessage::Notification(notification))) => {
                        if messages.send(notification).is_err() {
                            return Ok(());
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(error)) => return Err(error),
                    None => return Ok(()),
                }
            }
        });
        client
            .batch_execute(&format!(
                "LISTEN {CHANNEL}; LISTEN {RULES_CHANNEL}; LISTEN {}",
                crate::presence::CHANNEL
            ))
            .await?;
        self.reachable.store(true, Ordering::Relaxed);
        self.listening.store(true, Ordering::Relaxed);
        // Also the first time: what was stored before this (while the relay started, or
        // the database came up) is read from the database.
        tracing::info!(database = %self.shown, "listening to PostgreSQL; reading open documents again");
        if heard.send(Heard::Resumed).is_err() {
            return Ok(());
        }
        while let Some(notification) = received.recv().await {
            let Some((instance, said)) = notification.payload().split_once(' ') else {
                continue;
            };
            if instance == self.instance || self.closing.load(Ordering::Relaxed) {
                continue;
            }
            let told = if notification.channel() == RULES_CHANNEL {
                match said.parse() {
                    Ok(seq) => Heard::Rule { seq },
                    Err(_) => continue,
                }
            } else if notification.channel() == crate::presence::CHANNEL {
                use base64::Engine as _;
                let Some((document, message)) = said.split_once(' ') else {
                    continue;
                };
                let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(message)
                else {
                    continue;
                };
                Heard::Presence {
                    document: document.to_owned(),
                    bytes,
                }
            } else {
                // `<key> <bytes>`: a chunk added; `<key> -<bytes>`: one deleted.
                let Some((path, bytes)) = said.split_once(' ') else {
                    continue;
                };
                let Ok(bytes) = bytes.parse::<i64>() else {
                    continue;
                };
                Heard::Chunk {
                    document: path.split('/').next().unwrap_or_default().to_owned(),
                    path: path.to_owned(),
                    bytes,
                }
            };
            if heard.send(told).is_err() {
                return Ok(());
            }
        }
        drop(client);
        match driver.await {
            Ok(Err(error)) => Err(error),
            _ => Ok(()),
        }
    }
}
