//! Engine layer: the security options of a socket (ZMQ_PLAIN_*, ZMQ_CURVE_*, ZMQ_ZAP_DOMAIN) and
//! the mechanism they select, as libzmq selects it: the last option set decides (a PLAIN username
//! or server flag selects PLAIN, a CURVE server flag or server key selects CURVE). Invariants:
//! keys are exactly 32 bytes (given raw or as 40 Z85 characters), anything else is EINVAL; no
//! error message or `Debug` output contains a secret key or a password.

use super::error::{EngineError, Result};
use super::z85;
use bytes::Bytes;

/// A ZMTP security mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mechanism {
    /// No security (RFC 37's NULL).
    #[default]
    Null,
    /// User name and password in clear text (RFC 24/37's PLAIN).
    Plain,
    /// CurveZMQ (RFC 26): encryption and authentication by Curve25519 keys.
    Curve,
}

impl Mechanism {
    /// The name in the ZMTP greeting.
    pub fn wire_name(self) -> &'static [u8] {
        match self {
            Mechanism::Null => b"NULL",
            Mechanism::Plain => b"PLAIN",
            Mechanism::Curve => b"CURVE",
        }
    }

    /// zeromq.js's `securityMechanism` value (`None` for NULL, which it reports as null).
    pub fn js_name(self) -> Option<&'static str> {
        match self {
            Mechanism::Null => None,
            Mechanism::Plain => Some("plain"),
            Mechanism::Curve => Some("curve"),
        }
    }
}

/// A 32-byte CURVE key.
pub type Key = [u8; 32];

/// A socket's security settings.
#[derive(Clone, Default)]
pub struct Security {
    /// The mechanism the options selected.
    pub mechanism: Mechanism,
    /// This side is the mechanism's server (ZMQ_PLAIN_SERVER / ZMQ_CURVE_SERVER).
    pub as_server: bool,
    /// ZMQ_PLAIN_USERNAME (at most 255 bytes).
    pub username: Bytes,
    /// ZMQ_PLAIN_PASSWORD (at most 255 bytes).
    pub password: Bytes,
    /// ZMQ_CURVE_PUBLICKEY: this side's long-term public key.
    pub public_key: Option<Key>,
    /// ZMQ_CURVE_SECRETKEY: this side's long-term secret key.
    pub secret_key: Option<Key>,
    /// ZMQ_CURVE_SERVERKEY: the server's long-term public key (clients).
    pub server_key: Option<Key>,
    /// ZMQ_ZAP_DOMAIN: the domain ZAP requests name (at most 255 bytes).
    pub zap_domain: Bytes,
}

impl Drop for Security {
    // The secret key is wiped from memory with each copy of the settings.
    fn drop(&mut self) {
        use zeroize::Zeroize;
        if let Some(key) = self.secret_key.as_mut() {
            key.zeroize();
        }
    }
}

impl std::fmt::Debug for Security {
    // Only what is safe to log: never a secret key or a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("mechanism", &self.mechanism)
            .field("as_server", &self.as_server)
            .finish_non_exhaustive()
    }
}

/// A security option, by its zeromq.js name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecOpt {
    /// `plainServer` (boolean).
    PlainServer,
    /// `plainUsername` (text).
    PlainUsername,
    /// `plainPassword` (text).
    PlainPassword,
    /// `curveServer` (boolean).
    CurveServer,
    /// `curvePublicKey` (key).
    CurvePublicKey,
    /// `curveSecretKey` (key).
    CurveSecretKey,
    /// `curveServerKey` (key).
    CurveServerKey,
    /// `zapDomain` (text).
    ZapDomain,
}

impl SecOpt {
    /// Every security option with its zeromq.js name.
    pub const ALL: [(SecOpt, &'static str); 8] = [
        (SecOpt::PlainServer, "plainServer"),
        (SecOpt::PlainUsername, "plainUsername"),
        (SecOpt::PlainPassword, "plainPassword"),
        (SecOpt::CurveServer, "curveServer"),
        (SecOpt::CurvePublicKey, "curvePublicKey"),
        (SecOpt::CurveSecretKey, "curveSecretKey"),
        (SecOpt::CurveServerKey, "curveServerKey"),
        (SecOpt::ZapDomain, "zapDomain"),
    ];

    /// Looks a security option up by its zeromq.js name.
    pub fn by_name(name: &str) -> Option<SecOpt> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(o, _)| *o)
    }
}

/// A security option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecValue {
    /// Unset (or cleared).
    Null,
    /// A flag.
    Bool(bool),
    /// Text or key bytes (keys are read back as Z85 text).
    Bytes(Bytes),
}

/// A key given as 32 raw bytes or as its 40-character Z85 text.
pub fn parse_key(value: &[u8]) -> Result<Key> {
    let raw = match value.len() {
        32 => value.to_vec(),
        40 => z85::decode(value).ok_or(EngineError::InvalidArgument)?,
        _ => return Err(EngineError::InvalidArgument),
    };
    raw.try_into().map_err(|_| EngineError::InvalidArgument)
}

/// A text value of at most 255 bytes (PLAIN credentials and ZAP domains travel with a one-byte
/// length).
fn short_text(value: SecValue) -> Result<Bytes> {
    match value {
        SecValue::Null => Ok(Bytes::new()),
        SecValue::Bytes(b) if b.len() <= 255 => Ok(b),
        _ => Err(EngineError::InvalidArgument),
    }
}

fn key_text(key: &Option<Key>) -> SecValue {
    match key.as_ref().and_then(|k| z85::encode(k)) {
        Some(text) => SecValue::Bytes(Bytes::from(text)),
        None => SecValue::Null,
    }
}

impl Security {
    /// Sets `opt`, updating the mechanism as libzmq does. Invalid values leave everything as it was.
    pub fn set(&mut self, opt: SecOpt, value: SecValue) -> Result<()> {
        match opt {
            SecOpt::PlainServer | SecOpt::CurveServer => {
                let SecValue::Bool(on) = value else {
                    return Err(EngineError::InvalidArgument);
                };
                self.as_server = on;
                self.mechanism = match (opt, on) {
                    (_, false) => Mechanism::Null,
                    (SecOpt::PlainServer, true) => Mechanism::Plain,
                    _ => Mechanism::Curve,
                };
            }
            SecOpt::PlainUsername | SecOpt::PlainPassword => {
                let text = short_text(value)?;
                let empty = text.is_empty();
                if opt == SecOpt::PlainUsername {
                    self.username = text;
                } else {
                    self.password = text;
                }
                self.as_server = false;
                self.mechanism = if empty {
                    Mechanism::Null
                } else {
                    Mechanism::Plain
                };
            }
            SecOpt::CurvePublicKey | SecOpt::CurveSecretKey | SecOpt::CurveServerKey => {
                let key = match value {
                    SecValue::Bytes(b) => parse_key(&b)?,
                    _ => return Err(EngineError::InvalidArgument),
                };
                match opt {
                    SecOpt::CurvePublicKey => self.public_key = Some(key),
                    SecOpt::CurveSecretKey => self.secret_key = Some(key),
                    _ => {
                        self.server_key = Some(key);
                        self.as_server = false;
                    }
                }
                self.mechanism = Mechanism::Curve;
            }
            SecOpt::ZapDomain => self.zap_domain = short_text(value)?,
        }
        Ok(())
    }

    /// Reads `opt` back (keys as Z85 text, unset keys as `Null`).
    pub fn get(&self, opt: SecOpt) -> SecValue {
        match opt {
            SecOpt::PlainServer => {
                SecValue::Bool(self.as_server && self.mechanism == Mechanism::Plain)
            }
            SecOpt::CurveServer => {
                SecValue::Bool(self.as_server && self.mechanism == Mechanism::Curve)
            }
            SecOpt::PlainUsername => SecValue::Bytes(self.username.clone()),
            SecOpt::PlainPassword => SecValue::Bytes(self.password.clone()),
            SecOpt::CurvePublicKey => key_text(&self.public_key),
            SecOpt::CurveSecretKey => key_text(&self.secret_key),
            SecOpt::CurveServerKey => key_text(&self.server_key),
            SecOpt::ZapDomain => SecValue::Bytes(self.zap_domain.clone()),
        }
    }
}

/// A new CURVE key pair as (public, secret), from the operating system's random source.
pub fn curve_key_pair() -> (Key, Key) {
    let secret = crypto_box::SecretKey::generate(&mut rand_core::OsRng);
    (*secret.public_key().as_bytes(), secret.to_bytes())
}

/// The public key that belongs to `secret` (ZMQ's zmq_curve_public).
pub fn curve_public(secret: &Key) -> Key {
    *crypto_box::SecretKey::from_bytes(*secret)
        .public_key()
        .as_bytes()
}

#[cfg(test)]
#[path = "security_tests.rs"]
mod tests;
