//! Engine layer tests: the ZMTP codec's edge cases (frame-length boundaries, truncation, garbage).

use super::*;

fn encoded(parts: &[&[u8]]) -> BytesMut {
    let parts: Vec<Bytes> = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
    let mut buf = BytesMut::new();
    encode_message(&mut buf, &parts);
    buf
}

#[test]
fn every_length_boundary_round_trips() {
    for len in [0usize, 1, 254, 255, 256, 257, 65_535, 65_536, 1 << 20] {
        let body = vec![0xA5u8; len];
        let mut buf = encoded(&[&body]);
        let header = if len <= 255 { 2 } else { 9 };
        assert_eq!(buf.len(), header + len, "len {len}");
        assert_eq!(buf[0] & FLAG_LONG != 0, len > 255);
        let frame = Decoder::new(None).decode(&mut buf).unwrap().unwrap();
        assert_eq!(frame.body.len(), len);
        assert!(!frame.more && !frame.command);
        assert!(buf.is_empty());
    }
}

#[test]
fn long_frame_with_small_length_is_accepted() {
    let mut buf = BytesMut::from(&[FLAG_LONG, 0, 0, 0, 0, 0, 0, 0, 3, b'a', b'b', b'c'][..]);
    let frame = Decoder::new(None).decode(&mut buf).unwrap().unwrap();
    assert_eq!(&frame.body[..], b"abc");
}

#[test]
fn every_truncation_waits_for_more_bytes() {
    let full = encoded(&[b"hello", &[7u8; 300]]);
    for cut in 0..full.len() {
        let mut buf = BytesMut::from(&full[..cut]);
        let mut dec = Decoder::new(None);
        let mut frames = 0;
        while let Some(_f) = dec.decode(&mut buf).unwrap() {
            frames += 1;
        }
        let want = if cut >= 7 { 1 } else { 0 };
        assert_eq!(frames, want, "cut at {cut}");
    }
}

#[test]
fn multipart_more_flags() {
    let mut buf = encoded(&[b"a", b"", b"c"]);
    let mut dec = Decoder::new(None);
    let a = dec.decode(&mut buf).unwrap().unwrap();
    let b = dec.decode(&mut buf).unwrap().unwrap();
    let c = dec.decode(&mut buf).unwrap().unwrap();
    assert!(a.more && b.more && !c.more);
    assert!(b.body.is_empty());
    assert_eq!(dec.decode(&mut buf).unwrap(), None);
}

#[test]
fn huge_declared_length_does_not_allocate() {
    // 2^40 bytes announced, 5 bytes present: the decoder must wait, not reserve a terabyte.
    let mut buf = BytesMut::with_capacity(64);
    buf.put_u8(FLAG_LONG);
    buf.put_u64(1 << 40);
    buf.extend_from_slice(b"abcde");
    let cap_before = buf.capacity();
    let mut dec = Decoder::new(None);
    assert_eq!(dec.decode(&mut buf).unwrap(), None);
    assert_eq!(buf.capacity(), cap_before);
    assert_eq!(buf.len(), 14);
    assert_eq!(Decoder::pending_need(&buf), (1usize << 40) - 5);
}

#[test]
fn absurd_length_is_an_error() {
    let mut buf = BytesMut::new();
    buf.put_u8(FLAG_LONG);
    buf.put_u64(u64::MAX);
    assert_eq!(
        Decoder::new(None).decode(&mut buf),
        Err(ProtocolError::BadLength(u64::MAX))
    );
}

#[test]
fn max_message_size_counts_all_frames_of_a_message() {
    let mut dec = Decoder::new(Some(10));
    let mut buf = encoded(&[b"12345", b"12345"]);
    assert!(dec.decode(&mut buf).unwrap().is_some());
    assert!(dec.decode(&mut buf).unwrap().is_some());
    // The next message starts counting afresh.
    let mut buf = encoded(&[b"123456", b"12345"]);
    assert!(dec.decode(&mut buf).unwrap().is_some());
    assert!(matches!(
        dec.decode(&mut buf),
        Err(ProtocolError::TooLarge {
            size: 11,
            limit: 10
        })
    ));
    // Rejected on the header alone, before the body arrives.
    let mut buf = BytesMut::new();
    buf.put_u8(FLAG_LONG);
    buf.put_u64(1 << 40);
    assert!(matches!(
        Decoder::new(Some(10)).decode(&mut buf),
        Err(ProtocolError::TooLarge { .. })
    ));
}

#[test]
fn reserved_flag_bits_are_rejected() {
    for flags in [0x08u8, 0x10, 0x80, 0xFF] {
        let mut buf = BytesMut::from(&[flags, 0][..]);
        assert_eq!(
            Decoder::new(None).decode(&mut buf),
            Err(ProtocolError::BadFlags(flags))
        );
    }
}

#[test]
fn greeting_checks() {
    let ours = greeting(false, b"NULL");
    assert_eq!(check_greeting(&ours, b"NULL"), Ok(1));
    let mut v30 = ours;
    v30[11] = 0;
    assert_eq!(check_greeting(&v30, b"NULL"), Ok(0));
    let mut v2 = ours;
    v2[10] = 2;
    assert_eq!(
        check_greeting(&v2, b"NULL"),
        Err(ProtocolError::BadVersion(2, 1))
    );
    let mut plain = ours;
    plain[12..32].fill(0);
    plain[12..17].copy_from_slice(b"PLAIN");
    assert_eq!(
        check_greeting(&plain, b"NULL"),
        Err(ProtocolError::Mechanism("PLAIN".into()))
    );
    let garbage = [b'G'; GREETING_LEN];
    assert_eq!(
        check_greeting(&garbage, b"NULL"),
        Err(ProtocolError::BadSignature)
    );
    assert_eq!(
        check_signature(b"GET / HTTP"),
        Err(ProtocolError::BadSignature)
    );
}

#[test]
fn commands_and_properties_round_trip() {
    let props = encode_properties(&[("Socket-Type", b"PUSH"), ("Identity", b"")]);
    let mut buf = BytesMut::new();
    encode_command(&mut buf, "READY", &props);
    let frame = Decoder::new(Some(1)).decode(&mut buf).unwrap().unwrap();
    assert!(frame.command);
    let cmd = parse_command(&frame.body).unwrap();
    assert_eq!(cmd.name, "READY");
    let parsed = parse_properties(&cmd.data).unwrap();
    assert_eq!(parsed[0].0, "Socket-Type");
    assert_eq!(&parsed[0].1[..], b"PUSH");
    assert!(parsed[1].1.is_empty());
    // A long command (> 255 bytes) uses the long form.
    let big = vec![1u8; 400];
    let mut buf = BytesMut::new();
    encode_command(&mut buf, "X", &big);
    let frame = Decoder::new(None).decode(&mut buf).unwrap().unwrap();
    assert_eq!(parse_command(&frame.body).unwrap().data.len(), 400);
}

#[test]
fn malformed_commands_and_properties_are_errors() {
    assert!(parse_command(&Bytes::new()).is_err());
    assert!(parse_command(&Bytes::from_static(&[0])).is_err());
    assert!(parse_command(&Bytes::from_static(&[9, b'R'])).is_err());
    assert!(parse_properties(&[3, b'a', b'b']).is_err());
    assert!(parse_properties(&[1, b'a', 0, 0, 0, 9, b'x']).is_err());
    assert!(parse_properties(&[0]).is_err());
}

#[test]
fn large_headers_are_taken_only_for_incomplete_large_data_frames() {
    let mut dec = Decoder::new(Some(100_000));
    // Complete frame: left for `decode`.
    let mut buf = encoded(&[&vec![1u8; 40_000]]);
    assert_eq!(dec.take_large_header(&mut buf, 32_768).unwrap(), None);
    // Incomplete but small: left alone too.
    let mut buf = BytesMut::from(&encoded(&[&vec![1u8; 300]])[..100]);
    assert_eq!(dec.take_large_header(&mut buf, 32_768).unwrap(), None);
    // Incomplete and large: header taken, body bytes left.
    let mut buf = BytesMut::from(&encoded(&[&vec![1u8; 40_000], b"x"])[..1000]);
    assert_eq!(
        dec.take_large_header(&mut buf, 32_768).unwrap(),
        Some((40_000, true))
    );
    assert_eq!(buf.len(), 991);
    // The message so far counts toward maxMessageSize.
    let mut buf = BytesMut::from(&encoded(&[&vec![1u8; 70_000]])[..1000]);
    assert!(matches!(
        dec.take_large_header(&mut buf, 32_768),
        Err(ProtocolError::TooLarge { size: 110_000, .. })
    ));
}
