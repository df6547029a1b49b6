//! Engine layer: a socket's endpoints: `bind`, `connect` (with a ROUTER's peer name), `unbind`
//! and `disconnect`. Invariants: argument errors come back at once and nothing is half-registered;
//! every listener and connector runs as a registered task of its endpoint, so removing the
//! endpoint or closing the socket finds and ends it.

use super::super::carrier::OutCarrier;
use super::super::endpoint::{Endpoint, Use};
use super::super::error::{EngineError, Result};
use super::super::events::EventKind;
use super::super::links;
use super::super::options::Opt;
use super::super::shared::EndpointEntry;
use super::Socket;
use bytes::Bytes;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::oneshot;

impl Socket {
    /// Parses an endpoint this socket can use: STREAM speaks raw bytes, which inproc does not
    /// carry (`EPROTONOSUPPORT`).
    fn parse(&self, addr: &str, usage: Use) -> Result<Endpoint> {
        let endpoint = Endpoint::parse(addr, usage)?;
        if self.shared.kind.info().raw() && matches!(endpoint, Endpoint::Inproc(_)) {
            return Err(EngineError::ProtocolNotSupported);
        }
        Ok(endpoint)
    }

    /// Starts binding `addr`. Argument and state errors come at once; the future gives the
    /// resolved endpoint or the bind error.
    pub fn bind(
        &self,
        addr: &str,
    ) -> Result<impl Future<Output = Result<String>> + Send + 'static> {
        let endpoint = {
            let st = self.shared.lock();
            if st.closed {
                return Err(EngineError::Closed);
            }
            self.parse(addr, Use::Bind)?
        };
        let shared = self.shared.clone();
        let given = addr.to_owned();
        let (tx, rx) = oneshot::channel();
        self.shared.rt.spawn(async move {
            let (backlog, net) = {
                let st = shared.lock();
                (st.opts.get(Opt::Backlog) as u32, st.opts.net())
            };
            let result =
                super::super::transport::bind(&endpoint, backlog, &net, shared.group).await;
            let mut st = shared.lock();
            let outcome = match result {
                Err(e) => {
                    // zeromq.js reports a tcp bind error's address without the scheme.
                    let address = given.strip_prefix("tcp://").unwrap_or(&given);
                    st.emit_with(EventKind::BindError, address, None, Some(e.clone()));
                    Err(e)
                }
                Ok(_) if st.closed => Err(EngineError::Closed),
                Ok(listener) => {
                    let resolved = listener.endpoint.clone();
                    st.next_id += 1;
                    let id = st.next_id;
                    st.endpoints.push(EndpointEntry {
                        id,
                        names: vec![given, resolved.clone()],
                        is_bind: true,
                        pipe: None,
                    });
                    st.last_endpoint = Some(resolved.clone());
                    st.emit(EventKind::Bind, &resolved);
                    drop(st);
                    shared.spawn_task(id, true, links::accept_loop(shared.clone(), id, listener));
                    Ok(resolved)
                }
            };
            let _ = tx.send(outcome);
        });
        Ok(async move { rx.await.unwrap_or(Err(EngineError::Closed)) })
    }

    /// Connects to `addr` in the background and returns at once. Unless `immediate` is set, the
    /// endpoint gets its pipe now, so messages sent before the peer is up wait for it.
    pub fn connect(&self, addr: &str) -> Result<()> {
        self.connect_with(addr, None)
    }

    /// `connect`, naming the peer by `routing_id` (ROUTER only: how this socket addresses it).
    pub fn connect_with(&self, addr: &str, routing_id: Option<&[u8]>) -> Result<()> {
        let info = self.shared.kind.info();
        let given = match routing_id {
            None => None,
            Some(_) if !info.names_peers() => return Err(EngineError::NotSupported),
            Some(id) => {
                super::super::options::check_routing_id(id)?;
                Some(Bytes::copy_from_slice(id))
            }
        };
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::Closed);
        }
        let endpoint = self.parse(addr, Use::Connect)?;
        st.next_id += 1;
        let id = st.next_id;
        // ROUTER peers are addressable only once their routing id is known: at the handshake,
        // or now when `connect` names them. A PAIR keeps its one pipe.
        let named = given
            .as_ref()
            .filter(|id| st.pipes.by_identity(id).is_none());
        let early = st.opts.get(Opt::Immediate) == 0
            && (!info.names_peers() || named.is_some())
            && !(info.exclusive && st.pipes.active() > 0);
        let pipe = if early {
            let (out_hwm, in_hwm) = (
                st.opts.hwm(Opt::SendHighWaterMark),
                st.opts.hwm(Opt::ReceiveHighWaterMark),
            );
            let named = named.cloned();
            let conflate = st.opts.flag(Opt::Conflate);
            let pipe = st.pipes.add_with(out_hwm, in_hwm, false, conflate);
            if let Some(id) = named {
                st.pipes.set_identity(pipe, id);
            }
            if matches!(endpoint, Endpoint::Inproc(_)) {
                // Messages sent before the peer is there wait in the carrier it will read.
                if let Some(p) = st.pipes.get_mut(pipe) {
                    p.carrier = Some(OutCarrier::new(self.shared.on_room()));
                }
            }
            st.wake_sender();
            Some(pipe)
        } else {
            None
        };
        let first = match (&endpoint, pipe) {
            (Endpoint::Inproc(name), Some(pipe)) => {
                super::super::inproc_conn::connect_now(&mut st, &self.shared, name, pipe)
            }
            _ => None,
        };
        st.endpoints.push(EndpointEntry {
            id,
            names: vec![addr.to_owned()],
            is_bind: false,
            pipe,
        });
        drop(st);
        let shared = self.shared.clone();
        self.shared.spawn_task(
            id,
            false,
            links::connector(
                shared,
                (id, endpoint),
                Arc::from(addr),
                (pipe, first),
                given,
            ),
        );
        Ok(())
    }

    /// Stops connecting to `addr` and drops its connection and queue (`ENOENT` if unknown).
    pub fn disconnect(&self, addr: &str) -> Result<()> {
        self.remove_endpoint(addr, false)
    }

    /// Stops listening on `addr` (as given or as resolved) and drops the connections it accepted.
    pub fn unbind(&self, addr: &str) -> Result<()> {
        self.remove_endpoint(addr, true)
    }

    fn remove_endpoint(&self, addr: &str, is_bind: bool) -> Result<()> {
        let handles = {
            let mut st = self.shared.lock();
            if st.closed {
                return Err(EngineError::Closed);
            }
            let entry = match st.take_endpoint(addr, is_bind) {
                Ok(entry) => entry,
                // An address that could never have been bound or connected says why (EINVAL,
                // EPROTONOSUPPORT), as zeromq.js does; a valid unknown one is ENOENT.
                Err(e) => {
                    let usage = if is_bind { Use::Bind } else { Use::Connect };
                    Endpoint::parse(addr, usage)?;
                    return Err(e);
                }
            };
            if let Some(pipe) = entry.pipe {
                st.drop_peer(self.shared.kind, pipe, false);
            }
            if is_bind {
                let name = entry.names.last().map(String::as_str).unwrap_or(addr);
                st.emit(EventKind::Close, name);
            }
            st.tasks_where(|t| t.endpoint == entry.id)
        };
        for h in handles {
            h.abort();
        }
        Ok(())
    }
}
