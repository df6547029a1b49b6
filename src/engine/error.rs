//! Engine layer: the one error type of the engine. Every failure maps to an errno-style `code()`
//! here and nowhere else, so the binding never has to parse messages.

use std::io;

/// An engine failure, carrying enough to build a JS `Error` with `code` and `errno`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    /// An endpoint, option value or argument that cannot be used (`EINVAL`).
    #[error("Invalid argument")]
    InvalidArgument,
    /// A transport we do not speak (`EPROTONOSUPPORT`).
    #[error("Protocol not supported")]
    ProtocolNotSupported,
    /// A bind host that names no local interface or resolvable address (`ENODEV`).
    #[error("No such device")]
    NoSuchDevice,
    /// The address is taken (`EADDRINUSE`).
    #[error("Address already in use")]
    AddressInUse,
    /// The address is not local to this machine (`EADDRNOTAVAIL`).
    #[error("Cannot assign requested address")]
    AddressNotAvailable,
    /// An ipc path longer than a Unix socket address holds (`ENAMETOOLONG`).
    #[error("File name too long")]
    NameTooLong,
    /// unbind/disconnect of an endpoint this socket does not have (`ENOENT`).
    #[error("No such endpoint")]
    NoSuchEndpoint,
    /// The operation timed out, or was pending when the socket closed (`EAGAIN`).
    #[error("Operation was not possible or timed out")]
    Again,
    /// The socket was closed (`EBADF`).
    #[error("Socket is closed")]
    Closed,
    /// An option read or written on a closed socket (`ENOTSOCK`).
    #[error("Socket operation on non-socket")]
    NotSocket,
    /// The socket type does not allow this operation now (`EFSM`).
    #[error("Operation cannot be accomplished in current state")]
    State,
    /// The socket type does not support this operation at all (`ENOTSUP`).
    #[error("Operation not supported")]
    NotSupported,
    /// A ROUTER with `mandatory` set has no peer by that routing id (`EHOSTUNREACH`).
    #[error("Host unreachable")]
    HostUnreachable,
    /// A proxy end that is neither bound nor connected, or closed (`EINVAL`).
    #[error("{0} socket must be bound or connected")]
    Unattached(&'static str),
    /// A message larger than a limit allows (`EMSGSIZE`).
    #[error("Message too long")]
    MessageTooLong,
    /// An OS error we pass through with its own errno.
    #[error("{message}")]
    Os {
        /// The OS error text.
        message: String,
        /// The raw errno, when the OS gave one.
        errno: i32,
    },
    /// A peer broke the ZMTP protocol (in `handshake:error:protocol` events; code as zeromq.js's;
    /// the message is zeromq.js's too, the detail is logged).
    #[error("ZMTP protocol error")]
    Protocol {
        /// zeromq.js's code, e.g. `ERR_ZMTP_MECHANISM_MISMATCH`.
        code: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A ZAP handler refused a peer, or the peer's refused us (`handshake:error:auth`).
    #[error("{}", auth_text(*status))]
    Auth {
        /// The ZAP status code: 300, 400 or 500.
        status: u16,
    },
    /// The ZAP handler's reply broke RFC 27 (`handshake:error:protocol`).
    #[error("ZAP protocol error")]
    Zap {
        /// zeromq.js's code, e.g. `ERR_ZAP_BAD_VERSION`.
        code: &'static str,
    },
    /// A background task of the socket failed unexpectedly; the socket was closed.
    #[error("Internal error: {0}")]
    Internal(String),
}

/// zeromq.js's message for a ZAP status.
fn auth_text(status: u16) -> &'static str {
    match status {
        300 => "Temporary error",
        400 => "Authentication failure",
        500 => "Internal error",
        _ => "Unknown error",
    }
}

impl EngineError {
    /// The ZAP status of an authentication failure (zeromq.js puts it on the event's error).
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Auth { status } => Some(*status),
            _ => None,
        }
    }

    /// The errno name callers branch on, as zeromq.js reports it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidArgument => "EINVAL",
            Self::ProtocolNotSupported => "EPROTONOSUPPORT",
            Self::NoSuchDevice => "ENODEV",
            Self::AddressInUse => "EADDRINUSE",
            Self::AddressNotAvailable => "EADDRNOTAVAIL",
            Self::NameTooLong => "ENAMETOOLONG",
            Self::NoSuchEndpoint => "ENOENT",
            Self::Again => "EAGAIN",
            Self::Closed => "EBADF",
            Self::NotSocket => "ENOTSOCK",
            Self::State => "EFSM",
            Self::NotSupported => "ENOTSUP",
            Self::MessageTooLong => "EMSGSIZE",
            Self::HostUnreachable => "EHOSTUNREACH",
            Self::Unattached(_) => "EINVAL",
            Self::Os { errno, .. } => errno_name(*errno),
            Self::Protocol { code, .. } => code,
            Self::Zap { code } => code,
            Self::Auth { .. } => "EACCES",
            Self::Internal(_) => "EFAULT",
        }
    }

    /// The numeric errno (Linux numbering; EFSM is libzmq's own number).
    pub fn errno(&self) -> i32 {
        match self {
            Self::InvalidArgument => 22,
            Self::ProtocolNotSupported => 93,
            Self::NoSuchDevice => 19,
            Self::AddressInUse => 98,
            Self::AddressNotAvailable => 99,
            Self::NameTooLong => 36,
            Self::NoSuchEndpoint => 2,
            Self::Again => 11,
            Self::Closed => 9,
            Self::NotSocket => 88,
            Self::State => 156_384_763,
            Self::NotSupported => 95,
            Self::MessageTooLong => 90,
            Self::HostUnreachable => 113,
            Self::Unattached(_) => 22,
            Self::Os { errno, .. } => *errno,
            Self::Protocol { .. } | Self::Zap { .. } => 71,
            Self::Auth { .. } => 13,
            Self::Internal(_) => 14,
        }
    }

    /// Maps an OS error from bind/listen to the engine's codes.
    pub fn from_bind_io(err: &io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::AddrInUse => Self::AddressInUse,
            io::ErrorKind::AddrNotAvailable => Self::AddressNotAvailable,
            _ => Self::from(err),
        }
    }
}

impl From<&io::Error> for EngineError {
    fn from(err: &io::Error) -> Self {
        Self::Os {
            message: err.to_string(),
            errno: err.raw_os_error().unwrap_or(5),
        }
    }
}

/// Names for the OS errnos a socket operation can plausibly surface.
fn errno_name(errno: i32) -> &'static str {
    match errno {
        1 => "EPERM",
        2 => "ENOENT",
        13 => "EACCES",
        14 => "EFAULT",
        17 => "EEXIST",
        20 => "ENOTDIR",
        22 => "EINVAL",
        24 => "EMFILE",
        28 => "ENOSPC",
        30 => "EROFS",
        32 => "EPIPE",
        36 => "ENAMETOOLONG",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        104 => "ECONNRESET",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        _ => "EIO",
    }
}

/// Result type of the engine.
pub type Result<T> = std::result::Result<T, EngineError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_errnos_match_zeromq_js() {
        assert_eq!(EngineError::Again.code(), "EAGAIN");
        assert_eq!(EngineError::Again.errno(), 11);
        assert_eq!(EngineError::Closed.to_string(), "Socket is closed");
        assert_eq!(EngineError::State.errno(), 156_384_763);
        let e = EngineError::from_bind_io(&io::Error::from_raw_os_error(98));
        assert_eq!(e.code(), "EADDRINUSE");
        let e = EngineError::from(&io::Error::from_raw_os_error(13));
        assert_eq!((e.code(), e.errno()), ("EACCES", 13));
    }
}
