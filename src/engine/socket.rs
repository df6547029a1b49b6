//! Engine layer: the one generic socket core. Every socket type is this struct plus its row in
//! `kind.rs`. Invariants: user calls never block the caller's thread (they enqueue, or return a
//! future); every background task is registered, so close/linger can find and end it.

use super::error::{EngineError, Result};
use super::events::{EventKind, SocketEvent};
use super::kind::SocketType;
use super::options::Opt;
use super::routing::Msg;
use super::runtime;
use super::shared::{lock_live, Shared, State};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

/// A ZeroMQ socket. Cheap to clone; all clones are the same socket.
#[derive(Clone)]
pub struct Socket {
    shared: Arc<Shared>,
}

impl Socket {
    /// A handle over existing shared state (used when a background task must close its socket).
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Socket {
        Socket { shared }
    }

    /// Creates a socket of `kind` with default options, in group 0.
    pub fn new(kind: SocketType) -> Result<Socket> {
        Self::in_group(kind, 0)
    }

    /// Creates a socket that `shutdown_group(group)` will close (the binding uses one group per
    /// JS environment, so a worker thread's exit does not close the main thread's sockets).
    pub fn in_group(kind: SocketType, group: u64) -> Result<Socket> {
        if !kind.info().implemented {
            return Err(EngineError::NotSupported);
        }
        let rt = runtime::handle().map_err(EngineError::Internal)?;
        let shared = Shared::new(kind, group, rt);
        let mut live = lock_live();
        live.retain(|(_, w)| w.strong_count() > 0);
        live.push((group, Arc::downgrade(&shared)));
        Ok(Socket { shared })
    }

    /// The socket's type.
    pub fn kind(&self) -> SocketType {
        self.shared.kind
    }

    /// The I/O runtime the socket's tasks run on.
    pub(crate) fn runtime(&self) -> &'static tokio::runtime::Handle {
        self.shared.rt
    }

    /// Wakes whatever waits to send or receive, so it looks at the socket (and its owner) again.
    pub(crate) fn wake_waiters(&self) {
        let mut st = self.shared.lock();
        st.wake_sender();
        st.wake_receiver();
    }

    /// Reads an option (`ENOTSOCK` once closed).
    pub fn get_option(&self, opt: Opt) -> Result<i64> {
        let st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        Ok(st.opts.get(opt))
    }

    /// Writes an option (`EINVAL` out of range, `ENOTSOCK` once closed).
    pub fn set_option(&self, opt: Opt, value: i64) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        st.opts.set(opt, value)?;
        if matches!(opt, Opt::SendHighWaterMark | Opt::ReceiveHighWaterMark) {
            // As libzmq (4.2 on), new marks apply to the connections already there too.
            let (out_hwm, in_hwm) = (
                st.opts.hwm(Opt::SendHighWaterMark),
                st.opts.hwm(Opt::ReceiveHighWaterMark),
            );
            st.pipes.set_hwms(out_hwm, in_hwm);
            st.wake_sender();
        }
        Ok(())
    }

    /// The routing id (ZMQ_ROUTING_ID), if set (`ENOTSOCK` once closed).
    pub fn routing_id(&self) -> Result<Option<Bytes>> {
        let st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        Ok(st.opts.routing_id().cloned())
    }

    /// Sets the routing id announced to peers from the next connection on (1 to 255 bytes).
    pub fn set_routing_id(&self, id: &[u8]) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        st.opts.set_routing_id(id)
    }

    /// Reads a text option (`ENOTSOCK` once closed).
    pub fn get_text_option(&self, opt: super::options::TextOpt) -> Result<Option<String>> {
        let st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        Ok(st.opts.get_text(opt))
    }

    /// Writes a text option (`EINVAL` if malformed, `ENOTSOCK` once closed).
    pub fn set_text_option(&self, opt: super::options::TextOpt, value: Option<&str>) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        st.opts.set_text(opt, value)
    }

    /// Subscribes to (`on`) or unsubscribes from messages starting with `topic` (SUB, XSUB; an
    /// XPUB with `manual` applies it to the subscriber heard from last). `ENOTSUP` for other types.
    pub fn subscribe(&self, topic: &[u8], on: bool) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::Closed);
        }
        st.subscribe(self.shared.kind, topic, on)
    }

    /// Starts recording events (zeromq.js records from the first access to `socket.events`).
    pub fn observe(&self) {
        self.shared
            .lock()
            .events
            .get_or_insert_with(Default::default);
    }

    /// Whether nothing observes the socket (no event queue exists).
    #[cfg(test)]
    pub(crate) fn events_state_is_none(&self) -> bool {
        self.shared.lock().events.is_none()
    }

    /// Moves up to `max` recorded events into `out`.
    pub fn take_events(&self, out: &mut Vec<SocketEvent>, max: usize) {
        if let Some(events) = self.shared.lock().events.as_mut() {
            events.take(out, max);
        }
    }

    /// Messages a publisher dropped because a subscriber's queue was full.
    pub fn dropped(&self) -> u64 {
        self.shared.lock().pubsub.dropped
    }

    /// Whether the socket is open and has at least one bound or connected endpoint.
    pub fn is_attached(&self) -> bool {
        let st = self.shared.lock();
        !st.closed && !st.endpoints.is_empty()
    }

    /// The endpoint most recently bound, resolved (`tcp://0.0.0.0:41234`).
    pub fn last_endpoint(&self) -> Option<String> {
        self.shared.lock().last_endpoint.clone()
    }

    /// Whether `close()` was called.
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    /// Queues the message made of `parts` (copied) without waiting. `Ok(false)` when it would
    /// have to wait: nothing was queued.
    pub fn try_send_parts(&self, parts: &[&[u8]]) -> Result<bool> {
        if parts.is_empty() {
            return Err(EngineError::InvalidArgument);
        }
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::Closed);
        }
        let queued = st.route_send(self.shared.kind, parts);
        drop(st);
        super::carrier::deliver_touched();
        queued
    }

    /// Queues messages in order under one lock until one would have to wait or fails: returns
    /// how many were queued. Message `i` is the next `counts[i]` of `frames`. The caller sends
    /// the first one not queued the usual way, which waits for room or reports its error.
    pub fn try_send_many(&self, frames: &[&[u8]], counts: &[usize]) -> usize {
        let mut st = self.shared.lock();
        if st.closed {
            return 0;
        }
        let mut at = 0;
        for (queued, &n) in counts.iter().enumerate() {
            let Some(parts) = frames.get(at..at + n).filter(|p| !p.is_empty()) else {
                return queued;
            };
            if !matches!(st.route_send(self.shared.kind, parts), Ok(true)) {
                drop(st);
                super::carrier::deliver_touched();
                return queued;
            }
            at += n;
        }
        drop(st);
        super::carrier::deliver_touched();
        counts.len()
    }

    /// `try_send_parts`, where the parts that are exactly one of `lent` (large frames the caller
    /// owns as `Bytes`) are queued by reference instead of copied.
    pub fn try_send_lent(&self, parts: &[&[u8]], lent: &[Bytes]) -> Result<bool> {
        super::outqueue::with_lent(lent, || self.try_send_parts(parts))
    }

    /// Queues `msg` without waiting. `Ok(Some(msg))` hands it back when it would have to wait.
    pub fn try_send(&self, msg: Msg) -> Result<Option<Msg>> {
        let parts: Vec<&[u8]> = msg.iter().map(|f| &f[..]).collect();
        let queued = self.try_send_parts(&parts)?;
        drop(parts);
        Ok(if queued { None } else { Some(msg) })
    }

    /// Moves up to `max_msgs` messages (stopping past `max_bytes`) into `out`, fair-queued.
    pub fn recv_batch(&self, out: &mut Vec<Msg>, max_msgs: usize, max_bytes: usize) -> Result<()> {
        let mut bytes = 0;
        self.recv_batch_until(out, max_msgs, |msg, _| {
            bytes += msg.iter().map(|f| f.len()).sum::<usize>();
            bytes >= max_bytes
        })
    }

    /// Moves messages into `out`, fair-queued, until `max_msgs` are taken or `full` says the batch
    /// is full. `full` is called with each message taken and whether its frames of `LEND_MIN`
    /// bytes or more may be a sender's lent Buffers (inproc within one JS environment), to be
    /// handed over as they are, the same memory, as libzmq's inproc does.
    pub fn recv_batch_until(
        &self,
        out: &mut Vec<Msg>,
        max_msgs: usize,
        mut full: impl FnMut(&Msg, bool) -> bool,
    ) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::Closed);
        }
        let kind = self.shared.kind;
        st.check_receive(kind)?;
        let max_msgs = out.len() + State::batch_limit(kind, max_msgs - out.len().min(max_msgs));
        while out.len() < max_msgs {
            let Some(msg) = st.route_receive(kind) else {
                break;
            };
            let stop = full(&msg, st.pipes.last_shared);
            out.push(msg);
            if stop {
                break;
            }
        }
        Ok(())
    }

    /// Whether a message is waiting to be received.
    pub fn readable(&self) -> bool {
        let st = self.shared.lock();
        !st.closed && st.pipes.has_incoming()
    }

    /// Whether a send would be queued without waiting.
    pub fn writable(&self) -> bool {
        let st = self.shared.lock();
        !st.closed && st.can_send_now(self.shared.kind)
    }

    /// Closes the socket: pending waits end with `EAGAIN`, listeners stop, and queued messages keep
    /// flowing to their peers for up to `linger` ms.
    pub fn close(&self) {
        let linger = {
            let mut st = self.shared.lock();
            if st.closed {
                return;
            }
            st.closed = true;
            st.wake_sender();
            st.wake_receiver();
            let bound: Vec<String> = st
                .endpoints
                .iter()
                .filter(|e| e.is_bind)
                .filter_map(|e| e.names.last().cloned())
                .collect();
            for name in bound {
                st.emit(EventKind::Close, &name);
            }
            if let Some(w) = st.events.as_mut().and_then(|e| e.waker.take()) {
                w.wake();
            }
            st.pipes.clear_inboxes();
            for pipe in st.pipes.iter_mut() {
                pipe.wake_writer();
            }
            // inproc peers read what they were given, then see the end; messages still waiting
            // for a peer to arrive wait for it up to the linger.
            st.pipes.close_carriers(false);
            // Listeners stop now; connections and connectors decide for themselves (flush, then end).
            let handles = st.tasks_where(|t| t.listener);
            drop(st);
            for h in handles {
                h.abort();
            }
            self.shared.lock().opts.timeout(Opt::Linger)
        };
        match linger {
            Some(d) if d.is_zero() => self.shared.abort_all(),
            Some(d) => {
                let shared = self.shared.clone();
                self.shared.rt.spawn(async move {
                    tokio::time::sleep(d).await;
                    shared.abort_all();
                });
            }
            None => {}
        }
    }

    /// Closes with no linger: everything stops now.
    pub fn close_now(&self) {
        let _ = self.set_option(Opt::Linger, 0);
        self.close();
        self.shared.abort_all();
    }

    /// Resolves once the socket is closed and every background task has ended.
    pub async fn wait_closed(&self) {
        loop {
            let notified = self.shared.idle_async.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let st = self.shared.lock();
                if st.closed && st.tasks.is_empty() {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Blocks the calling thread until every background task has ended, or `limit` passes.
    pub fn wait_closed_blocking(&self, limit: Duration) -> bool {
        let st = self.shared.lock();
        let (st, _) = self
            .shared
            .idle
            .wait_timeout_while(st, limit, |st| !st.tasks.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        st.tasks.is_empty()
    }
}

/// Closes every live socket of `group` and waits (up to each one's linger, at most `limit`) for
/// queued messages to flush. Called when the JS environment that owns the group exits.
/// `on_slow` is called once if flushing takes longer than `slow_after` (zeromq.js then warns).
pub fn shutdown_group(group: u64, limit: Duration, slow_after: Duration, on_slow: impl FnOnce()) {
    let sockets: Vec<Socket> = lock_live()
        .iter()
        .filter(|(g, _)| *g == group)
        .filter_map(|(_, w)| w.upgrade())
        .map(|shared| Socket { shared })
        .collect();
    for s in &sockets {
        s.close();
    }
    let start = std::time::Instant::now();
    let deadline = start + limit;
    let mut on_slow = Some(on_slow);
    for s in &sockets {
        if let Some(warn) = on_slow.take() {
            let first = (start + slow_after).min(deadline);
            let left = first.saturating_duration_since(std::time::Instant::now());
            if s.wait_closed_blocking(left) {
                on_slow = Some(warn);
                continue;
            }
            warn();
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        s.wait_closed_blocking(left);
    }
}

#[path = "socket_endpoints.rs"]
mod endpoints;

#[path = "socket_security.rs"]
mod security;
#[path = "socket_waits.rs"]
mod waits;

#[cfg(test)]
#[path = "socket_tests.rs"]
mod tests;
