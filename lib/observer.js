// zeromq-rs: the Observer behind `socket.events`, as zeromq.js's: `receive()`, `for await`, or
// `on(type, listener)` (event-emitter mode). The engine records events only once a socket is
// observed, and hands them over in batches; a wait settles from the I/O thread.
"use strict"

const { EventEmitter } = require("node:events")
const { zmqError } = require("./errors.js")
const { DONE, iteratorOf } = require("./iterate.js")

const EMITTER_MODE =
  "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive()."

/** Builds zeromq.js's event object from the binding's. */
function toEvent(raw) {
  const event = { type: raw.type, address: raw.address }
  if (raw.interval !== undefined && raw.interval !== null) event.interval = raw.interval
  if (raw.status !== undefined && raw.status !== null) {
    // An authentication failure: zeromq.js gives its error the ZAP status and no code.
    const error = new Error(raw.errorMessage)
    error.status = raw.status
    error.address = raw.address
    event.error = error
  } else if (raw.errorCode !== undefined && raw.errorCode !== null) {
    const error = new Error(raw.errorMessage ?? raw.errorCode)
    error.code = raw.errorCode
    error.errno = raw.errno ?? 0
    error.address = raw.address
    event.error = error
  }
  return event
}

/** Events of one socket: `connect`, `accept`, `handshake`, `disconnect`, `close`, ... and `end`. */
class Observer {
  constructor(socket) {
    this._native = socket._native
    this._native.observe()
    this._queue = []
    this._closed = false
    this._ended = false
    this._receiving = false
    this._emitter = null
    // Settled by close(), so a pending receive ends at once rather than at the next event.
    this._closing = new Promise((resolve) => (this._signalClose = resolve))
  }

  /** Whether the observer was closed (by `close()` or because its socket closed and `end` was read). */
  get closed() {
    return this._closed
  }

  /** Resolves with the next event; `{ type: "end" }` after the socket closed, then no more. */
  receive() {
    if (this._emitter !== null) throw new Error(EMITTER_MODE)
    return this._receive()
  }

  _receive() {
    // After `end`, as zeromq.js: the socket is closed (EBADF); after `close()`, ENOTSOCK.
    if (this._ended) return Promise.reject(zmqError("EBADF", "Socket is closed"))
    if (this._closed) return Promise.reject(zmqError("ENOTSOCK", "Socket operation on non-socket"))
    if (this._receiving) {
      return Promise.reject(
        zmqError("EBUSY", "Observer is busy reading; only one receive operation may be in progress at any time"),
      )
    }
    const next = this._take()
    if (next !== undefined) return Promise.resolve(next)
    this._receiving = true
    return this._wait().finally(() => {
      this._receiving = false
    })
  }

  /** The next event already recorded, or `end` once the socket is closed and all were read. */
  _take() {
    if (this._queue.length === 0) {
      for (const raw of this._native.readEvents()) this._queue.push(toEvent(raw))
    }
    if (this._queue.length > 0) return this._queue.shift()
    if (this._native.closed && !this._ended) {
      this._ended = true
      this._closed = true
      return { type: "end" }
    }
    return undefined
  }

  async _wait() {
    for (;;) {
      await Promise.race([this._native.waitEvents(), this._closing])
      if (this._closed) throw zmqError("ENOTSOCK", "Socket operation on non-socket")
      const next = this._take()
      if (next !== undefined) return next
    }
  }

  /** Stops observing: a pending `receive()` rejects with ENOTSOCK. */
  close() {
    this._closed = true
    this._signalClose()
  }

  /**
   * Switches to event-emitter mode and calls `listener` for each event of `type` (`receive()` is
   * then unavailable, as in zeromq.js). Returns the underlying EventEmitter.
   */
  on(type, listener) {
    if (this._emitter === null) {
      this._emitter = new EventEmitter()
      this._pump()
    }
    this._emitter.on(type, listener)
    return this._emitter
  }

  /** Removes a listener added with `on`. */
  off(type, listener) {
    if (this._emitter !== null) this._emitter.off(type, listener)
    return this._emitter
  }

  async _pump() {
    try {
      for (;;) {
        const event = await this._receive()
        this._emitter.emit(event.type, event)
        if (event.type === "end") return
      }
    } catch {
      // Closed: the emitter simply stops.
    }
  }

  /** Iterates over events; the loop ends after `end` (the socket closed) or `close()`. */
  [Symbol.asyncIterator]() {
    let done = false
    const next = () => {
      if (done || this._closed) return Promise.resolve(DONE)
      return this.receive().then(
        (value) => {
          if (value.type === "end") done = true
          return { value, done: false }
        },
        (err) => {
          if (this._closed) return DONE
          throw err
        },
      )
    }
    return iteratorOf(next)
  }
}

module.exports = { Observer }
