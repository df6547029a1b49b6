//! Engine layer: the PLAIN (RFC 24, as RFC 37 runs it) and CURVE (RFC 26) handshakes, after the
//! greeting, for either role. Invariants: a server lets a peer in only after ZAP allowed it (or,
//! for CURVE, when no ZAP handler is bound, as libzmq's "Stonehouse" default); a refusal is sent
//! to the peer as an ERROR with the ZAP status; no password or key appears in an error.

use super::codec::ProtocolError;
use super::curve::{CurveClient, CurveReceiver, CurveSender, CurveServer};
use super::handshake::{our_metadata, zap_request, CommandIo, Handshake, HandshakeError};
use super::security::{curve_public, Key};
use super::zap::ZapVerdict;
use bytes::Bytes;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};

/// PLAIN: the client's HELLO carries its user name and password; the server asks ZAP, then
/// WELCOME, INITIATE and READY exchange metadata. Returns the peer's metadata and ZAP user id.
pub(crate) async fn plain<R, W>(
    io: &mut CommandIo<'_, R, W>,
    hs: &Handshake<'_>,
) -> Result<(Bytes, Bytes), HandshakeError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let security = hs.security;
    if !security.as_server {
        let mut hello = Vec::with_capacity(2 + security.username.len() + security.password.len());
        for field in [&security.username, &security.password] {
            hello.push(field.len() as u8);
            hello.extend_from_slice(field);
        }
        io.send("HELLO", &hello).await?;
        io.expect_command("WELCOME").await?;
        io.send("INITIATE", &our_metadata(hs)).await?;
        return Ok((io.expect_command("READY").await?, Bytes::new()));
    }
    let hello = io.expect_command("HELLO").await?;
    let (username, rest) = short_field(&hello)?;
    let (password, rest) = short_field(&rest)?;
    if !rest.is_empty() {
        return Err(ProtocolError::BadCommand("HELLO").into());
    }
    let verdict = match hs.zap {
        Some(zap) => {
            zap.ask(zap_request(hs, "PLAIN", vec![username, password]))
                .await
        }
        None => ZapVerdict::NoHandler,
    };
    let ZapVerdict::Allow { user_id } = verdict else {
        return Err(io.refuse(verdict).await);
    };
    io.send("WELCOME", b"").await?;
    let metadata = io.expect_command("INITIATE").await?;
    io.send("READY", &our_metadata(hs)).await?;
    Ok((metadata, user_id))
}

/// A field with a one-byte length, and what follows it.
fn short_field(data: &Bytes) -> Result<(Bytes, Bytes), ProtocolError> {
    let len = usize::from(*data.first().ok_or(ProtocolError::BadCommand("HELLO"))?);
    if data.len() < 1 + len {
        return Err(ProtocolError::BadCommand("HELLO"));
    }
    Ok((data.slice(1..1 + len), data.slice(1 + len..)))
}

fn missing_keys() -> HandshakeError {
    io::Error::new(io::ErrorKind::InvalidInput, "CURVE keys are not set").into()
}

/// CURVE: HELLO, WELCOME, INITIATE (the client's long-term key, vouched, and its metadata; the
/// server asks ZAP here) and READY. Returns the peer's metadata, the ZAP user id and the
/// session's halves.
pub(crate) async fn curve<R, W>(
    io: &mut CommandIo<'_, R, W>,
    hs: &Handshake<'_>,
) -> Result<(Bytes, Bytes, (CurveSender, CurveReceiver)), HandshakeError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let security = hs.security;
    let secret: Key = security.secret_key.ok_or_else(missing_keys)?;
    if !security.as_server {
        let public = security.public_key.unwrap_or_else(|| curve_public(&secret));
        let server = security.server_key.ok_or_else(missing_keys)?;
        let mut client = CurveClient::new(public, secret, server)?;
        io.send("HELLO", &client.hello()?).await?;
        let welcome = io.expect_command("WELCOME").await?;
        io.send("INITIATE", &client.initiate(&welcome, &our_metadata(hs))?)
            .await?;
        let ready = io.expect_command("READY").await?;
        let (metadata, sender, receiver) = client.ready(&ready)?;
        return Ok((Bytes::from(metadata), Bytes::new(), (sender, receiver)));
    }
    // The vouch names the server's public key: the one that belongs to its secret key, whatever
    // `curvePublicKey` says (libzmq checks only the vouched transient key).
    let mut server = CurveServer::new(curve_public(&secret), secret);
    let hello = io.expect_command("HELLO").await?;
    io.send("WELCOME", &server.welcome(&hello)?).await?;
    let initiate = io.expect_command("INITIATE").await?;
    let initiated = server.initiate(&initiate)?;
    let client_key = Bytes::copy_from_slice(&initiated.client_key);
    let verdict = match hs.zap {
        Some(zap) => zap.ask(zap_request(hs, "CURVE", vec![client_key])).await,
        None => ZapVerdict::NoHandler,
    };
    let user_id = match verdict {
        ZapVerdict::Allow { user_id } => user_id,
        // Encryption without authentication when no handler is bound, as libzmq does.
        ZapVerdict::NoHandler => Bytes::new(),
        refused => return Err(io.refuse(refused).await),
    };
    let (ready, sender, receiver) = server.ready(&our_metadata(hs))?;
    io.send("READY", &ready).await?;
    Ok((Bytes::from(initiated.metadata), user_id, (sender, receiver)))
}
