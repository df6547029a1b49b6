//! Engine layer: how connections start: the accept loop of a bound endpoint (with its
//! ZMQ_TCP_ACCEPT_FILTER) and the reconnecting connector of a connected one, with the events they
//! report. Invariant: a connector tries again after `reconnectInterval` (doubling up to
//! `reconnectMaxInterval`) until the socket closes with nothing left to send, or the peer's type
//! can never talk to ours.

use super::connection::{serve, Served};
use super::endpoint::Endpoint;
use super::error::EngineError;
use super::events::EventKind;
use super::options::Opt;
use super::routing::PipeId;
use super::runtime::warn;
use super::shared::Shared;
use super::transport::{self, Listener, Stream};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

/// Accepts connections on `listener` for as long as the task lives (unbind/close abort it).
pub(crate) async fn accept_loop(shared: Arc<Shared>, endpoint: u64, listener: Listener) {
    let address: Arc<str> = Arc::from(listener.endpoint.as_str());
    loop {
        match listener.accept().await {
            Ok(stream) if !admitted(&shared, &stream) => drop(stream),
            Ok(stream) => {
                shared.lock().emit(EventKind::Accept, &address);
                let conn = serve(shared.clone(), stream, None, None, address.clone(), true);
                shared.spawn_task(endpoint, false, async move {
                    conn.await;
                })
            }
            Err(e) => {
                // Out of descriptors and the like: pause rather than spin.
                let error = Some(EngineError::from(&e));
                shared
                    .lock()
                    .emit_with(EventKind::AcceptError, &address, None, error);
                warn(&format!("accept on {} failed: {e}", listener.endpoint));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Whether the socket's ZMQ_TCP_ACCEPT_FILTER ranges let this accepted connection in.
fn admitted(shared: &Shared, stream: &Stream) -> bool {
    match stream.peer_ip() {
        Some(ip) => super::netfilter::admits(shared.lock().opts.accept_filters(), ip),
        None => true,
    }
}

/// Connects to `endpoint`, serves the connection, and reconnects after `reconnectInterval`
/// (doubling up to `reconnectMaxInterval`) until the socket closes with nothing left to send.
/// `given` is the routing id a ROUTER addresses this peer by (`connect(address, { routingId })`).
/// `id` is the endpoint's: once it is disconnected (or the socket closed with nothing to send),
/// the connector stops before trying again or saying it will. `first`, if given, is the first
/// attempt's connection, made at `connect()` (an inproc name already bound).
pub(crate) async fn connector(
    shared: Arc<Shared>,
    (id, endpoint): (u64, Endpoint),
    address: Arc<str>,
    (pipe, mut first): (Option<PipeId>, Option<Stream>),
    given: Option<Bytes>,
) {
    let mut delay: Option<Duration> = None;
    loop {
        if let Some(d) = delay {
            if matches!(endpoint, Endpoint::Inproc(_)) {
                // A connect before the bind: go as soon as any inproc name is bound.
                tokio::select! {
                    _ = tokio::time::sleep(d) => {}
                    _ = super::inproc::next_bind() => {}
                }
            } else {
                tokio::time::sleep(d).await;
            }
        }
        if nothing_left(&shared, id, pipe) {
            return;
        }
        let (timeout, net) = {
            let st = shared.lock();
            (st.opts.nonzero_ms(Opt::ConnectTimeout), st.opts.net())
        };
        if matches!(endpoint, Endpoint::Tcp { .. }) {
            shared.lock().emit(EventKind::ConnectDelay, &address);
        }
        let attempt = match first.take() {
            Some(stream) => Ok(stream),
            None => transport::connect(&endpoint, timeout, &net, shared.group).await,
        };
        let served = match attempt {
            Ok(stream) => {
                shared.lock().emit(EventKind::Connect, &address);
                serve(
                    shared.clone(),
                    stream,
                    pipe,
                    given.clone(),
                    address.clone(),
                    false,
                )
                .await
            }
            Err(_) => {
                shared.lock().emit(EventKind::Close, &address);
                Served::Failed
            }
        };
        if served == Served::Incompatible {
            return;
        }
        let handshaken = served == Served::Handshaken;
        if nothing_left(&shared, id, pipe) {
            return;
        }
        let mut st = shared.lock();
        let (ivl, max) = (
            st.opts.get(Opt::ReconnectInterval),
            st.opts.get(Opt::ReconnectMaxInterval),
        );
        // Checked again under the lock the event is recorded under: a disconnect() in between
        // must not be followed by a connect:retry.
        if ivl < 0 || !st.endpoints.iter().any(|e| e.id == id) {
            return;
        }
        let next = next_delay(delay, handshaken, ivl as u64, max as u64);
        st.emit_with(EventKind::ConnectRetry, &address, Some(next), None);
        drop(st);
        delay = Some(next);
    }
}

/// The wait before the next attempt: `ivl` after a connection that worked (or with no maximum),
/// else the previous wait doubled, capped at `max` (libzmq's ZMQ_RECONNECT_IVL_MAX backoff).
fn next_delay(prev: Option<Duration>, handshaken: bool, ivl: u64, max: u64) -> Duration {
    let base = Duration::from_millis(ivl);
    match prev {
        Some(prev) if !handshaken && max > ivl => (prev * 2).min(Duration::from_millis(max)),
        _ => base,
    }
}

/// True once endpoint `id` was disconnected, or the socket is closed and this connector's pipe
/// (if any) has nothing queued.
fn nothing_left(shared: &Shared, id: u64, pipe: Option<PipeId>) -> bool {
    let mut st = shared.lock();
    if !st.closed {
        return !st.endpoints.iter().any(|e| e.id == id);
    }
    match pipe {
        Some(id) => st.pipes.get_mut(id).is_none_or(|p| !p.unsent()),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_backoff_doubles_up_to_the_maximum() {
        let ms = Duration::from_millis;
        assert_eq!(next_delay(None, false, 100, 0), ms(100));
        assert_eq!(next_delay(Some(ms(100)), false, 100, 0), ms(100));
        assert_eq!(next_delay(Some(ms(100)), false, 100, 1000), ms(200));
        assert_eq!(next_delay(Some(ms(800)), false, 100, 1000), ms(1000));
        assert_eq!(next_delay(Some(ms(1000)), false, 100, 1000), ms(1000));
        // A connection that got through the handshake resets the backoff.
        assert_eq!(next_delay(Some(ms(1000)), true, 100, 1000), ms(100));
    }
}
