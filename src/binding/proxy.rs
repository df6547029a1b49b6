//! Binding layer: the napi class over the engine's proxy. Forwarding happens in the engine; this
//! only starts, steers and stops it.

use super::errors::{promise, zmq_error};
use super::socket::BindingSocket;
use crate::engine::proxy::Proxy;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A native proxy between two sockets. The TypeScript `Proxy` class wraps it.
#[napi]
pub struct BindingProxy {
    proxy: Proxy,
}

#[napi]
impl BindingProxy {
    /// A proxy between the front-end and back-end sockets.
    #[napi(constructor, catch_unwind)]
    pub fn new(front: &BindingSocket, back: &BindingSocket) -> Self {
        Self {
            proxy: Proxy::new(front.socket.clone(), back.socket.clone()),
        }
    }

    /// Starts forwarding; resolves once terminated. EINVAL at once if an end is not bound or
    /// connected.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn run<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let fut = self.proxy.run().map_err(|e| zmq_error(env, &e, None))?;
        promise(env, fut, None)
    }

    /// Stops taking messages until `resume`.
    #[napi(catch_unwind)]
    pub fn pause(&self, env: &Env) -> Result<()> {
        self.proxy.pause().map_err(|e| zmq_error(env, &e, None))
    }

    /// Forwards again after `pause`.
    #[napi(catch_unwind)]
    pub fn resume(&self, env: &Env) -> Result<()> {
        self.proxy.resume().map_err(|e| zmq_error(env, &e, None))
    }

    /// Stops forwarding and closes both sockets.
    #[napi(catch_unwind)]
    pub fn terminate(&self, env: &Env) -> Result<()> {
        self.proxy.terminate().map_err(|e| zmq_error(env, &e, None))
    }
}
