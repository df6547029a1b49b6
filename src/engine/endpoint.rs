//! Engine layer: parsing and validating `tcp://` and `ipc://` endpoints. Pure string work, no I/O:
//! every malformed input becomes an `EngineError` with the code zeromq.js users expect, never a panic.

use super::error::{EngineError, Result};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// Longest path a Unix socket address can hold (sun_path less its terminating NUL).
pub const MAX_IPC_PATH: usize = 107;

/// The host part of a tcp endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// `*`: every interface (bind only).
    Any,
    /// A literal IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A name resolved when the endpoint is used.
    Name(String),
}

/// A parsed endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `tcp://host:port`; port 0 means "any free port" (bind only).
    Tcp {
        /// Where to bind or connect.
        host: Host,
        /// The port; 0 for an ephemeral one.
        port: u16,
    },
    /// `ipc://path`; `None` is `ipc://*`, a generated path (bind only).
    Ipc(Option<IpcPath>),
    /// `inproc://name`, between sockets of this process (`*` is a literal name, as in libzmq).
    Inproc(String),
}

/// A Unix domain socket address: a file system path, or a Linux abstract name (`ipc://@name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcPath {
    /// A socket file.
    File(PathBuf),
    /// An abstract-namespace name (no file).
    Abstract(String),
}

/// Whether an endpoint is for `bind` or `connect`: wildcards are only meaningful for binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A local address to listen on.
    Bind,
    /// A remote address to reach.
    Connect,
}

impl Endpoint {
    /// Parses an endpoint string for the given use.
    pub fn parse(text: &str, usage: Use) -> Result<Self> {
        let (scheme, rest) = text.split_once("://").ok_or(EngineError::InvalidArgument)?;
        match scheme {
            "tcp" => parse_tcp(rest, usage),
            "ipc" => parse_ipc(rest, usage),
            // Known ZeroMQ transports we do not implement yet; an empty address is still EINVAL.
            "inproc" if rest.is_empty() => Err(EngineError::InvalidArgument),
            "inproc" => Ok(Endpoint::Inproc(rest.to_owned())),
            "pgm" | "epgm" | "tipc" | "vmci" | "ws" | "wss" | "udp" | "norm" => {
                if rest.is_empty() {
                    Err(EngineError::InvalidArgument)
                } else {
                    Err(EngineError::ProtocolNotSupported)
                }
            }
            _ => Err(EngineError::ProtocolNotSupported),
        }
    }
}

fn parse_tcp(rest: &str, usage: Use) -> Result<Endpoint> {
    let (host_text, port_text) = rest.rsplit_once(':').ok_or(EngineError::InvalidArgument)?;
    let port = match port_text {
        "*" | "0" if usage == Use::Bind => 0,
        "*" => return Err(EngineError::InvalidArgument),
        digits => {
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(EngineError::InvalidArgument);
            }
            // Out-of-range ports are refused, where libzmq silently wraps them mod 65536.
            let port: u32 = digits.parse().map_err(|_| EngineError::InvalidArgument)?;
            if port > u32::from(u16::MAX) || (port == 0 && usage == Use::Connect) {
                return Err(EngineError::InvalidArgument);
            }
            port as u16
        }
    };
    let host = parse_host(host_text, usage)?;
    Ok(Endpoint::Tcp { host, port })
}

fn parse_host(text: &str, usage: Use) -> Result<Host> {
    if text == "*" {
        return match usage {
            Use::Bind => Ok(Host::Any),
            Use::Connect => Err(EngineError::InvalidArgument),
        };
    }
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or(EngineError::InvalidArgument)?;
        return inner
            .parse::<std::net::Ipv6Addr>()
            .map(|ip| Host::Ip(IpAddr::V6(ip)))
            .map_err(|_| EngineError::InvalidArgument);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    let valid_name = !text.is_empty()
        && text.len() <= 253
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if valid_name {
        Ok(Host::Name(text.to_owned()))
    } else {
        Err(EngineError::InvalidArgument)
    }
}

fn parse_ipc(rest: &str, usage: Use) -> Result<Endpoint> {
    if rest.is_empty() || rest.contains('\0') {
        return Err(EngineError::InvalidArgument);
    }
    if rest == "*" {
        return match usage {
            Use::Bind => Ok(Endpoint::Ipc(None)),
            Use::Connect => Err(EngineError::InvalidArgument),
        };
    }
    if rest.len() > MAX_IPC_PATH {
        return Err(EngineError::NameTooLong);
    }
    let path = match rest.strip_prefix('@') {
        Some("") => return Err(EngineError::InvalidArgument),
        Some(name) => IpcPath::Abstract(name.to_owned()),
        None => IpcPath::File(PathBuf::from(rest)),
    };
    Ok(Endpoint::Ipc(Some(path)))
}

impl fmt::Display for IpcPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "ipc://{}", path.display()),
            Self::Abstract(name) => write!(f, "ipc://@{name}"),
        }
    }
}

/// The endpoint text reported for a resolved tcp address (`lastEndpoint`).
pub fn tcp_endpoint_text(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => format!("tcp://{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!("tcp://[{}]:{}", v6.ip(), v6.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str, usage: Use) -> &'static str {
        match Endpoint::parse(text, usage) {
            Ok(_) => "OK",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn tcp_forms() {
        let ep = Endpoint::parse("tcp://127.0.0.1:5555", Use::Connect).unwrap();
        assert_eq!(
            ep,
            Endpoint::Tcp {
                host: Host::Ip([127, 0, 0, 1].into()),
                port: 5555
            }
        );
        let ep = Endpoint::parse("tcp://*:*", Use::Bind).unwrap();
        assert_eq!(
            ep,
            Endpoint::Tcp {
                host: Host::Any,
                port: 0
            }
        );
        let ep = Endpoint::parse("tcp://[::1]:0", Use::Bind).unwrap();
        assert_eq!(
            ep,
            Endpoint::Tcp {
                host: Host::Ip("::1".parse().unwrap()),
                port: 0
            }
        );
        let ep = Endpoint::parse("tcp://localhost:7777", Use::Connect).unwrap();
        assert_eq!(
            ep,
            Endpoint::Tcp {
                host: Host::Name("localhost".into()),
                port: 7777
            }
        );
    }

    #[test]
    fn bad_endpoints_have_zeromq_codes() {
        for (text, usage, want) in [
            ("garbage", Use::Bind, "EINVAL"),
            ("tcp://127.0.0.1", Use::Bind, "EINVAL"),
            ("tcp://127.0.0.1:", Use::Bind, "EINVAL"),
            ("tcp://:5555", Use::Bind, "EINVAL"),
            ("tcp://*:99999", Use::Bind, "EINVAL"),
            ("tcp://*:-1", Use::Bind, "EINVAL"),
            ("tcp://*:5555", Use::Connect, "EINVAL"),
            ("tcp://127.0.0.1:*", Use::Connect, "EINVAL"),
            ("tcp://127.0.0.1:0", Use::Connect, "EINVAL"),
            ("tcp://[::1:5555", Use::Bind, "EINVAL"),
            ("tcp://bad host:1", Use::Connect, "EINVAL"),
            ("inproc://", Use::Bind, "EINVAL"),
            ("pgm://x", Use::Bind, "EPROTONOSUPPORT"),
            ("ipc://", Use::Bind, "EINVAL"),
            ("ipc://*", Use::Connect, "EINVAL"),
            ("foo://bar", Use::Bind, "EPROTONOSUPPORT"),
            ("://", Use::Bind, "EPROTONOSUPPORT"),
        ] {
            assert_eq!(code(text, usage), want, "{text}");
        }
        let long = format!("ipc:///tmp/{}", "x".repeat(200));
        assert_eq!(code(&long, Use::Bind), "ENAMETOOLONG");
    }

    #[test]
    fn ipc_forms() {
        assert_eq!(
            Endpoint::parse("ipc://*", Use::Bind).unwrap(),
            Endpoint::Ipc(None)
        );
        let ep = Endpoint::parse("ipc:///tmp/a.sock", Use::Connect).unwrap();
        let Endpoint::Ipc(Some(path)) = ep else {
            panic!("not ipc")
        };
        assert_eq!(path.to_string(), "ipc:///tmp/a.sock");
        let ep = Endpoint::parse("ipc://@name", Use::Bind).unwrap();
        assert_eq!(ep, Endpoint::Ipc(Some(IpcPath::Abstract("name".into()))));
    }

    #[test]
    fn resolved_text() {
        assert_eq!(
            tcp_endpoint_text(&"127.0.0.1:80".parse().unwrap()),
            "tcp://127.0.0.1:80"
        );
        assert_eq!(
            tcp_endpoint_text(&"[::1]:80".parse().unwrap()),
            "tcp://[::1]:80"
        );
    }
}
