//! The relay's log lines, as a log collector reads them: with `--log-format json`, each
//! line on standard error is one JSON object with a level, a message and its fields.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn with_json_logs_every_line_is_an_object_with_level_message_and_fields() {
    let data = tempfile::tempdir().unwrap();
    let mut relay = Command::new(env!("CARGO_BIN_EXE_throughline-relay"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(data.path())
        .arg("--app-dir")
        .arg(data.path().join("no-app"))
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the relay binary runs");
    let stderr = relay.stderr.take().expect("its standard error");
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("a line of text");
        let listening = line.contains("listening");
        lines.push(line);
        if listening {
            break;
        }
    }
    let _ = relay.kill();
    let _ = relay.wait();
    let objects: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let warning = objects
        .iter()
        .find(|o| o["fields"]["message"].as_str() == Some("no access token set: anyone who can reach this relay may sync documents whose ids they know"))
        .unwrap_or_else(|| panic!("the warning about no token: {lines:?}"));
    assert_eq!(warning["level"], "WARN");
    let listening = objects.last().expect("a line saying where it listens");
    assert_eq!(listening["level"], "INFO");
    assert!(
        listening["fields"]["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{listening}"
    );
}
