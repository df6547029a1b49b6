#!/usr/bin/env node
// Request/reply interop peer backed by zeromq.js (libzmq), run as a child process by
// __test__/helpers/reqrep-peers.ts. Roles: req, rep, dealer, router, pair.
// Usage: node zeromqjs-reqrep-peer.js '<json-config>'; the protocol is documented in reqrep-peers.ts and
// mirrored by pyzmq-reqrep-peer.py. stdout carries JSON lines only; errors go to stderr with exit
// code 1, a hang exits 2.
"use strict"

const zmq = require("zeromq")
const {LINGER_MS, emit, parseConfig, hex, bindOrConnect, run} = require("./peer-common")

const ROLES = ["req", "rep", "dealer", "router", "pair"]

function parseReqRepConfig(argv) {
  return parseConfig(argv, ROLES, cfg => {
    if (cfg.routingId !== undefined && typeof cfg.routingId !== "string") throw new Error("routingId must be a string")
    const untilEof = cfg.untilEof === true
    if (untilEof && cfg.role !== "rep" && cfg.role !== "router") throw new Error("untilEof is for rep and router only")
    return {
      name: typeof cfg.name === "string" ? cfg.name : cfg.role,
      routingId: cfg.routingId,
      delimiter: cfg.delimiter === true,
      untilEof,
    }
  })
}

/** Message i that req, dealer and pair send: frames `${name}:${i}:${j}` (a dealer may prepend ""). */
function message(cfg, i) {
  const frames = []
  if (cfg.role === "dealer" && cfg.delimiter) frames.push(Buffer.alloc(0))
  for (let j = 0; j < cfg.parts; j++) frames.push(Buffer.from(`${cfg.name}:${i}:${j}`, "utf8"))
  return frames
}

/** The echo of rep and router: empty frames (delimiters) kept, every other frame prefixed `${name}:`. */
function echo(cfg, frames) {
  return frames.map(f => (f.length === 0 ? f : Buffer.concat([Buffer.from(`${cfg.name}:`, "utf8"), f])))
}

function makeSocket(cfg) {
  const options = {linger: LINGER_MS}
  if (cfg.routingId !== undefined) options.routingId = cfg.routingId
  switch (cfg.role) {
    case "req":
      return new zmq.Request(options)
    case "rep":
      return new zmq.Reply(options)
    case "dealer":
      return new zmq.Dealer(options)
    case "router":
      return new zmq.Router(options)
    default:
      return new zmq.Pair(options)
  }
}

/** Resolves with null once stdin ends (untilEof), else never. */
function stdinEnd(cfg) {
  if (!cfg.untilEof) return new Promise(() => undefined)
  return new Promise(resolve => {
    process.stdin.on("end", () => resolve(null))
    process.stdin.on("close", () => resolve(null))
    process.stdin.on("error", () => resolve(null))
    process.stdin.resume()
  })
}

/** Serves (rep, router) `count` requests, or until stdin ends with untilEof. */
async function serve(cfg, sock, sent, received, ids) {
  const eof = stdinEnd(cfg)
  for (let i = 0; cfg.untilEof || i < cfg.count; i++) {
    const pending = sock.receive()
    // With untilEof the last receive stays pending; close() rejects it, which is expected.
    pending.catch(() => undefined)
    const msg = await Promise.race([pending, eof])
    if (msg === null) break
    received.push(hex(msg))
    let reply
    if (cfg.role === "router") {
      const id = msg[0].toString("hex")
      if (!ids.includes(id)) ids.push(id)
      reply = [msg[0], ...echo(cfg, msg.slice(1))]
    } else {
      reply = echo(cfg, msg)
    }
    await sock.send(reply)
    sent.push(hex(reply))
  }
  if (cfg.untilEof) process.stdin.destroy()
}

async function main() {
  const cfg = parseReqRepConfig(process.argv.slice(2))
  const sock = makeSocket(cfg)

  await bindOrConnect(sock, cfg)

  const sent = []
  const received = []
  const ids = []
  if (cfg.role === "rep" || cfg.role === "router") {
    await serve(cfg, sock, sent, received, ids)
  } else if (cfg.role === "req") {
    for (let i = 0; i < cfg.count; i++) {
      const msg = message(cfg, i)
      await sock.send(msg)
      sent.push(hex(msg))
      received.push(hex(await sock.receive()))
    }
  } else {
    // dealer, pair: send everything, then receive as many messages.
    for (let i = 0; i < cfg.count; i++) {
      const msg = message(cfg, i)
      await sock.send(msg)
      sent.push(hex(msg))
    }
    for (let i = 0; i < cfg.count; i++) received.push(hex(await sock.receive()))
  }
  // close() keeps the queue; zeromq.js delivers it (up to linger) before the process exits.
  sock.close()
  emit({sent, received, ids})
}

run("zeromqjs-reqrep-peer", main)
