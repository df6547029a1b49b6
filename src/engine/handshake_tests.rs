//! Engine layer tests: handshakes between our two ends and against hand-made peers.

use super::*;
use crate::engine::codec::{encode_command, encode_properties, greeting};
use tokio::io::{duplex, split, AsyncWriteExt};

async fn pair(
    a: SocketType,
    b: SocketType,
) -> (Result<PeerInfo, String>, Result<PeerInfo, String>) {
    let (x, y) = duplex(4096);
    let (mut xr, mut xw) = split(x);
    let (mut yr, mut yw) = split(y);
    let (ra, rb) = tokio::join!(
        handshake(&mut xr, &mut xw, a, true, b""),
        handshake(&mut yr, &mut yw, b, false, b"")
    );
    (
        ra.map(|r| r.0).map_err(|e| e.to_string()),
        rb.map(|r| r.0).map_err(|e| e.to_string()),
    )
}

#[tokio::test]
async fn compatible_types_complete() {
    let (a, b) = pair(SocketType::Push, SocketType::Pull).await;
    assert_eq!(a.unwrap().socket_type, SocketType::Pull);
    let b = b.unwrap();
    assert_eq!(b.socket_type, SocketType::Push);
    assert_eq!(b.minor, 1);
}

#[tokio::test]
async fn incompatible_types_fail_on_both_sides() {
    let (a, b) = pair(SocketType::Push, SocketType::Push).await;
    assert!(a.unwrap_err().contains("incompatible socket type \"PUSH\""));
    assert!(b.is_err());
}

/// Feeds `peer_bytes` as the whole of the peer's side (then end of stream) and returns our error text.
async fn against(peer_bytes: Vec<u8>) -> String {
    let mut reader: &[u8] = &peer_bytes;
    let result = handshake(
        &mut reader,
        &mut tokio::io::sink(),
        SocketType::Pull,
        false,
        b"",
    )
    .await;
    result.unwrap_err().to_string()
}

fn ready(props: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_command(&mut out, "READY", &encode_properties(props));
    out.to_vec()
}

#[tokio::test]
async fn garbage_truncation_and_mismatches_are_errors() {
    assert!(against(b"GET / HTTP/1.1\r\n\r\n".to_vec())
        .await
        .contains("signature"));
    assert!(against(greeting(false, b"NULL")[..30].to_vec())
        .await
        .contains("eof"));
    let mut v2 = greeting(false, b"NULL").to_vec();
    v2[10] = 2;
    assert!(against(v2).await.contains("version 2.1"));
    let mut curve = greeting(false, b"NULL").to_vec();
    curve[12..17].copy_from_slice(b"CURVE");
    assert!(against(curve).await.contains("mechanism"));
    let mut stream = greeting(false, b"NULL").to_vec();
    stream.extend(ready(&[("Socket-Type", b"STREAM")]));
    assert!(against(stream)
        .await
        .contains("incompatible socket type \"STREAM\""));
    let mut no_type = greeting(false, b"NULL").to_vec();
    no_type.extend(ready(&[("Identity", b"x")]));
    assert!(against(no_type).await.contains("malformed READY"));
    let mut data_first = greeting(false, b"NULL").to_vec();
    data_first.extend([0u8, 1, b'x']);
    assert!(against(data_first).await.contains("expected READY"));
    let mut error = greeting(false, b"NULL").to_vec();
    let mut cmd = BytesMut::new();
    encode_command(&mut cmd, "ERROR", b"\x06denied");
    error.extend(&cmd[..]);
    assert!(against(error).await.contains("denied"));
}

#[tokio::test]
async fn oversized_handshake_is_refused_without_waiting_for_it() {
    let mut huge = greeting(false, b"NULL").to_vec();
    huge.push(0x06); // long command frame
    huge.extend((1u64 << 40).to_be_bytes());
    huge.extend(vec![0u8; MAX_HANDSHAKE_BYTES + 10]);
    assert!(against(huge).await.contains("malformed READY"));
}

#[tokio::test]
async fn bytes_after_ready_are_kept() {
    let (ours, theirs) = duplex(4096);
    let (mut r, mut w) = split(ours);
    let (mut tr, mut tw) = split(theirs);
    let mut bytes = greeting(false, b"NULL").to_vec();
    bytes.extend(ready(&[("Socket-Type", b"PUSH"), ("Identity", b"me")]));
    bytes.extend([0u8, 2, b'h', b'i']);
    tw.write_all(&bytes).await.unwrap();
    let drain = tokio::spawn(async move {
        let mut sink = [0u8; 128];
        let _ = tr.read(&mut sink).await;
    });
    let (info, rest) = handshake(&mut r, &mut w, SocketType::Pull, false, b"")
        .await
        .unwrap();
    assert_eq!(&info.identity[..], b"me");
    assert_eq!(&rest[..], &[0u8, 2, b'h', b'i']);
    assert_eq!(info.minor, 1);
    drain.await.unwrap();
}
