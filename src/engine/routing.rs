//! Engine layer: pipes (one per peer) and the routing strategies over them: round-robin sending
//! bounded by each pipe's send high-water mark, sending to one pipe by id or routing id, and
//! fair-queued receiving bounded by the receive high-water mark.
//! Invariants: a pipe id is in `ready` exactly when its inbox is non-empty; a routing id names at
//! most one pipe, and only while that pipe is in the map.

pub use super::pipe::{Pipe, SendTo};
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};

/// A message: one or more frames.
pub type Msg = Vec<Bytes>;
/// Identifies a pipe within its socket.
pub type PipeId = u64;

/// All pipes of a socket with the routing state over them.
#[derive(Debug, Default)]
pub struct Pipes {
    map: HashMap<PipeId, Pipe>,
    order: Vec<PipeId>,
    next_out: usize,
    ready: VecDeque<PipeId>,
    next_id: PipeId,
    by_identity: HashMap<Bytes, PipeId>,
    /// Whether the message `recv_fair` returned last came through a carrier that shares lent
    /// frames: its large frames may be another Buffer's memory, to be handed over as they are.
    pub last_shared: bool,
}

impl Pipes {
    /// Adds a pipe with the given high-water marks (`usize::MAX`: unlimited).
    pub fn add(&mut self, out_hwm: usize, in_hwm: usize, live: bool) -> PipeId {
        self.add_with(out_hwm, in_hwm, live, false)
    }

    /// `add`, with ZMQ_CONFLATE's keep-only-the-newest queues when `conflate`.
    pub fn add_with(
        &mut self,
        out_hwm: usize,
        in_hwm: usize,
        live: bool,
        conflate: bool,
    ) -> PipeId {
        self.next_id += 1;
        let id = self.next_id;
        let pipe = Pipe::new(out_hwm, in_hwm, live, conflate);
        self.map.insert(id, pipe);
        self.order.push(id);
        id
    }

    /// Closes the inproc carriers of a closing socket: those with a peer or nothing queued, or
    /// (`all`) every one. Their readers take what is queued, then see the end.
    pub fn close_carriers(&mut self, all: bool) {
        for p in self.map.values_mut() {
            if all || p.live || p.carrier.as_ref().is_some_and(|c| c.is_empty()) {
                p.carrier = None;
            }
        }
    }

    /// Applies new high-water marks to every pipe, waking readers that now have room.
    pub fn set_hwms(&mut self, out_hwm: usize, in_hwm: usize) {
        for p in self.map.values_mut() {
            p.out_hwm = out_hwm.max(1);
            p.in_hwm = in_hwm.max(1);
            if p.inbox_has_room() {
                if let Some(w) = p.reader.take() {
                    w.wake();
                }
            }
        }
    }

    /// Takes a pipe out of the send rotation for good. Messages already received from it stay
    /// receivable (as libzmq drains a terminated pipe); the pipe goes once they are taken.
    pub fn retire(&mut self, id: PipeId) {
        let drained = match self.map.get_mut(&id) {
            None => return,
            Some(p) => {
                p.detach();
                p.retired = true;
                p.out.clear();
                p.inbox.is_empty()
            }
        };
        self.forget_identity(id);
        if drained {
            self.remove(id);
        } else if let Some(pos) = self.order.iter().position(|&p| p == id) {
            self.order.remove(pos);
            if pos < self.next_out {
                self.next_out -= 1;
            }
        }
    }

    /// Removes a pipe; its queued messages go with it.
    pub fn remove(&mut self, id: PipeId) -> Option<Pipe> {
        let pipe = self.map.remove(&id)?;
        if let Some(pos) = self.order.iter().position(|&p| p == id) {
            self.order.remove(pos);
            if pos < self.next_out {
                self.next_out -= 1;
            }
        }
        self.ready.retain(|&p| p != id);
        self.forget_identity(id);
        Some(pipe)
    }

    fn forget_identity(&mut self, id: PipeId) {
        if let Some(pipe) = self.map.get(&id) {
            if self.by_identity.get(&pipe.identity) == Some(&id) {
                self.by_identity.remove(&pipe.identity);
            }
        } else {
            self.by_identity.retain(|_, p| *p != id);
        }
    }

    /// Names pipe `id` by `identity` (which must not name another pipe).
    pub fn set_identity(&mut self, id: PipeId, identity: Bytes) {
        if let Some(pipe) = self.map.get_mut(&id) {
            pipe.identity = identity.clone();
            self.by_identity.insert(identity, id);
        }
    }

    /// The pipe a routing id names.
    pub fn by_identity(&self, identity: &[u8]) -> Option<PipeId> {
        self.by_identity.get(identity).copied()
    }

    /// The routing id of pipe `id` (empty when it has none).
    pub fn identity(&self, id: PipeId) -> Bytes {
        self.map
            .get(&id)
            .map(|p| p.identity.clone())
            .unwrap_or_default()
    }

    /// Pipes still in service (not retired), for exclusive socket types.
    pub fn active(&self) -> usize {
        self.map.values().filter(|p| !p.retired).count()
    }

    /// A pipe by id.
    pub fn get_mut(&mut self, id: PipeId) -> Option<&mut Pipe> {
        self.map.get_mut(&id)
    }

    /// Every pipe, for close and shutdown.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pipe> {
        self.map.values_mut()
    }

    /// Number of pipes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no pipes.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Queues the message made of `parts` on the next pipe in turn that is below its send
    /// high-water mark, and names it. `None` when every pipe is full (or there is none).
    pub fn send_round_robin(&mut self, parts: &[&[u8]]) -> Option<PipeId> {
        let n = self.order.len();
        for step in 0..n {
            let index = (self.next_out + step) % n;
            let id = self.order[index];
            if let Some(pipe) = self.map.get_mut(&id) {
                if pipe.out_has_room() {
                    pipe.queue(parts);
                    self.next_out = (index + 1) % n;
                    return Some(id);
                }
            }
        }
        None
    }

    /// Queues the message made of `parts` on pipe `id`, if it is in service and has room.
    pub fn send_to(&mut self, id: PipeId, parts: &[&[u8]]) -> SendTo {
        match self.map.get_mut(&id) {
            Some(pipe) if !pipe.retired => {
                if !pipe.out_has_room() {
                    return SendTo::Full;
                }
                pipe.queue(parts);
                SendTo::Queued
            }
            _ => SendTo::Gone,
        }
    }

    /// Queues `parts` on every pipe in service that `wants` it. A pipe at its high-water mark
    /// misses the message (counted in the result), unless `no_drop`: then, if any wanted pipe is
    /// full, nothing is queued and `None` says to wait.
    pub fn fan_out(
        &mut self,
        parts: &[&[u8]],
        wants: impl Fn(&Pipe) -> bool,
        no_drop: bool,
    ) -> Option<u64> {
        if no_drop
            && self
                .map
                .values()
                .any(|p| !p.retired && !p.out_has_room() && wants(p))
        {
            return None;
        }
        let mut dropped = 0;
        for pipe in self.map.values_mut() {
            if pipe.retired || !wants(pipe) {
                continue;
            }
            if pipe.out_has_room() {
                pipe.queue(parts);
            } else {
                dropped += 1;
            }
        }
        Some(dropped)
    }

    /// Ends pipe `id`'s connection once what is queued is written; it is unroutable from now on.
    pub fn close_after_flush(&mut self, id: PipeId) {
        self.forget_identity(id);
        if let Some(pipe) = self.map.get_mut(&id) {
            // The id stays on the pipe, for the disconnect notification.
            pipe.closing = true;
            pipe.wake_writer();
        }
    }

    /// Queues raw bytes (no ZMTP framing) on pipe `id`, if it is in service and has room.
    pub fn send_raw(&mut self, id: PipeId, data: &[u8]) -> SendTo {
        match self.map.get_mut(&id) {
            Some(pipe) if !pipe.retired => {
                if !pipe.out_has_room() {
                    return SendTo::Full;
                }
                pipe.out.push_raw(data);
                pipe.wake_writer();
                SendTo::Queued
            }
            _ => SendTo::Gone,
        }
    }

    /// Ids of the pipes in service whose connection is up.
    pub fn live_ids(&self) -> Vec<PipeId> {
        self.order
            .iter()
            .copied()
            .filter(|id| self.map.get(id).is_some_and(|p| p.live && !p.retired))
            .collect()
    }

    /// Whether a round-robin send would be queued now.
    pub fn can_send(&self) -> bool {
        self.map.values().any(|p| !p.retired && p.out_has_room())
    }

    /// Appends messages read from pipe `id` to its inbox.
    pub fn deliver(&mut self, id: PipeId, msgs: impl IntoIterator<Item = Msg>) {
        let Some(pipe) = self.map.get_mut(&id) else {
            return;
        };
        let was_empty = pipe.inbox.is_empty();
        if pipe.conflate {
            if let Some(newest) = msgs.into_iter().last() {
                pipe.inbox.clear();
                pipe.inbox.push_back(newest);
            }
        } else {
            pipe.inbox.extend(msgs);
        }
        if was_empty && !pipe.inbox.is_empty() {
            self.ready.push_back(id);
        }
    }

    /// Whether any inbox holds a message.
    pub fn has_incoming(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Takes one message from the next pipe in turn that has one, with the pipe it came from,
    /// waking that pipe's reader if room opened.
    pub fn recv_fair(&mut self) -> Option<(PipeId, Msg)> {
        let id = self.ready.pop_front()?;
        let pipe = self.map.get_mut(&id)?;
        let msg = pipe.inbox.pop_front()?;
        self.last_shared = pipe.carrier.as_ref().is_some_and(|c| c.shares());
        if !pipe.inbox.is_empty() {
            self.ready.push_back(id);
        } else if pipe.retired {
            self.map.remove(&id);
            return Some((id, msg));
        }
        if pipe.inbox_has_room() {
            if let Some(w) = pipe.reader.take() {
                w.wake();
            }
        }
        Some((id, msg))
    }

    /// `recv_fair`, with the routing id of the pipe the message came from.
    pub fn recv_fair_named(&mut self) -> Option<(Bytes, Msg)> {
        let id = *self.ready.front()?;
        let identity = self.identity(id);
        self.recv_fair().map(|(_, msg)| (identity, msg))
    }

    /// Empties every inbox (the socket closed: nobody will receive them).
    pub fn clear_inboxes(&mut self) {
        self.ready.clear();
        self.map.retain(|_, p| !p.retired);
        for pipe in self.map.values_mut() {
            pipe.inbox.clear();
            if let Some(w) = pipe.reader.take() {
                w.wake();
            }
        }
    }
}

#[cfg(test)]
#[path = "routing_tests.rs"]
mod tests;
