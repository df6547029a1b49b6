#!/usr/bin/env node
// Interop peer backed by zeromq.js (libzmq), run as a child process by __test__/helpers/peers.ts.
// Usage: node zeromqjs-peer.js '<json-config>'; the protocol is documented in peers.ts and mirrored by
// pyzmq-peer.py. stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"use strict"

const zmq = require("zeromq")

const HARD_TIMEOUT_MS = 20000
// Bounded linger: queued messages are delivered on close, but a vanished peer cannot hang the process.
const LINGER_MS = 10000

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n")
}

function fail(err) {
  process.stderr.write(`zeromqjs-peer: ${err && err.stack ? err.stack : String(err)}\n`)
  process.exit(1)
}

function parseConfig(argv) {
  if (argv.length !== 1) throw new Error("expected exactly one argument: a JSON config")
  const cfg = JSON.parse(argv[0])
  if (cfg.role !== "push" && cfg.role !== "pull") throw new Error(`bad role: ${cfg.role}`)
  if (cfg.mode !== "bind" && cfg.mode !== "connect") throw new Error(`bad mode: ${cfg.mode}`)
  if (typeof cfg.endpoint !== "string") throw new Error("endpoint must be a string")
  if (!Number.isInteger(cfg.count) || cfg.count < 0) throw new Error("count must be an integer >= 0")
  const parts = cfg.parts === undefined ? 1 : cfg.parts
  if (!Number.isInteger(parts) || parts < 1) throw new Error("parts must be an integer >= 1")
  return {
    role: cfg.role,
    mode: cfg.mode,
    endpoint: cfg.endpoint,
    count: cfg.count,
    parts,
    binary: cfg.binary === true,
    heartbeatInterval: cfg.heartbeatInterval,
    heartbeatTimeout: cfg.heartbeatTimeout,
    interval: cfg.interval === undefined ? 0 : cfg.interval,
  }
}

/** Frame j of message i: text `${i}:${j}`, or 256 bytes where byte k = (i + j + k) % 256. */
function frame(i, j, binary) {
  if (!binary) return Buffer.from(`${i}:${j}`, "utf8")
  const buf = Buffer.alloc(256)
  for (let k = 0; k < 256; k++) buf[k] = (i + j + k) % 256
  return buf
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

async function main() {
  const cfg = parseConfig(process.argv.slice(2))

  const options = {linger: LINGER_MS}
  if (cfg.heartbeatInterval !== undefined) options.heartbeatInterval = cfg.heartbeatInterval
  if (cfg.heartbeatTimeout !== undefined) options.heartbeatTimeout = cfg.heartbeatTimeout
  const sock = cfg.role === "push" ? new zmq.Push(options) : new zmq.Pull(options)

  // Connections dropped by libzmq (e.g. a heartbeat timeout) are reported so tests can assert none.
  let disconnects = 0
  sock.events.on("disconnect", () => {
    disconnects++
  })

  if (cfg.mode === "bind") {
    await sock.bind(cfg.endpoint)
    emit({endpoint: sock.lastEndpoint})
  } else {
    sock.connect(cfg.endpoint)
    emit({ready: true})
  }

  if (cfg.role === "push") {
    for (let i = 0; i < cfg.count; i++) {
      if (i > 0 && cfg.interval > 0) await delay(cfg.interval)
      const frames = []
      for (let j = 0; j < cfg.parts; j++) frames.push(frame(i, j, cfg.binary))
      await sock.send(frames)
    }
    const seen = disconnects
    // close() keeps the queue; zeromq.js delivers it (up to linger) before the process exits.
    sock.close()
    emit({sent: cfg.count, disconnects: seen})
  } else {
    const received = []
    for (let i = 0; i < cfg.count; i++) {
      const msg = await sock.receive()
      received.push(msg.map(f => f.toString("hex")))
    }
    const seen = disconnects
    sock.close()
    emit({received, disconnects: seen})
  }
}

const hardTimer = setTimeout(() => {
  process.stderr.write(`zeromqjs-peer: hard timeout after ${HARD_TIMEOUT_MS} ms\n`)
  process.exit(2)
}, HARD_TIMEOUT_MS)
// Unref'd so a finished peer exits on its own (after libzmq has flushed within linger).
hardTimer.unref()

main().catch(fail)
