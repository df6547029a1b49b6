// zeromq-rs: the socket core every class shares: endpoints, options, close, and the `writable`
// and `readable` mixins that add send and receive. Sends are synchronous enqueues that make a
// promise only when they must wait; receives drain native batches and await only when empty.
"use strict"

const native = require("./native.js")
const { toFrame, unpack } = require("./frames.js")
const { zmqError, BUSY_READING, BUSY_WRITING, BUSY_BINDING, BUSY_PROXIED } = require("./errors.js")

const RESOLVED = Promise.resolve()

/** Whether `key` is a settable option property of `obj` (own class or a base). */
function hasSetter(obj, key) {
  for (let proto = Object.getPrototypeOf(obj); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, key)
    if (desc !== undefined) return typeof desc.set === "function"
  }
  return false
}

/** The base of every socket class: endpoints, options, close. */
class Socket {
  constructor(kind, options) {
    this._native = new native.BindingSocket(kind)
    this._binding = false
    this._closeAfterBind = false
    this._proxied = false
    if (options === undefined || options === null) return
    if (typeof options !== "object") throw new TypeError("Options must be an object")
    for (const key of Object.keys(options)) {
      if (!hasSetter(this, key)) {
        this._native.close().catch(() => {})
        throw new TypeError(`Cannot add property ${key}, object is not extensible`)
      }
      this[key] = options[key]
    }
  }

  /** Binds to an endpoint; resolves once listening (see `lastEndpoint` for the resolved address). */
  bind(address) {
    if (typeof address !== "string") return Promise.reject(new TypeError("Address must be a string"))
    if (this._binding) return Promise.reject(zmqError("EBUSY", BUSY_BINDING, address))
    let pending
    try {
      pending = this._native.bind(address)
    } catch (err) {
      return Promise.reject(err)
    }
    return this._whileBusy(pending)
  }

  /** Marks the socket busy (bind/unbind EBUSY, close deferred) until `pending` settles, as zeromq.js does. */
  _whileBusy(pending) {
    this._binding = true
    const done = () => {
      this._binding = false
      if (this._closeAfterBind) this.close()
    }
    return pending.then(done, (err) => {
      done()
      throw err
    })
  }

  /** Stops listening on an endpoint (as given to `bind`, or as resolved). */
  unbind(address) {
    if (typeof address !== "string") return Promise.reject(new TypeError("Address must be a string"))
    if (this._binding) return Promise.reject(zmqError("EBUSY", BUSY_BINDING, address))
    try {
      this._native.unbind(address)
    } catch (err) {
      return this._whileBusy(Promise.reject(err))
    }
    return this._whileBusy(RESOLVED)
  }

  /** Connects in the background; returns at once. */
  connect(address) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    this._native.connect(address)
  }

  /** Stops connecting to an endpoint and drops its queue. */
  disconnect(address) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    this._native.disconnect(address)
  }

  /**
   * Closes the socket; queued messages keep flowing for up to `linger` ms. During a pending
   * bind or unbind the close happens once it settles (`closed` stays false until then).
   */
  close() {
    if (this._native.closed) return
    if (this._binding) {
      this._closeAfterBind = true
      return
    }
    this._queue = undefined
    this._native.close().catch(() => {})
  }

  get closed() {
    return this._native.closed
  }

  get readable() {
    return (this._queue !== undefined && this._head < this._queue.length) || this._native.readable
  }

  get writable() {
    return this._native.writable
  }

  get lastEndpoint() {
    return this._native.lastEndpoint
  }

  /** The security mechanism in use: null, the NULL mechanism (the only one so far). */
  get securityMechanism() {
    return null
  }

  /** Whether the socket may be used from several threads at once: never, as in zeromq.js. */
  get threadSafe() {
    return false
  }

  /** The socket's events (an Observer, the same one on every access); recorded from the first access. */
  get events() {
    if (this._events === undefined) {
      if (this._native.closed) throw zmqError("ENOTSOCK", "Socket operation on non-socket")
      const { Observer } = require("./observer.js")
      this._events = new Observer(this)
    }
    return this._events
  }
}

/** Defines the engine's option `spec` as a property on `proto`. */
function defineOption(proto, spec) {
  const { name, kind } = spec
  if (kind === "string") {
    defineTextOption(proto, name)
    return
  }
  Object.defineProperty(proto, name, {
    enumerable: true,
    configurable: true,
    get() {
      return this._native.getOption(name)
    },
    set(value) {
      if (typeof value !== kind) throw new TypeError(`Option value must be a ${kind}`)
      this._native.setOption(name, value)
    },
  })
}

/** A text option (`socksProxy`, `interface`, `tcpAcceptFilter`): string, Buffer or null. */
function defineTextOption(proto, name) {
  Object.defineProperty(proto, name, {
    enumerable: true,
    configurable: true,
    get() {
      return this._native.getTextOption(name)
    },
    set(value) {
      if (value instanceof Uint8Array) value = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8")
      if (value !== null && typeof value !== "string") throw new TypeError("Option value must be a string or buffer")
      this._native.setTextOption(name, value)
    },
  })
}

/** A routing id given as a string or bytes, as bytes (TypeError for anything else). */
function routingIdBytes(value) {
  if (typeof value === "string") return Buffer.from(value, "utf8")
  if (value instanceof Uint8Array) return value
  if (value === null) return null
  throw new TypeError("Option value must be a string or buffer")
}

/** Adds the `routingId` property (ZMQ_ROUTING_ID) to `proto`. */
function defineRoutingId(proto) {
  Object.defineProperty(proto, "routingId", {
    enumerable: true,
    configurable: true,
    get() {
      const id = this._native.getRoutingId()
      return id === null ? null : id.toString("utf8")
    },
    set(value) {
      const bytes = routingIdBytes(value)
      // null and empty ids are EINVAL, as in zeromq.js; the engine checks the length.
      this._native.setRoutingId(bytes === null ? Buffer.alloc(0) : bytes)
    },
  })
}

/** Adds `send` to a socket class. */
function writable(Base) {
  return class extends Base {
    /** Queues a message (one frame, or an array of frames); waits only at the high-water mark. */
    send(message) {
      if (this._sending) return Promise.reject(zmqError("EBUSY", BUSY_WRITING))
      if (this._proxied) return Promise.reject(zmqError("EBUSY", BUSY_PROXIED))
      let queued
      try {
        if (Array.isArray(message)) {
          if (message.length === 0) return RESOLVED
          queued =
            message.length === 1
              ? this._native.trySend(toFrame(message[0]))
              : this._native.trySendParts(message.map(toFrame))
        } else {
          queued = this._native.trySend(toFrame(message))
        }
      } catch (err) {
        if (err instanceof TypeError) throw err
        return Promise.reject(err)
      }
      if (queued) return RESOLVED
      this._sending = true
      const done = () => {
        this._sending = false
      }
      return this._native.sendPending().then(done, (err) => {
        done()
        throw err
      })
    }
  }
}

/** Adds `receive` and async iteration to a socket class. */
function readable(Base) {
  return class extends Base {
    constructor(kind, options) {
      super(kind, options)
      this._queue = []
      this._head = 0
      this._receiving = false
    }

    _fill() {
      const batch = this._native.readBatch()
      if (batch === null) return false
      if (this._head >= this._queue.length) {
        this._queue = []
        this._head = 0
      }
      unpack(batch, this._queue)
      return true
    }

    _take() {
      const msg = this._queue[this._head]
      this._queue[this._head++] = undefined
      return msg
    }

    /** Resolves with the next message (an array of Buffers), waiting only when none is queued. */
    receive() {
      if (this._receiving) return Promise.reject(zmqError("EBUSY", BUSY_READING))
      if (this._queue === undefined) return Promise.reject(zmqError("EBADF", "Socket is closed"))
      if (this._proxied) return Promise.reject(zmqError("EBUSY", BUSY_PROXIED))
      if (this._head < this._queue.length) return Promise.resolve(this._take())
      try {
        if (this._fill()) return Promise.resolve(this._take())
      } catch (err) {
        return Promise.reject(err)
      }
      this._receiving = true
      return this._wait()
    }

    async _wait() {
      try {
        for (;;) {
          await this._native.waitReadable()
          if (this._queue === undefined) throw zmqError("EAGAIN", "Operation was not possible or timed out")
          if (this._fill()) return this._take()
        }
      } finally {
        this._receiving = false
      }
    }

    /** Iterates over received messages; ends when the socket closes. */
    [Symbol.asyncIterator]() {
      const next = () => {
        if (this.closed) return Promise.resolve({ value: undefined, done: true })
        return this.receive().then(
          (value) => ({ value, done: false }),
          (err) => {
            if (this.closed && (err.code === "EAGAIN" || err.code === "EBADF")) return { value: undefined, done: true }
            throw err
          },
        )
      }
      return {
        next,
        return: () => Promise.resolve({ value: undefined, done: true }),
        [Symbol.asyncIterator]() {
          return this
        },
      }
    }
  }
}

module.exports = { Socket, writable, readable, defineOption, defineRoutingId, routingIdBytes }
