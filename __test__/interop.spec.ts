// Interop: our Push/Pull against independent libzmq peers (zeromq.js and pyzmq) in child processes,
// over tcp and ipc, with our side binding and connecting, in both directions.
//
// Tests are serial: each one spawns a peer process, and on a 2-core machine 30+ peers starting at once
// would turn the heartbeat test's timing and every per-step timeout into a measure of machine load.
import test, { type ExecutionContext } from "ava"
import { Push, Pull } from "../index"
import { expectedMessages, pyzmqAvailable, startPeer, withTimeout, type Peer, type PeerKind } from "./helpers/peers"

type Transport = "tcp" | "ipc"
type Side = "bind" | "connect"

const KINDS: PeerKind[] = ["zeromqjs", "pyzmq"]
const TRANSPORTS: Transport[] = ["tcp", "ipc"]
const SIDES: Side[] = ["bind", "connect"]
/** Upper bound for any single step (a send, a receive, a peer's result or exit). */
const STEP_MS = 10000

interface Scenario {
  kind: PeerKind
  transport: Transport
  /** Whether our socket binds (the peer connects) or connects (the peer binds). */
  ourSide: Side
  count: number
  parts: number
  binary: boolean
  /** Peer push only: heartbeat settings and the delay between its sends. */
  heartbeatInterval?: number
  heartbeatTimeout?: number
  interval?: number
}

function wildcard(transport: Transport): string {
  return transport === "tcp" ? "tcp://127.0.0.1:*" : "ipc://*"
}

/** Frames as comparable strings: hex for binary frames, latin1 (byte-exact) for the text ones. */
function show(messages: Buffer[][], binary: boolean): string[][] {
  return messages.map(msg => msg.map(f => f.toString(binary ? "hex" : "latin1")))
}

function boundEndpoint(sock: Push | Pull): string {
  const endpoint = sock.lastEndpoint
  if (!endpoint) throw new Error("lastEndpoint is empty after bind()")
  return endpoint
}

const pyzmqMissing = !pyzmqAvailable()
if (pyzmqMissing) console.log("interop.spec: pyzmq tests skipped: `python3 -c \"import zmq\"` fails (pip install pyzmq)")

function peerTest(kind: PeerKind, title: string, impl: (t: ExecutionContext) => Promise<void>): void {
  const name = `${kind}: ${title}`
  if (kind === "pyzmq" && pyzmqMissing) test.skip(name, impl)
  else test.serial(name, impl)
}

/** Links our socket and a peer: whichever side binds does so first and the other uses its endpoint. */
async function link(t: ExecutionContext, sock: Push | Pull, s: Scenario, role: "push" | "pull"): Promise<Peer> {
  const config = {
    role,
    count: s.count,
    parts: s.parts,
    binary: s.binary,
    heartbeatInterval: s.heartbeatInterval,
    heartbeatTimeout: s.heartbeatTimeout,
    interval: s.interval,
  }
  let peer: Peer
  if (s.ourSide === "bind") {
    await withTimeout(sock.bind(wildcard(s.transport)), STEP_MS, "our bind()")
    peer = await startPeer(s.kind, { ...config, mode: "connect", endpoint: boundEndpoint(sock) })
  } else {
    peer = await startPeer(s.kind, { ...config, mode: "bind", endpoint: wildcard(s.transport) })
    sock.connect(peer.endpoint)
  }
  t.teardown(() => peer.kill())
  return peer
}

async function ourPushToTheirPull(t: ExecutionContext, s: Scenario): Promise<void> {
  const push = new Push()
  // Closed only after the peer reported everything, so delivery does not depend on our linger.
  t.teardown(() => push.close())
  const peer = await link(t, push, s, "pull")
  const expected = expectedMessages(s.count, s.parts, s.binary)
  for (const [i, msg] of expected.entries()) {
    // Single frames go as a bare Buffer, multipart as an array: both forms of send().
    await withTimeout(push.send(msg.length === 1 ? msg[0] : msg), STEP_MS, `our send() of message ${i}`)
  }
  const result = await withTimeout(peer.result, STEP_MS, "the peer's result")
  t.deepEqual(show(result.received, s.binary), show(expected, s.binary))
  t.is(result.disconnects, 0, "the peer saw a connection drop")
  t.is(await withTimeout(peer.exited, STEP_MS, "the peer to exit"), 0)
}

async function theirPushToOurPull(t: ExecutionContext, s: Scenario, iterate: boolean): Promise<void> {
  const pull = new Pull()
  t.teardown(() => pull.close())
  const peer = await link(t, pull, s, "push")
  const received: Buffer[][] = []
  if (iterate) {
    // The whole loop gets one budget; on timeout the teardown's close() ends the pending iteration.
    const loop = async (): Promise<void> => {
      for await (const msg of pull) {
        received.push(msg)
        if (received.length === s.count) break
      }
    }
    await withTimeout(loop(), STEP_MS + s.count * (s.interval ?? 0), `our for-await over ${s.count} messages`)
  } else {
    for (let i = 0; i < s.count; i++) {
      received.push(await withTimeout(pull.receive(), STEP_MS, `our receive() of message ${i}`))
    }
  }
  t.true(
    received.every(msg => msg.every(f => Buffer.isBuffer(f))),
    "every received frame is a Buffer",
  )
  t.deepEqual(show(received, s.binary), show(expectedMessages(s.count, s.parts, s.binary), s.binary))
  const result = await withTimeout(peer.result, STEP_MS, "the peer's result")
  t.is(result.disconnects, 0, "the peer saw a connection drop")
  t.is(await withTimeout(peer.exited, STEP_MS, "the peer to exit"), 0)
}

for (const kind of KINDS) {
  for (const transport of TRANSPORTS) {
    for (const ourSide of SIDES) {
      const where = `${transport}, ours ${ourSide === "bind" ? "binds" : "connects"}`
      const text = { kind, transport, ourSide, count: 100, parts: 1, binary: false }
      const multipart = { kind, transport, ourSide, count: 20, parts: 3, binary: true }

      peerTest(kind, `our Push -> their pull, 100 text messages (${where})`, t => ourPushToTheirPull(t, text))
      peerTest(kind, `their push -> our Pull, 100 text messages (${where})`, t =>
        theirPushToOurPull(t, text, false),
      )
      peerTest(kind, `our Push -> their pull, 20 x 3 binary frames (${where})`, t =>
        ourPushToTheirPull(t, multipart),
      )
      peerTest(kind, `their push -> our Pull, 20 x 3 binary frames, for-await (${where})`, t =>
        theirPushToOurPull(t, multipart, true),
      )
    }
  }

  // The peer PINGs every 50 ms while sending 10 messages 100 ms apart. Our side must answer with PONG
  // (any traffic from us would do, and a PULL sends nothing else): libzmq drops a connection that stays
  // silent for heartbeatTimeout after a PING. 500 ms (not the default, which equals the interval) keeps
  // a busy 2-core machine from failing the test, and still trips well before the ~1 s of sending ends.
  for (const ourSide of SIDES) {
    const where = `tcp, ours ${ourSide === "bind" ? "binds" : "connects"}`
    const heartbeat: Scenario = {
      kind,
      transport: "tcp",
      ourSide,
      count: 10,
      parts: 1,
      binary: false,
      heartbeatInterval: 50,
      heartbeatTimeout: 500,
      interval: 100,
    }
    peerTest(kind, `their push with heartbeatInterval 50 -> our Pull, no disconnect (${where})`, t =>
      theirPushToOurPull(t, heartbeat, false),
    )
  }
}
