//! Engine layer tests: the socket core end to end over real tcp and ipc connections.

use super::*;
use bytes::Bytes;

fn msg(text: &str) -> Msg {
    vec![Bytes::copy_from_slice(text.as_bytes())]
}

async fn recv(s: &Socket) -> Msg {
    loop {
        let mut out = Vec::new();
        s.recv_batch(&mut out, 1, usize::MAX).unwrap();
        if let Some(m) = out.pop() {
            return m;
        }
        s.recv_wait().await.unwrap();
    }
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
