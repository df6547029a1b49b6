//! Engine layer: the ZMTP 3.x handshake (RFC 37): the greeting, then the security mechanism's
//! commands (NULL here; PLAIN and CURVE in `mechanisms.rs`), ending with the peer's metadata.
//! Invariant: a peer can make us buffer at most `MAX_HANDSHAKE_BYTES` before its handshake
//! completes, and nothing it sends before then reaches the socket.

use super::codec::{self, Decoder, ProtocolError, GREETING_LEN};
use super::curve::{CurveReceiver, CurveSender};
use super::kind::SocketType;
use super::security::{Mechanism, Security};
use super::zap::{Authenticator, ZapRequest, ZapVerdict};
use bytes::{Bytes, BytesMut};
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Most bytes an unauthenticated peer may send before its READY completes.
pub(crate) const MAX_HANDSHAKE_BYTES: usize = 64 * 1024;

/// What a successful handshake tells us about the peer.
#[derive(Debug, Clone)]
pub struct PeerInfo {
    /// The peer's socket type.
    pub socket_type: SocketType,
    /// The peer's Identity property (empty when not sent).
    pub identity: Bytes,
    /// ZMTP minor version the peer announced (0 or 1).
    pub minor: u8,
    /// The user id a ZAP handler gave the peer (empty without ZAP).
    pub user_id: Bytes,
}

/// A handshake failure.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// I/O error or end of stream.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Protocol violation or incompatibility.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
    /// Authentication refused with a ZAP status code (300, 400 or 500): by our ZAP handler, or
    /// by the peer's (its ERROR command carried the code).
    #[error("authentication failed with status {0}")]
    Auth(u16),
    /// Our ZAP handler's reply broke RFC 27 (zeromq.js's `ERR_ZAP_*` code).
    #[error("ZAP protocol error {0}")]
    Zap(&'static str),
    /// A PLAIN server has no ZAP handler to check credentials with (libzmq refuses these too).
    #[error("no ZAP handler to authenticate a PLAIN client")]
    NoZapHandler,
}

/// Everything one side brings to a handshake.
pub struct Handshake<'a> {
    /// Our socket type.
    pub ours: SocketType,
    /// The routing id we announce (empty: none).
    pub identity: &'a [u8],
    /// Our mechanism, role and keys or credentials.
    pub security: &'a Security,
    /// Asks the ZAP handler (servers of PLAIN and CURVE; NULL with a ZAP domain).
    pub zap: Option<&'a dyn Authenticator>,
    /// The peer's address for ZAP requests (an IP, or empty).
    pub peer_address: String,
}

/// A completed handshake.
pub struct Handshaken {
    /// The peer.
    pub peer: PeerInfo,
    /// Bytes read past the handshake (still encrypted under CURVE).
    pub leftover: BytesMut,
    /// CURVE's session: every frame from here on is boxed.
    pub cipher: Option<(CurveSender, CurveReceiver)>,
}

/// Runs a NULL handshake as `ours`, announcing `identity` (when not empty) as the READY
/// `Identity`. Returns the peer's info and the bytes already read past READY.
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
    let mut security = Security::default();
    security.as_server = as_server;
    let hs = Handshake {
        ours,
        identity,
        security: &security,
        zap: None,
        peer_address: String::new(),
    };
    let done = secure_handshake(reader, writer, &hs).await?;
    Ok((done.peer, done.leftover))
}

/// Runs the handshake `hs` describes: greeting, mechanism, metadata.
pub async fn secure_handshake<R, W>(
    reader: &mut R,
    writer: &mut W,
    hs: &Handshake<'_>,
) -> Result<Handshaken, HandshakeError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mechanism = hs.security.mechanism;
    writer
        .write_all(&codec::greeting(
            hs.security.as_server,
            mechanism.wire_name(),
        ))
        .await?;
    let mut greeting = [0u8; GREETING_LEN];
    // Check the signature before waiting for the rest, so a non-ZMTP peer is dropped at once.
    reader.read_exact(&mut greeting[..10]).await?;
    codec::check_signature(&greeting[..10])?;
    reader.read_exact(&mut greeting[10..]).await?;
    let minor = codec::check_greeting(&greeting, mechanism.wire_name())?;
    let mut io = CommandIo {
        reader,
        writer,
        buf: BytesMut::with_capacity(512),
    };
    let (metadata, user_id, cipher) = match mechanism {
        Mechanism::Null => (null(&mut io, hs).await?, Bytes::new(), None),
        Mechanism::Plain => {
            let (metadata, user_id) = super::mechanisms::plain(&mut io, hs).await?;
            (metadata, user_id, None)
        }
        Mechanism::Curve => {
            let (metadata, user_id, halves) = super::mechanisms::curve(&mut io, hs).await?;
            (metadata, user_id, Some(halves))
        }
    };
    let (socket_type, identity) = check_metadata(hs.ours, &metadata)?;
    Ok(Handshaken {
        peer: PeerInfo {
            socket_type,
            identity,
            minor,
            user_id,
        },
        leftover: io.buf,
        cipher,
    })
}

/// Our metadata: `Socket-Type`, and `Identity` when we have one.
pub(crate) fn our_metadata(hs: &Handshake<'_>) -> Vec<u8> {
    let name = hs.ours.info().name.as_bytes();
    if hs.identity.is_empty() {
        codec::encode_properties(&[("Socket-Type", name)])
    } else {
        codec::encode_properties(&[("Socket-Type", name), ("Identity", hs.identity)])
    }
}

/// NULL: each side sends READY with its metadata (after asking ZAP, when a domain is set).
async fn null<R, W>(
    io: &mut CommandIo<'_, R, W>,
    hs: &Handshake<'_>,
) -> Result<Bytes, HandshakeError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    if !hs.security.zap_domain.is_empty() {
        if let Some(zap) = hs.zap {
            match zap.ask(zap_request(hs, "NULL", Vec::new())).await {
                ZapVerdict::Allow { .. } | ZapVerdict::NoHandler => {}
                verdict => return Err(io.refuse(verdict).await),
            }
        }
    }
    io.send("READY", &our_metadata(hs)).await?;
    io.expect_command("READY").await
}

/// A ZAP request for this handshake.
pub(crate) fn zap_request(
    hs: &Handshake<'_>,
    mechanism: &'static str,
    credentials: Vec<Bytes>,
) -> ZapRequest {
    ZapRequest {
        domain: hs.security.zap_domain.clone(),
        address: hs.peer_address.clone(),
        identity: Bytes::copy_from_slice(hs.identity),
        mechanism,
        credentials,
    }
}

/// The peer's socket type and identity from its metadata; refuses a type we cannot talk to.
fn check_metadata(ours: SocketType, metadata: &[u8]) -> Result<(SocketType, Bytes), ProtocolError> {
    let mut peer_type = None;
    let mut identity = Bytes::new();
    for (key, value) in codec::parse_properties(metadata)? {
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
        return Err(ProtocolError::Incompatible(
            socket_type.info().name.to_owned(),
        ));
    }
    Ok((socket_type, identity))
}

/// Handshake commands over the connection, before any message flows.
pub(crate) struct CommandIo<'a, R, W> {
    reader: &'a mut R,
    writer: &'a mut W,
    /// Bytes read and not yet decoded; what follows the handshake stays here.
    pub(crate) buf: BytesMut,
}

impl<R, W> CommandIo<'_, R, W>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    /// Sends command `name` with `data`.
    pub(crate) async fn send(&mut self, name: &str, data: &[u8]) -> io::Result<()> {
        let mut out = BytesMut::new();
        codec::encode_command(&mut out, name, data);
        self.writer.write_all(&out).await
    }

    /// The next command: (name, data). An ERROR from the peer ends the handshake: a three-digit
    /// reason is a ZAP status (authentication refused), anything else a protocol error.
    pub(crate) async fn recv(&mut self) -> Result<(String, Bytes), HandshakeError> {
        let mut decoder = Decoder::new(None);
        let frame = loop {
            if let Some(frame) = decoder.decode(&mut self.buf)? {
                break frame;
            }
            if self.buf.len() >= MAX_HANDSHAKE_BYTES {
                return Err(ProtocolError::BadCommand("READY").into());
            }
            self.buf.reserve(512);
            if self.reader.read_buf(&mut self.buf).await? == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
            }
        };
        if !frame.command {
            return Err(ProtocolError::ExpectedReady("a message".into()).into());
        }
        let command = codec::parse_command(&frame.body)?;
        if command.name == "ERROR" {
            let reason = command.data.get(1..).unwrap_or_default();
            if let Some(status) = zap_status(reason) {
                return Err(HandshakeError::Auth(status));
            }
            return Err(
                ProtocolError::PeerError(String::from_utf8_lossy(reason).into_owned()).into(),
            );
        }
        Ok((command.name, command.data))
    }

    /// The next command, which must be `name`: its data.
    pub(crate) async fn expect_command(
        &mut self,
        name: &'static str,
    ) -> Result<Bytes, HandshakeError> {
        let (got, data) = self.recv().await?;
        if got != name {
            return Err(if name == "READY" {
                ProtocolError::ExpectedReady(got)
            } else {
                ProtocolError::BadCommand(name)
            }
            .into());
        }
        Ok(data)
    }

    /// Ends a handshake ZAP did not allow: the peer gets an ERROR with the status code (so it
    /// reports the refusal too); returns the error to report here.
    pub(crate) async fn refuse(&mut self, verdict: ZapVerdict) -> HandshakeError {
        let error = match verdict {
            ZapVerdict::Deny { status } => HandshakeError::Auth(status),
            ZapVerdict::Malformed(code) => HandshakeError::Zap(code),
            ZapVerdict::NoHandler => HandshakeError::NoZapHandler,
            ZapVerdict::Allow { .. } => return HandshakeError::Zap("ERR_ZAP_UNSPECIFIED"),
        };
        if let HandshakeError::Auth(status) = error {
            let text = status.to_string();
            let mut data = vec![text.len() as u8];
            data.extend_from_slice(text.as_bytes());
            let _ = self.send("ERROR", &data).await;
            let _ = self.writer.flush().await;
        }
        error
    }
}

/// A ZAP status code given as an ERROR reason ("300", "400", "500").
fn zap_status(reason: &[u8]) -> Option<u16> {
    if reason.len() != 3 || !reason.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(reason).ok()?.parse().ok()
}

#[cfg(test)]
#[path = "handshake_tests.rs"]
mod tests;
