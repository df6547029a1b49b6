//! Engine layer: memory back to the OS after connections end. glibc keeps what a burst of
//! connections freed (read buffers of up to 1 MiB each) in its arenas, so a flood of hostile
//! connections would leave the process tens of MiB larger for good; trimming a second after the
//! last ended connection returns it. Invariants: at most one trim is pending at a time, so a
//! continuous flood costs one trim a second; elsewhere than glibc this does nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::runtime::Handle;

static PENDING: AtomicBool = AtomicBool::new(false);

/// A connection ended: trim a second from now, unless a trim is already due.
pub(crate) fn connection_ended(rt: &Handle) {
    if !PENDING.swap(true, Ordering::AcqRel) {
        rt.spawn(async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            PENDING.store(false, Ordering::Release);
            trim();
        });
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim only releases free memory the allocator holds; it takes its own locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
