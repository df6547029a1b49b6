// Heartbeats (ZMTP 3.1 PING/PONG, heartbeatInterval / heartbeatTimeout / heartbeatTimeToLive) against
// real libzmq peers (zeromq.js in child processes, __test__/peers/events-peer.js). A SIGSTOPped
// process keeps its TCP connections open (the kernel still ACKs), so only heartbeats can notice it is
// gone. zeromq.js, bound Pair with heartbeatInterval 100: `disconnect` 180–200 ms after the SIGSTOP;
// with heartbeatTimeout 300: 380–400 ms; without heartbeats: none (reference-patterns.md §10).
//
// Serial: the timing of one test must not depend on the peers of another starting up.
import test, { type ExecutionContext } from "ava"
import { performance } from "node:perf_hooks"
import type { Socket } from "../index"
import { count, recordEvents, startEventPeer, type EventPeer, type EventRecord } from "./helpers/event-peers"
import { bound, sockets, within } from "./helpers/sockets"

/** Upper bound for a step that involves no heartbeat timing (a handshake, a message). */
const STEP_MS = 5000
/** Upper bound for a heartbeat timeout to be noticed (zeromq.js needs 200–400 ms here). */
const DROP_MS = 2000

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Binds our `sock` and connects a zeromq.js peer of `type` to it; resolves once both handshook. */
async function linkPeer(
  t: ExecutionContext,
  sock: Socket,
  type: "pair" | "push" | "pull",
  options: Record<string, number> = {},
): Promise<{ ep: string; ours: EventRecord; peer: EventPeer }> {
  const ours = recordEvents(sock.events)
  const ep = await bound(sock)
  const peer = await startEventPeer(t, { lib: "zeromq", type, mode: "connect", endpoint: ep, options })
  await ours.waitFor("handshake", STEP_MS, "our handshake with the zeromq.js peer")
  await peer.waitEvent("handshake", STEP_MS, "the peer's handshake")
  return { ep, ours, peer }
}

/** SIGSTOPs a live zeromq.js Pair connected to our bound Pair; returns ms until our `disconnect`. */
async function dropStoppedPeer(t: ExecutionContext, options: { heartbeatInterval: number; heartbeatTimeout?: number }) {
  const ours = sockets(t).pair(options)
  const { ep, ours: rec, peer } = await linkPeer(t, ours, "pair")
  // The peer is alive right before it stops: a message went through.
  await ours.send("alive?")
  t.deepEqual(await peer.waitReceived(0, STEP_MS, "the peer to receive a message"), ["alive?"])
  const from = rec.seen.length
  t.is(count(rec.seen, "disconnect"), 0, "disconnected while the peer was running")
  const stoppedAt = performance.now()
  peer.stop()
  const gone = await rec.waitFor("disconnect", DROP_MS, "our disconnect of the stopped peer", from)
  t.is(gone.address, ep)
  return gone.at - stoppedAt
}

test.serial("(a) heartbeatInterval 100: a SIGSTOPped zeromq.js peer is disconnected", async t => {
  const ms = await dropStoppedPeer(t, { heartbeatInterval: 100 })
  t.log(`disconnect ${ms.toFixed(0)} ms after SIGSTOP (zeromq.js: 180–200)`)
})

test.serial("(b) heartbeatTimeout 300: the stopped peer is dropped, and not before the timeout", async t => {
  const ms = await dropStoppedPeer(t, { heartbeatInterval: 100, heartbeatTimeout: 300 })
  t.log(`disconnect ${ms.toFixed(0)} ms after SIGSTOP (zeromq.js: 380–400)`)
  t.true(ms >= 250, `disconnect after only ${ms} ms, before the 300 ms timeout`)
})

test.serial("(c) without heartbeats a SIGSTOPped peer stays connected", async t => {
  const s = sockets(t)
  // Both ours are bound and reached by the same stopped peer: `watched` has heartbeats and so bounds
  // the window by dropping it; `plain` has none and must keep it.
  const watched = s.pull({ heartbeatInterval: 100, heartbeatTimeout: 500 })
  const plain = s.pull()
  const watchedEvents = recordEvents(watched.events)
  const plainEvents = recordEvents(plain.events)
  const watchedEp = await bound(watched)
  const plainEp = await bound(plain)
  const stopped = await startEventPeer(t, {
    lib: "zeromq",
    type: "push",
    mode: "connect",
    endpoint: watchedEp,
    also: [plainEp],
  })
  await watchedEvents.waitFor("handshake", STEP_MS, "the watched socket's handshake")
  await plainEvents.waitFor("handshake", STEP_MS, "the plain socket's handshake")
  const stoppedAt = performance.now()
  stopped.stop()
  await watchedEvents.waitFor("disconnect", DROP_MS, "the watched socket to drop the stopped peer")

  // A second, live peer gets a marker through `plain`: its I/O (and its events) are up to date.
  const before = plainEvents.seen.length
  const live = await startEventPeer(t, { lib: "zeromq", type: "push", mode: "connect", endpoint: plainEp })
  await plainEvents.waitFor("handshake", STEP_MS, "the live peer's handshake", before)
  live.send(["marker"])
  const marker = await within(plain.receive(), STEP_MS, "the live peer's marker")
  t.deepEqual(marker.map(f => f.toString()), ["marker"])
  const window = performance.now() - stoppedAt
  t.true(window >= 500, `window of only ${window} ms`)
  t.deepEqual(
    plainEvents.seen.map(e => e.type),
    ["bind", "accept", "handshake", "accept", "handshake"],
    `the plain socket's events over ${window.toFixed(0)} ms after the SIGSTOP`,
  )
})

/**
 * Our Pair and a zeromq.js Pair, one of them with heartbeats (interval 50, timeout 250), idle for
 * 400 ms between messages: only PING/PONG keeps the side with heartbeats from dropping the other.
 */
async function idleWithHeartbeats(t: ExecutionContext, whose: "ours" | "theirs"): Promise<void> {
  const hb = { heartbeatInterval: 50, heartbeatTimeout: 250 }
  const ours = sockets(t).pair(whose === "ours" ? hb : {})
  const rec = recordEvents(ours.events)
  let peer: EventPeer
  if (whose === "ours") {
    // Our socket connects, so it is the one that would reconnect (a second handshake) if it dropped.
    peer = await startEventPeer(t, { lib: "zeromq", type: "pair", mode: "bind", endpoint: "tcp://127.0.0.1:*" })
    ours.connect(peer.endpoint)
  } else {
    const ep = await bound(ours)
    peer = await startEventPeer(t, { lib: "zeromq", type: "pair", mode: "connect", endpoint: ep, options: hb })
  }
  await rec.waitFor("handshake", STEP_MS, "our handshake")
  await peer.waitEvent("handshake", STEP_MS, "the peer's handshake")
  const rounds = 6
  for (let i = 0; i < rounds; i++) {
    // The idle period under test, not a synchronisation: nothing but heartbeats flows meanwhile.
    await delay(400)
    await ours.send(`ping ${i}`)
    t.deepEqual(await peer.waitReceived(i, STEP_MS, `the peer to receive ping ${i}`), [`ping ${i}`])
    peer.send([`pong ${i}`])
    const reply = await within(ours.receive(), STEP_MS, `pong ${i}`)
    t.deepEqual(reply.map(f => f.toString()), [`pong ${i}`])
  }
  t.is(count(rec.seen, "handshake"), 1, `our events: ${JSON.stringify(rec.seen.map(e => e.type))}`)
  t.is(count(rec.seen, "disconnect"), 0, "we dropped the peer")
  t.is(count(peer.events, "handshake"), 1, `the peer's events: ${JSON.stringify(peer.events.map(e => e.type))}`)
  t.is(count(peer.events, "disconnect"), 0, "the peer dropped us")
}

test.serial("(d) a zeromq.js peer with heartbeats stays connected to us over idle gaps (we PONG)", t =>
  idleWithHeartbeats(t, "theirs"),
)

test.serial("(d) our heartbeats keep a live zeromq.js peer connected over idle gaps (it PONGs)", t =>
  idleWithHeartbeats(t, "ours"),
)

/** A zeromq-rs Pair in a child process connected to a bound zeromq.js Pair with `theirs` options. */
async function stopOurChild(t: ExecutionContext, theirs: Record<string, number>, ourOptions: Record<string, number>) {
  const pingsFirst = ourOptions.heartbeatInterval ?? 0
  const js = await startEventPeer(t, {
    lib: "zeromq",
    type: "pair",
    mode: "bind",
    endpoint: "tcp://127.0.0.1:*",
    options: theirs,
  })
  const rs = await startEventPeer(t, {
    lib: "zeromq-rs",
    type: "pair",
    mode: "connect",
    endpoint: js.endpoint,
    options: ourOptions,
  })
  await js.waitEvent("handshake", STEP_MS, "zeromq.js's handshake with the zeromq-rs child")
  await rs.waitEvent("handshake", STEP_MS, "the zeromq-rs child's handshake")
  js.send(["alive?"])
  t.deepEqual(await rs.waitReceived(0, STEP_MS, "the zeromq-rs child to receive a message"), ["alive?"])
  // libzmq learns our TTL from our first PING, one interval after the handshake; PINGs cannot be
  // observed, so let a few intervals pass (not a synchronisation: nothing else is waited for).
  if (pingsFirst > 0) await delay(3 * pingsFirst)
  const from = js.events.length
  t.is(count(js.events, "disconnect"), 0)
  const stoppedAt = performance.now()
  rs.stop()
  const gone = await js.waitEvent("disconnect", DROP_MS, "zeromq.js to drop the stopped zeromq-rs child", from)
  return gone.at - stoppedAt
}

test.serial("(e) a zeromq.js peer with heartbeats drops a SIGSTOPped zeromq-rs socket", async t => {
  const ms = await stopOurChild(t, { heartbeatInterval: 100 }, {})
  t.log(`zeromq.js disconnect ${ms.toFixed(0)} ms after SIGSTOP`)
})

test.serial("(e) heartbeatTimeToLive: zeromq.js without heartbeats drops a stopped zeromq-rs socket after its TTL", async t => {
  // Our PINGs carry TTL 500 ms (5 deciseconds); libzmq drops a peer silent for that long after one.
  const ms = await stopOurChild(t, {}, { heartbeatInterval: 100, heartbeatTimeToLive: 500 })
  t.log(`zeromq.js disconnect ${ms.toFixed(0)} ms after SIGSTOP`)
  t.true(ms >= 350, `dropped after only ${ms} ms, before the 500 ms TTL`)
})

test.serial("a connecting socket drops a stopped peer, and reconnects once it resumes", async t => {
  const push = sockets(t).push({ heartbeatInterval: 100 })
  const rec = recordEvents(push.events)
  const peer = await startEventPeer(t, { lib: "zeromq", type: "pull", mode: "bind", endpoint: "tcp://127.0.0.1:*" })
  push.connect(peer.endpoint)
  await rec.waitFor("handshake", STEP_MS, "our handshake")
  const from = rec.seen.length
  peer.stop()
  const gone = await rec.waitFor("disconnect", DROP_MS, "our disconnect of the stopped peer", from)
  t.is(gone.address, peer.endpoint)
  peer.resume()
  await rec.waitFor("handshake", STEP_MS, "our handshake after the peer resumed", from)
  await push.send("back")
  // The message went over the new connection: the old one was dropped while the peer was stopped.
  t.deepEqual(await peer.waitReceived(0, STEP_MS, "the resumed peer to receive"), ["back"])
  t.log(`our events: ${JSON.stringify(rec.seen.map(e => e.type))}`)
})
