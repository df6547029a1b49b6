// What the zeromq.js interop peers (zeromqjs-peer.js, zeromqjs-reqrep-peer.js) share: JSON-line output,
// the base config checks, bind-or-connect with its first line, and the run wrapper (hard timeout, exit
// codes). stdout carries JSON lines only; errors go to stderr with exit code 1, a hang exits 2.
"use strict"

const HARD_TIMEOUT_MS = 20000
// Bounded linger: queued messages are delivered on close, but a vanished peer cannot hang the process.
const LINGER_MS = 10000

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n")
}

/**
 * The JSON config in argv, its role in `roles`, mode, endpoint, count and parts (default 1) checked;
 * `more(cfg)` checks the peer's own fields and returns them to add to the result.
 */
function parseConfig(argv, roles, more) {
  if (argv.length !== 1) throw new Error("expected exactly one argument: a JSON config")
  const cfg = JSON.parse(argv[0])
  if (!roles.includes(cfg.role)) throw new Error(`bad role: ${cfg.role}`)
  if (cfg.mode !== "bind" && cfg.mode !== "connect") throw new Error(`bad mode: ${cfg.mode}`)
  if (typeof cfg.endpoint !== "string") throw new Error("endpoint must be a string")
  if (!Number.isInteger(cfg.count) || cfg.count < 0) throw new Error("count must be an integer >= 0")
  const parts = cfg.parts === undefined ? 1 : cfg.parts
  if (!Number.isInteger(parts) || parts < 1) throw new Error("parts must be an integer >= 1")
  return {role: cfg.role, mode: cfg.mode, endpoint: cfg.endpoint, count: cfg.count, parts, ...more(cfg)}
}

function hex(frames) {
  return frames.map(f => f.toString("hex"))
}

/** Binds (printing the resolved endpoint) or connects (printing ready) as the config says. */
async function bindOrConnect(sock, cfg) {
  if (cfg.mode === "bind") {
    await sock.bind(cfg.endpoint)
    emit({endpoint: sock.lastEndpoint})
  } else {
    sock.connect(cfg.endpoint)
    emit({ready: true})
  }
}

/** Runs main() under the hard timeout (exit 2); a rejection exits 1 with its stack. */
function run(prog, main) {
  const hardTimer = setTimeout(() => {
    process.stderr.write(`${prog}: hard timeout after ${HARD_TIMEOUT_MS} ms\n`)
    process.exit(2)
  }, HARD_TIMEOUT_MS)
  // Unref'd so a finished peer exits on its own (after libzmq has flushed within linger).
  hardTimer.unref()

  main().catch(err => {
    process.stderr.write(`${prog}: ${err && err.stack ? err.stack : String(err)}\n`)
    process.exit(1)
  })
}

module.exports = {LINGER_MS, emit, parseConfig, hex, bindOrConnect, run}
