//! Engine layer tests: the events a bound and a connecting socket record, in order.

use super::super::socket::Socket;
use super::super::{Opt, SocketType};
use super::*;

/// Waits for the socket's events until `until` is among them; returns them all.
async fn events_until(s: &Socket, until: EventKind) -> Vec<(EventKind, String)> {
    crate::engine::test_util::events_until(s, until)
        .await
        .into_iter()
        .map(|e| (e.kind, e.address))
        .collect()
}

#[tokio::test]
async fn a_connection_is_told_from_both_ends() {
    let server = Socket::new(SocketType::Pull).unwrap();
    server.observe();
    let ep = server.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let client = Socket::new(SocketType::Push).unwrap();
    client.observe();
    client.connect(&ep).unwrap();
    let kinds = |v: Vec<(EventKind, String)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    let c = events_until(&client, EventKind::Handshake).await;
    assert!(c.iter().all(|(_, a)| *a == ep));
    assert_eq!(
        kinds(c),
        [
            EventKind::ConnectDelay,
            EventKind::Connect,
            EventKind::Handshake
        ]
    );
    let s = events_until(&server, EventKind::Handshake).await;
    assert!(s.iter().all(|(_, a)| *a == ep));
    assert_eq!(
        kinds(s),
        [EventKind::Bind, EventKind::Accept, EventKind::Handshake]
    );
    // Our own close is not news to us; the server hears of it.
    client.close_now();
    assert_eq!(
        kinds(events_until(&server, EventKind::Disconnect).await),
        [EventKind::Disconnect]
    );
    server.unbind(&ep).unwrap();
    assert_eq!(
        events_until(&server, EventKind::Close).await,
        [(EventKind::Close, ep.clone())]
    );
    let mut left = Vec::new();
    client.take_events(&mut left, 100);
    assert!(left.is_empty(), "{left:?}");
    server.close();
}

#[tokio::test]
async fn refused_connections_are_retried_with_their_interval() {
    let client = Socket::new(SocketType::Push).unwrap();
    client.set_option(Opt::ReconnectInterval, 50).unwrap();
    client.observe();
    // A port nobody listens on: bind one and drop it.
    let ep = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("tcp://{}", l.local_addr().unwrap())
    };
    client.connect(&ep).unwrap();
    let seen = events_until(&client, EventKind::ConnectRetry).await;
    let kinds: Vec<_> = seen.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        [
            EventKind::ConnectDelay,
            EventKind::Close,
            EventKind::ConnectRetry
        ]
    );
    client.close_now();
}

#[tokio::test]
async fn unobserved_sockets_record_nothing() {
    let s = Socket::new(SocketType::Pull).unwrap();
    s.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    assert!(s.shared_events_is_none());
    s.close();
}

impl Socket {
    fn shared_events_is_none(&self) -> bool {
        self.events_state_is_none()
    }
}
