//! Engine layer: an established CurveZMQ (RFC 26) session: every frame boxed into a MESSAGE
//! with the next short nonce, every MESSAGE opened only if its nonce is above the last one and its
//! box verifies. Invariants: a nonce is never reused when sending; a failed open changes nothing,
//! so the connection is dropped by the caller without having delivered a byte of it.

use super::codec::ProtocolError;
use super::curve::{failed, nonce, TAG};
#[cfg(test)]
use bytes::Bytes;
use bytes::{BufMut, BytesMut};
use crypto_box::aead::AeadInPlace;
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
    /// Where boxes are opened, reused from one to the next.
    pub(crate) scratch: Vec<u8>,
}

/// The most a receiver's scratch buffer keeps between messages.
const SCRATCH_KEEP: usize = 256 * 1024;

/// MESSAGE flag bits inside the box.
const MORE: u8 = 0x01;
const COMMAND: u8 = 0x02;

impl CurveSender {
    /// Appends one frame (`more`, `command`, `body`) to `out` as an encoded MESSAGE, boxed in
    /// place (one copy of the body, no allocation past `out`'s growth). It goes in a data frame,
    /// as libzmq sends it (and expects it: RFC 26 calls MESSAGE a command).
    pub fn seal_frame(
        &mut self,
        more: bool,
        command: bool,
        body: &[u8],
        out: &mut BytesMut,
    ) -> Result<(), ProtocolError> {
        let short = self.next.to_be_bytes();
        self.next += 1;
        let start = out.len();
        let boxed_len = TAG + 1 + body.len();
        super::codec::put_any_header(out, 8 + 8 + boxed_len, false, false);
        out.reserve(16 + boxed_len);
        out.extend_from_slice(b"\x07MESSAGE");
        out.extend_from_slice(&short);
        let tag_at = out.len();
        out.extend_from_slice(&[0u8; TAG]);
        out.put_u8((u8::from(more) * MORE) | (u8::from(command) * COMMAND));
        out.extend_from_slice(body);
        let n = nonce(self.prefix, &short);
        // Fails only for associated data, which is never passed; if it ever did, the plain
        // bytes just written are taken back, so nothing unboxed can go out.
        match self
            .key
            .encrypt_in_place_detached(&n, b"", &mut out[tag_at + TAG..])
        {
            Ok(tag) => {
                out[tag_at..tag_at + TAG].copy_from_slice(&tag);
                Ok(())
            }
            Err(_) => {
                out.truncate(start);
                Err(failed())
            }
        }
    }
}

impl CurveReceiver {
    /// Opens the data of a MESSAGE (after its name) and appends the frame it carried to `plain`,
    /// encoded as plain ZMTP. Nothing is appended, and the last nonce stays, unless the nonce is
    /// above the last one and the box verifies.
    pub fn open_into(&mut self, data: &[u8], plain: &mut BytesMut) -> Result<(), ProtocolError> {
        let short: [u8; 8] = data
            .get(..8)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(failed)?;
        let n = u64::from_be_bytes(short);
        if n <= self.last || data.len() < 8 + TAG + 1 {
            return Err(failed());
        }
        let tag = crypto_box::Tag::clone_from_slice(&data[8..8 + TAG]);
        self.scratch.clear();
        self.scratch.extend_from_slice(&data[8 + TAG..]);
        self.key
            .decrypt_in_place_detached(&nonce(self.prefix, &short), b"", &mut self.scratch, &tag)
            .map_err(|_| failed())?;
        self.last = n;
        let flags = self.scratch[0];
        let body = &self.scratch[1..];
        super::codec::put_any_header(plain, body.len(), flags & MORE != 0, flags & COMMAND != 0);
        plain.extend_from_slice(body);
        // One large message must not pin its size in memory for the rest of the connection.
        if self.scratch.capacity() > SCRATCH_KEEP {
            self.scratch = Vec::new();
        }
        Ok(())
    }

    /// Opens the data of a MESSAGE: (more, command, body). For tests; the reader uses `open_into`.
    #[cfg(test)]
    pub fn open_message(&mut self, data: &[u8]) -> Result<(bool, bool, Bytes), ProtocolError> {
        let mut plain = BytesMut::new();
        self.open_into(data, &mut plain)?;
        let frame = super::codec::Decoder::new(None)
            .decode(&mut plain)?
            .ok_or_else(failed)?;
        Ok((frame.more, frame.command, frame.body))
    }
}
