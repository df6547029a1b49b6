//! Engine layer: ZMTP 3.1 heartbeats (RFC 37 PING/PONG) for one connection. We PING every
//! `heartbeatInterval` and drop a peer that sends nothing for `heartbeatTimeout` after a PING; a
//! peer's PING carries its TTL, and we drop it if it then stays silent that long. Invariant: any
//! bytes received count as life (libzmq's rule), so a busy connection never times out.

use super::codec;
use super::options::{Opt, Options};
use super::reader::End;
use super::routing::PipeId;
use super::shared::Shared;
use bytes::{Bytes, BytesMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::time::sleep_until;

/// What the reader tells the heartbeat about the peer: when it last sent anything, and the TTL
/// its latest PING asked for.
pub(crate) struct Liveness {
    base: Instant,
    /// Nanoseconds after `base` of the last bytes received.
    last_rx: AtomicU64,
    /// The peer's TTL in ms (0: none).
    peer_ttl_ms: AtomicU64,
    /// Wakes the heartbeat when the peer's TTL changes.
    changed: Notify,
}

impl Liveness {
    /// A connection that has just been heard from.
    pub(crate) fn new() -> Liveness {
        Liveness {
            base: Instant::now(),
            last_rx: AtomicU64::new(0),
            peer_ttl_ms: AtomicU64::new(0),
            changed: Notify::new(),
        }
    }

    /// Bytes arrived now.
    pub(crate) fn touch(&self) {
        let ns = u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_rx.store(ns, Ordering::Relaxed);
    }

    fn last_rx(&self) -> Instant {
        self.base + Duration::from_nanos(self.last_rx.load(Ordering::Relaxed))
    }

    /// The peer sent a PING whose TTL field (deciseconds, RFC 37) is `ttl_ds`.
    pub(crate) fn peer_ttl(&self, ttl_ds: u16) {
        self.peer_ttl_ms
            .store(u64::from(ttl_ds) * 100, Ordering::Relaxed);
        self.changed.notify_one();
    }
}

/// This socket's heartbeat settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Heartbeat {
    /// ZMQ_HEARTBEAT_IVL: how often to PING; `None`: never.
    interval: Option<Duration>,
    /// ZMQ_HEARTBEAT_TIMEOUT: silence after a PING that drops the peer (default: the interval).
    timeout: Duration,
    /// ZMQ_HEARTBEAT_TTL, in the deciseconds PING carries.
    ttl_ds: u16,
}

impl Heartbeat {
    /// The settings in `opts`.
    pub(crate) fn from_options(opts: &Options) -> Heartbeat {
        let interval = opts.nonzero_ms(Opt::HeartbeatInterval);
        let timeout = match opts.get(Opt::HeartbeatTimeout) {
            t if t >= 0 => Duration::from_millis(t as u64),
            _ => interval.unwrap_or_default(),
        };
        let ttl_ds = u16::try_from(opts.get(Opt::HeartbeatTimeToLive) / 100).unwrap_or(u16::MAX);
        Heartbeat {
            interval,
            timeout,
            ttl_ds,
        }
    }
}

/// A PING command with our TTL and no context.
fn ping(ttl_ds: u16) -> Bytes {
    let mut frame = BytesMut::new();
    codec::encode_command(&mut frame, "PING", &ttl_ds.to_be_bytes());
    frame.freeze()
}

/// Sends PINGs and watches for silence until the peer is declared gone (`End::Silent`). Never
/// ends while neither side asked for heartbeats.
pub(crate) async fn heartbeat(
    shared: &Shared,
    pipe: PipeId,
    live: &Liveness,
    hb: Heartbeat,
) -> End {
    let mut next_ping = hb.interval.map(|i| Instant::now() + i);
    // When a PING went out with nothing received since: the silence deadline.
    let mut pinged: Option<Instant> = None;
    loop {
        let peer_ttl = match live.peer_ttl_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(live.last_rx() + Duration::from_millis(ms)),
        };
        let silence = pinged.map(|at| at + hb.timeout);
        let wake = [next_ping, silence, peer_ttl].into_iter().flatten().min();
        match wake {
            Some(at) => tokio::select! {
                _ = sleep_until(at.into()) => {}
                _ = live.changed.notified() => continue,
            },
            None => {
                live.changed.notified().await;
                continue;
            }
        }
        let now = Instant::now();
        let heard = live.last_rx();
        if let Some(at) = pinged {
            if heard >= at {
                pinged = None;
            } else if now >= at + hb.timeout {
                return End::Silent;
            }
        }
        let ttl_ms = live.peer_ttl_ms.load(Ordering::Relaxed);
        if ttl_ms > 0 && now >= live.last_rx() + Duration::from_millis(ttl_ms) {
            return End::Silent;
        }
        if let (Some(at), Some(interval)) = (next_ping, hb.interval) {
            if now >= at {
                let mut st = shared.lock();
                if let Some(p) = st.pipes.get_mut(pipe) {
                    p.control.push(ping(hb.ttl_ds));
                    p.wake_writer();
                }
                drop(st);
                pinged.get_or_insert(now);
                next_ping = Some(now + interval);
            }
        }
    }
}

#[cfg(test)]
#[path = "heartbeat_tests.rs"]
mod tests;
