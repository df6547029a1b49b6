//! Interop tests: multipart PUSH/PULL between our engine and zmq.rs (the `zeromq` crate),
//! both directions, either side binding, over tcp and ipc.

use bytes::Bytes;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use zeromq::{Socket as _, SocketEvent, SocketRecv as _, SocketSend as _, ZmqMessage};
use zeromq_rs::engine::{Msg, Socket, SocketType};

/// Messages per test, checked in order.
const COUNT: usize = 1000;

#[derive(Clone, Copy)]
enum Transport {
    Tcp,
    Ipc,
}

/// An address to bind: wildcard tcp ports in each library's spelling, or a fresh ipc path.
fn bind_addr(transport: Transport, ours: bool) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    match transport {
        Transport::Tcp if ours => "tcp://127.0.0.1:*".to_owned(),
        Transport::Tcp => "tcp://127.0.0.1:0".to_owned(),
        Transport::Ipc => {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let name = format!("zmqrs-interop-{}-{n}.sock", std::process::id());
            format!("ipc://{}", std::env::temp_dir().join(name).display())
        }
    }
}

/// Removes an ipc socket file when dropped, even if the test fails.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(path) = self.0.strip_prefix("ipc://") {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Message `i`: text, a sequence number, an empty frame, binary bytes (NUL, 0xff, CR LF...),
/// sometimes a leading empty frame, a trailing empty frame, or a frame over 64 KiB (long frames).
fn message(i: usize) -> Msg {
    let mut msg = Vec::new();
    if i.is_multiple_of(3) {
        msg.push(Bytes::new());
    }
    msg.push(Bytes::from_static(b"interop"));
    msg.push(Bytes::copy_from_slice(&(i as u32).to_be_bytes()));
    msg.push(Bytes::new());
    msg.push(Bytes::from(vec![
        0x00, 0xff, 0x80, 0x7f, b'\r', b'\n', i as u8, 0x00,
    ]));
    if i.is_multiple_of(100) {
        msg.push(Bytes::from(vec![i as u8; 70_000]));
    }
    if i % 2 == 1 {
        msg.push(Bytes::new());
    }
    msg
}

/// Runs a test body, failing it instead of hanging.
async fn within_limit(body: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(20), body)
        .await
        .expect("test timed out after 20 s");
}

async fn our_send_all(push: &Socket) {
    for i in 0..COUNT {
        if let Some(msg) = push.try_send(message(i)).expect("our try_send") {
            push.send_wait(msg).await.expect("our send_wait");
        }
    }
}

async fn our_recv_all(pull: &Socket) {
    let mut next = 0;
    let mut batch = Vec::new();
    while next < COUNT {
        pull.recv_batch(&mut batch, COUNT - next, 256 * 1024)
            .expect("our recv_batch");
        if batch.is_empty() {
            pull.recv_wait().await.expect("our recv_wait");
        }
        for msg in batch.drain(..) {
            assert_eq!(msg, message(next), "our PULL: message {next} differs");
            next += 1;
        }
    }
}

async fn their_send_all(push: &mut zeromq::PushSocket) {
    for i in 0..COUNT {
        let msg = ZmqMessage::try_from(message(i)).expect("non-empty message");
        push.send(msg).await.expect("zmq.rs send");
    }
}

async fn their_recv_all(pull: &mut zeromq::PullSocket) {
    for i in 0..COUNT {
        let msg = pull.recv().await.expect("zmq.rs recv").into_vec();
        assert_eq!(msg, message(i), "zmq.rs PULL: message {i} differs");
    }
}

/// Our PUSH sends to their PULL; `we_bind` picks the listening side.
async fn ours_to_theirs(transport: Transport, we_bind: bool) {
    let push = Socket::new(SocketType::Push).unwrap();
    let mut pull = zeromq::PullSocket::new();
    let addr = bind_addr(transport, we_bind);
    let _cleanup = Cleanup(addr.clone());
    if we_bind {
        let endpoint = push.bind(&addr).unwrap().await.expect("our bind");
        // zmq.rs connect returns once the ZMTP handshake with us is done.
        pull.connect(&endpoint).await.expect("zmq.rs connect");
    } else {
        let endpoint = pull.bind(&addr).await.expect("zmq.rs bind").to_string();
        // Our connect queues sends until the peer is up.
        push.connect(&endpoint).expect("our connect");
    }
    let sender = async {
        our_send_all(&push).await;
        push.close();
        push.wait_closed().await;
    };
    tokio::join!(sender, their_recv_all(&mut pull));
    pull.close().await;
}

/// Their PUSH sends to our PULL; `we_bind` picks the listening side.
async fn theirs_to_ours(transport: Transport, we_bind: bool) {
    let pull = Socket::new(SocketType::Pull).unwrap();
    let mut push = zeromq::PushSocket::new();
    let addr = bind_addr(transport, we_bind);
    let _cleanup = Cleanup(addr.clone());
    if we_bind {
        let endpoint = pull.bind(&addr).unwrap().await.expect("our bind");
        push.connect(&endpoint).await.expect("zmq.rs connect");
    } else {
        let mut monitor = push.monitor();
        let endpoint = push.bind(&addr).await.expect("zmq.rs bind").to_string();
        pull.connect(&endpoint).expect("our connect");
        // A zmq.rs PUSH with no peer refuses to send, so wait until it has accepted us.
        while !matches!(
            monitor.recv().await.expect("zmq.rs monitor"),
            SocketEvent::Accepted(..)
        ) {}
    }
    tokio::join!(their_send_all(&mut push), our_recv_all(&pull));
    pull.close();
    push.close().await;
}

#[tokio::test]
async fn tcp_our_push_binds_their_pull_connects() {
    within_limit(ours_to_theirs(Transport::Tcp, true)).await;
}

#[tokio::test]
async fn tcp_our_push_connects_their_pull_binds() {
    within_limit(ours_to_theirs(Transport::Tcp, false)).await;
}

#[tokio::test]
async fn tcp_their_push_connects_our_pull_binds() {
    within_limit(theirs_to_ours(Transport::Tcp, true)).await;
}

#[tokio::test]
async fn tcp_their_push_binds_our_pull_connects() {
    within_limit(theirs_to_ours(Transport::Tcp, false)).await;
}

#[tokio::test]
async fn ipc_our_push_binds_their_pull_connects() {
    within_limit(ours_to_theirs(Transport::Ipc, true)).await;
}

#[tokio::test]
async fn ipc_our_push_connects_their_pull_binds() {
    within_limit(ours_to_theirs(Transport::Ipc, false)).await;
}

#[tokio::test]
async fn ipc_their_push_connects_our_pull_binds() {
    within_limit(theirs_to_ours(Transport::Ipc, true)).await;
}

#[tokio::test]
async fn ipc_their_push_binds_our_pull_connects() {
    within_limit(theirs_to_ours(Transport::Ipc, false)).await;
}
