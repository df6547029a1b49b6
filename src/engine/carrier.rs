//! Engine layer: one direction of an inproc connection. Whole messages go from the sending
//! socket's pipe to the receiving socket's reader with no encoding, and lent frames (JS Buffers)
//! go by reference when both sockets live in one JS environment.
//! Invariants: the sender never holds more than its high-water mark in `data` (control messages
//! are not counted); after the close, the reader still drains what was queued before it and then
//! sees the end, so a sender that closes with linger 0 loses nothing it already sent, as with
//! libzmq's inproc pipes. The carrier's lock is never held while a socket's lock is taken.

use super::outqueue::LEND_MIN;
use super::routing::Msg;
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Waker};

/// Called when a reader makes room in a carrier its sender found full (wakes the sender's waits).
pub type OnRoom = Arc<dyn Fn() + Send + Sync>;
/// Moves what a carrier holds into its receiving socket (see `Carrier::set_deliver`).
pub type Deliver = Arc<dyn Fn() + Send + Sync>;

/// What `Carrier::take` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// Messages were moved; `room_freed`: the sender was waiting for room (`notify_room`).
    Got { room_freed: bool },
    /// The sender closed and everything was taken.
    End,
    /// Nothing yet.
    Empty,
}

thread_local! {
    /// Carriers this thread queued data in since it last delivered (see `deliver_touched`).
    static TOUCHED: std::cell::RefCell<Vec<Arc<Carrier>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Delivers what this thread's sends queued in carriers straight into the receiving sockets, so
/// a receiver in this thread (or waiting in another) gets it with no hop through the I/O thread.
/// Called by the send paths once the sender's lock is released: the receiver's lock is taken here.
pub fn deliver_touched() {
    let touched = TOUCHED.with(|t| std::mem::take(&mut *t.borrow_mut()));
    for carrier in touched {
        let deliver = carrier.lock().deliver.clone();
        if let Some(deliver) = deliver {
            deliver();
        }
    }
}

/// The queue both sides share; the receiving side holds it as `Arc<Carrier>`.
pub struct Carrier {
    state: Mutex<State>,
    on_room: OnRoom,
}

#[derive(Default)]
struct State {
    /// Messages that go ahead of `data` (probe, welcome, subscriptions), not counted by the HWM.
    control: VecDeque<Msg>,
    data: VecDeque<Msg>,
    closed: bool,
    /// The receiving connection, parked while both queues are empty.
    reader: Option<Waker>,
    /// The sender found `data` at its high-water mark: tell it when there is room again.
    blocked: bool,
    /// Lent frames may be passed by reference: true until a peer of another JS environment is
    /// known (so a connect before the bind keeps the Buffers, as zeromq.js does).
    shares: bool,
    /// Set once the receiving side is attached (see `set_deliver`).
    deliver: Option<Deliver>,
}

impl Carrier {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves up to `max` messages (control first) into `out`. With `cx`, an empty open carrier
    /// parks the reader until the next message or the close. A caller holding a socket's lock
    /// calls `notify_room` after releasing it when `Got { room_freed }` says so.
    pub fn take(&self, cx: Option<&mut Context<'_>>, max: usize, out: &mut Vec<Msg>) -> Taken {
        let mut st = self.lock();
        let before = out.len();
        while out.len() - before < max {
            match st.control.pop_front().or_else(|| st.data.pop_front()) {
                Some(msg) => out.push(msg),
                None => break,
            }
        }
        if out.len() > before {
            let room_freed = std::mem::take(&mut st.blocked);
            return Taken::Got { room_freed };
        }
        if st.closed {
            return Taken::End;
        }
        if let Some(cx) = cx {
            st.reader = Some(cx.waker().clone());
        }
        Taken::Empty
    }

    /// Tells the sender there is room again (see `take`). Locks the sender's socket.
    pub fn notify_room(&self) {
        (self.on_room)();
    }

    /// Has `deliver` called after each send that queued data here, on the sender's thread once
    /// it released its socket (see `deliver_touched`).
    pub fn set_deliver(&self, deliver: Deliver) {
        self.lock().deliver = Some(deliver);
    }

    /// Whether lent frames may be queued by reference.
    pub fn shares(&self) -> bool {
        self.lock().shares
    }
}

/// The sending end, owned by the sender's pipe. Dropping it closes the carrier.
pub struct OutCarrier {
    inner: Arc<Carrier>,
}

impl std::fmt::Debug for OutCarrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutCarrier")
    }
}

impl OutCarrier {
    /// A new, open carrier; `on_room` wakes the owning socket's senders.
    pub fn new(on_room: OnRoom) -> Self {
        OutCarrier {
            inner: Arc::new(Carrier {
                state: Mutex::new(State {
                    shares: true,
                    ..State::default()
                }),
                on_room,
            }),
        }
    }

    /// A fresh carrier for the owner's next connection (this one's reader is gone or going).
    pub fn renewed(&self) -> Self {
        Self::new(self.inner.on_room.clone())
    }

    /// The receiving end, for the peer.
    pub fn receiver(&self) -> Arc<Carrier> {
        self.inner.clone()
    }

    /// Lets lent frames go by reference (both ends in one JS environment) or not; when not, the
    /// frames queued so far that may be lent are copied now, before the peer can see them.
    pub fn set_shares(&self, shares: bool) {
        let mut st = self.inner.lock();
        if st.shares && !shares {
            let State { control, data, .. } = &mut *st;
            for frame in control.iter_mut().chain(data.iter_mut()).flatten() {
                if frame.len() >= LEND_MIN {
                    *frame = Bytes::copy_from_slice(frame);
                }
            }
        }
        st.shares = shares;
    }

    /// Whether lent frames may be queued by reference.
    pub fn shares(&self) -> bool {
        self.inner.shares()
    }

    /// Data messages queued.
    pub fn len(&self) -> usize {
        self.inner.lock().data.len()
    }

    /// Whether nothing at all is queued.
    pub fn is_empty(&self) -> bool {
        let st = self.inner.lock();
        st.data.is_empty() && st.control.is_empty()
    }

    /// Whether a data message fits below `hwm`; when not, the reader will report room.
    pub fn has_room(&self, hwm: usize) -> bool {
        let mut st = self.inner.lock();
        let room = st.data.len() < hwm;
        st.blocked |= !room;
        room
    }

    /// Queues a data message (replacing what is unread, under `conflate`).
    pub fn push(&self, msg: Msg, conflate: bool) {
        let mut st = self.inner.lock();
        if conflate {
            st.data.clear();
        }
        st.data.push_back(msg);
        let deliverable = st.deliver.is_some();
        wake(&mut st);
        drop(st);
        if deliverable {
            TOUCHED.with(|t| {
                let mut t = t.borrow_mut();
                if !t.last().is_some_and(|c| Arc::ptr_eq(c, &self.inner)) {
                    t.push(self.inner.clone());
                }
            });
        }
    }

    /// Queues a message ahead of the data messages.
    pub fn push_control(&self, msg: Msg) {
        let mut st = self.inner.lock();
        st.control.push_back(msg);
        wake(&mut st);
    }
}

fn wake(st: &mut State) {
    if let Some(w) = st.reader.take() {
        w.wake();
    }
}

impl Drop for OutCarrier {
    fn drop(&mut self) {
        let mut st = self.inner.lock();
        st.closed = true;
        wake(&mut st);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn msg(s: &'static str) -> Msg {
        vec![Bytes::from_static(s.as_bytes())]
    }

    #[test]
    fn control_goes_first_and_the_end_comes_after_the_rest() {
        let rooms = Arc::new(AtomicUsize::new(0));
        let counter = rooms.clone();
        let out = OutCarrier::new(Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        let reader = out.receiver();
        out.push(msg("a"), false);
        assert!(!out.has_room(1));
        out.push_control(msg("probe"));
        drop(out);
        let mut got = Vec::new();
        assert_eq!(
            reader.take(None, 10, &mut got),
            Taken::Got { room_freed: true }
        );
        assert_eq!(got, vec![msg("probe"), msg("a")]);
        reader.notify_room();
        assert_eq!(rooms.load(Ordering::SeqCst), 1);
        assert_eq!(reader.take(None, 10, &mut got), Taken::End);
    }

    #[test]
    fn conflate_keeps_only_the_newest() {
        let out = OutCarrier::new(Arc::new(|| {}));
        out.push(msg("a"), true);
        out.push(msg("b"), true);
        assert_eq!(out.len(), 1);
        let waker = Waker::noop().clone();
        let mut cx = Context::from_waker(&waker);
        let mut got = Vec::new();
        let taken = out.receiver().take(Some(&mut cx), 1, &mut got);
        assert_eq!(taken, Taken::Got { room_freed: false });
        assert_eq!(got, vec![msg("b")]);
        assert_eq!(
            out.receiver().take(Some(&mut cx), 1, &mut got),
            Taken::Empty
        );
    }

    #[test]
    fn a_peer_elsewhere_gets_copies_of_what_was_queued() {
        let out = OutCarrier::new(Arc::new(|| {}));
        let big = Bytes::from(vec![7u8; LEND_MIN]);
        out.push(vec![big.clone()], false);
        out.set_shares(false);
        let mut got = Vec::new();
        let taken = out.receiver().take(None, 1, &mut got);
        assert_eq!(taken, Taken::Got { room_freed: false });
        assert_eq!(got[0][0], big);
        assert_ne!(got[0][0].as_ptr(), big.as_ptr());
    }
}
