//! Engine layer: an established CurveZMQ (RFC 26) session: every frame boxed into a MESSAGE
//! with the next short nonce, every MESSAGE opened only if its nonce is above the last one and its
//! box verifies. Invariants: a nonce is never reused when sending; a failed open changes nothing,
//! so the connection is dropped by the caller without having delivered a byte of it.

use super::codec::ProtocolError;
use super::curve::{failed, nonce, open, seal};
use bytes::{Bytes, BytesMut};
use crypto_box::SalsaBox;

/// The sending half of an established CURVE session: boxes each frame into a MESSAGE command.
pub struct CurveSender {
    pub(crate) key: SalsaBox,
    pub(crate) prefix: &'static [u8; 16],
    pub(crate) next: u64,
}

/// The receiving half: opens MESSAGE commands, checking that short nonces strictly increase.
pub struct CurveReceiver {
    pub(crate) key: SalsaBox,
    pub(crate) prefix: &'static [u8; 16],
    pub(crate) last: u64,
}

/// MESSAGE flag bits inside the box.
const MORE: u8 = 0x01;
const COMMAND: u8 = 0x02;

impl CurveSender {
    /// Appends one frame (`more`, `command`, `body`) to `out` as an encoded MESSAGE. It goes in a
    /// data frame, as libzmq sends it (and expects it: RFC 26 calls MESSAGE a command).
    pub fn seal_frame(&mut self, more: bool, command: bool, body: &[u8], out: &mut BytesMut) {
        let short = self.next.to_be_bytes();
        self.next += 1;
        let mut plain = Vec::with_capacity(1 + body.len());
        plain.push((u8::from(more) * MORE) | (u8::from(command) * COMMAND));
        plain.extend_from_slice(body);
        let boxed = seal(&self.key, &nonce(self.prefix, &short), &plain);
        let mut data = Vec::with_capacity(8 + boxed.len());
        data.extend_from_slice(&short);
        data.extend_from_slice(&boxed);
        super::codec::put_any_header(out, 8 + data.len(), false, false);
        out.extend_from_slice(b"\x07MESSAGE");
        out.extend_from_slice(&data);
    }
}

impl CurveReceiver {
    /// Opens the data of a MESSAGE command: (more, command, body).
    pub fn open_message(&mut self, data: &[u8]) -> Result<(bool, bool, Bytes), ProtocolError> {
        let short: [u8; 8] = data
            .get(..8)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(failed)?;
        let n = u64::from_be_bytes(short);
        if n <= self.last {
            return Err(failed());
        }
        let plain = open(&self.key, &nonce(self.prefix, &short), &data[8..])?;
        let flags = *plain.first().ok_or_else(failed)?;
        self.last = n;
        Ok((
            flags & MORE != 0,
            flags & COMMAND != 0,
            Bytes::from(plain).slice(1..),
        ))
    }
}
