//! Binding layer root: napi glue only. It converts between JS values and engine types and maps
//! engine errors to JS errors; it knows nothing of the wire format.
mod convert;
mod errors;
mod events;
mod fast;
mod hot;
mod keys;
mod proxy;
mod settle;
mod socket;

pub use fast::fast_functions;
pub use keys::{curve_key_pair, curve_public_key, z85_decode, z85_encode, BindingKeyPair};
pub use proxy::BindingProxy;
pub use socket::BindingSocket;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One option of the engine's table, as the TypeScript layer needs it to define properties.
#[napi(object)]
pub struct BindingOptionInfo {
    /// zeromq.js property name, for example `sendHighWaterMark`.
    pub name: String,
    /// libzmq constant, for example `ZMQ_SNDHWM`.
    pub zmq: String,
    /// `"number"`, `"boolean"` or `"string"` (text options default to null).
    pub kind: String,
    /// Default value.
    pub default_value: f64,
    /// Wire names of the socket types that have it (`["ROUTER"]`); empty: every type.
    pub only: Vec<String>,
}

/// The option table, so that JS defines exactly the options the engine validates.
#[napi(catch_unwind)]
pub fn option_table() -> Vec<BindingOptionInfo> {
    let text = crate::engine::TextOpt::ALL
        .iter()
        .map(|(opt, name, zmq)| BindingOptionInfo {
            name: (*name).to_owned(),
            zmq: (*zmq).to_owned(),
            kind: "string".to_owned(),
            default_value: 0.0,
            only: opt
                .only()
                .iter()
                .map(|t| t.info().name.to_owned())
                .collect(),
        });
    crate::engine::OPTIONS
        .iter()
        .map(|spec| BindingOptionInfo {
            name: spec.name.to_owned(),
            zmq: spec.zmq.to_owned(),
            kind: match spec.kind {
                crate::engine::OptionKind::Int | crate::engine::OptionKind::Mask => "number",
                crate::engine::OptionKind::Bool => "boolean",
            }
            .to_owned(),
            default_value: spec.default as f64,
            only: spec.only.iter().map(|t| t.info().name.to_owned()).collect(),
        })
        .chain(text)
        .collect()
}

/// Frames at least this large are lent to the engine (`trySendLent`) rather than copied.
#[napi(catch_unwind)]
pub fn lend_min() -> u32 {
    crate::engine::outqueue::LEND_MIN as u32
}

static NEXT_GROUP: AtomicU64 = AtomicU64::new(1);
/// The default context's `blocky`, for the exit warning's wording.
static BLOCKY: AtomicBool = AtomicBool::new(true);

/// The default context's option values, shared by every JS environment (thread) of the process,
/// as zeromq.js's default context is.
static SHARED_CONTEXT: std::sync::Mutex<Vec<(String, f64)>> = std::sync::Mutex::new(Vec::new());

/// A default-context option set by any thread (`null` if none ever was).
#[napi(catch_unwind)]
pub fn shared_context_option(name: String) -> Option<f64> {
    let values = SHARED_CONTEXT.lock().unwrap_or_else(|e| e.into_inner());
    values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// Sets a default-context option for every thread.
#[napi(catch_unwind)]
pub fn set_shared_context_option(name: String, value: f64) {
    let mut values = SHARED_CONTEXT.lock().unwrap_or_else(|e| e.into_inner());
    match values.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => values.push((name, value)),
    }
}

/// Tells the exit hook whether the default context is `blocky` (only the warning's wording).
#[napi(catch_unwind)]
pub fn set_blocky(blocky: bool) {
    BLOCKY.store(blocky, Ordering::Relaxed);
}

/// The socket group of the calling JS environment (0 before `installExitHook`).
pub(crate) fn env_group(env: &Env) -> u64 {
    match env.get_instance_data::<u64>() {
        Ok(Some(group)) => *group,
        _ => 0,
    }
}

/// Registers the exit hook once per JS environment: when it exits (the process, or a worker
/// thread), its sockets still open are closed and their queued messages get up to `linger` ms.
#[napi(catch_unwind)]
pub fn install_exit_hook(env: Env) -> Result<()> {
    if env_group(&env) != 0 {
        return Ok(());
    }
    let group = NEXT_GROUP.fetch_add(1, Ordering::Relaxed);
    env.set_instance_data(group, (), |_| {})?;
    env.add_env_cleanup_hook(group, |group| {
        crate::engine::socket::shutdown_group(
            group,
            std::time::Duration::from_secs(24 * 3600),
            std::time::Duration::from_millis(500),
            || {
                // zeromq.js's words, so tools that look for them still find them.
                let hint = if BLOCKY.load(Ordering::Relaxed) {
                    " Set 'context.blocky = false' to change this behaviour."
                } else {
                    ""
                };
                eprintln!(
                    "(node:{}) WARNING: Waiting for queued ZeroMQ messages to be delivered.{hint}",
                    std::process::id()
                );
            },
        );
    })?;
    Ok(())
}
