//! Engine layer: the socket-type table (RFC 37 §"Socket types"). One row per type decides peer
//! compatibility and which routing the generic core uses; no socket type has code of its own.

/// A ZeroMQ socket type as named in the READY `Socket-Type` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketType {
    /// PAIR (RFC 31).
    Pair,
    /// PUB (RFC 29).
    Pub,
    /// SUB (RFC 29).
    Sub,
    /// REQ (RFC 28).
    Req,
    /// REP (RFC 28).
    Rep,
    /// DEALER (RFC 28).
    Dealer,
    /// ROUTER (RFC 28).
    Router,
    /// PULL (RFC 30).
    Pull,
    /// PUSH (RFC 30).
    Push,
    /// XPUB (RFC 29).
    XPub,
    /// XSUB (RFC 29).
    XSub,
    /// STREAM: raw TCP peers, no ZMTP, addressed by routing id (libzmq's ZMQ_STREAM).
    Stream,
}

/// How a socket picks the peer for an outgoing message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRouting {
    /// The type never sends: `send` is `ENOTSUP`.
    None,
    /// Next peer (in turn) whose queue is below the send high-water mark.
    RoundRobin,
    /// Round-robin, one request at a time, behind an empty delimiter (REQ, RFC 28).
    Request,
    /// To the peer whose request was received last, behind its envelope (REP, RFC 28).
    Reply,
    /// To the peer named by the first frame (ROUTER, RFC 28).
    Identity,
    /// To every peer whose subscriptions match the first frame (PUB, XPUB; RFC 29).
    FanOut,
    /// Subscription messages update our subscriptions; anything else goes to every peer (XSUB).
    Upstream,
    /// The second frame's bytes, unframed, to the peer named by the first (STREAM); an empty
    /// second frame closes that connection.
    Raw,
}

/// How a socket collects incoming messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvRouting {
    /// The type never receives: data from peers is read and discarded.
    None,
    /// One message from each peer with something queued, in turn.
    FairQueue,
    /// Only the reply to the outstanding request, delimiter stripped (REQ).
    Request,
    /// Fair-queued requests, envelope kept aside for the reply (REP).
    Reply,
    /// Fair-queued, with the peer's routing id prepended (ROUTER, STREAM).
    Identity,
    /// Fair-queued subscription messages (and other messages) from subscribers (XPUB).
    Subscriptions,
    /// Fair-queued, keeping only messages that match our subscriptions (SUB).
    Filtered,
}

/// One row of the table.
#[derive(Debug)]
pub struct KindInfo {
    /// The wire name.
    pub name: &'static str,
    /// Peer types a connection may have (RFC 37's compatibility table).
    pub peers: &'static [SocketType],
    /// Outgoing routing.
    pub send: SendRouting,
    /// Incoming routing.
    pub recv: RecvRouting,
    /// Whether the engine implements the type's routing yet.
    pub implemented: bool,
    /// At most one peer at a time (PAIR, RFC 31): further connections are refused.
    pub exclusive: bool,
    /// Sends its routing id as the READY `Identity` property (REQ, DEALER, ROUTER).
    pub sends_identity: bool,
}

impl KindInfo {
    /// Peers send this type subscriptions (PUB, XPUB): their data is read even if never received.
    pub fn publishes(&self) -> bool {
        self.send == SendRouting::FanOut
    }

    /// Peers are named by routing ids (ROUTER, STREAM).
    pub fn names_peers(&self) -> bool {
        matches!(self.send, SendRouting::Identity | SendRouting::Raw)
    }

    /// Connections carry raw bytes, with no ZMTP greeting or framing (STREAM).
    pub fn raw(&self) -> bool {
        self.send == SendRouting::Raw
    }

    /// This type keeps subscriptions and sends them to every peer (SUB, XSUB).
    pub fn subscribes(&self) -> bool {
        self.recv == RecvRouting::Filtered || self.send == SendRouting::Upstream
    }
}

use SocketType as T;

const fn row(
    name: &'static str,
    peers: &'static [SocketType],
    send: SendRouting,
    recv: RecvRouting,
    implemented: bool,
) -> KindInfo {
    KindInfo {
        name,
        peers,
        send,
        recv,
        implemented,
        exclusive: false,
        sends_identity: false,
    }
}

/// A row whose type sends its routing id in READY.
const fn with_identity(info: KindInfo) -> KindInfo {
    KindInfo {
        sends_identity: true,
        ..info
    }
}

impl SocketType {
    /// Every type, for lookups by name.
    pub const ALL: [SocketType; 12] = [
        T::Pair,
        T::Pub,
        T::Sub,
        T::Req,
        T::Rep,
        T::Dealer,
        T::Router,
        T::Pull,
        T::Push,
        T::XPub,
        T::XSub,
        T::Stream,
    ];

    /// This type's row of the table.
    pub fn info(self) -> KindInfo {
        use RecvRouting as R;
        use SendRouting as S;
        match self {
            T::Pair => KindInfo {
                exclusive: true,
                ..row("PAIR", &[T::Pair], S::RoundRobin, R::FairQueue, true)
            },
            T::Pub => row("PUB", &[T::Sub, T::XSub], S::FanOut, R::None, true),
            T::Sub => row("SUB", &[T::Pub, T::XPub], S::None, R::Filtered, true),
            T::Req => with_identity(row(
                "REQ",
                &[T::Rep, T::Router],
                S::Request,
                R::Request,
                true,
            )),
            T::Rep => row("REP", &[T::Req, T::Dealer], S::Reply, R::Reply, true),
            T::Dealer => with_identity(row(
                "DEALER",
                &[T::Rep, T::Dealer, T::Router],
                S::RoundRobin,
                R::FairQueue,
                true,
            )),
            T::Router => with_identity(row(
                "ROUTER",
                &[T::Req, T::Dealer, T::Router],
                S::Identity,
                R::Identity,
                true,
            )),
            T::Pull => row("PULL", &[T::Push], S::None, R::FairQueue, true),
            T::Push => row("PUSH", &[T::Pull], S::RoundRobin, R::None, true),
            T::XPub => row(
                "XPUB",
                &[T::Sub, T::XSub],
                S::FanOut,
                R::Subscriptions,
                true,
            ),
            // As libzmq's, an XSUB passes on whatever its publishers send (they filter).
            T::XSub => row("XSUB", &[T::Pub, T::XPub], S::Upstream, R::FairQueue, true),
            // No ZMTP at all: no peer type, no handshake (see `raw`).
            T::Stream => row("STREAM", &[], S::Raw, R::Identity, true),
        }
    }

    /// The type named by a peer's `Socket-Type` property (exact, upper case as RFC 37 writes them).
    /// STREAM is no ZMTP type, so a peer cannot claim it.
    pub fn from_wire(name: &[u8]) -> Option<SocketType> {
        Self::ALL
            .into_iter()
            .filter(|t| !t.info().raw())
            .find(|t| t.info().name.as_bytes() == name)
    }

    /// Whether a connection between `self` and a peer of type `peer` is allowed.
    pub fn accepts(self, peer: SocketType) -> bool {
        self.info().peers.contains(&peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_is_symmetric_and_matches_rfc() {
        for a in SocketType::ALL {
            for b in SocketType::ALL {
                assert_eq!(a.accepts(b), b.accepts(a), "{a:?} {b:?}");
            }
            if !a.info().raw() {
                assert_eq!(SocketType::from_wire(a.info().name.as_bytes()), Some(a));
            }
        }
        assert!(T::Push.accepts(T::Pull));
        assert!(!T::Push.accepts(T::Push));
        assert!(!T::Pull.accepts(T::Pub));
        assert_eq!(SocketType::from_wire(b"STREAM"), None);
        assert_eq!(SocketType::from_wire(b"push"), None);
    }
}
