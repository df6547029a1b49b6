//! Engine layer: publish/subscribe (RFC 29, ZMTP 3.1 SUBSCRIBE/CANCEL) on the generic socket core.
//! Publishers keep each subscriber's topics in its pipe and filter before encoding, so unwanted
//! messages never reach the wire; subscribers keep their own topics, send them to every peer on
//! each (re)connection, and filter what arrives. Invariants: a publisher never waits for want of
//! subscribers (only `noDrop` waits, and only for a full one); a topic is held at most once per
//! subscriber pipe, and `held` counts the pipes holding each topic.

use super::codec;
use super::error::{EngineError, Result};
use super::kind::{RecvRouting, SendRouting, SocketType};
use super::options::Opt;
use super::routing::{Msg, Pipe, PipeId};
use super::shared::State;
use super::trie::Trie;
use bytes::{Bytes, BytesMut};

/// Publish/subscribe state of one socket (unused by other types).
#[derive(Debug, Default)]
pub(crate) struct PubSub {
    /// SUB/XSUB: our own subscriptions, counted per `subscribe` call.
    mine: Trie,
    /// PUB/XPUB: each topic with the number of subscriber pipes holding it.
    held: Trie,
    /// XPUB: the pipe whose subscription arrived last (what `manual` subscriptions apply to).
    last_pipe: Option<PipeId>,
    /// PUB/XPUB: messages a full subscriber missed.
    pub(crate) dropped: u64,
}

const SUBSCRIBE: u8 = 1;
const CANCEL: u8 = 0;

/// A subscription as a peer of ZMTP minor version `minor` takes it: the SUBSCRIBE/CANCEL command
/// (3.1), or a data message of 0x01/0x00 and the topic (3.0).
pub(crate) fn subscription_frame(minor: u8, subscribe: bool, topic: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(topic.len() + 16);
    if minor >= 1 {
        codec::encode_command(
            &mut out,
            if subscribe { "SUBSCRIBE" } else { "CANCEL" },
            topic,
        );
    } else {
        codec::put_frame_header(&mut out, topic.len() + 1, false);
        out.extend_from_slice(&[if subscribe { SUBSCRIBE } else { CANCEL }]);
        out.extend_from_slice(topic);
    }
    out.freeze()
}

/// Tells the peer of pipe `p` of a subscription (`on`) or cancel, ahead of queued messages: as a
/// message over inproc, else in the form its ZMTP version takes.
fn announce(p: &mut Pipe, on: bool, topic: &[u8]) {
    if p.carrier.is_some() {
        let mut frame = Vec::with_capacity(topic.len() + 1);
        frame.push(if on { SUBSCRIBE } else { CANCEL });
        frame.extend_from_slice(topic);
        p.send_ahead(vec![Bytes::from(frame)]);
    } else {
        p.control.push(subscription_frame(p.minor, on, topic));
        p.wake_writer();
    }
}

/// A subscription message's direction and topic, if `msg` is one (a single frame starting with
/// 0x01 or 0x00).
fn as_subscription(msg: &Msg) -> Option<(bool, &[u8])> {
    match msg.as_slice() {
        [frame] => match frame.split_first() {
            Some((&SUBSCRIBE, topic)) => Some((true, topic)),
            Some((&CANCEL, topic)) => Some((false, topic)),
            _ => None,
        },
        _ => None,
    }
}

fn subscription_msg(subscribe: bool, topic: &[u8]) -> Msg {
    let mut frame = Vec::with_capacity(topic.len() + 1);
    frame.push(if subscribe { SUBSCRIBE } else { CANCEL });
    frame.extend_from_slice(topic);
    vec![Bytes::from(frame)]
}

impl State {
    /// PUB/XPUB: queues `parts` for every subscriber whose topics match the first frame (or do
    /// not, under `invertMatching`). `Ok(false)` only under `noDrop` with a matching subscriber full.
    pub(crate) fn publish(&mut self, parts: &[&[u8]]) -> Result<bool> {
        let topic = parts.first().copied().unwrap_or_default();
        let invert = self.opts.flag(Opt::InvertMatching);
        let no_drop = self.opts.flag(Opt::NoDrop);
        let wants = |p: &super::routing::Pipe| p.subs.matches(topic) != invert;
        match self.pipes.fan_out(parts, wants, no_drop) {
            Some(dropped) => {
                self.pubsub.dropped += dropped;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// XSUB: a subscription message changes our subscriptions; anything else goes to every peer.
    pub(crate) fn send_upstream(&mut self, parts: &[&[u8]]) -> Result<bool> {
        if let [frame] = parts {
            let xsub = SocketType::XSub;
            match frame.split_first() {
                Some((&SUBSCRIBE, topic)) => {
                    return self.subscribe(xsub, topic, true).map(|_| true)
                }
                Some((&CANCEL, topic)) => return self.subscribe(xsub, topic, false).map(|_| true),
                _ => {}
            }
        }
        self.pipes.fan_out(parts, |_| true, false);
        Ok(true)
    }

    /// SUB/XSUB: adds (`on`) or removes one count of `topic` and tells every connected peer;
    /// a cancel goes out only when the last count is gone (RFC 29). XPUB with `manual`: applies
    /// the topic to the subscriber whose subscription arrived last.
    pub(crate) fn subscribe(&mut self, kind: SocketType, topic: &[u8], on: bool) -> Result<()> {
        let info = kind.info();
        if info.publishes() {
            if !self.opts.flag(Opt::Manual) {
                return Err(EngineError::NotSupported);
            }
            let pipe = self.pubsub.last_pipe.ok_or(EngineError::State)?;
            self.apply_subscription(pipe, topic, on);
            return Ok(());
        }
        if !info.subscribes() {
            return Err(EngineError::NotSupported);
        }
        let tell = if on {
            self.pubsub.mine.add(topic);
            true
        } else {
            self.pubsub.mine.remove(topic) == Some(0)
        };
        if tell {
            for id in self.pipes.live_ids() {
                if let Some(p) = self.pipes.get_mut(id) {
                    announce(p, on, topic);
                }
            }
        }
        Ok(())
    }

    /// SUB/XSUB: whether a received message passes our subscriptions.
    pub(crate) fn wanted(&self, msg: &Msg) -> bool {
        let topic = msg.first().map(|f| &f[..]).unwrap_or_default();
        self.pubsub.mine.matches(topic) != self.opts.flag(Opt::InvertMatching)
    }

    /// Hands messages read from a peer to the socket: subscriptions update a publisher (and XPUB
    /// reports them as `verbosity` says); everything else is queued for receiving, except at a
    /// PUB, which has nothing to receive.
    pub(crate) fn take_incoming(&mut self, kind: SocketType, pipe: PipeId, batch: &mut Vec<Msg>) {
        if !kind.info().publishes() {
            self.pipes.deliver(pipe, batch.drain(..));
            return;
        }
        let xpub = kind.info().recv == RecvRouting::Subscriptions;
        let manual = self.opts.flag(Opt::Manual);
        let verbosity = self.opts.get(Opt::Verbosity);
        let mut report = Vec::new();
        for msg in batch.drain(..) {
            let Some((on, topic)) = as_subscription(&msg) else {
                if xpub {
                    report.push(msg);
                }
                continue;
            };
            if manual {
                self.pubsub.last_pipe = Some(pipe);
                report.push(msg);
                continue;
            }
            let changed = self.apply_subscription(pipe, topic, on);
            let verbose = if on { verbosity >= 1 } else { verbosity >= 2 };
            if xpub && (changed || verbose) {
                report.push(msg);
            }
        }
        if !report.is_empty() {
            self.pipes.deliver(pipe, report);
        }
    }

    /// Adds or removes `topic` for one subscriber pipe. True when the topic is now held by its
    /// first subscriber, or no longer held by any.
    fn apply_subscription(&mut self, pipe: PipeId, topic: &[u8], on: bool) -> bool {
        let Some(p) = self.pipes.get_mut(pipe) else {
            return false;
        };
        if on {
            if p.subs.contains(topic) {
                return false;
            }
            p.subs.add(topic);
            self.pubsub.held.add(topic)
        } else {
            if p.subs.remove(topic).is_none() {
                return false;
            }
            self.pubsub.held.remove(topic) == Some(0)
        }
    }

    /// A subscriber's connection went away: its topics are forgotten (its next connection sends
    /// them again), and an XPUB reports the topics nobody holds any more, as an unsubscription.
    pub(crate) fn forget_subscriber(&mut self, kind: SocketType, pipe: PipeId) {
        let info = kind.info();
        if !info.publishes() {
            return;
        }
        if self.pubsub.last_pipe == Some(pipe) {
            self.pubsub.last_pipe = None;
        }
        let Some(p) = self.pipes.get_mut(pipe) else {
            return;
        };
        let topics = p.subs.take();
        let verbose = self.opts.get(Opt::Verbosity) >= 2;
        let mut report = Vec::new();
        for (topic, _) in topics {
            let gone = self.pubsub.held.remove(&topic) == Some(0);
            if info.recv == RecvRouting::Subscriptions && (gone || verbose) {
                report.push(subscription_msg(false, &topic));
            }
        }
        if !report.is_empty() {
            self.pipes.deliver(pipe, report);
            self.wake_receiver();
        }
    }

    /// A peer completed its handshake on `pipe`: a subscriber sends it every topic it holds, an
    /// XPUB its welcome message.
    pub(crate) fn greet_peer(&mut self, kind: SocketType, pipe: PipeId, minor: u8) {
        let info = kind.info();
        let welcome = match info.send {
            SendRouting::FanOut if info.recv == RecvRouting::Subscriptions => {
                self.opts.welcome().cloned()
            }
            _ => None,
        };
        let topics = if info.subscribes() {
            self.pubsub.mine.topics()
        } else {
            Vec::new()
        };
        let Some(p) = self.pipes.get_mut(pipe) else {
            return;
        };
        p.minor = minor;
        for (topic, _) in topics {
            announce(p, true, &topic);
        }
        if let Some(welcome) = welcome {
            p.send_ahead(vec![welcome]);
        }
    }
}

#[cfg(test)]
#[path = "pubsub_tests.rs"]
mod tests;
