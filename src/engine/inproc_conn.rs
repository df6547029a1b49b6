//! Engine layer: serving one inproc connection. The hellos stand in for the ZMTP handshake; then
//! this side only reads: the peer's messages come out of its carrier into our pipe's inbox, while
//! our sends go straight into our own carrier (`Pipe::queue`), so there is no writer task and no
//! heartbeat. Invariants: reading pauses at the inbox's high-water mark; the pipe is detached by
//! its guard however the task ends, which closes our carrier for the peer.

use super::carrier::{Carrier, OutCarrier, Taken};
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
    let (weak_shared, weak_carrier, id) = (
        Arc::downgrade(&shared),
        Arc::downgrade(&peer.carrier),
        guard.id,
    );
    peer.carrier.set_deliver(Arc::new(move || {
        if let (Some(shared), Some(carrier)) = (weak_shared.upgrade(), weak_carrier.upgrade()) {
            deliver(&shared, id, &carrier);
        }
    }));
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

/// Moves what `incoming` holds into `pipe` now, as far as the inbox has room, when a receive is
/// waiting for it: called on the sending thread after a send (`carrier::deliver_touched`), so the
/// waiting receiver gets the message with no hop through the I/O thread. When nobody waits, the
/// I/O thread's reader moves messages in batches, which is cheaper for a stream of them. Takes the
/// receiving socket's lock, then the carrier's, as `read_carrier` does, so the two never reorder
/// messages.
fn deliver(shared: &Shared, pipe: PipeId, incoming: &Carrier) {
    let mut batch = Vec::new();
    let room_freed = {
        let mut st = shared.lock();
        if st.closed || st.recv_waiter.is_none() {
            return;
        }
        let room = match st.pipes.get_mut(pipe) {
            Some(p) if !p.is_retired() && p.inbox_has_room() => p.inbox_room(),
            _ => return,
        };
        let Taken::Got { room_freed } = incoming.take(None, room, &mut batch) else {
            return;
        };
        if !discards(shared) {
            st.take_incoming(shared.kind, pipe, &mut batch);
            st.wake_receiver();
        }
        room_freed
    };
    if room_freed {
        incoming.notify_room();
    }
}

/// A socket type that never receives what its peers send (a PUB reads their subscriptions).
fn discards(shared: &Shared) -> bool {
    let info = shared.kind.info();
    info.recv == RecvRouting::None && !info.publishes()
}

/// How one pass of `read_carrier` went.
enum Step {
    /// Messages moved; whether the sender waits for room.
    Got(bool),
    Eof,
    Closed,
}

/// Moves the peer's messages from `incoming` into `pipe` until the peer closes its carrier
/// (`Eof`), or our socket closes or drops the pipe (`Closed`). Messages are taken from the
/// carrier under our socket's lock, as `deliver` does, so the two keep them in order.
async fn read_carrier(shared: &Shared, pipe: PipeId, incoming: &Carrier) -> End {
    let discard = discards(shared);
    let mut batch = Vec::new();
    loop {
        if !room_for_more(shared, pipe).await {
            return End::Closed;
        }
        let step = poll_fn(|cx| {
            let mut st = shared.lock();
            let closed = st.closed;
            let room = match st.pipes.get_mut(pipe) {
                Some(p) if !closed && !p.is_retired() => {
                    // Close and retire wake the pipe's writer: that is us here.
                    p.writer = Some(cx.waker().clone());
                    p.inbox_room()
                }
                _ => return Poll::Ready(Step::Closed),
            };
            match incoming.take(Some(cx), room, &mut batch) {
                Taken::Got { room_freed } => {
                    if discard {
                        batch.clear();
                    } else {
                        st.take_incoming(shared.kind, pipe, &mut batch);
                        st.wake_receiver();
                    }
                    Poll::Ready(Step::Got(room_freed))
                }
                Taken::End => Poll::Ready(Step::Eof),
                Taken::Empty => Poll::Pending,
            }
        })
        .await;
        match step {
            Step::Closed => return End::Closed,
            Step::Eof => return End::Eof,
            Step::Got(room_freed) => {
                if room_freed {
                    incoming.notify_room();
                }
            }
        }
    }
}
