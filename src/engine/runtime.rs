//! Engine layer: the one I/O runtime (a current-thread tokio runtime on its own thread, like
//! libzmq's single I/O thread), panic containment for its tasks, and rate-limited warnings.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::runtime::{Builder, Handle};

static RUNTIME: OnceLock<Result<Handle, String>> = OnceLock::new();

/// The engine's runtime, started on first use. The thread is not a libuv handle, so it never keeps
/// Node alive.
pub fn handle() -> Result<&'static Handle, String> {
    RUNTIME
        .get_or_init(|| {
            let rt = Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the I/O runtime: {e}"))?;
            let handle = rt.handle().clone();
            std::thread::Builder::new()
                .name("zeromq-rs-io".into())
                .spawn(move || rt.block_on(std::future::pending::<()>()))
                .map_err(|e| format!("cannot start the I/O thread: {e}"))?;
            Ok(handle)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A future that turns a panic inside `F` into `Err(message)`.
pub struct CatchUnwind<F>(pub F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => {
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_owned());
                Poll::Ready(Err(text))
            }
        }
    }
}

static LOG_WINDOW: AtomicU64 = AtomicU64::new(0);
static LOG_COUNT: AtomicU64 = AtomicU64::new(0);
/// Most warnings printed per second: a hostile peer must not be able to flood stderr.
const LOG_PER_SECOND: u64 = 20;

/// Prints a warning to stderr unless `ZEROMQ_RS_LOG=off`, at most `LOG_PER_SECOND` a second.
pub fn warn(text: &str) {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    if !*ENABLED.get_or_init(|| {
        std::env::var("ZEROMQ_RS_LOG")
            .map(|v| v != "off")
            .unwrap_or(true)
    }) {
        return;
    }
    let second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if LOG_WINDOW.swap(second, Ordering::Relaxed) != second {
        LOG_COUNT.store(0, Ordering::Relaxed);
    }
    if LOG_COUNT.fetch_add(1, Ordering::Relaxed) < LOG_PER_SECOND {
        eprintln!("zeromq-rs: {text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        let rt = Builder::new_current_thread().build().unwrap();
        let out = rt.block_on(CatchUnwind(Box::pin(async { panic!("boom") })));
        assert_eq!(out, Err::<(), _>("boom".to_owned()));
        let out = rt.block_on(CatchUnwind(Box::pin(async { 7 })));
        assert_eq!(out, Ok(7));
    }
}
