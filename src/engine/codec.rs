//! Engine layer: ZMTP 3.1 wire format (RFC 37): greeting, frames, commands. Pure functions over
//! buffers. Invariant: a declared length is never allocated up front; a frame is split off the
//! read buffer only when all its bytes have arrived, and `max_message_size` is checked on headers.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Size of the ZMTP 3.x greeting.
pub const GREETING_LEN: usize = 64;
const FLAG_MORE: u8 = 0x01;
const FLAG_LONG: u8 = 0x02;
const FLAG_COMMAND: u8 = 0x04;

/// Why the peer's bytes cannot be accepted. The connection is dropped with this as the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The first 10 bytes are not a ZMTP signature.
    #[error("peer did not send a ZMTP signature")]
    BadSignature,
    /// ZMTP 1.0/2.0 or an unknown major version.
    #[error("unsupported ZMTP version {0}.{1}")]
    BadVersion(u8, u8),
    /// The peer asked for a security mechanism we do not run.
    #[error("security mechanism mismatch: peer uses {0:?}")]
    Mechanism(String),
    /// Reserved flag bits were set.
    #[error("invalid frame flags 0x{0:02x}")]
    BadFlags(u8),
    /// A long frame whose length does not fit this machine.
    #[error("frame length {0} is out of range")]
    BadLength(u64),
    /// A message would exceed `maxMessageSize`.
    #[error("message of at least {size} bytes exceeds maxMessageSize {limit}")]
    TooLarge {
        /// Bytes the message would hold.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// A command body that does not parse.
    #[error("malformed {0} command")]
    BadCommand(&'static str),
    /// The peer's READY named a socket type we cannot talk to.
    #[error("incompatible socket type {0:?}")]
    Incompatible(String),
    /// The peer sent something other than READY first.
    #[error("expected READY, got {0:?}")]
    ExpectedReady(String),
    /// The peer sent an ERROR command.
    #[error("peer reported error: {0:?}")]
    PeerError(String),
    /// The handshake did not complete in time.
    #[error("handshake timed out")]
    HandshakeTimeout,
    /// A CURVE box failed to open, a key did not match, or a nonce did not increase.
    #[error("cryptographic check failed")]
    Cryptographic,
}

impl ProtocolError {
    /// zeromq.js's code for this failure in a `handshake:error:protocol` event (libzmq's
    /// ZMQ_PROTOCOL_ERROR_ZMTP_* names).
    pub fn zmtp_code(&self) -> &'static str {
        match self {
            ProtocolError::Mechanism(_) => "ERR_ZMTP_MECHANISM_MISMATCH",
            ProtocolError::BadCommand(_) => "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
            ProtocolError::ExpectedReady(_) => "ERR_ZMTP_UNEXPECTED_COMMAND",
            ProtocolError::Incompatible(_) => "ERR_ZMTP_INVALID_METADATA",
            ProtocolError::Cryptographic => "ERR_ZMTP_CRYPTOGRAPHIC",
            _ => "ERR_ZMTP_UNSPECIFIED",
        }
    }
}

/// Builds our 64-byte greeting: ZMTP 3.1 with `mechanism` (at most 20 bytes, e.g. `b"NULL"`).
pub fn greeting(as_server: bool, mechanism: &[u8]) -> [u8; GREETING_LEN] {
    let mut g = [0u8; GREETING_LEN];
    g[0] = 0xFF;
    g[9] = 0x7F;
    g[10] = 3;
    g[11] = 1;
    let name = &mechanism[..mechanism.len().min(20)];
    g[12..12 + name.len()].copy_from_slice(name);
    g[32] = u8::from(as_server);
    g
}

/// Checks the first 10 bytes of a peer's greeting.
pub fn check_signature(sig: &[u8]) -> Result<(), ProtocolError> {
    if sig.len() < 10 || sig[0] != 0xFF || sig[9] & 0x01 != 1 {
        return Err(ProtocolError::BadSignature);
    }
    Ok(())
}

/// Validates a whole peer greeting (signature, version >= 3.0, the same `mechanism` as ours);
/// returns the minor version.
pub fn check_greeting(g: &[u8; GREETING_LEN], mechanism: &[u8]) -> Result<u8, ProtocolError> {
    check_signature(&g[..10])?;
    let (major, minor) = (g[10], g[11]);
    if major < 3 {
        return Err(ProtocolError::BadVersion(major, minor));
    }
    let mech = &g[12..32];
    let end = mech.iter().position(|&b| b == 0).unwrap_or(mech.len());
    if &mech[..end] != mechanism {
        return Err(ProtocolError::Mechanism(
            String::from_utf8_lossy(&mech[..end]).into_owned(),
        ));
    }
    Ok(minor)
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// More frames of the same message follow.
    pub more: bool,
    /// A command frame rather than message data.
    pub command: bool,
    /// The frame body.
    pub body: Bytes,
}

/// Incremental frame decoder. Holds only the header of a frame in progress.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Bytes of data frames accepted so far for the message in progress.
    message_size: u64,
    /// `maxMessageSize`; `None` is unlimited.
    max_message_size: Option<u64>,
}

impl Decoder {
    /// A decoder that enforces `max_message_size` (None: no limit).
    pub fn new(max_message_size: Option<u64>) -> Self {
        Self {
            message_size: 0,
            max_message_size,
        }
    }

    /// Takes the next complete frame off `buf`, or `Ok(None)` when more bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, ProtocolError> {
        let Some(&flags) = buf.first() else {
            return Ok(None);
        };
        if flags & !(FLAG_MORE | FLAG_LONG | FLAG_COMMAND) != 0 {
            return Err(ProtocolError::BadFlags(flags));
        }
        let (header_len, size) = if flags & FLAG_LONG != 0 {
            if buf.len() < 9 {
                return Ok(None);
            }
            let mut len_bytes = [0u8; 8];
            len_bytes.copy_from_slice(&buf[1..9]);
            (9, u64::from_be_bytes(len_bytes))
        } else {
            if buf.len() < 2 {
                return Ok(None);
            }
            (2, u64::from(buf[1]))
        };
        if size > isize::MAX as u64 {
            return Err(ProtocolError::BadLength(size));
        }
        let command = flags & FLAG_COMMAND != 0;
        if !command {
            if let Some(limit) = self.max_message_size {
                let total = self.message_size.saturating_add(size);
                if total > limit {
                    return Err(ProtocolError::TooLarge { size: total, limit });
                }
            }
        }
        // `size` fits in usize (checked above); only now, with every byte present, do we split it off.
        let size = size as usize;
        if buf.len() - header_len < size {
            return Ok(None);
        }
        buf.advance(header_len);
        let body = buf.split_to(size).freeze();
        let more = flags & FLAG_MORE != 0 && !command;
        if !command {
            self.message_size = if more {
                self.message_size + size as u64
            } else {
                0
            };
        }
        Ok(Some(Frame {
            more,
            command,
            body,
        }))
    }

    /// If `buf` starts with the header of a data frame of at least `min` bytes whose body has not
    /// all arrived, takes the header off (checking limits and counting it into the message) and
    /// returns `(size, more)`: the caller then reads the body into a buffer of its own.
    pub fn take_large_header(
        &mut self,
        buf: &mut BytesMut,
        min: usize,
    ) -> Result<Option<(usize, bool)>, ProtocolError> {
        let Some(&flags) = buf.first() else {
            return Ok(None);
        };
        if flags & FLAG_LONG == 0 || flags & FLAG_COMMAND != 0 || buf.len() < 9 {
            return Ok(None);
        }
        let mut len_bytes = [0u8; 8];
        len_bytes.copy_from_slice(&buf[1..9]);
        let size = u64::from_be_bytes(len_bytes);
        if size < min as u64 || (buf.len() - 9) as u64 >= size {
            return Ok(None);
        }
        // Same checks as `decode`, which has already run on this header and passed them.
        if flags & !(FLAG_MORE | FLAG_LONG | FLAG_COMMAND) != 0 {
            return Err(ProtocolError::BadFlags(flags));
        }
        if size > isize::MAX as u64 {
            return Err(ProtocolError::BadLength(size));
        }
        let total = self.message_size.saturating_add(size);
        if let Some(limit) = self.max_message_size {
            if total > limit {
                return Err(ProtocolError::TooLarge { size: total, limit });
            }
        }
        let more = flags & FLAG_MORE != 0;
        self.message_size = if more { total } else { 0 };
        buf.advance(9);
        Ok(Some((size as usize, more)))
    }

    /// How many bytes the frame at the head of `buf` still needs, for read sizing (0 if unknown).
    pub fn pending_need(buf: &[u8]) -> usize {
        match buf.first() {
            Some(&f) if f & FLAG_LONG != 0 && buf.len() >= 9 => {
                let mut len_bytes = [0u8; 8];
                len_bytes.copy_from_slice(&buf[1..9]);
                let size = u64::from_be_bytes(len_bytes).saturating_add(9);
                usize::try_from(size)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(buf.len())
            }
            _ => 0,
        }
    }
}

/// Appends one data frame's header to `dst`.
pub fn put_frame_header(dst: &mut BytesMut, len: usize, more: bool) {
    put_any_header(dst, len, more, false);
}

/// Appends the header of a data (`command` false) or command frame of `len` bytes to `dst`.
pub fn put_any_header(dst: &mut BytesMut, len: usize, more: bool, command: bool) {
    let flags = if command { FLAG_COMMAND } else { 0 } | if more { FLAG_MORE } else { 0 };
    if len <= 255 {
        dst.put_u8(flags);
        dst.put_u8(len as u8);
    } else {
        dst.put_u8(flags | FLAG_LONG);
        dst.put_u64(len as u64);
    }
}

/// Appends a whole message (all frames) to `dst`.
pub fn encode_message(dst: &mut BytesMut, parts: &[Bytes]) {
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        put_frame_header(dst, part.len(), i < last);
        dst.extend_from_slice(part);
    }
}

/// Appends a command frame `name` + `data` to `dst`.
pub fn encode_command(dst: &mut BytesMut, name: &str, data: &[u8]) {
    let len = 1 + name.len() + data.len();
    if len <= 255 {
        dst.put_u8(FLAG_COMMAND);
        dst.put_u8(len as u8);
    } else {
        dst.put_u8(FLAG_COMMAND | FLAG_LONG);
        dst.put_u64(len as u64);
    }
    dst.put_u8(name.len() as u8);
    dst.extend_from_slice(name.as_bytes());
    dst.extend_from_slice(data);
}

/// A command split into its name and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name, for example `READY` or `PING`.
    pub name: String,
    /// The rest of the body.
    pub data: Bytes,
}

/// Splits a command frame body.
pub fn parse_command(body: &Bytes) -> Result<Command, ProtocolError> {
    let name_len = usize::from(*body.first().ok_or(ProtocolError::BadCommand("empty"))?);
    if name_len == 0 || body.len() < 1 + name_len {
        return Err(ProtocolError::BadCommand("unnamed"));
    }
    let name = std::str::from_utf8(&body[1..1 + name_len])
        .map_err(|_| ProtocolError::BadCommand("unnamed"))?
        .to_owned();
    Ok(Command {
        name,
        data: body.slice(1 + name_len..),
    })
}

/// Encodes READY metadata properties (name-len, name, 4-byte value-len, value).
pub fn encode_properties(props: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in props {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(value.len() as u32).to_be_bytes());
        out.extend_from_slice(value);
    }
    out
}

/// Parses READY metadata; property names are compared case-insensitively by callers.
pub fn parse_properties(mut data: &[u8]) -> Result<Vec<(String, Bytes)>, ProtocolError> {
    let bad = ProtocolError::BadCommand("READY");
    let mut props = Vec::new();
    while !data.is_empty() {
        let name_len = usize::from(data[0]);
        if name_len == 0 || data.len() < 1 + name_len + 4 {
            return Err(bad);
        }
        let name = String::from_utf8_lossy(&data[1..1 + name_len]).into_owned();
        data = &data[1 + name_len..];
        let value_len = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
        data = &data[4..];
        if data.len() < value_len {
            return Err(bad);
        }
        props.push((name, Bytes::copy_from_slice(&data[..value_len])));
        data = &data[value_len..];
    }
    Ok(props)
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
