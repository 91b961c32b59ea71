//! Two direct links in a real Chromium, set up only with pairing codes (offer and answer
//! as text, as a person would copy them), syncing a document between two sync engines
//! over the data channel, and hearing the channel close.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use throughline::store::DocumentId;
use throughline::sync::pairing::{Kind, PairingCode, Shares, WorkspaceTag};
use throughline::sync::peer_link::PeerLink;
use throughline::sync::{Effect, Engine, Event, PeerMetadata};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// A side of the test: its engine, documents, link and the messages it received.
struct Side {
    engine: Engine,
    docs: HashMap<DocumentId, AutoCommit>,
    link: PeerLink,
    inbox: Rc<RefCell<VecDeque<Vec<u8>>>>,
}

impl Side {
    fn new(name: &str, link: PeerLink, docs: HashMap<DocumentId, AutoCommit>) -> Side {
        let inbox = Rc::new(RefCell::new(VecDeque::new()));
        let filling = Rc::clone(&inbox);
        link.on_message(move |bytes| filling.borrow_mut().push_back(bytes));
        Side {
            engine: Engine::new(name.into(), PeerMetadata::default()),
            docs,
            link,
            inbox,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        for effect in self.engine.handle(event, &mut self.docs) {
            if let Effect::Send { bytes, .. } = effect {
                self.link.send(&bytes).expect("the channel is open");
            }
        }
    }

    /// Handles what arrived; whether anything did.
    fn pump(&mut self) -> bool {
        let received: Vec<Vec<u8>> = self.inbox.borrow_mut().drain(..).collect();
        let any = !received.is_empty();
        for bytes in received {
            self.event(Event::Received {
                connection: 1,
                bytes: &bytes,
            });
        }
        any
    }

    fn text(&self, document: DocumentId) -> Option<String> {
        let doc = self.docs.get(&document)?;
        doc.get(ROOT, "text")
            .ok()
            .flatten()
            .and_then(|(v, _)| v.into_string().ok())
    }
}

/// Chromium offers the loopback address as a candidate only to a page that may use the
/// camera or microphone (webdriver.json gives it fake ones that ask nothing), so the
/// test also runs on a machine whose only network is loopback.
async fn allow_media() {
    if let Ok(asked) = js_sys::eval("navigator.mediaDevices.getUserMedia({ audio: true })") {
        let _ = JsFuture::from(js_sys::Promise::from(asked)).await;
    }
}

#[wasm_bindgen_test]
async fn two_devices_paired_by_codes_sync_a_document_over_the_data_channel() {
    allow_media().await;
    // The laptop offers; its code is what the tablet scans or types.
    let (laptop_link, offer) = PeerLink::offer().await.expect("an offer is made");
    let (workspace, document) = (DocumentId::random(), DocumentId::random());
    let offer_code = PairingCode {
        kind: Kind::Offer,
        pairing: [3; 8],
        created_at: now(),
        device: "Laptop".into(),
        workspace: WorkspaceTag::of(&workspace),
        shares: Shares::Documents(vec![document]),
        joins: None,
        connection: offer,
    };
    let scanned = PairingCode::decode(&offer_code.encode(), now()).expect("the offer reads");
    assert_eq!(scanned.shares, Shares::Documents(vec![document]));
    scanned
        .check_offer_for(&workspace)
        .expect("an offer for this workspace");

    // The tablet answers; its code goes back to the laptop.
    let (tablet_link, answer) = PeerLink::answer(&scanned.connection)
        .await
        .expect("the offer is answered");
    let answer_code = PairingCode {
        kind: Kind::Answer,
        pairing: scanned.pairing,
        created_at: now(),
        device: "Tablet".into(),
        joins: None,
        connection: answer,
        ..scanned.clone()
    };
    let answered = PairingCode::decode(&answer_code.encode(), now()).expect("the answer reads");
    answered
        .check_answers(&offer_code)
        .expect("it answers this offer");
    laptop_link
        .complete(&answered.connection)
        .await
        .expect("the answer completes the link");
    for _ in 0..200 {
        if laptop_link.is_open() && tablet_link.is_open() {
            break;
        }
        sleep(50).await;
    }
    assert!(
        laptop_link.is_open() && tablet_link.is_open(),
        "the channel opens"
    );

    // The laptop has the document; the tablet asks for it by id. It is larger than a
    // data-channel message may be (256 KiB), so it crosses in frames.
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "text", "written on the laptop").unwrap();
    // Varied text: a run of one letter would compress to almost nothing.
    let mut seed = 7u32;
    let appendix: String = (0..600 * 1024)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + (seed >> 16) as u8 % 26)
        })
        .collect();
    doc.put(ROOT, "appendix", appendix).unwrap();
    doc.commit();
    let mut laptop = Side::new("laptop", laptop_link, HashMap::from([(document, doc)]));
    let mut tablet = Side::new(
        "tablet",
        tablet_link,
        HashMap::from([(document, AutoCommit::new())]),
    );
    tablet.event(Event::Accepted { connection: 1 });
    laptop.event(Event::Connected { connection: 1 });
    for _ in 0..200 {
        let moved = laptop.pump() | tablet.pump();
        if tablet.text(document).as_deref() == Some("written on the laptop") && !moved {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(
        tablet.text(document).as_deref(),
        Some("written on the laptop")
    );

    // A channel closed on one side is heard on the other.
    let closed = Rc::new(RefCell::new(None::<throughline::sync::Disconnected>));
    let heard = Rc::clone(&closed);
    laptop
        .link
        .on_closed(move |why| *heard.borrow_mut() = Some(why));
    tablet.link.close();
    for _ in 0..200 {
        if closed.borrow().is_some() {
            break;
        }
        sleep(50).await;
    }
    assert!(
        closed.borrow().is_some(),
        "the laptop hears the channel close"
    );
    assert!(
        laptop.link.send(b"late").is_err(),
        "nothing is sent on a closed channel"
    );
}
