// The part both interop helpers (peers.ts, reqrep-peers.ts) share: spawning a peer script as a child
// process, reading the JSON lines it prints (with a timeout per line), the bind/connect handshake of its
// first line, and its exit and killing.
//
// Peer protocol (every peer): argv[1] is a JSON config. A binding peer prints {"endpoint": "..."} right
// after bind, a connecting peer prints {"ready": true} after connect; the last line is its result, which
// each helper parses. Exit code 0 on success, 1 on error (stderr says why), 2 after the peer's own 20 s
// hard timeout.
import { spawn, type ChildProcessByStdio } from "node:child_process"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import type { Readable, Writable } from "node:stream"
import { Signal } from "./signal"

export type PeerKind = "zeromqjs" | "pyzmq"

const PEERS_DIR = path.join(__dirname, "..", "peers")

/** The executable and script (in __test__/peers) that run a peer of `kind`. */
export function peerCommand(kind: PeerKind, scripts: Record<PeerKind, string>): [string, string] {
  const exe = kind === "zeromqjs" ? process.execPath : "python3"
  return [exe, path.join(PEERS_DIR, scripts[kind])]
}

export interface ChildPeerOptions {
  /** Executable and script, see `peerCommand`. */
  command: [string, string]
  /** Passed as JSON in argv[1]. */
  config: { mode: "bind" | "connect"; endpoint: string }
  /** Names the peer in error messages. */
  name: string
  /** Wait for any single line of the peer. */
  timeoutMs: number
  /** Give the peer a stdin pipe (closed by `finish()`); otherwise its stdin is ignored. */
  stdin?: boolean
}

export interface ChildPeer {
  /** The resolved endpoint when the peer binds; the given one when it connects. */
  endpoint: string
  /** The exit code (a signal or a failed spawn counts as -1). */
  exited: Promise<number>
  /** Reads the peer's last line and parses it; the returned promise never counts as unhandled. */
  report<T>(parse: (last: Record<string, unknown>) => Promise<T>): Promise<T>
  /** An error naming the peer and `why`, with its exit code (or spawn error) and stderr. */
  describeFailure(why: string): Promise<Error>
  /** Closes the peer's stdin, if it has one. */
  finish(): void
  /** Kills the peer if it is still running (closing its stdin first). Safe to call more than once. */
  kill(): void
  /** The next line not yet read, parsed; rejects after `ms` (default: the per-line timeout) or at exit. */
  next(what: string, ms?: number): Promise<Record<string, unknown>>
  /** Writes one line to the peer's stdin, if it has one and it is open. */
  write(line: string): void
  /** Sends `sig` to the peer if it is still running (e.g. SIGSTOP / SIGCONT); whether it was sent. */
  signal(sig: NodeJS.Signals): boolean
}

/**
 * Spawns a peer and resolves once it has bound (with its resolved endpoint) or connected; kills it and
 * rejects if its first line is missing, late or wrong.
 */
export async function startChildPeer(options: ChildPeerOptions): Promise<ChildPeer> {
  const { command, config, name, timeoutMs } = options
  const [exe, script] = command
  const child = spawn(exe, [script, JSON.stringify(config)], {
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    // libzmq puts `ipc://*` in $TMPDIR when set, else in the cwd: keep the peers' sockets out of the repo.
    env: { ...process.env, TMPDIR: os.tmpdir() },
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>

  let stderr = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk
  })
  // A peer that exits early closes its stdin; writing/ending it then must not crash the test.
  child.stdin?.on("error", () => undefined)

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
  const arrived = new Signal()
  let ended = false
  const rl = readline.createInterface({ input: child.stdout })
  rl.on("line", line => {
    lines.push(line)
    arrived.notify()
  })
  rl.on("close", () => {
    ended = true
    arrived.notify()
  })

  const describeFailure = async (why: string): Promise<Error> => {
    // Let the exit code and the last of stderr arrive before reporting.
    const code = await Promise.race([exited, new Promise<string>(r => setTimeout(() => r("still running"), 200))])
    const detail = spawnError ? `spawn error: ${spawnError.message}` : `exit ${code}`
    return new Error(`peer (${name}): ${why} (${detail})${stderr ? `\nstderr:\n${stderr}` : ""}`)
  }

  const nextLine = async (what: string, ms = timeoutMs): Promise<Record<string, unknown>> => {
    await arrived.until(
      () => lines.length > 0,
      ms,
      () => describeFailure(`timed out after ${ms} ms waiting for ${what}`),
      () => (ended ? describeFailure(`ended before ${what}`) : undefined),
    )
    const line = lines.shift() as string
    try {
      return JSON.parse(line) as Record<string, unknown>
    } catch {
      throw await describeFailure(`printed a non-JSON line ${JSON.stringify(line)} instead of ${what}`)
    }
  }

  const finish = (): void => {
    if (child.stdin && !child.stdin.destroyed) child.stdin.end()
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

  const report = <T>(parse: (last: Record<string, unknown>) => Promise<T>): Promise<T> => {
    const result = nextLine("its result").then(parse)
    // A test that never awaits the result (or kills the peer) must not fail on an unhandled rejection.
    result.catch(() => undefined)
    return result
  }

  const write = (line: string): void => {
    if (child.stdin && !child.stdin.destroyed && !child.stdin.writableEnded) child.stdin.write(`${line}\n`)
  }
  const signal = (sig: NodeJS.Signals): boolean =>
    child.exitCode === null && child.signalCode === null && child.kill(sig)

  return { endpoint, exited, report, describeFailure, finish, kill, next: nextLine, write, signal }
}
