// Socket events on both ends of a connection: `recordEvents` keeps what our socket's Observer yields
// (with arrival times), `startEventPeer` runs __test__/peers/events-peer.js (a zeromq.js or zeromq-rs
// socket in a child process that prints its events and received messages as JSON lines and sends on
// request), which a test can SIGSTOP to make the peer go silent without closing its connections.
import type { ExecutionContext } from "ava"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import type { Observer, SocketEvent } from "../../index"
import { startChildPeer } from "./child-peer"

/** An event and when it reached JS (`performance.now()`). */
export type Recorded = SocketEvent & { at: number }

export interface EventRecord {
  /** Every event so far, in order. */
  seen: Recorded[]
  /** The first event of `type` at index `from` or later; rejects after `ms`. */
  waitFor(type: string, ms: number, what: string, from?: number): Promise<Recorded>
}

/** Reads `observer` in the background (until `end`), keeping every event. */
export function recordEvents(observer: Observer): EventRecord {
  const seen: Recorded[] = []
  const waiters = new Set<() => void>()
  const wakeAll = () => {
    for (const w of waiters) w()
  }
  ;(async () => {
    for await (const ev of observer) {
      seen.push({ ...ev, at: performance.now() })
      wakeAll()
    }
  })().catch(() => undefined)

  const waitFor = async (type: string, ms: number, what: string, from = 0): Promise<Recorded> => {
    const deadline = performance.now() + ms
    for (;;) {
      const hit = seen.slice(from).find(e => e.type === type)
      if (hit) return hit
      const left = deadline - performance.now()
      if (left <= 0) {
        const types = seen.slice(from).map(e => e.type)
        throw new Error(`timed out after ${ms} ms waiting for ${what} ("${type}"); seen: ${JSON.stringify(types)}`)
      }
      await new Promise<void>(resolve => {
        const done = () => {
          clearTimeout(timer)
          waiters.delete(done)
          resolve()
        }
        const timer = setTimeout(done, left)
        waiters.add(done)
      })
    }
  }
  return { seen, waitFor }
}

export interface EventPeerConfig {
  /** Which library the peer's socket comes from. */
  lib: "zeromq" | "zeromq-rs"
  type: "pair" | "push" | "pull" | "dealer"
  mode: "bind" | "connect"
  /** What the peer binds or connects to. */
  endpoint: string
  /** Further endpoints the peer connects to. */
  also?: string[]
  /** Socket options (linger defaults to 0). */
  options?: Record<string, number>
}

/** An event the peer printed, and when it was read. */
export interface PeerEvent {
  type: string
  address?: string
  error?: string
  at: number
}

export interface EventPeer {
  /** The peer's endpoint when it binds; the given one when it connects. */
  endpoint: string
  /** Every event the peer printed that was read so far. */
  events: PeerEvent[]
  /** Every message the peer printed that was read so far (frames as utf8). */
  received: string[][]
  /** Reads the peer's lines until an event of `type` (counting from `events[from]`); rejects after `ms`. */
  waitEvent(type: string, ms: number, what: string, from?: number): Promise<PeerEvent>
  /** Reads the peer's lines until its `from`-th received message (0-based); rejects after `ms`. */
  waitReceived(from: number, ms: number, what: string): Promise<string[]>
  /** Has the peer send one message. */
  send(frames: string[]): void
  /** SIGSTOP: the peer (all its threads) stops, its connections stay open. */
  stop(): void
  /** SIGCONT. */
  resume(): void
  /** SIGCONT, then SIGKILL. Safe to call more than once. */
  kill(): void
}

const SCRIPT = path.join(__dirname, "..", "peers", "events-peer.js")

/** Starts an events peer (killed in `t`'s teardown) and resolves once it has bound or connected. */
export async function startEventPeer(t: ExecutionContext, config: EventPeerConfig): Promise<EventPeer> {
  const child = await startChildPeer({
    command: [process.execPath, SCRIPT],
    config,
    name: `events-peer ${config.lib} ${config.type} ${config.mode} ${config.endpoint}`,
    timeoutMs: 10000,
    stdin: true,
  })
  const kill = () => {
    child.signal("SIGCONT")
    child.kill()
  }
  t.teardown(kill)
  const events: PeerEvent[] = []
  const received: string[][] = []

  /** Reads lines (each within what is left of `ms`) until `done()` holds. */
  const readUntil = async <T>(done: () => T | undefined, ms: number, what: string): Promise<T> => {
    const deadline = performance.now() + ms
    for (;;) {
      const hit = done()
      if (hit !== undefined) return hit
      const left = Math.ceil(deadline - performance.now())
      const so = `its events so far: ${JSON.stringify(events.map(e => e.type))}`
      if (left <= 0) throw await child.describeFailure(`timed out after ${ms} ms waiting for ${what}; ${so}`)
      const line = await child.next(`${what} (within ${ms} ms; ${so})`, left)
      if (typeof line.event === "string") {
        events.push({ type: line.event, address: line.address as string | undefined, error: line.error as string | undefined, at: performance.now() })
      } else if (Array.isArray(line.received)) {
        received.push(line.received.map(String))
      } else {
        throw await child.describeFailure(`unexpected line ${JSON.stringify(line)} while waiting for ${what}`)
      }
    }
  }

  return {
    endpoint: child.endpoint,
    events,
    received,
    waitEvent: (type, ms, what, from = 0) => readUntil(() => events.slice(from).find(e => e.type === type), ms, what),
    waitReceived: (from, ms, what) => readUntil(() => received[from], ms, what),
    send: frames => child.write(JSON.stringify({ send: frames })),
    stop: () => {
      if (!child.signal("SIGSTOP")) throw new Error("the peer is not running")
    },
    resume: () => {
      child.signal("SIGCONT")
    },
    kill,
  }
}

/** How many of `events` have type `type`. */
export function count(events: Array<{ type: string }>, type: string): number {
  return events.filter(e => e.type === type).length
}
