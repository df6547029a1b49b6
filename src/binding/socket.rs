//! Binding layer: the napi class over one engine socket. Hot calls are synchronous (enqueue,
//! drain a batch); a promise is made only when the caller must wait.

use super::errors::{promise, type_error, zmq_error};
use super::events::BindingEvent;
use super::hot::Hot;
use super::settle::promise_and_settler;
use crate::engine::security::{SecOpt, SecValue};
use crate::engine::{Opt, OptionKind, Socket, SocketType, TextOpt};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// A native socket. The TypeScript classes (`Push`, `Pull`, ...) wrap it; it is not used directly.
#[napi]
pub struct BindingSocket {
    pub(crate) socket: Socket,
    /// The per-message calls' state, shared with the handle `fastHandle` gives (see `fast.rs`).
    hot: Arc<Hot>,
}

fn kind_from_name(name: &str) -> Result<SocketType> {
    SocketType::ALL
        .into_iter()
        .find(|t| t.info().name.eq_ignore_ascii_case(name))
        .ok_or_else(|| type_error("Unknown socket type"))
}

fn opt_by_name(name: &str) -> Result<Opt> {
    Opt::by_name(name).ok_or_else(|| type_error(&format!("Unknown option {name}")))
}

#[napi]
impl BindingSocket {
    /// Creates a socket of the given type (`"push"`, `"pull"`, `"req"`, `"router"`, ...).
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, kind: String) -> Result<Self> {
        let group = super::env_group(&env);
        let socket = Socket::in_group(kind_from_name(&kind)?, group)
            .map_err(|e| zmq_error(&env, &e, None))?;
        Ok(Self {
            hot: Arc::new(Hot::new(socket.clone())),
            socket,
        })
    }

    /// Binds; resolves with the resolved endpoint.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn bind<'env>(&self, env: &'env Env, address: String) -> Result<PromiseRaw<'env, String>> {
        let fut = self
            .socket
            .bind(&address)
            .map_err(|e| zmq_error(env, &e, Some(&address)))?;
        promise(env, fut, Some(address))
    }

    /// Stops listening on an endpoint.
    #[napi(catch_unwind)]
    pub fn unbind(&self, env: &Env, address: String) -> Result<()> {
        self.socket
            .unbind(&address)
            .map_err(|e| zmq_error(env, &e, Some(&address)))
    }

    /// Connects in the background; returns at once. A ROUTER may name the peer (`routingId`).
    #[napi(catch_unwind)]
    pub fn connect(&self, env: &Env, address: String, routing_id: Option<&[u8]>) -> Result<()> {
        self.socket
            .connect_with(&address, routing_id)
            .map_err(|e| zmq_error(env, &e, Some(&address)))
    }

    /// The routing id (ZMQ_ROUTING_ID), or null when none is set.
    #[napi(catch_unwind)]
    pub fn get_routing_id(&self, env: &Env) -> Result<Option<Buffer>> {
        let id = self
            .socket
            .routing_id()
            .map_err(|e| zmq_error(env, &e, None))?;
        Ok(id.map(|b| Buffer::from(b.to_vec())))
    }

    /// Sets the routing id: 1 to 255 bytes (EINVAL otherwise).
    #[napi(catch_unwind)]
    pub fn set_routing_id(&self, env: &Env, id: &[u8]) -> Result<()> {
        self.socket
            .set_routing_id(id)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Subscribes to messages starting with `topic` (SUB, XSUB; XPUB in manual mode).
    #[napi(catch_unwind)]
    pub fn subscribe(&self, env: &Env, topic: &[u8]) -> Result<()> {
        self.socket
            .subscribe(topic, true)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Removes one subscription to `topic`.
    #[napi(catch_unwind)]
    pub fn unsubscribe(&self, env: &Env, topic: &[u8]) -> Result<()> {
        self.socket
            .subscribe(topic, false)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Messages a publisher dropped because a subscriber's queue was full.
    #[napi(getter, catch_unwind)]
    pub fn dropped(&self) -> f64 {
        self.socket.dropped() as f64
    }

    /// Starts recording events (from the first access to `socket.events`).
    #[napi(catch_unwind)]
    pub fn observe(&self) {
        self.socket.observe();
    }

    /// The events recorded since the last call (at most 1024).
    #[napi(catch_unwind)]
    pub fn read_events(&self) -> Vec<BindingEvent> {
        let mut events = Vec::new();
        self.socket.take_events(&mut events, 1024);
        events.into_iter().map(BindingEvent::from).collect()
    }

    /// Resolves once an event is waiting or the socket is closed.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn wait_events<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let (promise, settler) = promise_and_settler(env)?;
        self.socket
            .events_wait_then(move |outcome| settler.settle(outcome));
        Ok(promise)
    }

    /// The socket type's wire name (`"DEALER"`).
    #[napi(getter, catch_unwind)]
    pub fn kind(&self) -> String {
        self.socket.kind().info().name.to_owned()
    }

    /// Drops a connected endpoint.
    #[napi(catch_unwind)]
    pub fn disconnect(&self, env: &Env, address: String) -> Result<()> {
        self.socket
            .disconnect(&address)
            .map_err(|e| zmq_error(env, &e, Some(&address)))
    }

    /// The handle the fast functions (`fastFunctions()`) take: this socket's per-message state.
    #[napi(catch_unwind, ts_return_type = "unknown")]
    pub fn fast_handle<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        super::fast::handle(env, self.hot.clone())
    }

    /// Waits for room for the message the last `trySend` could not queue (up to `sendTimeout`).
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn send_pending<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let msg = self.hot.take_pending();
        let msg = msg.ok_or_else(|| type_error("No message is pending"))?;
        let (promise, settler) = promise_and_settler(env)?;
        self.socket
            .send_wait_then(msg, move |outcome| settler.settle(outcome));
        Ok(promise)
    }

    /// Reads an option by its zeromq.js name.
    #[napi(catch_unwind)]
    pub fn get_option(&self, env: &Env, name: String) -> Result<Either<f64, bool>> {
        let opt = opt_by_name(&name)?;
        let value = self
            .socket
            .get_option(opt)
            .map_err(|e| zmq_error(env, &e, None))?;
        Ok(match opt.spec().kind {
            OptionKind::Bool => Either::B(value != 0),
            OptionKind::Int => Either::A(value as f64),
            OptionKind::Mask => Either::A(value as u64 as f64),
        })
    }

    /// Reads a text option (`socksProxy`, `interface`, `tcpAcceptFilter`); null when unset.
    #[napi(catch_unwind)]
    pub fn get_text_option(&self, env: &Env, name: String) -> Result<Option<String>> {
        let opt = TextOpt::by_name(&name).ok_or_else(|| type_error("Unknown option"))?;
        self.socket
            .get_text_option(opt)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Writes a text option; null clears it (a `tcpAcceptFilter` value adds a range).
    #[napi(catch_unwind)]
    pub fn set_text_option(&self, env: &Env, name: String, value: Option<String>) -> Result<()> {
        let opt = TextOpt::by_name(&name).ok_or_else(|| type_error("Unknown option"))?;
        self.socket
            .set_text_option(opt, value.as_deref())
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Reads a security option (`plainServer`, `curvePublicKey`, `zapDomain`, ...): flags as
    /// booleans, keys as Z85 text, credentials and domains as text; null when a key is unset.
    #[napi(catch_unwind)]
    pub fn get_security_option(
        &self,
        env: &Env,
        name: String,
    ) -> Result<Option<Either<bool, String>>> {
        let opt = SecOpt::by_name(&name).ok_or_else(|| type_error("Unknown option"))?;
        let value = self
            .socket
            .get_security(opt)
            .map_err(|e| zmq_error(env, &e, None))?;
        Ok(match value {
            SecValue::Null => None,
            SecValue::Bool(b) => Some(Either::A(b)),
            SecValue::Bytes(b) => Some(Either::B(String::from_utf8_lossy(&b).into_owned())),
        })
    }

    /// Writes a security option: a boolean for the server flags, bytes (text, or a key as 32
    /// raw bytes or 40 Z85 characters) or null for the others. `EINVAL` for a malformed value.
    #[napi(catch_unwind)]
    pub fn set_security_option(
        &self,
        env: &Env,
        name: String,
        value: Option<Either<bool, Buffer>>,
    ) -> Result<()> {
        let opt = SecOpt::by_name(&name).ok_or_else(|| type_error("Unknown option"))?;
        let value = match value {
            None => SecValue::Null,
            Some(Either::A(b)) => SecValue::Bool(b),
            Some(Either::B(bytes)) => SecValue::Bytes(bytes::Bytes::copy_from_slice(&bytes)),
        };
        self.socket
            .set_security(opt, value)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// The security mechanism the options select: null (NULL), `"plain"` or `"curve"`.
    #[napi(getter, catch_unwind)]
    pub fn security_mechanism(&self, env: &Env) -> Result<Option<String>> {
        let mechanism = self
            .socket
            .mechanism()
            .map_err(|e| zmq_error(env, &e, None))?;
        Ok(mechanism.js_name().map(str::to_owned))
    }

    /// Writes an option by its zeromq.js name (numbers must be integers; booleans for flags).
    #[napi(catch_unwind)]
    pub fn set_option(&self, env: &Env, name: String, value: Either<f64, bool>) -> Result<()> {
        let opt = opt_by_name(&name)?;
        let raw = match (opt.spec().kind, value) {
            (OptionKind::Bool, Either::B(b)) => i64::from(b),
            (OptionKind::Int, Either::A(n)) if n.fract() == 0.0 && n.abs() < 9.0e18 => n as i64,
            // 2^64 is how JS writes 0xffffffffffffffff: the cast saturates it to u64::MAX.
            (OptionKind::Mask, Either::A(n))
                if n.fract() == 0.0 && (0.0..=18_446_744_073_709_551_616.0).contains(&n) =>
            {
                n as u64 as i64
            }
            (OptionKind::Int | OptionKind::Mask, Either::A(_)) => {
                let e = crate::engine::EngineError::InvalidArgument;
                return Err(zmq_error(env, &e, None));
            }
            (OptionKind::Bool, _) => return Err(type_error("Option value must be a boolean")),
            (OptionKind::Int | OptionKind::Mask, _) => {
                return Err(type_error("Option value must be a number"))
            }
        };
        self.socket
            .set_option(opt, raw)
            .map_err(|e| zmq_error(env, &e, None))
    }

    /// Closes the socket. The promise resolves when lingering messages are flushed (or dropped
    /// at the linger deadline); until then it keeps Node's event loop alive.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        self.socket.close();
        let socket = self.socket.clone();
        env.spawn_future(async move {
            socket.wait_closed().await;
            Ok(())
        })
    }

    /// Whether `close()` was called.
    #[napi(getter, catch_unwind)]
    pub fn closed(&self) -> bool {
        self.socket.is_closed()
    }

    /// Whether a message can be received without waiting.
    #[napi(getter, catch_unwind)]
    pub fn readable(&self) -> bool {
        self.socket.readable()
    }

    /// Whether a message can be sent without waiting.
    #[napi(getter, catch_unwind)]
    pub fn writable(&self) -> bool {
        self.socket.writable()
    }

    /// The most recently bound endpoint, resolved.
    #[napi(getter, catch_unwind)]
    pub fn last_endpoint(&self) -> Option<String> {
        self.socket.last_endpoint()
    }
}

impl Drop for BindingSocket {
    fn drop(&mut self) {
        // Garbage-collected without close(): nobody can use it any more, so close it (with linger).
        self.socket.close();
    }
}
