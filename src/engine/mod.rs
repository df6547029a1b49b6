//! Engine layer root: a ZeroMQ (ZMTP 3.1) implementation in pure Rust on tokio. Nothing in
//! `engine` knows about JavaScript; the binding drives it through `Socket`.
pub mod carrier;
pub mod codec;
pub mod connection;
pub mod curve;
mod curve_io;
mod curve_session;
mod dispatch;
pub mod endpoint;
pub mod error;
pub mod events;
pub mod handshake;
mod handshake_report;
mod heartbeat;
pub mod inproc;
mod inproc_conn;
pub mod kind;
mod links;
mod mechanisms;
pub mod netfilter;
pub mod options;
pub mod outqueue;
pub mod pipe;
pub mod proxy;
mod pubsub;
mod reader;
pub mod reqrep;
pub mod routing;
pub mod runtime;
pub mod security;
mod shared;
pub mod socket;
pub mod socks;
#[cfg(test)]
mod test_util;
mod text_options;
pub mod transport;
pub mod trie;
mod trim;
pub mod z85;
pub mod zap;

pub use error::{EngineError, Result};
pub use kind::SocketType;
pub use options::{Opt, OptionKind, TextOpt, OPTIONS};
pub use routing::Msg;
pub use socket::Socket;
