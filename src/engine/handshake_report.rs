//! Engine layer: failed handshakes as zeromq.js reports them: `handshake:error:protocol` (ZMTP
//! and ZAP protocol errors, with zeromq.js's codes), `handshake:error:auth` (with the ZAP status)
//! and `handshake:error:other`. Invariant: the detail of a protocol error goes to the log, never a
//! key or a password (no error holds one).

use super::codec::ProtocolError;
use super::connection::Served;
use super::error::EngineError;
use super::events::EventKind;
use super::handshake::HandshakeError;
use super::runtime::warn;
use super::shared::Shared;

/// Records a failed handshake as a `handshake:error:protocol` event.
pub(crate) fn report_protocol_error(shared: &Shared, address: &str, e: &ProtocolError) {
    let error = EngineError::Protocol {
        code: e.zmtp_code(),
        message: e.to_string(),
    };
    shared.lock().emit_with(
        EventKind::HandshakeErrorProtocol,
        address,
        None,
        Some(error),
    );
}

/// Reports a failed handshake as zeromq.js does (`handshake:error:protocol`, `:auth` with the ZAP
/// status, or `:other`) and says whether a connector should try again.
pub(crate) fn handshake_failed(shared: &Shared, address: &str, e: HandshakeError) -> Served {
    let (kind, error) = match e {
        HandshakeError::Protocol(e) => {
            warn(&format!("handshake failed, dropping the connection: {e}"));
            report_protocol_error(shared, address, &e);
            // A peer of the wrong type will not change: no point in reconnecting to it.
            return if matches!(e, ProtocolError::Incompatible(_)) {
                Served::Incompatible
            } else {
                Served::Failed
            };
        }
        // A peer that hangs up mid-handshake (a CURVE server given the wrong key does) is EPIPE,
        // as libzmq reports it.
        HandshakeError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => (
            EventKind::HandshakeErrorOther,
            EngineError::Os {
                message: "Broken pipe".into(),
                errno: 32,
            },
        ),
        HandshakeError::Io(e) => (EventKind::HandshakeErrorOther, EngineError::from(&e)),
        HandshakeError::Auth(status) => {
            (EventKind::HandshakeErrorAuth, EngineError::Auth { status })
        }
        HandshakeError::Zap(code) => (EventKind::HandshakeErrorProtocol, EngineError::Zap { code }),
        HandshakeError::NoZapHandler => (
            EventKind::HandshakeErrorOther,
            EngineError::Os {
                message: "No ZAP handler to authenticate with".into(),
                errno: 14,
            },
        ),
    };
    shared.lock().emit_with(kind, address, None, Some(error));
    Served::Failed
}
