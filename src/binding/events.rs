//! Binding layer: socket events as JS objects (the TypeScript `Observer` builds zeromq.js's event
//! objects from them). Invariant: an event carries no more than the engine recorded.

use napi_derive::napi;

/// One socket event, as the TypeScript `Observer` builds zeromq.js's event objects from it.
#[napi(object)]
pub struct BindingEvent {
    /// zeromq.js's event type (`"connect:retry"`).
    #[napi(js_name = "type")]
    pub kind: String,
    /// The endpoint.
    pub address: String,
    /// `connect:retry`: ms until the next attempt.
    pub interval: Option<f64>,
    /// `*:error` events: the error's code (`EADDRINUSE`, `ERR_ZMTP_MECHANISM_MISMATCH`).
    pub error_code: Option<String>,
    /// `*:error` events: the error's message.
    pub error_message: Option<String>,
    /// `*:error` events: the error's errno.
    pub errno: Option<i32>,
    /// `handshake:error:auth`: the ZAP status code (300, 400 or 500).
    pub status: Option<u32>,
}

impl From<crate::engine::events::SocketEvent> for BindingEvent {
    fn from(e: crate::engine::events::SocketEvent) -> Self {
        BindingEvent {
            kind: e.kind.name().to_owned(),
            address: e.address,
            interval: e.interval.map(|d| d.as_millis() as f64),
            error_code: e.error.as_ref().map(|err| err.code().to_owned()),
            error_message: e.error.as_ref().map(|err| err.to_string()),
            errno: e.error.as_ref().map(|err| err.errno()),
            status: e.error.as_ref().and_then(|err| err.status()).map(u32::from),
        }
    }
}
