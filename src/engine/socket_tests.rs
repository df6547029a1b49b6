//! Engine layer tests: the socket core end to end over real tcp and ipc connections.

use super::super::test_util::recv;
use super::*;
use std::time::Duration;

fn msg(text: &str) -> Msg {
    super::super::test_util::msg(&[text])
}

#[tokio::test]
async fn push_pull_over_tcp() {
    let pull = Socket::new(SocketType::Pull).unwrap();
    let ep = pull.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    assert!(ep.starts_with("tcp://127.0.0.1:"));
    let push = Socket::new(SocketType::Push).unwrap();
    push.connect(&ep).unwrap();
    assert!(push.try_send(msg("hello")).unwrap().is_none());
    assert_eq!(recv(&pull).await, msg("hello"));
    push.close();
    pull.close();
}

#[tokio::test]
async fn a_panicking_task_closes_the_socket_and_fails_pending_waits() {
    let pull = Socket::new(SocketType::Pull).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let wait = pull.recv_wait();
    pull.shared
        .spawn_task(0, false, async { panic!("injected for the test") });
    let err = tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code(), "EAGAIN");
    assert!(pull.is_closed());
    tokio::time::timeout(Duration::from_secs(5), pull.wait_closed())
        .await
        .unwrap();
}

#[tokio::test]
async fn send_wait_times_out_and_close_wakes_it() {
    let push = Socket::new(SocketType::Push).unwrap();
    push.set_option(Opt::SendTimeout, 20).unwrap();
    assert!(push.try_send(msg("x")).unwrap().is_some());
    assert_eq!(push.send_wait(msg("x")).await.unwrap_err().code(), "EAGAIN");
    push.set_option(Opt::SendTimeout, -1).unwrap();
    let waiting = push.send_wait(msg("y"));
    push.close();
    assert_eq!(waiting.await.unwrap_err().code(), "EAGAIN");
    assert_eq!(push.try_send(msg("z")).unwrap_err().code(), "EBADF");
}

#[tokio::test]
async fn linger_zero_drops_queued_messages_at_once() {
    let push = Socket::new(SocketType::Push).unwrap();
    push.set_option(Opt::Linger, 0).unwrap();
    push.connect("tcp://127.0.0.1:1").unwrap();
    assert!(push.try_send(msg("never")).unwrap().is_none());
    push.close();
    tokio::time::timeout(Duration::from_secs(5), push.wait_closed())
        .await
        .unwrap();
}

#[tokio::test]
async fn inproc_connects_before_bind_and_names_bind_once() {
    let push = Socket::new(SocketType::Push).unwrap();
    push.connect("inproc://socket-test-early").unwrap();
    assert!(push.try_send(msg("early")).unwrap().is_none());
    let pull = Socket::new(SocketType::Pull).unwrap();
    let ep = pull
        .bind("inproc://socket-test-early")
        .unwrap()
        .await
        .unwrap();
    assert_eq!(ep, "inproc://socket-test-early");
    assert_eq!(recv(&pull).await, msg("early"));
    let other = Socket::new(SocketType::Pull).unwrap();
    let taken = other.bind("inproc://socket-test-early").unwrap().await;
    assert_eq!(taken.unwrap_err().code(), "EADDRINUSE");
    // Unbound, the name is free again.
    pull.unbind(&ep).unwrap();
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match other.bind("inproc://socket-test-early").unwrap().await {
                Ok(_) => return,
                Err(_) => tokio::task::yield_now().await,
            }
        }
    })
    .await
    .unwrap();
    for s in [push, pull, other] {
        s.close();
    }
}

#[tokio::test]
async fn direct_writes_and_the_writer_keep_order_and_bytes() {
    // A send while the writer is idle is written by the sending thread itself (a PAIR does so);
    // one that fills the small send buffer only in part, the rest by the writer; a burst goes
    // through the writer. The peer must see it all in order.
    let pull = Socket::new(SocketType::Pair).unwrap();
    let ep = pull.bind("tcp://127.0.0.1:*").unwrap().await.unwrap();
    let push = Socket::new(SocketType::Pair).unwrap();
    push.set_option(Opt::SendBufferSize, 4096).unwrap();
    push.connect(&ep).unwrap();
    assert!(push.try_send(msg("first")).unwrap().is_none());
    assert_eq!(recv(&pull).await, msg("first"));
    tokio::time::sleep(Duration::from_millis(2)).await;
    let big: Vec<u8> = (0..8 << 10).map(|i: u32| (i % 251) as u8).collect();
    let big_msg: Msg = vec![Bytes::from(big.clone())];
    assert!(push.try_send(big_msg.clone()).unwrap().is_none());
    let burst: Vec<Msg> = (0..100).map(|i| msg(&format!("b{i}"))).collect();
    for m in &burst {
        assert!(push.try_send(m.clone()).unwrap().is_none());
    }
    tokio::time::sleep(Duration::from_millis(2)).await;
    assert!(push.try_send(msg("last")).unwrap().is_none());
    assert_eq!(recv(&pull).await, big_msg);
    for m in burst {
        assert_eq!(recv(&pull).await, m);
    }
    assert_eq!(recv(&pull).await, msg("last"));
    push.close();
    pull.close();
}

#[tokio::test]
async fn recv_notify_says_look_again_on_a_message_or_the_close() {
    let notified = |s: &Socket| {
        let (tx, rx) = tokio::sync::oneshot::channel();
        s.recv_notify_then(move |r| {
            let _ = tx.send(r.map_err(|e| e.code()));
        });
        rx
    };
    let pull = Socket::new(SocketType::Pull).unwrap();
    let ep = pull
        .bind("inproc://socket-tests-notify")
        .unwrap()
        .await
        .unwrap();
    let mut first = notified(&pull);
    // Nothing yet: the callback waits on the socket (no task).
    assert!(first.try_recv().is_err());
    let push = Socket::new(SocketType::Push).unwrap();
    push.connect(&ep).unwrap();
    assert!(push.try_send(msg("hi")).unwrap().is_none());
    let woken = tokio::time::timeout(Duration::from_secs(5), first).await;
    assert_eq!(woken.unwrap().unwrap(), Ok(()));
    // A message is there: at once.
    assert_eq!(notified(&pull).await.unwrap(), Ok(()));
    assert_eq!(recv(&pull).await, msg("hi"));
    // The close wakes a waiting one (look again); afterwards it is EAGAIN at once.
    let waiting = notified(&pull);
    pull.close();
    assert_eq!(waiting.await.unwrap(), Ok(()));
    assert_eq!(notified(&pull).await.unwrap(), Err("EAGAIN"));
    push.close();
}

#[tokio::test]
async fn inproc_shares_lent_frames_within_a_group_and_copies_across() {
    // Within one JS environment (group) a lent frame arrives as the same memory; between two,
    // as a copy, since a Buffer must not outlive the isolate that owns it.
    for (their_group, shared) in [(11, true), (12, false)] {
        let name = format!("inproc://socket-tests-groups-{their_group}");
        let pull = Socket::in_group(SocketType::Pull, their_group).unwrap();
        pull.bind(&name).unwrap().await.unwrap();
        let push = Socket::in_group(SocketType::Push, 11).unwrap();
        push.connect(&name).unwrap();
        let frame = Bytes::from(vec![5u8; 4096]);
        assert!(push
            .try_send_lent(&[&frame[..]], std::slice::from_ref(&frame))
            .unwrap());
        let got = recv(&pull).await;
        assert_eq!(got, vec![frame.clone()]);
        assert_eq!(
            got[0].as_ptr() == frame.as_ptr(),
            shared,
            "group {their_group}"
        );
        push.close();
        pull.close();
    }
}
