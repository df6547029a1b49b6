//! Binding layer: conversions at the JS boundary. Received messages are packed into one Buffer
//! per batch so JS slices instead of napi allocating; large frames cross as Buffers over the
//! engine's bytes (and lent Buffers as the engine's bytes); a batch of outgoing messages crosses
//! packed in one Buffer. Invariant: nothing here trusts a length it did not check.

use crate::engine::Msg;
use bytes::Bytes;
use napi::bindgen_prelude::*;

/// Frames at least this large travel in their own Buffer instead of the packed batch.
pub const OWN_BUFFER: usize = 32 * 1024;
/// Flag on a packed frame length: the bytes are in the next separate Buffer.
const SEPARATE: u32 = 0x8000_0000;

/// Copies JS frames into an engine message.
pub fn to_msg(frames: &[&[u8]]) -> Msg {
    frames.iter().map(|f| Bytes::copy_from_slice(f)).collect()
}

/// Bytes `pack_into` writes for `msgs` (message `i`'s frames of `own_from[i]` bytes or more
/// travel separately; `OWN_BUFFER` past the end of `own_from`).
fn packed_len(msgs: &[Msg], own_from: &[usize]) -> usize {
    let mut size = 4;
    for (i, m) in msgs.iter().enumerate() {
        let own = own_from.get(i).copied().unwrap_or(OWN_BUFFER);
        size += 4;
        for f in m {
            size += 4 + if f.len() < own { f.len() } else { 0 };
        }
    }
    size
}

/// Packs messages into `out` (exactly `packed_len` bytes): `[u32 count]` then per message
/// `[u32 frames]` and per frame `[u32 len]` plus the bytes, all little-endian. Frames of
/// `own_from[i]` bytes or more (as `packed_len`) are flagged `SEPARATE` and returned, in order,
/// each with whether it may be a sender's Buffer (its message's threshold is below `OWN_BUFFER`).
fn pack_into(msgs: &[Msg], own_from: &[usize], out: &mut [u8]) -> Vec<(Bytes, bool)> {
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    let mut separate = Vec::new();
    put(&(msgs.len() as u32).to_le_bytes());
    for (i, m) in msgs.iter().enumerate() {
        let own = own_from.get(i).copied().unwrap_or(OWN_BUFFER);
        put(&(m.len() as u32).to_le_bytes());
        for f in m {
            if f.len() < own {
                put(&(f.len() as u32).to_le_bytes());
                put(f);
            } else {
                put(&SEPARATE.to_le_bytes());
                separate.push((f.clone(), own < OWN_BUFFER));
            }
        }
    }
    separate
}

/// Packs `msgs` straight into a new V8-allocated Buffer (so V8 sees and collects the memory like
/// any Buffer's) and returns it with the large frames that travel separately (and whether each
/// may be a sender's Buffer).
pub fn pack<'env>(
    env: &'env Env,
    msgs: &[Msg],
    own_from: &[usize],
) -> Result<(BufferSlice<'env>, Vec<(Bytes, bool)>)> {
    let size = packed_len(msgs, own_from);
    let mut value = std::ptr::null_mut();
    let mut data = std::ptr::null_mut();
    // SAFETY: plain napi calls on the current env; `value` and `data` are out-parameters.
    check_status!(unsafe {
        napi::sys::napi_create_buffer(env.raw(), size, &mut data, &mut value)
    })?;
    if data.is_null() {
        return Err(Error::new(
            Status::GenericFailure,
            "napi_create_buffer gave no memory".to_owned(),
        ));
    }
    // SAFETY: the new Buffer owns `size` writable bytes at `data`, and nothing else can reach
    // them before we return the Buffer.
    let out = unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), size) };
    let separate = pack_into(msgs, own_from, out);
    // SAFETY: `value` is the Buffer just created in this env.
    let buffer = unsafe { BufferSlice::from_napi_value(env.raw(), value)? };
    Ok((buffer, separate))
}

/// The frames and per-message frame counts of a packed batch (see `try_send_packed`); `None` if
/// a length runs past the end, a message has no frame, or bytes are left over.
pub fn unpack_batch(mut rest: &[u8]) -> Option<(Vec<&[u8]>, Vec<usize>)> {
    fn take_u32(rest: &mut &[u8]) -> Option<usize> {
        let (head, tail) = rest.split_first_chunk::<4>()?;
        *rest = tail;
        usize::try_from(u32::from_le_bytes(*head)).ok()
    }
    let (mut frames, mut counts) = (Vec::new(), Vec::new());
    while !rest.is_empty() {
        let n = take_u32(&mut rest)?;
        if n == 0 {
            return None;
        }
        for _ in 0..n {
            let len = take_u32(&mut rest)?;
            if len > rest.len() {
                return None;
            }
            let (frame, tail) = rest.split_at(len);
            frames.push(frame);
            rest = tail;
        }
        counts.push(n);
    }
    Some((frames, counts))
}

/// A JS Buffer lent to the engine: kept alive (and unmoved) until the engine drops its bytes.
pub struct LentBuffer(pub Buffer);

impl AsRef<[u8]> for LentBuffer {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// A Buffer over a received large frame, without copying: the Buffer owns the frame's `Bytes`.
/// `counted`: V8 is told of the memory, so garbage Buffers are collected as promptly as
/// V8-allocated ones. A frame shared over inproc is not counted: it is, or may be, a sender's
/// Buffer that V8 counts already, and counting it again per message makes V8 collect constantly.
pub fn external(env: &Env, frame: Bytes, counted: bool) -> Result<BufferSlice<'_>> {
    let len = frame.len();
    let data = frame.as_ptr().cast_mut();
    // SAFETY: `frame` moves into the finalize hint, so its bytes stay allocated and in place until
    // V8 releases the Buffer; Rust never reads this range again, so JS writes to it race nothing.
    // Over inproc the bytes may be the sender's lent Buffer, in the same JS environment (the
    // carrier shares only then): two Buffers over one memory, as with zeromq.js.
    let buffer = unsafe {
        BufferSlice::from_external(env, data, len, frame, move |env, frame| {
            if counted {
                adjust_external_memory(&env, -(frame.len() as i64));
            }
            drop(frame);
        })
    }?;
    if counted {
        adjust_external_memory(env, len as i64);
    }
    Ok(buffer)
}

fn adjust_external_memory(env: &Env, change: i64) {
    let mut total = 0i64;
    // SAFETY: a plain napi call on the current env; `total` is an out-parameter.
    unsafe { napi::sys::napi_adjust_external_memory(env.raw(), change, &mut total) };
}
