//! Engine layer: socket events (zeromq.js's `socket.events`, libzmq's zmq_socket_monitor), produced
//! where they happen: listeners, connectors, handshakes, connection ends. Invariants: nothing is
//! recorded until someone observes the socket, so unobserved sockets pay one branch per event;
//! the queue is bounded, so an observer that never reads cannot grow memory without limit.

use super::error::EngineError;
use super::shared::State;
use std::collections::VecDeque;
use std::task::Waker;
use std::time::Duration;

/// Events kept for a slow observer; later ones are counted as lost.
const MAX_QUEUED: usize = 10_000;

/// What happened, named as zeromq.js names its event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A listener accepted a connection (`accept`).
    Accept,
    /// A listener failed to accept one (`accept:error`).
    AcceptError,
    /// An endpoint was bound (`bind`).
    Bind,
    /// Binding failed (`bind:error`).
    BindError,
    /// A connection attempt succeeded (`connect`).
    Connect,
    /// A connection attempt is under way (`connect:delay`).
    ConnectDelay,
    /// A connection attempt will be retried after `interval` (`connect:retry`).
    ConnectRetry,
    /// A listener or a failed connection's descriptor was closed (`close`).
    Close,
    /// Closing failed (`close:error`).
    CloseError,
    /// A connection that had completed its handshake ended (`disconnect`).
    Disconnect,
    /// The ZMTP handshake completed (`handshake`).
    Handshake,
    /// The peer broke the ZMTP handshake (`handshake:error:protocol`).
    HandshakeErrorProtocol,
    /// The peer failed authentication (`handshake:error:auth`).
    HandshakeErrorAuth,
    /// The handshake failed otherwise, e.g. the connection dropped (`handshake:error:other`).
    HandshakeErrorOther,
}

impl EventKind {
    /// zeromq.js's name for the event type.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Accept => "accept",
            EventKind::AcceptError => "accept:error",
            EventKind::Bind => "bind",
            EventKind::BindError => "bind:error",
            EventKind::Connect => "connect",
            EventKind::ConnectDelay => "connect:delay",
            EventKind::ConnectRetry => "connect:retry",
            EventKind::Close => "close",
            EventKind::CloseError => "close:error",
            EventKind::Disconnect => "disconnect",
            EventKind::Handshake => "handshake",
            EventKind::HandshakeErrorProtocol => "handshake:error:protocol",
            EventKind::HandshakeErrorAuth => "handshake:error:auth",
            EventKind::HandshakeErrorOther => "handshake:error:other",
        }
    }
}

/// One event.
#[derive(Debug, Clone)]
pub struct SocketEvent {
    /// What happened.
    pub kind: EventKind,
    /// The endpoint it happened on (a bound endpoint as resolved, a connected one as given).
    pub address: String,
    /// `connect:retry`: the wait before the next attempt.
    pub interval: Option<Duration>,
    /// The `*:error` events' error.
    pub error: Option<EngineError>,
}

/// The events of an observed socket, waiting to be read.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    queue: VecDeque<SocketEvent>,
    /// Events not kept because the queue was full.
    pub(crate) lost: u64,
    /// The observer's reader, parked until an event comes (or the socket closes).
    pub(crate) waker: Option<Waker>,
}

impl EventQueue {
    /// Moves up to `max` events into `out`.
    pub(crate) fn take(&mut self, out: &mut Vec<SocketEvent>, max: usize) {
        let n = self.queue.len().min(max);
        out.extend(self.queue.drain(..n));
    }

    /// Whether an event is waiting.
    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

impl State {
    /// Records an event if the socket is observed.
    pub(crate) fn emit(&mut self, kind: EventKind, address: &str) {
        self.emit_with(kind, address, None, None);
    }

    /// Records an event with its retry interval or error, if the socket is observed.
    pub(crate) fn emit_with(
        &mut self,
        kind: EventKind,
        address: &str,
        interval: Option<Duration>,
        error: Option<EngineError>,
    ) {
        let Some(events) = self.events.as_mut() else {
            return;
        };
        // As libzmq, inproc endpoints are not monitored.
        if address.starts_with("inproc://") {
            return;
        }
        if events.queue.len() >= MAX_QUEUED {
            events.lost += 1;
            return;
        }
        events.queue.push_back(SocketEvent {
            kind,
            address: address.to_owned(),
            interval,
            error,
        });
        if let Some(w) = events.waker.take() {
            w.wake();
        }
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
