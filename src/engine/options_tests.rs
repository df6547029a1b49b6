//! Engine layer tests: the option table, ranges, routing ids and text options.

use super::*;

#[test]
fn table_and_enum_agree() {
    assert_eq!(OPTIONS.len(), COUNT);
    for opt in Opt::ALL {
        assert_eq!(Opt::by_name(opt.spec().name), Some(opt));
    }
    assert_eq!(Opt::by_name("nope"), None);
    assert!(Opt::Mandatory.applies_to(SocketType::Router));
    assert!(!Opt::Mandatory.applies_to(SocketType::Dealer));
    assert!(Opt::Linger.applies_to(SocketType::Pair));
}

#[test]
fn text_options_validate_and_clear() {
    let mut o = Options::default();
    assert_eq!(o.get_text(TextOpt::SocksProxy), None);
    o.set_text(TextOpt::SocksProxy, Some("proxy.example:1080"))
        .unwrap();
    assert_eq!(
        o.get_text(TextOpt::SocksProxy).as_deref(),
        Some("proxy.example:1080")
    );
    o.set_text(TextOpt::SocksProxy, Some("[::1]:1080")).unwrap();
    assert_eq!(
        o.get_text(TextOpt::SocksProxy).as_deref(),
        Some("[::1]:1080")
    );
    for bad in ["no-port", "host:0", "host:99999", "*:1080"] {
        let err = o.set_text(TextOpt::SocksProxy, Some(bad)).unwrap_err();
        assert_eq!(err.code(), "EINVAL", "{bad}");
    }
    o.set_text(TextOpt::SocksProxy, None).unwrap();
    assert_eq!(o.socks_proxy(), None);
    o.set_text(TextOpt::Interface, Some("lo")).unwrap();
    assert_eq!(o.interface(), Some("lo"));
    assert!(o
        .set_text(TextOpt::Interface, Some("a-very-long-ifname"))
        .is_err());
    o.set_text(TextOpt::Interface, Some("")).unwrap();
    assert_eq!(o.interface(), None);
    o.set_text(TextOpt::TcpAcceptFilter, Some("127.0.0.1"))
        .unwrap();
    o.set_text(TextOpt::TcpAcceptFilter, Some("10.0.0.0/8"))
        .unwrap();
    assert_eq!(
        o.get_text(TextOpt::TcpAcceptFilter).as_deref(),
        Some("127.0.0.1/32,10.0.0.0/8")
    );
    assert!(o
        .set_text(TextOpt::TcpAcceptFilter, Some("10.0.0.0/99"))
        .is_err());
    o.set_text(TextOpt::TcpAcceptFilter, None).unwrap();
    assert!(o.accept_filters().is_empty());
    assert_eq!(TextOpt::by_name("interface"), Some(TextOpt::Interface));
}

#[test]
fn routing_ids_are_one_to_255_bytes() {
    let mut o = Options::default();
    assert_eq!(o.routing_id(), None);
    assert_eq!(o.set_routing_id(b"").unwrap_err().code(), "EINVAL");
    assert_eq!(o.set_routing_id(&[7; 256]).unwrap_err().code(), "EINVAL");
    o.set_routing_id(&[0; 255]).unwrap();
    o.set_routing_id(b"x").unwrap();
    assert_eq!(o.routing_id().map(|b| &b[..]), Some(&b"x"[..]));
}

#[test]
fn defaults_ranges_and_views() {
    let mut o = Options::default();
    assert_eq!(o.get(Opt::SendHighWaterMark), 1000);
    assert_eq!(o.timeout(Opt::SendTimeout), None);
    assert_eq!(o.set(Opt::SendTimeout, -2).unwrap_err().code(), "EINVAL");
    assert_eq!(o.set(Opt::Immediate, 2).unwrap_err().code(), "EINVAL");
    o.set(Opt::SendHighWaterMark, 0).unwrap();
    assert_eq!(o.hwm(Opt::SendHighWaterMark), usize::MAX);
    o.set(Opt::ReceiveTimeout, 0).unwrap();
    assert_eq!(o.timeout(Opt::ReceiveTimeout), Some(Duration::ZERO));
    assert_eq!(o.max_message_size(), None);
    assert_eq!(
        o.nonzero_ms(Opt::HandshakeInterval),
        Some(Duration::from_secs(30))
    );
}

#[test]
fn the_affinity_mask_keeps_every_bit_pattern() {
    let mut o = Options::default();
    assert_eq!(Opt::Affinity.spec().kind, OptionKind::Mask);
    // u64::MAX is stored by its bit pattern, -1; the binding shows it unsigned again.
    o.set(Opt::Affinity, -1).unwrap();
    assert_eq!(o.get(Opt::Affinity) as u64, u64::MAX);
    o.set(Opt::Affinity, i64::MIN).unwrap();
    assert_eq!(o.get(Opt::Affinity) as u64, 1 << 63);
}
