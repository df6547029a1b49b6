//! Binding layer: engine errors become real JS `Error` objects carrying `code`, `errno` and
//! (for endpoint calls) `address`, built here, so no layer parses messages. Promises reject
//! with the same objects, built on the JS thread when the promise settles.

use crate::engine::{EngineError, Result as EngineResult};
use napi::bindgen_prelude::*;
use std::future::Future;

/// `err` as a JS Error with `code`, `errno` and, when given, `address`.
pub fn zmq_error(env: &Env, err: &EngineError, address: Option<&str>) -> Error {
    build(env, err, address).unwrap_or_else(|e| e)
}

fn build(env: &Env, err: &EngineError, address: Option<&str>) -> Result<Error> {
    let mut obj = env.create_error(Error::new(Status::GenericFailure, err.to_string()))?;
    obj.set_named_property("code", err.code())?;
    obj.set_named_property("errno", err.errno())?;
    if let Some(address) = address {
        obj.set_named_property("address", address)?;
    }
    Ok(Error::from(obj.to_unknown()))
}

/// A mistake in how the TypeScript layer called the binding (it checks users' types itself).
pub fn type_error(text: &str) -> Error {
    Error::new(Status::InvalidArg, text.to_owned())
}

/// A promise for an engine future; a failure rejects with a `zmq_error`.
pub fn promise<T, F>(env: &Env, fut: F, address: Option<String>) -> Result<PromiseRaw<'_, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = EngineResult<T>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { Ok(fut.await) }, move |env, outcome| {
        outcome.map_err(|e| zmq_error(env, &e, address.as_deref()))
    })
}
