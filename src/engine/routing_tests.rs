//! Engine layer tests: pipes, round-robin and fair-queue routing, routing ids, conflate.

use super::*;

fn msg(text: &str) -> Msg {
    vec![Bytes::copy_from_slice(text.as_bytes())]
}

fn wire(pipes: &mut Pipes, id: PipeId) -> Vec<u8> {
    let mut chunks = Vec::new();
    pipes.get_mut(id).unwrap().out.take_into(&mut chunks);
    chunks.concat()
}

#[test]
fn round_robin_skips_full_pipes() {
    let mut pipes = Pipes::default();
    let a = pipes.add(2, 10, true);
    let b = pipes.add(1, 10, true);
    for i in 0..3u8 {
        assert!(pipes.send_round_robin(&[&[i]]).is_some());
    }
    assert_eq!(wire(&mut pipes, a), vec![0, 1, 0, 0, 1, 2]);
    assert_eq!(wire(&mut pipes, b), vec![0, 1, 1]);
    for _ in 0..3 {
        assert!(pipes.send_round_robin(&[b"x"]).is_some());
    }
    assert!(!pipes.can_send());
    assert_eq!(pipes.send_round_robin(&[b"x"]), None);
    pipes.get_mut(b).unwrap().out.clear();
    assert_eq!(pipes.send_round_robin(&[b"y", b""]), Some(b));
    assert_eq!(wire(&mut pipes, b), vec![1, 1, b'y', 0, 0]);
    pipes.remove(a);
    pipes.remove(b);
    assert_eq!(pipes.send_round_robin(&[b"z"]), None);
}

#[test]
fn fair_queue_alternates_between_peers() {
    let mut pipes = Pipes::default();
    let a = pipes.add(10, 10, true);
    let b = pipes.add(10, 10, true);
    pipes.deliver(a, vec![msg("a1"), msg("a2"), msg("a3")]);
    pipes.deliver(b, vec![msg("b1")]);
    let order: Vec<(PipeId, Msg)> = std::iter::from_fn(|| pipes.recv_fair()).collect();
    assert_eq!(
        order,
        vec![
            (a, msg("a1")),
            (b, msg("b1")),
            (a, msg("a2")),
            (a, msg("a3"))
        ]
    );
    assert!(!pipes.has_incoming());
    pipes.deliver(b, vec![msg("b2")]);
    pipes.remove(b);
    assert_eq!(pipes.recv_fair(), None);
}

#[test]
fn retired_pipe_is_drained_then_dropped() {
    let mut pipes = Pipes::default();
    let a = pipes.add(10, 10, true);
    pipes.deliver(a, vec![msg("a1"), msg("a2")]);
    pipes.retire(a);
    assert_eq!(pipes.send_round_robin(&[b"x"]), None);
    assert_eq!(pipes.send_to(a, &[b"x"]), SendTo::Gone);
    assert_eq!(pipes.recv_fair(), Some((a, msg("a1"))));
    assert_eq!(pipes.len(), 1);
    assert_eq!(pipes.recv_fair(), Some((a, msg("a2"))));
    assert!(pipes.is_empty());
    let b = pipes.add(10, 10, true);
    pipes.retire(b);
    assert!(pipes.is_empty());
}

#[test]
fn conflated_pipes_keep_only_the_newest_message() {
    let mut pipes = Pipes::default();
    let a = pipes.add_with(1, 1, true, true);
    for text in ["1", "2", "3"] {
        assert_eq!(pipes.send_round_robin(&[text.as_bytes()]), Some(a));
    }
    assert_eq!(wire(&mut pipes, a), vec![0, 1, b'3']);
    pipes.deliver(a, vec![msg("x"), msg("y")]);
    pipes.deliver(a, vec![msg("z")]);
    assert!(pipes.get_mut(a).unwrap().inbox_has_room());
    assert_eq!(pipes.recv_fair(), Some((a, msg("z"))));
    assert_eq!(pipes.recv_fair(), None);
}

#[test]
fn routing_ids_name_one_pipe_while_it_lives() {
    let mut pipes = Pipes::default();
    let a = pipes.add(1, 10, true);
    let b = pipes.add(1, 10, true);
    pipes.set_identity(a, Bytes::from_static(b"alice"));
    pipes.set_identity(b, Bytes::from_static(b"bob"));
    assert_eq!(pipes.by_identity(b"alice"), Some(a));
    assert_eq!(&pipes.identity(b)[..], b"bob");
    assert_eq!(pipes.send_to(a, &[b"1"]), SendTo::Queued);
    assert_eq!(pipes.send_to(a, &[b"2"]), SendTo::Full);
    assert_eq!(wire(&mut pipes, a), vec![0, 1, b'1']);
    pipes.deliver(a, vec![msg("left")]);
    pipes.retire(a);
    // Retired: unroutable at once, though its last message is still receivable.
    assert_eq!(pipes.by_identity(b"alice"), None);
    assert_eq!(pipes.active(), 1);
    assert_eq!(pipes.recv_fair(), Some((a, msg("left"))));
    pipes.remove(b);
    assert_eq!(pipes.by_identity(b"bob"), None);
    assert!(pipes.is_empty());
}
