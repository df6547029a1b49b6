// zeromq-rs: event-loop fairness of sends and receives. Most complete at once (an enqueue, a
// message already drained from the engine), and a loop awaiting settled promises runs only
// microtasks, so timers and I/O would wait for the whole loop. As zeromq.js does (512 synchronous
// operations per socket, then one through the event loop), a run of completions is cut every
// YIELD_OPS of them, or after YIELD_MS, by one that resolves via setImmediate.
"use strict"

const { performance } = require("node:perf_hooks")

/** Completions in a row (on any socket) before one waits for the event loop. */
const YIELD_OPS = 512
/** ...or milliseconds of them (for large messages), checked every CLOCK_EVERY completions. */
const YIELD_MS = 1
const CLOCK_EVERY = 16

const RESOLVED = Promise.resolve()

let streak = 0
let streakStart = 0

/** Whether the completion being made ends the run: the event loop's turn. */
function mustYield() {
  streak += 1
  if (streak === 1) {
    streakStart = performance.now()
    return false
  }
  if (streak < YIELD_OPS && (streak % CLOCK_EVERY !== 0 || performance.now() - streakStart < YIELD_MS)) return false
  streak = 0
  return true
}

/** `value` once the results `socket` already has waiting for the event loop are out (keeps them in order). */
function afterQueued(socket, value) {
  socket._yields += 1
  return new Promise((resolve) => {
    setImmediate(() => {
      socket._yields -= 1
      resolve(value)
    })
  })
}

/**
 * The promise of an operation of `socket` that completed at once with `value`: already settled,
 * unless the event loop is due a turn (or an earlier result of the socket still waits for one).
 */
function completed(socket, value) {
  if (socket._yields === 0 && !mustYield()) return value === undefined ? RESOLVED : Promise.resolve(value)
  return afterQueued(socket, value)
}

/**
 * The result of an operation of `socket` that had to wait for the engine: the event loop has run
 * meanwhile, so a new run of completions starts. `value`, or a promise of it behind the socket's
 * results still waiting for their turn.
 */
function waited(socket, value) {
  streak = 0
  return socket._yields === 0 ? value : afterQueued(socket, value)
}

module.exports = { completed, waited, YIELD_OPS, YIELD_MS }
