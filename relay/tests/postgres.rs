//! Several relays on one PostgreSQL database (`--store`), each test with a real server of
//! its own (`common/postgres.rs`): a change made through one instance reaches a peer of
//! another, also after the listening connection is cut; the database stopped mid-run
//! loses nothing a client was told was stored, and `/healthz` says so meanwhile; a data
//! directory moves in and out; behind HAProxy (`deploy/haproxy.cfg`) a relay killed
//! mid-edit loses nothing.

use std::collections::HashMap;
use std::time::Duration;

use automerge::{AutoCommit, ReadDoc};
use throughline::store::DocumentId;
use throughline_relay::{Config, Relay};

mod common;
#[path = "common/engine_client.rs"]
mod engine_client;
#[path = "common/metrics.rs"]
mod metrics;
#[path = "common/postgres.rs"]
mod postgres;
use common::config::test_config;
use common::raw_get;
use engine_client::Client;
use metrics::until_metric;
use postgres::TestDatabase;

async fn start_instance(database: &TestDatabase, data_dir: &std::path::Path) -> Relay {
    let config = Config {
        store: Some(database.url()),
        ..test_config(data_dir)
    };
    Relay::start(config).await.expect("the relay starts")
}

/// Waits until `client` reads `text` in `document`, answering the relay meanwhile.
async fn until_text(client: &mut Client, document: DocumentId, text: &str) {
    client
        .run_until(|c| c.text(document).as_deref() == Some(text))
        .await;
}

/// Two instances on one database, a laptop on the first that wrote `text` in a new
/// document, and a tablet on the second that has read it (from PostgreSQL).
struct TwoInstances {
    database: TestDatabase,
    dirs: [tempfile::TempDir; 2],
    one: Relay,
    two: Relay,
    document: DocumentId,
    laptop: Client,
    tablet: Client,
}

async fn two_instances(text: &str) -> TwoInstances {
    let database = TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = start_instance(&database, dirs[0].path()).await;
    let two = start_instance(&database, dirs[1].path()).await;
    let document = DocumentId::random();
    let mut laptop = Client::connect(one.address(), "laptop", HashMap::new()).await;
    laptop.edit(document, text).await;
    laptop.run_until(|c| c.in_sync(document)).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(two.address(), "tablet", docs).await;
    until_text(&mut tablet, document, text).await;
    TwoInstances {
        database,
        dirs,
        one,
        two,
        document,
        laptop,
        tablet,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_a_peer_of_another() {
    let TwoInstances {
        database,
        dirs,
        one,
        two,
        document,
        mut laptop,
        mut tablet,
    } = two_instances("first words").await;

    // Both have it open: an edit on one instance reaches the other's peer live.
    laptop.edit(document, "second words").await;
    laptop
        .serve_until(until_text(&mut tablet, document, "second words"))
        .await;
    tablet.edit(document, "the tablet's words").await;
    tablet
        .serve_until(until_text(&mut laptop, document, "the tablet's words"))
        .await;

    // Who is looking crosses instances too (an ephemeral message, never stored).
    laptop
        .broadcast(document, b"laptop: on the second line")
        .await;
    tablet
        .run_until(|c| {
            c.heard
                .iter()
                .any(|(d, _, data)| *d == document && data == b"laptop: on the second line")
        })
        .await;

    // A third instance, started afterwards, has it all from the database.
    let three_dir = tempfile::tempdir().unwrap();
    let three = start_instance(&database, three_dir.path()).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut phone = Client::connect(three.address(), "phone", docs).await;
    until_text(&mut phone, document, "the tablet's words").await;
    assert!(
        !dirs[0].path().join("documents").exists(),
        "nothing is kept on the instance's disk"
    );

    for relay in [one, two, three] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

/// A document asked for through one instance before any instance has stored it: samod
/// there finds nothing, answers that it is unavailable and keeps the request open, which
/// only a peer syncing the document ends. When another instance stores it, this one hands
/// it to samod as such a peer, so the tablet that asked gets it, and every change after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_asked_for_before_any_instance_stored_it_arrives_once_one_does() {
    let database = TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = start_instance(&database, dirs[0].path()).await;
    let two = start_instance(&database, dirs[1].path()).await;
    let document = DocumentId::random();
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(two.address(), "tablet", docs).await;
    tablet
        .serve_until(until_metric(
            two.address(),
            "throughline_documents_open",
            |open| open == 1,
        ))
        .await;

    let mut laptop = Client::connect(one.address(), "laptop", HashMap::new()).await;
    laptop
        .edit(document, "written after it was asked for")
        .await;
    laptop
        .serve_until(until_text(
            &mut tablet,
            document,
            "written after it was asked for",
        ))
        .await;
    laptop.edit(document, "and a change after that").await;
    laptop
        .serve_until(until_text(&mut tablet, document, "and a change after that"))
        .await;
    tablet.edit(document, "the tablet's answer").await;
    tablet
        .serve_until(until_text(&mut laptop, document, "the tablet's answer"))
        .await;

    for relay in [one, two] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

/// Writes `key` = `value` in `document` on `client` and tells the relay.
async fn put(client: &mut Client, document: DocumentId, key: &str, value: &str) {
    use automerge::transaction::Transactable;
    let doc = client.docs.entry(document).or_default();
    doc.put(automerge::ROOT, key, value).expect("a put");
    doc.commit();
    let effects = client.engine.handle(
        throughline::sync::Event::Changed { document },
        &mut client.docs,
    );
    client.apply(effects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_compacting_one_document_lose_nothing() {
    let TwoInstances {
        database,
        one,
        two,
        document,
        mut laptop,
        mut tablet,
        ..
    } = two_instances("shared").await;
    // Each side writes many changes (samod compacts a document past ten), interleaved.
    for n in 0..40 {
        put(&mut laptop, document, &format!("laptop {n}"), "kept").await;
        put(&mut tablet, document, &format!("tablet {n}"), "kept").await;
        if n % 10 == 9 {
            laptop
                .serve_until(tablet.run_until(|c| c.in_sync(document)))
                .await;
            tablet
                .serve_until(laptop.run_until(|c| c.in_sync(document)))
                .await;
        }
    }
    let every = |c: &mut Client| {
        let doc = c.docs.get(&document).expect("the document");
        (0..40).all(|n| {
            ["laptop", "tablet"].iter().all(|side| {
                doc.get(automerge::ROOT, format!("{side} {n}"))
                    .ok()
                    .flatten()
                    .is_some()
            })
        })
    };
    laptop.serve_until(tablet.run_until(every)).await;
    tablet.serve_until(laptop.run_until(every)).await;
    let snapshots =
        database.sql("SELECT count(*) FROM throughline_chunks WHERE path LIKE '%/snapshot/%'");
    assert!(
        snapshots.parse::<u32>().unwrap() >= 1,
        "compacted: {snapshots}"
    );
    one.stop().await.unwrap();
    two.stop().await.unwrap();

    // What both compacted is all in the database.
    let dir = tempfile::tempdir().unwrap();
    let three = start_instance(&database, dir.path()).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut phone = Client::connect(three.address(), "phone", docs).await;
    phone.run_until(every).await;
    three.stop().await.unwrap();
}

/// Whether `client` holds `count` keys `<side> <n>` of each side in `document`.
fn holds_all(client: &Client, document: DocumentId, sides: &[&str], count: usize) -> bool {
    client.docs.get(&document).is_some_and(|doc| {
        (0..count).all(|n| {
            sides.iter().all(|side| {
                doc.get(automerge::ROOT, format!("{side} {n}"))
                    .ok()
                    .flatten()
                    .is_some()
            })
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_stopped_and_started_under_load_loses_nothing() {
    let TwoInstances {
        database,
        one,
        two,
        document,
        mut laptop,
        mut tablet,
        ..
    } = two_instances("shared").await;
    // Both keep writing: before, while and after the database is down.
    for n in 0..30 {
        if n == 10 {
            database.pause();
        }
        if n == 20 {
            database.resume();
        }
        put(&mut laptop, document, &format!("laptop {n}"), "kept").await;
        put(&mut tablet, document, &format!("tablet {n}"), "kept").await;
    }
    let sides = ["laptop", "tablet"];
    laptop
        .serve_until(
            tablet.run_until(|c| holds_all(c, document, &sides, 30) && c.in_sync(document)),
        )
        .await;
    tablet
        .serve_until(
            laptop.run_until(|c| holds_all(c, document, &sides, 30) && c.in_sync(document)),
        )
        .await;
    one.stop().await.unwrap();
    two.stop().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let three = start_instance(&database, dir.path()).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut phone = Client::connect(three.address(), "phone", docs).await;
    phone
        .run_until(|c| holds_all(c, document, &sides, 30))
        .await;
    three.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_its_listening_connection_is_cut_an_instance_reads_its_open_documents_again() {
    let TwoInstances {
        database,
        one,
        two,
        document,
        mut laptop,
        mut tablet,
        ..
    } = two_instances("before").await;

    // Cut both instances' listening connections, and edit at once: the announcement is
    // made while nobody listens.
    let cut = database.sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
    );
    assert_eq!(cut, "2", "each instance listens on a connection of its own");
    laptop.edit(document, "while nobody listened").await;
    laptop
        .serve_until(until_text(&mut tablet, document, "while nobody listened"))
        .await;

    // And announcements are heard again afterwards.
    laptop.edit(document, "after").await;
    laptop
        .serve_until(until_text(&mut tablet, document, "after"))
        .await;
    for relay in [one, two] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_stopped_nothing_is_confirmed_and_nothing_is_lost() {
    let database = TestDatabase::start();
    let dir = tempfile::tempdir().unwrap();
    let relay = start_instance(&database, dir.path()).await;
    let health = raw_get(relay.address(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let document = DocumentId::random();
    let mut laptop = Client::connect(relay.address(), "laptop", HashMap::new()).await;
    laptop.edit(document, "stored").await;
    laptop.run_until(|c| c.in_sync(document)).await;

    database.pause();
    laptop
        .edit(document, "typed while the database was down")
        .await;
    // The relay cannot store it, so it never reports heads that include it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut pending = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(
        Duration::from_millis(50),
        futures_util::StreamExt::next(&mut laptop.socket),
    )
    .await
    {
        pending.push(message);
    }
    for message in pending {
        if let tokio_tungstenite::tungstenite::Message::Binary(bytes) = message {
            laptop.receive(&bytes).await;
        }
    }
    assert!(
        !laptop.in_sync(document),
        "the relay confirms nothing it could not store"
    );
    let health = raw_get(relay.address(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 503"), "{health}");
    assert!(health.contains("PostgreSQL does not answer"), "{health}");

    database.resume();
    laptop.run_until(|c| c.in_sync(document)).await;
    let health = raw_get(relay.address(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    relay.stop().await.expect("the relay stops cleanly");

    // Another instance, on the database alone, has what the laptop was told was stored.
    let other_dir = tempfile::tempdir().unwrap();
    let other = start_instance(&database, other_dir.path()).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(other.address(), "tablet", docs).await;
    until_text(&mut tablet, document, "typed while the database was down").await;
    other.stop().await.expect("the relay stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_started_before_its_database_waits_for_it_and_then_serves() {
    let database = TestDatabase::start();
    database.pause();
    let dir = tempfile::tempdir().unwrap();
    let relay = start_instance(&database, dir.path()).await;
    let health = raw_get(relay.address(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 503"), "{health}");
    // No peer is taken before the owners and rules are read.
    let url = format!("ws://{}/sync", relay.address());
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503)
        }
        other => panic!("refused with 503 while the database is down: {other:?}"),
    }

    database.resume();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !raw_get(relay.address(), "/healthz")
        .await
        .starts_with("HTTP/1.1 200")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "healthy once the database answers"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let document = DocumentId::random();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    // The rules are read moments after the database answers.
    while tokio_tungstenite::connect_async(&url).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "takes peers once it has read the rules"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut laptop = Client::connect(relay.address(), "laptop", HashMap::new()).await;
    laptop.edit(document, "after the database came up").await;
    laptop.run_until(|c| c.in_sync(document)).await;
    relay.stop().await.expect("the relay stops cleanly");
}

/// Runs `throughline-relay copy-store`; its exit status and what it printed.
fn copy_store(from: &str, to: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_throughline-relay"))
        .args(["copy-store", "--from", from, "--to", to])
        .output()
        .expect("the relay's binary runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_moves_into_postgresql_and_back() {
    // A relay on disk with a document edited many times (compacted into a snapshot and
    // more changes) and a line of the rules' log.
    let before = tempfile::tempdir().unwrap();
    let relay = Relay::start(test_config(before.path())).await.unwrap();
    let document = DocumentId::random();
    let mut laptop = Client::connect(relay.address(), "laptop", HashMap::new()).await;
    for n in 0..15 {
        laptop.edit(document, &format!("version {n}")).await;
    }
    laptop.run_until(|c| c.in_sync(document)).await;
    relay.stop().await.unwrap();
    let owner =
        throughline_relay::rules_log::Line::Owner(throughline_relay::rules_log::OwnerLine {
            document: document.to_string(),
            workspace: DocumentId::random().to_string(),
            device: None,
            root: None,
            before_listing: false,
        });
    // What a relay found of a document's held history when it was listed travels too.
    let verdict =
        throughline_relay::rules_log::Line::Verdict(throughline_relay::rules_log::VerdictLine {
            document: DocumentId::random().to_string(),
            workspace: DocumentId::random().to_string(),
            refused: Some("written in another person's name".into()),
        });
    throughline_relay::rules_log::RulesLog::files(before.path())
        .add(vec![owner.clone(), verdict.clone()]);

    // Into PostgreSQL: an instance there has it all.
    let database = TestDatabase::start();
    let (copied, said) = copy_store(&before.path().display().to_string(), &database.url());
    assert!(copied, "{said}");
    assert!(
        said.contains("lines of the rules' log; the copy reads back the same"),
        "{said}"
    );
    let rows = database.sql("SELECT count(*) FROM throughline_chunks");
    assert!(
        said.contains(&format!("Copied {rows} chunks of 1 documents")),
        "{said} / {rows}"
    );
    let instance_dir = tempfile::tempdir().unwrap();
    let instance = start_instance(&database, instance_dir.path()).await;
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(instance.address(), "tablet", docs).await;
    until_text(&mut tablet, document, "version 14").await;
    tablet.edit(document, "written on PostgreSQL").await;
    tablet.run_until(|c| c.in_sync(document)).await;
    instance.stop().await.unwrap();

    // And back into a data directory, with what was written meanwhile.
    let after = tempfile::tempdir().unwrap();
    let target = after.path().join("data");
    let (copied, said) = copy_store(&database.url(), &target.display().to_string());
    assert!(copied, "{said}");
    let relay = Relay::start(test_config(&target)).await.unwrap();
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut phone = Client::connect(relay.address(), "phone", docs).await;
    until_text(&mut phone, document, "written on PostgreSQL").await;
    relay.stop().await.unwrap();
    let lines = throughline_relay::rules_log::RulesLog::files(&target).read_files();
    assert_eq!(lines, vec![owner, verdict], "the rules' log came back");

    // A store that is not there changes nothing and says why.
    let (copied, said) = copy_store("/nonexistent/throughline-data", &database.url());
    assert!(!copied);
    assert!(said.contains("there is no data directory"), "{said}");
}

/// A relay binary on `database`, in a process of its own (so that it can be killed).
struct RelayProcess {
    child: std::process::Child,
    address: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

impl RelayProcess {
    fn start(database: &TestDatabase) -> RelayProcess {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_throughline-relay"))
            .args(["--listen", "127.0.0.1:0", "--trusted-proxies", "127.0.0.1"])
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--app-dir")
            .arg(dir.path().join("no-app"))
            .arg("--store")
            .arg(database.url())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the relay's binary runs");
        let stdout = child.stdout.take().expect("its standard output");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the relay says where it runs");
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|address| address.parse().ok())
            .unwrap_or_else(|| panic!("an address in {line:?}"));
        RelayProcess {
            child,
            address,
            _dir: dir,
        }
    }

    /// Sync connections it holds now (its `/metrics`, which answers this machine).
    async fn connections(&self) -> u64 {
        let metrics = raw_get(self.address, "/metrics").await;
        metrics
            .lines()
            .find_map(|line| line.strip_prefix("throughline_connections_open "))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HAProxy with `deploy/haproxy.cfg` in front of `relays`, on a free loopback port.
struct Balancer {
    child: std::process::Child,
    address: std::net::SocketAddr,
}

impl Balancer {
    async fn start(relays: [&RelayProcess; 2]) -> Balancer {
        let address = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|free| free.local_addr())
            .expect("a free port");
        let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/haproxy.cfg");
        let program = if std::path::Path::new("/usr/sbin/haproxy").is_file() {
            "/usr/sbin/haproxy"
        } else {
            "haproxy"
        };
        let child = std::process::Command::new(program)
            .args(["-db", "-f", config])
            .env("THROUGHLINE_LB_LISTEN", address.to_string())
            .env("THROUGHLINE_RELAY_1", relays[0].address.to_string())
            .env("THROUGHLINE_RELAY_2", relays[1].address.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("HAProxy runs (`cargo xtask test` installs Debian's haproxy)");
        let balancer = Balancer { child, address };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let answered = tokio::net::TcpStream::connect(address).await.is_ok()
                && raw_get(address, "/healthz")
                    .await
                    .starts_with("HTTP/1.1 200");
            if answered {
                return balancer;
            }
            assert!(tokio::time::Instant::now() < deadline, "HAProxy answers");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_mid_edit_behind_haproxy_loses_nothing() {
    let database = TestDatabase::start();
    let relays = [
        RelayProcess::start(&database),
        RelayProcess::start(&database),
    ];
    let balancer = Balancer::start([&relays[0], &relays[1]]).await;
    let through = format!("ws://{}/sync", balancer.address);
    let document = DocumentId::random();
    let mut laptop = Client::connect_to(&through, "laptop", HashMap::new()).await;
    laptop.edit(document, "stored before").await;
    laptop.run_until(|c| c.in_sync(document)).await;
    let mut held = Vec::new();
    for relay in &relays {
        held.push(relay.connections().await);
    }
    let on = held
        .iter()
        .position(|&n| n == 1)
        .unwrap_or_else(|| panic!("one relay holds the laptop: {held:?}"));
    let [first, second] = relays;
    let (mut killed, survivor) = if on == 0 {
        (first, second)
    } else {
        (second, first)
    };

    // An edit sent, and the relay killed before it can answer.
    laptop.edit(document, "typed as the relay died").await;
    killed.child.kill().expect("SIGKILL");
    let _ = killed.child.wait();
    let docs = laptop.docs.clone();
    drop(laptop);

    // The laptop reconnects through HAProxy, lands on the other relay, and converges.
    let mut laptop = Client::connect_to(&through, "laptop", docs).await;
    laptop.run_until(|c| c.in_sync(document)).await;
    assert_eq!(
        survivor.connections().await,
        1,
        "the laptop is on the survivor"
    );
    let docs = HashMap::from([(document, AutoCommit::new())]);
    let mut tablet = Client::connect(survivor.address, "tablet", docs).await;
    until_text(&mut tablet, document, "typed as the relay died").await;
}
