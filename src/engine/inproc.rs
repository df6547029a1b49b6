//! Engine layer: `inproc://name` between sockets of one process (any thread or worker): a
//! process-wide registry of bound names, each connection an in-memory byte stream carrying ZMTP,
//! so every socket type works as over tcp, with no system calls. Invariants: a name is bound by at
//! most one listener at a time, and is free again once that listener is dropped.

use std::collections::HashMap;
use std::io;
use std::sync::{Mutex, MutexGuard};
use tokio::io::DuplexStream;
use tokio::sync::{mpsc, Notify};

/// Bytes buffered in each direction of an inproc connection.
const BUFFER: usize = 256 * 1024;

/// Each bound name with its listener's id and the way to hand it new connections.
type Registry = HashMap<String, (u64, mpsc::UnboundedSender<DuplexStream>)>;

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
    incoming: tokio::sync::Mutex<mpsc::UnboundedReceiver<DuplexStream>>,
}

/// Binds `name`; `None` if it is taken.
pub fn bind(name: &str) -> Option<InprocListener> {
    let mut guard = registry();
    let map = guard.get_or_insert_with(HashMap::new);
    if map.contains_key(name) {
        return None;
    }
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (tx, rx) = mpsc::unbounded_channel();
    map.insert(name.to_owned(), (id, tx));
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
    pub async fn accept(&self) -> io::Result<DuplexStream> {
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
            if map.get(&self.name).is_some_and(|(id, _)| *id == self.id) {
                map.remove(&self.name);
            }
        }
    }
}

/// Connects to the listener bound at `name` (`ConnectionRefused` if none is).
pub fn connect(name: &str) -> io::Result<DuplexStream> {
    let guard = registry();
    let (_, tx) = guard
        .as_ref()
        .and_then(|map| map.get(name))
        .ok_or_else(|| io::Error::from(io::ErrorKind::ConnectionRefused))?;
    let (ours, theirs) = tokio::io::duplex(BUFFER);
    tx.send(theirs)
        .map_err(|_| io::Error::from(io::ErrorKind::ConnectionRefused))?;
    Ok(ours)
}

/// Resolves at the next inproc bind anywhere in the process.
pub async fn next_bind() {
    BOUND.notified().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn names_bind_once_and_connect_in_memory() {
        assert!(connect("inproc-test-a").is_err());
        let listener = bind("inproc-test-a").unwrap();
        assert!(bind("inproc-test-a").is_none());
        let mut ours = connect("inproc-test-a").unwrap();
        let mut theirs = listener.accept().await.unwrap();
        ours.write_all(b"ping").await.unwrap();
        let mut got = [0u8; 4];
        theirs.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        drop(listener);
        assert!(connect("inproc-test-a").is_err());
        let again = bind("inproc-test-a");
        assert!(again.is_some());
    }
}
