// Spawns request/reply interop peers (zeromq.js and pyzmq) as child processes and talks to them over
// JSON lines: __test__/peers/zeromqjs-reqrep-peer.js and __test__/peers/pyzmq-reqrep-peer.py.
//
// Peer protocol (both peers): argv[1] is a JSON ReqRepPeerConfig. A binding peer prints
// {"endpoint": "..."} right after bind, a connecting peer prints {"ready": true} after connect. At the
// end every peer prints {"sent": [[hex frame, ...], ...], "received": [[...], ...], "ids": [hex, ...]}
// (`ids` is filled by a router only). Exit code 0 on success, 1 on error (stderr says why), 2 after the
// peer's own 20 s hard timeout.
//
// Roles (messages are text frames; message i of a peer named N has frames `N:i:0`, `N:i:1`, ...):
//   req     sends `count` requests of `parts` frames one after the other, receiving each reply.
//   rep     receives `count` requests and replies to each with its echo.
//   dealer  sends `count` messages (each preceded by an empty frame with `delimiter`), then receives
//           `count` messages.
//   router  receives `count` messages [id, ...frames] and sends [id, ...echo(frames)] back to the sender;
//           `received` includes the id frame, `ids` lists the distinct ids in the order first seen.
//   pair    sends `count` messages, then receives `count` messages.
// The echo keeps empty frames (delimiters) and prefixes every other frame with `N:`.
// With `untilEof` a rep or router serves until its stdin closes (`finish()`) instead of `count` times.
import { spawn } from "node:child_process"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { PEER_TIMEOUT_MS, type PeerKind } from "./peers"

export { pyzmqAvailable, withTimeout, PEER_TIMEOUT_MS, type PeerKind } from "./peers"

export type ReqRepRole = "req" | "rep" | "dealer" | "router" | "pair"

export interface ReqRepPeerConfig {
  role: ReqRepRole
  mode: "bind" | "connect"
  /** What the peer binds (`tcp://127.0.0.1:*`, `ipc://*`) or connects to. */
  endpoint: string
  /** Messages to send (req, dealer, pair) and receive; requests to serve (rep, router). */
  count: number
  /** Frames per message that req, dealer and pair send (not counting a dealer's delimiter); default 1. */
  parts?: number
  /** Tag in the messages the peer sends and in its echoes; defaults to the role. */
  name?: string
  /** ZMQ_ROUTING_ID of the peer's socket, set before bind/connect. */
  routingId?: string
  /** Dealer only: prepend an empty delimiter frame to every message sent (to talk to a REP). */
  delimiter?: boolean
  /** Rep and router only: serve until stdin closes (see `finish()`) instead of `count` requests. */
  untilEof?: boolean
}

export interface ReqRepResult {
  /** Every message the peer sent, in order. */
  sent: Buffer[][]
  /** Every message the peer received, in order (a router's include the routing id frame). */
  received: Buffer[][]
  /** Router only: the distinct routing ids it received from, in the order first seen. */
  ids: Buffer[]
}

export interface ReqRepPeer {
  /** The resolved endpoint when the peer binds; the given one when it connects. */
  endpoint: string
  /** The peer's final report; rejects if the peer fails or does not finish in time. */
  result: Promise<ReqRepResult>
  /** The exit code (a signal or a failed spawn counts as -1). Settles within the peer's 20 s hard timeout. */
  exited: Promise<number>
  /** Closes the peer's stdin: an `untilEof` peer stops serving and reports. */
  finish(): void
  /** Kills the peer if it is still running. Safe to call more than once. */
  kill(): void
}

const PEERS_DIR = path.join(__dirname, "..", "peers")

function command(kind: PeerKind): [string, string] {
  return kind === "zeromqjs"
    ? [process.execPath, path.join(PEERS_DIR, "zeromqjs-reqrep-peer.js")]
    : ["python3", path.join(PEERS_DIR, "pyzmq-reqrep-peer.py")]
}

/** Frame text `${name}:${i}:${j}` as a peer named `name` sends it. */
export function peerFrame(name: string, i: number, j: number): string {
  return `${name}:${i}:${j}`
}

function messages(value: unknown, what: string): Buffer[][] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`)
  return value.map(msg => {
    if (!Array.isArray(msg)) throw new Error(`${what} holds a non-array message ${JSON.stringify(msg)}`)
    return msg.map(f => Buffer.from(String(f), "hex"))
  })
}

/**
 * Starts a peer and resolves once it has bound (with its resolved endpoint) or connected.
 * The caller owns the peer: register `peer.kill()` in `t.teardown`.
 */
export async function startReqRepPeer(
  kind: PeerKind,
  config: ReqRepPeerConfig,
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<ReqRepPeer> {
  const [exe, script] = command(kind)
  const child = spawn(exe, [script, JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "pipe"],
    // libzmq puts `ipc://*` in $TMPDIR when set, else in the cwd: keep the peers' sockets out of the repo.
    env: { ...process.env, TMPDIR: os.tmpdir() },
  })
  const name = `${kind} ${config.role}${config.name ? ` "${config.name}"` : ""} ${config.mode} ${config.endpoint}`

  let stderr = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk
  })
  // A peer that exits early closes its stdin; writing/ending it then must not crash the test.
  child.stdin.on("error", () => undefined)

  const exited = new Promise<number>(resolve => {
    child.on("exit", (code: number | null) => resolve(code ?? -1))
    child.on("error", () => resolve(-1))
  })
  let spawnError: Error | undefined
  child.on("error", (err: Error) => {
    spawnError = err
  })

  // Lines are queued until read; a reader waits for the next line, the peer's exit, or its timeout.
  const lines: string[] = []
  let wake: (() => void) | undefined
  let ended = false
  const rl = readline.createInterface({ input: child.stdout })
  rl.on("line", line => {
    lines.push(line)
    wake?.()
  })
  rl.on("close", () => {
    ended = true
    wake?.()
  })

  const describeFailure = async (why: string): Promise<Error> => {
    // Let the exit code and the last of stderr arrive before reporting.
    const code = await Promise.race([exited, new Promise<string>(r => setTimeout(() => r("still running"), 200))])
    const detail = spawnError ? `spawn error: ${spawnError.message}` : `exit ${code}`
    return new Error(`peer (${name}): ${why} (${detail})${stderr ? `\nstderr:\n${stderr}` : ""}`)
  }

  const nextLine = async (what: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs
    while (lines.length === 0) {
      if (ended) throw await describeFailure(`ended before ${what}`)
      const left = deadline - Date.now()
      if (left <= 0) throw await describeFailure(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = undefined
    }
    const line = lines.shift() as string
    try {
      return JSON.parse(line) as Record<string, unknown>
    } catch {
      throw await describeFailure(`printed a non-JSON line ${JSON.stringify(line)} instead of ${what}`)
    }
  }

  const finish = (): void => {
    if (!child.stdin.destroyed) child.stdin.end()
  }
  const kill = (): void => {
    finish()
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }

  let endpoint = config.endpoint
  try {
    const first = await nextLine(config.mode === "bind" ? "its endpoint" : "ready")
    if (config.mode === "bind") {
      if (typeof first.endpoint !== "string") throw await describeFailure(`bad first line ${JSON.stringify(first)}`)
      endpoint = first.endpoint
    } else if (first.ready !== true) {
      throw await describeFailure(`bad first line ${JSON.stringify(first)}`)
    }
  } catch (err) {
    kill()
    throw err
  }

  const result = (async (): Promise<ReqRepResult> => {
    const last = await nextLine("its result")
    try {
      const ids = last.ids
      if (!Array.isArray(ids)) throw new Error("ids is not an array")
      return {
        sent: messages(last.sent, "sent"),
        received: messages(last.received, "received"),
        ids: ids.map(id => Buffer.from(String(id), "hex")),
      }
    } catch (err) {
      throw await describeFailure(`bad result ${JSON.stringify(last)}: ${(err as Error).message}`)
    }
  })()
  // A test that never awaits `result` (or kills the peer) must not fail on an unhandled rejection.
  result.catch(() => undefined)

  return { endpoint, result, exited, finish, kill }
}
