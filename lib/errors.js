// zeromq-rs: errors made on the JS side (the binding builds its own, with the same fields).
"use strict"

const ERRNO = { EBUSY: 16, EBADF: 9, EINVAL: 22, EAGAIN: 11, ENOTSUP: 95, ENOTSOCK: 88, EMFILE: 24 }

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
 * `Class`, but calling it without `new` throws zeromq.js's TypeError: "Class constructors cannot
 * be invoked without 'new'" for its native classes (Context, Socket, Proxy), or with `named`,
 * "Class constructor Dealer cannot be invoked without 'new'" as for its JS socket classes.
 * Subclassing and instanceof still work.
 */
function newOnly(Class, named = false) {
  const message = named
    ? `Class constructor ${Class.name} cannot be invoked without 'new'`
    : "Class constructors cannot be invoked without 'new'"
  return new globalThis.Proxy(Class, {
    apply() {
      throw new TypeError(message)
    },
  })
}

/**
 * The TypeError zeromq.js throws for `options[key]` given to the constructor of `className`
 * (Socket, Context) when `obj` has no such settable property; undefined when it has one.
 */
function optionError(obj, key, className) {
  // Object.prototype's accessors (`__proto__`) are no options.
  for (let proto = Object.getPrototypeOf(obj); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, key)
    if (desc === undefined) continue
    if (typeof desc.set === "function") return undefined
    if (typeof desc.get === "function") {
      return new TypeError(`Cannot set property ${key} of #<${className}> which has only a getter`)
    }
    break
  }
  return new TypeError(`Cannot add property ${key}, object is not extensible`)
}

module.exports = { zmqError, newOnly, optionError, BUSY_READING, BUSY_WRITING, BUSY_BINDING, BUSY_PROXIED }
