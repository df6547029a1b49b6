#!/usr/bin/env node
// A long-running peer that reports its socket's events, run as a child process by
// __test__/helpers/event-peers.ts. Backed by zeromq.js (libzmq) or by zeromq-rs itself (`lib`), so a
// test can SIGSTOP either library's socket and watch the other side.
//
// Usage: node events-peer.js '<json-config>', config:
//   {lib: "zeromq" | "zeromq-rs", type: "pair" | "push" | "pull" | "dealer", mode: "bind" | "connect",
//    endpoint: string, also?: [endpoint, ...] (further endpoints to connect to),
//    options?: {heartbeatInterval: 100, ...} (socket options; linger defaults to 0)}
// stdout, JSON lines: first {"endpoint": "..."} (bind) or {"ready": true} (connect), as every peer;
// then, in order, {"event": type, "address": a, "error": code?} for each socket event and
// {"received": [utf8 frame, ...]} for each message received (readable types only).
// stdin, JSON lines: {"send": [utf8 frame, ...]} sends a message. When stdin closes the socket is
// closed, {"done": true} printed and the process exits. Errors go to stderr with exit code 1; the
// shared 20 s hard timeout exits 2.
"use strict"

const path = require("node:path")
const readline = require("node:readline")
const {emit, bindOrConnect, run} = require("./peer-common")

const CLASSES = {pair: "Pair", push: "Push", pull: "Pull", dealer: "Dealer"}

function parse(argv) {
  if (argv.length !== 1) throw new Error("expected exactly one argument: a JSON config")
  const cfg = JSON.parse(argv[0])
  if (cfg.lib !== "zeromq" && cfg.lib !== "zeromq-rs") throw new Error(`bad lib: ${cfg.lib}`)
  if (!(cfg.type in CLASSES)) throw new Error(`bad type: ${cfg.type}`)
  if (cfg.mode !== "bind" && cfg.mode !== "connect") throw new Error(`bad mode: ${cfg.mode}`)
  if (typeof cfg.endpoint !== "string") throw new Error("endpoint must be a string")
  return {...cfg, also: cfg.also ?? [], options: cfg.options ?? {}}
}

async function main() {
  const cfg = parse(process.argv.slice(2))
  const zmq = cfg.lib === "zeromq" ? require("zeromq") : require(path.join(__dirname, "..", "..", "index.js"))
  const sock = new zmq[CLASSES[cfg.type]]({linger: 0, ...cfg.options})

  // Events are held back until the first line (endpoint / ready) is out: it must come first.
  let started = false
  const held = []
  const report = line => (started ? emit(line) : held.push(line))
  const events = (async () => {
    for await (const ev of sock.events) {
      if (ev.type === "end") break
      report({event: ev.type, address: ev.address, error: ev.error ? ev.error.code : undefined})
    }
  })()

  await bindOrConnect(sock, cfg)
  for (const ep of cfg.also) sock.connect(ep)
  started = true
  for (const line of held) emit(line)

  let closing = false
  if (typeof sock.receive === "function") {
    ;(async () => {
      for (;;) {
        const msg = await sock.receive()
        emit({received: msg.map(f => f.toString("utf8"))})
      }
    })().catch(err => {
      if (!closing) throw err
    })
  }

  const input = readline.createInterface({input: process.stdin})
  for await (const line of input) {
    const cmd = JSON.parse(line)
    if (Array.isArray(cmd.send)) await sock.send(cmd.send)
    else throw new Error(`bad command: ${line}`)
  }
  closing = true
  sock.close()
  await events
  emit({done: true})
  process.exit(0)
}

run("events-peer", main)
