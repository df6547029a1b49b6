//! Binding layer: the per-message calls as raw Node-API functions. A `#[napi]` class method pays
//! about 250 ns per call for napi-rs's receiver bookkeeping (a borrow registry behind a global
//! lock); these take the socket as an external handle instead and cost about 30 ns.
//! Invariants: a handle is accepted only if it carries our type tag, so no other external can be
//! mistaken for one; every entry point catches panics and throws instead; the state behind a
//! handle (`Hot`) lives as long as the handle's JS value.

use super::errors::type_error;
use super::hot::Hot;
use napi::bindgen_prelude::*;
use napi::{check_status, sys, JsError};
use napi_derive::napi;
use std::ffi::{c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;
use std::sync::Arc;

/// Marks the externals that are `Box<Arc<Hot>>` handles.
static TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x7a65_726f_6d71_2d72,
    upper: 0x732d_686f_742d_0001,
};

unsafe extern "C" fn finalize_handle(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `Box<Arc<Hot>>` leaked in `handle`, finalized once by V8.
    drop(unsafe { Box::from_raw(data.cast::<Arc<Hot>>()) });
}

/// A tagged external holding `hot`, for the fast functions.
pub fn handle(env: &Env, hot: Arc<Hot>) -> Result<Unknown<'_>> {
    let raw = Box::into_raw(Box::new(hot));
    let mut value = null_mut();
    // SAFETY: plain Node-API calls on the current env; on failure the box is reclaimed here,
    // on success V8 owns it until `finalize_handle`.
    unsafe {
        let status = sys::napi_create_external(
            env.raw(),
            raw.cast(),
            Some(finalize_handle),
            null_mut(),
            &mut value,
        );
        if status != sys::Status::napi_ok {
            drop(Box::from_raw(raw));
            return Err(Error::new(Status::GenericFailure, "cannot create a handle"));
        }
        check_status!(sys::napi_type_tag_object(env.raw(), value, &TAG))?;
        Ok(Unknown::from_raw_unchecked(env.raw(), value))
    }
}

/// The `Hot` behind a handle argument, if it is one of ours.
unsafe fn hot_of<'a>(env: sys::napi_env, value: sys::napi_value) -> Result<&'a Hot> {
    let mut tagged = false;
    // SAFETY: Node-API calls on the current env; an untagged value is refused before its
    // external data is read, and a tagged one holds a live `Box<Arc<Hot>>` while it is reachable
    // (the caller's argument keeps it so for the call).
    unsafe {
        check_status!(sys::napi_check_object_type_tag(
            env,
            value,
            &TAG,
            &mut tagged
        ))?;
        if !tagged {
            return Err(type_error("Not a socket handle"));
        }
        let mut data = null_mut();
        check_status!(sys::napi_get_value_external(env, value, &mut data))?;
        Ok(&**data.cast::<Arc<Hot>>())
    }
}

/// The bytes of a Uint8Array argument (a Buffer is one), valid for the call.
unsafe fn bytes_of<'a>(env: sys::napi_env, value: sys::napi_value) -> Result<&'a [u8]> {
    let (mut kind, mut len, mut data) = (0, 0usize, null_mut());
    let (mut buffer, mut offset) = (null_mut(), 0usize);
    // SAFETY: Node-API calls on the current env; the data pointer (already offset) and length
    // describe the array's live bytes for as long as the argument is reachable.
    unsafe {
        let mut is_typed = false;
        check_status!(sys::napi_is_typedarray(env, value, &mut is_typed))?;
        if !is_typed {
            return Err(type_error("Frame must be a Uint8Array"));
        }
        check_status!(sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut len,
            &mut data,
            &mut buffer,
            &mut offset
        ))?;
        if kind != sys::TypedarrayType::uint8_array {
            return Err(type_error("Frame must be a Uint8Array"));
        }
        Ok(if len == 0 || data.is_null() {
            &[]
        } else {
            std::slice::from_raw_parts(data.cast::<u8>(), len)
        })
    }
}

/// Each element of an array argument, converted by `f`.
unsafe fn map_elements<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    f: impl Fn(sys::napi_value) -> Result<T>,
) -> Result<Vec<T>> {
    // SAFETY: Node-API calls on the current env.
    unsafe {
        let mut is_array = false;
        check_status!(sys::napi_is_array(env, value, &mut is_array))?;
        if !is_array {
            return Err(type_error("Frames must be an array"));
        }
        let mut len = 0u32;
        check_status!(sys::napi_get_array_length(env, value, &mut len))?;
        let mut out = Vec::with_capacity(len as usize);
        for i in 0..len {
            let mut element = null_mut();
            check_status!(sys::napi_get_element(env, value, i, &mut element))?;
            out.push(f(element)?);
        }
        Ok(out)
    }
}

/// Runs a fast function: reads the handle and `N` more arguments, calls `f`, and turns an error
/// or a panic into a JS exception.
unsafe fn enter<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f: impl FnOnce(&Env, &Hot, [sys::napi_value; N]) -> Result<sys::napi_value>,
) -> sys::napi_value {
    let run = || -> Result<sys::napi_value> {
        let mut argv = [null_mut(); 4];
        let mut argc = argv.len();
        // SAFETY: Node-API calls on the current env with buffers of the stated size.
        unsafe {
            check_status!(sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                null_mut(),
                null_mut()
            ))?;
            if argc < N + 1 {
                return Err(type_error("Missing arguments"));
            }
            let hot = hot_of(env, argv[0])?;
            let mut rest = [null_mut(); N];
            rest.copy_from_slice(&argv[1..=N]);
            f(&Env::from_raw(env), hot, rest)
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            // SAFETY: throws on the current env; the return value is ignored by V8 then.
            unsafe { JsError::from(err).throw_into(env) };
            null_mut()
        }
        Err(_) => {
            let err = Error::new(Status::GenericFailure, "zeromq-rs: internal error");
            // SAFETY: as above.
            unsafe { JsError::from(err).throw_into(env) };
            null_mut()
        }
    }
}

unsafe fn boolean(env: &Env, value: bool) -> Result<sys::napi_value> {
    // SAFETY: plain conversion on the current env.
    unsafe { ToNapiValue::to_napi_value(env.raw(), value) }
}

/// `trySend(handle, frame)`: queues a one-frame message; false means it must wait.
unsafe extern "C" fn try_send(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<1>(env, info, |env, hot, [frame]| {
            let frame = bytes_of(env.raw(), frame)?;
            boolean(env, hot.try_send_slices(env, &[frame])?)
        })
    }
}

/// `trySendParts(handle, frames)`: queues a multipart message of copied frames.
unsafe extern "C" fn try_send_parts(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<1>(env, info, |env, hot, [frames]| {
            let frames = map_elements(env.raw(), frames, |f| bytes_of(env.raw(), f))?;
            boolean(env, hot.try_send_slices(env, &frames)?)
        })
    }
}

/// `trySendLent(handle, buffers)`: queues a message, lending its frames of 1 KiB or more.
unsafe extern "C" fn try_send_lent(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<1>(env, info, |env, hot, [frames]| {
            let frames =
                map_elements(env.raw(), frames, |f| Buffer::from_napi_value(env.raw(), f))?;
            boolean(env, hot.try_send_lent(env, frames)?)
        })
    }
}

/// `trySendPacked(handle, packed)`: queues a packed batch; how many messages were queued.
unsafe extern "C" fn try_send_packed(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<1>(env, info, |env, hot, [packed]| {
            let queued = hot.try_send_packed(bytes_of(env.raw(), packed)?)?;
            ToNapiValue::to_napi_value(env.raw(), queued)
        })
    }
}

/// `readBatch(handle)`: the received messages, packed (see `Hot::read_batch`), or null.
unsafe extern "C" fn read_batch(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<0>(env, info, |env, hot, []| {
            ToNapiValue::to_napi_value(env.raw(), hot.read_batch(env)?)
        })
    }
}

/// `closed(handle)`: whether the socket was closed.
unsafe extern "C" fn closed(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe { enter::<0>(env, info, |env, hot, []| boolean(env, hot.closed())) }
}

/// `waitReadable(handle)`: a promise of a message to receive (see `Hot::wait_readable`).
unsafe extern "C" fn wait_readable(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by V8 with a live env and callback info.
    unsafe {
        enter::<0>(env, info, |env, hot, []| {
            ToNapiValue::to_napi_value(env.raw(), hot.wait_readable(env)?)
        })
    }
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// The per-message functions, each taking a socket's `fastHandle()` first: `trySend`,
/// `trySendParts`, `trySendLent`, `trySendPacked`, `readBatch`, `waitReadable` and `closed`.
#[napi(
    catch_unwind,
    ts_return_type = "Record<string, (...args: unknown[]) => unknown>"
)]
pub fn fast_functions(env: &Env) -> Result<Object<'_>> {
    let table: [(&CStr, Callback); 7] = [
        (c"trySend", try_send),
        (c"trySendParts", try_send_parts),
        (c"trySendLent", try_send_lent),
        (c"trySendPacked", try_send_packed),
        (c"readBatch", read_batch),
        (c"waitReadable", wait_readable),
        (c"closed", closed),
    ];
    let mut obj = Object::new(env)?;
    for (name, callback) in table {
        let mut function = null_mut();
        // SAFETY: plain Node-API calls on the current env; `name` is NUL-terminated.
        unsafe {
            check_status!(sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.to_bytes().len() as isize,
                Some(callback),
                null_mut(),
                &mut function
            ))?;
            obj.set_named_property(
                name.to_str().unwrap_or_default(),
                Unknown::from_raw_unchecked(env.raw(), function),
            )?;
        }
    }
    Ok(obj)
}
