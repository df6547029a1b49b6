// Spawns publish/subscribe interop peers (zeromq.js and pyzmq) as child processes and talks to them over
// JSON lines: __test__/peers/zeromqjs-pubsub-peer.js and __test__/peers/pyzmq-pubsub-peer.py.
//
// Peer protocol (both peers): argv[1] is a JSON config (PubSubPeerConfig with every frame in hex). A
// binding peer prints {"endpoint": "..."} right after bind, a connecting peer prints {"ready": true}
// after connect; the last line is {"sent": [[hex frame, ...], ...], "received": [[...], ...], ...}.
// Exit code 0 on success, 1 on error (stderr says why), 2 after the peer's own 20 s hard timeout.
// Every peer has a stdin pipe; closing it (`finish()`) is the test's one signal to the peer.
//
// Roles:
//   pub   publishes [marker] every `interval` ms until its stdin closes, then `messages` and [end].
//         Result: `sent` (the messages and [end], not the markers) and `markers` (how many it sent).
//   sub   subscribes to `topics` (ZMQ_SUBSCRIBE), then receives until a message whose first frame is
//   xsub  `end`; an xsub sends [0x01 + topic] messages instead. On the first message whose first frame
//         is `marker` it prints {"marked": true} (once); markers are not recorded. After [end] it
//         unsubscribes `unsubscribe` (ZMQ_UNSUBSCRIBE, or [0x00 + topic]). Result: `received` (every
//         message but markers and [end]). With `untilEof` it prints the result first and keeps its
//         socket open until stdin closes (so the unsubscriptions reach the other side).
//   xpub  receives `count` subscription messages, printing {"got": [hex frame, ...]} for each as it
//         comes, then publishes `messages` and [end]; with `untilEof` it goes on receiving (and
//         printing) subscription messages until stdin closes. Result: `received` (every subscription
//         message) and `sent`.
// A sub must subscribe to `marker` and `end` itself (a topic both start with, e.g. MARK_TOPIC).
import { peerCommand, startChildPeer, type PeerKind } from "./child-peer"
import { PEER_TIMEOUT_MS } from "./peers"

export { pyzmqAvailable, withTimeout, PEER_TIMEOUT_MS, type PeerKind } from "./peers"

export type PubSubRole = "pub" | "sub" | "xsub" | "xpub"
export type Bytes = Buffer | string

/** The topic every marker and end message starts with; no test message may start with it. */
export const MARK_TOPIC = "!"
/** The readiness marker the publishing side repeats until every subscriber has seen one. */
export const MARKER = "!mark"
/** The last message the publishing side sends: a subscriber stops receiving at it. */
export const END = "!end"

export interface PubSubPeerConfig {
  role: PubSubRole
  mode: "bind" | "connect"
  /** What the peer binds (`tcp://127.0.0.1:*`, `ipc://*`) or connects to. */
  endpoint: string
  /** Xpub only: subscription messages to receive before publishing. */
  count?: number
  /** Sub and xsub: topics to subscribe to, in order. */
  topics?: Bytes[]
  /** Sub and xsub: topics to unsubscribe from after [end]. */
  unsubscribe?: Bytes[]
  /** Pub and xpub: messages to publish (then [end]). */
  messages?: Bytes[][]
  /** Pub: the marker it repeats (default MARKER); sub and xsub: the marker they report (none by default). */
  marker?: Bytes
  /** First frame of the end message; default END. */
  end?: Bytes
  /** Pub: ms between two markers; default 10. */
  interval?: number
  /**
   * Sub and xsub: print the result, then keep the socket open until stdin closes. Xpub: after
   * publishing, go on receiving subscription messages until stdin closes.
   */
  untilEof?: boolean
}

export interface PubSubResult {
  /** Messages the peer sent, in order (a pub's and an xpub's include [end], not the markers). */
  sent: Buffer[][]
  /** Messages the peer received, in order (an xpub's are the subscription messages). */
  received: Buffer[][]
}

export interface PubSubPeer {
  /** The resolved endpoint when the peer binds; the given one when it connects. */
  endpoint: string
  /** Sub and xsub with a marker: resolves when the peer has received its first marker. */
  marked(): Promise<void>
  /** Xpub: the next subscription message the peer received. */
  got(): Promise<Buffer[]>
  /** The peer's final report; rejects if the peer fails or does not report in time. Call once, last. */
  result(): Promise<PubSubResult>
  /** The exit code (a signal or a failed spawn counts as -1). Settles within the peer's 20 s hard timeout. */
  exited: Promise<number>
  /** Closes the peer's stdin: a pub stops its markers and publishes; an `untilEof` sub closes. */
  finish(): void
  /** Kills the peer if it is still running. Safe to call more than once. */
  kill(): void
}

function bytes(b: Bytes): Buffer {
  return typeof b === "string" ? Buffer.from(b, "latin1") : b
}

function hex(b: Bytes): string {
  return bytes(b).toString("hex")
}

function messages(value: unknown, what: string): Buffer[][] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`)
  return value.map(msg => frames(msg, what))
}

function frames(msg: unknown, what: string): Buffer[] {
  if (!Array.isArray(msg)) throw new Error(`${what} holds a non-array message ${JSON.stringify(msg)}`)
  return msg.map(f => Buffer.from(String(f), "hex"))
}

/** Whether `msg` reaches a subscriber of `topics` (prefix match on the first frame). */
export function matches(topics: Bytes[], msg: Bytes[]): boolean {
  const first = bytes(msg[0] ?? "")
  return topics.some(t => {
    const topic = bytes(t)
    return first.length >= topic.length && first.subarray(0, topic.length).equals(topic)
  })
}

/** The messages of `msgs` that a subscriber of `topics` receives, in order. */
export function filterFor(topics: Bytes[], msgs: Bytes[][]): Bytes[][] {
  return msgs.filter(m => matches(topics, m))
}

/**
 * Starts a peer and resolves once it has bound (with its resolved endpoint) or connected.
 * The caller owns the peer: register `peer.kill()` in `t.teardown`.
 */
export async function startPubSubPeer(
  kind: PeerKind,
  config: PubSubPeerConfig,
  timeoutMs = PEER_TIMEOUT_MS,
): Promise<PubSubPeer> {
  const marker = config.marker ?? (config.role === "pub" ? MARKER : undefined)
  const wire = {
    role: config.role,
    mode: config.mode,
    endpoint: config.endpoint,
    count: config.count ?? 0,
    topics: (config.topics ?? []).map(hex),
    unsubscribe: (config.unsubscribe ?? []).map(hex),
    messages: (config.messages ?? []).map(m => m.map(hex)),
    marker: marker === undefined ? null : hex(marker),
    end: hex(config.end ?? END),
    interval: config.interval ?? 10,
    untilEof: config.untilEof === true,
  }
  const peer = await startChildPeer({
    command: peerCommand(kind, { zeromqjs: "zeromqjs-pubsub-peer.js", pyzmq: "pyzmq-pubsub-peer.py" }),
    config: wire,
    name: `${kind} ${config.role} ${config.mode} ${config.endpoint}`,
    timeoutMs,
    stdin: true,
  })

  const bad = async (what: string, line: Record<string, unknown>, err?: Error): Promise<Error> =>
    peer.describeFailure(`expected ${what}, got ${JSON.stringify(line)}${err ? `: ${err.message}` : ""}`)

  const marked = (): Promise<void> =>
    peer.report(async line => {
      if (line.marked !== true) throw await bad('{"marked": true}', line)
    })

  const got = (): Promise<Buffer[]> =>
    peer.report(async line => {
      try {
        return frames(line.got, "got")
      } catch (err) {
        throw await bad('{"got": [...]}', line, err as Error)
      }
    })

  const result = (): Promise<PubSubResult> =>
    peer.report(async line => {
      try {
        return { sent: messages(line.sent, "sent"), received: messages(line.received, "received") }
      } catch (err) {
        throw await bad("the result", line, err as Error)
      }
    })

  return { endpoint: peer.endpoint, marked, got, result, exited: peer.exited, finish: peer.finish, kill: peer.kill }
}
