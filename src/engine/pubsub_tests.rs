//! Engine layer tests: publish/subscribe end to end over tcp, and the subscription wire forms.

use super::super::socket::Socket;
use super::super::test_util::{msg, recv, send, text};
use super::super::{Opt, SocketType};
use super::*;
use std::time::Duration;

async fn bound(kind: SocketType) -> (Socket, String) {
    let s = Socket::new(kind).unwrap();
    let ep = s.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    (s, ep)
}

/// Publishes `marker` until `sub` receives it: the subscription has then reached the publisher.
async fn joined(publisher: &Socket, sub: &Socket, marker: &str) {
    let wait = async {
        loop {
            publisher.try_send(msg(&[marker])).unwrap();
            let mut out = Vec::new();
            sub.recv_batch(&mut out, 1, usize::MAX).unwrap();
            if out.iter().any(|m| text(m) == [marker]) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("the subscription reaches the publisher");
}

#[test]
fn subscription_wire_forms() {
    assert_eq!(
        &subscription_frame(0, true, b"ab")[..],
        &[0, 3, 1, b'a', b'b']
    );
    assert_eq!(&subscription_frame(0, false, b"")[..], &[0, 1, 0]);
    let command = subscription_frame(1, true, b"ab");
    assert_eq!(&command[..], b"\x04\x0c\x09SUBSCRIBEab");
    assert_eq!(
        &subscription_frame(1, false, b"x")[..],
        b"\x04\x08\x06CANCELx"
    );
}

#[tokio::test]
async fn publisher_filters_by_prefix_and_subscriptions_survive_a_restart() {
    let (publisher, ep) = bound(SocketType::Pub).await;
    let sub = Socket::new(SocketType::Sub).unwrap();
    sub.subscribe(b"a", true).unwrap();
    sub.subscribe(b"m", true).unwrap();
    sub.connect(&ep).unwrap();
    joined(&publisher, &sub, "marker").await;
    for topic in ["apple", "banana", "ab"] {
        send(&publisher, msg(&[topic, "second frame"])).await;
    }
    send(&publisher, msg(&["m-end"])).await;
    let mut got: Vec<Vec<String>> = Vec::new();
    while got.last().map(|m| m[0].as_str()) != Some("m-end") {
        let m = text(&recv(&sub).await);
        // Markers still in flight from `joined` come first.
        if m != ["marker"] {
            got.push(m);
        }
    }
    assert_eq!(got[0], ["apple", "second frame"]);
    assert_eq!(got[1], ["ab", "second frame"]);
    assert_eq!(got.len(), 3);
    // A new publisher on the same endpoint gets the subscriptions again.
    publisher.close_now();
    tokio::time::timeout(Duration::from_secs(5), publisher.wait_closed())
        .await
        .unwrap();
    let again = Socket::new(SocketType::Pub).unwrap();
    let rebound = async {
        loop {
            match again.bind(&ep).unwrap().await {
                Ok(_) => return,
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), rebound)
        .await
        .unwrap();
    joined(&again, &sub, "marker again").await;
    again.close();
    sub.close();
}

#[tokio::test]
async fn xpub_reports_first_and_last_subscriptions_unless_verbose() {
    let (xpub, ep) = bound(SocketType::XPub).await;
    let a = Socket::new(SocketType::Sub).unwrap();
    let b = Socket::new(SocketType::Sub).unwrap();
    for s in [&a, &b] {
        s.subscribe(b"t", true).unwrap();
        s.connect(&ep).unwrap();
    }
    assert_eq!(recv(&xpub).await, vec![Bytes::from_static(b"\x01t")]);
    // The second subscriber's "t" is not news: nothing more until the last one leaves.
    a.unsubscribe_all(b"t");
    b.unsubscribe_all(b"t");
    assert_eq!(recv(&xpub).await, vec![Bytes::from_static(b"\x00t")]);
    xpub.set_option(Opt::Verbosity, 2).unwrap();
    a.subscribe(b"v", true).unwrap();
    b.subscribe(b"v", true).unwrap();
    for _ in 0..2 {
        assert_eq!(recv(&xpub).await, vec![Bytes::from_static(b"\x01v")]);
    }
    b.close();
    assert_eq!(recv(&xpub).await, vec![Bytes::from_static(b"\x00v")]);
    xpub.close();
    a.close();
}

#[tokio::test]
async fn no_drop_waits_for_room_instead_of_dropping() {
    let (publisher, ep) = bound(SocketType::Pub).await;
    publisher.set_option(Opt::SendHighWaterMark, 1).unwrap();
    publisher.set_option(Opt::NoDrop, 1).unwrap();
    let sub = Socket::new(SocketType::Sub).unwrap();
    sub.set_option(Opt::ReceiveHighWaterMark, 1).unwrap();
    sub.subscribe(b"", true).unwrap();
    sub.connect(&ep).unwrap();
    joined(&publisher, &sub, "marker").await;
    // Fill the subscriber's queues until a send must wait, then read and see it complete.
    let mut sent = 0;
    while publisher
        .try_send(msg(&[&sent.to_string()]))
        .unwrap()
        .is_none()
    {
        sent += 1;
        assert!(sent < 1_000_000, "noDrop never pushed back");
    }
    let waiting = publisher.send_wait(msg(&["last"]));
    let mut numbers = Vec::new();
    let drain = async {
        loop {
            let m = text(&recv(&sub).await);
            if m == ["last"] {
                return;
            }
            // Markers still in flight from `joined` come first.
            if m != ["marker"] {
                numbers.push(m[0].parse::<usize>().unwrap());
            }
        }
    };
    let (sent_ok, _) = tokio::join!(tokio::time::timeout(Duration::from_secs(5), waiting), drain);
    sent_ok.unwrap().unwrap();
    assert_eq!(publisher.dropped(), 0);
    assert_eq!(numbers, (0..sent).collect::<Vec<_>>());
    publisher.close();
    sub.close();
}

impl Socket {
    /// Test helper: unsubscribes once.
    fn unsubscribe_all(&self, topic: &[u8]) {
        self.subscribe(topic, false).unwrap();
    }
}
