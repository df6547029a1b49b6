//! Binding layer: conversions at the JS boundary. Engine errors become JS errors whose message
//! is `CODE|errno|text` (the TypeScript layer turns that into `code`/`errno`/`message`), and
//! received messages are packed into one Buffer per batch so JS slices instead of napi allocating.

use crate::engine::{EngineError, Msg};
use bytes::Bytes;
use napi::bindgen_prelude::*;

/// Frames at least this large travel in their own Buffer instead of the packed batch.
pub const OWN_BUFFER: usize = 32 * 1024;
/// Flag on a packed frame length: the bytes are in the next separate Buffer.
const SEPARATE: u32 = 0x8000_0000;

/// An engine error as a napi error the TypeScript layer decodes.
pub fn js_error(err: EngineError) -> Error {
    Error::new(
        Status::GenericFailure,
        format!("{}|{}|{}", err.code(), err.errno(), err),
    )
}

/// A JS type mistake caught in Rust.
pub fn type_error(text: &str) -> Error {
    Error::new(Status::InvalidArg, format!("TypeError|0|{text}"))
}

/// Copies JS frames into an engine message.
pub fn to_msg(frames: &[&[u8]]) -> Msg {
    frames.iter().map(|f| Bytes::copy_from_slice(f)).collect()
}

/// Packs messages: `[u32 count]` then per message `[u32 frames]` and per frame `[u32 len]` plus
/// the bytes, all little-endian. Frames of `OWN_BUFFER` bytes or more are flagged and returned
/// separately, in order.
pub fn pack(msgs: &[Msg]) -> (Vec<u8>, Vec<Bytes>) {
    let mut size = 4;
    for m in msgs {
        size += 4;
        for f in m {
            size += 4 + if f.len() < OWN_BUFFER { f.len() } else { 0 };
        }
    }
    let mut out = Vec::with_capacity(size);
    let mut separate = Vec::new();
    out.extend_from_slice(&(msgs.len() as u32).to_le_bytes());
    for m in msgs {
        out.extend_from_slice(&(m.len() as u32).to_le_bytes());
        for f in m {
            if f.len() < OWN_BUFFER {
                out.extend_from_slice(&(f.len() as u32).to_le_bytes());
                out.extend_from_slice(f);
            } else {
                out.extend_from_slice(&SEPARATE.to_le_bytes());
                separate.push(f.clone());
            }
        }
    }
    (out, separate)
}
