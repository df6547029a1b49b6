//! Engine layer tests: heartbeats against a hand-driven ZMTP peer that completes the handshake
//! and then answers or stays silent.

use super::super::codec::{encode_command, parse_command, Decoder};
use super::super::handshake::handshake;
use super::super::socket::Socket;
use super::super::{Opt, SocketType};
use bytes::BytesMut;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A bound PULL with `opts`, and a raw PUSH peer through the handshake.
async fn pull_and_raw_peer(opts: &[(Opt, i64)]) -> (Socket, TcpStream, BytesMut) {
    let pull = Socket::new(SocketType::Pull).unwrap();
    for (opt, value) in opts {
        pull.set_option(*opt, *value).unwrap();
    }
    let ep = pull.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let mut stream = TcpStream::connect(ep.trim_start_matches("tcp://"))
        .await
        .unwrap();
    let (mut r, mut w) = stream.split();
    let (_, leftover) = handshake(&mut r, &mut w, SocketType::Push, false, b"")
        .await
        .unwrap();
    (pull, stream, leftover)
}

/// Reads commands until the stream ends, returning their names and when it ended.
async fn commands_until_eof(stream: &mut TcpStream, mut buf: BytesMut) -> (Vec<String>, Instant) {
    let mut decoder = Decoder::new(None);
    let mut names = Vec::new();
    loop {
        while let Some(frame) = decoder.decode(&mut buf).unwrap() {
            if frame.command {
                names.push(parse_command(&frame.body).unwrap().name);
            }
        }
        buf.reserve(1024);
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return (names, Instant::now()),
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn a_silent_peer_is_dropped_after_the_timeout() {
    let (pull, mut stream, leftover) =
        pull_and_raw_peer(&[(Opt::HeartbeatInterval, 50), (Opt::HeartbeatTimeout, 150)]).await;
    let start = Instant::now();
    let (names, ended) = tokio::time::timeout(
        Duration::from_secs(5),
        commands_until_eof(&mut stream, leftover),
    )
    .await
    .expect("the silent peer is dropped");
    assert!(names.iter().any(|n| n == "PING"), "{names:?}");
    // The first PING goes out after 50 ms; silence is fatal 150 ms later.
    assert!(
        ended - start >= Duration::from_millis(150),
        "{:?}",
        ended - start
    );
    pull.close();
}

#[tokio::test]
async fn a_peer_that_keeps_talking_stays_connected() {
    let (pull, mut stream, _) = pull_and_raw_peer(&[(Opt::HeartbeatInterval, 30)]).await;
    // Empty messages every 10 ms for 300 ms: about ten PING intervals with traffic.
    for _ in 0..30 {
        stream.write_all(&[0, 0]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut out = Vec::new();
    pull.recv_batch(&mut out, 100, usize::MAX).unwrap();
    stream.write_all(&[0, 1, b'!']).await.unwrap();
    let got = loop {
        pull.recv_wait().await.unwrap();
        pull.recv_batch(&mut out, 100, usize::MAX).unwrap();
        if out.last().is_some_and(|m| &m[0][..] == b"!") {
            break out.len();
        }
    };
    assert_eq!(got, 31, "every message arrived over the one connection");
    pull.close();
}

#[tokio::test]
async fn a_peer_ttl_is_honoured() {
    // No heartbeat of our own: the peer's PING asks to be dropped after 200 ms of silence.
    let (pull, mut stream, leftover) = pull_and_raw_peer(&[]).await;
    let mut ping = BytesMut::new();
    encode_command(&mut ping, "PING", &[0, 2, b'c', b'x']);
    stream.write_all(&ping).await.unwrap();
    let start = Instant::now();
    let (names, ended) = tokio::time::timeout(
        Duration::from_secs(5),
        commands_until_eof(&mut stream, leftover),
    )
    .await
    .expect("dropped after the TTL");
    assert_eq!(names, ["PONG"]);
    assert!(
        ended - start >= Duration::from_millis(190),
        "{:?}",
        ended - start
    );
    pull.close();
}
