// Shared pieces of the pub/sub interop specs (interop-pubsub*.spec.ts): the messages the publishing side
// sends, hex views of messages, linking our socket to zeromq.js / pyzmq peers, and our subscriptions.
//
// Synchronisation is by markers, never by sleeping: the publishing side repeats MARKER (a topic every
// subscriber here subscribes to last) until each subscriber has received one, so every subscription
// made before it is in force; then it publishes the test messages and END, and each subscriber takes
// what it got up to END (markers left out). Peers: pubsub-peers.ts; raw ZMTP: zmtp-wire.ts.
import type { ExecutionContext } from "ava"
import { Subscriber, XSubscriber } from "../../index"
import {
  END,
  MARKER,
  startPubSubPeer,
  type Bytes,
  type PeerKind,
  type PubSubPeer,
  type PubSubPeerConfig,
  type PubSubResult,
} from "./pubsub-peers"
import { bindOurs, step, wildcard, type Ours, type Side, type Transport } from "./interop-kit"

// ---- Messages and subscriptions -----------------------------------------------------------------------
// Strings here are ASCII (the peers' helper encodes them latin1, our sockets utf8: the same bytes).

export function bytes(b: Bytes): Buffer {
  return typeof b === "string" ? Buffer.from(b, "latin1") : b
}

/** Messages as hex frames: byte-exact and readable in a diff. */
export function hexes(msgs: Bytes[][]): string[][] {
  return msgs.map(m => m.map(f => bytes(f).toString("hex")))
}

/** A subscription message as XPUB yields and XSUB sends it: 0x01 (or 0x00) + topic. */
export function subMsg(topic: Bytes, on = true): Buffer {
  return Buffer.concat([Buffer.from([on ? 1 : 0]), bytes(topic)])
}

/** A frame over 255 bytes: sent with the 8-byte length form. */
const LONG = Buffer.alloc(300, 0x5a)

/** What the publishing side sends, in order, between the markers and END. No first frame starts with "!". */
export const MESSAGES: Bytes[][] = [
  ["a1", "x"],
  ["b2"],
  ["ab3", "y", "z"],
  [Buffer.from([0x00, 0x01, 0x71])],
  ["c4"],
  [Buffer.from([0x00, 0x02]), "zero-two"],
  ["abc", "", "after-empty"],
  ["a-long", LONG],
  [Buffer.from([0x61, 0x00, 0x62]), "a-nul-b"],
  [Buffer.from([0x00, 0xff, 0x10]), "zero-ff"],
  ["", "empty-topic"],
]

function isMarker(msg: Buffer[]): boolean {
  return msg[0]?.equals(bytes(MARKER)) ?? false
}

function isEnd(msg: Buffer[]): boolean {
  return msg[0]?.equals(bytes(END)) ?? false
}

/** What our socket receives up to END, markers left out. */
export async function upToEnd(sock: { receive(): Promise<Buffer[]> }, whose: string): Promise<Buffer[][]> {
  const out: Buffer[][] = []
  for (;;) {
    const msg = await step(sock.receive(), `${whose}: message ${out.length + 1} (or END)`)
    if (isEnd(msg)) return out
    if (!isMarker(msg)) out.push(msg)
  }
}

/** Publishes MESSAGES, then END. */
export async function publishAll(sock: { send(msg: Bytes[]): Promise<void> }, whose: string): Promise<void> {
  for (const [i, msg] of MESSAGES.entries()) await step(sock.send(msg), `${whose} send() of message ${i}`)
  await step(sock.send([END]), `${whose} send() of END`)
}

// ---- Peers -----------------------------------------------------------------------------------------------

/**
 * Links our socket and peers: if ours binds, each peer connects to it; else each peer binds and ours
 * connects to every one. Every peer is killed in the teardown.
 */
export async function linkPeers(
  t: ExecutionContext,
  sock: Ours,
  kind: PeerKind,
  ourSide: Side,
  configs: Omit<PubSubPeerConfig, "mode" | "endpoint">[],
  transport: Transport = "tcp",
): Promise<PubSubPeer[]> {
  const endpoint = ourSide === "bind" ? await bindOurs(sock, transport) : wildcard(transport)
  const peers: PubSubPeer[] = []
  for (const config of configs) {
    const peer = await startPubSubPeer(kind, { ...config, mode: ourSide === "bind" ? "connect" : "bind", endpoint })
    t.teardown(() => peer.kill())
    if (ourSide === "connect") sock.connect(peer.endpoint)
    peers.push(peer)
  }
  return peers
}

/** The peer's report once it has exited cleanly. */
export async function finished(t: ExecutionContext, peer: PubSubPeer, what: string): Promise<PubSubResult> {
  const result = await step(peer.result(), `${what}: its result`)
  t.is(await step(peer.exited, `${what}: its exit`), 0, `${what}: exit code`)
  return result
}

export function topicsText(topics: Bytes[]): string {
  return topics.map(tp => JSON.stringify(bytes(tp).toString("latin1"))).join(", ")
}

// ---- Our Subscriber / XSubscriber ----------------------------------------------------------------------

export type OurSub = Subscriber | XSubscriber

/** Subscribes our Subscriber (subscribe) or XSubscriber (a 0x01 + topic message), one topic at a time. */
export async function subscribeOurs(sock: OurSub, topics: Bytes[], on = true): Promise<void> {
  for (const topic of topics) {
    if (sock instanceof Subscriber) {
      if (on) sock.subscribe(topic)
      else sock.unsubscribe(topic)
    } else {
      await step(sock.send(subMsg(topic, on)), `our XSubscriber send() of ${on ? "subscribe" : "unsubscribe"} ${topicsText([topic])}`)
    }
  }
}

export function makeOurSub(cls: "Subscriber" | "XSubscriber"): OurSub {
  return cls === "Subscriber" ? new Subscriber() : new XSubscriber()
}
