//! The automerge-repo v1 wire messages and their CBOR form: one CBOR map per message,
//! string keys, byte strings as plain `bstr`. Decoding is lenient where JavaScript peers
//! differ (numbers as floats, `metadata` for `peerMetadata`, unknown keys) and strict
//! where it matters (a missing field or a wrong type is an error, never a guess).

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use super::PeerId;

/// What a peer says about itself in the handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerMetadata {
    /// Present when the peer stores documents (then sync states are worth keeping).
    pub storage_id: Option<String>,
    /// A peer that keeps nothing (a browser tab without storage).
    pub is_ephemeral: bool,
}

/// One message of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Join {
        sender_id: PeerId,
        metadata: PeerMetadata,
        supported_protocol_versions: Vec<String>,
    },
    Peer {
        sender_id: PeerId,
        target_id: PeerId,
        metadata: PeerMetadata,
        selected_protocol_version: String,
    },
    /// The first sync message for a document the sender does not have.
    Request {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: String,
        data: Vec<u8>,
    },
    Sync {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: String,
        data: Vec<u8>,
    },
    DocUnavailable {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: String,
    },
    /// Not stored; relayed to others who have the document (presence, pairing).
    Ephemeral {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: String,
        count: u64,
        session_id: String,
        data: Vec<u8>,
    },
    Error {
        message: String,
    },
    /// Heads gossip (`remote-subscription-change`, `remote-heads-changed`): understood to
    /// exist, deliberately not acted on.
    Other {
        kind: String,
    },
}

/// Why bytes are not a message. The connection that sent them is closed; nothing else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message is not valid CBOR: {0}")]
    NotCbor(String),
    #[error("the message is not a CBOR map")]
    NotAMap,
    #[error("the message has no \"type\"")]
    NoType,
    #[error("a {kind} message lacks \"{field}\"")]
    Missing { kind: String, field: &'static str },
    #[error("\"{0}\" has the wrong type")]
    WrongType(String),
    #[error("\"{0}\" is not a message type of protocol version 1")]
    UnknownType(String),
}

impl Message {
    /// The message type as it is written on the wire.
    pub fn kind(&self) -> &str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::Error { .. } => "error",
            Message::Other { kind } => kind,
        }
    }

    /// The message as CBOR.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = Encoder::new(&mut out);
        // Writing into a Vec cannot fail.
        let _ = self.encode_into(&mut e);
        out
    }

    fn encode_into(
        &self,
        e: &mut Encoder<&mut Vec<u8>>,
    ) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
        match self {
            Message::Join {
                sender_id,
                metadata,
                supported_protocol_versions,
            } => {
                e.map(4)?
                    .str("type")?
                    .str("join")?
                    .str("senderId")?
                    .str(sender_id.as_str())?;
                e.str("peerMetadata")?;
                encode_metadata(e, metadata)?;
                e.str("supportedProtocolVersions")?
                    .array(supported_protocol_versions.len() as u64)?;
                for version in supported_protocol_versions {
                    e.str(version)?;
                }
            }
            Message::Peer {
                sender_id,
                target_id,
                metadata,
                selected_protocol_version,
            } => {
                e.map(5)?
                    .str("type")?
                    .str("peer")?
                    .str("senderId")?
                    .str(sender_id.as_str())?;
                e.str("targetId")?
                    .str(target_id.as_str())?
                    .str("peerMetadata")?;
                encode_metadata(e, metadata)?;
                e.str("selectedProtocolVersion")?
                    .str(selected_protocol_version)?;
            }
            Message::Request {
                sender_id,
                target_id,
                document_id,
                data,
            }
            | Message::Sync {
                sender_id,
                target_id,
                document_id,
                data,
            } => {
                addressed(e, 5, self.kind(), sender_id, target_id, document_id)?;
                e.str("data")?.bytes(data)?;
            }
            Message::DocUnavailable {
                sender_id,
                target_id,
                document_id,
            } => {
                addressed(e, 4, "doc-unavailable", sender_id, target_id, document_id)?;
            }
            Message::Ephemeral {
                sender_id,
                target_id,
                document_id,
                count,
                session_id,
                data,
            } => {
                addressed(e, 7, "ephemeral", sender_id, target_id, document_id)?;
                e.str("count")?
                    .u64(*count)?
                    .str("sessionId")?
                    .str(session_id)?;
                e.str("data")?.bytes(data)?;
            }
            Message::Error { message } => {
                e.map(2)?
                    .str("type")?
                    .str("error")?
                    .str("message")?
                    .str(message)?;
            }
            Message::Other { kind } => {
                e.map(1)?.str("type")?.str(kind)?;
            }
        }
        Ok(())
    }

    /// Reads one message.
    pub fn decode(bytes: &[u8]) -> Result<Message, MessageError> {
        let fields = Fields::read(bytes)?;
        let kind = fields.kind.clone().ok_or(MessageError::NoType)?;
        let need = |value: Option<String>, field: &'static str| {
            value.ok_or_else(|| MessageError::Missing {
                kind: kind.clone(),
                field,
            })
        };
        let need_bytes = |value: Option<Vec<u8>>, field: &'static str| {
            value.ok_or_else(|| MessageError::Missing {
                kind: kind.clone(),
                field,
            })
        };
        Ok(match kind.as_str() {
            "join" => Message::Join {
                sender_id: need(fields.sender_id, "senderId")?.into(),
                metadata: fields.metadata.unwrap_or_default(),
                supported_protocol_versions: fields.supported_versions.unwrap_or_default(),
            },
            "peer" => Message::Peer {
                sender_id: need(fields.sender_id, "senderId")?.into(),
                target_id: need(fields.target_id, "targetId")?.into(),
                metadata: fields.metadata.unwrap_or_default(),
                selected_protocol_version: need(
                    fields.selected_version,
                    "selectedProtocolVersion",
                )?,
            },
            "request" | "sync" => {
                let sender_id = PeerId::from(need(fields.sender_id, "senderId")?);
                let target_id = PeerId::from(need(fields.target_id, "targetId")?);
                let document_id = need(fields.document_id, "documentId")?;
                let data = need_bytes(fields.data, "data")?;
                if kind == "request" {
                    Message::Request {
                        sender_id,
                        target_id,
                        document_id,
                        data,
                    }
                } else {
                    Message::Sync {
                        sender_id,
                        target_id,
                        document_id,
                        data,
                    }
                }
            }
            "doc-unavailable" => Message::DocUnavailable {
                sender_id: need(fields.sender_id, "senderId")?.into(),
                target_id: need(fields.target_id, "targetId")?.into(),
                document_id: need(fields.document_id, "documentId")?,
            },
            "ephemeral" => Message::Ephemeral {
                sender_id: need(fields.sender_id, "senderId")?.into(),
                target_id: need(fields.target_id, "targetId")?.into(),
                document_id: need(fields.document_id, "documentId")?,
                count: fields.count.ok_or_else(|| MessageError::Missing {
                    kind: kind.clone(),
                    field: "count",
                })?,
                session_id: need(fields.session_id, "sessionId")?,
                data: need_bytes(fields.data, "data")?,
            },
            "error" => Message::Error {
                message: fields.message.unwrap_or_default(),
            },
            // The heads gossip JavaScript peers send: known, not acted on.
            "remote-subscription-change" | "remote-heads-changed" => Message::Other { kind },
            _ => return Err(MessageError::UnknownType(kind)),
        })
    }
}

/// Starts a map of `entries` with the fields every message about a document has: its
/// type, sender, target and document.
fn addressed(
    e: &mut Encoder<&mut Vec<u8>>,
    entries: u64,
    kind: &str,
    sender_id: &PeerId,
    target_id: &PeerId,
    document_id: &str,
) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
    e.map(entries)?
        .str("type")?
        .str(kind)?
        .str("senderId")?
        .str(sender_id.as_str())?
        .str("targetId")?
        .str(target_id.as_str())?
        .str("documentId")?
        .str(document_id)?;
    Ok(())
}

fn encode_metadata(
    e: &mut Encoder<&mut Vec<u8>>,
    metadata: &PeerMetadata,
) -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
    match &metadata.storage_id {
        Some(storage_id) => {
            e.map(2)?.str("storageId")?.str(storage_id)?;
        }
        None => {
            e.map(1)?;
        }
    }
    e.str("isEphemeral")?.bool(metadata.is_ephemeral)?;
    Ok(())
}

/// The fields a message may have, read in any order.
#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender_id: Option<String>,
    target_id: Option<String>,
    document_id: Option<String>,
    data: Option<Vec<u8>>,
    count: Option<u64>,
    session_id: Option<String>,
    message: Option<String>,
    metadata: Option<PeerMetadata>,
    supported_versions: Option<Vec<String>>,
    selected_version: Option<String>,
}

fn cbor(error: minicbor::decode::Error) -> MessageError {
    MessageError::NotCbor(error.to_string())
}

impl Fields {
    fn read(bytes: &[u8]) -> Result<Fields, MessageError> {
        let mut d = Decoder::new(bytes);
        if d.datatype().map_err(cbor)? != Type::Map {
            return Err(MessageError::NotAMap);
        }
        let mut fields = Fields::default();
        let entries = d.map().map_err(cbor)?;
        let mut seen = 0u64;
        loop {
            match entries {
                Some(n) if seen == n => break,
                None if d.datatype().map_err(cbor)? == Type::Break => {
                    d.skip().map_err(cbor)?;
                    break;
                }
                _ => {}
            }
            seen += 1;
            let key = text(&mut d, "key")?;
            match key.as_str() {
                "type" => fields.kind = Some(text(&mut d, "type")?),
                "senderId" => fields.sender_id = Some(text(&mut d, "senderId")?),
                "targetId" => fields.target_id = Some(text(&mut d, "targetId")?),
                "documentId" => fields.document_id = Some(text(&mut d, "documentId")?),
                "sessionId" => fields.session_id = Some(text(&mut d, "sessionId")?),
                "message" => fields.message = Some(text(&mut d, "message")?),
                "selectedProtocolVersion" => fields.selected_version = Some(text(&mut d, &key)?),
                "data" => {
                    fields.data = Some(
                        d.bytes()
                            .map_err(|_| MessageError::WrongType(key.clone()))?
                            .to_vec(),
                    )
                }
                "count" => fields.count = Some(number(&mut d, &key)?),
                "peerMetadata" | "metadata" => fields.metadata = Some(metadata(&mut d)?),
                "supportedProtocolVersions" => {
                    let n = d
                        .array()
                        .map_err(|_| MessageError::WrongType(key.clone()))?;
                    let n = n.ok_or_else(|| MessageError::WrongType(key.clone()))?;
                    let mut versions = Vec::new();
                    for _ in 0..n {
                        versions.push(text(&mut d, &key)?);
                    }
                    fields.supported_versions = Some(versions);
                }
                _ => d.skip().map_err(cbor)?,
            }
        }
        if d.position() != bytes.len() {
            return Err(MessageError::NotCbor(
                "trailing bytes after the message".into(),
            ));
        }
        Ok(fields)
    }
}

fn text(d: &mut Decoder<'_>, field: &str) -> Result<String, MessageError> {
    d.str()
        .map(str::to_owned)
        .map_err(|_| MessageError::WrongType(field.to_owned()))
}

/// A count: an unsigned integer, or a float holding one (as JavaScript peers may send).
fn number(d: &mut Decoder<'_>, field: &str) -> Result<u64, MessageError> {
    let wrong = || MessageError::WrongType(field.to_owned());
    match d.datatype().map_err(cbor)? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => d.u64().map_err(|_| wrong()),
        Type::F32 => {
            let value = f64::from(d.f32().map_err(|_| wrong())?);
            whole(value).ok_or_else(wrong)
        }
        Type::F64 => whole(d.f64().map_err(|_| wrong())?).ok_or_else(wrong),
        _ => Err(wrong()),
    }
}

fn whole(value: f64) -> Option<u64> {
    (value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= u64::MAX as f64)
        .then_some(value as u64)
}

fn metadata(d: &mut Decoder<'_>) -> Result<PeerMetadata, MessageError> {
    let wrong = || MessageError::WrongType("peerMetadata".into());
    let n = d.map().map_err(|_| wrong())?.ok_or_else(wrong)?;
    let mut metadata = PeerMetadata::default();
    for _ in 0..n {
        let key = text(d, "peerMetadata")?;
        match key.as_str() {
            "storageId" => metadata.storage_id = Some(text(d, "storageId")?),
            "isEphemeral" => metadata.is_ephemeral = d.bool().map_err(|_| wrong())?,
            _ => d.skip().map_err(cbor)?,
        }
    }
    Ok(metadata)
}
