// Interop, the data direction: our Publisher -> zeromq.js / pyzmq (libzmq 4.3.x) SUB and XSUB peers, and
// their PUB -> our Subscriber and XSubscriber, ours binding or connecting. Marker synchronisation and shared
// pieces: helpers/pubsub-interop.ts. Tests are serial: each spawns peer processes on a 2-core machine.
import type { ExecutionContext } from "ava"
import { Publisher } from "../index"
import { END, MARKER, MARK_TOPIC, filterFor, startPubSubPeer, type Bytes, type PeerKind, type PubSubPeer } from "./helpers/pubsub-peers"
import { KINDS, SIDES, STEP_MS, bindOurs, ours, peerTest, pyzmqMissing, step, where, wildcard, type Side, type Transport } from "./helpers/interop-kit"
import {
  MESSAGES,
  finished,
  hexes,
  linkPeers,
  makeOurSub,
  publishAll,
  subscribeOurs,
  topicsText,
  upToEnd,
} from "./helpers/pubsub-interop"
import { publishUntil } from "./helpers/sockets"

if (pyzmqMissing) {
  console.log("interop-pubsub.spec: pyzmq tests skipped: `python3 -c \"import zmq\"` fails (pip install pyzmq)")
}

/** Two subscribers' topics: plain prefixes, and a Buffer topic with a 0x00 byte; MARK_TOPIC last. */
const TOPICS_A: Bytes[] = ["a", MARK_TOPIC]
const TOPICS_B: Bytes[] = [Buffer.from([0x00, 0x01]), "ab", MARK_TOPIC]

// ---- Our Publisher -> their SUB / XSUB ------------------------------------------------------------------

async function ourPublisherToTheirSubs(
  t: ExecutionContext,
  kind: PeerKind,
  ourSide: Side,
  role: "sub" | "xsub",
  transport: Transport,
): Promise<void> {
  const pub = ours(t, new Publisher())
  const sets = [TOPICS_A, TOPICS_B]
  const peers = await linkPeers(t, pub, kind, ourSide, sets.map(topics => ({ role, topics, marker: MARKER })), transport)
  await publishUntil(pub, () => MARKER, Promise.all(peers.map(p => p.marked())), STEP_MS, `every ${role} to receive a marker`)
  await publishAll(pub, "our Publisher")
  for (const [i, peer] of peers.entries()) {
    const result = await finished(t, peer, `their ${role} ${i}`)
    t.deepEqual(
      hexes(result.received),
      hexes(filterFor(sets[i], MESSAGES)),
      `what their ${role} subscribed to ${topicsText(sets[i])} received (hex frames)`,
    )
  }
}

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    for (const role of ["sub", "xsub"] as const) {
      peerTest(kind, `our Publisher -> two ${role}s with prefix and 0x00 topics: only matching messages, all frames (${where(ourSide)})`, t =>
        ourPublisherToTheirSubs(t, kind, ourSide, role, "tcp"),
      )
    }
  }
  peerTest(kind, `our Publisher -> two subs (${where("bind", "ipc")})`, t => ourPublisherToTheirSubs(t, kind, "bind", "sub", "ipc"))
}

// ---- Their PUB -> our Subscriber / XSubscriber ----------------------------------------------------------

async function theirPubToOurSubs(t: ExecutionContext, kind: PeerKind, ourSide: Side, cls: "Subscriber" | "XSubscriber"): Promise<void> {
  // One peer pub connects to one endpoint: when ours binds, one socket holds both subscriptions.
  const sets = ourSide === "connect" ? [TOPICS_A, TOPICS_B] : [[...TOPICS_A.slice(0, -1), ...TOPICS_B]]
  const socks = sets.map(() => ours(t, makeOurSub(cls)))
  let peer: PubSubPeer
  if (ourSide === "bind") {
    const endpoint = await bindOurs(socks[0], "tcp")
    peer = await startPubSubPeer(kind, { role: "pub", mode: "connect", endpoint, messages: MESSAGES })
  } else {
    peer = await startPubSubPeer(kind, { role: "pub", mode: "bind", endpoint: wildcard("tcp"), messages: MESSAGES })
    for (const s of socks) s.connect(peer.endpoint)
  }
  t.teardown(() => peer.kill())
  for (const [i, s] of socks.entries()) await subscribeOurs(s, sets[i])

  // The pub sends nothing but markers until its stdin closes: each of ours must get one first.
  for (const [i, s] of socks.entries()) {
    const first = await step(s.receive(), `our ${cls} ${i}: a marker`)
    t.deepEqual(hexes([first]), hexes([[MARKER]]), `our ${cls} ${i}: the first message is a marker`)
  }
  peer.finish()
  for (const [i, s] of socks.entries()) {
    const got = await upToEnd(s, `our ${cls} ${i}`)
    t.deepEqual(hexes(got), hexes(filterFor(sets[i], MESSAGES)), `our ${cls} subscribed to ${topicsText(sets[i])} (hex frames)`)
  }
  const result = await finished(t, peer, "their pub")
  t.deepEqual(hexes(result.sent), hexes([...MESSAGES, [END]]), "what their pub sent")
}

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    for (const cls of ["Subscriber", "XSubscriber"] as const) {
      peerTest(kind, `their pub -> our ${cls}: prefix filtering, multipart, Buffer topics with 0x00 (${where(ourSide)})`, t =>
        theirPubToOurSubs(t, kind, ourSide, cls),
      )
    }
  }
}
