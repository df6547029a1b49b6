// Spawns libzmq interop peers (zeromq.js and pyzmq) as child processes and talks to them over JSON lines.
//
// Peer protocol (both peers): argv[1] is a JSON PeerConfig. A binding peer prints {"endpoint": "..."}
// right after bind, a connecting peer prints {"ready": true} after connect. At the end a push peer prints
// {"sent": n, "disconnects": d} and a pull peer {"received": [[hex frame, ...], ...], "disconnects": d}.
// Exit code 0 on success, 1 on error (stderr says why), 2 after the peer's own 20 s hard timeout.
// Spawning, line reading and the first-line handshake are shared with reqrep-peers.ts in child-peer.ts.
import { spawnSync } from "node:child_process"
import { peerCommand, startChildPeer, type PeerKind } from "./child-peer"

export type { PeerKind } from "./child-peer"

export interface PeerConfig {
  role: "push" | "pull"
  mode: "bind" | "connect"
  /** What the peer binds (`tcp://127.0.0.1:*`, `ipc://*`) or connects to. */
  endpoint: string
  /** Messages to send or receive. */
  count: number
  /** Frames per message; default 1. */
  parts?: number
  /** Binary frames of 256 bytes instead of the text `${i}:${j}`. */
  binary?: boolean
  /** ZMQ_HEARTBEAT_IVL of the peer's socket, in ms. */
  heartbeatInterval?: number
  /** ZMQ_HEARTBEAT_TIMEOUT of the peer's socket, in ms (libzmq defaults it to the interval). */
  heartbeatTimeout?: number
  /** Push only: ms between two sends (a timed loop inside the peer, used to let heartbeats happen). */
  interval?: number
}

export interface PeerResult {
  /** Messages a pull peer received, in order; empty for a push peer. */
  received: Buffer[][]
  /** Connections the peer's libzmq dropped (`disconnect` events) before it finished. */
  disconnects: number
}

export interface Peer {
  /** The resolved endpoint when the peer binds; the given one when it connects. */
  endpoint: string
  /** The peer's final report; rejects if the peer fails or does not finish in time. */
  result: Promise<PeerResult>
  /** The exit code (a signal or a failed spawn counts as -1). Settles within the peer's 20 s hard timeout. */
  exited: Promise<number>
  /** Kills the peer if it is still running. Safe to call more than once. */
  kill(): void
}

/** Default wait for any single line or exit of a peer. Less than the peer's own 20 s hard timeout. */
export const PEER_TIMEOUT_MS = 15000

let pyzmqImportable: boolean | undefined

/** Whether `python3 -c "import zmq"` works here (checked once). */
export function pyzmqAvailable(): boolean {
  if (pyzmqImportable === undefined) {
    const r = spawnSync("python3", ["-c", "import zmq"], { stdio: "ignore", timeout: 15000 })
    pyzmqImportable = r.status === 0
  }
  return pyzmqImportable
}

/** Frame j of message i, exactly as the peers build it. */
export function frame(i: number, j: number, binary: boolean): Buffer {
  if (!binary) return Buffer.from(`${i}:${j}`, "utf8")
  const buf = Buffer.alloc(256)
  for (let k = 0; k < 256; k++) buf[k] = (i + j + k) % 256
  return buf
}

/** The `count` messages a push peer sends (and a pull peer expects), each of `parts` frames. */
export function expectedMessages(count: number, parts = 1, binary = false): Buffer[][] {
  const out: Buffer[][] = []
  for (let i = 0; i < count; i++) {
    const msg: Buffer[] = []
    for (let j = 0; j < parts; j++) msg.push(frame(i, j, binary))
    out.push(msg)
  }
  return out
}

/** Rejects with `what` in the message if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Starts a peer and resolves once it has bound (with its resolved endpoint) or connected.
 * The caller owns the peer: register `peer.kill()` in `t.teardown`.
 */
export async function startPeer(kind: PeerKind, config: PeerConfig, timeoutMs = PEER_TIMEOUT_MS): Promise<Peer> {
  const peer = await startChildPeer({
    command: peerCommand(kind, { zeromqjs: "zeromqjs-peer.js", pyzmq: "pyzmq-peer.py" }),
    config,
    name: `${kind} ${config.role} ${config.mode} ${config.endpoint}`,
    timeoutMs,
  })
  const { describeFailure } = peer

  const result = peer.report(async (last): Promise<PeerResult> => {
    if (typeof last.disconnects !== "number") throw await describeFailure(`bad result ${JSON.stringify(last)}`)
    const received: Buffer[][] = []
    if (config.role === "pull") {
      if (!Array.isArray(last.received)) throw await describeFailure(`bad result ${JSON.stringify(last)}`)
      for (const msg of last.received as unknown[]) {
        if (!Array.isArray(msg)) throw await describeFailure(`bad message ${JSON.stringify(msg)}`)
        received.push(msg.map(f => Buffer.from(String(f), "hex")))
      }
    }
    return { received, disconnects: last.disconnects }
  })

  return { endpoint: peer.endpoint, result, exited: peer.exited, kill: peer.kill }
}
