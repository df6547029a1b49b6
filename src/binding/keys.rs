//! Binding layer: CURVE key utilities and Z85 for JS (`curveKeyPair`, `z85Encode`, `z85Decode`,
//! `curvePublicKey`). Invariant: malformed input is `EINVAL`, and no key is ever put in an
//! error message.

use super::errors::zmq_error;
use crate::engine::security::{curve_key_pair as pair, curve_public, parse_key};
use crate::engine::{z85, EngineError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A CURVE key pair in Z85 text (40 characters each).
#[napi(object)]
pub struct BindingKeyPair {
    /// The public key.
    pub public_key: String,
    /// The secret key.
    pub secret_key: String,
}

fn invalid(env: &Env) -> Error {
    zmq_error(env, &EngineError::InvalidArgument, None)
}

/// A new CURVE key pair from the operating system's random source.
#[napi(catch_unwind)]
pub fn curve_key_pair(env: &Env) -> Result<BindingKeyPair> {
    let (public, secret) = pair();
    match (z85::encode(&public), z85::encode(&secret)) {
        (Some(public_key), Some(secret_key)) => Ok(BindingKeyPair {
            public_key,
            secret_key,
        }),
        _ => Err(invalid(env)),
    }
}

/// The public key of a secret key (32 bytes or 40 Z85 characters), in Z85.
#[napi(catch_unwind)]
pub fn curve_public_key(env: &Env, secret: Buffer) -> Result<String> {
    let secret = parse_key(&secret).map_err(|e| zmq_error(env, &e, None))?;
    z85::encode(&curve_public(&secret)).ok_or_else(|| invalid(env))
}

/// Z85 text of `data` (a multiple of 4 bytes long).
#[napi(catch_unwind)]
pub fn z85_encode(env: &Env, data: Buffer) -> Result<String> {
    z85::encode(&data).ok_or_else(|| invalid(env))
}

/// The bytes of Z85 `text` (a multiple of 5 characters of the Z85 alphabet).
#[napi(catch_unwind)]
pub fn z85_decode(env: &Env, text: String) -> Result<Buffer> {
    z85::decode(text.as_bytes())
        .map(Buffer::from)
        .ok_or_else(|| invalid(env))
}
