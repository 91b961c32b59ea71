//! The relay enforces who may read and change each document of a claimed workspace:
//! scripted clients holding real device keys (an admin who is HR, a manager, an employee,
//! a colleague, a device of another organisation, a client that proves nothing) try what
//! a hostile client would, and are refused.

use std::collections::HashMap;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use throughline::model::check_in::CheckInSeries;
use throughline::model::identity::{acceptance_message, Act, DeviceSecret, Purpose};
use throughline::model::review::{AskedFeedback, Review, ReviewCycle, ReviewSetup, Stage};
use throughline::model::{DocumentUrl, ItemId, Person, PersonId, Workspace};
use throughline::store::DocumentId;
use throughline::sync::relay_proof::{peer_id_for, RelayProof, SYNC_PROTOCOL};
use throughline_relay::{Config, Relay};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

mod common;
#[path = "common/engine_client.rs"]
mod engine_client;
#[path = "common/postgres.rs"]
mod postgres;
use common::config::test_config;
use common::raw_get;
use engine_client::{Client, Socket};

const DAY: i64 = 86_400_000;

/// An organisation's workspace, signed as the app signs it, and its documents.
struct Org {
    id: DocumentId,
    workspace: Workspace,
    admin: DeviceSecret,
    manager: (PersonId, DeviceSecret),
    employee: (PersonId, DeviceSecret),
    colleague: (PersonId, DeviceSecret),
    employee_review: DocumentId,
    colleague_review: DocumentId,
    check_in: DocumentId,
}

fn person(workspace: &mut Workspace, name: &str) -> PersonId {
    let id = PersonId::random();
    workspace.people.insert(
        id.clone(),
        Person {
            name: name.to_owned(),
            ..Person::default()
        },
    );
    id
}

fn key() -> DeviceSecret {
    DeviceSecret::generate().expect("randomness")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

impl Org {
    fn new() -> Org {
        let id = DocumentId::random();
        let url = id.url();
        let mut workspace = Workspace::default();
        let admin_person = person(&mut workspace, "Ada Admin");
        let admin = key();
        workspace
            .claim_as_founder(&url, &admin, &admin_person, now())
            .expect("claim");
        let join = |workspace: &mut Workspace, name: &str| {
            let someone = person(workspace, name);
            let device = key();
            let invitation = key();
            workspace
                .sign(
                    &url,
                    &admin,
                    Some(&admin.public()),
                    Act::Invite {
                        invitation: invitation.public(),
                        person: someone.clone(),
                        expires: now() + 7 * DAY,
                    },
                    now(),
                )
                .expect("invite");
            let accept = Act::Accept {
                invitation: invitation.public(),
                proof: invitation.sign(
                    Purpose::Acceptance,
                    &acceptance_message(&url, &device.public()),
                ),
            };
            workspace
                .sign(&url, &device, Some(&admin.public()), accept, now())
                .expect("accept");
            (someone, device)
        };
        let manager = join(&mut workspace, "Mo Manager");
        let employee = join(&mut workspace, "Eve Employee");
        let colleague = join(&mut workspace, "Cal Colleague");
        for report in [&employee.0, &colleague.0] {
            workspace
                .sign(
                    &url,
                    &admin,
                    Some(&admin.public()),
                    Act::SetManager {
                        person: report.clone(),
                        manager: Some(manager.0.clone()),
                    },
                    now(),
                )
                .expect("a reporting line");
        }
        let employee_review = DocumentId::random();
        let colleague_review = DocumentId::random();
        let check_in = DocumentId::random();
        let mut cycle = ReviewCycle {
            name: "2026".into(),
            ..ReviewCycle::default()
        };
        cycle
            .reviews
            .insert(employee.0.clone(), DocumentUrl::from(employee_review));
        cycle
            .reviews
            .insert(colleague.0.clone(), DocumentUrl::from(colleague_review));
        workspace.cycles.insert(ItemId::random(), cycle);
        workspace.check_ins.insert(
            DocumentUrl::from(check_in),
            throughline::model::review::CheckInEntry {
                manager: manager.0.clone(),
                employee: employee.0.clone(),
            },
        );
        Org {
            id,
            workspace,
            admin,
            manager,
            employee,
            colleague,
            employee_review,
            colleague_review,
            check_in,
        }
    }

    /// A new plan, listed in the workspace.
    fn list_plan(&mut self) -> DocumentId {
        let plan = DocumentId::random();
        self.workspace
            .plans
            .insert(DocumentUrl::from(plan), Default::default());
        plan
    }

    fn workspace_doc(&self) -> AutoCommit {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &self.workspace).expect("reconcile");
        doc.commit();
        doc
    }

    /// The workspace and the reviews, as the admin's device (HR) holds them: each review
    /// as HR starts it, with a line of text beside it that tests read back.
    fn all_documents(&self) -> HashMap<DocumentId, AutoCommit> {
        let mut docs = HashMap::from([(self.id, self.workspace_doc())]);
        for (document, text, employee) in [
            (self.employee_review, "Eve's review", &self.employee.0),
            (
                self.colleague_review,
                "Cal's review: rating 2",
                &self.colleague.0,
            ),
        ] {
            let setup = ReviewSetup::example(employee, Some(&self.manager.0));
            let mut doc = AutoCommit::new();
            autosurgeon::reconcile(&mut doc, Review::new(setup)).expect("reconcile");
            doc.put(ROOT, "text", text).unwrap();
            doc.commit();
            docs.insert(document, doc);
        }
        docs
    }

    /// Lists a request, by the manager, for the colleague's feedback on the employee's
    /// review, answered in `document`; the document as the manager's device starts it.
    fn ask_colleague_about_employee(
        &mut self,
        document: DocumentId,
        anonymous: bool,
    ) -> HashMap<DocumentId, AutoCommit> {
        let request = ItemId::random();
        self.workspace.list_feedback_request(
            request.clone(),
            throughline::model::review::FeedbackRequest {
                review: DocumentUrl::from(self.employee_review),
                peer: self.colleague.0.clone(),
                employee: self.employee.0.clone(),
                requested_at: now(),
                document: Some(DocumentUrl::from(document)),
            },
        );
        let asked = AskedFeedback {
            review: DocumentUrl::from(self.employee_review),
            request,
            employee: self.employee.0.clone(),
            writer: self.colleague.0.clone(),
            anonymous,
            requested_by: self.manager.0.clone(),
            requested_at: now(),
            ..AskedFeedback::default()
        };
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &asked).expect("reconcile");
        doc.commit();
        HashMap::from([(document, doc)])
    }

    /// The pair's check-in series as the manager's device starts it, with a line of text
    /// beside it that tests read back.
    fn check_in_doc(&self, text: &str) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let series = CheckInSeries::new(&self.manager.0, &self.employee.0);
        autosurgeon::reconcile(&mut doc, &series).expect("reconcile");
        doc.put(ROOT, "text", text).unwrap();
        doc.commit();
        doc
    }
}

/// Opens a socket that proves `device` for `workspace` (holding `invitation`, if any), as
/// the app does: a fresh challenge, signed, offered as a subprotocol.
async fn prove(
    relay: &Relay,
    device: &DeviceSecret,
    workspace: DocumentId,
    invitation: Option<&DeviceSecret>,
) -> Result<(String, Socket), u16> {
    let peer = peer_id_for(&device.public());
    let proof = RelayProof::sign(
        &challenge(relay).await,
        &peer,
        &workspace,
        device,
        invitation,
    );
    let offered = format!("{SYNC_PROTOCOL}, {}", proof.to_protocol());
    open_with(relay, &offered)
        .await
        .map(|socket| (peer.as_str().to_owned(), socket))
}

async fn challenge(relay: &Relay) -> String {
    let response = raw_get(relay.address(), "/sync/challenge").await;
    let (head, body) = response.split_once("\r\n\r\n").expect("a response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.trim().to_owned()
}

async fn open_with(relay: &Relay, protocols: &str) -> Result<Socket, u16> {
    let mut request = format!("ws://{}/sync", relay.address())
        .into_client_request()
        .expect("a request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        protocols.parse().expect("a header value"),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

/// A proven client holding `docs` (empty ones: it asks for them).
async fn member(
    relay: &Relay,
    device: &DeviceSecret,
    workspace: DocumentId,
    docs: HashMap<DocumentId, AutoCommit>,
) -> Client {
    let (peer, socket) = prove(relay, device, workspace, None)
        .await
        .expect("the relay takes a valid proof");
    Client::over(socket, &peer, docs).await
}

fn asking_for(documents: &[DocumentId]) -> HashMap<DocumentId, AutoCommit> {
    documents.iter().map(|d| (*d, AutoCommit::new())).collect()
}

/// Whether `client` has anything of `document`.
fn has(client: &mut Client, document: &DocumentId) -> bool {
    client
        .docs
        .get_mut(document)
        .is_some_and(|doc| !doc.get_heads().is_empty())
}

/// Runs `client` until each of `documents` has arrived or been refused; the refused ones.
async fn outcome(client: &mut Client, documents: &[DocumentId]) -> Vec<DocumentId> {
    client
        .run_until(|c| {
            documents
                .iter()
                .all(|d| c.unavailable.contains(d) || has(c, d))
        })
        .await;
    documents
        .iter()
        .filter(|d| client.unavailable.contains(d))
        .copied()
        .collect()
}

/// Writes `workspace` into the workspace document `client` holds and sends the change, as
/// a member's device does.
async fn publish(client: &mut Client, id: DocumentId, workspace: &Workspace) {
    {
        let doc = client.docs.get_mut(&id).expect("the workspace");
        autosurgeon::reconcile(doc, workspace).expect("reconcile");
        doc.commit();
    }
    let effects = client.engine.handle(
        throughline::sync::Event::Changed { document: id },
        &mut client.docs,
    );
    client.apply(effects).await;
}

/// The first `error` the relay sends `client` (empty if it closes without one).
async fn first_error(client: &mut Client) -> String {
    tokio::time::timeout(Duration::from_secs(10), async {
        use futures_util::StreamExt;
        while let Some(Ok(message)) = client.socket.next().await {
            if let tokio_tungstenite::tungstenite::Message::Binary(bytes) = message {
                if let Ok(throughline::sync::Message::Error { message }) =
                    throughline::sync::Message::decode(&bytes)
                {
                    return message;
                }
            }
        }
        String::new()
    })
    .await
    .expect("an answer")
}

/// Changes the workspace document's `membership` map as a modified client would, and
/// waits until the relay has it.
async fn rewrite_membership(
    client: &mut Client,
    workspace: DocumentId,
    rewrite: impl FnOnce(&mut AutoCommit, &automerge::ObjId),
) {
    {
        let doc = client.docs.get_mut(&workspace).expect("the workspace");
        let (_, map) = doc
            .get(ROOT, "membership")
            .expect("read")
            .expect("a membership map");
        rewrite(doc, &map);
        doc.commit();
    }
    let effects = client.engine.handle(
        throughline::sync::Event::Changed {
            document: workspace,
        },
        &mut client.docs,
    );
    client.apply(effects).await;
    client.run_until(|c| c.in_sync(workspace)).await;
}

/// Writes `text` into `document` and gives the relay time to take or drop it.
async fn write_and_wait(client: &mut Client, document: DocumentId, text: &str) {
    client.edit(document, text).await;
    client
        .serve_until(tokio::time::sleep(Duration::from_millis(500)))
        .await;
}

/// A new connection of `device` that has received `document` and settled.
async fn read_afresh(
    relay: &Relay,
    device: &DeviceSecret,
    workspace: DocumentId,
    document: DocumentId,
) -> Client {
    let mut reader = member(relay, device, workspace, asking_for(&[document])).await;
    reader.run_until(|c| c.text(document).is_some()).await;
    reader
        .serve_until(tokio::time::sleep(Duration::from_millis(300)))
        .await;
    reader
}

async fn start(data: &std::path::Path) -> Relay {
    start_with(data, |_| {}).await
}

/// `length` letters that do not compress (xorshift), to fill a quota quickly.
fn incompressible(length: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..length)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// A relay keeping its documents in `database` (its data directory is `dir`), with `set`
/// applied to its settings.
async fn on_database(
    database: &postgres::TestDatabase,
    dir: &tempfile::TempDir,
    set: impl Fn(&mut Config),
) -> Relay {
    start_with(dir.path(), |c| {
        c.store = Some(database.url());
        set(c);
    })
    .await
}

async fn start_with(data: &std::path::Path, set: impl FnOnce(&mut Config)) -> Relay {
    let mut config = test_config(data);
    set(&mut config);
    Relay::start(config).await.expect("the relay starts")
}

/// The admin's device puts the workspace and the reviews on the relay, the manager's the
/// check-in series (an admin who is not of the pair may not hold it).
async fn upload(relay: &Relay, org: &Org) -> Client {
    let docs = org.all_documents();
    let ids: Vec<DocumentId> = docs.keys().copied().collect();
    let mut admin = member(relay, &org.admin, org.id, docs).await;
    admin.run_until(|c| ids.iter().all(|d| c.in_sync(*d))).await;
    let series = HashMap::from([(org.check_in, org.check_in_doc("Mo and Eve's check-ins"))]);
    let mut manager = member(relay, &org.manager.1, org.id, series).await;
    manager.run_until(|c| c.in_sync(org.check_in)).await;
    let mut refused = member(relay, &org.admin, org.id, asking_for(&[org.check_in])).await;
    assert_eq!(
        outcome(&mut refused, &[org.check_in]).await,
        vec![org.check_in],
        "the admin is not of the pair"
    );
    admin
}

#[tokio::test]
async fn each_person_gets_only_the_documents_the_signed_rules_give_them() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    let everything = [
        org.id,
        org.employee_review,
        org.colleague_review,
        org.check_in,
    ];

    // The employee: the workspace, their own review, their check-ins; not a colleague's review.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut employee, &everything).await,
        vec![org.colleague_review]
    );
    assert!(!has(&mut employee, &org.colleague_review));

    // The colleague: not the employee's review, not the pair's check-ins.
    let mut colleague = member(&relay, &org.colleague.1, org.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut colleague, &everything).await,
        vec![org.employee_review, org.check_in]
    );

    // The manager: both reports' reviews and the check-ins.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&everything)).await;
    assert_eq!(outcome(&mut manager, &everything).await, vec![]);

    // A client that proves nothing gets nothing of a claimed workspace.
    let mut anonymous = Client::connect(relay.address(), "someone", asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut anonymous, &everything).await,
        everything.to_vec()
    );

    // A device of another organisation (its own workspace, claimed) reaches none of them.
    let other = Org::new();
    let _their_admin = upload(&relay, &other).await;
    let mut outsider = member(&relay, &other.admin, other.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut outsider, &everything).await,
        everything.to_vec()
    );
    // Nor by claiming to be of this workspace: its key is not a member here.
    let mut pretender = member(&relay, &other.admin, org.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut pretender, &everything).await,
        everything.to_vec()
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn what_a_hostile_employee_s_device_writes_changes_nothing_it_may_not_change() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let mut admin = upload(&relay, &org).await;

    // The employee writes a colleague's review it was never given (it names the id):
    // the relay keeps none of it.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.id])).await;
    employee.run_until(|c| has(c, &org.id)).await;
    employee
        .edit(org.colleague_review, "rating 5, signed by the manager")
        .await;
    employee
        .run_until(|c| c.unavailable.contains(&org.colleague_review))
        .await;
    let mut manager = member(
        &relay,
        &org.manager.1,
        org.id,
        asking_for(&[org.colleague_review]),
    )
    .await;
    manager
        .run_until(|c| c.text(org.colleague_review).is_some())
        .await;
    assert_eq!(
        manager.text(org.colleague_review).as_deref(),
        Some("Cal's review: rating 2")
    );

    // It signs itself admin and HR: the statements reach the relay, and count nowhere.
    let mut forged = org.workspace.clone();
    for role in [
        throughline::model::identity::Role::Admin,
        throughline::model::identity::Role::Hr,
    ] {
        let membership = forged
            .membership(&org.id.url(), Some(&org.admin.public()))
            .expect("claimed");
        let (hash, signed) = membership.sign(
            &org.id.url(),
            &org.employee.1,
            Act::Grant {
                person: org.employee.0.clone(),
                role,
            },
            now(),
        );
        forged.membership.insert(hash.as_str().to_owned(), signed);
    }
    publish(&mut employee, org.id, &forged).await;
    employee.run_until(|c| c.in_sync(org.id)).await;
    admin.run_until(|c| c.in_sync(org.id)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = member(
        &relay,
        &org.employee.1,
        org.id,
        asking_for(&[org.colleague_review]),
    )
    .await;
    assert_eq!(
        outcome(&mut again, &[org.colleague_review]).await,
        vec![org.colleague_review],
        "a role it granted itself gives it nothing"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_plan_takes_changes_only_from_its_signed_participants_and_the_admins() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let plan = org.list_plan();
    // An admin signs the manager onto the plan as a contributor; the employee is on no plan.
    let url = org.id.url();
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::SetPlanRole {
                plan: plan.url(),
                person: org.manager.0.clone(),
                role: Some(throughline::model::plan::Role::Contributor),
            },
            now(),
        )
        .expect("a plan role");
    let mut admin = upload(&relay, &org).await;
    admin.edit(plan, "Three-year plan").await;
    admin.run_until(|c| c.in_sync(plan)).await;

    // The employee reads the plan, and what its device writes to it is kept nowhere.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[plan])).await;
    employee
        .run_until(|c| c.text(plan).as_deref() == Some("Three-year plan"))
        .await;
    write_and_wait(&mut employee, plan, "Rewritten by the employee").await;
    let mut reader = read_afresh(&relay, &org.colleague.1, org.id, plan).await;
    assert_eq!(
        reader.text(plan).as_deref(),
        Some("Three-year plan"),
        "a member who is not on the plan changes nothing"
    );

    // The manager, signed onto it, changes it for everyone.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[plan])).await;
    manager.run_until(|c| c.text(plan).is_some()).await;
    manager.edit(plan, "Updated by a participant").await;
    manager.run_until(|c| c.in_sync(plan)).await;
    reader
        .run_until(|c| c.text(plan).as_deref() == Some("Updated by a participant"))
        .await;
    admin
        .run_until(|c| c.text(plan).as_deref() == Some("Updated by a participant"))
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn no_client_speaks_under_another_peer_s_id() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;

    // A proof naming the manager's peer id, signed by the employee's key, is refused.
    let managers_peer = peer_id_for(&org.manager.1.public());
    let borrowed = RelayProof::sign(
        &challenge(&relay).await,
        &managers_peer,
        &org.id,
        &org.employee.1,
        None,
    );
    assert_eq!(
        open_with(
            &relay,
            &format!("{SYNC_PROTOCOL}, {}", borrowed.to_protocol())
        )
        .await
        .err(),
        Some(401)
    );
    // A proof used twice is refused the second time.
    let peer = peer_id_for(&org.employee.1.public());
    let once = RelayProof::sign(
        &challenge(&relay).await,
        &peer,
        &org.id,
        &org.employee.1,
        None,
    );
    let offered = format!("{SYNC_PROTOCOL}, {}", once.to_protocol());
    let _first = open_with(&relay, &offered).await.expect("the first use");
    assert_eq!(open_with(&relay, &offered).await.err(), Some(401));

    // A proven connection that joins under another id is closed.
    let (_, socket) = prove(&relay, &org.employee.1, org.id, None)
        .await
        .expect("proven");
    let mut impostor = Client::over(socket, managers_peer.as_str(), asking_for(&[org.id])).await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        use futures_util::StreamExt;
        loop {
            match impostor.socket.next().await {
                Some(Ok(_)) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the relay closed the impostor's connection");
    assert!(!has(&mut impostor, &org.id));

    // A client that proves nothing may not take a proven device's kind of id.
    let mut unproven = Client::connect(
        relay.address(),
        managers_peer.as_str(),
        asking_for(&[org.id]),
    )
    .await;
    let said = first_error(&mut unproven).await;
    assert!(said.contains("proves its key"), "{said}");

    // Ephemeral messages a proven device sends under another id reach nobody.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[org.id])).await;
    manager.run_until(|c| c.in_sync(org.id)).await;
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.id])).await;
    employee.run_until(|c| c.in_sync(org.id)).await;
    let forged = throughline::sync::Message::Ephemeral {
        sender_id: managers_peer.clone(),
        target_id: "relay".into(),
        document_id: org.id.to_string(),
        count: 1,
        session_id: "forged".into(),
        data: b"\xa1\x64name\x63Mo!".to_vec(),
    };
    {
        use futures_util::SinkExt;
        employee
            .socket
            .send(tokio_tungstenite::tungstenite::Message::Binary(
                forged.encode().into(),
            ))
            .await
            .expect("sent");
    }
    employee.broadcast(org.id, b"\xa1\x64name\x63Eve").await;
    manager
        .serve_until(async {
            tokio::time::sleep(Duration::from_millis(200)).await;
        })
        .await;
    let sessions: Vec<&str> = manager.heard.iter().map(|(_, s, _)| s.as_str()).collect();
    assert!(!sessions.contains(&"forged"), "{sessions:?}");
    relay.stop().await.expect("the relay stops cleanly");
}

/// The admin's device removes the employee's and publishes it; the employee's connection
/// is closed within a second or so.
async fn remove_employee_s_device(org: &mut Org, admin: &mut Client, employee: &mut Client) {
    let url = org.id.url();
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::RemoveDevice {
                device: org.employee.1.public(),
            },
            now(),
        )
        .expect("remove");
    publish(admin, org.id, &org.workspace).await;
    let removed_at = tokio::time::Instant::now();
    let closed = admin
        .serve_until(tokio::time::timeout(Duration::from_secs(5), async {
            use futures_util::StreamExt;
            loop {
                match employee.socket.next().await {
                    Some(Ok(_)) => continue,
                    _ => return,
                }
            }
        }))
        .await;
    assert!(closed.is_ok(), "the removed device's connection was closed");
    assert!(
        removed_at.elapsed() < Duration::from_secs(2),
        "within a second or so: {:?}",
        removed_at.elapsed()
    );
}

#[tokio::test]
async fn a_removed_device_is_disconnected_at_once_and_refused_after() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let mut admin = upload(&relay, &org).await;
    let mut employee = member(
        &relay,
        &org.employee.1,
        org.id,
        asking_for(&[org.id, org.employee_review]),
    )
    .await;
    employee
        .run_until(|c| c.in_sync(org.id) && c.in_sync(org.employee_review))
        .await;

    // The admin removes the employee's device; the relay hears the signed statement.
    remove_employee_s_device(&mut org, &mut admin, &mut employee).await;
    assert_eq!(
        prove(&relay, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "a new connection of the removed device is refused"
    );

    // A member's modified client deletes the removal from the workspace document: the
    // relay kept it, so the device stays removed (and after a restart too).
    let removal: Vec<String> = org
        .workspace
        .membership
        .iter()
        .filter(|(_, s)| s.payload.contains("\"act\":\"remove-device\""))
        .map(|(h, _)| h.clone())
        .collect();
    assert_eq!(removal.len(), 1, "the removal statement");
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[org.id])).await;
    manager.run_until(|c| has(c, &org.id)).await;
    manager.run_until(|c| c.in_sync(org.id)).await;
    rewrite_membership(&mut manager, org.id, |doc, map| {
        for hash in &removal {
            doc.delete(map, hash.as_str()).expect("delete");
        }
    })
    .await;
    assert_eq!(
        prove(&relay, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "deleting the removal from the document changes nothing"
    );
    // It puts the removal back with another signature in its place (the statement is the
    // same, so it sits under the same hash): the kept one wins.
    let other_signature = org
        .admin
        .sign(Purpose::Statement, b"something else")
        .to_string();
    rewrite_membership(&mut manager, org.id, |doc, map| {
        for hash in &removal {
            let original = org.workspace.membership.get(hash).expect("the removal");
            let entry = doc
                .put_object(map, hash.as_str(), automerge::ObjType::Map)
                .expect("put");
            doc.put(&entry, "payload", original.payload.as_str())
                .expect("payload");
            doc.put(&entry, "signature", other_signature.as_str())
                .expect("signature");
        }
    })
    .await;
    assert_eq!(
        prove(&relay, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "nor putting it back with a signature that is not its signer's"
    );
    relay.stop().await.expect("the relay stops cleanly");
    let relay = start(data.path()).await;
    assert_eq!(
        prove(&relay, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "nor after a restart"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn an_invited_device_gets_the_workspace_by_its_invitation_and_only_that() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let url = org.id.url();
    let newcomer = person(&mut org.workspace, "Nia Newcomer");
    let invitation = key();
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::Invite {
                invitation: invitation.public(),
                person: newcomer,
                expires: now() + DAY,
            },
            now(),
        )
        .expect("invite");
    let _admin = upload(&relay, &org).await;
    let device = key();
    let everything = [org.id, org.employee_review];
    // Without the invitation: nothing.
    let mut stranger = member(&relay, &device, org.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut stranger, &everything).await,
        everything.to_vec()
    );
    // With it: the workspace (to accept in), nothing more.
    let (peer, socket) = prove(&relay, &device, org.id, Some(&invitation))
        .await
        .expect("proven");
    let mut invited = Client::over(socket, &peer, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut invited, &everything).await,
        vec![org.employee_review]
    );
    // A forged invitation (a key nobody invited) opens nothing.
    let (peer, socket) = prove(&relay, &key(), org.id, Some(&key()))
        .await
        .expect("proven");
    let mut forger = Client::over(socket, &peer, asking_for(&[org.id])).await;
    assert_eq!(outcome(&mut forger, &[org.id]).await, vec![org.id]);
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_workspace_nobody_has_claimed_syncs_as_before_and_a_new_document_is_its_maker_s() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    // An unclaimed workspace (an earlier build's): anyone syncs it, proven or not.
    let id = DocumentId::random();
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, Workspace::default()).expect("reconcile");
    doc.commit();
    let mut old = Client::connect(
        relay.address(),
        "an-earlier-build",
        HashMap::from([(id, doc)]),
    )
    .await;
    old.run_until(|c| c.in_sync(id)).await;
    let mut device = member(&relay, &key(), id, asking_for(&[id])).await;
    assert_eq!(outcome(&mut device, &[id]).await, vec![]);

    // In a claimed workspace, a document it does not list (coaching notes) is the person's
    // whose device first synced it, and nobody else's.
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    let notes = DocumentId::random();
    let mut manager = member(&relay, &org.manager.1, org.id, HashMap::new()).await;
    manager.edit(notes, "Eve: ready for more").await;
    manager.run_until(|c| c.in_sync(notes)).await;
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[notes])).await;
    assert_eq!(outcome(&mut employee, &[notes]).await, vec![notes]);
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relays_sharing_one_postgresql_decide_alike() {
    let database = postgres::TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = on_database(&database, &dirs[0], |_| {}).await;
    let two = on_database(&database, &dirs[1], |_| {}).await;
    let org = Org::new();
    let _admin = upload(&one, &org).await;
    // Coaching notes, named first by the manager's device through the first instance.
    let notes = DocumentId::random();
    let mut manager = member(&one, &org.manager.1, org.id, HashMap::new()).await;
    manager.edit(notes, "Eve: ready for more").await;
    manager.run_until(|c| c.in_sync(notes)).await;

    // Through the second instance the employee gets what the first would give her.
    let everything = [
        org.id,
        org.employee_review,
        org.colleague_review,
        org.check_in,
        notes,
    ];
    let mut employee = member(&two, &org.employee.1, org.id, asking_for(&everything)).await;
    assert_eq!(
        outcome(&mut employee, &everything).await,
        vec![org.colleague_review, notes]
    );
    // A device of another organisation naming the notes there does not make them its
    // own: the second instance knows whose they are from the first.
    let other = Org::new();
    let _their_admin = upload(&two, &other).await;
    let mut outsider = member(&two, &other.admin, other.id, asking_for(&[notes])).await;
    assert_eq!(outcome(&mut outsider, &[notes]).await, vec![notes]);
    assert!(!has(&mut outsider, &notes));
    // Ephemeral messages cross to whom may read the document only: the employee looks at
    // her review through the first instance; her manager, on the second, is told; the
    // colleague there, who asked for it and was refused, hears nothing.
    let mut colleague = member(
        &two,
        &org.colleague.1,
        org.id,
        asking_for(&[org.employee_review]),
    )
    .await;
    assert_eq!(
        outcome(&mut colleague, &[org.employee_review]).await,
        vec![org.employee_review]
    );
    let mut watching = member(
        &two,
        &org.manager.1,
        org.id,
        asking_for(&[org.employee_review]),
    )
    .await;
    assert_eq!(outcome(&mut watching, &[org.employee_review]).await, vec![]);
    let mut looking = member(
        &one,
        &org.employee.1,
        org.id,
        asking_for(&[org.employee_review]),
    )
    .await;
    assert_eq!(outcome(&mut looking, &[org.employee_review]).await, vec![]);
    looking
        .broadcast(org.employee_review, b"Eve is reading")
        .await;
    watching
        .run_until(|c| c.heard.iter().any(|(_, _, data)| data == b"Eve is reading"))
        .await;
    let _ = tokio::time::timeout(
        Duration::from_millis(500),
        colleague.run_until(|c| !c.heard.is_empty()),
    )
    .await;
    assert!(colleague.heard.is_empty(), "{:?}", colleague.heard);

    // A third instance started afterwards reads the same from the database.
    let third = tempfile::tempdir().unwrap();
    let three = on_database(&database, &third, |_| {}).await;
    let mut outsider = member(&three, &other.admin, other.id, asking_for(&[notes])).await;
    assert_eq!(outcome(&mut outsider, &[notes]).await, vec![notes]);
    let mut manager = member(&three, &org.manager.1, org.id, asking_for(&[notes])).await;
    assert_eq!(outcome(&mut manager, &[notes]).await, vec![]);
    for relay in [one, two, three] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_removed_through_one_relay_is_disconnected_from_another() {
    let database = postgres::TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = on_database(&database, &dirs[0], |_| {}).await;
    let two = on_database(&database, &dirs[1], |_| {}).await;
    let mut org = Org::new();
    let mut admin = upload(&one, &org).await;
    // The employee's device holds only her review through the second relay: the
    // workspace document is not open there, but its rules are followed.
    let mut employee = member(
        &two,
        &org.employee.1,
        org.id,
        asking_for(&[org.employee_review]),
    )
    .await;
    employee.run_until(|c| c.in_sync(org.employee_review)).await;

    // The admin, on the first relay, removes the employee's device, which is connected
    // to the second.
    remove_employee_s_device(&mut org, &mut admin, &mut employee).await;
    assert_eq!(
        prove(&two, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "a new connection to the other relay is refused"
    );
    let third = tempfile::tempdir().unwrap();
    let three = on_database(&database, &third, |_| {}).await;
    assert_eq!(
        prove(&three, &org.employee.1, org.id, None).await.err(),
        Some(403),
        "and to a relay started afterwards"
    );
    for relay in [one, two, three] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_over_its_quota_through_one_relay_is_over_it_on_another() {
    let database = postgres::TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = on_database(&database, &dirs[0], |c| c.max_workspace_bytes = 40_000).await;
    let two = on_database(&database, &dirs[1], |c| c.max_workspace_bytes = 40_000).await;
    let org = Org::new();
    let _admin = upload(&one, &org).await;
    let mut employee = member(&two, &org.employee.1, org.id, asking_for(&[org.check_in])).await;
    employee.run_until(|c| c.text(org.check_in).is_some()).await;
    // The manager, on the first relay, writes past the quota (text that does not compress).
    let mut manager = member(&one, &org.manager.1, org.id, asking_for(&[org.check_in])).await;
    manager.run_until(|c| c.text(org.check_in).is_some()).await;
    let noise = incompressible(60_000);
    manager.edit(org.check_in, &noise).await;
    manager.run_until(|c| c.in_sync(org.check_in)).await;
    employee
        .run_until(|c| c.text(org.check_in).as_deref() == Some(noise.as_str()))
        .await;
    // The employee's change through the second relay is refused with the reason.
    employee.edit(org.check_in, "one more line").await;
    employee.run_until(|c| !c.said.is_empty()).await;
    assert!(employee.said[0].contains("used its"), "{:?}", employee.said);
    for relay in [one, two] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_organisations_naming_one_new_document_on_two_relays_at_once_get_one_owner() {
    let database = postgres::TestDatabase::start();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let one = on_database(&database, &dirs[0], |_| {}).await;
    let two = on_database(&database, &dirs[1], |_| {}).await;
    let (first, second) = (Org::new(), Org::new());
    let _first_admin = upload(&one, &first).await;
    let _second_admin = upload(&two, &second).await;
    for round in 0..3 {
        // The first organisation's manager through the first relay, the second's through
        // the second, name the same new document at once.
        let shared = DocumentId::random();
        let mut a = member(&one, &first.manager.1, first.id, HashMap::new()).await;
        let mut b = member(&two, &second.manager.1, second.id, HashMap::new()).await;
        tokio::join!(
            a.edit(shared, "the first's notes"),
            b.edit(shared, "the second's notes")
        );
        // The owner's relay takes its change; the other's is never taken.
        let within = Duration::from_secs(3);
        let (a_synced, b_synced) = tokio::join!(
            tokio::time::timeout(within, a.run_until(|c| c.in_sync(shared))),
            tokio::time::timeout(within, b.run_until(|c| c.in_sync(shared))),
        );
        let (a_refused, b_refused) = (a_synced.is_err(), b_synced.is_err());
        assert!(
            a_refused != b_refused,
            "round {round}: one owner, not {a_refused} and {b_refused}"
        );
        drop((a, b));
        // Every relay holds the same: the loser is refused through both, and the winner
        // reads it through a relay started afterwards, from the database.
        let (winner, winner_workspace, loser, loser_workspace, text) = if b_refused {
            (
                &first.manager.1,
                first.id,
                &second.manager.1,
                second.id,
                "the first's notes",
            )
        } else {
            (
                &second.manager.1,
                second.id,
                &first.manager.1,
                first.id,
                "the second's notes",
            )
        };
        for relay in [&one, &two] {
            let mut refused = member(relay, loser, loser_workspace, asking_for(&[shared])).await;
            assert_eq!(
                outcome(&mut refused, &[shared]).await,
                vec![shared],
                "round {round}"
            );
        }
        let third = tempfile::tempdir().unwrap();
        let three = on_database(&database, &third, |_| {}).await;
        let mut reader = member(&three, winner, winner_workspace, asking_for(&[shared])).await;
        reader
            .run_until(|c| c.text(shared).as_deref() == Some(text))
            .await;
        let mut refused = member(&three, loser, loser_workspace, asking_for(&[shared])).await;
        assert_eq!(
            outcome(&mut refused, &[shared]).await,
            vec![shared],
            "round {round}"
        );
        three.stop().await.expect("the relay stops cleanly");
    }
    for relay in [one, two] {
        relay.stop().await.expect("the relay stops cleanly");
    }
}

/// Every file's bytes under `dir`.
fn stored(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if let Ok(entries) = std::fs::read_dir(&path) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    files.insert(path, bytes);
                }
            }
        }
    }
    files
}

#[tokio::test]
async fn a_device_sending_faster_than_its_quota_is_told_and_disconnected_and_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    // One message a second, bursts of five.
    let relay = start_with(data.path(), |c| c.max_messages_per_second = 1).await;
    let (document, docs) = {
        let id = DocumentId::random();
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "text", "kept").unwrap();
        doc.commit();
        (id, HashMap::from([(id, doc)]))
    };
    let mut chatty = Client::connect(relay.address(), "chatty", docs).await;
    chatty.run_until(|c| c.in_sync(document)).await;
    // Presence messages, one at a time, each followed by a look at what the relay says
    // (so none is in flight when the relay closes, and its reason is read, not reset):
    // the burst passes, then the device is told why and disconnected.
    let said = tokio::time::timeout(Duration::from_secs(10), async {
        use futures_util::{SinkExt, StreamExt};
        let relay_peer = chatty
            .relay_peer
            .clone()
            .expect("the relay answered the join");
        let presence = throughline::sync::Message::Ephemeral {
            sender_id: "chatty".into(),
            target_id: relay_peer,
            document_id: document.to_string(),
            count: 0,
            session_id: "chatty".into(),
            data: b"\xa1\x64name\x63Ana".to_vec(),
        };
        for count in 1..100u64 {
            let mut message = presence.clone();
            if let throughline::sync::Message::Ephemeral { count: c, .. } = &mut message {
                *c = count;
            }
            let sent = chatty
                .socket
                .send(tokio_tungstenite::tungstenite::Message::Binary(
                    message.encode().into(),
                ))
                .await;
            if sent.is_err() {
                break;
            }
            let heard = tokio::time::timeout(Duration::from_millis(50), chatty.socket.next()).await;
            match heard {
                Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Binary(bytes)))) => {
                    if let Ok(throughline::sync::Message::Error { message }) =
                        throughline::sync::Message::decode(&bytes)
                    {
                        return message;
                    }
                }
                Ok(Some(Ok(_))) | Err(_) => {}
                Ok(Some(Err(_)) | None) => break,
            }
        }
        String::new()
    })
    .await
    .expect("an answer");
    assert!(said.contains("1 messages a second"), "{said}");
    let mut later = Client::connect(relay.address(), "later", asking_for(&[document])).await;
    later.run_until(|c| c.text(document).is_some()).await;
    assert_eq!(later.text(document).as_deref(), Some("kept"));
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        metrics.contains("throughline_errors_total{kind=\"message_rate\"} 1"),
        "{metrics}"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_workspace_at_its_document_quota_gets_no_new_document_and_keeps_what_it_has() {
    let data = tempfile::tempdir().unwrap();
    // The workspace, two reviews and the check-ins: four; a fifth is refused.
    let relay = start_with(data.path(), |c| c.max_documents_per_workspace = 4).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    let notes = DocumentId::random();
    let mut manager = member(&relay, &org.manager.1, org.id, HashMap::new()).await;
    manager.edit(notes, "one document too many").await;
    manager
        .run_until(|c| c.unavailable.contains(&notes) && !c.said.is_empty())
        .await;
    assert!(
        manager.said[0].contains("limit of 4 documents"),
        "{:?}",
        manager.said
    );
    // The connection stays, and what the workspace has still syncs.
    let mut reader = member(
        &relay,
        &org.employee.1,
        org.id,
        asking_for(&[org.employee_review]),
    )
    .await;
    reader
        .run_until(|c| c.text(org.employee_review).is_some())
        .await;
    manager.edit(org.check_in, "still taken").await;
    manager.run_until(|c| c.in_sync(org.check_in)).await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_workspace_over_its_disk_quota_stays_readable_and_takes_no_more_changes() {
    let data = tempfile::tempdir().unwrap();
    let relay = start_with(data.path(), |c| c.max_workspace_bytes = 40_000).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[org.check_in])).await;
    manager.run_until(|c| c.text(org.check_in).is_some()).await;
    // Text that does not compress, over the quota.
    let noise = incompressible(60_000);
    manager.edit(org.check_in, &noise).await;
    manager.run_until(|c| c.in_sync(org.check_in)).await;
    let kept = stored(&data.path().join("documents"));
    // Over it now: the next change is refused with the reason, and nothing stored goes.
    manager.edit(org.check_in, "one more line").await;
    manager.run_until(|c| !c.said.is_empty()).await;
    assert!(manager.said[0].contains("used its"), "{:?}", manager.said);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = stored(&data.path().join("documents"));
    for (path, bytes) in &kept {
        assert_eq!(
            after.get(path),
            Some(bytes),
            "{} is kept as it was",
            path.display()
        );
    }
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.check_in])).await;
    // What was stored before the quota was reached is all there (and nothing after it).
    employee
        .run_until(|c| c.text(org.check_in).as_deref() == Some(noise.as_str()))
        .await;
    let metrics = raw_get(relay.address(), "/metrics").await;
    assert!(
        !metrics.contains("throughline_errors_total{kind=\"workspace_quota\"} 0"),
        "{metrics}"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

/// Connects a program (our engine as a plain automerge-repo peer) with `grant`.
async fn program(
    relay: &Relay,
    token: &str,
    docs: HashMap<DocumentId, AutoCommit>,
) -> Result<Client, u16> {
    program_as(relay, token, "a-dashboard", docs).await
}

async fn program_as(
    relay: &Relay,
    token: &str,
    peer: &str,
    docs: HashMap<DocumentId, AutoCommit>,
) -> Result<Client, u16> {
    let url = format!("ws://{}/sync?grant={token}", relay.address());
    match tokio_tungstenite::connect_async(url).await {
        Ok((socket, _)) => Ok(Client::over(socket, peer, docs).await),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

#[tokio::test]
async fn a_program_syncs_only_what_an_admin_s_grant_names_until_it_ends() {
    use throughline::model::identity::Grant;
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let plan = org.list_plan();
    let mut admin = upload(&relay, &org).await;
    admin.edit(plan, "Three-year plan").await;
    admin.run_until(|c| c.in_sync(plan)).await;
    let grant = |by: &DeviceSecret, write: bool, expires: i64| {
        Grant {
            name: "Board dashboard".into(),
            workspace: org.id.to_string(),
            documents: vec![plan.to_string()],
            write,
            expires,
            by: by.public(),
        }
        .sign(by)
    };
    let tomorrow = now() + DAY;

    // A read-only grant: the plan, nothing else; its changes are refused.
    let mut dashboard = program(
        &relay,
        &grant(&org.admin, false, tomorrow),
        asking_for(&[plan, org.employee_review, org.id]),
    )
    .await
    .expect("the relay takes an admin's grant");
    assert_eq!(
        outcome(&mut dashboard, &[plan, org.employee_review, org.id]).await,
        vec![org.employee_review, org.id]
    );
    dashboard
        .run_until(|c| c.text(plan).as_deref() == Some("Three-year plan"))
        .await;
    write_and_wait(&mut dashboard, plan, "Changed by the dashboard").await;
    let mut reader = read_afresh(&relay, &org.manager.1, org.id, plan).await;
    assert_eq!(
        reader.text(plan).as_deref(),
        Some("Three-year plan"),
        "a read-only program changes nothing"
    );

    // Another program cannot join under the dashboard's peer id (to borrow its grant).
    let mut borrower = program(
        &relay,
        &grant(&org.admin, true, tomorrow),
        asking_for(&[plan]),
    )
    .await
    .expect("the door takes a valid grant");
    let said = first_error(&mut borrower).await;
    assert!(said.contains("uses this peer id"), "{said}");

    // A grant to write: its change is taken.
    let mut writer = program_as(
        &relay,
        &grant(&org.admin, true, tomorrow),
        "a-script",
        asking_for(&[plan]),
    )
    .await
    .expect("taken");
    writer.run_until(|c| c.text(plan).is_some()).await;
    writer.edit(plan, "Updated by the script").await;
    writer.run_until(|c| c.in_sync(plan)).await;
    reader
        .run_until(|c| c.text(plan).as_deref() == Some("Updated by the script"))
        .await;

    // Signed by someone who is not an admin, expired, or tampered with: refused at the door.
    assert_eq!(
        program(
            &relay,
            &grant(&org.employee.1, false, tomorrow),
            HashMap::new()
        )
        .await
        .err(),
        Some(401)
    );
    assert_eq!(
        program(&relay, &grant(&org.admin, false, now() - 1), HashMap::new())
            .await
            .err(),
        Some(401)
    );
    let tampered = grant(&org.admin, false, tomorrow).replacen('e', "f", 1);
    assert_eq!(
        program(&relay, &tampered, HashMap::new()).await.err(),
        Some(401)
    );

    // When its signer stops being an admin, the program is disconnected.
    let url = org.id.url();
    let newcomer = person(&mut org.workspace, "Ada Two");
    let second_admin = key();
    let invitation = key();
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::Invite {
                invitation: invitation.public(),
                person: newcomer.clone(),
                expires: tomorrow,
            },
            now(),
        )
        .expect("invite");
    org.workspace
        .sign(
            &url,
            &second_admin,
            Some(&org.admin.public()),
            Act::Accept {
                invitation: invitation.public(),
                proof: invitation.sign(
                    Purpose::Acceptance,
                    &acceptance_message(&url, &second_admin.public()),
                ),
            },
            now(),
        )
        .expect("accept");
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::Grant {
                person: newcomer.clone(),
                role: throughline::model::identity::Role::Admin,
            },
            now(),
        )
        .expect("grant admin");
    let mut staying = program_as(
        &relay,
        &grant(&second_admin, false, tomorrow),
        "a-report",
        asking_for(&[plan]),
    )
    .await;
    assert_eq!(
        staying.as_ref().err(),
        Some(&401),
        "not an admin yet on the relay"
    );
    // The relay hears the new admin.
    publish(&mut admin, org.id, &org.workspace).await;
    admin.run_until(|c| c.in_sync(org.id)).await;
    staying = program_as(
        &relay,
        &grant(&second_admin, false, tomorrow),
        "a-report",
        asking_for(&[plan]),
    )
    .await;
    let mut staying = staying.expect("an admin's grant");
    staying.run_until(|c| c.text(plan).is_some()).await;
    org.workspace
        .sign(
            &url,
            &org.admin,
            Some(&org.admin.public()),
            Act::Revoke {
                person: newcomer,
                role: throughline::model::identity::Role::Admin,
            },
            now(),
        )
        .expect("revoke");
    publish(&mut admin, org.id, &org.workspace).await;
    let closed = admin
        .serve_until(tokio::time::timeout(Duration::from_secs(5), async {
            use futures_util::StreamExt;
            loop {
                match staying.socket.next().await {
                    Some(Ok(_)) => continue,
                    _ => return,
                }
            }
        }))
        .await;
    assert!(
        closed.is_ok(),
        "the program's grant ended with its signer's role"
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn asked_feedback_reaches_its_writer_and_the_manager_and_never_the_employee() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    // Mo asks Cal for feedback on Eve's review, anonymously: Cal writes it in a document
    // of its own, listed with the request.
    let feedback = DocumentId::random();
    let asked = org.ask_colleague_about_employee(feedback, true);
    let _admin = upload(&relay, &org).await;
    let mut manager = member(&relay, &org.manager.1, org.id, asked).await;
    manager.run_until(|c| c.in_sync(feedback)).await;

    // Cal gets the feedback document, and still nothing of Eve's review.
    let asked = [feedback, org.employee_review];
    let mut colleague = member(&relay, &org.colleague.1, org.id, asking_for(&asked)).await;
    assert_eq!(
        outcome(&mut colleague, &asked).await,
        vec![org.employee_review]
    );
    // What Cal writes reaches Mo. Cal's device keeps answering the relay meanwhile: its
    // change may wait on the relay's answer to its last message.
    let cal = org.colleague.0.clone();
    change_as(&mut colleague, feedback, &|f: &mut AskedFeedback| {
        f.write(&cal, "Eve unblocked us.", 1)
            .expect("Cal's to write")
    })
    .await;
    colleague
        .serve_until(
            manager.run_until(|c| c.text(feedback).as_deref() == Some("Eve unblocked us.")),
        )
        .await;

    // Eve is refused the document (its existence not disclosed), and what her device
    // writes under its id is kept nowhere.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[feedback])).await;
    assert_eq!(outcome(&mut employee, &[feedback]).await, vec![feedback]);
    assert!(!has(&mut employee, &feedback));
    employee.edit(feedback, "Written by Eve").await;
    employee
        .run_until(|c| c.unavailable.contains(&feedback))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut reader = member(&relay, &org.manager.1, org.id, asking_for(&[feedback])).await;
    reader
        .run_until(|c| c.text(feedback).as_deref() == Some("Eve unblocked us."))
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_colleague_s_review_listed_as_one_s_own_is_still_refused() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    // Eve's device, a member's, lists Cal's review as her own in a cycle of its making
    // (every member writes the workspace document; this is not a signed statement).
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.id])).await;
    employee.run_until(|c| has(c, &org.id)).await;
    let mut forged = org.workspace.clone();
    let mut cycle = ReviewCycle {
        name: "Mine".into(),
        ..ReviewCycle::default()
    };
    cycle.reviews.insert(
        org.employee.0.clone(),
        DocumentUrl::from(org.colleague_review),
    );
    // Under an id that sorts after every real one, so it is the entry read last.
    forged.cycles.insert(ItemId::from("~forged"), cycle);
    publish(&mut employee, org.id, &forged).await;
    employee.run_until(|c| c.in_sync(org.id)).await;
    // Once the relay holds the forged listing (Mo reads it), Eve still gets nothing of
    // Cal's review; Mo, who manages both, still does.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[org.id])).await;
    manager
        .run_until(|c| {
            c.docs.get(&org.id).is_some_and(|doc| {
                autosurgeon::hydrate::<_, Workspace>(doc)
                    .is_ok_and(|ws| ws.cycles.values().any(|cycle| cycle.name == "Mine"))
            })
        })
        .await;
    let asked = [org.colleague_review];
    let mut again = member(&relay, &org.employee.1, org.id, asking_for(&asked)).await;
    assert_eq!(
        outcome(&mut again, &asked).await,
        vec![org.colleague_review]
    );
    assert!(!has(&mut again, &org.colleague_review));
    let mut reader = member(&relay, &org.manager.1, org.id, asking_for(&asked)).await;
    assert!(outcome(&mut reader, &asked).await.is_empty());
    assert_eq!(
        reader.text(org.colleague_review).as_deref(),
        Some("Cal's review: rating 2")
    );
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn a_document_made_before_it_is_listed_is_checked_as_its_maker_s_once_listed() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let _admin = upload(&relay, &org).await;
    let (eve, mo) = (org.employee.0.clone(), org.manager.0.clone());
    // Eve's device makes two check-in series with Mo and sends them before either is
    // listed, when nothing checks what they hold: one as the page makes it (a topic in
    // her name), and one with a topic in Mo's name, which no page writes.
    let series_with_a_topic_by = |by: &PersonId, text: &str| {
        let mut series = CheckInSeries::new(&mo, &eve);
        let meeting = series.add_meeting("2027-03-01").expect("a date");
        series
            .add_agenda_item(&meeting, text, Some(by), 1)
            .expect("the model takes any name");
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &series).expect("reconcile");
        doc.commit();
        doc
    };
    let (honest, forged, not_hers) = (
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
    );
    let docs = HashMap::from([
        (org.id, AutoCommit::new()),
        (honest, series_with_a_topic_by(&eve, "My training budget")),
        (forged, series_with_a_topic_by(&mo, "Eve deserves a raise")),
        (not_hers, series_with_a_topic_by(&eve, "Cal's pay")),
    ]);
    let made = [honest, forged, not_hers];
    let mut employee = member(&relay, &org.employee.1, org.id, docs).await;
    employee
        .run_until(|c| has(c, &org.id) && made.iter().all(|d| c.in_sync(*d)))
        .await;
    // Then she lists the first two as her check-ins with Mo (any member writes the
    // listing), and the third as Mo's with Cal, which she may not write.
    for (series, employee) in [(honest, &eve), (forged, &eve), (not_hers, &org.colleague.0)] {
        org.workspace.check_ins.insert(
            DocumentUrl::from(series),
            throughline::model::review::CheckInEntry {
                manager: mo.clone(),
                employee: employee.clone(),
            },
        );
    }
    publish(&mut employee, org.id, &org.workspace).await;
    employee.run_until(|c| c.in_sync(org.id)).await;

    // Mo gets the one the page could have made, and the others are not disclosed to him.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&made)).await;
    assert_eq!(outcome(&mut manager, &made).await, vec![forged, not_hers]);
    let held: CheckInSeries = held_as(&manager, honest).expect("the honest series");
    assert_eq!(
        held.agenda
            .values()
            .map(|item| item.text.as_str())
            .collect::<Vec<_>>(),
        ["My training budget"]
    );
    assert!(!has(&mut manager, &forged));
    // And what his device writes to it is kept nowhere.
    manager.edit(forged, "Written by Mo").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Eve's device, asking afresh, still gets the two listed as hers: the relay keeps
    // what she made, and what it found of it. (The third, listed as Mo's with Cal, is
    // not hers to read under that listing.)
    let hers = [honest, forged];
    let mut maker = member(&relay, &org.employee.1, org.id, asking_for(&hers)).await;
    assert!(outcome(&mut maker, &hers).await.is_empty());
    maker
        .serve_until(tokio::time::sleep(Duration::from_millis(300)))
        .await;
    assert_eq!(maker.text(forged), None, "nothing of Mo's reached it");
    relay.stop().await.expect("the relay stops cleanly");
    let verdicts = std::fs::read_to_string(data.path().join("verdicts.jsonl")).expect("kept");
    // (The reviews the admin's device sent with the workspace were judged too, and are
    // HR's to have made.)
    let verdict_on = |document: DocumentId| -> Vec<&str> {
        verdicts
            .lines()
            .filter(|line| line.contains(&document.to_string()))
            .collect()
    };
    assert_eq!(verdict_on(honest).len(), 1, "{verdicts}");
    assert_eq!(verdict_on(forged).len(), 1, "{verdicts}");
    // The one listed as another pair's is held back unjudged: a listing put right would
    // have it checked then.
    assert!(verdict_on(not_hers).is_empty(), "{verdicts}");
    assert!(
        verdict_on(forged)[0].contains("in another person's name"),
        "{verdicts}"
    );
    let refused = verdicts.lines().filter(|line| line.contains("refused"));
    assert_eq!(
        refused.count(),
        1,
        "only the forged one is refused: {verdicts}"
    );

    // After a restart the verdicts hold, and nothing is checked again.
    let relay = start(data.path()).await;
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&made)).await;
    assert_eq!(outcome(&mut manager, &made).await, vec![forged, not_hers]);
    let again = std::fs::read_to_string(data.path().join("verdicts.jsonl")).expect("kept");
    assert_eq!(again, verdicts, "each history is checked once");

    // Listed as what it is (Eve's check-ins with Mo), the third is checked then, and Mo
    // gets it.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.id])).await;
    employee.run_until(|c| has(c, &org.id)).await;
    org.workspace.check_ins.insert(
        DocumentUrl::from(not_hers),
        throughline::model::review::CheckInEntry {
            manager: mo.clone(),
            employee: eve.clone(),
        },
    );
    publish(&mut employee, org.id, &org.workspace).await;
    employee.run_until(|c| c.in_sync(org.id)).await;
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&made)).await;
    assert_eq!(outcome(&mut manager, &made).await, vec![forged]);
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn the_manager_s_side_of_a_review_reaches_the_manager_and_hr_and_never_the_employee() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let _admin = upload(&relay, &org).await;
    // Mo drafts his side of Eve's review: a document of its own, listed with the review.
    let side = throughline::model::review::ManagerSide::document_of(org.employee_review);
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[org.id])).await;
    manager.run_until(|c| has(c, &org.id)).await;
    manager.edit(side, "Mo's draft: rating 2").await;
    manager.run_until(|c| c.in_sync(side)).await;

    // Eve is refused it (its existence not disclosed), as is her colleague; what her
    // device writes to it is kept nowhere.
    for device in [&org.employee.1, &org.colleague.1] {
        let mut client = member(&relay, device, org.id, asking_for(&[side])).await;
        assert_eq!(outcome(&mut client, &[side]).await, vec![side]);
        assert!(!has(&mut client, &side));
    }
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[side])).await;
    employee.edit(side, "Written by Eve").await;
    employee.run_until(|c| c.unavailable.contains(&side)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // HR (the admin) reads Mo's words, and only them.
    let mut hr = member(&relay, &org.admin, org.id, asking_for(&[side])).await;
    hr.run_until(|c| c.text(side).as_deref() == Some("Mo's draft: rating 2"))
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn feedback_given_during_the_year_reaches_whom_it_is_for_and_their_managers_only() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    // Eve gives Mo, her manager, feedback: a document of its own, listed with whom it is
    // for and from.
    let given = DocumentId::random();
    org.workspace.list_given_feedback(
        DocumentUrl::from(given),
        &throughline::model::review::Feedback {
            to: org.manager.0.clone(),
            from: org.employee.0.clone(),
            text: "Thanks for the cover in March.".into(),
            ..Default::default()
        },
    );
    let _admin = upload(&relay, &org).await;
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[org.id])).await;
    employee.run_until(|c| has(c, &org.id)).await;
    employee.edit(given, "Thanks for the cover in March.").await;
    employee.run_until(|c| c.in_sync(given)).await;

    // Mo reads it and HR (the admin) does; Cal, a colleague, is refused it.
    for device in [&org.manager.1, &org.admin] {
        let mut reader = member(&relay, device, org.id, asking_for(&[given])).await;
        reader
            .run_until(|c| c.text(given).as_deref() == Some("Thanks for the cover in March."))
            .await;
    }
    let mut colleague = member(&relay, &org.colleague.1, org.id, asking_for(&[given])).await;
    assert_eq!(outcome(&mut colleague, &[given]).await, vec![given]);
    assert!(!has(&mut colleague, &given));
    // Mo may read it, not rewrite it: what his device writes is dropped.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[given])).await;
    manager
        .run_until(|c| c.text(given).as_deref() == Some("Thanks for the cover in March."))
        .await;
    manager.edit(given, "Rewritten by Mo").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut reader = member(&relay, &org.admin, org.id, asking_for(&[given])).await;
    reader
        .run_until(|c| c.text(given).as_deref() == Some("Thanks for the cover in March."))
        .await;
    relay.stop().await.expect("the relay stops cleanly");
}

/// The document `client` holds as `document`, if it reads as a `T`.
fn held_as<T: autosurgeon::Hydrate>(client: &Client, document: DocumentId) -> Option<T> {
    autosurgeon::hydrate(client.docs.get(&document)?).ok()
}

/// The review `client` holds as `document`, if it reads as one.
fn review_held(client: &Client, document: DocumentId) -> Option<Review> {
    held_as(client, document)
}

/// A change a modified client makes to a document read as a `T`.
type Forgery<'a, T> = dyn Fn(&mut T) + 'a;

/// Changes the document `client` holds, read as a `T`, as `change` says, and sends the
/// change.
async fn change_as<T: autosurgeon::Hydrate + autosurgeon::Reconcile>(
    client: &mut Client,
    document: DocumentId,
    change: &dyn Fn(&mut T),
) {
    {
        let doc = client.docs.get_mut(&document).expect("the document");
        let mut typed: T = autosurgeon::hydrate(doc).expect("it reads");
        change(&mut typed);
        autosurgeon::reconcile(doc, &typed).expect("reconcile");
        doc.commit();
    }
    let effects = client.engine.handle(
        throughline::sync::Event::Changed { document },
        &mut client.docs,
    );
    client.apply(effects).await;
}

/// Changes the review `client` holds as `change` says, and sends the change.
async fn change_review(client: &mut Client, document: DocumentId, change: &dyn Fn(&mut Review)) {
    change_as(client, document, change).await;
}

/// Through a fresh connection of `device`, once the `document` it holds satisfies
/// `ready`, each of `forgeries` is sent and refused, the device told.
async fn each_refused<T: autosurgeon::Hydrate + autosurgeon::Reconcile>(
    relay: &Relay,
    org: &Org,
    device: &DeviceSecret,
    document: DocumentId,
    ready: impl Fn(&T) -> bool,
    forgeries: &[(&str, &Forgery<'_, T>)],
) {
    for (what, forge) in forgeries {
        let mut hostile = member(relay, device, org.id, asking_for(&[document])).await;
        hostile
            .run_until(|c| held_as::<T>(c, document).is_some_and(|r| ready(&r)))
            .await;
        change_as(&mut hostile, document, forge).await;
        hostile.run_until(|c| !c.said.is_empty()).await;
        assert!(
            hostile.said[0].contains("refused"),
            "{what}: told {:?}",
            hostile.said
        );
    }
}

/// `document` as a fresh connection of `device` reads it from the relay, once `ready`
/// holds of it.
async fn as_read_by<T: autosurgeon::Hydrate>(
    relay: &Relay,
    org: &Org,
    device: &DeviceSecret,
    document: DocumentId,
    ready: impl Fn(&T) -> bool,
) -> T {
    let mut reader = member(relay, device, org.id, asking_for(&[document])).await;
    reader
        .run_until(|c| held_as::<T>(c, document).is_some_and(|r| ready(&r)))
        .await;
    held_as(&reader, document).expect("it reads")
}

/// The review as a fresh connection of the manager's device reads it from the relay, once
/// `ready` holds of it.
async fn as_the_manager_reads_it(
    relay: &Relay,
    org: &Org,
    ready: impl Fn(&Review) -> bool,
) -> Review {
    as_read_by(relay, org, &org.manager.1, org.employee_review, ready).await
}

#[tokio::test]
async fn each_device_changes_only_its_person_s_parts_of_a_review() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let org = Org::new();
    let review = org.employee_review;
    let docs = org.all_documents();
    let ids: Vec<DocumentId> = docs.keys().copied().collect();
    let mut admin = member(&relay, &org.admin, org.id, docs).await;
    admin.run_until(|c| ids.iter().all(|d| c.in_sync(*d))).await;

    // Her self-assessment is hers: it reaches her manager.
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[review])).await;
    employee
        .run_until(|c| review_held(c, review).is_some())
        .await;
    let eve = org.employee.0.clone();
    change_review(&mut employee, review, &|r| {
        r.set_self_assessment(r.actor(&eve), "Shipped the app.")
            .expect("hers to write")
    })
    .await;
    employee.run_until(|c| c.in_sync(review)).await;
    as_the_manager_reads_it(&relay, &org, |r| {
        r.self_assessment.as_str() == "Shipped the app."
    })
    .await;

    // What a modified client could write in her name: each refused, and she is told.
    let forgeries: [(&str, &Forgery<'_, Review>); 5] = [
        ("her own overall rating", &|r| r.overall = Some(5)),
        ("her potential", &|r| {
            r.potential = Some(throughline::model::review::Potential::High)
        }),
        ("the manager's words", &|r| {
            r.manager_assessment.update("Outstanding in every way.")
        }),
        ("a stage move past calibration", &|r| {
            r.stage = Stage::Shared
        }),
        ("the manager's signature", &|r| {
            r.signature = Some(throughline::model::review::Signature::default())
        }),
    ];
    let written = |r: &Review| !r.self_assessment.as_str().is_empty();
    each_refused(&relay, &org, &org.employee.1, review, written, &forgeries).await;
    // The manager's device may move it on and add a goal, not write her words nor
    // acknowledge in her name.
    let mut manager = member(&relay, &org.manager.1, org.id, asking_for(&[review])).await;
    manager
        .run_until(|c| {
            review_held(c, review).is_some_and(|r| !r.self_assessment.as_str().is_empty())
        })
        .await;
    let mo = org.manager.0.clone();
    change_review(&mut manager, review, &|r| {
        r.move_to(Stage::SelfReview, r.actor(&mo))
            .expect("the manager's to move");
        r.add_goal(r.actor(&mo), "Mentor a new hire", 20)
            .map(drop)
            .expect("a goal");
    })
    .await;
    manager.run_until(|c| c.in_sync(review)).await;
    let managers_forgeries: [(&str, &Forgery<'_, Review>); 2] = [
        ("her words", &|r| {
            r.self_assessment.update("Could have done more.")
        }),
        ("her acknowledgement", &|r| {
            r.acknowledgement = Some(throughline::model::review::Signature::default())
        }),
    ];
    let moved = |r: &Review| r.stage == Stage::SelfReview;
    each_refused(
        &relay,
        &org,
        &org.manager.1,
        review,
        moved,
        &managers_forgeries,
    )
    .await;
    let held = as_the_manager_reads_it(&relay, &org, |r| {
        r.stage == Stage::SelfReview && r.goals.len() == 1
    })
    .await;
    assert_eq!(held.self_assessment.as_str(), "Shipped the app.");
    assert_eq!(held.acknowledgement, None);
    assert_eq!(held.overall, None);
    assert_eq!(held.potential, None);
    assert_eq!(held.manager_assessment.as_str(), "");
    assert_eq!(held.signature, None);
    relay.stop().await.expect("the relay stops cleanly");
}

#[tokio::test]
async fn check_ins_and_asked_feedback_take_from_each_device_only_its_person_s_parts() {
    let data = tempfile::tempdir().unwrap();
    let relay = start(data.path()).await;
    let mut org = Org::new();
    let feedback = DocumentId::random();
    let asked = org.ask_colleague_about_employee(feedback, false);
    // The manager's device starts the pair's check-ins (in `upload`) and the feedback.
    let _admin = upload(&relay, &org).await;
    let mut manager = member(&relay, &org.manager.1, org.id, asked).await;
    manager.run_until(|c| c.in_sync(feedback)).await;
    let (eve, mo, cal) = (
        org.employee.0.clone(),
        org.manager.0.clone(),
        org.colleague.0.clone(),
    );

    // Check-ins: Eve adds a meeting and a topic in her own name; they reach Mo.
    let series = org.check_in;
    let mut employee = member(&relay, &org.employee.1, org.id, asking_for(&[series])).await;
    employee
        .run_until(|c| held_as::<CheckInSeries>(c, series).is_some())
        .await;
    change_as(&mut employee, series, &|s: &mut CheckInSeries| {
        let meeting = s.add_meeting("2027-03-01").expect("a date");
        s.add_agenda_item(&meeting, "My training budget", Some(&eve), 1)
            .expect("a topic");
    })
    .await;
    employee.run_until(|c| c.in_sync(series)).await;
    let first_meeting = |s: &CheckInSeries| s.meetings.keys().next().cloned().expect("a meeting");
    // What her modified client could write: each refused, and she is told.
    let forgeries: [(&str, &Forgery<'_, CheckInSeries>); 4] = [
        ("a topic in Mo's name", &|s| {
            let meeting = first_meeting(s);
            s.add_agenda_item(&meeting, "Eve deserves a raise", Some(&mo), 2)
                .map(drop)
                .expect("the model takes any name");
        }),
        ("whose check-ins these are", &|s| s.manager = cal.clone()),
        ("an action for someone outside the pair", &|s| {
            let meeting = first_meeting(s);
            s.add_action(&meeting, "Cover Eve's on-call", Some(&cal), None)
                .map(drop)
                .expect("the model takes any owner");
        }),
        ("her topic rewritten after it was added", &|s| {
            for item in s.agenda.values_mut() {
                item.text = "Something else".into();
            }
        }),
    ];
    let has_topic = |s: &CheckInSeries| s.agenda.len() == 1;
    each_refused(&relay, &org, &org.employee.1, series, has_topic, &forgeries).await;
    // Mo marks her topic discussed: his to do.
    let mut managers = member(&relay, &org.manager.1, org.id, asking_for(&[series])).await;
    managers
        .run_until(|c| held_as::<CheckInSeries>(c, series).is_some_and(|s| has_topic(&s)))
        .await;
    change_as(&mut managers, series, &|s: &mut CheckInSeries| {
        let item = s.agenda.keys().next().cloned().expect("her topic");
        s.set_discussed(&item, true).expect("discussed");
    })
    .await;
    managers.run_until(|c| c.in_sync(series)).await;
    let held: CheckInSeries = as_read_by(
        &relay,
        &org,
        &org.employee.1,
        series,
        |s: &CheckInSeries| s.agenda.values().any(|item| item.discussed),
    )
    .await;
    assert_eq!((&held.manager, &held.employee), (&mo, &eve));
    assert_eq!(held.agenda.len(), 1, "only her own topic");
    let topic = held.agenda.values().next().expect("her topic");
    assert_eq!(
        (topic.text.as_str(), topic.added_by.as_ref()),
        ("My training budget", Some(&eve))
    );
    assert!(held.actions.is_empty());

    // Asked feedback: Cal writes it; it reaches Mo.
    let mut colleague = member(&relay, &org.colleague.1, org.id, asking_for(&[feedback])).await;
    colleague
        .run_until(|c| held_as::<AskedFeedback>(c, feedback).is_some())
        .await;
    change_as(&mut colleague, feedback, &|f: &mut AskedFeedback| {
        f.write(&cal, "Eve unblocked us.", 1)
            .expect("Cal's to write")
    })
    .await;
    colleague.run_until(|c| c.in_sync(feedback)).await;
    let written = |f: &AskedFeedback| f.is_written();
    // What Mo's modified client could write: each refused, and he is told.
    let managers_forgeries: [(&str, &Forgery<'_, AskedFeedback>); 3] = [
        ("Cal's words rewritten", &|f| {
            f.text.update("Eve needs close supervision.")
        }),
        ("made anonymous", &|f| f.anonymous = true),
        ("another writer named", &|f| f.writer = mo.clone()),
    ];
    each_refused(
        &relay,
        &org,
        &org.manager.1,
        feedback,
        written,
        &managers_forgeries,
    )
    .await;
    // Mo closes it, as sharing the review does: his to do. Cal writes nothing after.
    let mut sharing = member(&relay, &org.manager.1, org.id, asking_for(&[feedback])).await;
    sharing
        .run_until(|c| held_as::<AskedFeedback>(c, feedback).is_some_and(|f| written(&f)))
        .await;
    change_as(&mut sharing, feedback, &|f: &mut AskedFeedback| {
        f.close();
    })
    .await;
    sharing.run_until(|c| c.in_sync(feedback)).await;
    let late: [(&str, &Forgery<'_, AskedFeedback>); 2] = [
        ("words after it closed", &|f| {
            f.text.update("And one more thing.")
        }),
        ("opened again", &|f| f.closed = false),
    ];
    let closed = |f: &AskedFeedback| f.closed;
    each_refused(&relay, &org, &org.colleague.1, feedback, closed, &late).await;
    let held: AskedFeedback = as_read_by(&relay, &org, &org.manager.1, feedback, closed).await;
    assert_eq!(held.text.as_str(), "Eve unblocked us.");
    assert_eq!((&held.writer, held.anonymous), (&cal, false));
    relay.stop().await.expect("the relay stops cleanly");
}
