//! Engine layer: the reading half of a connection: ZMTP frames decoded into whole messages,
//! handed to the socket in batches, with commands (PING, SUBSCRIBE/CANCEL, ERROR) handled in
//! arrival order. Invariants: reading pauses while the pipe's inbox is at its high-water mark, so
//! TCP pushes back on a fast peer; a declared frame length is never allocated ahead of arrival.

use super::codec::{self, Decoder, ProtocolError};
use super::heartbeat::Liveness;
use super::kind::RecvRouting;
use super::routing::{Msg, PipeId};
use super::shared::Shared;
use bytes::{BufMut, Bytes, BytesMut};
use std::future::poll_fn;
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncReadExt};

/// Bytes asked of the OS per read: large reads beat libzmq's 8 KiB ones for big messages.
const READ_CHUNK: usize = 64 * 1024;
/// Most bytes reserved ahead for a frame still arriving, so memory tracks what actually arrives.
const MAX_READ_AHEAD: usize = 1 << 20;
/// Data frames at least this large are read into a buffer of their own.
const OWN_FRAME: usize = 32 * 1024;
/// Bytes asked for right after a large frame: the next frame is likely large too, and what a read
/// takes past its header is copied into the frame's own buffer, so that read stays short.
const AFTER_LARGE_READ: usize = 8 * 1024;

/// Why a connection ended.
pub(crate) enum End {
    /// The peer closed the stream.
    Eof,
    /// The socket closed and the pipe was flushed, or the pipe was removed.
    Closed,
    /// A transport error.
    Io,
    /// The peer broke the protocol; logged.
    Protocol(ProtocolError),
    /// The peer stayed silent past its heartbeat deadline.
    Silent,
}

/// Waits until `pipe`'s inbox has room below the receive high-water mark (or the socket closed):
/// true to go on reading, false if the pipe is gone.
pub(crate) async fn room_for_more(shared: &Shared, pipe: PipeId) -> bool {
    poll_fn(|cx| {
        let mut st = shared.lock();
        let closed = st.closed;
        match st.pipes.get_mut(pipe) {
            None => Poll::Ready(false),
            Some(p) if closed || p.inbox_has_room() => Poll::Ready(true),
            Some(p) => {
                p.reader = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

/// Reads messages from `r` into `pipe` until the connection ends; returns why it ended.
pub(crate) async fn read_loop<R: AsyncRead + Unpin>(
    shared: &Shared,
    pipe: PipeId,
    mut r: R,
    mut buf: BytesMut,
    max_size: Option<u64>,
    live: &Liveness,
) -> End {
    let mut decoder = Decoder::new(max_size);
    let info = shared.kind.info();
    // A PUB never receives, but reads its subscribers' subscriptions.
    let discard = info.recv == RecvRouting::None && !info.publishes();
    let mut parts: Vec<Bytes> = Vec::new();
    let mut batch: Vec<Msg> = Vec::new();
    let mut after_large = false;
    loop {
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(frame)) if frame.command => {
                    match on_command(shared, pipe, &frame.body, live) {
                        // A SUBSCRIBE/CANCEL command joins the messages in arrival order.
                        Ok(Some(subscription)) if !discard => batch.push(subscription),
                        Ok(_) => {}
                        Err(e) => return End::Protocol(e),
                    }
                }
                Ok(Some(_)) if discard => {}
                Ok(Some(frame)) => {
                    parts.push(frame.body);
                    if !frame.more {
                        batch.push(std::mem::take(&mut parts));
                    }
                }
                Ok(None) => break,
                Err(e) => return End::Protocol(e),
            }
        }
        if !batch.is_empty() {
            let mut st = shared.lock();
            if st.closed {
                return End::Closed;
            }
            st.take_incoming(shared.kind, pipe, &mut batch);
            st.wake_receiver();
        }
        let room = room_for_more(shared, pipe).await;
        if !room {
            return End::Closed;
        }
        match decoder.take_large_header(&mut buf, OWN_FRAME) {
            Ok(Some((size, more))) => {
                let body = match read_body(&mut r, &mut buf, size, live).await {
                    Ok(body) => body,
                    Err(end) => return end,
                };
                if !discard {
                    parts.push(body);
                    if !more {
                        batch.push(std::mem::take(&mut parts));
                    }
                }
                after_large = true;
                continue;
            }
            Ok(None) => {}
            Err(e) => return End::Protocol(e),
        }
        buf.reserve(Decoder::pending_need(&buf).clamp(READ_CHUNK, MAX_READ_AHEAD));
        let read = if std::mem::take(&mut after_large) && buf.is_empty() {
            r.read_buf(&mut (&mut buf).limit(AFTER_LARGE_READ)).await
        } else {
            r.read_buf(&mut buf).await
        };
        match read {
            Ok(0) => return End::Eof,
            Ok(_) => live.touch(),
            Err(_) => return End::Io,
        }
    }
}

/// Reads the rest of a large frame's body (its first bytes are in `buf`) into an allocation of
/// its own, so it reaches JavaScript without another copy. At most `MAX_READ_AHEAD` bytes are
/// reserved ahead of what has arrived.
async fn read_body<R: AsyncRead + Unpin>(
    r: &mut R,
    buf: &mut BytesMut,
    size: usize,
    live: &Liveness,
) -> Result<Bytes, End> {
    let mut body = Vec::with_capacity(size.min(MAX_READ_AHEAD).max(buf.len()));
    body.extend_from_slice(buf);
    buf.clear();
    while body.len() < size {
        if body.len() == body.capacity() {
            body.reserve_exact((size - body.len()).min(body.capacity().max(READ_CHUNK)));
        }
        let want = (size - body.len()).min(body.capacity() - body.len());
        match r.read_buf(&mut (&mut body).limit(want)).await {
            Ok(0) => return Err(End::Eof),
            Ok(_) => live.touch(),
            Err(_) => return Err(End::Io),
        }
    }
    Ok(Bytes::from(body))
}

/// Handles a command after the handshake: PING gets a PONG; SUBSCRIBE and CANCEL (ZMTP 3.1)
/// come back as the equivalent 0x01/0x00 subscription message; unknown commands are ignored.
fn on_command(
    shared: &Shared,
    pipe: PipeId,
    body: &Bytes,
    live: &Liveness,
) -> Result<Option<Msg>, ProtocolError> {
    let command = codec::parse_command(body)?;
    match command.name.as_str() {
        name @ ("SUBSCRIBE" | "CANCEL") => {
            let mut frame = Vec::with_capacity(command.data.len() + 1);
            frame.push(u8::from(name == "SUBSCRIBE"));
            frame.extend_from_slice(&command.data);
            Ok(Some(vec![Bytes::from(frame)]))
        }
        "PING" => {
            // PING = TTL (2 bytes) + context (up to 16 bytes), echoed back in PONG (RFC 37).
            if let Some(ttl) = command.data.get(..2) {
                live.peer_ttl(u16::from_be_bytes([ttl[0], ttl[1]]));
            }
            let context = command.data.get(2..).unwrap_or_default();
            let context = &context[..context.len().min(16)];
            let mut frame = BytesMut::new();
            codec::encode_command(&mut frame, "PONG", context);
            let mut st = shared.lock();
            if let Some(p) = st.pipes.get_mut(pipe) {
                p.control.push(frame.freeze());
                p.wake_writer();
            }
            Ok(None)
        }
        "ERROR" => {
            let reason = command.data.get(1..).unwrap_or_default();
            Err(ProtocolError::PeerError(
                String::from_utf8_lossy(reason).into_owned(),
            ))
        }
        _ => Ok(None),
    }
}

/// Reads a STREAM peer's bytes into `pipe` as they come, each read one message, until the
/// connection ends. No framing: whatever the peer sends is data.
pub(crate) async fn raw_read_loop<R: AsyncRead + Unpin>(
    shared: &Shared,
    pipe: PipeId,
    mut r: R,
) -> End {
    let mut buf = BytesMut::new();
    loop {
        let room = room_for_more(shared, pipe).await;
        if !room {
            return End::Closed;
        }
        buf.reserve(READ_CHUNK);
        match r.read_buf(&mut buf).await {
            Ok(0) => return End::Eof,
            Ok(_) => {
                let data = buf.split().freeze();
                let mut st = shared.lock();
                if st.closed {
                    return End::Closed;
                }
                st.pipes.deliver(pipe, [vec![data]]);
                st.wake_receiver();
            }
            Err(_) => return End::Io,
        }
    }
}
