//! Engine layer: socket options. `OPTIONS` is the single table of names, ZMQ constants, types,
//! ranges and defaults; the binding and the TypeScript layer derive their option properties from it.

use super::endpoint::Host;
use super::error::{EngineError, Result};
use super::kind::SocketType;
use super::netfilter::Cidr;
pub use super::text_options::TextOpt;
use bytes::Bytes;
use std::time::Duration;

/// How an option's value is typed in JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// An integer (count, bytes or milliseconds).
    Int,
    /// A boolean.
    Bool,
    /// A 64-bit unsigned bitmask (ZMQ_AFFINITY), kept in the i64 slot by its bit pattern: every
    /// pattern is valid, so there is no range to check.
    Mask,
}

/// One row of the options table.
#[derive(Debug)]
pub struct OptionSpec {
    /// The zeromq.js property name.
    pub name: &'static str,
    /// The libzmq constant it corresponds to.
    pub zmq: &'static str,
    /// Value type.
    pub kind: OptionKind,
    /// Default value (booleans as 0/1).
    pub default: i64,
    /// Smallest accepted value.
    pub min: i64,
    /// Largest accepted value.
    pub max: i64,
    /// The socket types that have this option; empty: every type.
    pub only: &'static [SocketType],
}

/// Identifies an option; the discriminant indexes `OPTIONS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Opt {
    /// ZMQ_SNDHWM: messages queued per peer before `send` waits (0: unlimited).
    SendHighWaterMark,
    /// ZMQ_RCVHWM: messages queued per peer before we stop reading it (0: unlimited).
    ReceiveHighWaterMark,
    /// ZMQ_SNDTIMEO: ms a `send` may wait; -1 forever, 0 not at all.
    SendTimeout,
    /// ZMQ_RCVTIMEO: ms a `receive` may wait; -1 forever, 0 not at all.
    ReceiveTimeout,
    /// ZMQ_LINGER: ms queued messages keep flowing after `close()`; -1 forever.
    Linger,
    /// ZMQ_RECONNECT_IVL: ms between reconnection attempts; -1 disables reconnection.
    ReconnectInterval,
    /// ZMQ_RECONNECT_IVL_MAX: upper bound of the doubling backoff; 0 keeps the interval fixed.
    ReconnectMaxInterval,
    /// ZMQ_HANDSHAKE_IVL: ms a new connection has to finish the ZMTP handshake; 0 no limit.
    HandshakeInterval,
    /// ZMQ_CONNECT_TIMEOUT: ms a TCP connect attempt may take; 0 the OS default.
    ConnectTimeout,
    /// ZMQ_MAXMSGSIZE: largest accepted incoming message in bytes; -1 no limit.
    MaxMessageSize,
    /// ZMQ_IMMEDIATE: queue only to peers whose connection is complete.
    Immediate,
    /// ZMQ_BACKLOG: pending-connection queue length of listeners.
    Backlog,
    /// ZMQ_PROBE_ROUTER: send an empty message to each new peer (REQ, DEALER, ROUTER).
    ProbeRouter,
    /// ZMQ_ROUTER_MANDATORY: an unroutable send fails with `EHOSTUNREACH` instead of dropping.
    Mandatory,
    /// ZMQ_ROUTER_HANDOVER: a peer connecting with a routing id in use takes it over.
    Handover,
    /// ZMQ_REQ_RELAXED: a REQ may send a new request before the reply to the last one.
    Relaxed,
    /// ZMQ_REQ_CORRELATE: a REQ tags requests with an id and drops replies that do not match.
    Correlate,
    /// ZMQ_SNDBUF: the kernel send buffer of each connection in bytes; -1 the OS default.
    SendBufferSize,
    /// ZMQ_RCVBUF: the kernel receive buffer of each connection in bytes; -1 the OS default.
    ReceiveBufferSize,
    /// ZMQ_TOS: the IP type-of-service (DSCP/ECN) byte of tcp connections.
    TypeOfService,
    /// ZMQ_TCP_MAXRT: ms unacknowledged data may wait before the OS drops the connection
    /// (TCP_USER_TIMEOUT); 0 the OS default.
    TcpMaxRetransmitTimeout,
    /// ZMQ_IPV6: `*` binds every IPv6 and IPv4 interface, and names may resolve to IPv6.
    Ipv6,
    /// ZMQ_CONFLATE: keep only the latest message per peer, in each direction.
    Conflate,
    /// ZMQ_AFFINITY: I/O thread bitmask. Stored only: the engine has one I/O thread (as
    /// zeromq.js's default context has).
    Affinity,
    /// ZMQ_RATE: multicast data rate in kbit/s. Stored only: affects pgm/epgm, which zeromq-rs
    /// (like zeromq.js's prebuilt libzmq) does not have.
    Rate,
    /// ZMQ_RECOVERY_IVL: multicast recovery window in ms. Stored only (pgm/epgm).
    RecoveryInterval,
    /// ZMQ_MULTICAST_HOPS: multicast time-to-live. Stored only (pgm/epgm).
    MulticastHops,
    /// ZMQ_MULTICAST_MAXTPDU: largest multicast transport data unit. Stored only (pgm/epgm).
    MulticastMaxTransportDataUnit,
    /// ZMQ_LOOPBACK_FASTPATH: a Windows loopback optimisation; libzmq ignores it elsewhere too.
    LoopbackFastPath,
    /// ZMQ_XPUB_NODROP: a send that would drop for a full subscriber waits instead.
    NoDrop,
    /// ZMQ_INVERT_MATCHING: deliver what does NOT match the subscriptions.
    InvertMatching,
    /// ZMQ_XPUB_MANUAL: subscriptions reach the application and apply only when it says so.
    Manual,
    /// ZMQ_XPUB_VERBOSE / ZMQ_XPUB_VERBOSER: 0 reports a topic's first subscription and last
    /// unsubscription, 1 every subscription, 2 every subscription and unsubscription.
    Verbosity,
    /// ZMQ_HEARTBEAT_IVL: ms between the PINGs sent on each connection; 0 none.
    HeartbeatInterval,
    /// ZMQ_HEARTBEAT_TTL: ms the peer should wait for traffic from us before dropping us (sent
    /// in PING, in deciseconds); 0 none.
    HeartbeatTimeToLive,
    /// ZMQ_HEARTBEAT_TIMEOUT: ms of silence after a PING that drop the peer; -1 the interval.
    HeartbeatTimeout,
    /// ZMQ_TCP_KEEPALIVE: SO_KEEPALIVE on tcp connections: 1 on, 0 off, -1 the OS default.
    TcpKeepalive,
    /// ZMQ_TCP_KEEPALIVE_CNT: unanswered probes before the OS drops the connection; -1 default.
    TcpKeepaliveCount,
    /// ZMQ_TCP_KEEPALIVE_IDLE: seconds idle before the first probe; -1 default.
    TcpKeepaliveIdle,
    /// ZMQ_TCP_KEEPALIVE_INTVL: seconds between probes; -1 default.
    TcpKeepaliveInterval,
    /// ZMQ_STREAM_NOTIFY: a STREAM reports each connection and disconnection as an empty message.
    Notify,
}

const I32: i64 = i32::MAX as i64;

const fn int(
    name: &'static str,
    zmq: &'static str,
    default: i64,
    min: i64,
    max: i64,
) -> OptionSpec {
    OptionSpec {
        name,
        zmq,
        kind: OptionKind::Int,
        default,
        min,
        max,
        only: &[],
    }
}

const fn flag(name: &'static str, zmq: &'static str, only: &'static [SocketType]) -> OptionSpec {
    OptionSpec {
        name,
        zmq,
        kind: OptionKind::Bool,
        default: 0,
        min: 0,
        max: 1,
        only,
    }
}

use SocketType as T;

/// Default linger: bounded, unlike libzmq's -1 which makes Node hang at exit with an absent peer.
pub const DEFAULT_LINGER_MS: i64 = 1000;

/// The table, indexed by `Opt as usize`.
pub const OPTIONS: &[OptionSpec] = &[
    int("sendHighWaterMark", "ZMQ_SNDHWM", 1000, 0, I32),
    int("receiveHighWaterMark", "ZMQ_RCVHWM", 1000, 0, I32),
    int("sendTimeout", "ZMQ_SNDTIMEO", -1, -1, I32),
    int("receiveTimeout", "ZMQ_RCVTIMEO", -1, -1, I32),
    int("linger", "ZMQ_LINGER", DEFAULT_LINGER_MS, -1, I32),
    int("reconnectInterval", "ZMQ_RECONNECT_IVL", 100, -1, I32),
    int("reconnectMaxInterval", "ZMQ_RECONNECT_IVL_MAX", 0, 0, I32),
    int("handshakeInterval", "ZMQ_HANDSHAKE_IVL", 30_000, 0, I32),
    int("connectTimeout", "ZMQ_CONNECT_TIMEOUT", 0, 0, I32),
    int("maxMessageSize", "ZMQ_MAXMSGSIZE", -1, -1, i64::MAX),
    flag("immediate", "ZMQ_IMMEDIATE", &[]),
    int("backlog", "ZMQ_BACKLOG", 100, 0, I32),
    flag(
        "probeRouter",
        "ZMQ_PROBE_ROUTER",
        &[T::Req, T::Dealer, T::Router],
    ),
    flag("mandatory", "ZMQ_ROUTER_MANDATORY", &[T::Router]),
    flag("handover", "ZMQ_ROUTER_HANDOVER", &[T::Router]),
    flag("relaxed", "ZMQ_REQ_RELAXED", &[T::Req]),
    flag("correlate", "ZMQ_REQ_CORRELATE", &[T::Req]),
    int("sendBufferSize", "ZMQ_SNDBUF", -1, -1, I32),
    int("receiveBufferSize", "ZMQ_RCVBUF", -1, -1, I32),
    int("typeOfService", "ZMQ_TOS", 0, 0, 255),
    int("tcpMaxRetransmitTimeout", "ZMQ_TCP_MAXRT", 0, 0, I32),
    flag("ipv6", "ZMQ_IPV6", &[]),
    flag(
        "conflate",
        "ZMQ_CONFLATE",
        &[T::Dealer, T::Pull, T::Push, T::Pub, T::Sub],
    ),
    OptionSpec {
        kind: OptionKind::Mask,
        ..int("affinity", "ZMQ_AFFINITY", 0, i64::MIN, i64::MAX)
    },
    int("rate", "ZMQ_RATE", 100, 1, I32),
    int("recoveryInterval", "ZMQ_RECOVERY_IVL", 10_000, 0, I32),
    int("multicastHops", "ZMQ_MULTICAST_HOPS", 1, 1, I32),
    int(
        "multicastMaxTransportDataUnit",
        "ZMQ_MULTICAST_MAXTPDU",
        1500,
        0,
        I32,
    ),
    flag("loopbackFastPath", "ZMQ_LOOPBACK_FASTPATH", &[]),
    flag("noDrop", "ZMQ_XPUB_NODROP", &[T::Pub, T::XPub]),
    flag(
        "invertMatching",
        "ZMQ_INVERT_MATCHING",
        &[T::Pub, T::Sub, T::XPub],
    ),
    flag("manual", "ZMQ_XPUB_MANUAL", &[T::XPub]),
    OptionSpec {
        only: &[T::XPub],
        ..int("verbosity", "ZMQ_XPUB_VERBOSE", 0, 0, 2)
    },
    int("heartbeatInterval", "ZMQ_HEARTBEAT_IVL", 0, 0, I32),
    int("heartbeatTimeToLive", "ZMQ_HEARTBEAT_TTL", 0, 0, 6_553_599),
    int("heartbeatTimeout", "ZMQ_HEARTBEAT_TIMEOUT", -1, -1, I32),
    int("tcpKeepalive", "ZMQ_TCP_KEEPALIVE", -1, -1, 1),
    int("tcpKeepaliveCount", "ZMQ_TCP_KEEPALIVE_CNT", -1, -1, I32),
    int("tcpKeepaliveIdle", "ZMQ_TCP_KEEPALIVE_IDLE", -1, -1, I32),
    int(
        "tcpKeepaliveInterval",
        "ZMQ_TCP_KEEPALIVE_INTVL",
        -1,
        -1,
        I32,
    ),
    OptionSpec {
        default: 1,
        ..flag("notify", "ZMQ_STREAM_NOTIFY", &[T::Stream])
    },
];

const COUNT: usize = 41;

/// Longest routing id (ZMQ_ROUTING_ID): ids travel as a one-byte-length frame in ROUTER envelopes.
pub const MAX_ROUTING_ID: usize = 255;

/// Option values of one socket, validated on every write.
#[derive(Debug, Clone)]
pub struct Options {
    values: [i64; COUNT],
    /// ZMQ_ROUTING_ID: the id this socket announces to ROUTER peers (1 to 255 bytes).
    routing_id: Option<Bytes>,
    /// ZMQ_SOCKS_PROXY, parsed.
    pub(super) socks_proxy: Option<(Host, u16)>,
    /// ZMQ_BINDTODEVICE.
    pub(super) interface: Option<String>,
    /// ZMQ_TCP_ACCEPT_FILTER ranges, in the order set.
    pub(super) accept_filters: Vec<Cidr>,
    /// ZMQ_XPUB_WELCOME_MSG.
    pub(super) welcome: Option<Bytes>,
    /// The security mechanism and its keys or credentials (`security.rs`).
    pub security: super::security::Security,
}

impl Default for Options {
    fn default() -> Self {
        let mut values = [0; COUNT];
        for (slot, spec) in values.iter_mut().zip(OPTIONS) {
            *slot = spec.default;
        }
        Self {
            values,
            routing_id: None,
            socks_proxy: None,
            interface: None,
            accept_filters: Vec::new(),
            welcome: None,
            security: Default::default(),
        }
    }
}

impl Opt {
    /// Looks an option up by its zeromq.js name.
    pub fn by_name(name: &str) -> Option<Opt> {
        let index = OPTIONS.iter().position(|spec| spec.name == name)?;
        Self::ALL.get(index).copied()
    }

    const ALL: [Opt; COUNT] = [
        Opt::SendHighWaterMark,
        Opt::ReceiveHighWaterMark,
        Opt::SendTimeout,
        Opt::ReceiveTimeout,
        Opt::Linger,
        Opt::ReconnectInterval,
        Opt::ReconnectMaxInterval,
        Opt::HandshakeInterval,
        Opt::ConnectTimeout,
        Opt::MaxMessageSize,
        Opt::Immediate,
        Opt::Backlog,
        Opt::ProbeRouter,
        Opt::Mandatory,
        Opt::Handover,
        Opt::Relaxed,
        Opt::Correlate,
        Opt::SendBufferSize,
        Opt::ReceiveBufferSize,
        Opt::TypeOfService,
        Opt::TcpMaxRetransmitTimeout,
        Opt::Ipv6,
        Opt::Conflate,
        Opt::Affinity,
        Opt::Rate,
        Opt::RecoveryInterval,
        Opt::MulticastHops,
        Opt::MulticastMaxTransportDataUnit,
        Opt::LoopbackFastPath,
        Opt::NoDrop,
        Opt::InvertMatching,
        Opt::Manual,
        Opt::Verbosity,
        Opt::HeartbeatInterval,
        Opt::HeartbeatTimeToLive,
        Opt::HeartbeatTimeout,
        Opt::TcpKeepalive,
        Opt::TcpKeepaliveCount,
        Opt::TcpKeepaliveIdle,
        Opt::TcpKeepaliveInterval,
        Opt::Notify,
    ];

    /// This option's row.
    pub fn spec(self) -> &'static OptionSpec {
        &OPTIONS[self as usize]
    }

    /// Whether sockets of `kind` have this option.
    pub fn applies_to(self, kind: SocketType) -> bool {
        let only = self.spec().only;
        only.is_empty() || only.contains(&kind)
    }
}

/// Checks a routing id: 1 to 255 bytes (`EINVAL` otherwise).
pub fn check_routing_id(id: &[u8]) -> Result<()> {
    if id.is_empty() || id.len() > MAX_ROUTING_ID {
        return Err(EngineError::InvalidArgument);
    }
    Ok(())
}

impl Options {
    /// The raw value (booleans as 0/1).
    pub fn get(&self, opt: Opt) -> i64 {
        self.values[opt as usize]
    }

    /// Sets a value after checking it against the table's range (`EINVAL` outside it).
    pub fn set(&mut self, opt: Opt, value: i64) -> Result<()> {
        let spec = opt.spec();
        if value < spec.min || value > spec.max {
            return Err(EngineError::InvalidArgument);
        }
        self.values[opt as usize] = value;
        Ok(())
    }

    /// A count option where 0 means unlimited, as a queue bound.
    pub fn hwm(&self, opt: Opt) -> usize {
        match self.get(opt) {
            0 => usize::MAX,
            n => n as usize,
        }
    }

    /// A millisecond option where -1 means "forever": `None`.
    pub fn timeout(&self, opt: Opt) -> Option<Duration> {
        u64::try_from(self.get(opt)).ok().map(Duration::from_millis)
    }

    /// A millisecond option where 0 means "not set": `None`.
    pub fn nonzero_ms(&self, opt: Opt) -> Option<Duration> {
        match self.get(opt) {
            n if n > 0 => Some(Duration::from_millis(n as u64)),
            _ => None,
        }
    }

    /// Whether a boolean option is on.
    pub fn flag(&self, opt: Opt) -> bool {
        self.get(opt) != 0
    }

    /// The routing id, if one was set.
    pub fn routing_id(&self) -> Option<&Bytes> {
        self.routing_id.as_ref()
    }

    /// Sets the routing id (`EINVAL` unless 1 to 255 bytes).
    pub fn set_routing_id(&mut self, id: &[u8]) -> Result<()> {
        check_routing_id(id)?;
        self.routing_id = Some(Bytes::copy_from_slice(id));
        Ok(())
    }

    /// `maxMessageSize` as a byte limit.
    pub fn max_message_size(&self) -> Option<u64> {
        u64::try_from(self.get(Opt::MaxMessageSize)).ok()
    }
}

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
