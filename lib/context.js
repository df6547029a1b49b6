// zeromq-rs: contexts, as zeromq.js has them. A context caps how many of its sockets may be open
// (`maxSockets`, EMFILE beyond) and gives its new sockets their defaults (`ipv6`, `maxMessageSize`,
// `blocky`). The engine runs one I/O thread for the whole process whatever the context says.
"use strict"

const native = require("./native.js")
const { zmqError, newOnly, optionError } = require("./errors.js")

const INT_MAX = 2147483647
/** The largest `maxSockets` accepted (libzmq's ZMQ_SOCKET_LIMIT with epoll). */
const SOCKET_LIMIT = 65535

/** Each context's options and open sockets (kept off the object, which is not extensible). */
const STATE = new WeakMap()

/** An integer option value in `min`..`max` (TypeError for a non-number, EINVAL out of range). */
function integer(value, min, max) {
  if (typeof value !== "number") throw new TypeError("Option value must be a number")
  if (!Number.isInteger(value) || value < min || value > max) throw zmqError("EINVAL", "Invalid argument")
  return value
}

function boolean(value) {
  if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean")
  return value
}

/**
 * The default context's state: its option values live in the native addon, shared by every
 * thread of the process (as zeromq.js's one default context is); its socket count stays per thread.
 */
function sharedState(local) {
  const state = { sockets: local.sockets }
  for (const key of ["ioThreads", "maxSockets", "maxMessageSize", "ipv6", "blocky"]) {
    const initial = local[key]
    Object.defineProperty(state, key, {
      get() {
        const value = native.sharedContextOption(key)
        if (value === null || value === undefined) return initial
        return typeof initial === "boolean" ? value !== 0 : value
      },
      set(value) {
        native.setSharedContextOption(key, Number(value))
      },
    })
  }
  return state
}

/** A group of sockets sharing defaults and a limit; `context` is the one sockets get by default. */
class Context {
  constructor(options) {
    if (arguments.length > 1) throw new TypeError("Expected 1 argument")
    if (options !== undefined && options !== null && typeof options !== "object") {
      throw new TypeError("Options must be an object")
    }
    STATE.set(this, {
      ioThreads: 1,
      maxSockets: 1023,
      maxMessageSize: INT_MAX,
      ipv6: false,
      blocky: true,
      /** WeakRefs to the sockets counted as open; closed or collected ones are pruned when full. */
      sockets: new Set(),
    })
    // As zeromq.js's: unknown properties are refused (subclasses may still add their own).
    if (Object.getPrototypeOf(this) === Context.prototype) Object.preventExtensions(this)
    if (options === undefined || options === null) return
    for (const key of Object.keys(options)) {
      const err = optionError(this, key, "Context")
      if (err !== undefined) throw err
      this[key] = options[key]
    }
  }

  /**
   * ZMQ_IO_THREADS. Stored and reported only: the engine runs one I/O thread (a tokio runtime)
   * for the whole process, whatever this says. Default 1.
   */
  get ioThreads() {
    return STATE.get(this).ioThreads
  }

  set ioThreads(value) {
    STATE.get(this).ioThreads = integer(value, 0, INT_MAX)
  }

  /** ZMQ_MAX_SOCKETS: how many sockets of this context may be open at once; one more is EMFILE. Default 1023. */
  get maxSockets() {
    return STATE.get(this).maxSockets
  }

  set maxSockets(value) {
    STATE.get(this).maxSockets = integer(value, 1, SOCKET_LIMIT)
  }

  /** ZMQ_SOCKET_LIMIT: the largest `maxSockets` accepted, 65535. */
  get maxSocketsLimit() {
    return SOCKET_LIMIT
  }

  /**
   * ZMQ_MAX_MSGSZ: the `maxMessageSize` new sockets of this context start with. Default
   * 2147483647, under which they keep their own default (-1, no limit).
   */
  get maxMessageSize() {
    return STATE.get(this).maxMessageSize
  }

  set maxMessageSize(value) {
    STATE.get(this).maxMessageSize = integer(value, 0, INT_MAX)
  }

  /** ZMQ_IPV6: the `ipv6` new sockets of this context start with. Default false. */
  get ipv6() {
    return STATE.get(this).ipv6
  }

  set ipv6(value) {
    STATE.get(this).ipv6 = boolean(value)
  }

  /**
   * ZMQ_BLOCKY: false gives new sockets of this context `linger` 0 (nothing queued is delivered
   * after `close()` or at exit). True (the default) keeps the sockets' own default of 1000 ms.
   */
  get blocky() {
    return STATE.get(this).blocky
  }

  set blocky(value) {
    STATE.get(this).blocky = boolean(value)
    // The exit hook's warning names `context.blocky` only while the default context is blocky.
    if (this === context) native.setBlocky(STATE.get(this).blocky)
  }
}

/** Whether `value` is a Context. */
function isContext(value) {
  return STATE.has(value)
}

/** Throws EMFILE when `context` already has `maxSockets` sockets open. */
function checkRoom(context) {
  const state = STATE.get(context)
  if (state.sockets.size < state.maxSockets) return
  // Sockets closed other than by close() (a proxy's terminate, process exit) or collected.
  for (const ref of state.sockets) {
    const socket = ref.deref()
    if (socket === undefined || socket.closed) state.sockets.delete(ref)
  }
  if (state.sockets.size >= state.maxSockets) throw zmqError("EMFILE", "Too many open file descriptors")
}

/** Counts `socket` as open in `context`; returns what `releaseSocket` takes once it closes. */
function addSocket(context, socket) {
  const ref = new WeakRef(socket)
  STATE.get(context).sockets.add(ref)
  return ref
}

/** Frees the slot `addSocket` gave. */
function releaseSocket(context, ref) {
  STATE.get(context).sockets.delete(ref)
}

/** The options a new socket of `context` starts with, before its own. */
function socketDefaults(context) {
  const state = STATE.get(context)
  const defaults = {}
  if (state.ipv6) defaults.ipv6 = true
  if (state.maxMessageSize !== INT_MAX) defaults.maxMessageSize = state.maxMessageSize
  if (!state.blocky) defaults.linger = 0
  return defaults
}

/** The default context, shared by every socket created without a `context` option. */
const context = new Context()
STATE.set(context, sharedState(STATE.get(context)))

module.exports = {
  Context: newOnly(Context),
  context,
  isContext,
  checkRoom,
  addSocket,
  releaseSocket,
  socketDefaults,
}
