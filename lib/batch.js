// zeromq-rs: the batch API beyond zeromq.js: `sendMany(messages)` queues many messages in one
// native call (packed into one Buffer), and `receiveMany(max)` takes every message already received
// (up to `max`) at once. Both keep `send`/`receive` semantics: they wait only when they must, and a
// batch that completes at once still lets the event loop in now and then (fair.js).
"use strict"

const native = require("./native.js")
const { toFrame } = require("./frames.js")
const { completed } = require("./fair.js")
const { zmqError, BUSY_WRITING, BUSY_PROXIED } = require("./errors.js")

/** Frames this large are lent to the engine by `send` (no copy), so a batch sends them that way. */
const LEND_MIN = native.lendMin()
/** Most bytes packed into one native call. */
const PACK_MAX = 1 << 20
/** The default (and largest) number of messages `receiveMany` resolves with. */
const RECEIVE_MAX = 1024

/** The frames of one `MessageLike` (a frame, or an array of frames), as bytes. */
function framesOf(message) {
  if (!Array.isArray(message)) return [toFrame(message)]
  if (message.length === 0) throw new TypeError("Message must have at least one frame")
  return message.map(toFrame)
}

/** Packs `msgs` (arrays of frames) as `trySendPacked` reads them. */
function pack(msgs, size) {
  const buf = Buffer.allocUnsafe(size)
  let off = 0
  for (const frames of msgs) {
    buf.writeUInt32LE(frames.length, off)
    off += 4
    for (const frame of frames) {
      buf.writeUInt32LE(frame.byteLength, off)
      buf.set(frame, off + 4)
      off += 4 + frame.byteLength
    }
  }
  return buf
}

/**
 * Sends `messages` in order: runs of small messages go packed, one native call per run; a message
 * that must wait, or has a large frame (lent without a copy), goes through `socket.send`.
 */
async function sendRuns(socket, msgs, from) {
  let i = from
  while (i < msgs.length) {
    let size = 0
    let end = i
    while (end < msgs.length && size < PACK_MAX) {
      let bytes = 4
      let large = false
      for (const frame of msgs[end]) {
        bytes += 4 + frame.byteLength
        large ||= frame.byteLength >= LEND_MIN
      }
      if (large) break
      size += bytes
      end++
    }
    if (end > i) {
      const queued = native.fast.trySendPacked(socket._h, pack(msgs.slice(i, end), size))
      i += queued
      if (i < end) {
        // Full (or failing): this one waits for room, or rejects with its error.
        await socket.send(msgs[i])
        i++
      }
    } else {
      await socket.send(msgs[i])
      i++
    }
  }
}

/** `socket.sendMany(messages)`: resolves once every message is queued (see `send`). */
function sendMany(socket, messages) {
  if (!Array.isArray(messages)) throw new TypeError("Messages must be an array")
  const msgs = messages.map(framesOf)
  // As `send`: one sender waits at a time, so messages keep their order.
  if (socket._sending) return Promise.reject(zmqError("EBUSY", BUSY_WRITING))
  if (socket._proxied) return Promise.reject(zmqError("EBUSY", BUSY_PROXIED))
  let run
  try {
    run = sendRuns(socket, msgs, 0)
  } catch (err) {
    return Promise.reject(err)
  }
  return run.then(() => completed(socket, undefined))
}

/**
 * Takes up to `max` messages from the socket's queue, filling it from the engine as needed. An
 * error from the engine (EFSM, say) is thrown only when nothing was taken: what was, is returned.
 */
function takeUpTo(socket, max, out = []) {
  while (out.length < max) {
    if (socket._head >= socket._queue.length) {
      let filled
      try {
        filled = socket._fill()
      } catch (err) {
        if (out.length === 0) throw err
        break
      }
      if (!filled) break
    }
    out.push(socket._take())
  }
  return out
}

/** `socket.receiveMany(max)`: resolves with 1 to `max` messages, waiting only when none is there. */
function receiveMany(socket, max = RECEIVE_MAX) {
  if (!Number.isInteger(max) || max < 1) return Promise.reject(new TypeError("max must be a positive integer"))
  const limit = Math.min(max, RECEIVE_MAX)
  if (socket._queue !== undefined && !socket._receiving && !socket._proxied) {
    try {
      const now = takeUpTo(socket, limit)
      if (now.length > 0) return completed(socket, now)
    } catch (err) {
      return Promise.reject(err)
    }
  }
  // Nothing yet (or the socket cannot receive now): `receive` waits, or says why not.
  return socket.receive().then((first) => (socket._queue === undefined ? [first] : takeUpTo(socket, limit, [first])))
}

module.exports = { sendMany, receiveMany, RECEIVE_MAX }
