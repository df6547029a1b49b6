//! Engine layer, tests only: helpers the socket, dispatch and proxy tests share (bounded receive
//! and send over the real socket API, messages from text).

use super::routing::Msg;
use super::socket::Socket;
use bytes::Bytes;
use std::time::Duration;

/// A message whose frames are these texts.
pub fn msg(frames: &[&str]) -> Msg {
    frames
        .iter()
        .map(|f| Bytes::copy_from_slice(f.as_bytes()))
        .collect()
}

/// Each frame as text.
pub fn text(m: &Msg) -> Vec<String> {
    m.iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// The next message, waiting for it (at most 5 s).
pub async fn recv(s: &Socket) -> Msg {
    let wait = async {
        loop {
            let mut out = Vec::new();
            s.recv_batch(&mut out, 1, usize::MAX).unwrap();
            if let Some(m) = out.pop() {
                return m;
            }
            s.recv_wait().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("a message within 5 s")
}

/// Sends `m`, waiting for room (at most 5 s).
pub async fn send(s: &Socket, m: Msg) {
    tokio::time::timeout(Duration::from_secs(5), s.send_wait(m))
        .await
        .expect("sent within 5 s")
        .unwrap();
}

/// The events of an observed socket up to and including the first of kind `until` (at most 5 s).
pub async fn events_until(
    s: &Socket,
    until: super::events::EventKind,
) -> Vec<super::events::SocketEvent> {
    let mut seen = Vec::new();
    let wait = async {
        loop {
            s.take_events(&mut seen, 100);
            if seen.iter().any(|e| e.kind == until) {
                return;
            }
            let (tx, rx) = tokio::sync::oneshot::channel();
            s.events_wait_then(move |_| {
                let _ = tx.send(());
            });
            let _ = rx.await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("the event within 5 s");
    seen
}
