//! The relay's `/sync` with Throughline's own sync engine as the client: documents go up
//! from one client and come down to another and survive a restart, ephemeral messages
//! pass, and each kind of bad input closes only its connection and changes nothing.

use std::collections::HashMap;
use std::time::Duration;

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use futures_util::{SinkExt, StreamExt};
use throughline::store::DocumentId;
use throughline::sync::{Message, PeerMetadata};
use throughline_relay::{Config, Relay};

mod common;
#[path = "common/engine_client.rs"]
mod engine_client;
#[path = "common/metrics.rs"]
mod metrics;
use common::config::test_config;
use common::raw_get;
use engine_client::Client;
use metrics::{metric, until_metric};
use tokio_tungstenite::tungstenite::Message as WsMessage;

async fn start_relay(data_dir: &std::path::Path) -> Relay {
    start_relay_with(data_dir, None, 100).await
}

async fn start_relay_with(
    data_dir: &std::path::Path,
    token: Option<&str>,
    per_address: usize,
) -> Relay {
    let config = Config {
        token: token.map(str::to_owned),
        max_connections_per_address: per_address,
        ..test_config(data_dir)
    };
    Relay::start(config).await.expect("the relay starts")
}

fn document_with(text: &str) -> (DocumentId, HashMap<DocumentId, AutoCommit>) {
    let id = DocumentId::random();
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "text", text).unwrap();
    doc.commit();
    (id, HashMap::from([(id, doc)]))
}

#[tokio::test]
async fn a_document_synced_up_by_one_client_comes_down_to_another_and_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let (document, docs) = document_with("from the laptop");
    let mut laptop = Client::connect(relay.address(), "laptop", docs).await;
    laptop.run_until(|c| c.in_sync(document)).await;

    // The tablet knows the document's id (from a shared link) and starts empty.
    let tablet_docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(relay.address(), "tablet", tablet_docs).await;
    tablet.run_until(|c| c.text(document).is_some()).await;
    assert_eq!(tablet.text(document).as_deref(), Some("from the laptop"));

    relay.stop().await.expect("the relay stops cleanly");
    let relay = start_relay(data.path()).await;
    let phone_docs = HashMap::from([(document, AutoCommit::new())]);
    let mut phone = Client::connect(relay.address(), "phone", phone_docs).await;
    phone.run_until(|c| c.text(document).is_some()).await;
    assert_eq!(
        phone.text(document).as_deref(),
        Some("from the laptop"),
        "the relay kept it on disk"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

/// Every file under `dir`, with its bytes.
fn stored(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Sends `messages` on a new connection (answering nothing), then reads until the relay
/// closes it: the text of the relay's `error` message, if it sent one.
async fn refused(address: std::net::SocketAddr, messages: Vec<Vec<u8>>) -> Option<String> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/sync"))
        .await
        .unwrap();
    for message in messages {
        // A closed connection may refuse the rest; what the relay said is read below.
        let _ = socket.send(WsMessage::Binary(message.into())).await;
    }
    let mut said = None;
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(WsMessage::Binary(bytes))) => {
                    if let Ok(Message::Error { message }) = Message::decode(&bytes) {
                        said = Some(message);
                    }
                }
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the relay closed the connection in time");
    said
}

fn join(peer: &str) -> Vec<u8> {
    Message::Join {
        sender_id: peer.into(),
        metadata: PeerMetadata::default(),
        supported_protocol_versions: vec!["1".into()],
    }
    .encode()
}

#[tokio::test]
async fn each_kind_of_bad_input_gets_an_error_and_closes_that_connection_only() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let (document, docs) = document_with("steady");
    let mut good = Client::connect(relay.address(), "good", docs).await;
    good.run_until(|c| c.in_sync(document)).await;
    // The relay reports heads only once they are on disk: this is what it keeps.
    let kept = stored(data.path());

    let sync_with = |sender: &str, data: Vec<u8>| {
        Message::Sync {
            sender_id: sender.into(),
            target_id: "relay".into(),
            document_id: document.to_string(),
            data,
        }
        .encode()
    };
    let truncated = {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "text", "a change never seen").unwrap();
        doc.commit();
        let mut data = doc
            .sync()
            .generate_sync_message(&mut automerge::sync::State::new())
            .unwrap()
            .encode();
        data.truncate(data.len() / 2);
        data
    };
    let unknown_type = {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2).unwrap().str("type").unwrap().str("shout").unwrap();
        e.str("senderId").unwrap().str("bad").unwrap();
        e.into_writer()
    };
    // What is sent, and what the relay's error message must say (`None`: closed without).
    type Case<'a> = (&'a str, Vec<Vec<u8>>, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "malformed CBOR",
            vec![b"\x1c\x00 not cbor".to_vec()],
            Some("not a CBOR map"),
        ),
        (
            "an unknown message type",
            vec![join("bad-1"), unknown_type],
            Some("\"shout\" is not a message type"),
        ),
        (
            "a truncated Automerge sync message",
            vec![join("bad-2"), sync_with("bad-2", truncated)],
            Some("not an Automerge sync message"),
        ),
        (
            "a second join with another peer's id",
            vec![join("bad-3"), join("good")],
            Some("a second join"),
        ),
        (
            "a message in another peer's name",
            vec![join("bad-4"), sync_with("good", Vec::new())],
            Some("another peer"),
        ),
        (
            "a message over the size limit",
            vec![join("bad-5"), vec![0u8; 1024 * 1024 + 512 * 1024]],
            Some("over this relay's limit of 1048576 bytes"),
        ),
        // Cut off by the WebSocket layer (close code 1009) while being read.
        (
            "a message over twice the size limit",
            vec![join("bad-6"), vec![0u8; 3 * 1024 * 1024]],
            None,
        ),
    ];
    for (what, messages, expected) in cases {
        let said = refused(relay.address(), messages).await;
        match expected {
            Some(expected) => assert!(
                said.as_deref().is_some_and(|s| s.contains(expected)),
                "{what}: the peer is told why, got {said:?}"
            ),
            None => assert_eq!(said, None, "{what}"),
        }
        // The good client still syncs, every time.
        good.run_until(|c| c.in_sync(document)).await;
    }
    assert_eq!(stored(data.path()), kept, "nothing stored changed");
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"malformed\"} 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("throughline_errors_total{kind=\"message_size\"} 2"),
        "{metrics}"
    );

    good.edit(document, "still steady").await;
    good.run_until(|c| c.in_sync(document)).await;
    relay.stop().await.expect("the relay stops cleanly");
}

/// The HTTP status the relay answers a WebSocket upgrade with, when it refuses it.
async fn refused_status(url: &str) -> Option<u16> {
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => None,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Some(response.status().as_u16())
        }
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

#[tokio::test]
async fn with_a_token_set_only_peers_presenting_it_may_sync() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay_with(data.path(), Some("s3cret-token"), 100).await;
    let address = relay.address();
    assert_eq!(
        refused_status(&format!("ws://{address}/sync")).await,
        Some(401)
    );
    assert_eq!(
        refused_status(&format!("ws://{address}/sync?token=wrong")).await,
        Some(401)
    );

    let (document, docs) = document_with("with a token");
    let mut client = Client::connect_to(
        &format!("ws://{address}/sync?token=s3cret-token"),
        "holder",
        docs,
    )
    .await;
    client.run_until(|c| c.in_sync(document)).await;

    let metrics = raw_get(address, "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"token\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("throughline_connections_open 1"),
        "{metrics}"
    );
    assert!(!metrics.contains("s3cret"), "the token never appears");
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn connections_from_one_address_are_limited_and_places_come_back() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay_with(data.path(), None, 2).await;
    let url = format!("ws://{}/sync", relay.address());
    let (first, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (_second, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    assert_eq!(refused_status(&url).await, Some(429));
    drop(first);
    // The closed connection's place is freed once the relay notices it is gone.
    let mut accepted = false;
    for _ in 0..50 {
        if refused_status(&url).await.is_none() {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(accepted, "a new connection is accepted after one closed");
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_peer_that_stops_answering_is_closed_and_one_that_answers_pings_stays() {
    let data = tempfile::tempdir().unwrap();
    let relay = {
        let config = Config {
            idle_timeout_seconds: 1,
            ..test_config(data.path())
        };
        Relay::start(config).await.expect("the relay starts")
    };
    let url = format!("ws://{}/sync", relay.address());
    let (mut gone, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (mut present, _) = tokio_tungstenite::connect_async(&url).await.unwrap();

    // The present peer reads (so its library answers the pings) for three seconds; the
    // other reads nothing at all, so it never answers.
    let started = std::time::Instant::now();
    let mut pings = 0;
    while started.elapsed() < Duration::from_secs(3) {
        match tokio::time::timeout(Duration::from_millis(200), present.next()).await {
            Ok(Some(Ok(WsMessage::Ping(_)))) => pings += 1,
            Ok(Some(Ok(other))) => panic!("unexpected {other:?}"),
            Ok(Some(Err(error))) => panic!("the answering peer was closed: {error}"),
            Ok(None) => panic!("the answering peer was closed"),
            Err(_) => {}
        }
    }
    assert!(pings >= 3, "the relay pings (got {pings})");

    // The silent one has been closed by now.
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match gone.next().await {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a peer that stops answering is closed");
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"idle\"} 1"),
        "{metrics}"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_connection_naming_more_documents_than_allowed_is_closed_and_others_are_not() {
    let data = tempfile::tempdir().unwrap();
    let relay = {
        let config = Config {
            max_documents_per_connection: 2,
            ..test_config(data.path())
        };
        Relay::start(config).await.expect("the relay starts")
    };
    // Two documents: within the limit, synced.
    let (first, mut docs) = document_with("one");
    let (second, more) = document_with("two");
    docs.extend(more);
    let mut modest = Client::connect(relay.address(), "modest", docs).await;
    modest
        .run_until(|c| c.in_sync(first) && c.in_sync(second))
        .await;

    // Three: the third is refused with an error message and the connection closed.
    let mut docs = HashMap::new();
    for text in ["a", "b", "c"] {
        docs.extend(document_with(text).1);
    }
    let mut greedy = Client::connect(relay.address(), "greedy", docs).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, greedy.socket.next())
            .await
            .expect("the relay closed the connection in time")
        {
            Some(Ok(WsMessage::Binary(bytes))) => greedy.receive(&bytes).await,
            Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
            Some(Ok(_)) => {}
        }
    }
    // The relay's `error` comes after the handshake: the engine reports it, then the
    // relay closes the connection (the loop above ended on that).
    let reason = greedy.said.join(" ");
    assert!(
        reason.contains("at most 2 documents on one connection"),
        "the peer is told why: {reason:?}"
    );

    // The first connection is unaffected.
    modest.edit(first, "still here").await;
    modest.run_until(|c| c.in_sync(first)).await;
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"documents_per_connection\"} 1"),
        "{metrics}"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn an_ephemeral_message_reaches_the_others_on_that_document_and_is_not_kept() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let (document, docs) = document_with("shared");
    let mut ana = Client::connect(relay.address(), "ana", docs.clone()).await;
    ana.run_until(|c| c.in_sync(document)).await;
    let mut bo = Client::connect(relay.address(), "bo", docs).await;
    bo.run_until(|c| c.in_sync(document)).await;
    let kept = stored(data.path());
    ana.broadcast(document, b"\xa1\x64name\x63Ana").await;
    bo.run_until(|c| !c.heard.is_empty()).await;
    assert_eq!(bo.heard[0].0, document);
    assert_eq!(bo.heard[0].2, b"\xa1\x64name\x63Ana");
    assert_eq!(stored(data.path()), kept, "nothing of it is stored");
    relay.stop().await.expect("the relay stops cleanly");
}

/// A relay that unloads documents after `unload_after_seconds` without peers, or past
/// `max_in_memory` documents.
async fn start_forgetful_relay(
    data_dir: &std::path::Path,
    unload_after_seconds: u64,
    max_in_memory: usize,
) -> Relay {
    let config = Config {
        unload_after_seconds,
        max_documents_in_memory: max_in_memory,
        ..test_config(data_dir)
    };
    Relay::start(config).await.expect("the relay starts")
}

#[tokio::test]
async fn documents_leave_memory_when_no_peer_is_connected_and_load_again_when_asked_for() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_forgetful_relay(data.path(), 1, 50_000).await;
    let (document, docs) = document_with("kept on disk");
    let mut writer = Client::connect(relay.address(), "writer", docs).await;
    writer.run_until(|c| c.in_sync(document)).await;
    assert_eq!(
        metric(relay.address(), "throughline_documents_open").await,
        1
    );
    drop(writer);

    // Nobody connected for a second: the document is dropped from memory.
    until_metric(relay.address(), "throughline_unloads_total", |n| n >= 1).await;
    assert_eq!(
        metric(relay.address(), "throughline_documents_open").await,
        0
    );
    assert!(metric(relay.address(), "throughline_documents_unloaded_total").await >= 1);

    // Asked for again, it comes from disk.
    let mut reader = Client::connect(
        relay.address(),
        "reader",
        HashMap::from([(document, AutoCommit::new())]),
    )
    .await;
    reader
        .run_until(|c| c.text(document).as_deref() == Some("kept on disk"))
        .await;
    assert_eq!(
        metric(relay.address(), "throughline_documents_open").await,
        1
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn past_the_limit_of_documents_in_memory_all_are_unloaded_and_still_served() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_forgetful_relay(data.path(), 1, 2).await;
    let mut docs = HashMap::new();
    let mut ids = Vec::new();
    for text in ["one", "two", "three"] {
        let (id, doc) = document_with(text);
        ids.push((id, text));
        docs.extend(doc);
    }
    let mut busy = Client::connect(relay.address(), "busy", docs).await;
    busy.run_until(|c| ids.iter().all(|(id, _)| c.in_sync(*id)))
        .await;
    // Three in memory, over the limit of two, with a peer connected: unloaded anyway
    // (the peer is disconnected and would reconnect by itself).
    until_metric(relay.address(), "throughline_unloads_total", |n| n >= 1).await;
    let mut fresh = Client::connect(
        relay.address(),
        "fresh",
        ids.iter().map(|(id, _)| (*id, AutoCommit::new())).collect(),
    )
    .await;
    fresh
        .run_until(|c| {
            ids.iter()
                .all(|(id, text)| c.text(*id).as_deref() == Some(*text))
        })
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn acknowledgements_are_coalesced_without_holding_back_any_edit() {
    let data = tempfile::tempdir().unwrap();
    // A long delay, so every acknowledgement of the burst below falls inside it.
    let hold = Duration::from_secs(5);
    let relay = Relay::start(Config {
        acknowledgement_delay_ms: hold.as_millis() as u64,
        ..test_config(data.path())
    })
    .await
    .expect("the relay starts");
    let (document, docs) = document_with("draft 0");
    let mut laptop = Client::connect(relay.address(), "laptop", docs).await;
    laptop.run_until(|c| c.in_sync(document)).await;
    let tablet_docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(relay.address(), "tablet", tablet_docs).await;
    tablet
        .run_until(|c| c.text(document).as_deref() == Some("draft 0"))
        .await;

    // The tablet acknowledges each edit as it arrives; the relay holds those, and still
    // sends every next edit at once.
    let burst = std::time::Instant::now();
    for i in 1..=10 {
        let text = format!("draft {i}");
        laptop.edit(document, &text).await;
        laptop
            .serve_until(tablet.run_until(|c| c.text(document).as_deref() == Some(text.as_str())))
            .await;
    }
    assert!(
        burst.elapsed() < hold,
        "no edit waited for the tablet's held acknowledgement ({:?})",
        burst.elapsed()
    );
    until_metric(
        relay.address(),
        "throughline_acknowledgements_coalesced_total",
        |coalesced| coalesced >= 1,
    )
    .await;

    // What the tablet says next reaches the laptop, and both end in sync with the relay.
    tablet.edit(document, "from the tablet").await;
    tablet
        .serve_until(laptop.run_until(|c| c.text(document).as_deref() == Some("from the tablet")))
        .await;
    tablet.run_until(|c| c.in_sync(document)).await;
    laptop.run_until(|c| c.in_sync(document)).await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn the_relay_never_offers_a_document_to_a_peer_that_did_not_ask_for_it() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_relay(data.path()).await;
    let (document, docs) = document_with("the board's draft");
    let mut owner = Client::connect(relay.address(), "owner", docs).await;
    owner.run_until(|c| c.in_sync(document)).await;

    // Another peer joins and asks for nothing, while the owner edits and is present.
    let (mut stranger, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.address()))
            .await
            .unwrap();
    stranger
        .send(WsMessage::Binary(join("stranger").into()))
        .await
        .unwrap();
    owner
        .edit(document, "edited while a stranger listens")
        .await;
    owner.run_until(|c| c.in_sync(document)).await;
    owner.broadcast(document, b"in the title").await;

    let id = document.to_string();
    let mut heard = Vec::new();
    let listen = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(message)) = stranger.next().await {
            if let WsMessage::Binary(bytes) = message {
                heard.push(bytes.to_vec());
            }
        }
    });
    let _ = listen.await;
    assert!(
        matches!(
            heard.first().map(|b| Message::decode(b)),
            Some(Ok(Message::Peer { .. }))
        ),
        "the handshake is answered"
    );
    assert!(
        !heard
            .iter()
            .any(|bytes| bytes.windows(id.len()).any(|w| w == id.as_bytes())),
        "nothing about the document reached a peer that did not ask for it"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn changes_the_relay_cannot_store_are_never_reported_as_kept() {
    let data = tempfile::tempdir().unwrap();
    // Every chunk is written through `<data dir>/incoming`: a file in its place makes
    // every write fail, as a full or broken disk would.
    std::fs::write(data.path().join("incoming"), b"not a directory").unwrap();
    let relay = Relay::start(Config {
        store_within_seconds: 1,
        ..test_config(data.path())
    })
    .await
    .expect("the relay starts");
    let (document, docs) = document_with("not yet safe");
    let mut laptop = Client::connect(relay.address(), "laptop", docs).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let next = tokio::time::timeout_at(deadline, laptop.socket.next())
            .await
            .expect("the relay gives up on storing in time");
        let Some(Ok(WsMessage::Binary(bytes))) = next else {
            break;
        };
        laptop.receive(&bytes).await;
        assert!(
            !laptop.in_sync(document),
            "the relay never reports heads it has not stored"
        );
    }
    let said = laptop.said.join(" ");
    assert!(
        said.contains("could not store"),
        "the peer is told: {said:?}"
    );
    assert_eq!(laptop.text(document).as_deref(), Some("not yet safe"));
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"not_stored\"} 1"),
        "{metrics}"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

/// Opens a sync socket with extra request headers; the HTTP status of a refusal, or the
/// open socket.
async fn connect_with(
    url: &str,
    headers: &[(&'static str, &str)],
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    u16,
> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().expect("a request");
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, value.parse().expect("a header value"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

#[tokio::test]
async fn the_door_checks_origins_forwarded_addresses_behind_named_proxies_and_metrics_credentials()
{
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        max_connections_per_address: 1,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        allowed_origins: vec!["https://app.example.org".into()],
        metrics_token: Some("metrics-s3cret".into()),
        ..test_config(data.path())
    };
    let relay = Relay::start(config).await.expect("the relay starts");
    let address = relay.address();
    let url = format!("ws://{address}/sync");

    // Another site's page is refused; the relay's own and an allowed origin are not.
    assert_eq!(
        connect_with(&url, &[("origin", "https://evil.example")])
            .await
            .err(),
        Some(403)
    );
    let own = connect_with(&url, &[("origin", &format!("http://{address}"))])
        .await
        .expect("the relay's own page");
    drop(own);

    // Behind the trusted proxy (this machine here), each forwarded client has its own
    // allowance of one connection; a client forging the left of the header gains none.
    let first = connect_with(&url, &[("x-forwarded-for", "203.0.113.1")])
        .await
        .expect("one client");
    let second = connect_with(
        &url,
        &[
            ("origin", "https://app.example.org"),
            ("x-forwarded-for", "203.0.113.2"),
        ],
    )
    .await
    .expect("another client behind the same proxy");
    assert_eq!(
        connect_with(&url, &[("x-forwarded-for", "198.51.100.9, 203.0.113.1")])
            .await
            .err(),
        Some(429),
        "the nearest untrusted address is the one that counts"
    );

    // Metrics need the token, even from this machine.
    let refused = raw_get(address, "/metrics").await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let metrics = common::raw_request(
        address,
        "/metrics",
        &["Host: localhost", "Authorization: Bearer metrics-s3cret"],
    )
    .await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains("throughline_errors_total{kind=\"origin\"} 1"),
        "{metrics}"
    );
    drop((first, second));
}
