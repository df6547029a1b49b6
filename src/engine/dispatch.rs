//! Engine layer: what each socket type does with a message on its way out or in, and with a peer
//! that has just completed its handshake, driven by the type's row in `kind.rs`. Everything here
//! runs under the socket's lock and never waits: `Ok(false)` from `send` means "wait for room".
//! Invariants: a message is queued whole or not at all; a ROUTER routing id names one live peer.

use super::carrier::OutCarrier;
use super::error::{EngineError, Result};
use super::kind::{RecvRouting, SendRouting, SocketType};
use super::options::Opt;
use super::routing::{Msg, PipeId, SendTo};
use super::shared::State;
use bytes::Bytes;

/// How a new peer's pipe is chosen when its handshake completes.
pub(crate) struct Arrival<'a> {
    /// The connect-side pipe that outlives its connections, if the endpoint has one.
    pub pipe: Option<PipeId>,
    /// The routing id the peer announced in READY (empty when none).
    pub announced: &'a [u8],
    /// The routing id `connect(address, { routingId })` gave this peer (ROUTER).
    pub given: Option<Bytes>,
    /// The ZMTP minor version the peer announced.
    pub minor: u8,
    /// inproc: the carrier a new pipe sends through (a connect-side pipe has its own already).
    pub carrier: Option<OutCarrier>,
}

impl State {
    /// Queues `parts` as `kind` routes them. `Ok(true)`: queued, or dropped where the type drops
    /// (ROUTER to an unknown peer, REP to a vanished one); `Ok(false)`: it must wait for room.
    pub(crate) fn route_send(&mut self, kind: SocketType, parts: &[&[u8]]) -> Result<bool> {
        match kind.info().send {
            SendRouting::None => Err(EngineError::NotSupported),
            SendRouting::RoundRobin => Ok(self.pipes.send_round_robin(parts).is_some()),
            SendRouting::Request => {
                let (relaxed, correlate) =
                    (self.opts.flag(Opt::Relaxed), self.opts.flag(Opt::Correlate));
                let prefix = self.exchange.request_prefix(relaxed, correlate)?;
                let framed = joined(&prefix, parts);
                match self.pipes.send_round_robin(&framed) {
                    Some(pipe) => {
                        self.exchange.request_sent(pipe, correlate);
                        Ok(true)
                    }
                    None => Ok(false),
                }
            }
            SendRouting::Reply => {
                let (pipe, envelope) = self.exchange.take_reply_route()?;
                // A full or vanished requester loses its reply, as RFC 28 lets a REP do.
                self.pipes.send_to(pipe, &joined(&envelope, parts));
                Ok(true)
            }
            SendRouting::Identity => {
                let mandatory = self.opts.flag(Opt::Mandatory);
                let Some((id, body)) = parts.split_first() else {
                    return Ok(true);
                };
                let Some(pipe) = self.pipes.by_identity(id) else {
                    return if mandatory {
                        Err(EngineError::HostUnreachable)
                    } else {
                        Ok(true)
                    };
                };
                if body.is_empty() {
                    return Ok(true);
                }
                match self.pipes.send_to(pipe, body) {
                    SendTo::Queued => Ok(true),
                    SendTo::Full if mandatory => Ok(false),
                    SendTo::Full => Ok(true),
                    SendTo::Gone if mandatory => Err(EngineError::HostUnreachable),
                    SendTo::Gone => Ok(true),
                }
            }
            SendRouting::FanOut => self.publish(parts),
            SendRouting::Upstream => self.send_upstream(parts),
            SendRouting::Raw => {
                let [id, data] = parts else {
                    return Err(EngineError::InvalidArgument);
                };
                let pipe = self
                    .pipes
                    .by_identity(id)
                    .ok_or(EngineError::HostUnreachable)?;
                if data.is_empty() {
                    // An empty message closes the connection (libzmq's ZMQ_STREAM), after
                    // whatever was queued for it.
                    self.pipes.close_after_flush(pipe);
                    return Ok(true);
                }
                match self.pipes.send_raw(pipe, data) {
                    SendTo::Queued => Ok(true),
                    SendTo::Full => Ok(false),
                    SendTo::Gone => Err(EngineError::HostUnreachable),
                }
            }
        }
    }

    /// Whether a send would be queued now without waiting (false while a REQ awaits its
    /// reply or a REP owes none; a ROUTER is always writable, since it drops what it cannot route).
    pub(crate) fn can_send_now(&self, kind: SocketType) -> bool {
        match kind.info().send {
            SendRouting::None => false,
            SendRouting::RoundRobin => self.pipes.can_send(),
            SendRouting::Request => {
                let relaxed = self.opts.flag(Opt::Relaxed);
                self.exchange.request_prefix(relaxed, false).is_ok() && self.pipes.can_send()
            }
            SendRouting::Reply => self.exchange.check_can_receive_request().is_err(),
            SendRouting::Identity
            | SendRouting::FanOut
            | SendRouting::Upstream
            | SendRouting::Raw => true,
        }
    }

    /// `EFSM` when `kind`'s state machine forbids receiving now; `ENOTSUP` if it never receives.
    pub(crate) fn check_receive(&self, kind: SocketType) -> Result<()> {
        match kind.info().recv {
            RecvRouting::None => Err(EngineError::NotSupported),
            RecvRouting::Request => self.exchange.check_can_receive_reply(),
            RecvRouting::Reply => self.exchange.check_can_receive_request(),
            RecvRouting::FairQueue
            | RecvRouting::Identity
            | RecvRouting::Subscriptions
            | RecvRouting::Filtered => Ok(()),
        }
    }

    /// Most messages one batch may take: REQ and REP change state with every message.
    pub(crate) fn batch_limit(kind: SocketType, wanted: usize) -> usize {
        match kind.info().recv {
            RecvRouting::Request | RecvRouting::Reply => wanted.min(1),
            _ => wanted,
        }
    }

    /// Takes the next message the user may see, dropping what the type drops (stale replies,
    /// requests without an envelope). Call `check_receive` first.
    pub(crate) fn route_receive(&mut self, kind: SocketType) -> Option<Msg> {
        match kind.info().recv {
            RecvRouting::None => None,
            RecvRouting::FairQueue | RecvRouting::Subscriptions => {
                self.pipes.recv_fair().map(|(_, msg)| msg)
            }
            RecvRouting::Filtered => {
                while let Some((_, msg)) = self.pipes.recv_fair() {
                    if self.wanted(&msg) {
                        return Some(msg);
                    }
                }
                None
            }
            RecvRouting::Identity => {
                let (identity, mut msg) = self.pipes.recv_fair_named()?;
                msg.insert(0, identity);
                Some(msg)
            }
            RecvRouting::Request => {
                let correlate = self.opts.flag(Opt::Correlate);
                while let Some((pipe, msg)) = self.pipes.recv_fair() {
                    if let Some(body) = self.exchange.accept_reply(pipe, msg, correlate) {
                        return Some(body);
                    }
                }
                None
            }
            RecvRouting::Reply => {
                while let Some((pipe, msg)) = self.pipes.recv_fair() {
                    if let Some(body) = self.exchange.accept_request(pipe, msg) {
                        return Some(body);
                    }
                }
                None
            }
        }
    }

    /// Gives a peer whose handshake completed its pipe, or `None` to refuse it: a PAIR that
    /// already has its peer, or a ROUTER peer whose routing id is taken (unless `handover`).
    pub(crate) fn attach_peer(&mut self, kind: SocketType, arrival: Arrival<'_>) -> Option<PipeId> {
        let info = kind.info();
        if info.exclusive {
            let own = usize::from(
                arrival
                    .pipe
                    .is_some_and(|p| self.pipes.get_mut(p).is_some()),
            );
            if self.pipes.active() > own {
                return None;
            }
        }
        let named = arrival
            .pipe
            .is_some_and(|p| !self.pipes.identity(p).is_empty());
        let identity = if info.names_peers() && !named {
            let id = match (arrival.given, arrival.announced) {
                (Some(given), _) => given,
                (None, announced) if !announced.is_empty() => Bytes::copy_from_slice(announced),
                (None, _) => self.generate_peer_id(),
            };
            if let Some(holder) = self.pipes.by_identity(&id) {
                if !self.opts.flag(Opt::Handover) {
                    return None;
                }
                // The newcomer takes the id over; the old connection ends.
                self.pipes.retire(holder);
            }
            Some(id)
        } else {
            None
        };
        let pipe = match arrival.pipe {
            Some(id) => {
                let p = self.pipes.get_mut(id)?;
                p.live = true;
                id
            }
            None => {
                let (out_hwm, in_hwm) = (
                    self.opts.hwm(Opt::SendHighWaterMark),
                    self.opts.hwm(Opt::ReceiveHighWaterMark),
                );
                let conflate = self.opts.flag(Opt::Conflate);
                self.pipes.add_with(out_hwm, in_hwm, true, conflate)
            }
        };
        if let Some(id) = identity {
            self.pipes.set_identity(pipe, id);
        }
        if let (Some(c), Some(p)) = (arrival.carrier, self.pipes.get_mut(pipe)) {
            p.carrier = Some(c);
        }
        self.greet_peer(kind, pipe, arrival.minor);
        Some(pipe)
    }

    /// A peer's connection ended: a publisher forgets its subscriptions, then the pipe waits for
    /// the next connection (`persistent`, connect side) or is retired.
    pub(crate) fn drop_peer(&mut self, kind: SocketType, pipe: PipeId, persistent: bool) {
        self.forget_subscriber(kind, pipe);
        let live = self.pipes.get_mut(pipe).is_some_and(|p| p.live);
        if kind.info().raw() && live && self.opts.flag(Opt::Notify) {
            // A STREAM application learns of the end as it learned of the start: an empty message.
            self.pipes.deliver(pipe, [vec![Bytes::new()]]);
            self.wake_receiver();
        }
        if persistent {
            if let Some(p) = self.pipes.get_mut(pipe) {
                p.detach();
            }
        } else {
            self.pipes.retire(pipe);
        }
    }

    /// A routing id for a peer that announced none: 0x00 then a 32-bit counter (RFC 28 reserves
    /// a leading zero byte for generated ids), skipping any id in use.
    fn generate_peer_id(&mut self) -> Bytes {
        loop {
            self.next_peer_id = self.next_peer_id.wrapping_add(1);
            let mut id = [0u8; 5];
            id[1..].copy_from_slice(&self.next_peer_id.to_be_bytes());
            if self.pipes.by_identity(&id).is_none() {
                return Bytes::copy_from_slice(&id);
            }
        }
    }
}

/// `prefix` then `parts`, as one list of frames.
fn joined<'a>(prefix: &'a [Bytes], parts: &[&'a [u8]]) -> Vec<&'a [u8]> {
    let mut all: Vec<&[u8]> = Vec::with_capacity(prefix.len() + parts.len());
    all.extend(prefix.iter().map(|b| &b[..]));
    all.extend_from_slice(parts);
    all
}

#[cfg(test)]
#[path = "dispatch_tests.rs"]
mod tests;
