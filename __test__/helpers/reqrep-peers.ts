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
import { peerCommand, startChildPeer, type PeerKind } from "./child-peer"
import { PEER_TIMEOUT_MS } from "./peers"

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
  const peer = await startChildPeer({
    command: peerCommand(kind, { zeromqjs: "zeromqjs-reqrep-peer.js", pyzmq: "pyzmq-reqrep-peer.py" }),
    config,
    name: `${kind} ${config.role}${config.name ? ` "${config.name}"` : ""} ${config.mode} ${config.endpoint}`,
    timeoutMs,
    stdin: true,
  })

  const result = peer.report(async (last): Promise<ReqRepResult> => {
    try {
      const ids = last.ids
      if (!Array.isArray(ids)) throw new Error("ids is not an array")
      return {
        sent: messages(last.sent, "sent"),
        received: messages(last.received, "received"),
        ids: ids.map(id => Buffer.from(String(id), "hex")),
      }
    } catch (err) {
      throw await peer.describeFailure(`bad result ${JSON.stringify(last)}: ${(err as Error).message}`)
    }
  })

  return { endpoint: peer.endpoint, result, exited: peer.exited, finish: peer.finish, kill: peer.kill }
}
