//! Sync timings for `cargo xtask bench`, printed as figures (never asserted):
//!
//! - edit on one client to the change applied on another, with 1, 10 and 50 clients
//!   editing one document at once, through our relay (with clients that prove nothing,
//!   and again with every client a member's device proving its key in a claimed
//!   workspace, so the relay checks the rules) and through the JavaScript reference
//!   server, with the ratio;
//! - the relay's memory and CPU with 10,000 idle connections, and with 1,000 documents
//!   synced;
//! - the first sync of a 500-document workspace to an empty client, without and with
//!   the rules checked;
//! - with relays on one PostgreSQL database (a throwaway server the bench starts): edit
//!   to applied at 10 and 50 editors over 1, 2 and 3 instances, the first sync of a
//!   500-document workspace from the database, and an instance's memory with 10,000 idle
//!   connections.
//!
//! The clients are Throughline's sync engine over WebSockets, in this process; the relay
//! and the reference server run as processes of their own so their memory and CPU can be
//! read from /proc.
//!
//! ```text
//! cargo run --profile release-native -p throughline-relay --example sync_bench -- \
//!     <relay binary> <reference server script>
//! ```

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use futures_util::{SinkExt, StreamExt};
use throughline::model::identity::{acceptance_message, Act, DeviceSecret, Purpose};
use throughline::model::plan::Role as PlanRole;
use throughline::model::{DocumentUrl, Person, PersonId, PlanEntry, Workspace};
use throughline::store::DocumentId;
use throughline::sync::{relay_proof, Effect, Engine, Event, PeerMetadata};
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[path = "../tests/common/postgres.rs"]
mod postgres;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// When each edit was made: (editor, sequence number) → time.
type Sent = Arc<Mutex<HashMap<(usize, u64), Instant>>>;

/// One client: our engine, its documents and a socket, run as a task. `edits` asks it to
/// set a key; `applied` hears each document it received changes for.
struct Peer {
    edits: mpsc::UnboundedSender<(DocumentId, String, u64)>,
}

impl Peer {
    async fn connect(
        url: &str,
        name: String,
        docs: HashMap<DocumentId, AutoCommit>,
        applied: Option<mpsc::UnboundedSender<(DocumentId, AutoCommit)>>,
        in_sync: Option<mpsc::UnboundedSender<DocumentId>>,
    ) -> Result<Peer, Error> {
        Self::connect_as(url, Who::Named(name), docs, applied, in_sync).await
    }

    async fn connect_as(
        url: &str,
        who: Who<'_>,
        mut docs: HashMap<DocumentId, AutoCommit>,
        applied: Option<mpsc::UnboundedSender<(DocumentId, AutoCommit)>>,
        in_sync: Option<mpsc::UnboundedSender<DocumentId>>,
    ) -> Result<Peer, Error> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request()?;
        let name = match who {
            Who::Named(name) => name,
            // As the app does: a fresh challenge, signed, offered as a subprotocol.
            Who::Proven(device, workspace) => {
                let peer = relay_proof::peer_id_for(&device.public());
                let proof = relay_proof::RelayProof::sign(
                    &challenge(url).await?,
                    &peer,
                    &workspace,
                    device,
                    None,
                );
                request.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    format!("{}, {}", relay_proof::SYNC_PROTOCOL, proof.to_protocol()).parse()?,
                );
                peer.as_str().to_owned()
            }
        };
        // Without Nagle's algorithm, as browsers open WebSockets.
        let (socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
        let (mut sink, mut stream) = socket.split();
        let (edits, mut to_edit) = mpsc::unbounded_channel::<(DocumentId, String, u64)>();
        let mut engine = Engine::new(name.into(), PeerMetadata::default());
        tokio::spawn(async move {
            let mut relay = None::<throughline::sync::PeerId>;
            // Documents not yet reported in sync, checked at most every 20 ms.
            let mut pending: Vec<DocumentId> = docs.keys().copied().collect();
            let mut checked = Instant::now();
            let mut effects = engine.handle(Event::Connected { connection: 1 }, &mut docs);
            loop {
                for effect in std::mem::take(&mut effects) {
                    match effect {
                        Effect::Send { bytes, .. } => {
                            let sent = sink.send(WsMessage::Binary(bytes.into())).await;
                            if sent.is_err() {
                                return;
                            }
                        }
                        Effect::PeerReady { peer, .. } => relay = Some(peer),
                        Effect::Updated { document } => {
                            if let (Some(applied), Some(doc)) = (&applied, docs.get_mut(&document))
                            {
                                let _ = applied.send((document, doc.fork()));
                            }
                        }
                        _ => {}
                    }
                }
                if let (Some(in_sync), Some(relay)) = (&in_sync, &relay) {
                    if checked.elapsed() >= Duration::from_millis(20) || pending.len() < 10 {
                        checked = Instant::now();
                        pending.retain(|id| {
                            let done = engine.in_sync_with(relay, id, &mut docs);
                            if done {
                                let _ = in_sync.send(*id);
                            }
                            !done
                        });
                    }
                }
                let waiting = in_sync.is_some() && !pending.is_empty();
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(20)), if waiting => {}
                    edit = to_edit.recv() => {
                        let Some((document, key, value)) = edit else { return };
                        let doc = docs.entry(document).or_default();
                        if doc.put(ROOT, key.as_str(), value as i64).is_ok() {
                            doc.commit();
                        }
                        effects = engine.handle(Event::Changed { document }, &mut docs);
                    }
                    message = stream.next() => {
                        let Some(Ok(message)) = message else { return };
                        if let WsMessage::Binary(bytes) = message {
                            effects = engine.handle(Event::Received { connection: 1, bytes: &bytes }, &mut docs);
                        }
                    }
                }
            }
        });
        Ok(Peer { edits })
    }
}

/// Who a client is: a name (a peer that proves nothing, as an earlier build), or a
/// device key proven for a workspace (the relay then checks the rules on every document).
enum Who<'a> {
    Named(String),
    Proven(&'a DeviceSecret, DocumentId),
}

/// A challenge from the relay at the `/sync` address `url`.
async fn challenge(url: &str) -> Result<String, Error> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .ok_or("not a ws:// address")?;
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream
        .write_all(b"GET /sync/challenge HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (_, body) = response.split_once("\r\n\r\n").ok_or("no body")?;
    Ok(body.trim().to_owned())
}

/// A claimed workspace whose members are `members` (one device each), listing `plans`:
/// what the relay checks every document against when the clients prove their keys.
struct Claimed {
    id: DocumentId,
    document: AutoCommit,
    founder: DeviceSecret,
    members: Vec<DeviceSecret>,
}

impl Claimed {
    fn new(members: usize, plans: &[DocumentId]) -> Result<Claimed, Error> {
        let id = DocumentId::random();
        let url = id.url();
        let now = 1_800_000_000_000;
        let mut workspace = Workspace::default();
        let founder_person = PersonId::random();
        workspace
            .people
            .insert(founder_person.clone(), Person::default());
        let founder = DeviceSecret::generate()?;
        workspace.claim_as_founder(&url, &founder, &founder_person, now)?;
        let mut devices = Vec::new();
        let mut people = Vec::new();
        for _ in 0..members {
            let person = PersonId::random();
            workspace.people.insert(person.clone(), Person::default());
            people.push(person.clone());
            let device = DeviceSecret::generate()?;
            let invitation = DeviceSecret::generate()?;
            let root = founder.public();
            workspace.sign(
                &url,
                &founder,
                Some(&root),
                Act::Invite {
                    invitation: invitation.public(),
                    person,
                    expires: i64::MAX,
                },
                now,
            )?;
            let accept = Act::Accept {
                invitation: invitation.public(),
                proof: invitation.sign(
                    Purpose::Acceptance,
                    &acceptance_message(&url, &device.public()),
                ),
            };
            workspace.sign(&url, &device, Some(&root), accept, now)?;
            devices.push(device);
        }
        // Every member takes part in every plan (signed by the founder, an admin), so the
        // relay takes their changes to it: a member on no plan reads it only.
        let mut roles = Vec::new();
        for plan in plans {
            workspace
                .plans
                .insert(DocumentUrl::from(*plan), PlanEntry::default());
            roles.extend(people.iter().map(|person| Act::SetPlanRole {
                plan: plan.url(),
                person: person.clone(),
                role: Some(PlanRole::Contributor),
            }));
        }
        workspace.sign_all(&url, &founder, Some(&founder.public()), roles, now)?;
        let mut document = AutoCommit::new();
        autosurgeon::reconcile(&mut document, &workspace)?;
        document.commit();
        Ok(Claimed {
            id,
            document,
            founder,
            members: devices,
        })
    }

    /// The founder's device puts the workspace on the relay (and keeps it there).
    async fn upload(&self, url: &str) -> Result<Peer, Error> {
        let (synced_tx, mut synced) = mpsc::unbounded_channel();
        let peer = Peer::connect_as(
            url,
            Who::Proven(&self.founder, self.id),
            HashMap::from([(self.id, self.document.clone())]),
            None,
            Some(synced_tx),
        )
        .await?;
        tokio::time::timeout(Duration::from_secs(30), synced.recv()).await?;
        Ok(peer)
    }

    fn who(&self, member: usize) -> Who<'_> {
        Who::Proven(&self.members[member], self.id)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// `editors` clients edit one document at once, each every `every`, for `run`; one more
/// client watches. Returns the edit-to-applied latencies at the watcher, in ms, sorted.
/// With `checked`, every client is a member's device proving its key, and the document
/// is a plan of a claimed workspace: the relay decides on each through the rules.
async fn edit_latency(
    url: &str,
    editors: usize,
    every: Duration,
    run: Duration,
    checked: bool,
) -> Result<Vec<f64>, Error> {
    edit_latency_across(&[url.to_owned()], editors, every, run, checked).await
}

/// [`edit_latency`] with the clients spread over several relays (`urls`): the watcher on
/// the first, editor `i` on relay `(i + 1) % n`, so that with several relays most edits
/// cross from one to another.
async fn edit_latency_across(
    urls: &[String],
    editors: usize,
    every: Duration,
    run: Duration,
    checked: bool,
) -> Result<Vec<f64>, Error> {
    let document = DocumentId::random();
    let mut first = AutoCommit::new();
    first.put(ROOT, "title", "shared")?;
    first.commit();
    let claimed = if checked {
        Some(Claimed::new(editors + 1, &[document])?)
    } else {
        None
    };
    let url = urls.first().ok_or("no relay")?;
    let _founder = match &claimed {
        Some(claimed) => Some(claimed.upload(url).await?),
        None => None,
    };
    let who = |i: usize, name: String| match &claimed {
        Some(claimed) => claimed.who(i),
        None => Who::Named(name),
    };
    let sent: Sent = Arc::default();
    let (applied_tx, mut applied) = mpsc::unbounded_channel();
    let (synced_tx, mut synced) = mpsc::unbounded_channel();
    let _watcher = Peer::connect_as(
        url,
        who(editors, "watcher".into()),
        HashMap::from([(document, first.fork())]),
        Some(applied_tx),
        Some(synced_tx),
    )
    .await?;
    tokio::time::timeout(Duration::from_secs(20), synced.recv()).await?;
    let mut peers = Vec::new();
    let (editor_synced_tx, mut editor_synced) = mpsc::unbounded_channel();
    let connecting = Instant::now();
    for i in 0..editors {
        peers.push(
            Peer::connect_as(
                &urls[(i + 1) % urls.len()],
                who(i, format!("editor-{i}")),
                HashMap::from([(document, first.fork())]),
                None,
                Some(editor_synced_tx.clone()),
            )
            .await?,
        );
    }
    // Every editor finishes its first sync (a device proving its key has the rules worked
    // out for it first) before timing starts: the figure is of edits, not of connecting.
    for _ in 0..editors {
        tokio::time::timeout(Duration::from_secs(60), editor_synced.recv()).await?;
    }
    if editors >= 50 {
        eprintln!(
            "  ({editors} editors connected{} and synced in {:.0} ms)",
            if checked { ", keys proven," } else { "" },
            connecting.elapsed().as_secs_f64() * 1000.0
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let mut writers = Vec::new();
    for (i, peer) in peers.iter().enumerate() {
        let edits = peer.edits.clone();
        let sent = Arc::clone(&sent);
        writers.push(tokio::spawn(async move {
            // Spread the editors over the interval, as people typing are.
            tokio::time::sleep(every.mul_f64(i as f64 / editors.max(1) as f64)).await;
            let mut seq = 0u64;
            while started.elapsed() < run {
                seq += 1;
                sent.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert((i, seq), Instant::now());
                if edits.send((document, format!("editor-{i}"), seq)).is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
        }));
    }
    let mut seen: HashMap<usize, u64> = HashMap::new();
    let mut latencies = Vec::new();
    let deadline = tokio::time::Instant::now() + run + Duration::from_secs(5);
    while let Ok(Some((_, doc))) = tokio::time::timeout_at(deadline, applied.recv()).await {
        let now = Instant::now();
        for i in 0..editors {
            let Ok(Some((value, _))) = doc.get(ROOT, format!("editor-{i}").as_str()) else {
                continue;
            };
            let Some(seq) = value.as_i64().map(|v| v as u64) else {
                continue;
            };
            let last = seen.get(&i).copied().unwrap_or(0);
            if seq > last {
                let sent = sent.lock().unwrap_or_else(|p| p.into_inner());
                // Edits overtaken by a later one arrive with it.
                for s in last + 1..=seq {
                    if let Some(at) = sent.get(&(i, s)) {
                        latencies.push(now.duration_since(*at).as_secs_f64() * 1000.0);
                    }
                }
                seen.insert(i, seq);
            }
        }
        if writers.iter().all(|w| w.is_finished())
            && (0..editors).all(|i| {
                let sent = sent.lock().unwrap_or_else(|p| p.into_inner());
                let max = sent
                    .keys()
                    .filter(|(e, _)| *e == i)
                    .map(|(_, s)| *s)
                    .max()
                    .unwrap_or(0);
                seen.get(&i).copied().unwrap_or(0) >= max
            })
        {
            break;
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    Ok(latencies)
}

/// Tells the data directories of relays running at once apart.
static NEXT_DIR: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A server process (our relay or the reference server) and where it listens.
struct Server {
    child: tokio::process::Child,
    url: String,
    _data: tempdir::Dir,
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(name: &str) -> std::io::Result<Dir> {
            let path = std::env::temp_dir()
                .join(format!("throughline-bench-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&path)?;
            Ok(Dir(path))
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Server {
    async fn relay(binary: &str) -> Result<Server, Error> {
        Self::relay_on(binary, None).await
    }

    /// Our relay, keeping documents in PostgreSQL at `store` when given.
    async fn relay_on(binary: &str, store: Option<&str>) -> Result<Server, Error> {
        let name = format!(
            "relay-{}",
            NEXT_DIR.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let data = tempdir::Dir::new(&name)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = tokio::process::Command::new(binary)
            .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(&data.0)
            .args(["--app-dir"])
            .arg(data.0.join("no-app"))
            .args([
                "--max-connections",
                "20000",
                "--max-connections-per-address",
                "20000",
            ])
            .args(store.map(|url| ["--store", url]).into_iter().flatten())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Server {
                    child,
                    url: format!("ws://127.0.0.1:{port}/sync"),
                    _data: data,
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("the relay did not start".into())
    }

    async fn reference(script: &str) -> Result<Server, Error> {
        let data = tempdir::Dir::new("reference")?;
        let mut child = tokio::process::Command::new("node")
            .arg(script)
            .arg(&data.0)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let line = tokio::io::BufReader::new(stdout)
            .lines()
            .next_line()
            .await?
            .ok_or("no output")?;
        let port = line
            .strip_prefix("listening ")
            .ok_or("unexpected output")?
            .to_owned();
        Ok(Server {
            child,
            url: format!("ws://127.0.0.1:{port}"),
            _data: data,
        })
    }

    /// Resident memory (KiB) and CPU time used so far (s), from /proc.
    fn usage(&self) -> Option<(u64, f64)> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let rss = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command name (which may hold spaces) start after ") ".
        let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some((rss, ticks / 100.0))
    }
}

fn print_latency(label: &str, sorted: &[f64]) {
    println!(
        "{label:<58} p50 {:>8.1} ms   p95 {:>8.1} ms   n={}",
        percentile(sorted, 50.0),
        percentile(sorted, 95.0),
        sorted.len()
    );
}

/// Opens `count` WebSocket connections that each join and then stay quiet.
async fn idle_connections(url: &str, count: usize) -> Result<Vec<impl Send>, Error> {
    let mut open = Vec::with_capacity(count);
    for i in 0..count {
        let (mut socket, _) = match tokio_tungstenite::connect_async(url).await {
            Ok(connected) => connected,
            Err(error) => {
                // Most likely this process's limit of open files (`ulimit -n`).
                println!("  (only {i} connections could be opened: {error})");
                break;
            }
        };
        let join = throughline::sync::Message::Join {
            sender_id: format!("idle-{i}").into(),
            metadata: PeerMetadata::default(),
            supported_protocol_versions: vec!["1".into()],
        };
        socket.send(WsMessage::Binary(join.encode().into())).await?;
        // Read the `peer` answer; afterwards nothing is read, the library answers pings.
        let _ = tokio::time::timeout(Duration::from_secs(10), socket.next()).await;
        let (sink, mut stream) = socket.split();
        // Keep reading so pings are answered.
        let reader = tokio::spawn(async move { while stream.next().await.is_some() {} });
        open.push((sink, reader));
    }
    Ok(open)
}

/// Waits until `count` documents have arrived whole on a client, as `applied` tells.
async fn all_arrive(
    applied: &mut mpsc::UnboundedReceiver<(DocumentId, AutoCommit)>,
    count: usize,
) -> Result<(), Error> {
    let mut arrived = std::collections::HashSet::new();
    while arrived.len() < count {
        let (id, doc) = tokio::time::timeout(Duration::from_secs(120), applied.recv())
            .await?
            .ok_or("closed")?;
        if doc.get(ROOT, "assessment").ok().flatten().is_some() {
            arrived.insert(id);
        }
    }
    Ok(())
}

/// A document of about `bytes` of text, as a review is.
fn document_of(bytes: usize, seed: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let text: String = format!("Review {seed}. ").repeat(bytes / 12 + 1);
    let _ = doc.put(ROOT, "assessment", text);
    doc.commit();
    doc
}

/// Syncs `docs` up through one client and waits until the server has every one.
async fn upload(url: &str, docs: HashMap<DocumentId, AutoCommit>) -> Result<Duration, Error> {
    let count = docs.len();
    let (synced_tx, mut synced) = mpsc::unbounded_channel();
    let started = Instant::now();
    let _peer = Peer::connect(url, "uploader".into(), docs, None, Some(synced_tx)).await?;
    let mut done = std::collections::HashSet::new();
    while done.len() < count {
        let id = tokio::time::timeout(Duration::from_secs(120), synced.recv())
            .await?
            .ok_or("closed")?;
        done.insert(id);
    }
    Ok(started.elapsed())
}

/// The size of typical pairing offers (a browser's data-channel offer with two host
/// candidates, sharing one document, or a whole workspace that a new device may join)
/// as text and as a QR code.
fn pairing_code_size() -> Result<(), Error> {
    use throughline::sync::pairing::{Connection, Kind, PairingCode, Shares, WorkspaceTag};
    let sdp = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("tests")
            .join("fixtures")
            .join("webrtc_offer.sdp"),
    )?;
    let offer = PairingCode {
        kind: Kind::Offer,
        pairing: [0; 8],
        created_at: 1_800_000_000,
        device: "Ana's tablet".into(),
        workspace: WorkspaceTag::of(&DocumentId::random()),
        shares: Shares::Documents(vec![DocumentId::random()]),
        joins: None,
        connection: Connection::from_sdp(&sdp)?,
    };
    let workspace = DocumentId::random();
    let joinable = PairingCode {
        workspace: WorkspaceTag::of(&workspace),
        shares: Shares::Workspace,
        joins: Some(workspace),
        ..offer.clone()
    };
    for (what, code) in [("one document", offer), ("a workspace to join", joinable)] {
        let text = code.encode();
        let qr = throughline::sync::pairing_qr::QrCode::of(&text)?;
        println!(
            "pairing offer ({what}): {} characters (from a {}-byte session description), QR version {} ({} modules a side)",
            text.len(),
            sdp.len(),
            qr.version(),
            qr.width()
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(relay_binary), Some(reference_script)) = (args.get(1), args.get(2)) else {
        return Err(
            "usage: sync_bench <relay binary> <reference server script> [--editors N,N…]".into(),
        );
    };
    // `--editors 50` times only that many editors and nothing else, to measure a change
    // on the relay's hot path alone.
    let only: Option<Vec<usize>> = match args.get(3).map(String::as_str) {
        Some("--editors") => Some(
            args.get(4)
                .ok_or("--editors needs a list, such as 10,50")?
                .split(',')
                .map(str::parse)
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => return Err(format!("unknown option {other}").into()),
        None => None,
    };
    // Each editor changes the document once a second (people in a meeting editing one
    // plan), spread over the second.
    if only.is_none() {
        pairing_code_size()?;
    }
    let every = Duration::from_secs(1);
    let run = Duration::from_secs(8);

    println!("(each editor makes one change a second; the clients run in this process, on the same cores)");
    for editors in only.clone().unwrap_or_else(|| vec![1, 10, 50]) {
        let relay = Server::relay(relay_binary).await?;
        let ours = edit_latency(&relay.url, editors, every, run, false).await?;
        drop(relay);
        let relay = Server::relay(relay_binary).await?;
        let checked = edit_latency(&relay.url, editors, every, run, true).await?;
        drop(relay);
        let reference = Server::reference(reference_script).await?;
        let theirs = edit_latency(&reference.url, editors, every, run, false).await?;
        drop(reference);
        print_latency(
            &format!("edit to applied on another client, {editors} editors, our relay"),
            &ours,
        );
        print_latency(
            "  … the same with every client proving its key in a claimed workspace (rules checked)",
            &checked,
        );
        print_latency(
            "  … the same through the JavaScript reference server",
            &theirs,
        );
        println!(
            "  … ratio ours / reference: p50 {:.2}, p95 {:.2}{}",
            percentile(&ours, 50.0) / percentile(&theirs, 50.0),
            percentile(&ours, 95.0) / percentile(&theirs, 95.0),
            if editors == 50 {
                format!(
                    " (budget: our p95 ≤ 50 ms: {})",
                    if percentile(&ours, 95.0) <= 50.0 {
                        "within"
                    } else {
                        "OVER"
                    }
                )
            } else {
                String::new()
            }
        );
    }

    if only.is_some() {
        return Ok(());
    }
    // Memory and CPU: 10,000 idle connections.
    let relay = Server::relay(relay_binary).await?;
    let (rss_before, cpu_before) = relay.usage().ok_or("cannot read the relay's usage")?;
    let opened = Instant::now();
    let idle = idle_connections(&relay.url, 10_000).await?;
    let opening = opened.elapsed();
    let (rss_open, cpu_open) = relay.usage().ok_or("cannot read the relay's usage")?;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (rss_idle, cpu_idle) = relay.usage().ok_or("cannot read the relay's usage")?;
    println!(
        "relay with {} idle connections: {:.1} MiB resident ({:.1} MiB before), {:.1} s CPU to open them in {:.1} s, {:.2} s CPU over the next 10 s",
        idle.len(),
        rss_idle as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        cpu_open - cpu_before,
        opening.as_secs_f64(),
        cpu_idle - cpu_open
    );
    let _ = rss_open;
    drop(idle);
    drop(relay);

    // Memory and CPU: 1,000 documents synced up by one client.
    let relay = Server::relay(relay_binary).await?;
    let (rss_before, cpu_before) = relay.usage().ok_or("cannot read the relay's usage")?;
    let docs: HashMap<DocumentId, AutoCommit> = (0..1_000)
        .map(|i| (DocumentId::random(), document_of(2_000, i)))
        .collect();
    let took = upload(&relay.url, docs).await?;
    let (rss_after, cpu_after) = relay.usage().ok_or("cannot read the relay's usage")?;
    println!(
        "relay with 1,000 documents synced (about 2 KB each): {:.1} MiB resident ({:.1} MiB before), {:.1} s CPU, {:.1} s to sync",
        rss_after as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        cpu_after - cpu_before,
        took.as_secs_f64()
    );
    drop(relay);

    // First sync of a 500-document workspace to an empty client.
    let relay = Server::relay(relay_binary).await?;
    let docs: HashMap<DocumentId, AutoCommit> = (0..500)
        .map(|i| (DocumentId::random(), document_of(2_000, i)))
        .collect();
    let ids: Vec<DocumentId> = docs.keys().copied().collect();
    upload(&relay.url, docs).await?;
    let (applied_tx, mut applied) = mpsc::unbounded_channel();
    let started = Instant::now();
    let empty: HashMap<DocumentId, AutoCommit> =
        ids.iter().map(|id| (*id, AutoCommit::new())).collect();
    let _reader =
        Peer::connect(&relay.url, "newcomer".into(), empty, Some(applied_tx), None).await?;
    all_arrive(&mut applied, ids.len()).await?;
    println!(
        "first sync of a 500-document workspace to an empty client (about 2 KB each): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    drop(relay);

    // The same, the 500 documents plans of a claimed workspace and both clients proving
    // their keys: the relay decides on each document for each.
    let relay = Server::relay(relay_binary).await?;
    let docs: HashMap<DocumentId, AutoCommit> = (0..500)
        .map(|i| (DocumentId::random(), document_of(2_000, i)))
        .collect();
    let ids: Vec<DocumentId> = docs.keys().copied().collect();
    let claimed = Claimed::new(2, &ids)?;
    let _founder = claimed.upload(&relay.url).await?;
    let (synced_tx, mut synced) = mpsc::unbounded_channel();
    let _uploader =
        Peer::connect_as(&relay.url, claimed.who(0), docs, None, Some(synced_tx)).await?;
    for _ in 0..ids.len() {
        tokio::time::timeout(Duration::from_secs(120), synced.recv())
            .await?
            .ok_or("closed")?;
    }
    let (applied_tx, mut applied) = mpsc::unbounded_channel();
    let started = Instant::now();
    let empty: HashMap<DocumentId, AutoCommit> =
        ids.iter().map(|id| (*id, AutoCommit::new())).collect();
    let _reader =
        Peer::connect_as(&relay.url, claimed.who(1), empty, Some(applied_tx), None).await?;
    all_arrive(&mut applied, ids.len()).await?;
    println!(
        "  … the same with both clients proving their keys in a claimed workspace listing the 500 (rules checked): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    drop(relay);
    instances(relay_binary, every, run).await
}

/// Several relays on one PostgreSQL database: edit to applied at 10 and 50 editors over
/// 1, 2 and 3 instances, the first sync of a 500-document workspace from the database,
/// and an instance's memory with 10,000 idle connections. The database is a throwaway
/// server of the bench's own (`tests/common/postgres.rs`).
async fn instances(relay_binary: &str, every: Duration, run: Duration) -> Result<(), Error> {
    let database = postgres::TestDatabase::start();
    let store = database.url();
    println!("several relays on one PostgreSQL database (a throwaway server on this machine, fsync off):");
    for editors in [10, 50] {
        for count in 1..=3 {
            let mut relays = Vec::new();
            for _ in 0..count {
                relays.push(Server::relay_on(relay_binary, Some(&store)).await?);
            }
            let urls: Vec<String> = relays.iter().map(|relay| relay.url.clone()).collect();
            let latencies = edit_latency_across(&urls, editors, every, run, false).await?;
            print_latency(
                &format!("  edit to applied, {editors} editors over {count} instance(s)"),
                &latencies,
            );
        }
    }

    // First sync of a 500-document workspace, read from the database by an instance that
    // has not seen it.
    let docs: HashMap<DocumentId, AutoCommit> = (0..500)
        .map(|i| (DocumentId::random(), document_of(2_000, i)))
        .collect();
    let ids: Vec<DocumentId> = docs.keys().copied().collect();
    let first = Server::relay_on(relay_binary, Some(&store)).await?;
    upload(&first.url, docs).await?;
    drop(first);
    let second = Server::relay_on(relay_binary, Some(&store)).await?;
    let (applied_tx, mut applied) = mpsc::unbounded_channel();
    let started = Instant::now();
    let empty: HashMap<DocumentId, AutoCommit> =
        ids.iter().map(|id| (*id, AutoCommit::new())).collect();
    let _reader = Peer::connect(
        &second.url,
        "newcomer".into(),
        empty,
        Some(applied_tx),
        None,
    )
    .await?;
    all_arrive(&mut applied, ids.len()).await?;
    println!(
        "  first sync of a 500-document workspace from PostgreSQL to an empty client: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    drop(second);

    let relay = Server::relay_on(relay_binary, Some(&store)).await?;
    let (rss_before, _) = relay.usage().ok_or("cannot read the relay's usage")?;
    let idle = idle_connections(&relay.url, 10_000).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss_idle, _) = relay.usage().ok_or("cannot read the relay's usage")?;
    println!(
        "  an instance with {} idle connections: {:.1} MiB resident ({:.1} MiB before)",
        idle.len(),
        rss_idle as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    Ok(())
}
