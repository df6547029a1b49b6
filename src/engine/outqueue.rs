//! Engine layer: a pipe's outgoing queue, kept as ZMTP-encoded chunks so the send path is one
//! copy and the writer ships whole chunks with vectored writes. Invariants: chunks only ever hold
//! whole messages in order; small frames share bounded 64 KiB chunks and large ones get their own,
//! so memory is recycled by the allocator instead of growing one buffer onto fresh pages.

use super::codec;
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::sync::{Mutex, MutexGuard};
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Size of the chunks small frames are packed into.
const CHUNK: usize = 64 * 1024;
/// Frames at least this large are copied into a chunk of their own.
const OWN_CHUNK: usize = 16 * 1024;
/// Most chunks handed to one vectored write.
const MAX_IOV: usize = 64;

/// Frames at least this large that the caller lends as `Bytes` (`with_lent`) are queued without a
/// copy: the queue keeps the caller's bytes (a JS Buffer) until they are written.
pub const LEND_MIN: usize = 1024;

thread_local! {
    /// The frames the current send on this thread lends (see `with_lent`).
    static LENT: std::cell::RefCell<Vec<Bytes>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` (a send, on this thread) with `frames` on loan: any part `push` is given whose bytes
/// are exactly one of them is queued by reference instead of copied. Nothing is kept past `f`.
pub fn with_lent<R>(frames: &[Bytes], f: impl FnOnce() -> R) -> R {
    if frames.is_empty() {
        return f();
    }
    LENT.with(|lent| lent.borrow_mut().extend_from_slice(frames));
    let result = f();
    LENT.with(|lent| lent.borrow_mut().clear());
    result
}

/// The lent frame whose bytes `part` is, if any.
pub(crate) fn lent(part: &[u8]) -> Option<Bytes> {
    if part.len() < LEND_MIN {
        return None;
    }
    LENT.with(|lent| {
        lent.borrow()
            .iter()
            .find(|b| b.as_ptr() == part.as_ptr() && b.len() == part.len())
            .cloned()
    })
}

/// Encoded messages waiting for a connection's writer.
#[derive(Debug, Default)]
pub struct OutQueue {
    /// Sealed chunks, each with the number of messages that end in it.
    full: VecDeque<(Bytes, usize)>,
    tail: BytesMut,
    /// Messages that end in `tail`.
    tail_msgs: usize,
    msgs: usize,
}

impl OutQueue {
    /// Number of messages queued (what the send high-water mark counts).
    pub fn messages(&self) -> usize {
        self.msgs
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.full.is_empty() && self.tail.is_empty()
    }

    /// Appends one message made of `parts` (at least one).
    pub fn push(&mut self, parts: &[&[u8]]) {
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.iter().enumerate() {
            let borrowed = lent(part);
            let own = borrowed.is_some() || part.len() >= OWN_CHUNK;
            let need = 9 + if own { 0 } else { part.len() };
            if self.tail.capacity() - self.tail.len() < need {
                self.seal();
                self.tail.reserve(CHUNK.max(need));
            }
            codec::put_frame_header(&mut self.tail, part.len(), i < last);
            if own {
                self.seal();
                let ends_here = usize::from(i == last);
                let bytes = borrowed.unwrap_or_else(|| pooled_copy(part));
                self.full.push_back((bytes, ends_here));
            } else {
                self.tail.extend_from_slice(part);
                if i == last {
                    self.tail_msgs += 1;
                }
            }
        }
        self.msgs += 1;
    }

    /// Appends bytes to write as they are, with no ZMTP framing (STREAM sockets); one message.
    pub fn push_raw(&mut self, data: &[u8]) {
        let borrowed = lent(data);
        if borrowed.is_some() || data.len() >= OWN_CHUNK {
            self.seal();
            let bytes = borrowed.unwrap_or_else(|| pooled_copy(data));
            self.full.push_back((bytes, 1));
        } else {
            if self.tail.capacity() - self.tail.len() < data.len() {
                self.seal();
                self.tail.reserve(CHUNK.max(data.len()));
            }
            self.tail.extend_from_slice(data);
            self.tail_msgs += 1;
        }
        self.msgs += 1;
    }

    fn seal(&mut self) {
        // What stays in `tail` is the unused rest of the same allocation, for the next frames.
        if !self.tail.is_empty() {
            self.full
                .push_back((self.tail.split().freeze(), self.tail_msgs));
            self.tail_msgs = 0;
        }
    }

    /// Takes everything queued, in order, into `out`; the queue is empty afterwards.
    pub fn take_into(&mut self, out: &mut Vec<Bytes>) {
        self.take_up_to(usize::MAX, out);
    }

    /// Takes whole chunks, in order, into `out` until at least `max_bytes` are taken (or all
    /// are). What stays still counts toward the high-water mark, which bounds what a fast sender
    /// can have in flight.
    pub fn take_up_to(&mut self, max_bytes: usize, out: &mut Vec<Bytes>) {
        self.seal();
        let mut taken = 0;
        while taken < max_bytes {
            let Some((chunk, ended)) = self.full.pop_front() else {
                break;
            };
            taken += chunk.len();
            self.msgs -= ended;
            out.push(chunk);
        }
    }

    /// Puts back, at the front of an emptied queue, the unwritten rest of what `take_into` took:
    /// `msgs` messages end in it.
    pub fn restore(&mut self, chunks: Vec<Bytes>, msgs: usize) {
        let last = chunks.len().saturating_sub(1);
        for (i, chunk) in chunks.into_iter().enumerate().rev() {
            self.full
                .push_front((chunk, if i == last { msgs } else { 0 }));
        }
        self.msgs += msgs;
    }

    /// Drops everything queued.
    pub fn clear(&mut self) {
        *self = OutQueue::default();
    }
}

/// Recycled buffers for large frames: fresh large allocations cost page faults on every send.
static POOL: Mutex<Vec<BytesMut>> = Mutex::new(Vec::new());
/// Most buffers kept for reuse.
const POOL_BUFFERS: usize = 64;
/// Largest buffer kept for reuse.
const POOL_LARGEST: usize = 1 << 20;

fn lock_pool() -> MutexGuard<'static, Vec<BytesMut>> {
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Copies a large frame into a recycled buffer when one fits, else into a new one.
fn pooled_copy(part: &[u8]) -> Bytes {
    let reused = {
        let mut pool = lock_pool();
        pool.iter()
            .position(|b| b.capacity() >= part.len())
            .map(|i| pool.swap_remove(i))
    };
    let mut buf = reused.unwrap_or_else(|| BytesMut::with_capacity(part.len()));
    buf.extend_from_slice(part);
    buf.freeze()
}

/// Returns written chunks' buffers to the pool where they are large and no longer shared.
pub fn recycle(chunks: &mut Vec<Bytes>) {
    for chunk in chunks.drain(..) {
        if chunk.len() < OWN_CHUNK || chunk.len() > POOL_LARGEST {
            continue;
        }
        if let Ok(mut buf) = chunk.try_into_mut() {
            buf.clear();
            let mut pool = lock_pool();
            if pool.len() < POOL_BUFFERS {
                pool.push(buf);
            }
        }
    }
}

/// Writes all `chunks` (then recycles them, leaving the list empty), several per system call,
/// at most `max_write` bytes per call.
pub async fn write_chunks<W: AsyncWrite + Unpin>(
    w: &mut W,
    chunks: &mut Vec<Bytes>,
    max_write: usize,
) -> io::Result<()> {
    let mut first = 0;
    let mut offset = 0;
    while first < chunks.len() {
        let n = {
            let mut budget = max_write.max(1);
            let mut slices: Vec<IoSlice<'_>> = Vec::new();
            for (k, c) in chunks[first..].iter().take(MAX_IOV).enumerate() {
                let bytes = if k == 0 { &c[offset..] } else { &c[..] };
                let take = bytes.len().min(budget);
                slices.push(IoSlice::new(&bytes[..take]));
                budget -= take;
                if budget == 0 {
                    break;
                }
            }
            w.write_vectored(&slices).await?
        };
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        let mut left = n;
        while left > 0 && first < chunks.len() {
            let remaining = chunks[first].len() - offset;
            if left >= remaining {
                left -= remaining;
                first += 1;
                offset = 0;
            } else {
                offset += left;
                left = 0;
            }
        }
    }
    recycle(chunks);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(q: &mut OutQueue) -> Vec<u8> {
        let mut chunks = Vec::new();
        q.take_into(&mut chunks);
        chunks.concat()
    }

    #[test]
    fn small_and_large_frames_encode_in_order() {
        let mut q = OutQueue::default();
        q.push(&[b"ab", b""]);
        let big = vec![5u8; OWN_CHUNK];
        q.push(&[&big, b"z"]);
        assert_eq!(q.messages(), 2);
        let bytes = wire(&mut q);
        let mut want = vec![1, 2, b'a', b'b', 0, 0, 3];
        want.extend((OWN_CHUNK as u64).to_be_bytes());
        want.extend(&big);
        want.extend([0, 1, b'z']);
        assert_eq!(bytes, want);
        assert!(q.is_empty());
        assert_eq!(q.messages(), 0);
    }

    #[test]
    fn lent_frames_are_queued_by_reference() {
        let mut q = OutQueue::default();
        let big = Bytes::from(vec![3u8; LEND_MIN]);
        let small = Bytes::from_static(b"hi");
        with_lent(&[big.clone(), small.clone()], || q.push(&[&small, &big]));
        let mut chunks = Vec::new();
        q.take_into(&mut chunks);
        // The large frame is the caller's own allocation; the small one was copied.
        assert!(chunks.iter().any(|c| c.as_ptr() == big.as_ptr()));
        assert_eq!(chunks.concat().len(), 2 + 2 + 9 + LEND_MIN);
        // Outside `with_lent` the same bytes are copied.
        q.push(&[&big]);
        q.take_into(&mut chunks);
        assert!(chunks.iter().filter(|c| c.as_ptr() == big.as_ptr()).count() == 1);
    }

    #[test]
    fn raw_bytes_travel_unframed() {
        let mut q = OutQueue::default();
        q.push_raw(b"GET / HTTP/1.1\r\n");
        let big = vec![7u8; OWN_CHUNK];
        q.push_raw(&big);
        assert_eq!(q.messages(), 2);
        let bytes = wire(&mut q);
        assert_eq!(&bytes[..16], b"GET / HTTP/1.1\r\n");
        assert_eq!(bytes.len(), 16 + OWN_CHUNK);
    }

    #[test]
    fn many_small_messages_span_chunks() {
        let mut q = OutQueue::default();
        for i in 0..10_000u32 {
            q.push(&[&i.to_le_bytes()]);
        }
        let bytes = wire(&mut q);
        assert_eq!(bytes.len(), 10_000 * 6);
        assert!(bytes
            .chunks(6)
            .enumerate()
            .all(|(i, f)| f[..2] == [0, 4] && f[2..] == (i as u32).to_le_bytes()));
    }

    #[test]
    fn partial_takes_keep_counting_what_stays() {
        let mut q = OutQueue::default();
        let big = vec![1u8; OWN_CHUNK];
        for _ in 0..4 {
            q.push(&[b"head", &big]);
        }
        q.push(&[b"small"]);
        assert_eq!(q.messages(), 5);
        let mut out = Vec::new();
        q.take_up_to(OWN_CHUNK, &mut out);
        // The first message's header chunk and its body: one message gone.
        assert_eq!(out.len(), 2);
        assert_eq!(q.messages(), 4);
        q.take_up_to(usize::MAX, &mut out);
        assert_eq!(q.messages(), 0);
        assert!(q.is_empty());
        assert_eq!(out.concat().len(), 4 * (6 + 9 + OWN_CHUNK) + 7);
    }

    /// A writer that accepts everything and records how much each call was offered.
    struct Recorder(Vec<usize>);

    impl AsyncWrite for Recorder {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<io::Result<usize>> {
            self.0.push(buf.len());
            std::task::Poll::Ready(Ok(buf.len()))
        }

        fn poll_write_vectored(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> std::task::Poll<io::Result<usize>> {
            let n = bufs.iter().map(|b| b.len()).sum();
            self.0.push(n);
            std::task::Poll::Ready(Ok(n))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn writes_are_capped_at_max_write() {
        let mut chunks = vec![
            Bytes::from(vec![1u8; 10_000]),
            Bytes::from(vec![2u8; 3_000]),
        ];
        let mut w = Recorder(Vec::new());
        write_chunks(&mut w, &mut chunks, 4096).await.unwrap();
        assert_eq!(w.0, vec![4096, 4096, 4096, 712]);
        let mut chunks = vec![
            Bytes::from(vec![1u8; 10_000]),
            Bytes::from(vec![2u8; 3_000]),
        ];
        let mut w = Recorder(Vec::new());
        write_chunks(&mut w, &mut chunks, usize::MAX).await.unwrap();
        assert_eq!(w.0, vec![13_000]);
    }

    #[tokio::test]
    async fn vectored_writes_survive_partial_writes() {
        let (mut a, mut b) = tokio::io::duplex(7);
        let mut chunks: Vec<Bytes> = (0..50u8)
            .map(|i| Bytes::from(vec![i; (i as usize % 9) + 1]))
            .collect();
        let want: Vec<u8> = chunks.concat();
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut b, &mut got)
                .await
                .unwrap();
            got
        });
        write_chunks(&mut a, &mut chunks, 5).await.unwrap();
        drop(a);
        assert_eq!(reader.await.unwrap(), want);
        assert!(chunks.is_empty());
    }
}
