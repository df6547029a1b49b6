//! Engine layer: CurveZMQ (RFC 26) cryptography: the four handshake commands (HELLO, WELCOME,
//! INITIATE, READY) built and opened as pure functions over bytes, and the MESSAGE boxes that
//! carry every frame after the handshake. Invariants: every box is verified (Poly1305) before a
//! byte of it is used; a short nonce is never reused when sending and must strictly increase
//! when receiving; the cookie key is per handshake and dropped with it; no key is ever formatted
//! into an error.

use super::codec::ProtocolError;
pub use super::curve_session::{CurveReceiver, CurveSender};
use super::security::Key;
use crypto_box::aead::{AeadInPlace, KeyInit};
use crypto_box::{PublicKey, SalsaBox, SecretKey};
use crypto_secretbox::XSalsa20Poly1305;
use rand_core::{OsRng, RngCore};

/// Poly1305 tag length: a box is this much longer than what it holds.
pub const TAG: usize = 16;
/// HELLO's data after its name: version, anti-amplification padding, C', short nonce, box of 64 zeros.
pub const HELLO_DATA: usize = 2 + 72 + 32 + 8 + 64 + TAG;
/// WELCOME's data: long nonce and box of S' and the cookie.
pub const WELCOME_DATA: usize = 16 + 32 + COOKIE + TAG;
/// A cookie: long nonce and box of C' and s'.
pub const COOKIE: usize = 16 + 64 + TAG;
/// The vouch inside INITIATE: box of C' and S.
const VOUCH_BOX: usize = 64 + TAG;
/// INITIATE's box holds C, the vouch's long nonce and the vouch before the metadata.
const INITIATE_FIXED: usize = 32 + 16 + VOUCH_BOX;

pub(crate) fn failed() -> ProtocolError {
    ProtocolError::Cryptographic
}

pub(crate) fn nonce(prefix: &[u8], tail: &[u8]) -> crypto_box::Nonce {
    let mut n = crypto_box::Nonce::default();
    n[..prefix.len()].copy_from_slice(prefix);
    n[prefix.len()..].copy_from_slice(tail);
    n
}

pub(crate) fn seal(
    key: &SalsaBox,
    n: &crypto_box::Nonce,
    plain: &[u8],
) -> Result<Vec<u8>, ProtocolError> {
    let mut out = Vec::with_capacity(TAG + plain.len());
    out.extend_from_slice(&[0u8; TAG]);
    out.extend_from_slice(plain);
    // Fails only for associated data, which is never passed; if it ever did, nothing is sent.
    let tag = key
        .encrypt_in_place_detached(n, b"", &mut out[TAG..])
        .map_err(|_| failed())?;
    out[..TAG].copy_from_slice(&tag);
    Ok(out)
}

pub(crate) fn open(
    key: &SalsaBox,
    n: &crypto_box::Nonce,
    boxed: &[u8],
) -> Result<Vec<u8>, ProtocolError> {
    if boxed.len() < TAG {
        return Err(failed());
    }
    let mut plain = boxed[TAG..].to_vec();
    let tag = crypto_box::Tag::clone_from_slice(&boxed[..TAG]);
    key.decrypt_in_place_detached(n, b"", &mut plain, &tag)
        .map_err(|_| failed())?;
    Ok(plain)
}

fn key_at(bytes: &[u8], at: usize) -> Result<Key, ProtocolError> {
    bytes
        .get(at..at + 32)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(failed)
}

/// The box between `public` and `secret`. A public key of small order (which makes the shared
/// secret all zeros, whatever the secret key) is refused, as libsodium refuses it: with one, a
/// peer could complete a handshake without holding any secret key.
fn boxer(public: &Key, secret: &SecretKey) -> Result<SalsaBox, ProtocolError> {
    let shared =
        curve25519_dalek::montgomery::MontgomeryPoint(*public).mul_clamped(secret.to_bytes());
    if shared.0 == [0u8; 32] {
        return Err(failed());
    }
    Ok(SalsaBox::new(&PublicKey::from(*public), secret))
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// The client's side of the handshake, between its commands.
pub struct CurveClient {
    server: Key,
    public: Key,
    secret: SecretKey,
    transient: SecretKey,
    /// Box between our transient key and the server's long-term key (HELLO, WELCOME).
    to_server: SalsaBox,
    /// Box between our transient key and the server's transient key, once WELCOME told it.
    session: Option<(Key, SalsaBox)>,
    next: u64,
}

impl CurveClient {
    /// A client with long-term keys `public`/`secret` for a server whose long-term key is
    /// `server` (refused if that key is of small order).
    pub fn new(public: Key, secret: Key, server: Key) -> Result<Self, ProtocolError> {
        let transient = SecretKey::generate(&mut OsRng);
        Ok(Self {
            to_server: boxer(&server, &transient)?,
            server,
            public,
            secret: SecretKey::from_bytes(secret),
            transient,
            session: None,
            next: 1,
        })
    }

    fn short(&mut self) -> [u8; 8] {
        let s = self.next.to_be_bytes();
        self.next += 1;
        s
    }

    /// HELLO's data (after its name).
    pub fn hello(&mut self) -> Result<Vec<u8>, ProtocolError> {
        let short = self.short();
        let mut data = Vec::with_capacity(HELLO_DATA);
        data.extend_from_slice(&[1, 0]);
        data.extend_from_slice(&[0u8; 72]);
        data.extend_from_slice(self.transient.public_key().as_bytes());
        data.extend_from_slice(&short);
        data.extend_from_slice(&seal(
            &self.to_server,
            &nonce(b"CurveZMQHELLO---", &short),
            &[0u8; 64],
        )?);
        Ok(data)
    }

    /// Opens WELCOME's data and returns INITIATE's, carrying `metadata`.
    pub fn initiate(&mut self, welcome: &[u8], metadata: &[u8]) -> Result<Vec<u8>, ProtocolError> {
        if welcome.len() != WELCOME_DATA {
            return Err(ProtocolError::BadCommand("WELCOME"));
        }
        let plain = open(
            &self.to_server,
            &nonce(b"WELCOME-", &welcome[..16]),
            &welcome[16..],
        )?;
        let server_transient = key_at(&plain, 0)?;
        let cookie = &plain[32..];
        let session = boxer(&server_transient, &self.transient)?;
        // The vouch: our transient key and the server's long-term key, boxed with our long-term
        // key, so the server knows the transient key is ours.
        let vouch_nonce: [u8; 16] = random();
        let mut vouched = Vec::with_capacity(64);
        vouched.extend_from_slice(self.transient.public_key().as_bytes());
        vouched.extend_from_slice(&self.server);
        let vouch = seal(
            &boxer(&server_transient, &self.secret)?,
            &nonce(b"VOUCH---", &vouch_nonce),
            &vouched,
        )?;
        let mut inner = Vec::with_capacity(INITIATE_FIXED + metadata.len());
        inner.extend_from_slice(&self.public);
        inner.extend_from_slice(&vouch_nonce);
        inner.extend_from_slice(&vouch);
        inner.extend_from_slice(metadata);
        let short = self.short();
        let mut data = Vec::with_capacity(COOKIE + 8 + TAG + inner.len());
        data.extend_from_slice(cookie);
        data.extend_from_slice(&short);
        data.extend_from_slice(&seal(
            &session,
            &nonce(b"CurveZMQINITIATE", &short),
            &inner,
        )?);
        self.session = Some((server_transient, session));
        Ok(data)
    }

    /// Opens READY's data: the server's metadata and the session's two halves.
    pub fn ready(
        self,
        ready: &[u8],
    ) -> Result<(Vec<u8>, CurveSender, CurveReceiver), ProtocolError> {
        let (server_transient, session) = self
            .session
            .ok_or(ProtocolError::ExpectedReady("READY".into()))?;
        let short: [u8; 8] = ready
            .get(..8)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(failed)?;
        let metadata = open(&session, &nonce(b"CurveZMQREADY---", &short), &ready[8..])?;
        // Each half gets its own box (the cipher state is not shareable between threads).
        let sending = boxer(&server_transient, &self.transient)?;
        let sender = CurveSender {
            key: sending,
            prefix: b"CurveZMQMESSAGEC",
            next: self.next,
        };
        let receiver = CurveReceiver {
            key: session,
            prefix: b"CurveZMQMESSAGES",
            last: u64::from_be_bytes(short),
            scratch: Vec::new(),
        };
        Ok((metadata, sender, receiver))
    }
}

/// The server's side of the handshake, between its commands.
pub struct CurveServer {
    public: Key,
    secret: SecretKey,
    transient: SecretKey,
    cookie_key: [u8; 32],
    client_transient: Option<Key>,
    peer_last: u64,
}

impl Drop for CurveServer {
    // The cookie key must not outlive the handshake it served.
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.cookie_key.zeroize();
    }
}

/// What INITIATE told the server: the client's long-term key (for ZAP) and its metadata.
pub struct Initiated {
    /// The client's long-term public key.
    pub client_key: Key,
    /// The client's metadata (ZMTP properties).
    pub metadata: Vec<u8>,
}

impl CurveServer {
    /// A server with long-term keys `public`/`secret`; a fresh transient key and cookie key.
    pub fn new(public: Key, secret: Key) -> Self {
        Self {
            public,
            secret: SecretKey::from_bytes(secret),
            transient: SecretKey::generate(&mut OsRng),
            cookie_key: random(),
            client_transient: None,
            peer_last: 0,
        }
    }

    /// Opens HELLO's data and returns WELCOME's.
    pub fn welcome(&mut self, hello: &[u8]) -> Result<Vec<u8>, ProtocolError> {
        if hello.len() != HELLO_DATA {
            return Err(ProtocolError::BadCommand("HELLO"));
        }
        if hello[..2] != [1, 0] {
            return Err(ProtocolError::BadCommand("HELLO"));
        }
        let client_transient = key_at(hello, 74)?;
        let short = &hello[106..114];
        let zeros = open(
            &boxer(&client_transient, &self.secret)?,
            &nonce(b"CurveZMQHELLO---", short),
            &hello[114..],
        )?;
        if zeros.iter().any(|&b| b != 0) {
            return Err(failed());
        }
        self.peer_last = u64::from_be_bytes(short.try_into().map_err(|_| failed())?);
        // The cookie holds C' and s', boxed with a key only we know: what comes back in
        // INITIATE is checked against it.
        let cookie_nonce: [u8; 16] = random();
        let mut inner = Vec::with_capacity(64);
        inner.extend_from_slice(&client_transient);
        inner.extend_from_slice(&self.transient.to_bytes());
        let cookie_box = XSalsa20Poly1305::new(&self.cookie_key.into());
        let mut cookie = cookie_nonce.to_vec();
        let mut sealed = inner.clone();
        let tag = cookie_box
            .encrypt_in_place_detached(&nonce(b"COOKIE--", &cookie_nonce), b"", &mut sealed)
            .map_err(|_| failed())?;
        cookie.extend_from_slice(&tag);
        cookie.extend_from_slice(&sealed);
        let mut plain = Vec::with_capacity(32 + COOKIE);
        plain.extend_from_slice(self.transient.public_key().as_bytes());
        plain.extend_from_slice(&cookie);
        let welcome_nonce: [u8; 16] = random();
        let mut data = welcome_nonce.to_vec();
        data.extend_from_slice(&seal(
            &boxer(&client_transient, &self.secret)?,
            &nonce(b"WELCOME-", &welcome_nonce),
            &plain,
        )?);
        self.client_transient = Some(client_transient);
        Ok(data)
    }

    /// Opens INITIATE's data: checks the cookie, the box and the vouch.
    pub fn initiate(&mut self, data: &[u8]) -> Result<Initiated, ProtocolError> {
        let client_transient = self
            .client_transient
            .ok_or(ProtocolError::BadCommand("INITIATE"))?;
        if data.len() < COOKIE + 8 + TAG + INITIATE_FIXED {
            return Err(ProtocolError::BadCommand("INITIATE"));
        }
        let cookie_box = XSalsa20Poly1305::new(&self.cookie_key.into());
        let mut cookie = data[16 + TAG..COOKIE].to_vec();
        let tag = crypto_box::Tag::clone_from_slice(&data[16..16 + TAG]);
        cookie_box
            .decrypt_in_place_detached(&nonce(b"COOKIE--", &data[..16]), b"", &mut cookie, &tag)
            .map_err(|_| failed())?;
        let ours = self.transient.to_bytes();
        if cookie[..32] != client_transient || cookie[32..] != ours {
            return Err(failed());
        }
        let short = &data[COOKIE..COOKIE + 8];
        let n = u64::from_be_bytes(short.try_into().map_err(|_| failed())?);
        if n <= self.peer_last {
            return Err(failed());
        }
        let session = boxer(&client_transient, &self.transient)?;
        let inner = open(
            &session,
            &nonce(b"CurveZMQINITIATE", short),
            &data[COOKIE + 8..],
        )?;
        let client_key = key_at(&inner, 0)?;
        let vouch = open(
            &boxer(&client_key, &self.transient)?,
            &nonce(b"VOUCH---", &inner[32..48]),
            &inner[48..48 + VOUCH_BOX],
        )?;
        if vouch[..32] != client_transient || vouch[32..] != self.public {
            return Err(failed());
        }
        self.peer_last = n;
        Ok(Initiated {
            client_key,
            metadata: inner[INITIATE_FIXED..].to_vec(),
        })
    }

    /// READY's data carrying `metadata`, and the session's two halves.
    pub fn ready(
        self,
        metadata: &[u8],
    ) -> Result<(Vec<u8>, CurveSender, CurveReceiver), ProtocolError> {
        let client_transient = self
            .client_transient
            .ok_or(ProtocolError::BadCommand("INITIATE"))?;
        let session = boxer(&client_transient, &self.transient)?;
        let short = 1u64.to_be_bytes();
        let mut data = short.to_vec();
        data.extend_from_slice(&seal(
            &session,
            &nonce(b"CurveZMQREADY---", &short),
            metadata,
        )?);
        let sending = boxer(&client_transient, &self.transient)?;
        let sender = CurveSender {
            key: sending,
            prefix: b"CurveZMQMESSAGES",
            next: 2,
        };
        let receiver = CurveReceiver {
            key: session,
            prefix: b"CurveZMQMESSAGEC",
            last: self.peer_last,
            scratch: Vec::new(),
        };
        Ok((data, sender, receiver))
    }
}

#[cfg(test)]
#[path = "curve_tests.rs"]
mod tests;
