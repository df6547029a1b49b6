// zeromq-rs: errors made on the JS side (the binding builds its own, with the same fields).
"use strict"

const ERRNO = { EBUSY: 16, EBADF: 9, EINVAL: 22, EAGAIN: 11, ENOTSUP: 95, ENOTSOCK: 88 }

/** An Error with `code`, `errno` and, for endpoint calls, `address`. */
function zmqError(code, message, address) {
  const err = new Error(message)
  err.code = code
  err.errno = ERRNO[code] ?? 0
  if (address !== undefined) err.address = address
  return err
}

const BUSY_READING = "Socket is busy reading; only one receive operation may be in progress at any time"
const BUSY_WRITING = "Socket is busy writing; only one send operation may be in progress at any time"
const BUSY_BINDING = "Socket is blocked by a bind or unbind operation"
const BUSY_PROXIED = "Socket is busy: it belongs to a running proxy"

/**
 * `Class`, but calling it without `new` throws zeromq.js's TypeError ("Class constructors cannot
 * be invoked without 'new'") rather than V8's wording; subclassing and instanceof still work.
 */
function newOnly(Class) {
  return new globalThis.Proxy(Class, {
    apply() {
      throw new TypeError("Class constructors cannot be invoked without 'new'")
    },
  })
}

module.exports = { zmqError, newOnly, BUSY_READING, BUSY_WRITING, BUSY_BINDING, BUSY_PROXIED }
