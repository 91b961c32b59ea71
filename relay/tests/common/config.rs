//! The relay's settings for a test (included by path where `common` is not).

/// A relay for a test: loopback on a free port, documents under `data_dir`, no app, no
/// token, and limits no test reaches unless it sets them.
pub fn test_config(data_dir: &std::path::Path) -> throughline_relay::Config {
    throughline_relay::Config {
        command: None,
        listen: "127.0.0.1:0".parse().expect("a socket address"),
        data_dir: data_dir.to_path_buf(),
        store: None,
        app_dir: data_dir.join("no-app"),
        base_path: "/".into(),
        max_message_bytes: 1024 * 1024,
        token: None,
        token_file: None,
        max_connections: 100,
        max_connections_per_address: 100,
        max_documents_per_connection: 10_000,
        idle_timeout_seconds: 90,
        acknowledgement_delay_ms: 100,
        store_within_seconds: 10,
        log_format: throughline_relay::LogFormat::Text,
        unload_after_seconds: 300,
        max_documents_in_memory: 50_000,
        trusted_proxies: Vec::new(),
        allowed_origins: Vec::new(),
        metrics_token: None,
        max_messages_per_second: 10_000,
        max_documents_per_workspace: 50_000,
        max_workspace_bytes: 1 << 40,
    }
}
