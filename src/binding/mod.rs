//! Binding layer root: napi glue only. It converts between JS values and engine types and maps
//! engine errors to JS errors; it knows nothing of the wire format.
mod convert;
mod socket;

pub use socket::BindingSocket;

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// One option of the engine's table, as the TypeScript layer needs it to define properties.
#[napi(object)]
pub struct BindingOptionInfo {
    /// zeromq.js property name, for example `sendHighWaterMark`.
    pub name: String,
    /// libzmq constant, for example `ZMQ_SNDHWM`.
    pub zmq: String,
    /// `"number"` or `"boolean"`.
    pub kind: String,
    /// Default value.
    pub default_value: f64,
}

/// The option table, so that JS defines exactly the options the engine validates.
#[napi(catch_unwind)]
pub fn option_table() -> Vec<BindingOptionInfo> {
    crate::engine::OPTIONS
        .iter()
        .map(|spec| BindingOptionInfo {
            name: spec.name.to_owned(),
            zmq: spec.zmq.to_owned(),
            kind: match spec.kind {
                crate::engine::OptionKind::Int => "number",
                crate::engine::OptionKind::Bool => "boolean",
            }
            .to_owned(),
            default_value: spec.default as f64,
        })
        .collect()
}

/// Registers the exit hook once per JS environment: when Node exits, sockets still open are
/// closed and their queued messages get up to `linger` ms to flush.
#[napi(catch_unwind)]
pub fn install_exit_hook(env: Env) -> Result<()> {
    env.add_env_cleanup_hook((), |_| {
        crate::engine::socket::shutdown_all(std::time::Duration::from_secs(24 * 3600));
    })?;
    Ok(())
}
