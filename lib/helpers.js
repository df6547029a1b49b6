// zeromq-rs helpers: `push(job)` and `pull(handler)` with no socket bookkeeping, as the article
// "ZeroMQ pull-push pattern for Node JS" promises. One module-level PUSH (bound lazily) and one
// module-level PULL (connected lazily); `close()` flushes and resets both.
"use strict"

const { Push, Pull } = require("./sockets.js")

const DEFAULT_PUSH_ADDRESS = "tcp://*:7777"
const DEFAULT_PULL_ADDRESS = "tcp://localhost:7777"
const HELPER_KEYS = new Set(["address"])

/** The bind address: option, else ZEROMQ_RS_ADDRESS, else tcp://*:7777. */
function pushAddress(options) {
  return options?.address ?? process.env.ZEROMQ_RS_ADDRESS ?? DEFAULT_PUSH_ADDRESS
}

/** The connect address: option, else ZEROMQ_RS_ADDRESS (a `*` host read as localhost), else tcp://localhost:7777. */
function pullAddress(options) {
  if (options?.address !== undefined) return options.address
  const env = process.env.ZEROMQ_RS_ADDRESS
  return env === undefined ? DEFAULT_PULL_ADDRESS : env.replace(/^tcp:\/\/\*:/, "tcp://localhost:")
}

/** Socket options without the helpers' own keys. */
function socketOptions(options) {
  if (options === undefined) return undefined
  const out = {}
  for (const [key, value] of Object.entries(options)) if (!HELPER_KEYS.has(key)) out[key] = value
  return out
}

function busy(message) {
  const err = new Error(message)
  err.code = "EBUSY"
  err.errno = 16
  return err
}

/**
 * The producer side. Jobs go into a FIFO drained by one pump loop, so `push()` resolves as soon
 * as a job is queued (up to the high-water mark) even while no worker is connected yet.
 */
class Producer {
  constructor(options) {
    this.socket = new Push(socketOptions(options))
    this.limit = this.socket.sendHighWaterMark || Infinity
    this.jobs = []
    this.roomWaiters = []
    this.idleWaiters = []
    this.pumping = false
    this.error = undefined
    this.ready = this.socket.bind(pushAddress(options))
  }

  async enqueue(job) {
    await this.ready
    while (this.jobs.length >= this.limit) await new Promise((resolve) => this.roomWaiters.push(resolve))
    if (this.error) throw this.error
    this.jobs.push(job)
    if (!this.pumping) this.pump()
  }

  async pump() {
    this.pumping = true
    try {
      while (this.jobs.length > 0) {
        await this.socket.send(this.jobs[0])
        this.jobs.shift()
        const wake = this.roomWaiters.shift()
        if (wake) wake()
      }
    } catch (err) {
      // Closed while waiting for a worker: the remaining jobs are dropped, as close() documents.
      this.error = err
      this.jobs.length = 0
      for (const wake of this.roomWaiters.splice(0)) wake()
    } finally {
      this.pumping = false
      for (const wake of this.idleWaiters.splice(0)) wake()
    }
  }

  /** Waits (up to `linger` ms, -1 forever) for queued jobs to reach the socket, then closes it. */
  async close() {
    try {
      await this.ready
    } catch {
      return
    }
    const linger = this.socket.linger
    if (this.pumping) {
      const idle = new Promise((resolve) => this.idleWaiters.push(resolve))
      if (linger < 0) await idle
      else {
        let timer
        await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, linger)))])
        clearTimeout(timer)
      }
    }
    this.socket.close()
  }
}

let producer = null
let consumer = null
let consuming = false

function getProducer(options) {
  if (producer === null) {
    const created = new Producer(options)
    producer = created
    created.ready.catch(() => {
      // A failed bind (EADDRINUSE, EINVAL) must not poison later calls.
      if (producer === created) producer = null
      created.socket.close()
    })
  }
  return producer
}

function getConsumer(options) {
  if (consumer === null) {
    consumer = new Pull(socketOptions(options))
    try {
      consumer.connect(pullAddress(options))
    } catch (err) {
      consumer.close()
      consumer = null
      throw err
    }
  }
  return consumer
}

/** Queues a job on the module-level PUSH socket, binding it on first use. */
function push(job, options) {
  return getProducer(options).enqueue(job)
}

/** Queues a value as JSON text. */
push.json = function json(value, options) {
  return push(JSON.stringify(value), options)
}

/** Iterates over jobs from the module-level PULL socket, with `decode` applied to each. */
async function* iterate(options, decode) {
  if (consuming) throw busy("pull() is already consuming jobs; close() the helpers first")
  const socket = getConsumer(options)
  consuming = true
  try {
    for await (const frames of socket) yield decode(frames)
  } finally {
    consuming = false
  }
}

/** Runs `handler` on each job, one at a time, until `close()`; without a handler, iterates. */
function pullWith(decode, handlerOrOptions, maybeOptions) {
  if (typeof handlerOrOptions !== "function") return iterate(handlerOrOptions, decode)
  const handler = handlerOrOptions
  return (async () => {
    for await (const job of iterate(maybeOptions, decode)) await handler(job)
  })()
}

/** Consumes jobs (each an array of frames) from the module-level PULL socket. */
function pull(handlerOrOptions, options) {
  return pullWith((frames) => frames, handlerOrOptions, options)
}

/** Consumes jobs pushed with `push.json`, parsed from JSON text. */
pull.json = function json(handlerOrOptions, options) {
  return pullWith((frames) => JSON.parse(frames[0].toString("utf8")), handlerOrOptions, options)
}

/** Flushes queued pushes (within `linger`), closes both helper sockets and resets the helpers. */
async function close() {
  const p = producer
  const c = consumer
  producer = null
  consumer = null
  if (c !== null) c.close()
  if (p !== null) await p.close()
}

module.exports = { push, pull, close }
