//! Settings of the relay, from flags or the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How the relay is run. Every flag has an environment variable so that a container or a
/// service manager can configure it without a command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "throughline-relay",
    version,
    about = "Serves Throughline and keeps its documents"
)]
pub struct Config {
    /// Something else to do than serve (the relay serves when none is given).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on. Keep the default (loopback) unless a proxy or firewall is in front.
    #[arg(long, env = "THROUGHLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory where the relay keeps documents. Created when missing.
    #[arg(long, env = "THROUGHLINE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Where documents are kept: unset, on disk under --data-dir; a PostgreSQL connection
    /// string (`postgres://user:password@host/database`, or `host=/run/postgresql
    /// dbname=throughline`) to keep them in PostgreSQL, which several relays can share
    /// (docs/deploying.md).
    #[arg(long, env = "THROUGHLINE_STORE", hide_env_values = true)]
    pub store: Option<String>,

    /// Directory of the built app (Trunk's `dist/`).
    #[arg(long, env = "THROUGHLINE_APP_DIR", default_value = "dist")]
    pub app_dir: PathBuf,

    /// Path under which the app is served, e.g. `/throughline/`. The app must have been
    /// built for the same path (`cargo xtask build --public-url /throughline/`).
    #[arg(long, env = "THROUGHLINE_BASE_PATH", default_value = "/", value_parser = parse_base_path)]
    pub base_path: String,

    /// Largest sync message accepted, in bytes; a peer sending a larger one is told so
    /// in an `error` message and disconnected (others are not affected). One over twice
    /// this is cut off while being read (WebSocket close code 1009).
    #[arg(long, env = "THROUGHLINE_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,

    /// Access token sync peers must present (`/sync?token=…`). Without one (and without
    /// --token-file) anyone who can reach the relay may sync documents whose ids they know.
    #[arg(long, env = "THROUGHLINE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// File holding the access token (its first line), instead of --token.
    #[arg(long, env = "THROUGHLINE_TOKEN_FILE", conflicts_with = "token")]
    pub token_file: Option<std::path::PathBuf>,

    /// Most sync connections open at once.
    #[arg(long, env = "THROUGHLINE_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,

    /// Most sync connections open at once from one IP address.
    #[arg(
        long,
        env = "THROUGHLINE_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    pub max_connections_per_address: usize,

    /// Most documents one sync connection may ask for or offer. A device syncs its
    /// workspace, plans, reviews and check-ins; a peer going past this is disconnected
    /// with an `error` message (it keeps what it synced).
    #[arg(
        long,
        env = "THROUGHLINE_MAX_DOCUMENTS_PER_CONNECTION",
        default_value_t = 10_000
    )]
    pub max_documents_per_connection: usize,

    /// Seconds a sync peer may stay silent before its connection is closed. The relay
    /// pings every peer at a third of this, and browsers answer pings by themselves, so
    /// only a peer that is gone (a tablet put to sleep, a dropped network) is closed.
    #[arg(long, env = "THROUGHLINE_IDLE_TIMEOUT_SECONDS", default_value_t = 90)]
    pub idle_timeout_seconds: u64,

    /// Milliseconds a peer's acknowledgement of changes (a sync message carrying none)
    /// may be held so that a later one replaces it. samod answers every message it
    /// receives with sync for every peer of the document, so with many editors on one
    /// document the acknowledgements alone would saturate the relay. Holding them delays
    /// no edit. 0 passes each one at once.
    #[arg(
        long,
        env = "THROUGHLINE_ACKNOWLEDGEMENT_DELAY_MS",
        default_value_t = 100
    )]
    pub acknowledgement_delay_ms: u64,

    /// How log lines are written to standard error: `text` (one readable line each) or
    /// `json` (one JSON object each, for a log collector).
    #[arg(long, env = "THROUGHLINE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Seconds a change may take to reach disk. The relay reports heads to peers only
    /// once they are stored; past this, the peer is told the relay could not store its
    /// changes and is disconnected (it keeps them, and tries again when it reconnects).
    #[arg(long, env = "THROUGHLINE_STORE_WITHIN_SECONDS", default_value_t = 10)]
    pub store_within_seconds: u64,

    /// Seconds with no sync peer connected after which every document is unloaded from
    /// memory (each loads again from disk when a peer asks for it).
    #[arg(long, env = "THROUGHLINE_UNLOAD_AFTER_SECONDS", default_value_t = 300)]
    pub unload_after_seconds: u64,

    /// Most documents kept in memory. Past it, the relay unloads every document,
    /// disconnecting the peers (they reconnect by themselves and sync only what changed),
    /// at most once per --unload-after-seconds.
    #[arg(
        long,
        env = "THROUGHLINE_MAX_DOCUMENTS_IN_MEMORY",
        default_value_t = 50_000
    )]
    pub max_documents_in_memory: usize,

    /// Addresses of reverse proxies in front of the relay (comma-separated). Only behind
    /// one of these does the client address in `X-Forwarded-For` count (for the limit of
    /// connections per address); from anyone else the header is ignored.
    #[arg(long, env = "THROUGHLINE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Origins besides the relay's own whose pages may open a sync socket (comma-separated,
    /// e.g. `https://app.example.org` when the app is hosted elsewhere). A browser page
    /// from any other origin is refused (403).
    #[arg(long, env = "THROUGHLINE_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Token that reading `/metrics` requires (`Authorization: Bearer …`). Without one,
    /// `/metrics` answers only requests from this machine.
    #[arg(long, env = "THROUGHLINE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Messages one connection (one device) may send a second, on average; bursts of
    /// five seconds' worth pass. Past it the connection is told why and closed.
    #[arg(
        long,
        env = "THROUGHLINE_MAX_MESSAGES_PER_SECOND",
        default_value_t = 500
    )]
    pub max_messages_per_second: u32,

    /// Documents one claimed workspace may keep on this relay. Past it, a new document
    /// is refused with an error saying so (those stored stay).
    #[arg(
        long,
        env = "THROUGHLINE_MAX_DOCUMENTS_PER_WORKSPACE",
        default_value_t = 50_000
    )]
    pub max_documents_per_workspace: usize,

    /// Bytes one workspace's documents may take on this relay's disk. Past it, the
    /// workspace's documents stay readable and new changes are refused with an error
    /// saying so, until the limit is raised or data is removed.
    #[arg(
        long,
        env = "THROUGHLINE_MAX_WORKSPACE_BYTES",
        default_value_t = 2 * 1024 * 1024 * 1024
    )]
    pub max_workspace_bytes: u64,
}

/// What the binary does besides serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Copies the documents and the rules' log from one store to another (a data
    /// directory into PostgreSQL, or back) and checks the copy. Stop the relays using
    /// either store first; the source is left as it was.
    CopyStore {
        /// A data directory, or a PostgreSQL connection string.
        #[arg(long)]
        from: String,
        /// A data directory, or a PostgreSQL connection string.
        #[arg(long)]
        to: String,
    },
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// The access token, from --token or the first line of --token-file.
    pub fn access_token(&self) -> std::io::Result<Option<String>> {
        if let Some(path) = &self.token_file {
            let text = std::fs::read_to_string(path).map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!("cannot read the token file {}: {error}", path.display()),
                )
            })?;
            let token = text.lines().next().unwrap_or("").trim().to_owned();
            if token.is_empty() {
                return Err(std::io::Error::other(format!(
                    "the token file {} is empty",
                    path.display()
                )));
            }
            return Ok(Some(token));
        }
        Ok(self.token.clone().filter(|t| !t.is_empty()))
    }
}

/// Normalises a base path to the form `/` or `/a/b` (leading slash, no trailing slash
/// except for the root), refusing anything that could escape or confuse routing.
pub fn parse_base_path(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Ok("/".to_owned());
    }
    for segment in trimmed.split('/') {
        let valid = !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
        if !valid {
            return Err(format!(
                "base path segment {segment:?} is not allowed: use letters, digits, '-', '_', '.' or '~'"
            ));
        }
    }
    Ok(format!("/{trimmed}"))
}

#[cfg(test)]
mod tests {
    use super::parse_base_path;

    #[test]
    fn base_paths_are_normalised() {
        assert_eq!(parse_base_path("").as_deref(), Ok("/"));
        assert_eq!(parse_base_path("/").as_deref(), Ok("/"));
        assert_eq!(parse_base_path("/team/plan/").as_deref(), Ok("/team/plan"));
        assert_eq!(parse_base_path("app").as_deref(), Ok("/app"));
    }

    #[test]
    fn base_paths_that_escape_are_refused() {
        assert!(parse_base_path("/../etc").is_err());
        assert!(parse_base_path("/a//b").is_err());
        assert!(parse_base_path("/a b").is_err());
    }
}
