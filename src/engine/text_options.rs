//! Engine layer: the socket options whose values are text (a SOCKS5 proxy, an interface name,
//! accept-filter ranges, an XPUB welcome message), validated when set. Numeric options live in
//! the `OPTIONS` table of `options.rs`.

use super::endpoint::{Endpoint, Host, Use};
use super::error::{EngineError, Result};
use super::kind::SocketType;
use super::netfilter::Cidr;
use super::options::{Opt, Options};
use bytes::Bytes;

/// Options whose value is text (or a list of texts), kept apart from the numeric table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOpt {
    /// ZMQ_SOCKS_PROXY: `host:port` of a SOCKS5 proxy tcp connections go through.
    SocksProxy,
    /// ZMQ_BINDTODEVICE: the network interface tcp sockets are bound to (Linux; needs CAP_NET_RAW).
    Interface,
    /// ZMQ_TCP_ACCEPT_FILTER: each value set adds an address range accepted connections must
    /// come from; `None` clears them.
    TcpAcceptFilter,
    /// ZMQ_XPUB_WELCOME_MSG: a message each new subscriber gets first (XPUB).
    WelcomeMessage,
}

impl TextOpt {
    /// Every text option, with its zeromq.js name and libzmq constant.
    pub const ALL: [(TextOpt, &'static str, &'static str); 4] = [
        (TextOpt::SocksProxy, "socksProxy", "ZMQ_SOCKS_PROXY"),
        (TextOpt::Interface, "interface", "ZMQ_BINDTODEVICE"),
        (
            TextOpt::TcpAcceptFilter,
            "tcpAcceptFilter",
            "ZMQ_TCP_ACCEPT_FILTER",
        ),
        (
            TextOpt::WelcomeMessage,
            "welcomeMessage",
            "ZMQ_XPUB_WELCOME_MSG",
        ),
    ];

    /// The socket types that have this option; empty: every type.
    pub fn only(self) -> &'static [SocketType] {
        match self {
            TextOpt::WelcomeMessage => &[SocketType::XPub],
            _ => &[],
        }
    }

    /// Looks a text option up by its zeromq.js name.
    pub fn by_name(name: &str) -> Option<TextOpt> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(o, _, _)| *o)
    }
}

impl Options {
    /// A text option: `None` when unset (the accept filters joined by `,`).
    pub fn get_text(&self, opt: TextOpt) -> Option<String> {
        match opt {
            TextOpt::SocksProxy => self.socks_proxy.as_ref().map(|(host, port)| match host {
                Host::Ip(std::net::IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
                Host::Ip(ip) => format!("{ip}:{port}"),
                Host::Name(name) => format!("{name}:{port}"),
                Host::Any => format!("*:{port}"),
            }),
            TextOpt::Interface => self.interface.clone(),
            TextOpt::WelcomeMessage => self
                .welcome
                .as_ref()
                .map(|w| String::from_utf8_lossy(w).into_owned()),
            TextOpt::TcpAcceptFilter if self.accept_filters.is_empty() => None,
            TextOpt::TcpAcceptFilter => Some(
                self.accept_filters
                    .iter()
                    .map(Cidr::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }

    /// Sets a text option (`None` or an empty text clears it; a filter is added). `EINVAL` for a
    /// proxy that is not `host:port`, an interface name longer than 15 bytes, or a bad range.
    pub fn set_text(&mut self, opt: TextOpt, value: Option<&str>) -> Result<()> {
        let value = value.filter(|v| !v.is_empty());
        match (opt, value) {
            (TextOpt::SocksProxy, None) => self.socks_proxy = None,
            (TextOpt::SocksProxy, Some(text)) => {
                match Endpoint::parse(&format!("tcp://{text}"), Use::Connect)? {
                    Endpoint::Tcp { host, port } if port != 0 => {
                        self.socks_proxy = Some((host, port))
                    }
                    _ => return Err(EngineError::InvalidArgument),
                }
            }
            (TextOpt::Interface, None) => self.interface = None,
            (TextOpt::Interface, Some(name)) => {
                if name.len() > 15 || name.contains('\0') {
                    return Err(EngineError::InvalidArgument);
                }
                self.interface = Some(name.to_owned());
            }
            (TextOpt::WelcomeMessage, None) => self.welcome = None,
            (TextOpt::WelcomeMessage, Some(text)) => {
                self.welcome = Some(Bytes::copy_from_slice(text.as_bytes()))
            }
            (TextOpt::TcpAcceptFilter, None) => self.accept_filters.clear(),
            (TextOpt::TcpAcceptFilter, Some(range)) => {
                self.accept_filters.push(Cidr::parse(range)?)
            }
        }
        Ok(())
    }

    /// The XPUB welcome message, if any.
    pub fn welcome(&self) -> Option<&Bytes> {
        self.welcome.as_ref()
    }

    /// The SOCKS5 proxy tcp connections go through, if any.
    pub fn socks_proxy(&self) -> Option<&(Host, u16)> {
        self.socks_proxy.as_ref()
    }

    /// How this socket reaches tcp endpoints.
    pub fn net(&self) -> super::transport::Net {
        super::transport::Net {
            ipv6: self.flag(Opt::Ipv6),
            interface: self.interface.clone(),
            socks: self.socks_proxy.clone(),
            buffers: (
                self.get(Opt::SendBufferSize),
                self.get(Opt::ReceiveBufferSize),
            ),
        }
    }

    /// The interface tcp sockets are bound to, if any.
    pub fn interface(&self) -> Option<&str> {
        self.interface.as_deref()
    }

    /// The ranges accepted tcp connections must come from (empty: any).
    pub fn accept_filters(&self) -> &[Cidr] {
        &self.accept_filters
    }
}
