// zeromq-rs: the TypeScript-facing layer over the generated native binding (binding.js).
// It owns names, argument conversion, error objects and async iteration; the engine owns the rest.
"use strict"

const native = require("./binding.js")

native.installExitHook()

const SEPARATE = 0x80000000
const EMPTY = new Uint8Array(0)
const RESOLVED = Promise.resolve()
const ERRNO = { EBUSY: 16, EBADF: 9 }

/** Builds an Error with `code`/`errno` (and `address`) from a native error or from parts. */
function zmqError(code, message, address) {
  const err = new Error(message)
  err.code = code
  err.errno = ERRNO[code] ?? 0
  if (address !== undefined) err.address = address
  return err
}

/** Decodes the binding's `CODE|errno|message` errors; anything else passes through. */
function convertError(err, address) {
  const text = err && typeof err.message === "string" ? err.message : ""
  const first = text.indexOf("|")
  const second = first < 0 ? -1 : text.indexOf("|", first + 1)
  if (second < 0) return err
  const code = text.slice(0, first)
  const message = text.slice(second + 1)
  if (code === "TypeError") return new TypeError(message)
  const out = new Error(message)
  out.code = code
  out.errno = Number(text.slice(first + 1, second))
  if (address !== undefined) out.address = address
  return out
}

/** Converts one `MessageLike` frame to bytes, as zeromq.js accepts them (but never "[object Object]"). */
function toFrame(part) {
  if (part instanceof Uint8Array) return part
  if (typeof part === "string") return Buffer.from(part, "utf8")
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength)
  if (part instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && part instanceof SharedArrayBuffer)) {
    return new Uint8Array(part)
  }
  if (typeof part === "number") return Buffer.from(String(part), "utf8")
  if (part === null) return EMPTY
  if (part === undefined) throw new TypeError("Message must be present")
  throw new TypeError(
    "Message must be a Buffer, TypedArray, ArrayBuffer, string, number or null, not " + typeof part,
  )
}

/** Unpacks a native batch (see src/binding/convert.rs) onto `queue`. */
function unpack(parts, queue) {
  const buf = parts[0]
  let separate = 1
  let off = 4
  const count = buf.readUInt32LE(0)
  for (let i = 0; i < count; i++) {
    const frames = buf.readUInt32LE(off)
    off += 4
    const msg = new Array(frames)
    for (let j = 0; j < frames; j++) {
      const len = buf.readUInt32LE(off)
      off += 4
      if (len === SEPARATE) {
        msg[j] = parts[separate++]
      } else {
        msg[j] = buf.subarray(off, off + len)
        off += len
      }
    }
    queue.push(msg)
  }
}

const OPTIONS = native.optionTable()
const OPTION_NAMES = new Set(OPTIONS.map((o) => o.name))

/** The base of every socket class: endpoints, options, close. */
class Socket {
  constructor(kind, options) {
    this._native = new native.BindingSocket(kind)
    this._binding = false
    if (options === undefined || options === null) return
    if (typeof options !== "object") throw new TypeError("Options must be an object")
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.has(key)) {
        this._native.close().catch(() => {})
        throw new TypeError(`Unknown option ${key}`)
      }
      this[key] = options[key]
    }
  }

  /** Binds to an endpoint; resolves once listening (see `lastEndpoint` for the resolved address). */
  bind(address) {
    if (typeof address !== "string") return Promise.reject(new TypeError("Address must be a string"))
    if (this._binding) {
      return Promise.reject(zmqError("EBUSY", "Socket is blocked by a bind or unbind operation", address))
    }
    let pending
    try {
      pending = this._native.bind(address)
    } catch (err) {
      return Promise.reject(convertError(err, address))
    }
    // Busy until the promise settles, as in zeromq.js, whatever the I/O thread does meanwhile.
    this._binding = true
    return pending.then(
      () => {
        this._binding = false
      },
      (err) => {
        this._binding = false
        throw convertError(err, address)
      },
    )
  }

  /** Stops listening on an endpoint (as given to `bind`, or as resolved). */
  unbind(address) {
    if (typeof address !== "string") return Promise.reject(new TypeError("Address must be a string"))
    if (this._binding) {
      return Promise.reject(zmqError("EBUSY", "Socket is blocked by a bind or unbind operation", address))
    }
    try {
      this._native.unbind(address)
      return RESOLVED
    } catch (err) {
      return Promise.reject(convertError(err, address))
    }
  }

  /** Connects in the background; returns at once. */
  connect(address) {
    this._endpointCall("connect", address)
  }

  /** Stops connecting to an endpoint and drops its queue. */
  disconnect(address) {
    this._endpointCall("disconnect", address)
  }

  /** Runs a synchronous native endpoint call, throwing errors that carry the address. */
  _endpointCall(method, address) {
    if (typeof address !== "string") throw new TypeError("Address must be a string")
    try {
      this._native[method](address)
    } catch (err) {
      throw convertError(err, address)
    }
  }

  /** Closes the socket; queued messages keep flowing for up to `linger` ms. */
  close() {
    if (this._native.closed) return
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
}

for (const option of OPTIONS) {
  const { name, kind } = option
  Object.defineProperty(Socket.prototype, name, {
    enumerable: true,
    get() {
      try {
        return this._native.getOption(name)
      } catch (err) {
        throw convertError(err)
      }
    },
    set(value) {
      if (typeof value !== kind) throw new TypeError(`Option value must be a ${kind}`)
      try {
        this._native.setOption(name, value)
      } catch (err) {
        throw convertError(err)
      }
    },
  })
}

/** Adds `send` to a socket class. */
function writable(Base) {
  return class extends Base {
    /** Queues a message (one frame, or an array of frames); waits only at the high-water mark. */
    send(message) {
      if (this._sending) {
        return Promise.reject(
          zmqError("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time"),
        )
      }
      let queued
      try {
        if (Array.isArray(message)) {
          queued =
            message.length === 1
              ? this._native.trySend(toFrame(message[0]))
              : this._native.trySendParts(message.map(toFrame))
        } else {
          queued = this._native.trySend(toFrame(message))
        }
      } catch (err) {
        const converted = convertError(err)
        if (converted instanceof TypeError) throw converted
        return Promise.reject(converted)
      }
      if (queued) return RESOLVED
      this._sending = true
      return this._native.sendPending().then(
        () => {
          this._sending = false
        },
        (err) => {
          this._sending = false
          throw convertError(err)
        },
      )
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
      if (this._receiving) {
        return Promise.reject(
          zmqError("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time"),
        )
      }
      if (this._queue === undefined) return Promise.reject(zmqError("EBADF", "Socket is closed"))
      if (this._head < this._queue.length) return Promise.resolve(this._take())
      try {
        if (this._fill()) return Promise.resolve(this._take())
      } catch (err) {
        return Promise.reject(convertError(err))
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
      } catch (err) {
        throw convertError(err)
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

/** A PUSH socket (pipeline, RFC 30): round-robins messages to connected PULL sockets. */
class Push extends writable(Socket) {
  constructor(options) {
    super("push", options)
  }
}

/** A PULL socket (pipeline, RFC 30): fair-queues messages from connected PUSH sockets. */
class Pull extends readable(Socket) {
  constructor(options) {
    super("pull", options)
  }
}

module.exports = { Socket, Push, Pull }

// The helpers build on the classes above, so they are attached once those are exported.
const helpers = require("./helpers.js")
module.exports.push = helpers.push
module.exports.pull = helpers.pull
module.exports.close = helpers.close
