//! Engine layer: serving one inproc connection. The hellos stand in for the ZMTP handshake; then
//! this side only reads: the peer's messages come out of its carrier into our pipe's inbox, while
//! our sends go straight into our own carrier (`Pipe::queue`), so there is no writer task and no
//! heartbeat. Invariants: reading pauses at the inbox's high-water mark; the pipe is detached by
//! its guard however the task ends, which closes our carrier for the peer.

use super::carrier::{Carrier, OutCarrier};
use super::codec::ProtocolError;
use super::connection::{attach, report_protocol_error, Served};
use super::dispatch::Arrival;
use super::events::EventKind;
use super::inproc::{Hello, InprocLink};
use super::kind::RecvRouting;
use super::options::Opt;
use super::reader::{room_for_more, End};
use super::routing::PipeId;
use super::shared::{Shared, State};
use super::transport::Stream;
use bytes::Bytes;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::Poll;

/// Serves an inproc connection; `pipe` is the connect side's lasting pipe, if any.
pub(crate) async fn serve_inproc(
    shared: Arc<Shared>,
    mut link: InprocLink,
    (pipe, given): (Option<PipeId>, Option<Bytes>),
    address: Arc<str>,
) -> Served {
    let kind = shared.kind;
    let info = kind.info();
    // STREAM speaks raw TCP bytes; there are none in memory (libzmq has no inproc STREAM either).
    if info.raw() {
        return Served::Incompatible;
    }
    let (probe, fresh) = {
        let mut st = shared.lock();
        // A PAIR with its peer refuses others before the hellos, so the newcomer keeps its
        // queued messages for when it is let in.
        if info.exclusive && pipe.is_none() && st.pipes.active() > 0 {
            return Served::Failed;
        }
        let probe = Opt::ProbeRouter.applies_to(kind) && st.opts.flag(Opt::ProbeRouter);
        // No sender: `connect_now` sent our hello already.
        let fresh = link.to_peer.take().and_then(|tx| {
            let (hello, fresh) = hello(&mut st, &shared, pipe, link.peer_group);
            // A peer already gone may still have sent us its messages: read them regardless.
            let _ = tx.send(hello);
            fresh
        });
        (probe, fresh)
    };
    let Ok(peer) = link.from_peer.await else {
        return Served::Failed;
    };
    if !kind.accepts(peer.kind) {
        let e = ProtocolError::Incompatible(peer.kind.info().name.to_owned());
        report_protocol_error(&shared, &address, &e);
        return Served::Incompatible;
    }
    let arrival = Arrival {
        pipe,
        announced: &peer.identity,
        given,
        // Subscriptions go as messages, as to a ZMTP 3.0 peer.
        minor: 0,
        carrier: fresh,
    };
    let Some(guard) = attach(&shared, arrival, probe) else {
        return Served::Handshaken;
    };
    shared.lock().emit(EventKind::Handshake, &address);
    let end = read_carrier(&shared, guard.id, &peer.carrier).await;
    drop(guard);
    if !matches!(end, End::Closed) {
        shared.lock().emit(EventKind::Disconnect, &address);
    }
    Served::Handshaken
}

/// Our hello: socket type, routing id, and the carrier our messages go in (the connect-side
/// pipe's own, else a new one, returned to install on the pipe at attach).
fn hello(
    st: &mut State,
    shared: &Arc<Shared>,
    pipe: Option<PipeId>,
    peer_group: u64,
) -> (Hello, Option<OutCarrier>) {
    let kind = shared.kind;
    let identity = match st.opts.routing_id() {
        Some(id) if kind.info().sends_identity => id.clone(),
        _ => Bytes::new(),
    };
    // Lent Buffers go by reference only within one JS environment: a Buffer must not outlive
    // the isolate that owns its memory. Settled before the peer can read anything.
    let shares = peer_group == shared.group;
    let existing = pipe
        .and_then(|id| st.pipes.get_mut(id))
        .and_then(|p| p.carrier.as_ref());
    let mut fresh = None;
    let ours: &OutCarrier = match existing {
        Some(c) => c,
        None => fresh.insert(OutCarrier::new(shared.on_room())),
    };
    ours.set_shares(shares);
    let hello = Hello {
        kind,
        identity,
        carrier: ours.receiver(),
    };
    (hello, fresh)
}

/// At `connect()` to an inproc name already bound, hands our hello (with the pipe's carrier) to
/// the listener at once, as libzmq attaches inproc pipes inside `zmq_connect`: what is sent from
/// now on reaches the peer even if this socket closes before its connector runs. Returns the
/// link for the connector's first attempt; `None` when the name is not bound (yet).
pub(crate) fn connect_now(
    st: &mut State,
    shared: &Arc<Shared>,
    name: &str,
    pipe: PipeId,
) -> Option<Stream> {
    let mut link = super::inproc::connect(name, shared.group).ok()?;
    let tx = link.to_peer.take()?;
    let (hello, _) = hello(st, shared, Some(pipe), link.peer_group);
    let _ = tx.send(hello);
    Some(Stream::Inproc(link))
}

/// Moves the peer's messages from `incoming` into `pipe` until the peer closes its carrier
/// (`Eof`), or our socket closes or drops the pipe (`Closed`).
async fn read_carrier(shared: &Shared, pipe: PipeId, incoming: &Carrier) -> End {
    let info = shared.kind.info();
    // A PUB never receives, but reads its subscribers' subscriptions.
    let discard = info.recv == RecvRouting::None && !info.publishes();
    let mut batch = Vec::new();
    loop {
        if !room_for_more(shared, pipe).await {
            return End::Closed;
        }
        let open = poll_fn(|cx| {
            let room = {
                let mut st = shared.lock();
                let closed = st.closed;
                match st.pipes.get_mut(pipe) {
                    Some(p) if !closed && !p.is_retired() => {
                        // Close and retire wake the pipe's writer: that is us here.
                        p.writer = Some(cx.waker().clone());
                        p.inbox_room()
                    }
                    _ => return Poll::Ready(None),
                }
            };
            incoming.poll_take(cx, room, &mut batch).map(Some)
        })
        .await;
        match open {
            None => return End::Closed,
            Some(false) => return End::Eof,
            Some(true) if discard => batch.clear(),
            Some(true) => {
                let mut st = shared.lock();
                if st.closed {
                    return End::Closed;
                }
                st.take_incoming(shared.kind, pipe, &mut batch);
                st.wake_receiver();
            }
        }
    }
}
