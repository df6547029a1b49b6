//! Tests of the security options: mechanism selection as libzmq does it, key validation, and
//! that no secret reaches `Debug` output.

use super::*;

#[test]
fn options_select_the_mechanism_last_one_wins() {
    let mut s = Security::default();
    assert_eq!(s.mechanism, Mechanism::Null);
    s.set(SecOpt::PlainServer, SecValue::Bool(true)).unwrap();
    assert_eq!((s.mechanism, s.as_server), (Mechanism::Plain, true));
    s.set(SecOpt::CurveServer, SecValue::Bool(true)).unwrap();
    assert_eq!((s.mechanism, s.as_server), (Mechanism::Curve, true));
    s.set(SecOpt::PlainUsername, SecValue::Bytes("user".into()))
        .unwrap();
    assert_eq!((s.mechanism, s.as_server), (Mechanism::Plain, false));
    s.set(SecOpt::PlainUsername, SecValue::Null).unwrap();
    assert_eq!(s.mechanism, Mechanism::Null);
    let (public, _) = curve_key_pair();
    s.set(
        SecOpt::CurveServerKey,
        SecValue::Bytes(Bytes::copy_from_slice(&public)),
    )
    .unwrap();
    assert_eq!((s.mechanism, s.as_server), (Mechanism::Curve, false));
    assert_eq!(s.get(SecOpt::CurveServer), SecValue::Bool(false));
}

#[test]
fn keys_are_32_bytes_or_40_z85_characters() {
    let (public, secret) = curve_key_pair();
    let text = z85::encode(&public).unwrap();
    assert_eq!(parse_key(text.as_bytes()).unwrap(), public);
    assert_eq!(parse_key(&public).unwrap(), public);
    assert_eq!(curve_public(&secret), public);
    for bad in [&b""[..], &[0u8; 31], &[0u8; 33], &[b'~'; 40], &[b'#'; 40]] {
        assert!(matches!(parse_key(bad), Err(EngineError::InvalidArgument)));
    }
    let mut s = Security::default();
    assert!(s
        .set(
            SecOpt::CurvePublicKey,
            SecValue::Bytes(Bytes::from_static(b"short"))
        )
        .is_err());
    assert!(s.set(SecOpt::CurvePublicKey, SecValue::Bool(true)).is_err());
    assert_eq!(
        s.mechanism,
        Mechanism::Null,
        "a refused value changes nothing"
    );
    assert!(s
        .set(
            SecOpt::PlainPassword,
            SecValue::Bytes(Bytes::from(vec![b'p'; 256]))
        )
        .is_err());
}

#[test]
fn keys_read_back_as_z85() {
    let (public, _) = curve_key_pair();
    let mut s = Security::default();
    assert_eq!(s.get(SecOpt::CurvePublicKey), SecValue::Null);
    s.set(
        SecOpt::CurvePublicKey,
        SecValue::Bytes(Bytes::copy_from_slice(&public)),
    )
    .unwrap();
    let SecValue::Bytes(text) = s.get(SecOpt::CurvePublicKey) else {
        panic!("not text")
    };
    assert_eq!(z85::decode(&text).unwrap(), public);
}

#[test]
fn debug_output_holds_no_secret() {
    let (_, secret) = curve_key_pair();
    let mut s = Security::default();
    s.set(
        SecOpt::CurveSecretKey,
        SecValue::Bytes(Bytes::copy_from_slice(&secret)),
    )
    .unwrap();
    s.set(SecOpt::PlainPassword, SecValue::Bytes("hunter2".into()))
        .unwrap();
    let shown = format!("{s:?}");
    assert!(!shown.contains("hunter2"));
    assert!(!shown.contains(&z85::encode(&secret).unwrap()));
    assert!(!shown.contains(&format!("{:?}", &secret[..4])));
}
