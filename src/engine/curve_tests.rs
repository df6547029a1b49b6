//! Tests of the CurveZMQ handshake commands and MESSAGE boxes: layouts per RFC 26 and every
//! check that must refuse a forged, replayed or misdirected box.

use super::*;
use crate::engine::security::curve_key_pair;
use bytes::BytesMut;

struct Pair {
    client: CurveClient,
    server: CurveServer,
}

fn pair() -> Pair {
    let (server_public, server_secret) = curve_key_pair();
    let (client_public, client_secret) = curve_key_pair();
    Pair {
        client: CurveClient::new(client_public, client_secret, server_public).unwrap(),
        server: CurveServer::new(server_public, server_secret),
    }
}

fn established() -> (CurveSender, CurveReceiver, CurveSender, CurveReceiver) {
    let Pair {
        mut client,
        mut server,
    } = pair();
    let welcome = server.welcome(&client.hello().unwrap()).unwrap();
    let initiate = client.initiate(&welcome, b"client-meta").unwrap();
    let init = server.initiate(&initiate).unwrap();
    assert_eq!(init.metadata, b"client-meta");
    let (ready, s_tx, s_rx) = server.ready(b"server-meta").unwrap();
    let (meta, c_tx, c_rx) = client.ready(&ready).unwrap();
    assert_eq!(meta, b"server-meta");
    (c_tx, c_rx, s_tx, s_rx)
}

/// The data of the one MESSAGE command in `out`.
fn message_data(out: &BytesMut) -> Vec<u8> {
    let mut buf = out.clone();
    let frame = crate::engine::codec::Decoder::new(None)
        .decode(&mut buf)
        .unwrap()
        .unwrap();
    assert!(
        !frame.command && !frame.more,
        "libzmq sends MESSAGE in a plain data frame"
    );
    let cmd = crate::engine::codec::parse_command(&frame.body).unwrap();
    assert_eq!(cmd.name, "MESSAGE");
    cmd.data.to_vec()
}

#[test]
fn command_sizes_follow_rfc26() {
    let Pair {
        mut client,
        mut server,
    } = pair();
    let hello = client.hello().unwrap();
    assert_eq!(hello.len(), 194, "HELLO is 200 bytes with its name");
    assert_eq!(&hello[..2], &[1, 0]);
    assert!(hello[2..74].iter().all(|&b| b == 0), "72 bytes of padding");
    assert_eq!(
        &hello[106..114],
        &1u64.to_be_bytes(),
        "first short nonce is 1"
    );
    let welcome = server.welcome(&hello).unwrap();
    assert_eq!(welcome.len(), 160, "WELCOME is 168 bytes with its name");
    let initiate = client.initiate(&welcome, b"").unwrap();
    assert_eq!(initiate.len(), 96 + 8 + 16 + 32 + 16 + 80);
    assert_eq!(&initiate[96..104], &2u64.to_be_bytes());
}

#[test]
fn client_key_reaches_the_server() {
    let (server_public, server_secret) = curve_key_pair();
    let (client_public, client_secret) = curve_key_pair();
    let mut client = CurveClient::new(client_public, client_secret, server_public).unwrap();
    let mut server = CurveServer::new(server_public, server_secret);
    let welcome = server.welcome(&client.hello().unwrap()).unwrap();
    let init = server
        .initiate(&client.initiate(&welcome, b"").unwrap())
        .unwrap();
    assert_eq!(init.client_key, client_public);
}

#[test]
fn messages_round_trip_both_ways_with_flags() {
    let (mut c_tx, mut c_rx, mut s_tx, mut s_rx) = established();
    let mut out = BytesMut::new();
    c_tx.seal_frame(true, false, b"hello", &mut out).unwrap();
    let (more, command, body) = s_rx.open_message(&message_data(&out)).unwrap();
    assert!(more && !command);
    assert_eq!(&body[..], b"hello");
    let mut out = BytesMut::new();
    s_tx.seal_frame(false, true, b"\x04PING", &mut out).unwrap();
    let (more, command, body) = c_rx.open_message(&message_data(&out)).unwrap();
    assert!(!more && command);
    assert_eq!(&body[..], b"\x04PING");
}

#[test]
fn replayed_message_is_refused() {
    let (mut c_tx, _, _, mut s_rx) = established();
    let mut out = BytesMut::new();
    c_tx.seal_frame(false, false, b"once", &mut out).unwrap();
    let data = message_data(&out);
    s_rx.open_message(&data).unwrap();
    assert_eq!(s_rx.open_message(&data), Err(ProtocolError::Cryptographic));
}

#[test]
fn reordered_messages_are_refused() {
    let (mut c_tx, _, _, mut s_rx) = established();
    let (mut first, mut second) = (BytesMut::new(), BytesMut::new());
    c_tx.seal_frame(false, false, b"1", &mut first).unwrap();
    c_tx.seal_frame(false, false, b"2", &mut second).unwrap();
    s_rx.open_message(&message_data(&second)).unwrap();
    assert_eq!(
        s_rx.open_message(&message_data(&first)),
        Err(ProtocolError::Cryptographic)
    );
}

#[test]
fn forged_or_truncated_box_is_refused() {
    let (mut c_tx, _, _, mut s_rx) = established();
    let mut out = BytesMut::new();
    c_tx.seal_frame(false, false, b"payload", &mut out).unwrap();
    let mut data = message_data(&out);
    let last = data.len() - 1;
    data[last] ^= 1;
    assert_eq!(s_rx.open_message(&data), Err(ProtocolError::Cryptographic));
    assert_eq!(
        s_rx.open_message(&data[..8 + 10]),
        Err(ProtocolError::Cryptographic)
    );
    assert_eq!(
        s_rx.open_message(&data[..4]),
        Err(ProtocolError::Cryptographic)
    );
}

#[test]
fn a_message_in_our_own_direction_is_refused() {
    // A box the server sent, reflected back to it, uses the other direction's nonce prefix.
    let (_, _, mut s_tx, mut s_rx) = established();
    let mut out = BytesMut::new();
    s_tx.seal_frame(false, false, b"mirror", &mut out).unwrap();
    assert_eq!(
        s_rx.open_message(&message_data(&out)),
        Err(ProtocolError::Cryptographic)
    );
}

#[test]
fn wrong_server_key_fails_at_hello() {
    let (server_public, server_secret) = curve_key_pair();
    let (other_public, _) = curve_key_pair();
    let (client_public, client_secret) = curve_key_pair();
    let mut client = CurveClient::new(client_public, client_secret, other_public).unwrap();
    let mut server = CurveServer::new(server_public, server_secret);
    assert_eq!(
        server.welcome(&client.hello().unwrap()).err(),
        Some(ProtocolError::Cryptographic)
    );
}

#[test]
fn tampered_cookie_or_vouch_fails_at_initiate() {
    for at in [20, 100, 150] {
        let Pair {
            mut client,
            mut server,
        } = pair();
        let welcome = server.welcome(&client.hello().unwrap()).unwrap();
        let mut initiate = client.initiate(&welcome, b"").unwrap();
        initiate[at] ^= 0x80;
        assert!(server.initiate(&initiate).is_err(), "byte {at} flipped");
    }
}

#[test]
fn malformed_lengths_are_refused_without_panicking() {
    let Pair {
        mut client,
        mut server,
    } = pair();
    assert!(server.welcome(&[]).is_err());
    assert!(server.welcome(&[1u8; 193]).is_err());
    assert!(client.initiate(&[0u8; 10], b"").is_err());
    assert!(server.initiate(&[0u8; 300]).is_err());
    let welcome = server.welcome(&client.hello().unwrap()).unwrap();
    client.initiate(&welcome, b"").unwrap();
    assert!(client.ready(&[0u8; 3]).is_err());
}

#[test]
fn random_bytes_of_boundary_lengths_never_panic() {
    use rand_core::RngCore;
    let mut rng = rand_core::OsRng;
    // Short ones, and each command's size and its neighbours (HELLO 194, WELCOME 160, INITIATE
    // 248, a box's 16-byte tag, keys and nonces).
    let boundaries = [
        15, 16, 17, 24, 25, 31, 32, 33, 79, 80, 81, 96, 97, 159, 160, 161, 193, 194, 195, 247, 248,
        249, 400,
    ];
    for len in (0..10).chain(boundaries) {
        let mut junk = vec![0u8; len];
        rng.fill_bytes(&mut junk);
        let Pair {
            mut client,
            mut server,
        } = pair();
        assert!(server.welcome(&junk).is_err());
        assert!(server.initiate(&junk).is_err());
        assert!(client.initiate(&junk, b"").is_err());
        // After a real WELCOME the server takes INITIATE, and the client READY: still refused.
        let welcome = server.welcome(&client.hello().unwrap()).unwrap();
        client.initiate(&welcome, b"").unwrap();
        assert!(server.initiate(&junk).is_err());
        assert!(client.ready(&junk).is_err());
        let (_, _, _, mut s_rx) = established();
        assert!(s_rx.open_into(&junk, &mut BytesMut::new()).is_err());
    }
}

#[test]
fn small_order_keys_are_refused() {
    use crypto_box::aead::AeadInPlace;
    // With a small-order C' the shared secret is all zeros whatever the server's secret key, so
    // anyone could box a HELLO the server opens. Build exactly that HELLO.
    let (server_public, server_secret) = curve_key_pair();
    let mut server = CurveServer::new(server_public, server_secret);
    let zero = crypto_box::PublicKey::from([0u8; 32]);
    let anyone = crypto_box::SecretKey::generate(&mut rand_core::OsRng);
    let forged_key = crypto_box::SalsaBox::new(&zero, &anyone);
    let short = 1u64.to_be_bytes();
    let mut zeros = [0u8; 64];
    let tag = forged_key
        .encrypt_in_place_detached(&nonce(b"CurveZMQHELLO---", &short), b"", &mut zeros)
        .unwrap();
    let mut hello = vec![1, 0];
    hello.extend_from_slice(&[0u8; 72]);
    hello.extend_from_slice(&[0u8; 32]);
    hello.extend_from_slice(&short);
    hello.extend_from_slice(&tag);
    hello.extend_from_slice(&zeros);
    assert_eq!(hello.len(), HELLO_DATA);
    assert_eq!(
        server.welcome(&hello).err(),
        Some(ProtocolError::Cryptographic)
    );
    // A client configured with a small-order server key does not even start.
    let (public, secret) = curve_key_pair();
    let mut one = [0u8; 32];
    one[0] = 1;
    for bad in [[0u8; 32], one] {
        assert!(CurveClient::new(public, secret, bad).is_err());
    }
}
