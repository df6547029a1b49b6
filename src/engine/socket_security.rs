//! Engine layer: the socket's security options (see `security.rs`), read and written under the
//! socket's lock like every option. Invariant: a value is validated before anything changes, and
//! changes apply from the next connection on, as in libzmq.

use super::super::error::{EngineError, Result};
use super::super::security::{Mechanism, SecOpt, SecValue};
use super::Socket;

impl Socket {
    /// Reads a security option (`ENOTSOCK` once closed).
    pub fn get_security(&self, opt: SecOpt) -> Result<SecValue> {
        let st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        Ok(st.opts.security.get(opt))
    }

    /// Writes a security option (`EINVAL` for a malformed key or an over-long text).
    pub fn set_security(&self, opt: SecOpt, value: SecValue) -> Result<()> {
        let mut st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        st.opts.security.set(opt, value)
    }

    /// The mechanism the socket's options select.
    pub fn mechanism(&self) -> Result<Mechanism> {
        let st = self.shared.lock();
        if st.closed {
            return Err(EngineError::NotSocket);
        }
        Ok(st.opts.security.mechanism)
    }
}

#[cfg(test)]
#[path = "security_conn_tests.rs"]
mod tests;
