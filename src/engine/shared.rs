//! Engine layer: the state a socket shares with its background tasks, and the registry of those
//! tasks. Invariant: every task is registered before it runs and unregistered by a guard however
//! it ends, so close/linger can always find it and `wait_closed` can always finish.

use super::error::{EngineError, Result};
use super::events::EventQueue;
use super::kind::SocketType;
use super::options::Options;
use super::pubsub::PubSub;
use super::reqrep::Exchange;
use super::routing::{PipeId, Pipes};
use super::runtime;
use super::socket::Socket;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::task::Waker;
use tokio::runtime::Handle;
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// State shared between the user's handle and the socket's background tasks.
pub(crate) struct Shared {
    pub(crate) kind: SocketType,
    /// The JS environment the socket belongs to (`Socket::in_group`).
    pub(crate) group: u64,
    pub(crate) state: Mutex<State>,
    pub(crate) idle: Condvar,
    pub(crate) idle_async: Notify,
    pub(crate) rt: &'static Handle,
}

/// Everything about a socket that its user calls and its tasks both touch, under one lock.
pub(crate) struct State {
    pub(crate) opts: Options,
    pub(crate) closed: bool,
    pub(crate) pipes: Pipes,
    pub(crate) endpoints: Vec<EndpointEntry>,
    pub(crate) tasks: HashMap<u64, TaskEntry>,
    pub(crate) next_id: u64,
    pub(crate) send_waiter: Option<Waker>,
    pub(crate) recv_waiter: Option<Waker>,
    pub(crate) last_endpoint: Option<String>,
    /// REQ/REP state machine.
    pub(crate) exchange: Exchange,
    /// ROUTER: the counter behind generated routing ids.
    pub(crate) next_peer_id: u32,
    /// PUB/SUB/XPUB/XSUB subscriptions.
    pub(crate) pubsub: PubSub,
    /// Events, once someone observes the socket.
    pub(crate) events: Option<EventQueue>,
}

/// A random 32-bit value (std's per-process hash keys), so ids differ between runs and sockets.
pub(crate) fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    h.finish() as u32
}

/// A registered background task.
pub(crate) struct TaskEntry {
    abort: Option<AbortHandle>,
    pub(crate) endpoint: u64,
    pub(crate) listener: bool,
}

/// A bound or connected endpoint, with the names it can be unbound/disconnected by.
pub(crate) struct EndpointEntry {
    pub(crate) id: u64,
    pub(crate) names: Vec<String>,
    pub(crate) is_bind: bool,
    pub(crate) pipe: Option<PipeId>,
}

/// Live sockets with the group (one per JS environment) they belong to.
static LIVE: Mutex<Vec<(u64, Weak<Shared>)>> = Mutex::new(Vec::new());

/// Locks the registry of live sockets (poisoning ignored: it only holds weak pointers).
pub(crate) fn lock_live() -> MutexGuard<'static, Vec<(u64, Weak<Shared>)>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// Wakes a parked `send_wait` (a pipe got room, a peer arrived, or the socket closed).
    pub(crate) fn wake_sender(&mut self) {
        if let Some(w) = self.send_waiter.take() {
            w.wake();
        }
    }

    /// Wakes a parked `recv_wait`.
    pub(crate) fn wake_receiver(&mut self) {
        if let Some(w) = self.recv_waiter.take() {
            w.wake();
        }
    }

    pub(crate) fn take_endpoint(&mut self, name: &str, is_bind: bool) -> Result<EndpointEntry> {
        let index = self
            .endpoints
            .iter()
            .position(|e| e.is_bind == is_bind && e.names.iter().any(|n| n == name))
            .ok_or(EngineError::NoSuchEndpoint)?;
        Ok(self.endpoints.remove(index))
    }

    /// Abort handles of the tasks serving one endpoint.
    pub(crate) fn tasks_where(&self, pick: impl Fn(&TaskEntry) -> bool) -> Vec<AbortHandle> {
        self.tasks
            .values()
            .filter(|t| pick(t))
            .filter_map(|t| t.abort.clone())
            .collect()
    }
}

impl Shared {
    /// A fresh, open socket state with default options.
    pub(crate) fn new(kind: SocketType, group: u64, rt: &'static Handle) -> Arc<Shared> {
        Arc::new(Shared {
            kind,
            group,
            state: Mutex::new(State {
                opts: Options::default(),
                closed: false,
                pipes: Pipes::default(),
                endpoints: Vec::new(),
                tasks: HashMap::new(),
                next_id: 0,
                send_waiter: None,
                recv_waiter: None,
                last_endpoint: None,
                exchange: Exchange::new(random_u32()),
                next_peer_id: random_u32(),
                pubsub: PubSub::default(),
                events: None,
            }),
            idle: Condvar::new(),
            idle_async: Notify::new(),
            rt,
        })
    }

    /// What an inproc carrier calls when its reader makes room: wakes this socket's senders.
    pub(crate) fn on_room(self: &Arc<Self>) -> super::carrier::OnRoom {
        let weak = Arc::downgrade(self);
        Arc::new(move || {
            if let Some(shared) = weak.upgrade() {
                shared.lock().wake_sender();
            }
        })
    }

    /// Locks the state; a panic elsewhere must not wedge the socket, so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spawns a registered background task for `endpoint`. A panic inside it closes the socket.
    pub(crate) fn spawn_task<F>(self: &Arc<Self>, endpoint: u64, listener: bool, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let id = {
            let mut st = self.lock();
            st.next_id += 1;
            let id = st.next_id;
            st.tasks.insert(
                id,
                TaskEntry {
                    abort: None,
                    endpoint,
                    listener,
                },
            );
            id
        };
        let guard = TaskGuard {
            shared: self.clone(),
            id,
        };
        let handle = self.rt.spawn(async move {
            let guard = guard;
            if let Err(panic) = runtime::CatchUnwind(Box::pin(fut)).await {
                guard.shared.fail(&panic);
            }
        });
        if let Some(entry) = self.lock().tasks.get_mut(&id) {
            entry.abort = Some(handle.abort_handle());
        }
    }

    /// A background task panicked: report it and close the socket so nothing waits forever.
    fn fail(self: &Arc<Self>, panic: &str) {
        runtime::warn(&format!("internal error, closing the socket: {panic}"));
        Socket::from_shared(self.clone()).close_now();
    }

    pub(crate) fn abort_all(&self) {
        let handles = {
            let mut st = self.lock();
            // Whatever inproc peers were given stays theirs to read; then they see the end.
            st.pipes.close_carriers(true);
            st.tasks_where(|_| true)
        };
        for h in handles {
            h.abort();
        }
    }
}

/// Unregisters a task when it ends, however it ends (finish, abort, panic).
struct TaskGuard {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.tasks.remove(&self.id);
        if st.tasks.is_empty() {
            drop(st);
            self.shared.idle.notify_all();
            self.shared.idle_async.notify_waiters();
        }
    }
}
