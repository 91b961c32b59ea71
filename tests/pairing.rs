//! Pairing two devices with no server: the code an offer or answer travels as, made from
//! a browser's session description (a checked-in fixture) and made back into one; as a
//! QR code read back from its pixels; and every way a code can be wrong.
// Native only: the QR decoder that reads the pixels back is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use throughline::store::DocumentId;
use throughline::sync::pairing::{
    Candidate, Connection, Host, Kind, PairingCode, PairingError, Setup,
};
use throughline::sync::pairing_qr::QrCode;

const NOW: u64 = 1_800_000_000;

fn fixture_sdp() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/webrtc_offer.sdp"
    ))
    .expect("the fixture is checked in")
}

fn offer() -> PairingCode {
    PairingCode {
        kind: Kind::Offer,
        pairing: [1, 2, 3, 4, 5, 6, 7, 8],
        created_at: NOW,
        device: "Ana's tablet".into(),
        documents: vec![DocumentId::random()],
        connection: Connection::from_sdp(&fixture_sdp()).expect("the fixture reads"),
    }
}

#[test]
fn a_browser_offer_keeps_what_connects_and_is_written_back() {
    let connection = Connection::from_sdp(&fixture_sdp()).unwrap();
    assert_eq!(connection.ufrag, "Xq3b");
    assert_eq!(connection.pwd, "8kQz2mN4pL7vR1sT6wY9aB0c");
    assert_eq!(connection.setup, Setup::ActPass);
    assert_eq!(connection.fingerprint[0], 0x3E);
    // The UDP host candidates only: not the TCP one, not the server-reflexive one.
    assert_eq!(
        connection.candidates,
        vec![
            Candidate::at("192.168.1.20:51234".parse().unwrap()),
            Candidate::at("[fd00:1234:5678::20]:51235".parse().unwrap())
        ]
    );
    let written = connection.to_sdp(42);
    assert!(written.contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel"));
    assert!(written.contains("a=sctp-port:5000"));
    assert!(written.contains("a=fingerprint:sha-256 3E:A1:5C:90"));
    assert_eq!(Connection::from_sdp(&written).unwrap(), connection);
}

#[test]
fn a_typical_offer_is_short_and_round_trips() {
    let offer = offer();
    let text = offer.encode();
    assert!(text.starts_with("THL1"));
    assert_eq!(PairingCode::decode(&text, NOW + 30).unwrap(), offer);
    // Spaces, dashes and lower case (a code typed in by hand) read the same.
    let typed: String = text
        .to_lowercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    assert_eq!(PairingCode::decode(&typed, NOW).unwrap(), offer);
    assert!(
        text.len() < 260,
        "an offer with two candidates and a document is {} characters",
        text.len()
    );
}

#[test]
fn the_qr_code_of_an_offer_reads_back_from_its_pixels() {
    let offer = offer();
    let text = offer.encode();
    let qr = QrCode::of(&text).unwrap();
    assert!(
        qr.version() <= 10,
        "small enough to scan on a tablet: version {}",
        qr.version()
    );
    let (side, pixels) = qr.to_pixels(4);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code found");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(content, text);
    assert_eq!(PairingCode::decode(&content, NOW).unwrap(), offer);
}

#[test]
fn codes_that_are_not_right_are_refused_with_the_reason() {
    let offer = offer();
    let text = offer.encode();
    assert_eq!(
        PairingCode::decode("https://example.com/", NOW),
        Err(PairingError::NotAPairingCode)
    );
    assert_eq!(
        PairingCode::decode("THL2AAAA", NOW),
        Err(PairingError::NewerVersion)
    );
    // One character misread.
    let mut damaged: Vec<char> = text.chars().collect();
    let at = damaged.len() / 2;
    damaged[at] = if damaged[at] == 'A' { 'B' } else { 'A' };
    let damaged: String = damaged.into_iter().collect();
    assert_eq!(
        PairingCode::decode(&damaged, NOW),
        Err(PairingError::Damaged)
    );
    // Cut short.
    assert_eq!(
        PairingCode::decode(&text[..text.len() - 10], NOW),
        Err(PairingError::Damaged)
    );
    // Too old, and (a clock set wrong) too far ahead.
    assert_eq!(
        PairingCode::decode(&text, NOW + 11 * 60),
        Err(PairingError::Expired)
    );
    assert_eq!(
        PairingCode::decode(&text, NOW - 11 * 60),
        Err(PairingError::Expired)
    );
    // An answer to another offer, and an offer where an answer was expected.
    let mut answer = offer.clone();
    answer.kind = Kind::Answer;
    answer.documents.clear();
    assert_eq!(answer.check_answers(&offer), Ok(()));
    let mut foreign = answer.clone();
    foreign.pairing = [9; 8];
    assert_eq!(foreign.check_answers(&offer), Err(PairingError::Foreign));
    assert_eq!(offer.check_answers(&offer), Err(PairingError::WrongKind));
    // A description without what connects.
    assert_eq!(
        Connection::from_sdp("v=0\r\n"),
        Err(PairingError::Sdp("an ICE ufrag"))
    );
}

/// What a browser shows by default: its address hidden behind a `.local` name.
#[test]
fn a_candidate_named_by_multicast_dns_travels_as_its_uuid() {
    let sdp = fixture_sdp().replace(
        "192.168.1.20 51234 typ host",
        "0f3e6a2c-8b1d-4e57-9a40-2c6b8d1e7f93.local 51234 typ host",
    );
    let connection = Connection::from_sdp(&sdp).unwrap();
    assert!(matches!(connection.candidates[0].host, Host::Mdns(_)));
    let written = connection.to_sdp(1);
    assert!(written.contains("0f3e6a2c-8b1d-4e57-9a40-2c6b8d1e7f93.local 51234 typ host"));
    let mut code = offer();
    code.connection = connection;
    assert_eq!(PairingCode::decode(&code.encode(), NOW).unwrap(), code);
}
