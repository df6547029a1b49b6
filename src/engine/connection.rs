//! Engine layer: one peer connection: the handshake (or none, for STREAM), then a reader, a writer
//! and a heartbeat over its pipe; `links.rs` starts connections. Invariants: every connection is read until it ends, so a dead peer is noticed at once; a pipe
//! is detached by a guard, so an aborted task never leaves a pipe marked live.

use super::codec::ProtocolError;
use super::curve_io::{CurveReader, CurveWriter};
use super::dispatch::Arrival;
use super::events::EventKind;
use super::handshake::{secure_handshake, Handshake, HandshakeError};
use super::handshake_report::handshake_failed;
pub(crate) use super::handshake_report::report_protocol_error;
use super::heartbeat::{heartbeat, Heartbeat, Liveness};
use super::kind::SocketType;
use super::options::Opt;
use super::outqueue::write_chunks;
use super::reader::{raw_read_loop, read_loop, End};
use super::routing::PipeId;
use super::runtime::warn;
use super::shared::Shared;
use super::transport::{self, Stream};
use super::zap::InprocZap;
use bytes::{Bytes, BytesMut};
use std::future::poll_fn;
use std::sync::Arc;
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

/// Bytes the writer takes from its queue per batch: what stays counts toward the high-water mark.
const WRITE_BATCH: usize = 1 << 20;

/// Serves one connection. Returns whether the handshake completed.
/// `address` names the endpoint in events; `as_server` is the accepting side.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    stream: Stream,
    pipe: Option<PipeId>,
    given: Option<Bytes>,
    address: Arc<str>,
    as_server: bool,
) -> Served {
    let tuning = {
        let st = shared.lock();
        transport::Tuning {
            send_buffer: st.opts.get(Opt::SendBufferSize),
            recv_buffer: st.opts.get(Opt::ReceiveBufferSize),
            tos: st.opts.get(Opt::TypeOfService),
            max_rt_ms: st.opts.get(Opt::TcpMaxRetransmitTimeout),
            keepalive: st.opts.get(Opt::TcpKeepalive),
            keepalive_params: (
                st.opts.get(Opt::TcpKeepaliveCount),
                st.opts.get(Opt::TcpKeepaliveIdle),
                st.opts.get(Opt::TcpKeepaliveInterval),
            ),
        }
    };
    if let Err(e) = stream.tune(&tuning) {
        warn(&format!("cannot apply socket options to a connection: {e}"));
    }
    let rt = shared.rt;
    let link = Link {
        pipe,
        given,
        direct: stream.duplicate(),
        peer_ip: stream
            .peer_ip()
            .map(|ip| ip.to_string())
            .unwrap_or_default(),
    };
    let served = match stream {
        Stream::Tcp(s) => {
            let (r, w) = s.into_split();
            serve_halves(shared, r, w, link, address, as_server).await
        }
        Stream::Unix(s) => {
            let (r, w) = s.into_split();
            serve_halves(shared, r, w, link, address, as_server).await
        }
        Stream::Inproc(inproc) => {
            super::inproc_conn::serve_inproc(shared, inproc, (link.pipe, link.given), address).await
        }
    };
    super::trim::connection_ended(rt);
    served
}

/// How serving a connection went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// The handshake completed (the connection may since have ended).
    Handshaken,
    /// It ended before or during the handshake.
    Failed,
    /// The peer's socket type cannot talk to ours: a connector stops trying.
    Incompatible,
}

/// Gives a peer whose handshake completed its pipe (with the probe, when `probe`), guarded for
/// the rest of the connection. `None`: refused (a PAIR's second peer, a ROUTER id in use) or the
/// socket closed meanwhile; the connection just ends.
pub(crate) fn attach(shared: &Arc<Shared>, arrival: Arrival, probe: bool) -> Option<PipeGuard> {
    let mut st = shared.lock();
    if arrival.pipe.is_none() && st.closed {
        return None;
    }
    let persistent = arrival.pipe.is_some();
    let id = st.attach_peer(shared.kind, arrival)?;
    if probe {
        // An empty message, ahead of anything queued (RFC 28's ZMQ_PROBE_ROUTER).
        if let Some(p) = st.pipes.get_mut(id) {
            p.send_ahead(vec![Bytes::new()]);
        }
    }
    st.wake_sender();
    Some(PipeGuard {
        shared: shared.clone(),
        id,
        persistent,
    })
}

/// Detaches (connect side) or removes (accepted, or `immediate`) the pipe however the task ends.
pub(crate) struct PipeGuard {
    shared: Arc<Shared>,
    pub(crate) id: PipeId,
    persistent: bool,
}

impl Drop for PipeGuard {
    fn drop(&mut self) {
        let kind = self.shared.kind;
        self.shared.lock().drop_peer(kind, self.id, self.persistent);
    }
}

/// What a stream connection attaches with: the connect side's lasting pipe, the routing id
/// `connect` gave the peer, a duplicate of the socket for `Pipe::queue`'s direct writes, and the
/// peer's IP address for ZAP.
struct Link {
    pipe: Option<PipeId>,
    given: Option<Bytes>,
    direct: Option<socket2::Socket>,
    peer_ip: String,
}

async fn serve_halves<R, W>(
    shared: Arc<Shared>,
    mut r: R,
    mut w: W,
    Link {
        pipe,
        given,
        direct,
        peer_ip,
    }: Link,
    address: Arc<str>,
    as_server: bool,
) -> Served
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    if shared.kind.info().raw() {
        return serve_raw(shared, r, w, (pipe, given)).await;
    }
    let (hs_timeout, max_size, identity, probe, security) = {
        let st = shared.lock();
        let info = shared.kind.info();
        // A PAIR with its peer refuses others before the handshake, so the newcomer keeps its
        // queued messages for when it is let in.
        if info.exclusive && pipe.is_none() && st.pipes.active() > 0 {
            return Served::Failed;
        }
        let identity = match st.opts.routing_id() {
            Some(id) if info.sends_identity => id.clone(),
            _ => Bytes::new(),
        };
        (
            st.opts.nonzero_ms(Opt::HandshakeInterval),
            st.opts.max_message_size(),
            identity,
            Opt::ProbeRouter.applies_to(shared.kind) && st.opts.flag(Opt::ProbeRouter),
            st.opts.security.clone(),
        )
    };
    let mut security = security;
    if security.mechanism == super::security::Mechanism::Null {
        // NULL has no roles: the greeting's as-server bit says which side accepted.
        security.as_server = as_server;
    }
    let zap = InprocZap {
        group: shared.group,
    };
    let config = Handshake {
        ours: shared.kind,
        identity: &identity,
        security: &security,
        zap: Some(&zap),
        peer_address: peer_ip,
    };
    let hs = secure_handshake(&mut r, &mut w, &config);
    let result = match hs_timeout {
        Some(t) => tokio::time::timeout(t, hs)
            .await
            .unwrap_or(Err(HandshakeError::Protocol(
                ProtocolError::HandshakeTimeout,
            ))),
        None => hs.await,
    };
    let done = match result {
        Ok(done) => done,
        Err(e) => return handshake_failed(&shared, &address, e),
    };
    let arrival = Arrival {
        pipe,
        announced: &done.peer.identity,
        given,
        minor: done.peer.minor,
        carrier: None,
    };
    let Some(guard) = attach(&shared, arrival, probe) else {
        return Served::Handshaken;
    };
    {
        let mut st = shared.lock();
        // Not for PUSH and publishers: their sends come in streams, where a direct write per
        // writer cycle cost more than it saved (measured: the 1M × 10 slow-joiner run went from
        // about 4 s to 5; push→pull 16 B across processes from about 1.6M to 1.4M msg/s). Not
        // under CURVE either: every frame must be boxed by the writer.
        let streams = shared.kind == SocketType::Push || shared.kind.info().publishes();
        if let Some(p) = st
            .pipes
            .get_mut(guard.id)
            .filter(|_| !streams && done.cipher.is_none())
        {
            p.set_direct(direct);
        }
    }
    shared.lock().emit(EventKind::Handshake, &address);
    let end = match done.cipher {
        None => run(&shared, guard.id, r, w, done.leftover, max_size).await,
        Some((sender, receiver)) => {
            let r = CurveReader::new(r, receiver, done.leftover, max_size);
            let w = CurveWriter::new(w, sender);
            run(&shared, guard.id, r, w, BytesMut::new(), max_size).await
        }
    };
    if let End::Protocol(e) = &end {
        warn(&format!("dropping a connection: {e}"));
    }
    drop(guard);
    // Ends we chose (close, disconnect, unbind) are not news; a peer that left or failed is.
    if !matches!(end, End::Closed) {
        shared.lock().emit(EventKind::Disconnect, &address);
    }
    Served::Handshaken
}

/// Runs a handshaken connection: reader, writer and heartbeat until one ends.
async fn run<R, W>(
    shared: &Shared,
    pipe: PipeId,
    r: R,
    w: W,
    leftover: BytesMut,
    max_size: Option<u64>,
) -> End
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let live = Liveness::new();
    let beat = Heartbeat::from_options(&shared.lock().opts);
    tokio::select! {
        end = read_loop(shared, pipe, r, leftover, max_size, &live) => end,
        end = write_loop(shared, pipe, w) => end,
        end = heartbeat(shared, pipe, &live, beat) => end,
    }
}

/// Serves a STREAM connection: no handshake, raw bytes both ways. The application learns of the
/// connection, and of its end, by an empty message from the peer's routing id (ZMQ_STREAM_NOTIFY).
async fn serve_raw<R, W>(
    shared: Arc<Shared>,
    r: R,
    w: W,
    (pipe, given): (Option<PipeId>, Option<Bytes>),
) -> Served
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let guard = {
        let mut st = shared.lock();
        if pipe.is_none() && st.closed {
            return Served::Handshaken;
        }
        let arrival = Arrival {
            pipe,
            announced: b"",
            given,
            minor: 1,
            carrier: None,
        };
        let Some(id) = st.attach_peer(shared.kind, arrival) else {
            return Served::Handshaken;
        };
        if st.opts.flag(Opt::Notify) {
            st.pipes.deliver(id, [vec![Bytes::new()]]);
            st.wake_receiver();
        }
        st.wake_sender();
        PipeGuard {
            shared: shared.clone(),
            id,
            persistent: pipe.is_some(),
        }
    };
    tokio::select! {
        _ = raw_read_loop(&shared, guard.id, r) => {},
        _ = write_loop(&shared, guard.id, w) => {},
    }
    drop(guard);
    Served::Handshaken
}

async fn write_loop<W: AsyncWrite + Unpin>(shared: &Shared, pipe: PipeId, mut w: W) -> End {
    // With a small SO_SNDBUF, a write that fills it makes one segment the peer counts as a
    // single full-sized one and acknowledges only after its delayed-ACK timer (40 ms on Linux).
    // Half-buffer writes make two segments per buffer, which are acknowledged at once.
    let max_write = match usize::try_from(shared.lock().opts.get(Opt::SendBufferSize)) {
        Ok(size) if size > 0 => (size / 2).max(1024),
        _ => usize::MAX,
    };
    let mut control: Vec<Bytes> = Vec::new();
    let mut chunks: Vec<Bytes> = Vec::new();
    loop {
        let finished = poll_fn(|cx| {
            let mut st = shared.lock();
            let closed = st.closed;
            let Some(p) = st.pipes.get_mut(pipe) else {
                return Poll::Ready(true);
            };
            if p.is_retired() {
                return Poll::Ready(true);
            }
            // Busy from here (no waker): `Pipe::queue` writes directly only while we are parked.
            p.writer = None;
            control.append(&mut p.control);
            if !p.out.is_empty() {
                // Everything queued is taken at once; the queue has room again for the sender.
                p.out.take_up_to(WRITE_BATCH, &mut chunks);
                st.wake_sender();
                Poll::Ready(false)
            } else if !control.is_empty() {
                Poll::Ready(false)
            } else if closed || p.closing {
                Poll::Ready(true)
            } else {
                p.writer = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        if finished {
            let _ = w.shutdown().await;
            return End::Closed;
        }
        // Commands (PONG) go first: the queue holds whole messages, so they never split one.
        chunks.splice(0..0, control.drain(..));
        if write_chunks(&mut w, &mut chunks, max_write).await.is_err() {
            return End::Io;
        }
        // A plain stream has nothing buffered; CURVE's writer may still hold boxed frames.
        if w.flush().await.is_err() {
            return End::Io;
        }
    }
}
