// zeromq-rs: the socket core every class shares: endpoints, options, close, and the `writable`
// and `readable` mixins that add send and receive. Sends are synchronous enqueues that make a
// promise only when they must wait; receives drain native batches and await only when empty.
// Either way, a run of immediate completions lets the event loop in now and then (fair.js).
"use strict"

const native = require("./native.js")
const { fast } = native
const { toFrame, unpack } = require("./frames.js")
const { zmqError, optionError, BUSY_READING, BUSY_WRITING, BUSY_BINDING, BUSY_PROXIED } = require("./errors.js")
const { completed, waited } = require("./fair.js")
const batch = require("./batch.js")
const { DONE, iteratorOf } = require("./iterate.js")
const { warnUnlessImmediate, defineAccessors } = require("./option-ids.js")
const ctx = require("./context.js")

const RESOLVED = Promise.resolve()
/** Frames this large are sent without a copy (the engine keeps the Buffer until it is written). */
const LEND_MIN = native.lendMin()

/** The engine's socket kinds by zeromq.js's numeric socket type (libzmq's: Pair 0 ... XSubscriber 10, Stream 11). */
const KINDS = ["pair", "pub", "sub", "req", "rep", "dealer", "router", "pull", "push", "xpub", "xsub", "stream"]

/** zeromq.js's numeric socket type of each engine kind (`TYPE.dealer` is 5). */
const TYPE = Object.freeze(Object.fromEntries(KINDS.map((kind, type) => [kind, type])))

/** The context a socket's `options` name (the default context without one). */
function contextOf(options) {
  if (options === undefined || options === null || options.context === undefined) return ctx.context
  if (!ctx.isContext(options.context)) throw zmqError("EINVAL", "Invalid argument")
  return options.context
}

/**
 * The base of every socket class: endpoints, options, close. `new Socket(type, options)` takes
 * zeromq.js's numeric type; the classes (Dealer, Push, ...) add send and receive as theirs allow.
 */
class Socket {
  constructor(type, options) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments")
    if (typeof type !== "number") throw new TypeError("Socket type must be a number")
    const kind = KINDS[type]
    if (kind === undefined) throw zmqError("EINVAL", "Invalid argument")
    if (options !== undefined && options !== null && typeof options !== "object") {
      throw new TypeError("Options must be an object")
    }
    const context = contextOf(options)
    ctx.checkRoom(context)
    this._native = new native.BindingSocket(kind)
    /** The handle the fast per-message functions take. */
    this._h = this._native.fastHandle()
    this._type = type
    this._context = context
    this._slot = ctx.addSocket(context, this)
    this._binding = false
    this._closeAfterBind = false
    this._proxied = false
    this._yields = 0
    // Every field the mixins and the observer use exists from here on: the object is sealed below.
    this._sending = false
    this._receiving = false
    this._queue = undefined
    this._head = 0
    this._events = undefined
    /** Bound or connected endpoints, for zeromq.js's "will not take effect" warning. */
    this._endpoints = 0
    try {
      Object.assign(this, ctx.socketDefaults(context))
      for (const key of Object.keys(options ?? {})) {
        if (key === "context") continue
        const err = optionError(this, key, "Socket")
        if (err !== undefined) throw err
        this[key] = options[key]
      }
    } catch (err) {
      ctx.releaseSocket(context, this._slot)
      this._native.close().catch(() => {})
      throw err
    }
    // Internal state stays out of `Object.keys(socket)`, which is empty as zeromq.js's.
    for (const key of Object.keys(this)) Object.defineProperty(this, key, { enumerable: false })
    // As zeromq.js's: assigning a property a socket does not have (a misspelt option) throws.
    Object.seal(this)
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
    return this._whileBusy(
      pending.then(() => {
        this._endpoints++
      }),
    )
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
      this._endpoints--
    } catch (err) {
      return this._whileBusy(Promise.reject(err))
    }
    return this._whileBusy(RESOLVED)
  }

  /** Connects in the background; returns at once. */
  connect(address) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    this._native.connect(address)
    this._endpoints++
  }

  /** Stops connecting to an endpoint and drops its queue. */
  disconnect(address) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    this._native.disconnect(address)
    this._endpoints--
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
    ctx.releaseSocket(this._context, this._slot)
    this._native.close().catch(() => {})
  }

  get closed() {
    return fast.closed(this._h)
  }

  /** zeromq.js's numeric socket type: Pair 0, Publisher 1, ... XSubscriber 10, Stream 11. */
  get type() {
    return this._type
  }

  /** The context the socket belongs to (`options.context`, else the default `context`). */
  get context() {
    return this._context
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
      // The number the caller wrote may already have lost low bits; zeromq.js says so too.
      if (kind === "number" && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        process.emitWarning("Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.")
      }
      warnUnlessImmediate(this, name)
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
      warnUnlessImmediate(this, name)
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
      warnUnlessImmediate(this, "routingId")
    },
  })
}

/** The bytes of a frame as a Buffer over the same memory (no copy). */
function asBuffer(frame) {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
}

/** Adds `send` to a socket class. */
function writable(Base) {
  return class extends Base {
    /** Queues one frame: large ones are lent to the engine (kept until written), small ones copied. */
    _sendOne(frame) {
      return frame.byteLength >= LEND_MIN ? fast.trySendLent(this._h, [asBuffer(frame)]) : fast.trySend(this._h, frame)
    }

    /** Queues a multipart message, lending its large frames. */
    _sendMany(frames) {
      for (const frame of frames) {
        if (frame.byteLength >= LEND_MIN) return fast.trySendLent(this._h, frames.map(asBuffer))
      }
      return fast.trySendParts(this._h, frames)
    }

    /**
     * Queues many messages (each one frame, or an array of frames) in order, packed into one native
     * call per run of small ones: resolves once all are queued, waiting only at the high-water mark.
     */
    sendMany(messages) {
      return batch.sendMany(this, messages)
    }

    /** Queues a message (one frame, or an array of frames); waits only at the high-water mark. */
    send(message) {
      if (this._sending) return Promise.reject(zmqError("EBUSY", BUSY_WRITING))
      if (this._proxied) return Promise.reject(zmqError("EBUSY", BUSY_PROXIED))
      let queued
      try {
        if (Array.isArray(message)) {
          if (message.length === 0) return RESOLVED
          queued = message.length === 1 ? this._sendOne(toFrame(message[0])) : this._sendMany(message.map(toFrame))
        } else {
          queued = this._sendOne(toFrame(message))
        }
      } catch (err) {
        if (err instanceof TypeError) throw err
        return Promise.reject(err)
      }
      if (queued) return completed(this, undefined)
      this._sending = true
      return this._native.sendPending().then(
        () => {
          this._sending = false
          return waited(this, undefined)
        },
        (err) => {
          this._sending = false
          throw err
        },
      )
    }
  }
}

/** Adds `receive` and async iteration to a socket class. */
function readable(Base) {
  return class extends Base {
    constructor(type, options) {
      super(type, options)
      this._queue = []
      this._head = 0
      this._receiving = false
    }

    _fill() {
      const batch = fast.readBatch(this._h)
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

    /** Resolves with the messages already received, 1 to `max` (at most 1024) of them; waits only when there are none. */
    receiveMany(max) {
      return batch.receiveMany(this, max)
    }

    /** Resolves with the next message (an array of Buffers), waiting only when none is queued. */
    receive() {
      if (this._receiving) return Promise.reject(zmqError("EBUSY", BUSY_READING))
      if (this._queue === undefined) return Promise.reject(zmqError("EBADF", "Socket is closed"))
      if (this._proxied) return Promise.reject(zmqError("EBUSY", BUSY_PROXIED))
      if (this._head < this._queue.length) return completed(this, this._take())
      try {
        if (this._fill()) return completed(this, this._take())
      } catch (err) {
        return Promise.reject(err)
      }
      this._receiving = true
      return this._wait()
    }

    async _wait() {
      try {
        for (;;) {
          await fast.waitReadable(this._h)
          // A wait ends on news (a message, or the close); the close rejects the waiting receive.
          if (this._queue === undefined || fast.closed(this._h)) {
            throw zmqError("EAGAIN", "Operation was not possible or timed out")
          }
          if (this._fill()) return waited(this, this._take())
        }
      } finally {
        this._receiving = false
      }
    }

    /** Iterates over received messages; ends when the socket closes. */
    [Symbol.asyncIterator]() {
      const next = () => {
        if (this.closed) return Promise.resolve(DONE)
        return this.receive().then(
          (value) => ({ value, done: false }),
          (err) => {
            if (this.closed && (err.code === "EAGAIN" || err.code === "EBADF")) return DONE
            throw err
          },
        )
      }
      return iteratorOf(next)
    }
  }
}

defineAccessors(Socket.prototype)

module.exports = { Socket, TYPE, writable, readable, defineOption, defineRoutingId, routingIdBytes }
