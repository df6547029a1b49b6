//! Engine layer: `inproc://name` between sockets of one process (any thread or worker): a
//! process-wide registry of bound names. A connection is a pair of one-shot hellos (socket type,
//! routing id, and the carrier each side sends its messages in; see `carrier.rs`), so no bytes
//! are encoded and no system call is made. Invariants: a name is bound by at most one listener at
//! a time, and is free again once that listener is dropped.

use super::carrier::Carrier;
use super::kind::SocketType;
use bytes::Bytes;
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, oneshot, Notify};

/// What each side of an inproc connection tells the other in place of a ZMTP handshake.
pub struct Hello {
    /// The sender's socket type.
    pub kind: SocketType,
    /// The sender's routing id (empty when it has none to announce).
    pub identity: Bytes,
    /// Where the sender's messages arrive.
    pub carrier: Arc<Carrier>,
}

/// One side of a new inproc connection. Dropping it unanswered tells the other side it failed.
pub struct InprocLink {
    /// Our hello, for the peer (taken once it is sent).
    pub to_peer: Option<oneshot::Sender<Hello>>,
    /// The peer's hello.
    pub from_peer: oneshot::Receiver<Hello>,
    /// The peer's JS environment: lent Buffers are shared only within one, since a Buffer
    /// must not outlive the isolate that owns its memory. Known before any hello is sent.
    pub peer_group: u64,
}

/// Each bound name with its listener's id and the way to hand it new connections.
/// Each bound name with its listener's id, its socket's JS environment, and the way to hand it
/// new connections.
type Registry = HashMap<String, (u64, u64, mpsc::UnboundedSender<InprocLink>)>;

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);
/// Woken by every inproc bind, so connectors waiting for a name try again at once.
static BOUND: Notify = Notify::const_new();

fn registry() -> MutexGuard<'static, Option<Registry>> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A bound inproc name: connections arrive as the other end of their stream.
pub struct InprocListener {
    name: String,
    id: u64,
    incoming: tokio::sync::Mutex<mpsc::UnboundedReceiver<InprocLink>>,
}

/// Binds `name` for a socket of JS environment `group`; `None` if it is taken.
pub fn bind(name: &str, group: u64) -> Option<InprocListener> {
    let mut guard = registry();
    let map = guard.get_or_insert_with(HashMap::new);
    if map.contains_key(name) {
        return None;
    }
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (tx, rx) = mpsc::unbounded_channel();
    map.insert(name.to_owned(), (id, group, tx));
    drop(guard);
    BOUND.notify_waiters();
    Some(InprocListener {
        name: name.to_owned(),
        id,
        incoming: tokio::sync::Mutex::new(rx),
    })
}

impl InprocListener {
    /// The next connection.
    pub async fn accept(&self) -> io::Result<InprocLink> {
        self.incoming
            .lock()
            .await
            .recv()
            .await
            .ok_or_else(|| io::Error::from(io::ErrorKind::ConnectionAborted))
    }
}

impl Drop for InprocListener {
    fn drop(&mut self) {
        let mut guard = registry();
        if let Some(map) = guard.as_mut() {
            if map.get(&self.name).is_some_and(|(id, _, _)| *id == self.id) {
                map.remove(&self.name);
            }
        }
    }
}

/// Connects a socket of JS environment `group` to the listener bound at `name`
/// (`ConnectionRefused` if none is).
pub fn connect(name: &str, group: u64) -> io::Result<InprocLink> {
    let guard = registry();
    let (_, their_group, tx) = guard
        .as_ref()
        .and_then(|map| map.get(name))
        .ok_or_else(|| io::Error::from(io::ErrorKind::ConnectionRefused))?;
    let (to_them, from_us) = oneshot::channel();
    let (to_us, from_them) = oneshot::channel();
    let theirs = InprocLink {
        to_peer: Some(to_us),
        from_peer: from_us,
        peer_group: group,
    };
    tx.send(theirs)
        .map_err(|_| io::Error::from(io::ErrorKind::ConnectionRefused))?;
    Ok(InprocLink {
        to_peer: Some(to_them),
        from_peer: from_them,
        peer_group: *their_group,
    })
}

/// Whether a socket of JS environment `group` has bound `name`.
pub fn is_bound_in(name: &str, group: u64) -> bool {
    registry()
        .as_ref()
        .and_then(|map| map.get(name))
        .is_some_and(|(_, their_group, _)| *their_group == group)
}

/// Resolves at the next inproc bind anywhere in the process.
pub async fn next_bind() {
    BOUND.notified().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::carrier::OutCarrier;

    #[tokio::test]
    async fn names_bind_once_and_connect_in_memory() {
        assert!(connect("inproc-test-a", 1).is_err());
        let listener = bind("inproc-test-a", 7).unwrap();
        assert!(bind("inproc-test-a", 1).is_none());
        let ours = connect("inproc-test-a", 1).unwrap();
        let theirs = listener.accept().await.unwrap();
        assert_eq!((ours.peer_group, theirs.peer_group), (7, 1));
        let out = OutCarrier::new(Arc::new(|| {}));
        let hello = Hello {
            kind: SocketType::Push,
            identity: Bytes::from_static(b"id"),
            carrier: out.receiver(),
        };
        assert!(ours.to_peer.unwrap().send(hello).is_ok());
        let got = theirs.from_peer.await.unwrap();
        assert_eq!(
            (got.kind, &got.identity[..]),
            (SocketType::Push, &b"id"[..])
        );
        // A side that gives up tells the other at once.
        drop(theirs.to_peer.unwrap());
        assert!(ours.from_peer.await.is_err());
        drop(listener);
        assert!(connect("inproc-test-a", 1).is_err());
        let again = bind("inproc-test-a", 1);
        assert!(again.is_some());
    }
}
