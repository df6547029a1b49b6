//! Engine layer: waiting on a socket: for room to send, for a message to receive, for an event.
//! Each wait runs on the I/O runtime (which owns the timers) and reports through a callback there,
//! so the binding can settle a JS promise with no other thread in between. Invariant: the callback
//! runs exactly once, with `EAGAIN` if the wait is dropped unfinished.

use super::super::error::{EngineError, Result};
use super::super::options::Opt;
use super::super::routing::Msg;
use super::Socket;
use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;
use tokio::sync::oneshot;

impl Socket {
    /// Queues `msg`, waiting for room up to `sendTimeout` (`EAGAIN` after it, or on close).
    pub fn send_wait(&self, msg: Msg) -> impl Future<Output = Result<()>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        self.send_wait_then(msg, move |result| {
            let _ = tx.send(result);
        });
        async move { rx.await.unwrap_or(Err(EngineError::Again)) }
    }

    /// `send_wait`, calling `done` with the outcome on the I/O thread instead of returning a
    /// future: the binding settles a JS promise from there, with no other thread in between.
    pub fn send_wait_then(&self, msg: Msg, done: impl FnOnce(Result<()>) + Send + 'static) {
        let timeout = self.shared.lock().opts.timeout(Opt::SendTimeout);
        let socket = self.clone();
        let wait = poll_fn(move |cx| socket.poll_send(cx, &msg));
        self.wait_on_runtime(wait, timeout, done);
    }

    /// Queues `msg` if there is room, else registers `cx` to be woken when there may be.
    /// `EAGAIN` once the socket is closed.
    pub fn poll_send(&self, cx: &mut Context<'_>, msg: &Msg) -> Poll<Result<()>> {
        let mut st = self.shared.lock();
        if st.closed {
            return Poll::Ready(Err(EngineError::Again));
        }
        let parts: Vec<&[u8]> = msg.iter().map(|f| &f[..]).collect();
        // The message is owned already: its large frames are queued without another copy.
        let kind = self.shared.kind;
        let result = match super::super::outqueue::with_lent(msg, || st.route_send(kind, &parts)) {
            Ok(true) => Poll::Ready(Ok(())),
            Ok(false) => {
                st.send_waiter = Some(cx.waker().clone());
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(e)),
        };
        drop(st);
        super::super::carrier::deliver_touched();
        result
    }

    /// Resolves when a message can be received, `EAGAIN` after `receiveTimeout` or on close.
    pub fn recv_wait(&self) -> impl Future<Output = Result<()>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        self.recv_wait_then(move |result| {
            let _ = tx.send(result);
        });
        async move { rx.await.unwrap_or(Err(EngineError::Again)) }
    }

    /// Calls `done` once a message may be received: `Ok` means "look again" (a message came, or
    /// the socket closed), as any waker's wake-up; errors are final. Without a receive timeout no
    /// task is spawned: `done` becomes the socket's receive waker, called by whichever thread
    /// delivers the next message (an inproc sender's own, see `carrier::deliver_touched`), so the
    /// wait needs no hop through the I/O thread. With a timeout, it is `recv_wait_then`.
    pub fn recv_notify_then(&self, done: impl FnOnce(Result<()>) + Send + 'static) {
        if self
            .shared
            .lock()
            .opts
            .timeout(Opt::ReceiveTimeout)
            .is_some()
        {
            return self.recv_wait_then(done);
        }
        let mut done = Some(done);
        let now = self.readable_or_register(|| match done.take() {
            Some(done) => {
                let settle = Settle(Some(Box::new(done)));
                Waker::from(Arc::new(CallOnWake(Mutex::new(settle))))
            }
            None => Waker::noop().clone(),
        });
        if let (Poll::Ready(result), Some(done)) = (now, done) {
            done(result);
        }
    }

    /// `recv_wait`, calling `done` with the outcome on the I/O thread (see `send_wait_then`).
    pub fn recv_wait_then(&self, done: impl FnOnce(Result<()>) + Send + 'static) {
        let timeout = self.shared.lock().opts.timeout(Opt::ReceiveTimeout);
        let socket = self.clone();
        let wait = poll_fn(move |cx| socket.poll_readable(cx));
        self.wait_on_runtime(wait, timeout, done);
    }

    /// Ready when a message may be received (`EFSM` when the type's state forbids receiving,
    /// `EAGAIN` once closed); else registers `cx` to be woken when one arrives.
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.readable_or_register(|| cx.waker().clone())
    }

    /// Ready as `poll_readable` says; else registers the waker `waker()` makes as the receive
    /// waker (waking the one it replaces, so that wait looks again).
    fn readable_or_register(&self, waker: impl FnOnce() -> Waker) -> Poll<Result<()>> {
        let mut st = self.shared.lock();
        if st.closed {
            return Poll::Ready(Err(EngineError::Again));
        }
        if let Err(e) = st.check_receive(self.shared.kind) {
            return Poll::Ready(Err(e));
        }
        if st.pipes.has_incoming() {
            return Poll::Ready(Ok(()));
        }
        if let Some(old) = st.recv_waiter.replace(waker()) {
            old.wake();
        }
        Poll::Pending
    }

    /// Runs `wait` on the engine runtime (which owns the timers) and hands its outcome to `done`
    /// there. If the runtime drops the task unfinished, `done` still gets `EAGAIN`.
    fn wait_on_runtime<F>(
        &self,
        wait: F,
        timeout: Option<Duration>,
        done: impl FnOnce(Result<()>) + Send + 'static,
    ) where
        F: Future<Output = Result<()>> + Send + 'static,
    {
        let mut done = Settle(Some(Box::new(done)));
        self.shared.rt.spawn(async move {
            let result = match timeout {
                Some(t) => tokio::time::timeout(t, wait)
                    .await
                    .unwrap_or(Err(EngineError::Again)),
                None => wait.await,
            };
            done.call(result);
        });
    }

    /// Calls `done` on the I/O thread once an event is waiting or the socket is closed.
    pub fn events_wait_then(&self, done: impl FnOnce(Result<()>) + Send + 'static) {
        let socket = self.clone();
        let wait = poll_fn(move |cx| {
            let mut st = socket.shared.lock();
            let closed = st.closed;
            match st.events.as_mut() {
                Some(events) if events.is_empty() && !closed => {
                    events.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
                _ => Poll::Ready(Ok(())),
            }
        });
        self.wait_on_runtime(wait, None, done);
    }
}

/// A waker that settles a wait: woken, it calls the callback with `Ok` (look again); dropped
/// unwoken (the socket went away), with `EAGAIN`. Woken on the I/O thread (a reader delivering,
/// under the socket's lock), it calls from a task of its own once the reader has yielded, as a
/// wait task did: called at once there, large messages measured 15% slower. Woken elsewhere (an
/// inproc sender's thread), it calls at once: that is the hop it saves.
struct CallOnWake(Mutex<Settle>);

impl Wake for CallOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut settle = Settle(self.0.lock().unwrap_or_else(|e| e.into_inner()).0.take());
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move { settle.call(Ok(())) });
            }
            Err(_) => settle.call(Ok(())),
        }
    }
}

/// A wait's completion callback, called exactly once: with the outcome, or with `EAGAIN` if
/// the task is dropped before it finishes (so a JS promise never stays pending forever).
struct Settle(Option<Box<dyn FnOnce(Result<()>) + Send>>);

impl Settle {
    fn call(&mut self, result: Result<()>) {
        if let Some(done) = self.0.take() {
            done(result);
        }
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        self.call(Err(EngineError::Again));
    }
}
