//! Engine layer: ZAP (ZeroMQ RFC 27) requests. A handshake asks the handler bound at
//! `inproc://zeromq.zap.01` (a REP or ROUTER socket the application runs) whether a peer may in,
//! over a DEALER of its own per request. Invariants: a reply is checked frame by frame (count,
//! version, request id, status code) before it is believed; without a bound handler the answer
//! is `NoHandler`, never a wait.

use super::error::Result;
use super::kind::SocketType;
use super::options::Opt;
use super::socket::Socket;
use bytes::Bytes;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

/// The inproc name ZAP handlers bind (RFC 27).
pub const ZAP_ENDPOINT: &str = "zeromq.zap.01";

/// What a handshake asks ZAP. Its `Debug` leaves the credentials out (a PLAIN password).
#[derive(Clone)]
pub struct ZapRequest {
    /// The socket's `zapDomain`.
    pub domain: Bytes,
    /// The peer's IP address (empty for ipc).
    pub address: String,
    /// The socket's routing id (empty when it has none).
    pub identity: Bytes,
    /// "NULL", "PLAIN" or "CURVE".
    pub mechanism: &'static str,
    /// PLAIN: user name and password; CURVE: the client's 32-byte public key.
    pub credentials: Vec<Bytes>,
}

impl std::fmt::Debug for ZapRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZapRequest")
            .field("domain", &self.domain)
            .field("address", &self.address)
            .field("mechanism", &self.mechanism)
            .field("credentials", &self.credentials.len())
            .finish_non_exhaustive()
    }
}

/// ZAP's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZapVerdict {
    /// Status 200: the peer may in, known by `user_id`.
    Allow {
        /// The reply's user id.
        user_id: Bytes,
    },
    /// Status 300, 400 or 500: refused.
    Deny {
        /// The status code.
        status: u16,
    },
    /// No handler is bound.
    NoHandler,
    /// The reply broke RFC 27: zeromq.js's `ERR_ZAP_*` code.
    Malformed(&'static str),
}

/// Asks a ZAP handler; boxed so handshakes can hold any implementation.
pub trait Authenticator: Send + Sync {
    /// The handler's verdict on `request`.
    fn ask(&self, request: ZapRequest) -> Pin<Box<dyn Future<Output = ZapVerdict> + Send + '_>>;
}

/// The ZAP handler of this process, asked from sockets of JS environment `group`.
pub struct InprocZap {
    /// The asking socket's group (its DEALER belongs to the same one).
    pub group: u64,
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// Closes the request's DEALER however the request ends.
struct Closing(Socket);

impl Drop for Closing {
    fn drop(&mut self) {
        self.0.close_now();
    }
}

impl Authenticator for InprocZap {
    fn ask(&self, request: ZapRequest) -> Pin<Box<dyn Future<Output = ZapVerdict> + Send + '_>> {
        Box::pin(async move {
            // Each JS environment (a worker thread, say) has its own handler, as each zeromq.js
            // context has.
            if !super::inproc::is_bound_in(ZAP_ENDPOINT, self.group) {
                return ZapVerdict::NoHandler;
            }
            match self.exchange(request).await {
                Ok(verdict) => verdict,
                // A handler is bound but could not be asked: refuse, never let a client in
                // unauthenticated (CURVE takes "no handler" as leave to admit).
                Err(_) => ZapVerdict::Malformed("ERR_ZAP_UNSPECIFIED"),
            }
        })
    }
}

impl InprocZap {
    async fn exchange(&self, request: ZapRequest) -> Result<ZapVerdict> {
        let dealer = Closing(Socket::in_group(SocketType::Dealer, self.group)?);
        dealer.0.set_option(Opt::Linger, 0)?;
        dealer.0.connect(&format!("inproc://{ZAP_ENDPOINT}"))?;
        let id = Bytes::from(REQUEST_IDS.fetch_add(1, Ordering::Relaxed).to_string());
        let mut msg = vec![
            Bytes::new(),
            Bytes::from_static(b"1.0"),
            id.clone(),
            request.domain,
            Bytes::from(request.address),
            request.identity,
            Bytes::from_static(request.mechanism.as_bytes()),
        ];
        msg.extend(request.credentials);
        dealer.0.send_wait(msg).await?;
        let mut replies = Vec::new();
        while replies.is_empty() {
            dealer.0.recv_wait().await?;
            dealer.0.recv_batch(&mut replies, 1, usize::MAX)?;
        }
        Ok(check_reply(&replies[0], &id))
    }
}

/// Checks a reply (with its empty delimiter) to request `id` as libzmq does.
pub fn check_reply(reply: &[Bytes], id: &[u8]) -> ZapVerdict {
    if reply.len() != 7 || !reply[0].is_empty() {
        return ZapVerdict::Malformed("ERR_ZAP_MALFORMED_REPLY");
    }
    if &reply[1][..] != b"1.0" {
        return ZapVerdict::Malformed("ERR_ZAP_BAD_VERSION");
    }
    if reply[2] != id {
        return ZapVerdict::Malformed("ERR_ZAP_BAD_REQUEST_ID");
    }
    match &reply[3][..] {
        b"200" => ZapVerdict::Allow {
            user_id: reply[5].clone(),
        },
        b"300" => ZapVerdict::Deny { status: 300 },
        b"400" => ZapVerdict::Deny { status: 400 },
        b"500" => ZapVerdict::Deny { status: 500 },
        _ => ZapVerdict::Malformed("ERR_ZAP_INVALID_STATUS_CODE"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(frames: &[&str]) -> Vec<Bytes> {
        frames
            .iter()
            .map(|f| Bytes::copy_from_slice(f.as_bytes()))
            .collect()
    }

    #[test]
    fn replies_are_checked_as_rfc27_says() {
        let ok = reply(&["", "1.0", "7", "200", "OK", "alice", ""]);
        assert_eq!(
            check_reply(&ok, b"7"),
            ZapVerdict::Allow {
                user_id: "alice".into()
            }
        );
        assert_eq!(
            check_reply(&ok, b"8"),
            ZapVerdict::Malformed("ERR_ZAP_BAD_REQUEST_ID")
        );
        let denied = reply(&["", "1.0", "7", "400", "No", "", ""]);
        assert_eq!(check_reply(&denied, b"7"), ZapVerdict::Deny { status: 400 });
        let version = reply(&["", "9.9", "7", "200", "OK", "", ""]);
        assert_eq!(
            check_reply(&version, b"7"),
            ZapVerdict::Malformed("ERR_ZAP_BAD_VERSION")
        );
        let short = reply(&["", "", ""]);
        assert_eq!(
            check_reply(&short, b"7"),
            ZapVerdict::Malformed("ERR_ZAP_MALFORMED_REPLY")
        );
        let status = reply(&["", "1.0", "7", "201", "", "", ""]);
        assert_eq!(
            check_reply(&status, b"7"),
            ZapVerdict::Malformed("ERR_ZAP_INVALID_STATUS_CODE")
        );
    }
}
