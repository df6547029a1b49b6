// zeromq-rs: what the library is and can do, as zeromq.js reports it: `version` and
// `capability`.
"use strict"

/**
 * The libzmq version this engine stands in for. zeromq.js reports the libzmq it bundles (4.3.5 in
 * 6.x); the engine speaks the same ZMTP 3.1 and keeps that library's socket and option
 * semantics, so code comparing versions (`semver.satisfies(version, ">= 4.0.5")` for the
 * steerable proxy) takes the same branches. It is not this package's version (package.json).
 */
const version = "4.3.5"

/**
 * Transports and features available, under zeromq.js's keys (plus `inproc`, which zeromq.js
 * does not report: every libzmq has it). ipc and inproc are supported; multicast (pgm, norm),
 * tipc, GSSAPI and the draft sockets are not. CURVE (with PLAIN and ZAP) is.
 */
const capability = Object.freeze({
  ipc: true,
  pgm: false,
  tipc: false,
  norm: false,
  curve: true,
  gssapi: false,
  draft: false,
  inproc: true,
})

module.exports = { version, capability }
