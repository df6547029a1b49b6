//! Engine layer tests: each socket type's routing and envelopes end to end over tcp.

use super::super::socket::Socket;
use super::super::test_util::{msg, recv, send, text};
use super::super::{Opt, SocketType};
use bytes::Bytes;
use std::time::Duration;

async fn bound(kind: SocketType) -> (Socket, String) {
    let s = Socket::new(kind).unwrap();
    let ep = s.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    (s, ep)
}

#[tokio::test]
async fn req_rep_alternate_and_keep_multipart() {
    let (rep, ep) = bound(SocketType::Rep).await;
    let req = Socket::new(SocketType::Req).unwrap();
    req.connect(&ep).unwrap();
    assert_eq!(req.recv_wait().await.unwrap_err().code(), "EFSM");
    assert_eq!(rep.try_send(msg(&["early"])).unwrap_err().code(), "EFSM");
    send(&req, msg(&["hello", "there"])).await;
    assert_eq!(req.try_send(msg(&["again"])).unwrap_err().code(), "EFSM");
    assert_eq!(text(&recv(&rep).await), ["hello", "there"]);
    assert_eq!(rep.recv_wait().await.unwrap_err().code(), "EFSM");
    send(&rep, msg(&["world"])).await;
    assert_eq!(text(&recv(&req).await), ["world"]);
    send(&req, msg(&["second"])).await;
    assert_eq!(text(&recv(&rep).await), ["second"]);
    req.close();
    rep.close();
}

#[tokio::test]
async fn router_sees_ids_and_envelopes_and_routes_back() {
    let (router, ep) = bound(SocketType::Router).await;
    let named = Socket::new(SocketType::Dealer).unwrap();
    named.set_routing_id(b"client-1").unwrap();
    named.connect(&ep).unwrap();
    let req = Socket::new(SocketType::Req).unwrap();
    req.connect(&ep).unwrap();
    send(&named, msg(&["d1", "d2"])).await;
    let got = recv(&router).await;
    assert_eq!(text(&got), ["client-1", "d1", "d2"]);
    send(&req, msg(&["q"])).await;
    let got = recv(&router).await;
    assert_eq!(got.len(), 3);
    assert_eq!((got[0].len(), got[0][0]), (5, 0), "a generated id");
    assert_eq!(text(&got)[1..], ["", "q"]);
    send(
        &router,
        vec![got[0].clone(), Bytes::new(), Bytes::from("r")],
    )
    .await;
    assert_eq!(text(&recv(&req).await), ["r"]);
    send(&router, msg(&["client-1", "back"])).await;
    assert_eq!(text(&recv(&named).await), ["back"]);
    // Unknown ids are dropped, or refused under `mandatory`.
    send(&router, msg(&["nobody", "x"])).await;
    router.set_option(Opt::Mandatory, 1).unwrap();
    let err = router.try_send(msg(&["nobody", "x"])).unwrap_err();
    assert_eq!(err.code(), "EHOSTUNREACH");
    for s in [router, named, req] {
        s.close();
    }
}

#[tokio::test]
async fn a_taken_routing_id_stays_with_its_first_peer_unless_handover() {
    for handover in [false, true] {
        let (router, ep) = bound(SocketType::Router).await;
        router
            .set_option(Opt::Handover, i64::from(handover))
            .unwrap();
        let first = Socket::new(SocketType::Dealer).unwrap();
        first.set_routing_id(b"same").unwrap();
        first.connect(&ep).unwrap();
        send(&first, msg(&["from first"])).await;
        assert_eq!(text(&recv(&router).await), ["same", "from first"]);
        let second = Socket::new(SocketType::Dealer).unwrap();
        second.set_routing_id(b"same").unwrap();
        second.connect(&ep).unwrap();
        send(&second, msg(&["from second"])).await;
        if handover {
            assert_eq!(text(&recv(&router).await), ["same", "from second"]);
            send(&router, msg(&["same", "to owner"])).await;
            assert_eq!(text(&recv(&second).await), ["to owner"]);
        } else {
            send(&first, msg(&["marker"])).await;
            assert_eq!(text(&recv(&router).await), ["same", "marker"]);
            send(&router, msg(&["same", "to owner"])).await;
            assert_eq!(text(&recv(&first).await), ["to owner"]);
        }
        for s in [router, first, second] {
            s.close();
        }
    }
}

#[tokio::test]
async fn probe_router_and_connect_with_a_routing_id() {
    let (router, ep) = bound(SocketType::Router).await;
    router.set_routing_id(b"server").unwrap();
    let dealer = Socket::new(SocketType::Dealer).unwrap();
    dealer.set_routing_id(b"probe").unwrap();
    dealer.set_option(Opt::ProbeRouter, 1).unwrap();
    dealer.connect(&ep).unwrap();
    assert_eq!(text(&recv(&router).await), ["probe", ""]);
    let client = Socket::new(SocketType::Router).unwrap();
    client.set_routing_id(b"client").unwrap();
    client.connect_with(&ep, Some(b"peer-r1")).unwrap();
    client.set_option(Opt::Mandatory, 1).unwrap();
    // Routable once the handshake is done: wait for it by sending until accepted.
    let sent = async {
        loop {
            match client.try_send(msg(&["peer-r1", "hi"])) {
                Ok(None) => return,
                Err(e) if e.code() == "EHOSTUNREACH" => {
                    tokio::time::sleep(Duration::from_millis(5)).await
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), sent)
        .await
        .unwrap();
    assert_eq!(text(&recv(&router).await), ["client", "hi"]);
    for s in [router, dealer, client] {
        s.close();
    }
}

#[tokio::test]
async fn pair_refuses_a_second_peer() {
    let (a, ep) = bound(SocketType::Pair).await;
    let b = Socket::new(SocketType::Pair).unwrap();
    b.connect(&ep).unwrap();
    send(&b, msg(&["one"])).await;
    assert_eq!(text(&recv(&a).await), ["one"]);
    let intruder = Socket::new(SocketType::Pair).unwrap();
    intruder.connect(&ep).unwrap();
    send(&intruder, msg(&["intruder"])).await;
    send(&b, msg(&["two"])).await;
    assert_eq!(text(&recv(&a).await), ["two"]);
    send(&a, msg(&["back"])).await;
    assert_eq!(text(&recv(&b).await), ["back"]);
    // Once the first peer leaves, the waiting one is served.
    b.close();
    assert_eq!(text(&recv(&a).await), ["intruder"]);
    a.close();
    intruder.close();
}
