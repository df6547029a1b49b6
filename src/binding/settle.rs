//! Binding layer: promises the I/O thread settles. napi-rs's deferreds create a threadsafe function
//! (a libuv handle) per promise; a receive that waits would pay for one per message. Here each JS
//! environment has one threadsafe function, made on first use, and each wait only a promise.
//! Invariants: a promise is settled at most once; the threadsafe function is called only while it
//! exists (a lock orders calls before its finalization); it keeps Node running exactly while some
//! wait is pending, as a per-promise one did.

use super::errors::zmq_error;
use crate::engine::EngineError;
use napi::bindgen_prelude::*;
use napi::{check_status, sys, JsError};
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::{Arc, RwLock};

/// One environment's threadsafe function, `None` once Node has finalized it.
struct Channel {
    tsfn: RwLock<Option<usize>>,
}

thread_local! {
    /// This thread's environment's channel (one JS environment per thread).
    static CHANNEL: RefCell<Option<Arc<Channel>>> = const { RefCell::new(None) };
    /// Waits of this environment not settled yet: while above zero, the channel keeps Node alive.
    static PENDING: Cell<usize> = const { Cell::new(0) };
}

/// What the I/O thread hands to the JS thread for one promise.
struct Outcome {
    deferred: usize,
    result: std::result::Result<(), EngineError>,
}

unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: `data` is the `Box<Outcome>` leaked in `Settler::settle`, delivered once.
    let outcome = unsafe { Box::from_raw(data.cast::<Outcome>()) };
    if env.is_null() {
        // The environment is going away: nobody can see the promise any more.
        return;
    }
    let deferred = outcome.deferred as sys::napi_deferred;
    // SAFETY: Node-API calls on the live env this callback runs in; the deferred is settled
    // here exactly once.
    unsafe {
        match outcome.result {
            Ok(()) => {
                let mut undefined = null_mut();
                sys::napi_get_undefined(env, &mut undefined);
                sys::napi_resolve_deferred(env, deferred, undefined);
            }
            Err(e) => {
                let error = JsError::from(zmq_error(&Env::from_raw(env), &e, None)).into_value(env);
                sys::napi_reject_deferred(env, deferred, error);
            }
        }
    }
    release_one(env);
}

/// One wait settled on this thread: the last one lets Node exit again.
fn release_one(env: sys::napi_env) {
    let left = PENDING.with(|p| {
        let left = p.get().saturating_sub(1);
        p.set(left);
        left
    });
    if left == 0 {
        if let Some(tsfn) = current_tsfn() {
            // SAFETY: called on the environment's own thread, while the function exists.
            unsafe {
                sys::napi_unref_threadsafe_function(env, tsfn as sys::napi_threadsafe_function)
            };
        }
    }
}

fn current_tsfn() -> Option<usize> {
    CHANNEL.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|ch| *ch.tsfn.read().unwrap_or_else(|e| e.into_inner()))
    })
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `Arc<Channel>` leaked in `channel`, finalized once by Node.
    let channel = unsafe { Arc::from_raw(data.cast::<Channel>()) };
    // Waits for any call in progress on the I/O thread, then no call can start.
    *channel.tsfn.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// This environment's channel, made on first use.
fn channel(env: &Env) -> Result<Arc<Channel>> {
    if let Some(ch) = CHANNEL.with(|c| c.borrow().clone()) {
        return Ok(ch);
    }
    let ch = Arc::new(Channel {
        tsfn: RwLock::new(None),
    });
    let mut name = null_mut();
    let mut tsfn = null_mut();
    // SAFETY: Node-API calls on the current env; the leaked Arc is reclaimed by `finalize`.
    unsafe {
        check_status!(sys::napi_create_string_utf8(
            env.raw(),
            c"zeromq-rs".as_ptr(),
            9,
            &mut name
        ))?;
        let data = Arc::into_raw(ch.clone()).cast_mut().cast::<c_void>();
        let status = sys::napi_create_threadsafe_function(
            env.raw(),
            null_mut(),
            null_mut(),
            name,
            0,
            1,
            data,
            Some(finalize),
            null_mut(),
            Some(call_js),
            &mut tsfn,
        );
        if status != sys::Status::napi_ok {
            drop(Arc::from_raw(data.cast::<Channel>()));
            return Err(Error::new(
                Status::GenericFailure,
                "cannot create a channel",
            ));
        }
        // Idle until a wait is pending.
        check_status!(sys::napi_unref_threadsafe_function(env.raw(), tsfn))?;
    }
    *ch.tsfn.write().unwrap_or_else(|e| e.into_inner()) = Some(tsfn as usize);
    CHANNEL.with(|c| *c.borrow_mut() = Some(ch.clone()));
    Ok(ch)
}

/// Settles one promise from any thread; dropped unused, it rejects with `EAGAIN`, so a promise
/// never stays pending (and Node alive) for nothing.
pub struct Settler {
    channel: Arc<Channel>,
    deferred: Option<usize>,
}

impl Drop for Settler {
    fn drop(&mut self) {
        self.send(Err(EngineError::Again));
    }
}

impl Settler {
    /// Resolves (`Ok`) or rejects with the engine error as a JS error.
    pub fn settle(mut self, result: std::result::Result<(), EngineError>) {
        self.send(result);
    }

    fn send(&mut self, result: std::result::Result<(), EngineError>) {
        let Some(deferred) = self.deferred.take() else {
            return;
        };
        let data = Box::into_raw(Box::new(Outcome { deferred, result }));
        let guard = self.channel.tsfn.read().unwrap_or_else(|e| e.into_inner());
        let sent = guard.is_some_and(|tsfn| {
            // SAFETY: the function exists while the read lock is held (see `finalize`).
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    tsfn as sys::napi_threadsafe_function,
                    data.cast(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            status == sys::Status::napi_ok
        });
        drop(guard);
        if !sent {
            // SAFETY: not handed to Node, so still ours.
            drop(unsafe { Box::from_raw(data) });
        }
    }
}

/// A new promise and the settler for it. Node stays alive until it is settled.
pub fn promise_and_settler(env: &Env) -> Result<(Object<'_>, Settler)> {
    let channel = channel(env)?;
    let (mut deferred, mut promise) = (null_mut(), null_mut());
    // SAFETY: Node-API calls on the current env.
    unsafe {
        check_status!(sys::napi_create_promise(
            env.raw(),
            &mut deferred,
            &mut promise
        ))?;
        if PENDING.with(|p| p.replace(p.get() + 1)) == 0 {
            if let Some(tsfn) = *channel.tsfn.read().unwrap_or_else(|e| e.into_inner()) {
                sys::napi_ref_threadsafe_function(env.raw(), tsfn as sys::napi_threadsafe_function);
            }
        }
        let settler = Settler {
            channel,
            deferred: Some(deferred as usize),
        };
        Ok((Object::from_raw(env.raw(), promise), settler))
    }
}
