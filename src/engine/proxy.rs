//! Engine layer: the steerable proxy (zmq_proxy_steerable). Two tasks on the I/O runtime move
//! whole messages between the front and back ends, in batches, each socket routing them as its
//! type does; nothing crosses into JavaScript per message.
//! Invariants: a message taken from one end is offered to the other before the next batch; while
//! paused nothing is taken, so unread messages back-pressure their senders through the HWM.

use super::error::{EngineError, Result};
use super::kind::{RecvRouting, SendRouting};
use super::routing::Msg;
use super::socket::Socket;
use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use tokio::sync::oneshot;

/// Messages taken from one end per batch.
const BATCH_MSGS: usize = 256;
/// Bytes after which a batch stops growing.
const BATCH_BYTES: usize = 1 << 20;

/// A proxy between two sockets.
pub struct Proxy {
    front: Socket,
    back: Socket,
    control: Arc<Mutex<Control>>,
}

#[derive(Default)]
struct Control {
    running: bool,
    paused: bool,
    terminated: bool,
    /// Forwarding tasks parked while paused, and `run` waiting for a proxy with no direction.
    parked: Vec<Waker>,
}

impl Control {
    fn wake_all(&mut self) {
        for w in self.parked.drain(..) {
            w.wake();
        }
    }
}

impl Proxy {
    /// A proxy between `front` and `back`; nothing moves until `run`.
    pub fn new(front: Socket, back: Socket) -> Proxy {
        Proxy {
            front,
            back,
            control: Arc::default(),
        }
    }

    /// The front-end socket.
    pub fn front(&self) -> &Socket {
        &self.front
    }

    /// The back-end socket.
    pub fn back(&self) -> &Socket {
        &self.back
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        lock(&self.control)
    }

    /// Starts forwarding. Fails at once (`EINVAL`) when an end is closed or has no endpoint, or
    /// (`EFSM`) when already running; the future resolves once `terminate` has stopped it.
    pub fn run(&self) -> Result<impl Future<Output = Result<()>> + Send + 'static> {
        if !self.front.is_attached() {
            return Err(EngineError::Unattached("Front-end"));
        }
        if !self.back.is_attached() {
            return Err(EngineError::Unattached("Back-end"));
        }
        {
            let mut ctl = self.control();
            if ctl.running || ctl.terminated {
                return Err(EngineError::State);
            }
            ctl.running = true;
        }
        let rt = self.front.runtime();
        let mut tasks = Vec::new();
        for (from, to) in [
            (self.front.clone(), self.back.clone()),
            (self.back.clone(), self.front.clone()),
        ] {
            let moves = from.kind().info().recv != RecvRouting::None
                && to.kind().info().send != SendRouting::None;
            if moves {
                tasks.push(rt.spawn(forward(from, to, self.control.clone())));
            }
        }
        let control = self.control.clone();
        let (tx, rx) = oneshot::channel();
        rt.spawn(async move {
            for task in tasks {
                let _ = task.await;
            }
            // With nothing to forward (say, two sending-only ends) run lasts until terminate.
            poll_fn(|cx| {
                let mut ctl = lock(&control);
                if ctl.terminated {
                    Poll::Ready(())
                } else {
                    ctl.parked.push(cx.waker().clone());
                    Poll::Pending
                }
            })
            .await;
            lock(&control).running = false;
            let _ = tx.send(());
        });
        Ok(async move {
            let _ = rx.await;
            Ok(())
        })
    }

    /// Stops taking messages until `resume` (`EBADF` when not running).
    pub fn pause(&self) -> Result<()> {
        self.steer(|ctl| ctl.paused = true)
    }

    /// Forwards again after `pause` (`EBADF` when not running).
    pub fn resume(&self) -> Result<()> {
        self.steer(|ctl| ctl.paused = false)
    }

    /// Stops the proxy and closes both sockets; `run` then resolves (`EBADF` when not running).
    pub fn terminate(&self) -> Result<()> {
        self.steer(|ctl| ctl.terminated = true)?;
        self.front.close();
        self.back.close();
        Ok(())
    }

    fn steer(&self, change: impl FnOnce(&mut Control)) -> Result<()> {
        let mut ctl = self.control();
        if !ctl.running || ctl.terminated {
            return Err(EngineError::Closed);
        }
        change(&mut ctl);
        ctl.wake_all();
        Ok(())
    }
}

fn lock(control: &Mutex<Control>) -> MutexGuard<'_, Control> {
    control.lock().unwrap_or_else(|e| e.into_inner())
}

/// Moves messages from `from` to `to` until either closes or the proxy is terminated; then
/// ends the proxy, so `run` settles however it stopped.
async fn forward(from: Socket, to: Socket, control: Arc<Mutex<Control>>) {
    let mut batch: Vec<Msg> = Vec::new();
    'run: loop {
        let go = poll_fn(|cx| {
            let mut ctl = lock(&control);
            if ctl.terminated {
                return Poll::Ready(false);
            }
            if ctl.paused && !ctl.parked.iter().any(|w| w.will_wake(cx.waker())) {
                ctl.parked.push(cx.waker().clone());
            }
            let paused = ctl.paused;
            drop(ctl);
            // Registered even while paused, so closing `from` is noticed.
            match from.poll_readable(cx) {
                Poll::Ready(Err(_)) => Poll::Ready(false),
                Poll::Ready(Ok(())) if !paused => Poll::Ready(true),
                _ => Poll::Pending,
            }
        })
        .await;
        if !go
            || from
                .recv_batch(&mut batch, BATCH_MSGS, BATCH_BYTES)
                .is_err()
        {
            break;
        }
        for msg in batch.drain(..) {
            let sent = poll_fn(|cx| {
                if lock(&control).terminated {
                    return Poll::Ready(Err(EngineError::Closed));
                }
                to.poll_send(cx, &msg)
            })
            .await;
            // An unroutable message (a ROUTER peer gone, with `mandatory`) is dropped; only a
            // closed end or termination stops the proxy.
            if sent.is_err() && (to.is_closed() || lock(&control).terminated) {
                break 'run;
            }
        }
    }
    lock(&control).terminated = true;
    lock(&control).wake_all();
    from.wake_waiters();
    to.wake_waiters();
}

#[cfg(test)]
#[path = "proxy_tests.rs"]
mod tests;
