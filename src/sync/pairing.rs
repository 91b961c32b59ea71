//! Pairing two devices with no server: what one shows (as a QR code, or as text to
//! copy) and the other reads. An offer carries who is offering, which documents the
//! pairing shares, and just enough of the WebRTC session description to connect on one
//! network; the answer carries the same for the other side and names the offer it
//! answers.
//!
//! A session description from the browser is a page of text; nearly all of it is the
//! same for every data-channel connection. Only the ICE credentials, the DTLS
//! fingerprint, the DTLS role and the host candidates (addresses, or the `.local` names
//! browsers show instead) differ, so only those travel (about 130 bytes for two host
//! candidates and one document), and [`Connection::to_sdp`] writes the rest
//! back. The code is base32 (the QR alphanumeric alphabet holds it at 5.5 bits a
//! character, and it survives copying and reading aloud), behind the prefix `THL1`.
//!
//! ```
//! use throughline::store::DocumentId;
//! use throughline::sync::pairing::{Candidate, Connection, Kind, PairingCode, Setup, Shares, WorkspaceTag};
//! let offer = PairingCode {
//!     kind: Kind::Offer,
//!     pairing: [7; 8],
//!     created_at: 1_800_000_000,
//!     device: "Ana's tablet".into(),
//!     workspace: WorkspaceTag::of(&DocumentId::random()),
//!     shares: Shares::Workspace,
//!     joins: None,
//!     connection: Connection {
//!         ufrag: "aB3d".into(),
//!         pwd: "0123456789abcdefghijkl".into(),
//!         fingerprint: [0xAB; 32],
//!         setup: Setup::ActPass,
//!         candidates: vec![Candidate::at("192.168.1.20:51234".parse().unwrap())],
//!     },
//! };
//! let text = offer.encode();
//! assert!(text.starts_with("THL1"));
//! assert_eq!(PairingCode::decode(&text, 1_800_000_060).unwrap(), offer);
//! ```

use std::net::{IpAddr, SocketAddr};

use crate::model::identity::{DeviceKey, DeviceSecret, Purpose, Signature};

/// Where a device can be reached: an address, or (what browsers show by default, to
/// keep the address private) a multicast-DNS name, a random UUID under `.local` that the
/// local network resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    Mdns([u8; 16]),
}

/// A UDP host candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub host: Host,
    pub port: u16,
}

impl Candidate {
    pub fn at(address: SocketAddr) -> Candidate {
        Candidate {
            host: Host::Ip(address.ip()),
            port: address.port(),
        }
    }

    /// The host as the session description writes it.
    fn host_text(&self) -> String {
        match self.host {
            Host::Ip(ip) => ip.to_string(),
            Host::Mdns(uuid) => {
                let hex: String = uuid.iter().map(|b| format!("{b:02x}")).collect();
                format!(
                    "{}-{}-{}-{}-{}.local",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                )
            }
        }
    }

    fn parse_host(text: &str) -> Option<Host> {
        if let Ok(ip) = text.parse() {
            return Some(Host::Ip(ip));
        }
        let name = text.strip_suffix(".local")?;
        let hex: String = name.chars().filter(|c| *c != '-').collect();
        if hex.len() != 32 || name.len() != 36 {
            return None;
        }
        let mut uuid = [0u8; 16];
        for (i, byte) in uuid.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Host::Mdns(uuid))
    }
}

use crate::store::DocumentId;

/// How long an offer or answer may be used after it was made, in seconds.
pub const VALID_FOR_SECONDS: u64 = 10 * 60;
const PREFIX: &str = "THL1";
/// Marks the device key and signature at the end of a signed code.
const SIGNED: u8 = b'S';
/// Marks, after those, an invitation's key and its signature over everything before it.
const INVITED: u8 = b'I';
/// A key and a signature, as they follow either mark.
const KEY_AND_SIGNATURE: usize = 32 + 64;
const VERSION: u8 = 1;
/// Longest device name carried, in bytes.
const MAX_NAME: usize = 60;
/// Most documents one pairing shares by name (a whole workspace goes as
/// [`Shares::Workspace`]; the other side finds its documents by id).
const MAX_DOCUMENTS: usize = 32;
/// The byte that says [`Shares::Workspace`] where a count of documents would be, and
/// the one that says so with the workspace's id following (for a device to join it).
const WHOLE_WORKSPACE: u8 = 0xFE;
const WHOLE_WORKSPACE_NAMED: u8 = 0xFF;
const MAX_CANDIDATES: usize = 8;

/// Offer (shown first) or answer (shown back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Offer,
    Answer,
}

/// The DTLS role, as the session description's `a=setup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    ActPass,
    Active,
    Passive,
}

impl Setup {
    fn word(self) -> &'static str {
        match self {
            Setup::ActPass => "actpass",
            Setup::Active => "active",
            Setup::Passive => "passive",
        }
    }
}

/// What a device needs of the other's session description to connect to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub ufrag: String,
    pub pwd: String,
    /// The SHA-256 fingerprint of the DTLS certificate.
    pub fingerprint: [u8; 32],
    pub setup: Setup,
    /// Host candidates (UDP) where the device can be reached.
    pub candidates: Vec<Candidate>,
}

/// What a pairing shares: never more than the person chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shares {
    /// The workspace document and every plan, review and check-in series it lists.
    Workspace,
    /// These documents only (a plan, a review), by id.
    Documents(Vec<DocumentId>),
}

/// Names a workspace in four bytes (of the SHA-256 of its document id): enough to tell
/// a code from another workspace, and short in a QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceTag(pub [u8; 4]);

impl WorkspaceTag {
    pub fn of(workspace: &DocumentId) -> WorkspaceTag {
        WorkspaceTag(checksum(workspace.as_bytes()))
    }
}

/// One side of a pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingCode {
    pub kind: Kind,
    /// Names this pairing: an answer carries its offer's.
    pub pairing: [u8; 8],
    /// When it was made, in seconds since 1970.
    pub created_at: u64,
    /// The name the device gives itself ("Ana's tablet").
    pub device: String,
    /// The workspace both devices must be in: a code from another workspace is refused.
    pub workspace: WorkspaceTag,
    /// What the pairing shares (the offer's choice; an answer repeats it).
    pub shares: Shares,
    /// The workspace's id, in an offer that shares the whole workspace: a device with no
    /// workspace of its own yet may join it by this code.
    pub joins: Option<DocumentId>,
    pub connection: Connection,
}

/// Why a code was refused. Nothing is kept of a refused code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairingError {
    #[error("this is not a Throughline pairing code")]
    NotAPairingCode,
    #[error("this pairing code comes from a newer version of Throughline")]
    NewerVersion,
    #[error("this pairing code is damaged or incomplete; show it again and rescan")]
    Damaged,
    #[error("this pairing code expired; make a new one on the other device")]
    Expired,
    #[error("this answer belongs to another pairing (or to another device's offer)")]
    Foreign,
    #[error("this code comes from another workspace; join that workspace first, or pair from a device in this one")]
    OtherWorkspace,
    #[error("an answer was expected here, not an offer (or the other way round)")]
    WrongKind,
    #[error("this pairing code's signature does not hold; make a new one on the other device")]
    NotSignedByItsDevice,
    #[error("the session description lacks {0}")]
    Sdp(&'static str),
}

impl PairingCode {
    /// The code as text: `THL1` and base32.
    pub fn encode(&self) -> String {
        finish(self.content())
    }

    /// The code signed by `device`: whoever reads it knows which device key made it,
    /// and since the code carries the DTLS fingerprint of the link, which device is at
    /// the other end of the link (96 bytes more). With `invitation`, an invitation this
    /// device holds and has not accepted yet vouches for it too (97 bytes more): a device
    /// of the workspace then gives it the workspace document to accept the invitation in,
    /// as the relay does, so a new device can join from a device nearby with no relay.
    pub fn encode_signed(
        &self,
        device: &DeviceSecret,
        invitation: Option<&DeviceSecret>,
    ) -> String {
        let mut bytes = self.content();
        let signature = device.sign(Purpose::Link, &bytes);
        bytes.push(SIGNED);
        bytes.extend_from_slice(device.public().as_bytes());
        bytes.extend_from_slice(signature.as_bytes());
        if let Some(invitation) = invitation {
            // Over the code and the device's key and signature: for this device, on this
            // link only.
            let vouched = invitation.sign(Purpose::Link, &bytes);
            bytes.push(INVITED);
            bytes.extend_from_slice(invitation.public().as_bytes());
            bytes.extend_from_slice(vouched.as_bytes());
        }
        finish(bytes)
    }

    /// Reads a code and who signed it, if it is signed (a signature that does not hold
    /// refuses the code).
    pub fn decode_signed(text: &str, now: u64) -> Result<(PairingCode, Signers), PairingError> {
        Self::read(text, now)
    }

    fn content(&self) -> Vec<u8> {
        let mut bytes = vec![VERSION, matches!(self.kind, Kind::Answer) as u8];
        bytes.extend_from_slice(&self.pairing);
        bytes.extend_from_slice(&(self.created_at as u32).to_be_bytes());
        let name: String = truncate(&self.device, MAX_NAME);
        push_bytes(&mut bytes, name.as_bytes());
        bytes.extend_from_slice(&self.workspace.0);
        match (&self.shares, self.joins) {
            (Shares::Workspace, Some(id)) => {
                bytes.push(WHOLE_WORKSPACE_NAMED);
                bytes.extend_from_slice(id.as_bytes());
            }
            (Shares::Workspace, None) => bytes.push(WHOLE_WORKSPACE),
            (Shares::Documents(documents), _) => {
                bytes.push(documents.len().min(MAX_DOCUMENTS) as u8);
                for document in documents.iter().take(MAX_DOCUMENTS) {
                    bytes.extend_from_slice(document.as_bytes());
                }
            }
        }
        let c = &self.connection;
        push_bytes(&mut bytes, c.ufrag.as_bytes());
        push_bytes(&mut bytes, c.pwd.as_bytes());
        bytes.extend_from_slice(&c.fingerprint);
        bytes.push(match c.setup {
            Setup::ActPass => 0,
            Setup::Active => 1,
            Setup::Passive => 2,
        });
        bytes.push(c.candidates.len().min(MAX_CANDIDATES) as u8);
        for candidate in c.candidates.iter().take(MAX_CANDIDATES) {
            match candidate.host {
                Host::Ip(IpAddr::V4(ip)) => {
                    bytes.push(4);
                    bytes.extend_from_slice(&ip.octets());
                }
                Host::Ip(IpAddr::V6(ip)) => {
                    bytes.push(6);
                    bytes.extend_from_slice(&ip.octets());
                }
                Host::Mdns(uuid) => {
                    bytes.push(b'm');
                    bytes.extend_from_slice(&uuid);
                }
            }
            bytes.extend_from_slice(&candidate.port.to_be_bytes());
        }
        bytes
    }

    /// Reads a code (spaces, dashes and case ignored), refusing one that is expired at
    /// `now` (seconds since 1970), or signed with a signature that does not hold.
    pub fn decode(text: &str, now: u64) -> Result<PairingCode, PairingError> {
        Self::read(text, now).map(|(code, _)| code)
    }

    fn read(text: &str, now: u64) -> Result<(PairingCode, Signers), PairingError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let body =
            cleaned
                .strip_prefix(PREFIX)
                .ok_or_else(|| match cleaned.strip_prefix("THL") {
                    Some(_) => PairingError::NewerVersion,
                    None => PairingError::NotAPairingCode,
                })?;
        let bytes = unbase32(body).ok_or(PairingError::Damaged)?;
        if bytes.len() < 4 {
            return Err(PairingError::Damaged);
        }
        let (content, check) = bytes.split_at(bytes.len() - 4);
        if checksum(content) != check {
            return Err(PairingError::Damaged);
        }
        let mut r = Reader(content);
        if r.byte()? != VERSION {
            return Err(PairingError::NewerVersion);
        }
        let kind = match r.byte()? {
            0 => Kind::Offer,
            1 => Kind::Answer,
            _ => return Err(PairingError::Damaged),
        };
        let pairing: [u8; 8] = r.array()?;
        let created_at = u64::from(u32::from_be_bytes(r.array()?));
        let device = r.text()?;
        let workspace = WorkspaceTag(r.array()?);
        let mut joins = None;
        let shares = match r.byte()? {
            WHOLE_WORKSPACE => Shares::Workspace,
            WHOLE_WORKSPACE_NAMED => {
                let id = DocumentId::from_bytes(r.array()?);
                if WorkspaceTag::of(&id) != workspace {
                    return Err(PairingError::Damaged);
                }
                joins = Some(id);
                Shares::Workspace
            }
            count if usize::from(count) > MAX_DOCUMENTS => return Err(PairingError::Damaged),
            count => {
                let mut documents = Vec::with_capacity(usize::from(count));
                for _ in 0..count {
                    documents.push(DocumentId::from_bytes(r.array()?));
                }
                Shares::Documents(documents)
            }
        };
        let ufrag = r.text()?;
        let pwd = r.text()?;
        let fingerprint: [u8; 32] = r.array()?;
        let setup = match r.byte()? {
            0 => Setup::ActPass,
            1 => Setup::Active,
            2 => Setup::Passive,
            _ => return Err(PairingError::Damaged),
        };
        let count = r.byte()? as usize;
        let mut candidates = Vec::with_capacity(count);
        for _ in 0..count {
            let host = match r.byte()? {
                4 => Host::Ip(IpAddr::from(r.array::<4>()?)),
                6 => Host::Ip(IpAddr::from(r.array::<16>()?)),
                b'm' => Host::Mdns(r.array()?),
                _ => return Err(PairingError::Damaged),
            };
            let port = u16::from_be_bytes(r.array()?);
            candidates.push(Candidate { host, port });
        }
        let signed_part = &content[..content.len() - r.0.len()];
        let signers = match r.0 {
            [] => Signers::default(),
            [SIGNED, rest @ ..] if rest.len() >= KEY_AND_SIGNATURE => {
                let (device, after) = rest.split_at(KEY_AND_SIGNATURE);
                let device = signed_by(device, signed_part)?;
                let invitation = match after {
                    [] => None,
                    [INVITED, vouch @ ..] if vouch.len() == KEY_AND_SIGNATURE => {
                        let vouched_part = &content[..signed_part.len() + 1 + KEY_AND_SIGNATURE];
                        Some(signed_by(vouch, vouched_part)?)
                    }
                    _ => return Err(PairingError::Damaged),
                };
                Signers {
                    device: Some(device),
                    invitation,
                }
            }
            _ => return Err(PairingError::Damaged),
        };
        // A code made in the future (a clock set wrong) is accepted within the window.
        if now.abs_diff(created_at) > VALID_FOR_SECONDS {
            return Err(PairingError::Expired);
        }
        Ok((
            PairingCode {
                kind,
                pairing,
                created_at,
                device,
                workspace,
                shares,
                joins,
                connection: Connection {
                    ufrag,
                    pwd,
                    fingerprint,
                    setup,
                    candidates,
                },
            },
            signers,
        ))
    }

    /// Checks that `self` is the answer to `offer`.
    pub fn check_answers(&self, offer: &PairingCode) -> Result<(), PairingError> {
        if self.kind != Kind::Answer || offer.kind != Kind::Offer {
            return Err(PairingError::WrongKind);
        }
        if self.pairing != offer.pairing || self.workspace != offer.workspace {
            return Err(PairingError::Foreign);
        }
        Ok(())
    }

    /// Checks that `self` is an offer this device, in `workspace`, can answer.
    pub fn check_offer_for(&self, workspace: &DocumentId) -> Result<(), PairingError> {
        if self.kind != Kind::Offer {
            return Err(PairingError::WrongKind);
        }
        if self.workspace != WorkspaceTag::of(workspace) {
            return Err(PairingError::OtherWorkspace);
        }
        Ok(())
    }
}

/// Who signed a code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signers {
    /// The device that made it.
    pub device: Option<DeviceKey>,
    /// An invitation that device holds and has not accepted yet (its one-time key),
    /// vouching for it.
    pub invitation: Option<DeviceKey>,
}

/// The key in `key_and_signature` (a key, then its signature), if the signature is its
/// over `signed`.
fn signed_by(key_and_signature: &[u8], signed: &[u8]) -> Result<DeviceKey, PairingError> {
    let (key, signature) = key_and_signature.split_at(32);
    let key: [u8; 32] = key.try_into().map_err(|_| PairingError::Damaged)?;
    let key = DeviceKey::from_bytes(key).map_err(|_| PairingError::Damaged)?;
    let signature: [u8; 64] = signature.try_into().map_err(|_| PairingError::Damaged)?;
    if !key.verifies(Purpose::Link, signed, &Signature::from_bytes(signature)) {
        return Err(PairingError::NotSignedByItsDevice);
    }
    Ok(key)
}

/// Adds the checksum and writes the code as text.
fn finish(mut bytes: Vec<u8>) -> String {
    let check = checksum(&bytes);
    bytes.extend_from_slice(&check);
    format!("{PREFIX}{}", base32(&bytes))
}

impl Connection {
    /// Reads what travels from a session description made by the browser: the ICE
    /// credentials, the SHA-256 fingerprint, the DTLS role and the UDP host candidates
    /// (others are left out: on one network the host candidates are what connects).
    pub fn from_sdp(sdp: &str) -> Result<Connection, PairingError> {
        let attribute = |name: &str| {
            sdp.lines()
                .find_map(|line| line.trim().strip_prefix(&format!("a={name}:")))
                .map(str::trim)
        };
        let ufrag = attribute("ice-ufrag").ok_or(PairingError::Sdp("an ICE ufrag"))?;
        let pwd = attribute("ice-pwd").ok_or(PairingError::Sdp("an ICE password"))?;
        let fingerprint = attribute("fingerprint")
            .and_then(|f| f.strip_prefix("sha-256 "))
            .and_then(parse_fingerprint)
            .ok_or(PairingError::Sdp("a SHA-256 fingerprint"))?;
        let setup = match attribute("setup") {
            Some("actpass") => Setup::ActPass,
            Some("active") => Setup::Active,
            Some("passive") => Setup::Passive,
            _ => return Err(PairingError::Sdp("a DTLS role")),
        };
        let candidates = sdp
            .lines()
            .filter_map(|line| line.trim().strip_prefix("a=candidate:"))
            .filter_map(host_candidate)
            .take(MAX_CANDIDATES)
            .collect();
        Ok(Connection {
            ufrag: ufrag.to_owned(),
            pwd: pwd.to_owned(),
            fingerprint,
            setup,
            candidates,
        })
    }

    /// A session description for one data channel that the browser accepts as the
    /// other side's, written from what travelled.
    pub fn to_sdp(&self, session: u64) -> String {
        let fingerprint: Vec<String> = self
            .fingerprint
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let mut sdp = format!(
            "v=0\r\no=- {session} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
             a=msid-semantic: WMS\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
             c=IN IP4 0.0.0.0\r\n"
        );
        for (index, candidate) in self.candidates.iter().enumerate() {
            sdp.push_str(&format!(
                "a=candidate:{} 1 udp {} {} {} typ host generation 0\r\n",
                index + 1,
                2_122_260_223u32.saturating_sub(index as u32),
                candidate.host_text(),
                candidate.port
            ));
        }
        sdp.push_str(&format!(
            "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\na=ice-options:trickle\r\n\
             a=fingerprint:sha-256 {}\r\na=setup:{}\r\na=mid:0\r\na=sctp-port:5000\r\n\
             a=max-message-size:262144\r\n",
            self.ufrag,
            self.pwd,
            fingerprint.join(":"),
            self.setup.word()
        ));
        sdp
    }
}

/// `<foundation> <component> udp <priority> <host> <port> typ host …` → the candidate.
fn host_candidate(line: &str) -> Option<Candidate> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    match fields.as_slice() {
        [_, "1", protocol, _, host, port, "typ", "host", ..]
            if protocol.eq_ignore_ascii_case("udp") =>
        {
            Some(Candidate {
                host: Candidate::parse_host(host)?,
                port: port.parse().ok()?,
            })
        }
        _ => None,
    }
}

fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let bytes: Vec<u8> = text
        .split(':')
        .map(|b| u8::from_str_radix(b, 16).ok())
        .collect::<Option<_>>()?;
    bytes.try_into().ok()
}

fn truncate(text: &str, max_bytes: usize) -> String {
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(255)];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// The first four bytes of the SHA-256 of `bytes`: catches a misread code.
fn checksum(bytes: &[u8]) -> [u8; 4] {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    [hash[0], hash[1], hash[2], hash[3]]
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, PairingError> {
        let (first, rest) = self.0.split_first().ok_or(PairingError::Damaged)?;
        self.0 = rest;
        Ok(*first)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], PairingError> {
        if self.0.len() < N {
            return Err(PairingError::Damaged);
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().map_err(|_| PairingError::Damaged)
    }

    fn text(&mut self) -> Result<String, PairingError> {
        let length = self.byte()? as usize;
        if self.0.len() < length {
            return Err(PairingError::Damaged);
        }
        let (head, rest) = self.0.split_at(length);
        self.0 = rest;
        String::from_utf8(head.to_vec()).map_err(|_| PairingError::Damaged)
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, without padding.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{base32, unbase32};

    #[test]
    fn base32_round_trips_every_length() {
        for length in 0..40u8 {
            let bytes: Vec<u8> = (0..length).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(unbase32(&base32(&bytes)).unwrap(), bytes);
        }
        assert!(unbase32("not base32!").is_none());
    }
}
