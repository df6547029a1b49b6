//! Engine layer: one pipe, the queues between a socket and one peer: the outgoing queue (ZMTP
//! chunks for a stream, or an inproc carrier), the inbox bounded by the receive high-water mark,
//! and the wakers of the connection's tasks. Invariants: a message is queued whole or not at all;
//! over inproc `out` stays empty and messages go straight into the carrier.

use super::carrier::OutCarrier;
use super::codec;
use super::outqueue::{lent, OutQueue};
use super::routing::Msg;
use super::trie::Trie;
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::IoSlice;
use std::task::Waker;

/// The queues between the socket and one peer. Connect-side pipes outlive their connections.
#[derive(Debug)]
pub struct Pipe {
    /// Whole messages waiting for the writer, already encoded as ZMTP frames.
    pub out: OutQueue,
    pub(super) out_hwm: usize,
    /// The connection writer, parked while `out` and `control` are empty.
    pub writer: Option<Waker>,
    /// Messages read from the peer, not yet received by the user.
    pub inbox: VecDeque<Msg>,
    pub(super) in_hwm: usize,
    /// The connection reader, parked while the inbox is at its high-water mark.
    pub reader: Option<Waker>,
    /// Encoded command frames (PONG) to write before further messages.
    pub control: Vec<Bytes>,
    /// A handshaken connection is attached.
    pub live: bool,
    /// The connection is gone for good; the pipe stays only until its inbox is received.
    pub(super) retired: bool,
    /// The peer's routing id (ROUTER sockets only; empty otherwise).
    pub(super) identity: Bytes,
    /// ZMQ_CONFLATE: each queue keeps only its newest message, so neither side ever waits.
    pub(super) conflate: bool,
    /// The connection ends once `out` is written (STREAM's empty message).
    pub closing: bool,
    /// What the peer subscribed to (PUB and XPUB sockets: each topic at most once).
    pub subs: Trie,
    /// The ZMTP minor version the peer announced: 0 takes subscriptions as messages, 1 as commands.
    pub minor: u8,
    /// inproc: where sent messages go, unencoded, instead of `out` (which stays empty).
    pub carrier: Option<OutCarrier>,
    /// tcp/ipc: a duplicate of the connection's socket, for direct writes (see `queue`).
    direct: Option<Direct>,
}

/// Larger messages are left to the writer: their write would hold the socket's lock through a
/// long copy (and, over loopback, the peer's receive processing), while the latency saved is a
/// small message's.
const DIRECT_MAX: usize = 8 * 1024;

/// A write to a peer that has gone must fail, not raise SIGPIPE (Node ignores it, an embedder
/// might not).
#[cfg(any(target_os = "linux", target_os = "android"))]
const NO_SIGPIPE: i32 = libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const NO_SIGPIPE: i32 = 0;

#[derive(Debug)]
struct Direct {
    socket: socket2::Socket,
}

/// What happened to a message sent to one particular pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendTo {
    /// Queued for the peer.
    Queued,
    /// The pipe is at its send high-water mark: nothing was queued.
    Full,
    /// No such pipe (or it is retired): nothing was queued.
    Gone,
}

impl Pipe {
    /// A pipe with the given high-water marks (`usize::MAX`: unlimited), under ZMQ_CONFLATE's
    /// keep-only-the-newest queues when `conflate`.
    pub fn new(out_hwm: usize, in_hwm: usize, live: bool, conflate: bool) -> Pipe {
        Pipe {
            out: OutQueue::default(),
            out_hwm: out_hwm.max(1),
            writer: None,
            inbox: VecDeque::new(),
            in_hwm: in_hwm.max(1),
            reader: None,
            control: Vec::new(),
            live,
            retired: false,
            identity: Bytes::new(),
            conflate,
            subs: Trie::default(),
            minor: 1,
            closing: false,
            carrier: None,
            direct: None,
        }
    }

    /// Whether the inbox has room below the receive high-water mark.
    pub fn inbox_has_room(&self) -> bool {
        self.conflate || self.inbox.len() < self.in_hwm
    }

    /// How many more messages the inbox takes below the receive high-water mark (at least one).
    pub fn inbox_room(&self) -> usize {
        if self.conflate {
            1
        } else {
            self.in_hwm.saturating_sub(self.inbox.len()).max(1)
        }
    }

    /// Wakes the writer if it is parked.
    pub fn wake_writer(&mut self) {
        if let Some(w) = self.writer.take() {
            w.wake();
        }
    }

    /// Drops the parked reader and wakes the writer, so a connection still attached notices
    /// (the connection went away, or must go).
    pub fn detach(&mut self) {
        self.live = false;
        self.direct = None;
        self.wake_writer();
        self.reader = None;
        self.control.clear();
        // The old carrier closes (its reader drains it); the next connection gets a new one.
        if let Some(c) = self.carrier.as_mut() {
            *c = c.renewed();
        }
    }

    /// Whether the pipe was retired: its connection must end.
    pub fn is_retired(&self) -> bool {
        self.retired
    }

    /// Whether the send queue has room below the high-water mark.
    pub fn out_has_room(&self) -> bool {
        self.conflate
            || match &self.carrier {
                Some(c) => c.has_room(self.out_hwm),
                None => self.out.messages() < self.out_hwm,
            }
    }

    /// Whether messages wait for a connection that is not there (what linger waits for).
    pub fn unsent(&self) -> bool {
        !self.out.is_empty() || (!self.live && self.carrier.as_ref().is_some_and(|c| !c.is_empty()))
    }

    /// Sends `msg` ahead of the queued messages (probe, welcome, 3.0-style subscriptions).
    pub fn send_ahead(&mut self, msg: Msg) {
        if let Some(c) = &self.carrier {
            c.push_control(msg);
            return;
        }
        let mut frame = BytesMut::new();
        let last = msg.len().saturating_sub(1);
        for (i, part) in msg.iter().enumerate() {
            codec::put_frame_header(&mut frame, part.len(), i < last);
            frame.extend_from_slice(part);
        }
        self.control.push(frame.freeze());
        self.wake_writer();
    }

    /// Queues one message for the writer (replacing what is unsent, under conflate).
    pub(super) fn queue(&mut self, parts: &[&[u8]]) {
        if let Some(c) = &self.carrier {
            // Lent frames go by reference only within one JS environment: a Buffer must not
            // outlive the isolate that owns its memory.
            let shares = c.shares();
            let msg = parts
                .iter()
                .map(|p| {
                    shares
                        .then(|| lent(p))
                        .flatten()
                        .unwrap_or_else(|| Bytes::copy_from_slice(p))
                })
                .collect();
            c.push(msg, self.conflate);
            return;
        }
        if self.conflate {
            self.out.clear();
        }
        self.out.push(parts);
        let size: usize = parts.iter().map(|p| p.len()).sum();
        if size <= DIRECT_MAX {
            self.write_directly();
        }
        // Even after a direct write: the writer re-parks, and until it has, the following sends
        // (a stream) queue for it to write in batches.
        self.wake_writer();
    }

    /// Lets `queue` write to `socket` itself while the connection's writer is parked.
    pub fn set_direct(&mut self, socket: Option<socket2::Socket>) {
        self.direct = socket.map(|socket| Direct { socket });
    }

    /// Writes the one message just queued straight to the socket when the connection's writer is
    /// parked (so nobody else writes: both happen under the socket's lock) and nothing else
    /// waits: a request, a reply, a lone event reaches the wire without waiting for the I/O
    /// thread to wake. What a partial write leaves is back at the head of the queue. A clock was
    /// the first way to tell a lone message from a stream, but reading it on every send costs a
    /// system call on this kind of machine (1M × 10 subscribers: 4 s → 8 s).
    fn write_directly(&mut self) {
        let Some(direct) = self.direct.as_mut() else {
            return;
        };
        if self.writer.is_none() || !self.control.is_empty() || self.out.messages() != 1 {
            return;
        }
        let mut chunks = Vec::new();
        self.out.take_into(&mut chunks);
        let slices: Vec<IoSlice<'_>> = chunks.iter().map(|c| IoSlice::new(c)).collect();
        let total: usize = chunks.iter().map(|c| c.len()).sum();
        // Non-blocking (the socket is tokio's); an error is left for the writer to meet.
        let mut written = direct
            .socket
            .send_vectored_with_flags(&slices, NO_SIGPIPE)
            .unwrap_or(0);
        drop(slices);
        if written >= total {
            return;
        }
        let mut rest = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            if written >= chunk.len() {
                written -= chunk.len();
            } else {
                rest.push(chunk.slice(written..));
                written = 0;
            }
        }
        self.out.restore(rest, 1);
    }
}
