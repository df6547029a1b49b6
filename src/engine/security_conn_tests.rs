//! Engine layer tests: PLAIN and CURVE end to end between two sockets over tcp, with a ZAP
//! handler on inproc where the test needs one (each test in a group of its own, so handlers do
//! not meet).

use crate::engine::events::{EventKind, SocketEvent};
use crate::engine::kind::SocketType;
use crate::engine::options::Opt;
use crate::engine::security::{curve_key_pair, SecOpt, SecValue};
use crate::engine::socket::Socket;
use crate::engine::test_util::{events_until, msg, recv, send, text};
use bytes::Bytes;
use std::time::Duration;

fn key(k: [u8; 32]) -> SecValue {
    SecValue::Bytes(Bytes::copy_from_slice(&k))
}

fn pair_in(group: u64) -> (Socket, Socket) {
    let a = Socket::in_group(SocketType::Pair, group).unwrap();
    let b = Socket::in_group(SocketType::Pair, group).unwrap();
    for s in [&a, &b] {
        s.set_option(Opt::Linger, 0).unwrap();
    }
    (a, b)
}

/// The first event of `kind` on an observed socket (at most 5 s).
async fn event(s: &Socket, kind: EventKind) -> SocketEvent {
    let seen = events_until(s, kind).await;
    seen.into_iter().find(|e| e.kind == kind).expect("found")
}

/// A PAIR in `group` that is a CURVE client of the server whose public key is `server_key`.
fn curve_client(group: u64, server_key: [u8; 32]) -> Socket {
    let (public, secret) = curve_key_pair();
    let client = Socket::in_group(SocketType::Pair, group).unwrap();
    client.set_option(Opt::Linger, 0).unwrap();
    for (opt, value) in [
        (SecOpt::CurveServerKey, server_key),
        (SecOpt::CurvePublicKey, public),
        (SecOpt::CurveSecretKey, secret),
    ] {
        client.set_security(opt, key(value)).unwrap();
    }
    client
}

/// A CURVE server PAIR in `group`, with its public key.
fn curve_server(group: u64) -> (Socket, [u8; 32]) {
    let (public, secret) = curve_key_pair();
    let server = Socket::in_group(SocketType::Pair, group).unwrap();
    server.set_option(Opt::Linger, 0).unwrap();
    server
        .set_security(SecOpt::CurveServer, SecValue::Bool(true))
        .unwrap();
    server
        .set_security(SecOpt::CurveSecretKey, key(secret))
        .unwrap();
    (server, public)
}

/// A CURVE server and a client that uses `wrong_key` as the server key, or the right one.
fn curve_sockets(group: u64, wrong_key: Option<[u8; 32]>) -> (Socket, Socket) {
    let (server, public) = curve_server(group);
    (server, curve_client(group, wrong_key.unwrap_or(public)))
}

#[tokio::test]
async fn curve_carries_messages_both_ways_with_heartbeats() {
    let (server, client) = curve_sockets(9101, None);
    for s in [&server, &client] {
        s.set_option(Opt::HeartbeatInterval, 20).unwrap();
        // A PING unanswered for 60 ms drops the peer: PONGs must make it through the boxes.
        s.set_option(Opt::HeartbeatTimeout, 60).unwrap();
        s.observe();
    }
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    client.connect(&ep).unwrap();
    send(&client, msg(&["multi", "", "part"])).await;
    assert_eq!(text(&recv(&server).await), ["multi", "", "part"]);
    let big = Bytes::from(vec![7u8; 200_000]);
    send(&server, vec![big.clone()]).await;
    assert_eq!(recv(&client).await, vec![big]);
    // Idle for several heartbeat timeouts: only boxed PINGs and PONGs keep the connection. A
    // drop would show as a disconnect event (absence needs a window; no ordering depends on it).
    tokio::time::sleep(Duration::from_millis(200)).await;
    for s in [&server, &client] {
        let mut seen = Vec::new();
        s.take_events(&mut seen, 100);
        assert!(
            seen.iter().all(|e| e.kind != EventKind::Disconnect),
            "{seen:?}"
        );
    }
    send(&client, msg(&["after pings"])).await;
    assert_eq!(text(&recv(&server).await), ["after pings"]);
    server.close();
    client.close();
}

#[tokio::test]
async fn curve_with_the_wrong_server_key_is_refused() {
    let (other, _) = curve_key_pair();
    let (server, client) = curve_sockets(9102, Some(other));
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    client.connect(&ep).unwrap();
    let e = event(&server, EventKind::HandshakeErrorProtocol).await;
    assert_eq!(e.error.unwrap().code(), "ERR_ZMTP_CRYPTOGRAPHIC");
    server.close();
    client.close();
}

#[tokio::test]
async fn mechanism_mismatch_is_reported_on_both_sides() {
    let (a, b) = pair_in(9103);
    a.set_security(SecOpt::PlainServer, SecValue::Bool(true))
        .unwrap();
    b.set_security(SecOpt::CurveServer, SecValue::Bool(true))
        .unwrap();
    a.observe();
    b.observe();
    let ep = a.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    b.connect(&ep).unwrap();
    for s in [&a, &b] {
        let e = event(s, EventKind::HandshakeErrorProtocol).await;
        assert_eq!(e.error.unwrap().code(), "ERR_ZMTP_MECHANISM_MISMATCH");
    }
    a.close();
    b.close();
}

/// A ZAP handler in `group` admitting PLAIN user "admin" with password "secret" as "Admin".
async fn zap_handler(group: u64) -> Socket {
    let zap = Socket::in_group(SocketType::Router, group).unwrap();
    zap.set_option(Opt::Linger, 0).unwrap();
    zap.bind("inproc://zeromq.zap.01").unwrap().await.unwrap();
    let handler = zap.clone();
    tokio::spawn(async move {
        loop {
            let mut got = Vec::new();
            if handler.recv_batch(&mut got, 16, usize::MAX).is_err() {
                return;
            }
            for req in got {
                // [peer, "", "1.0", id, domain, address, identity, mechanism, user, password]
                let ok = req.len() == 10
                    && &req[7][..] == b"PLAIN"
                    && &req[8][..] == b"admin"
                    && &req[9][..] == b"secret";
                let status: &[u8] = if ok { b"200" } else { b"400" };
                let reply = vec![
                    req[0].clone(),
                    Bytes::new(),
                    req[2].clone(),
                    req[3].clone(),
                    Bytes::copy_from_slice(status),
                    Bytes::new(),
                    Bytes::from_static(b"Admin"),
                    Bytes::new(),
                ];
                if handler.try_send(reply).is_err() {
                    return;
                }
            }
            if handler.recv_wait().await.is_err() || handler.is_closed() {
                return;
            }
        }
    });
    zap
}

#[tokio::test]
async fn plain_with_zap_admits_good_credentials_and_refuses_bad_ones() {
    let zap = zap_handler(9104).await;
    let (server, good) = pair_in(9104);
    server
        .set_security(SecOpt::PlainServer, SecValue::Bool(true))
        .unwrap();
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    good.set_security(SecOpt::PlainUsername, SecValue::Bytes("admin".into()))
        .unwrap();
    good.set_security(SecOpt::PlainPassword, SecValue::Bytes("secret".into()))
        .unwrap();
    good.connect(&ep).unwrap();
    send(&good, msg(&["let me in"])).await;
    assert_eq!(text(&recv(&server).await), ["let me in"]);
    good.close();

    let bad = Socket::in_group(SocketType::Pair, 9104).unwrap();
    bad.set_option(Opt::Linger, 0).unwrap();
    bad.set_security(SecOpt::PlainUsername, SecValue::Bytes("admin".into()))
        .unwrap();
    bad.set_security(SecOpt::PlainPassword, SecValue::Bytes("guess".into()))
        .unwrap();
    bad.observe();
    bad.connect(&ep).unwrap();
    let theirs = event(&bad, EventKind::HandshakeErrorAuth).await;
    assert_eq!(theirs.error.unwrap().status(), Some(400));
    let ours = event(&server, EventKind::HandshakeErrorAuth).await;
    assert_eq!(ours.error.unwrap().to_string(), "Authentication failure");
    bad.close();
    server.close();
    zap.close();
}

#[tokio::test]
async fn plain_server_without_a_zap_handler_refuses() {
    let (server, client) = pair_in(9105);
    server
        .set_security(SecOpt::PlainServer, SecValue::Bool(true))
        .unwrap();
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    client
        .set_security(SecOpt::PlainUsername, SecValue::Bytes("anyone".into()))
        .unwrap();
    client.connect(&ep).unwrap();
    let e = event(&server, EventKind::HandshakeErrorOther).await;
    assert_eq!(e.error.unwrap().code(), "EFAULT");
    server.close();
    client.close();
}

/// A hand-driven CURVE client over a raw TCP stream: completes the handshake with `server_key`
/// and returns the stream and the session's halves, so a test can misuse them.
async fn raw_curve_client(
    ep: &str,
    server_key: [u8; 32],
) -> (
    tokio::net::TcpStream,
    crate::engine::curve::CurveSender,
    crate::engine::curve::CurveReceiver,
) {
    use crate::engine::codec::{self, Decoder};
    use crate::engine::curve::CurveClient;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = ep.trim_start_matches("tcp://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&codec::greeting(false, b"CURVE"))
        .await
        .unwrap();
    let mut greeting = [0u8; 64];
    stream.read_exact(&mut greeting).await.unwrap();
    let (public, secret) = curve_key_pair();
    let mut client = CurveClient::new(public, secret, server_key).unwrap();
    let mut buf = bytes::BytesMut::new();
    let mut decoder = Decoder::new(None);
    let mut out = bytes::BytesMut::new();
    codec::encode_command(&mut out, "HELLO", &client.hello().unwrap());
    stream.write_all(&out).await.unwrap();
    let mut next = async |stream: &mut tokio::net::TcpStream, buf: &mut bytes::BytesMut| loop {
        if let Some(frame) = decoder.decode(buf).unwrap() {
            return codec::parse_command(&frame.body).unwrap().data;
        }
        assert!(stream.read_buf(buf).await.unwrap() > 0, "server hung up");
    };
    let welcome = next(&mut stream, &mut buf).await;
    let meta = codec::encode_properties(&[("Socket-Type", b"PAIR")]);
    let mut out = bytes::BytesMut::new();
    codec::encode_command(
        &mut out,
        "INITIATE",
        &client.initiate(&welcome, &meta).unwrap(),
    );
    stream.write_all(&out).await.unwrap();
    let ready = next(&mut stream, &mut buf).await;
    let (_, sender, receiver) = client.ready(&ready).unwrap();
    (stream, sender, receiver)
}

#[tokio::test]
async fn replayed_or_forged_boxes_drop_the_connection_and_the_socket_keeps_serving() {
    use tokio::io::AsyncWriteExt;
    let (server, server_public) = curve_server(9106);
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    for attack in ["replay", "forge", "truncate"] {
        let (mut stream, mut sender, _) = raw_curve_client(&ep, server_public).await;
        let mut first = bytes::BytesMut::new();
        sender
            .seal_frame(false, false, attack.as_bytes(), &mut first)
            .unwrap();
        stream.write_all(&first).await.unwrap();
        assert_eq!(
            text(&recv(&server).await),
            [attack],
            "a proper box is delivered"
        );
        let mut bad = first.clone();
        match attack {
            "replay" => {}
            "forge" => {
                // A fresh nonce, so only the tag is wrong.
                let mut fresh = bytes::BytesMut::new();
                sender
                    .seal_frame(false, false, attack.as_bytes(), &mut fresh)
                    .unwrap();
                let mut forged = fresh.clone();
                let end = forged.len() - 1;
                forged[end] ^= 1;
                bad = forged;
            }
            _ => {
                // A MESSAGE too short to hold a box.
                bad = bytes::BytesMut::new();
                crate::engine::codec::put_any_header(&mut bad, 8 + 8 + 3, false, false);
                bad.extend_from_slice(b"\x07MESSAGE");
                bad.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3]);
            }
        }
        stream.write_all(&bad).await.unwrap();
        event(&server, EventKind::Disconnect).await;
    }
    // A proper client still gets through.
    let client = curve_client(9106, server_public);
    client.connect(&ep).unwrap();
    send(&client, msg(&["still serving"])).await;
    assert_eq!(text(&recv(&server).await), ["still serving"]);
    client.close();
    server.close();
}

#[tokio::test]
async fn max_message_size_applies_to_curve_frames_on_their_header() {
    use tokio::io::AsyncWriteExt;
    let (server, server_public) = curve_server(9107);
    server.set_option(Opt::MaxMessageSize, 1000).unwrap();
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let (mut stream, _, _) = raw_curve_client(&ep, server_public).await;
    // A MESSAGE declaring 1 MiB: refused on its header, not buffered until it all arrives.
    let mut header = bytes::BytesMut::new();
    crate::engine::codec::put_any_header(&mut header, 1 << 20, false, false);
    header.extend_from_slice(b"\x07MESSAGE");
    stream.write_all(&header).await.unwrap();
    event(&server, EventKind::Disconnect).await;
    server.close();
}
