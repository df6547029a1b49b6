//! Engine layer tests: the proxy forwards both ways inside the engine, pauses, and terminates.

use super::*;
use crate::engine::test_util::recv;
use crate::engine::SocketType;
use bytes::Bytes;
use std::time::Duration;

fn one(text: &str) -> Msg {
    vec![Bytes::copy_from_slice(text.as_bytes())]
}

#[tokio::test]
async fn router_dealer_broker_serves_requests_and_terminates() {
    let front = Socket::new(SocketType::Router).unwrap();
    let back = Socket::new(SocketType::Dealer).unwrap();
    let proxy = Proxy::new(front.clone(), back.clone());
    assert_eq!(proxy.terminate().unwrap_err().code(), "EBADF");
    assert_eq!(
        proxy.run().err().map(|e| e.to_string()),
        Some("Front-end socket must be bound or connected".to_owned())
    );
    let fe = front.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let be = back.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let running = proxy.run().unwrap();
    let running = tokio::spawn(running);
    let rep = Socket::new(SocketType::Rep).unwrap();
    rep.connect(&be).unwrap();
    let req = Socket::new(SocketType::Req).unwrap();
    req.connect(&fe).unwrap();
    for i in 0..3 {
        req.send_wait(one(&format!("q{i}"))).await.unwrap();
        let q = recv(&rep).await;
        rep.send_wait(vec![Bytes::from("r"), q[0].clone()])
            .await
            .unwrap();
        let r = recv(&req).await;
        assert_eq!(r, vec![Bytes::from("r"), Bytes::from(format!("q{i}"))]);
    }
    proxy.pause().unwrap();
    proxy.resume().unwrap();
    proxy.terminate().unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(front.is_closed() && back.is_closed());
    assert_eq!(proxy.terminate().unwrap_err().code(), "EBADF");
    req.close();
    rep.close();
}

#[tokio::test]
async fn paused_proxy_holds_messages_until_resumed() {
    let front = Socket::new(SocketType::Pull).unwrap();
    let back = Socket::new(SocketType::Push).unwrap();
    let fe = front.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let be = back.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let proxy = Proxy::new(front.clone(), back.clone());
    let running = tokio::spawn(proxy.run().unwrap());
    let sink = Socket::new(SocketType::Pull).unwrap();
    sink.connect(&be).unwrap();
    let source = Socket::new(SocketType::Push).unwrap();
    source.connect(&fe).unwrap();
    source.send_wait(one("before")).await.unwrap();
    assert_eq!(recv(&sink).await, one("before"));
    proxy.pause().unwrap();
    source.send_wait(one("during")).await.unwrap();
    // The message reaches the proxy's front end and waits there.
    let arrived = async {
        while !front.readable() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), arrived)
        .await
        .unwrap();
    assert!(!sink.readable());
    proxy.resume().unwrap();
    assert_eq!(recv(&sink).await, one("during"));
    // Closing an end stops the proxy too.
    front.close();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    for s in [back, sink, source] {
        s.close();
    }
}
