//! Engine layer: a CURVE session as a byte stream. `CurveReader` opens each MESSAGE command read
//! from the connection and yields the plain ZMTP frames it carried; `CurveWriter` takes plain ZMTP
//! frames and writes each as a boxed MESSAGE. The connection's reader and writer run unchanged
//! over them. Invariants: nothing reaches the reader before its box is verified; a frame that is
//! not a MESSAGE, or fails to open, ends the connection; the writer holds at most one batch of
//! boxed bytes before it waits for the connection.

use super::codec::{Decoder, Frame, ProtocolError};
use super::curve::{CurveReceiver, CurveSender};
use bytes::{Buf, BytesMut};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What a MESSAGE adds to the frame it carries: its name, short nonce, tag and flags byte.
const MESSAGE_OVERHEAD: u64 = 8 + 8 + 16 + 1;

/// Bytes asked of the connection per read.
const READ_CHUNK: usize = 64 * 1024;

fn broken(e: ProtocolError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// The reading half of a CURVE session.
pub struct CurveReader<R> {
    inner: R,
    receiver: CurveReceiver,
    /// Boxed bytes read, not yet a whole frame.
    raw: BytesMut,
    /// Opened frames, re-encoded as plain ZMTP, for the reader.
    plain: BytesMut,
    decoder: Decoder,
    scratch: Vec<u8>,
}

impl<R> CurveReader<R> {
    /// Reads from `inner`, starting with `leftover` (bytes the handshake read past READY).
    /// `max_size` is `maxMessageSize`: a MESSAGE frame that could only hold a larger frame is
    /// refused on its header, before its bytes are buffered (as libzmq checks the outer frame).
    pub fn new(
        inner: R,
        receiver: CurveReceiver,
        leftover: BytesMut,
        max_size: Option<u64>,
    ) -> Self {
        Self {
            inner,
            receiver,
            raw: leftover,
            plain: BytesMut::new(),
            decoder: Decoder::new(max_size.map(|m| m.saturating_add(MESSAGE_OVERHEAD))),
            scratch: vec![0; READ_CHUNK],
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        // RFC 26 calls MESSAGE a command, but libzmq sends it in a data frame: take either.
        let data = frame
            .body
            .strip_prefix(b"\x07MESSAGE")
            .ok_or(ProtocolError::BadCommand("MESSAGE"))?;
        self.receiver.open_into(data, &mut self.plain)
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CurveReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.plain.is_empty() {
                let n = buf.remaining().min(this.plain.len());
                buf.put_slice(&this.plain[..n]);
                this.plain.advance(n);
                return Poll::Ready(Ok(()));
            }
            while let Some(frame) = this.decoder.decode(&mut this.raw).map_err(broken)? {
                this.open(frame).map_err(broken)?;
                if this.plain.len() >= READ_CHUNK {
                    break;
                }
            }
            if !this.plain.is_empty() {
                continue;
            }
            let mut read = ReadBuf::new(&mut this.scratch);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut read))?;
            if read.filled().is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.raw.extend_from_slice(read.filled());
        }
    }
}

/// The writing half of a CURVE session.
pub struct CurveWriter<W> {
    inner: W,
    sender: CurveSender,
    /// Plain ZMTP bytes taken, not yet a whole frame.
    plain: BytesMut,
    /// Boxed bytes not yet written.
    out: BytesMut,
    decoder: Decoder,
}

impl<W> CurveWriter<W> {
    /// Writes to `inner`.
    pub fn new(inner: W, sender: CurveSender) -> Self {
        Self {
            inner,
            sender,
            plain: BytesMut::new(),
            out: BytesMut::new(),
            decoder: Decoder::new(None),
        }
    }
}

impl<W: AsyncWrite + Unpin> CurveWriter<W> {
    /// Writes out every boxed byte held.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.out.is_empty() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for CurveWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        this.plain.extend_from_slice(buf);
        while let Some(frame) = this.decoder.decode(&mut this.plain).map_err(broken)? {
            this.sender
                .seal_frame(frame.more, frame.command, &frame.body, &mut this.out)
                .map_err(broken)?;
        }
        // Start writing now; what the connection does not take yet goes out on the next write
        // or flush (the connection's writer flushes after every batch).
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}
