//! Engine layer: the ZMTP 3.x greeting and NULL-mechanism READY exchange (RFC 37, RFC 23 NULL).
//! Invariant: a peer can make us buffer at most `MAX_HANDSHAKE_BYTES` before it is READY.

use super::codec::{self, Decoder, ProtocolError, GREETING_LEN};
use super::kind::SocketType;
use bytes::{Bytes, BytesMut};
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Most bytes an unauthenticated peer may send before its READY completes.
const MAX_HANDSHAKE_BYTES: usize = 64 * 1024;

/// What a successful handshake tells us about the peer.
#[derive(Debug, Clone)]
pub struct PeerInfo {
    /// The peer's socket type.
    pub socket_type: SocketType,
    /// The peer's Identity property (empty when not sent).
    pub identity: Bytes,
    /// ZMTP minor version the peer announced (0 or 1).
    pub minor: u8,
}

/// A handshake failure: the transport broke, or the peer broke the protocol.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// I/O error or end of stream.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Protocol violation or incompatibility.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
}

/// Runs the handshake as `ours`, announcing `identity` (when not empty) as the READY `Identity`.
/// Returns the peer's info and the bytes already read past READY.
pub async fn handshake<R, W>(
    reader: &mut R,
    writer: &mut W,
    ours: SocketType,
    as_server: bool,
    identity: &[u8],
) -> Result<(PeerInfo, BytesMut), HandshakeError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    writer.write_all(&codec::greeting(as_server)).await?;
    let mut greeting = [0u8; GREETING_LEN];
    // Check the signature before waiting for the rest, so a non-ZMTP peer is dropped at once.
    reader.read_exact(&mut greeting[..10]).await?;
    codec::check_signature(&greeting[..10])?;
    reader.read_exact(&mut greeting[10..]).await?;
    let minor = codec::check_greeting(&greeting)?;

    let name = ours.info().name.as_bytes();
    let props = if identity.is_empty() {
        codec::encode_properties(&[("Socket-Type", name)])
    } else {
        codec::encode_properties(&[("Socket-Type", name), ("Identity", identity)])
    };
    let mut out = BytesMut::new();
    codec::encode_command(&mut out, "READY", &props);
    writer.write_all(&out).await?;

    let mut buf = BytesMut::with_capacity(512);
    let mut decoder = Decoder::new(None);
    let frame = loop {
        if let Some(frame) = decoder.decode(&mut buf)? {
            break frame;
        }
        if buf.len() >= MAX_HANDSHAKE_BYTES {
            return Err(ProtocolError::BadCommand("READY").into());
        }
        buf.reserve(512);
        if reader.read_buf(&mut buf).await? == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
        }
    };
    if !frame.command {
        return Err(ProtocolError::ExpectedReady("a message".into()).into());
    }
    let command = codec::parse_command(&frame.body)?;
    match command.name.as_str() {
        "READY" => {}
        "ERROR" => {
            let reason = command.data.get(1..).unwrap_or_default();
            return Err(
                ProtocolError::PeerError(String::from_utf8_lossy(reason).into_owned()).into(),
            );
        }
        other => return Err(ProtocolError::ExpectedReady(other.to_owned()).into()),
    }
    let mut peer_type = None;
    let mut identity = Bytes::new();
    for (key, value) in codec::parse_properties(&command.data)? {
        if key.eq_ignore_ascii_case("Socket-Type") {
            peer_type = Some(SocketType::from_wire(&value).ok_or_else(|| {
                ProtocolError::Incompatible(String::from_utf8_lossy(&value).into_owned())
            })?);
        } else if key.eq_ignore_ascii_case("Identity") {
            identity = value;
        }
    }
    let socket_type = peer_type.ok_or(ProtocolError::BadCommand("READY"))?;
    if !ours.accepts(socket_type) {
        return Err(ProtocolError::Incompatible(socket_type.info().name.to_owned()).into());
    }
    Ok((
        PeerInfo {
            socket_type,
            identity,
            minor,
        },
        buf,
    ))
}

#[cfg(test)]
#[path = "handshake_tests.rs"]
mod tests;
