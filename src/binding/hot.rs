//! Binding layer: what the per-message calls do (queue a message, take a batch of received ones),
//! kept apart from the napi class so the raw entry points in `fast.rs` can reach it through a
//! handle. Invariants: a message that must wait is kept whole in `pending` for `sendPending`;
//! a received batch never holds more than the caps below.

use super::convert::{external, pack, to_msg, unpack_batch, LentBuffer, OWN_BUFFER};
use super::errors::{type_error, zmq_error};
use super::settle::promise_and_settler;
use crate::engine::outqueue::LEND_MIN;
use crate::engine::{Msg, Socket};
use bytes::Bytes;
use napi::bindgen_prelude::*;
use std::sync::Mutex;

/// Most messages moved to JS per batch.
const BATCH_MSGS: usize = 1024;
/// Inline bytes after which a batch stops growing (bounds what one retained slice keeps alive).
const BATCH_BYTES: usize = 32 * 1024;
/// Bytes of separately-buffered large frames after which a batch stops growing.
const BATCH_SEPARATE_BYTES: usize = 4 << 20;

/// One socket's per-message state.
pub struct Hot {
    socket: Socket,
    /// A message `trySend` could not queue, kept for the following `sendPending`.
    pending: Mutex<Option<Msg>>,
}

impl Hot {
    /// The state of `socket` (a handle on the same engine socket as the class's).
    pub fn new(socket: Socket) -> Self {
        Hot {
            socket,
            pending: Mutex::new(None),
        }
    }

    /// The message the last send could not queue, if any.
    pub fn take_pending(&self) -> Option<Msg> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    fn keep_pending(&self, msg: Msg) {
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg);
    }

    /// Queues a message of copied frames; false means it must wait (`sendPending`).
    pub fn try_send_slices(&self, env: &Env, frames: &[&[u8]]) -> Result<bool> {
        if frames.is_empty() {
            return Err(type_error("Message must have at least one frame"));
        }
        let queued = self
            .socket
            .try_send_parts(frames)
            .map_err(|e| zmq_error(env, &e, None))?;
        if !queued {
            // Only a message that must wait is copied into an owned message.
            self.keep_pending(to_msg(frames));
        }
        Ok(queued)
    }

    /// Queues a message whose frames of `LEND_MIN` bytes or more are sent without a copy: the
    /// engine keeps those Buffers until written. False means it must wait (`sendPending`).
    pub fn try_send_lent(&self, env: &Env, frames: Vec<Buffer>) -> Result<bool> {
        if frames.is_empty() {
            return Err(type_error("Message must have at least one frame"));
        }
        // Every frame as Bytes: the large ones own their Buffer, the small ones are copied.
        let msg: Msg = frames
            .into_iter()
            .map(|frame| {
                if frame.len() >= LEND_MIN {
                    Bytes::from_owner(LentBuffer(frame))
                } else {
                    Bytes::copy_from_slice(&frame)
                }
            })
            .collect();
        let parts: Vec<&[u8]> = msg.iter().map(|f| &f[..]).collect();
        let queued = self
            .socket
            .try_send_lent(&parts, &msg)
            .map_err(|e| zmq_error(env, &e, None))?;
        drop(parts);
        if !queued {
            self.keep_pending(msg);
        }
        Ok(queued)
    }

    /// Queues the messages packed in `packed` (`[u32 frames]` then per frame `[u32 len]` and the
    /// bytes, little-endian, per message) until one would have to wait: how many were queued.
    /// A malformed batch is an error and queues nothing.
    pub fn try_send_packed(&self, packed: &[u8]) -> Result<u32> {
        let (frames, counts) =
            unpack_batch(packed).ok_or_else(|| type_error("Malformed message batch"))?;
        Ok(self.socket.try_send_many(&frames, &counts) as u32)
    }

    /// Whether the socket was closed.
    pub fn closed(&self) -> bool {
        self.socket.is_closed()
    }

    /// A promise that resolves when a message may be received (the caller looks again: a close
    /// resolves it too) and rejects on a timeout or a state error. The thread that delivers the
    /// message settles it: at most one thread hop from arrival to JS.
    pub fn wait_readable<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let (promise, settler) = promise_and_settler(env)?;
        self.socket
            .recv_notify_then(move |outcome| settler.settle(outcome));
        Ok(promise)
    }

    /// The messages that can be received now: `None` when none, else the packed batch followed
    /// by the separate Buffers of large frames.
    pub fn read_batch<'env>(&self, env: &'env Env) -> Result<Option<Vec<BufferSlice<'env>>>> {
        let mut msgs = Vec::new();
        // The size from which each message's frames travel in Buffers of their own.
        let mut own_from = Vec::new();
        // Inline bytes share one Buffer (and keep it alive together); large frames travel in
        // Buffers of their own, so they only count toward a looser cap.
        let (mut inline, mut separate) = (0, 0);
        self.socket
            .recv_batch_until(&mut msgs, BATCH_MSGS, |msg, shared| {
                // A shared frame may be the sender's own Buffer: it is handed over, not copied.
                let own = if shared { LEND_MIN } else { OWN_BUFFER };
                own_from.push(own);
                for frame in msg {
                    if frame.len() < own {
                        inline += frame.len();
                    } else {
                        separate += frame.len();
                    }
                }
                inline >= BATCH_BYTES || separate >= BATCH_SEPARATE_BYTES
            })
            .map_err(|e| zmq_error(env, &e, None))?;
        if msgs.is_empty() {
            return Ok(None);
        }
        let (packed, separate) = pack(env, &msgs, &own_from)?;
        let mut out = Vec::with_capacity(1 + separate.len());
        out.push(packed);
        for (frame, shared) in separate {
            out.push(external(env, frame, !shared)?);
        }
        Ok(Some(out))
    }
}
