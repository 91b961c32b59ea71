//! Interop with the JavaScript automerge-repo (npm `@automerge/automerge-repo` and its
//! WebSocket and Node.js filesystem adapters, pinned in package.json) as the reference
//! peers: a document made by a JavaScript client comes through our relay to our engine
//! and back, one made by our engine reaches a JavaScript client, our engine syncs through
//! the JavaScript reference server, ephemeral messages cross both ways through either
//! server, and JavaScript peers on two relays sharing one PostgreSQL database sync through
//! both. The JavaScript side runs as `node tests/interop/*.mjs`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use automerge::AutoCommit;
use throughline::store::DocumentId;
use throughline::sync::Presence;
use throughline_relay::Relay;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

#[path = "common/config.rs"]
mod config;
#[path = "common/engine_client.rs"]
mod engine_client;
#[path = "common/postgres.rs"]
mod postgres;
use config::test_config;
use engine_client::Client;

/// The workspace root, where node_modules and tests/interop are.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the relay crate sits in the workspace")
        .to_path_buf()
}

/// `node` running one of the interop scripts, from the workspace root.
fn node(script: &str, args: &[&str]) -> Child {
    let installed = root()
        .join("node_modules")
        .join("@automerge")
        .join("automerge-repo");
    assert!(
        installed.is_dir(),
        "the JavaScript automerge-repo is not installed: run `cargo xtask test` (or `npm ci` in the workspace root)"
    );
    Command::new("node")
        .arg(root().join("tests").join("interop").join(script))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (Node.js 20 or later is needed for the interop tests)")
}

/// A JavaScript automerge-repo client (tests/interop/js_peer.mjs), driven line by line.
struct JsPeer {
    _child: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
}

impl JsPeer {
    fn start(url: &str) -> JsPeer {
        let mut child = node("js_peer.mjs", &[url]);
        let input = child.stdin.take().expect("piped stdin");
        let output = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        JsPeer {
            _child: child,
            input,
            output,
        }
    }

    async fn send(&mut self, fields: &[&str]) {
        let line = format!("{}\n", fields.join("\t"));
        self.input.write_all(line.as_bytes()).await.unwrap();
    }

    /// The next answer with `key`; an `error` answer fails the test.
    async fn answer(&mut self, key: &str) -> serde_json::Value {
        let wait = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let line = self
                    .output
                    .next_line()
                    .await
                    .unwrap()
                    .expect("the JavaScript peer is still running");
                let value: serde_json::Value = serde_json::from_str(&line).unwrap();
                assert!(value.get("error").is_none(), "JavaScript peer: {value}");
                if value.get(key).is_some() {
                    return value;
                }
            }
        });
        wait.await
            .unwrap_or_else(|_| panic!("the JavaScript peer answered {key} in time"))
    }
}

/// The JavaScript reference sync server (tests/interop/reference_server.mjs).
struct ReferenceServer {
    _child: Child,
    _data: tempfile::TempDir,
    url: String,
}

impl ReferenceServer {
    async fn start() -> ReferenceServer {
        let data = tempfile::tempdir().unwrap();
        let mut child = node(
            "reference_server.mjs",
            &[data.path().to_str().expect("a UTF-8 temporary path")],
        );
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the reference server started in time")
            .unwrap()
            .expect("the reference server says where it listens");
        let port = line.strip_prefix("listening ").expect("listening <port>");
        ReferenceServer {
            _child: child,
            _data: data,
            url: format!("ws://127.0.0.1:{port}"),
        }
    }
}

async fn start_relay(data_dir: &std::path::Path) -> Relay {
    let config = test_config(data_dir);
    Relay::start(config).await.expect("the relay starts")
}

fn id_of(answer: &serde_json::Value, key: &str) -> DocumentId {
    answer[key]
        .as_str()
        .expect("a document id")
        .parse()
        .expect("the JavaScript document id reads as ours")
}

/// Our engine, asking for `document` (which it does not have yet) at `url`.
async fn asking_for(url: &str, name: &str, document: DocumentId) -> Client {
    Client::connect_to(url, name, HashMap::from([(document, AutoCommit::new())])).await
}

#[tokio::test]
async fn a_document_made_in_javascript_comes_through_our_relay_to_our_engine_and_back() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let url = format!("ws://{}/sync", relay.address());
    let mut js = JsPeer::start(&url);
    js.send(&["create", "made in JavaScript"]).await;
    let document = id_of(&js.answer("created").await, "created");

    let mut ours = asking_for(&url, "throughline", document).await;
    ours.run_until(|c| c.text(document).as_deref() == Some("made in JavaScript"))
        .await;
    js.send(&["wait-text", &document.to_string(), "edited by Throughline"])
        .await;
    ours.edit(document, "edited by Throughline").await;
    ours.serve_until(js.answer("text")).await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn javascript_peers_on_two_relays_sharing_postgresql_sync_through_both() {
    let database = postgres::TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut relays = Vec::new();
    for dir in &dirs {
        let config = throughline_relay::Config {
            store: Some(database.url()),
            ..test_config(dir.path())
        };
        relays.push(Relay::start(config).await.expect("the relay starts"));
    }
    let urls: Vec<String> = relays
        .iter()
        .map(|relay| format!("ws://{}/sync", relay.address()))
        .collect();
    let mut first = JsPeer::start(&urls[0]);
    first.send(&["create", "made in JavaScript"]).await;
    let document = id_of(&first.answer("created").await, "created");

    // Another JavaScript peer, on the other relay, finds it there.
    let mut second = JsPeer::start(&urls[1]);
    second.send(&["find", &document.to_string()]).await;
    assert_eq!(second.answer("found").await["text"], "made in JavaScript");

    // Our engine on the second relay edits; the first JavaScript peer sees it live.
    let mut ours = asking_for(&urls[1], "throughline", document).await;
    ours.run_until(|c| c.text(document).as_deref() == Some("made in JavaScript"))
        .await;
    first
        .send(&["wait-text", &document.to_string(), "edited by Throughline"])
        .await;
    ours.edit(document, "edited by Throughline").await;
    ours.serve_until(first.answer("text")).await;
    for relay in relays {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

#[tokio::test]
async fn a_document_made_by_our_engine_reaches_a_javascript_client_through_our_relay() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let url = format!("ws://{}/sync", relay.address());
    let document = DocumentId::random();
    let mut ours = Client::connect(relay.address(), "throughline", HashMap::new()).await;
    ours.edit(document, "made by Throughline").await;
    ours.run_until(|c| c.in_sync(document)).await;

    let mut js = JsPeer::start(&url);
    js.send(&["find", &document.to_string()]).await;
    let found = js.answer("found").await;
    assert_eq!(found["text"], "made by Throughline");
    js.send(&["change", &document.to_string(), "changed in JavaScript"])
        .await;
    js.answer("changed").await;
    ours.run_until(|c| c.text(document).as_deref() == Some("changed in JavaScript"))
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn our_engine_syncs_through_the_javascript_reference_server() {
    let server = ReferenceServer::start().await;
    let document = DocumentId::random();
    let mut laptop = Client::connect_to(&server.url, "laptop", HashMap::new()).await;
    laptop.edit(document, "kept by the reference server").await;
    laptop.run_until(|c| c.in_sync(document)).await;

    // Another of our clients, and a JavaScript one, receive it from there.
    let mut tablet = asking_for(&server.url, "tablet", document).await;
    tablet
        .run_until(|c| c.text(document).as_deref() == Some("kept by the reference server"))
        .await;
    let mut js = JsPeer::start(&server.url);
    js.send(&["find", &document.to_string()]).await;
    assert_eq!(
        js.answer("found").await["text"],
        "kept by the reference server"
    );

    // An edit on the tablet reaches the laptop through the server.
    tablet.edit(document, "edited on the tablet").await;
    tablet
        .serve_until(
            laptop.run_until(|c| c.text(document).as_deref() == Some("edited on the tablet")),
        )
        .await;
}

/// Presence from our engine is heard by JavaScript as the value it encodes, and a
/// JavaScript broadcast of the same shape reads as our `Presence`.
async fn ephemeral_both_ways(url: &str) {
    let document = DocumentId::random();
    let mut ours = Client::connect_to(url, "throughline", HashMap::new()).await;
    ours.edit(document, "a plan").await;
    ours.run_until(|c| c.in_sync(document)).await;
    let mut js = JsPeer::start(url);
    js.send(&["listen", &document.to_string()]).await;
    js.answer("listening").await;

    let here = Presence {
        name: "Ana Lima".into(),
        page: "Plans".into(),
        field: "Vision".into(),
        leaving: false,
    };
    ours.broadcast(document, &here.encode()).await;
    let heard = js.answer("heard").await;
    assert_eq!(heard["heard"]["name"], "Ana Lima");
    assert_eq!(heard["heard"]["field"], "Vision");

    js.send(&[
        "broadcast",
        &document.to_string(),
        r#"{"name":"Bo Chen","page":"Reviews","field":"Title","leaving":false}"#,
    ])
    .await;
    js.answer("broadcast").await;
    ours.run_until(|c| !c.heard.is_empty()).await;
    let (about, _, data) = &ours.heard[0];
    assert_eq!(*about, document);
    let presence = Presence::decode(data).expect("JavaScript's CBOR reads as presence");
    assert_eq!(presence.name, "Bo Chen");
    assert_eq!(presence.field, "Title");
}

#[tokio::test]
async fn ephemeral_messages_cross_both_ways_through_our_relay() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    ephemeral_both_ways(&format!("ws://{}/sync", relay.address())).await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn ephemeral_messages_cross_both_ways_through_the_reference_server() {
    let server = ReferenceServer::start().await;
    ephemeral_both_ways(&server.url).await;
}
