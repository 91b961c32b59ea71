//! Pairing two devices with no server: the code an offer or answer travels as, made from
//! a browser's session description (a checked-in fixture) and made back into one; as a
//! QR code read back from its pixels; and every way a code can be wrong.

use throughline::store::DocumentId;
use throughline::sync::pairing::{
    Candidate, Connection, Host, Kind, PairingCode, PairingError, Setup, Shares, Signers,
    WorkspaceTag,
};
use throughline::sync::pairing_qr::{read_qr, QrCode};

const NOW: u64 = 1_800_000_000;

fn fixture_sdp() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/webrtc_offer.sdp"
    ))
    .expect("the fixture is checked in")
}

/// The workspace both test devices are in.
fn workspace() -> DocumentId {
    DocumentId::from_bytes([5; 16])
}

fn offer() -> PairingCode {
    PairingCode {
        kind: Kind::Offer,
        pairing: [1, 2, 3, 4, 5, 6, 7, 8],
        created_at: NOW,
        device: "Ana's tablet".into(),
        workspace: WorkspaceTag::of(&workspace()),
        shares: Shares::Documents(vec![DocumentId::random()]),
        joins: None,
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
    // A whole-workspace pairing names no documents and round-trips the same way.
    let whole = PairingCode {
        shares: Shares::Workspace,
        ..offer.clone()
    };
    assert_eq!(PairingCode::decode(&whole.encode(), NOW).unwrap(), whole);
    // One that a new device may join by carries the workspace's id, and that id must
    // be the workspace the code names.
    let joinable = PairingCode {
        joins: Some(workspace()),
        ..whole.clone()
    };
    let text = joinable.encode();
    assert_eq!(PairingCode::decode(&text, NOW).unwrap(), joinable);
    assert!(
        text.len() < 260,
        "a joinable offer is {} characters",
        text.len()
    );
    let mismatched = PairingCode {
        joins: Some(DocumentId::random()),
        ..whole
    };
    assert_eq!(
        PairingCode::decode(&mismatched.encode(), NOW),
        Err(PairingError::Damaged)
    );
    let text = offer.encode();
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
    let content = read_qr(side, side, &pixels).expect("the QR code is found and decodes");
    assert_eq!(content, text);
    // A frame with no code in it, and a frame too short for its size, read as nothing.
    assert_eq!(read_qr(side, side, &vec![255; side * side]), None);
    assert_eq!(read_qr(side, side, &pixels[..10]), None);
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
    assert_eq!(answer.check_answers(&offer), Ok(()));
    let mut foreign = answer.clone();
    foreign.pairing = [9; 8];
    assert_eq!(foreign.check_answers(&offer), Err(PairingError::Foreign));
    let mut elsewhere = answer.clone();
    elsewhere.workspace = WorkspaceTag::of(&DocumentId::random());
    assert_eq!(elsewhere.check_answers(&offer), Err(PairingError::Foreign));
    assert_eq!(offer.check_answers(&offer), Err(PairingError::WrongKind));
    // An offer from another workspace is refused before anything is made of it.
    assert_eq!(offer.check_offer_for(&workspace()), Ok(()));
    assert_eq!(
        offer.check_offer_for(&DocumentId::random()),
        Err(PairingError::OtherWorkspace)
    );
    assert_eq!(
        answer.check_offer_for(&workspace()),
        Err(PairingError::WrongKind)
    );
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

#[test]
fn a_signed_code_names_the_device_that_made_it_and_a_tampered_one_is_refused() {
    use throughline::model::identity::DeviceSecret;
    let device = DeviceSecret::from_seed([3; 32]);
    let offer = offer();
    let text = offer.encode_signed(&device, None);
    let (read, signers) = PairingCode::decode_signed(&text, NOW).expect("a signed code reads");
    assert_eq!(read, offer);
    assert_eq!(signers.device, Some(device.public()));
    assert_eq!(signers.invitation, None);
    // An unsigned code reads too, naming nobody.
    assert_eq!(
        PairingCode::decode_signed(&offer.encode(), NOW).unwrap().1,
        Signers::default()
    );
    // Another code's signature moved onto this one (another fingerprint: another link)
    // does not hold.
    let mut other = offer.clone();
    other.connection.fingerprint = [0x11; 32];
    let theirs = other.encode_signed(&device, None);
    let ours = offer.encode();
    let signature_tail = {
        let a = throughline_pairing_bytes(&theirs);
        a[a.len() - 4 - 97..a.len() - 4].to_vec()
    };
    let mut forged = throughline_pairing_bytes(&ours);
    forged.truncate(forged.len() - 4);
    forged.extend_from_slice(&signature_tail);
    let forged = reencode(forged);
    assert_eq!(
        PairingCode::decode_signed(&forged, NOW).err(),
        Some(PairingError::NotSignedByItsDevice)
    );
    // Signed, it still fits a QR code a tablet scans.
    let qr = QrCode::of(&text).unwrap();
    assert!(qr.version() <= 15, "version {}", qr.version());
}

#[test]
fn an_invitation_vouches_for_the_device_on_its_code_and_for_that_device_only() {
    use throughline::model::identity::DeviceSecret;
    let (device, invitation) = (
        DeviceSecret::from_seed([3; 32]),
        DeviceSecret::from_seed([4; 32]),
    );
    let mut answer = offer();
    answer.kind = Kind::Answer;
    let text = answer.encode_signed(&device, Some(&invitation));
    let (read, signers) = PairingCode::decode_signed(&text, NOW).expect("it reads");
    assert_eq!(read, answer);
    assert_eq!(
        signers,
        Signers {
            device: Some(device.public()),
            invitation: Some(invitation.public()),
        }
    );
    // The invitation's part moved onto another device's code does not hold: it vouched
    // for the first device, on that link.
    let other_device = DeviceSecret::from_seed([5; 32]);
    let theirs = answer.encode_signed(&other_device, None);
    let vouch = {
        let bytes = throughline_pairing_bytes(&text);
        bytes[bytes.len() - 4 - 97..bytes.len() - 4].to_vec()
    };
    let mut moved = throughline_pairing_bytes(&theirs);
    moved.truncate(moved.len() - 4);
    moved.extend_from_slice(&vouch);
    assert_eq!(
        PairingCode::decode_signed(&reencode(moved), NOW).err(),
        Some(PairingError::NotSignedByItsDevice)
    );
    // Cut short, it is damaged, never read as vouched for.
    let mut cut = throughline_pairing_bytes(&text);
    cut.truncate(cut.len() - 4 - 10);
    assert_eq!(
        PairingCode::decode_signed(&reencode(cut), NOW).err(),
        Some(PairingError::Damaged)
    );
    // Still a QR code a tablet scans.
    let qr = QrCode::of(&text).unwrap();
    assert!(qr.version() <= 20, "version {}", qr.version());
}

/// The bytes of a code (base32 after `THL1`), checksum included.
fn throughline_pairing_bytes(code: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in code["THL1".len()..].bytes() {
        let value = ALPHABET.iter().position(|a| *a == c).expect("base32") as u32;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// A code from its bytes (checksum added again).
fn reencode(mut bytes: Vec<u8>) -> String {
    use sha2::Digest;
    let check = sha2::Sha256::digest(&bytes);
    bytes.extend_from_slice(&check[..4]);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::from("THL1");
    let mut bits = 0u32;
    let mut count = 0;
    for byte in bytes {
        bits = (bits << 8) | u32::from(byte);
        count += 8;
        while count >= 5 {
            count -= 5;
            out.push(ALPHABET[((bits >> count) & 31) as usize] as char);
        }
        bits &= (1 << count) - 1;
    }
    if count > 0 {
        out.push(ALPHABET[((bits << (5 - count)) & 31) as usize] as char);
    }
    out
}
