#!/usr/bin/env node
// Interop peer backed by zeromq.js (libzmq), run as a child process by __test__/helpers/peers.ts.
// Usage: node zeromqjs-peer.js '<json-config>'; the protocol is documented in peers.ts and mirrored by
// pyzmq-peer.py. stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"use strict"

const zmq = require("zeromq")
const {LINGER_MS, emit, parseConfig, hex, bindOrConnect, run} = require("./peer-common")

function parsePushPullConfig(argv) {
  return parseConfig(argv, ["push", "pull"], cfg => ({
    binary: cfg.binary === true,
    heartbeatInterval: cfg.heartbeatInterval,
    heartbeatTimeout: cfg.heartbeatTimeout,
    interval: cfg.interval === undefined ? 0 : cfg.interval,
  }))
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
  const cfg = parsePushPullConfig(process.argv.slice(2))

  const options = {linger: LINGER_MS}
  if (cfg.heartbeatInterval !== undefined) options.heartbeatInterval = cfg.heartbeatInterval
  if (cfg.heartbeatTimeout !== undefined) options.heartbeatTimeout = cfg.heartbeatTimeout
  const sock = cfg.role === "push" ? new zmq.Push(options) : new zmq.Pull(options)

  // Connections dropped by libzmq (e.g. a heartbeat timeout) are reported so tests can assert none.
  let disconnects = 0
  sock.events.on("disconnect", () => {
    disconnects++
  })

  await bindOrConnect(sock, cfg)

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
      received.push(hex(msg))
    }
    const seen = disconnects
    sock.close()
    emit({received, disconnects: seen})
  }
}

run("zeromqjs-peer", main)
