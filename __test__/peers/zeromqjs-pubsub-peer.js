#!/usr/bin/env node
// Publish/subscribe interop peer backed by zeromq.js (libzmq), run as a child process by
// __test__/helpers/pubsub-peers.ts. Roles: pub, sub, xsub, xpub.
// Usage: node zeromqjs-pubsub-peer.js '<json-config>'; the protocol is documented in pubsub-peers.ts and
// mirrored by pyzmq-pubsub-peer.py. stdout carries JSON lines only; errors go to stderr with exit
// code 1, a hang exits 2.
"use strict"

const zmq = require("zeromq")
const {LINGER_MS, emit, parseConfig, hex, bindOrConnect, run} = require("./peer-common")

const ROLES = ["pub", "sub", "xsub", "xpub"]

function hexList(value, what) {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every(v => typeof v === "string")) throw new Error(`${what} must be hex strings`)
  return value.map(v => Buffer.from(v, "hex"))
}

function hexMessages(value, what) {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new Error(`${what} must be an array of messages`)
  return value.map((m, i) => {
    const frames = hexList(m, `${what}[${i}]`)
    if (frames.length === 0) throw new Error(`${what}[${i}] has no frames`)
    return frames
  })
}

function optionalHex(value, what) {
  if (value === undefined || value === null) return null
  if (typeof value !== "string") throw new Error(`${what} must be a hex string`)
  return Buffer.from(value, "hex")
}

function parsePubSubConfig(argv) {
  return parseConfig(argv, ROLES, cfg => {
    const out = {
      topics: hexList(cfg.topics, "topics"),
      unsubscribe: hexList(cfg.unsubscribe, "unsubscribe"),
      messages: hexMessages(cfg.messages, "messages"),
      marker: optionalHex(cfg.marker, "marker"),
      end: optionalHex(cfg.end, "end"),
      interval: cfg.interval === undefined ? 10 : cfg.interval,
      untilEof: cfg.untilEof === true,
    }
    if (!Number.isInteger(out.interval) || out.interval < 1) throw new Error("interval must be an integer >= 1")
    if (out.end === null) throw new Error("end is required")
    if (cfg.role === "pub" && out.marker === null) throw new Error("a pub needs a marker")
    return out
  })
}

/** Resolves once stdin ends (the test's `finish()`). */
function stdinEnd() {
  return new Promise(resolve => {
    process.stdin.on("end", resolve)
    process.stdin.on("close", resolve)
    process.stdin.on("error", resolve)
    process.stdin.resume()
  })
}

/** Sends the configured messages, then the end message; returns what was sent (hex). */
async function publish(cfg, sock) {
  const sent = []
  for (const msg of [...cfg.messages, [cfg.end]]) {
    await sock.send(msg)
    sent.push(hex(msg))
  }
  return sent
}

/** pub: the marker every `interval` ms until stdin ends, then the messages and the end message. */
async function pub(cfg, sock) {
  let eof = false
  const ended = stdinEnd().then(() => {
    eof = true
  })
  let markers = 0
  while (!eof) {
    await sock.send([cfg.marker])
    markers++
    let timer
    await Promise.race([ended, new Promise(resolve => (timer = setTimeout(resolve, cfg.interval)))])
    clearTimeout(timer)
  }
  process.stdin.destroy()
  const sent = await publish(cfg, sock)
  return {sent, received: [], markers}
}

/** sub, xsub: subscribe, receive until the end message (reporting the first marker), unsubscribe. */
async function sub(cfg, sock) {
  const eof = cfg.untilEof ? stdinEnd() : null
  for (const topic of cfg.topics) {
    if (cfg.role === "sub") sock.subscribe(topic)
    else await sock.send([Buffer.concat([Buffer.from([1]), topic])])
  }
  const received = []
  let marked = false
  for (;;) {
    const msg = await sock.receive()
    if (cfg.marker !== null && msg[0].equals(cfg.marker)) {
      if (!marked) emit({marked: true})
      marked = true
      continue
    }
    if (msg[0].equals(cfg.end)) break
    received.push(hex(msg))
  }
  for (const topic of cfg.unsubscribe) {
    if (cfg.role === "sub") sock.unsubscribe(topic)
    else await sock.send([Buffer.concat([Buffer.from([0]), topic])])
  }
  const result = {sent: [], received, marked}
  if (eof) {
    // The test reads the result, checks what the unsubscriptions did, then closes our stdin.
    emit(result)
    await eof
    process.stdin.destroy()
    return null
  }
  return result
}

/**
 * xpub: print each of `count` subscription messages as it comes, then publish; with untilEof go on
 * printing subscription messages until stdin ends.
 */
async function xpub(cfg, sock) {
  const eof = cfg.untilEof ? stdinEnd().then(() => null) : null
  const received = []
  const got = msg => {
    received.push(hex(msg))
    emit({got: hex(msg)})
  }
  for (let i = 0; i < cfg.count; i++) got(await sock.receive())
  const sent = await publish(cfg, sock)
  if (eof) {
    for (;;) {
      const pending = sock.receive()
      // The last receive stays pending; close() rejects it, which is expected.
      pending.catch(() => undefined)
      const msg = await Promise.race([pending, eof])
      if (msg === null) break
      got(msg)
    }
    process.stdin.destroy()
  }
  return {sent, received}
}

// A libzmq sub or xsub whose publisher goes away queues all its subscriptions again for the reconnect,
// so a linger would hold its exit for that long. Everything a sub sends is seen by the test (markers,
// `got` lines) before the sub closes, so it closes at once.
const SUB_LINGER_MS = 0

function makeSocket(cfg) {
  const sub = cfg.role === "sub" || cfg.role === "xsub"
  const options = {linger: sub ? SUB_LINGER_MS : LINGER_MS}
  switch (cfg.role) {
    case "pub":
      return new zmq.Publisher(options)
    case "sub":
      return new zmq.Subscriber(options)
    case "xsub":
      return new zmq.XSubscriber(options)
    default:
      return new zmq.XPublisher(options)
  }
}

async function main() {
  const cfg = parsePubSubConfig(process.argv.slice(2))
  const sock = makeSocket(cfg)

  await bindOrConnect(sock, cfg)

  let result
  if (cfg.role === "pub") result = await pub(cfg, sock)
  else if (cfg.role === "xpub") result = await xpub(cfg, sock)
  else result = await sub(cfg, sock)
  // close() keeps the queue; zeromq.js delivers it (up to linger) before the process exits.
  sock.close()
  if (result) emit(result)
}

run("zeromqjs-pubsub-peer", main)
