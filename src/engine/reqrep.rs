//! Engine layer: the REQ and REP state machines of RFC 28 and their envelopes. Pure state, no
//! I/O: the socket core asks it what to prefix to a request or reply and whether a received
//! message is one the user may see. Invariants: a REQ shows only the reply to its latest request
//! (from the pipe that request went to, with the matching id under `correlate`); a REP owes
//! exactly one reply per request it showed, sent back along that request's envelope.

use super::error::{EngineError, Result};
use super::routing::{Msg, PipeId};
use bytes::Bytes;

/// The request/reply state of one socket (unused by other types).
#[derive(Debug, Default)]
pub struct Exchange {
    /// REQ: a request was sent and its reply not yet received.
    awaiting: bool,
    /// REQ: the pipe the outstanding request went to. REP: the pipe the request came from.
    pipe: Option<PipeId>,
    /// REQ under `correlate`: the id of the outstanding request.
    request_id: u32,
    /// REP: a request was received and not yet answered.
    owing: bool,
    /// REP: the routing frames of that request, up to and including the empty delimiter.
    envelope: Vec<Bytes>,
}

/// The empty frame that ends an envelope.
const DELIMITER: &[u8] = b"";

impl Exchange {
    /// A fresh state whose first correlated request id is `seed` (random, so a restarted REQ
    /// does not accept replies meant for its previous life).
    pub fn new(seed: u32) -> Self {
        Self {
            request_id: seed,
            ..Self::default()
        }
    }

    /// REQ: the frames to put before a new request's body: `[id (4 bytes)]` under `correlate`,
    /// then the delimiter. `EFSM` while a reply is outstanding, unless `relaxed`.
    pub fn request_prefix(&self, relaxed: bool, correlate: bool) -> Result<Vec<Bytes>> {
        if self.awaiting && !relaxed {
            return Err(EngineError::State);
        }
        let mut prefix = Vec::with_capacity(2);
        if correlate {
            prefix.push(Bytes::copy_from_slice(
                &self.request_id.wrapping_add(1).to_be_bytes(),
            ));
        }
        prefix.push(Bytes::from_static(DELIMITER));
        Ok(prefix)
    }

    /// REQ: the request built with `request_prefix` was queued on `pipe`.
    pub fn request_sent(&mut self, pipe: PipeId, correlate: bool) {
        if correlate {
            self.request_id = self.request_id.wrapping_add(1);
        }
        self.awaiting = true;
        self.pipe = Some(pipe);
    }

    /// REQ: `EFSM` unless a reply is outstanding (a receive before any send fails at once).
    pub fn check_can_receive_reply(&self) -> Result<()> {
        if self.awaiting {
            Ok(())
        } else {
            Err(EngineError::State)
        }
    }

    /// REQ: the body of `msg` if it is the reply to the outstanding request (which it then
    /// completes); `None` if it must be dropped.
    pub fn accept_reply(&mut self, from: PipeId, mut msg: Msg, correlate: bool) -> Option<Msg> {
        if !self.awaiting || self.pipe != Some(from) {
            return None;
        }
        let skip = if correlate {
            let id = msg.first()?;
            if id[..] != self.request_id.to_be_bytes() {
                return None;
            }
            1
        } else {
            0
        };
        if msg.get(skip).is_none_or(|d| !d.is_empty()) || msg.len() <= skip + 1 {
            return None;
        }
        msg.drain(..=skip);
        self.awaiting = false;
        self.pipe = None;
        Some(msg)
    }

    /// REP: `EFSM` while a received request is unanswered.
    pub fn check_can_receive_request(&self) -> Result<()> {
        if self.owing {
            Err(EngineError::State)
        } else {
            Ok(())
        }
    }

    /// REP: splits `msg` into its envelope and body, keeping the envelope for the reply.
    /// `None` (dropped) when it has no delimiter or nothing after it.
    pub fn accept_request(&mut self, from: PipeId, mut msg: Msg) -> Option<Msg> {
        let delimiter = msg.iter().position(|f| f.is_empty())?;
        if delimiter + 1 >= msg.len() {
            return None;
        }
        let body = msg.split_off(delimiter + 1);
        self.envelope = msg;
        self.pipe = Some(from);
        self.owing = true;
        Some(body)
    }

    /// REP: takes the pipe and envelope the reply goes back along. `EFSM` if no request is owed.
    pub fn take_reply_route(&mut self) -> Result<(PipeId, Vec<Bytes>)> {
        if !self.owing {
            return Err(EngineError::State);
        }
        let pipe = self.pipe.take().ok_or(EngineError::State)?;
        self.owing = false;
        Ok((pipe, std::mem::take(&mut self.envelope)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(frames: &[&[u8]]) -> Msg {
        frames.iter().map(|f| Bytes::copy_from_slice(f)).collect()
    }

    #[test]
    fn req_alternates_strictly() {
        let mut x = Exchange::new(0);
        assert_eq!(x.check_can_receive_reply().unwrap_err().code(), "EFSM");
        let prefix = x.request_prefix(false, false).unwrap();
        assert_eq!(prefix, vec![Bytes::new()]);
        x.request_sent(1, false);
        assert_eq!(x.request_prefix(false, false).unwrap_err().code(), "EFSM");
        x.check_can_receive_reply().unwrap();
        // From another pipe, or without a delimiter: dropped, still awaiting.
        assert_eq!(x.accept_reply(2, msg(&[b"", b"r"]), false), None);
        assert_eq!(x.accept_reply(1, msg(&[b"r"]), false), None);
        assert_eq!(x.accept_reply(1, msg(&[b""]), false), None);
        assert_eq!(
            x.accept_reply(1, msg(&[b"", b"r", b"2"]), false),
            Some(msg(&[b"r", b"2"]))
        );
        assert_eq!(x.check_can_receive_reply().unwrap_err().code(), "EFSM");
        assert!(x.request_prefix(false, false).is_ok());
    }

    #[test]
    fn relaxed_correlated_req_drops_stale_replies() {
        let mut x = Exchange::new(41);
        let p1 = x.request_prefix(true, true).unwrap();
        assert_eq!(p1, vec![Bytes::from_static(&[0, 0, 0, 42]), Bytes::new()]);
        x.request_sent(1, true);
        let p2 = x.request_prefix(true, true).unwrap();
        assert_eq!(p2[0][..], [0, 0, 0, 43]);
        x.request_sent(1, true);
        assert_eq!(
            x.accept_reply(1, msg(&[&[0, 0, 0, 42], b"", b"r1"]), true),
            None
        );
        assert_eq!(
            x.accept_reply(1, msg(&[&[0, 0, 0, 43], b"", b"r2"]), true),
            Some(msg(&[b"r2"]))
        );
    }

    #[test]
    fn rep_keeps_the_envelope_for_its_reply() {
        let mut x = Exchange::new(0);
        assert_eq!(x.take_reply_route().unwrap_err().code(), "EFSM");
        assert_eq!(x.accept_request(3, msg(&[b"no delimiter"])), None);
        assert_eq!(x.accept_request(3, msg(&[b"id", b""])), None);
        let body = x.accept_request(3, msg(&[b"id1", b"id2", b"", b"q", b"q2"]));
        assert_eq!(body, Some(msg(&[b"q", b"q2"])));
        assert_eq!(x.check_can_receive_request().unwrap_err().code(), "EFSM");
        let (pipe, envelope) = x.take_reply_route().unwrap();
        assert_eq!((pipe, envelope), (3, msg(&[b"id1", b"id2", b""])));
        x.check_can_receive_request().unwrap();
        assert_eq!(x.take_reply_route().unwrap_err().code(), "EFSM");
    }
}
