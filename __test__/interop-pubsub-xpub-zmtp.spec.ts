// Interop, subscription messages and the wire: their SUB / XSUB -> our XPublisher and our Subscriber /
// XSubscriber -> their XPUB (zeromq.js, pyzmq), then hand-driven ZMTP 3.0 / 3.1 peers against our Publisher,
// Subscriber and XSubscriber. Shared pieces: helpers/pubsub-interop.ts. Tests are serial (2-core machine).
import test, { type ExecutionContext } from "ava"
import { Publisher, XPublisher } from "../index"
import { END, MARKER, MARK_TOPIC, filterFor, type Bytes, type PeerKind } from "./helpers/pubsub-peers"
import { KINDS, SIDES, STEP_MS, bindOurs, ours, peerTest, pyzmqMissing, step, where, type Side } from "./helpers/interop-kit"
import {
  MESSAGES,
  bytes,
  finished,
  hexes,
  linkPeers,
  makeOurSub,
  publishAll,
  subMsg,
  subscribeOurs,
  topicsText,
  upToEnd,
} from "./helpers/pubsub-interop"
import { publishUntil } from "./helpers/sockets"
import {
  WirePeer,
  commandFrame,
  dataFrame,
  decodeCommand,
  greetingOf,
  greetingProblems,
  readyProperties,
  ready,
  show,
  subscriptionFrame,
  wireListener,
  type WireFrame,
} from "./helpers/zmtp-wire"

if (pyzmqMissing) {
  console.log("interop-pubsub-xpub-zmtp.spec: pyzmq tests skipped: `python3 -c \"import zmq\"` fails (pip install pyzmq)")
}

/**
 * Messages as sorted hex frames: libzmq sends the subscriptions a SUB or XSUB made before a connection
 * exists in the byte order of its subscription trie, not in the order they were made.
 */
function sortedHexes(msgs: Bytes[][]): string[][] {
  return hexes(msgs).sort((x, y) => (x.join(" ") < y.join(" ") ? -1 : x.join(" ") > y.join(" ") ? 1 : 0))
}

// ---- Their SUB / XSUB -> our XPublisher -----------------------------------------------------------------

async function theirSubToOurXPublisher(t: ExecutionContext, kind: PeerKind, ourSide: Side, role: "sub" | "xsub"): Promise<void> {
  const xpub = ours(t, new XPublisher())
  const topics: Bytes[] = ["a", Buffer.from([0x00, 0xff]), MARK_TOPIC]
  const [peer] = await linkPeers(t, xpub, kind, ourSide, [{ role, topics, unsubscribe: ["a"], untilEof: true }])

  const subs: Buffer[][] = []
  for (let i = 0; i < topics.length; i++) subs.push(await step(xpub.receive(), `our XPublisher: subscription message ${i}`))
  t.deepEqual(
    sortedHexes(subs),
    sortedHexes(topics.map(tp => [subMsg(tp)])),
    `our XPublisher's subscription messages from their ${role} ([0x01 + topic], in any order)`,
  )

  // Our XPublisher has yielded every subscription, so it filters by all of them now.
  await publishAll(xpub, "our XPublisher")
  const result = await step(peer.result(), `their ${role}: its result`)
  t.deepEqual(hexes(result.received), hexes(filterFor(topics, MESSAGES)), `what their ${role} received (hex frames)`)

  // After END their socket unsubscribes "a" and stays connected until we close its stdin.
  const unsub = await step(xpub.receive(), "our XPublisher: the unsubscription message")
  t.deepEqual(hexes([unsub]), hexes([[subMsg("a", false)]]), `our XPublisher's unsubscription message from their ${role} ([0x00 + topic])`)
  peer.finish()
  t.is(await step(peer.exited, `their ${role}: its exit`), 0, `their ${role}: exit code`)
}

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    for (const role of ["sub", "xsub"] as const) {
      peerTest(kind, `their ${role} -> our XPublisher: [0x01+topic] and [0x00+topic] messages, filtered delivery (${where(ourSide)})`, t =>
        theirSubToOurXPublisher(t, kind, ourSide, role),
      )
    }
  }
}

// ---- Our Subscriber / XSubscriber -> their XPUB ---------------------------------------------------------

async function ourSubToTheirXPub(t: ExecutionContext, kind: PeerKind, ourSide: Side, cls: "Subscriber" | "XSubscriber"): Promise<void> {
  const sock = ours(t, makeOurSub(cls))
  const topics: Bytes[] = ["a", Buffer.from([0x00, 0x01]), MARK_TOPIC]
  const [peer] = await linkPeers(t, sock, kind, ourSide, [{ role: "xpub", count: topics.length + 1, messages: MESSAGES }])
  await subscribeOurs(sock, topics)

  const got: Buffer[][] = []
  for (let i = 0; i < topics.length; i++) got.push(await step(peer.got(), `their xpub: subscription message ${i}`))
  t.deepEqual(
    sortedHexes(got),
    sortedHexes(topics.map(tp => [subMsg(tp)])),
    `their xpub's subscription messages from our ${cls} (in any order: they may precede the connection)`,
  )

  await subscribeOurs(sock, ["a"], false)
  const unsub = await step(peer.got(), "their xpub: the unsubscription message")
  t.deepEqual(hexes([unsub]), hexes([[subMsg("a", false)]]), `their xpub's unsubscription message from our ${cls}`)

  // Their xpub publishes once it has all four, so it filters by what remains.
  const remaining = topics.slice(1)
  const received = await upToEnd(sock, `our ${cls}`)
  t.deepEqual(hexes(received), hexes(filterFor(remaining, MESSAGES)), `our ${cls} subscribed to ${topicsText(remaining)} (hex frames)`)
  const result = await finished(t, peer, "their xpub")
  t.is(result.received.length, topics.length + 1, "their xpub's subscription messages")
}

for (const kind of KINDS) {
  for (const ourSide of SIDES) {
    for (const cls of ["Subscriber", "XSubscriber"] as const) {
      peerTest(kind, `our ${cls} -> their xpub: it sees [0x01+topic] and [0x00+topic], then publishes to what remains (${where(ourSide)})`, t =>
        ourSubToTheirXPub(t, kind, ourSide, cls),
      )
    }
  }
}

// ---- A hand-driven ZMTP 3.0 / 3.1 SUB -> our Publisher ---------------------------------------------------

type SubForm = "3.0 data frames" | "3.1 commands" | "3.1 data frames"

/** A raw peer's subscription (or cancellation) in `form`. */
function rawSubscription(form: SubForm, topic: Bytes, on = true): Buffer {
  return form === "3.1 commands" ? commandFrame(on ? "SUBSCRIBE" : "CANCEL", topic) : subscriptionFrame(topic, on)
}

/** Checks our greeting and READY (Socket-Type `type`) on a raw connection whose greeting is already sent. */
async function handshake(t: ExecutionContext, raw: WirePeer, socketType: string, ourType: string): Promise<void> {
  const g = await raw.greeting(STEP_MS)
  t.deepEqual(greetingProblems(g), [], `our greeting ${g.toString("hex")}`)
  raw.write(ready(socketType))
  const f = await raw.frame(STEP_MS, "our READY")
  t.true(f.command, `our first frame after the greeting is a command (got ${show([f])})`)
  const cmd = decodeCommand(f)
  t.is(cmd.name, "READY", "our first command")
  t.is(readyProperties(cmd.data)["Socket-Type"], ourType, "the Socket-Type our READY announces")
}

/** Messages a raw peer reads up to the one whose first frame is `end`, those starting `skip` left out. */
async function rawUpTo(raw: WirePeer, end: Bytes, skip: Bytes): Promise<WireFrame[][]> {
  const out: WireFrame[][] = []
  for (;;) {
    const msg = await raw.message(STEP_MS, `message ${out.length + 1} (or ${bytes(end).toString("latin1")})`)
    if (msg[0].body.equals(bytes(end))) return out
    if (!msg[0].body.equals(bytes(skip))) out.push(msg)
  }
}

for (const form of ["3.0 data frames", "3.1 commands", "3.1 data frames"] as SubForm[]) {
  const minor = form.startsWith("3.0") ? 0 : 1
  test.serial(`raw ZMTP ${minor === 0 ? "3.0" : "3.1"} SUB (subscriptions as ${form.slice(4)}) -> our Publisher: only matching messages cross the wire, then cancel`, async t => {
    const pub = ours(t, new Publisher())
    const raw = await WirePeer.connect(await bindOurs(pub, "tcp"))
    t.teardown(() => raw.destroy())
    raw.write(greetingOf(minor))
    await handshake(t, raw, "SUB", "PUB")

    raw.write(rawSubscription(form, "a"), rawSubscription(form, MARK_TOPIC))
    const first = await publishUntil(pub, () => MARKER, raw.message(STEP_MS, "a marker"), STEP_MS, "a marker over the wire")
    t.deepEqual(show(first), [bytes(MARKER).toString("hex")], "the first message over the wire")

    await publishAll(pub, "our Publisher")
    const got = await rawUpTo(raw, END, MARKER)
    t.deepEqual(got.map(m => m.map(f => f.body.toString("hex"))), hexes(filterFor(["a"], MESSAGES)), "what crossed the wire (hex frames)")
    // Framing: MORE on every frame but the last; the 8-byte length for bodies over 255 bytes only.
    for (const msg of got) {
      t.deepEqual(msg.map(f => f.more), msg.map((_, i) => i < msg.length - 1), `MORE flags of ${show(msg).join(" ")}`)
      for (const f of msg) t.is(f.long, f.body.length > 255, `long form for a ${f.body.length}-byte frame`)
    }

    // Cancel "a", then subscribe "#" and sync on "#mark": the cancel is in force once one arrives.
    raw.write(rawSubscription(form, "a", false), rawSubscription(form, "#"))
    const mark2 = await publishUntil(pub, () => "#mark", raw.message(STEP_MS, "a # marker"), STEP_MS, "a # marker over the wire")
    t.deepEqual(show(mark2), [Buffer.from("#mark").toString("hex")], "the first message after the cancel")
    for (const m of [["a-after-cancel"], ["ab", "x"], ["#end"]]) await step(pub.send(m), `our send() of ${m[0]}`)
    const after = await rawUpTo(raw, "#end", "#mark")
    t.deepEqual(after.map(show), [], 'what crossed the wire after cancelling "a" (hex frames)')
  })
}

// ---- Our Subscriber / XSubscriber -> a hand-driven ZMTP 3.0 / 3.1 PUB ------------------------------------
// libzmq 4.3.5, as measured on the wire: a SUB sends SUBSCRIBE/CANCEL commands to a 3.1 peer and
// 0x01/0x00 + topic data frames to a 3.0 peer; an XSUB sends its messages as data frames either way.

for (const [cls, minor] of [
  ["Subscriber", 0],
  ["Subscriber", 1],
  ["XSubscriber", 0],
] as const) {
  const version = minor === 0 ? "3.0" : "3.1"
  const commands = cls === "Subscriber" && minor === 1
  test.serial(`our ${cls} -> raw ZMTP ${version} PUB: subscriptions as ${commands ? "SUBSCRIBE/CANCEL commands" : "0x01/0x00 data frames"}, messages ${cls === "Subscriber" ? "filtered on our side too" : "all delivered (XSUB does not filter)"}`, async t => {
    const listener = await wireListener()
    t.teardown(() => listener.close())
    const sub = ours(t, makeOurSub(cls))
    sub.connect(listener.endpoint)
    const topics: Bytes[] = ["a", Buffer.from([0x00, 0x01])]
    await subscribeOurs(sub, topics)
    const raw = await listener.accept(STEP_MS)
    raw.write(greetingOf(minor))
    await handshake(t, raw, "PUB", cls === "Subscriber" ? "SUB" : "XSUB")

    const expectFrame = (topic: Bytes, on: boolean): string =>
      commands ? `cmd:${on ? "SUBSCRIBE" : "CANCEL"}:${bytes(topic).toString("hex")}` : subMsg(topic, on).toString("hex")
    const subs: WireFrame[] = []
    for (let i = 0; i < topics.length; i++) subs.push(await raw.frame(STEP_MS, `subscription ${i}`))
    // Each held topic once, in no promised order (libzmq sends them in byte order; so do we).
    t.deepEqual(
      show(subs).sort(),
      topics.map(tp => expectFrame(tp, true)).sort(),
      "our subscriptions on the wire",
    )

    // The peer sends matching and non-matching messages; a SUB drops the non-matching ones itself.
    const sent: Bytes[][] = [["a1"], ["b1"], ["a2", "x"], [Buffer.from([0x00, 0x01, 0xff])], ["c"], [Buffer.from([0x00, 0x02])], ["a-end"]]
    for (const m of sent) raw.write(...m.map((f, i) => dataFrame(f, i < m.length - 1)))
    const expected = cls === "Subscriber" ? filterFor(topics, sent) : sent
    const got: Buffer[][] = []
    for (;;) {
      const msg = await step(sub.receive(), `our ${cls}: message ${got.length + 1} (or a-end)`)
      got.push(msg)
      if (msg[0].toString("latin1") === "a-end") break
    }
    t.deepEqual(hexes(got), hexes(expected), `what our ${cls} received (hex frames)`)

    await subscribeOurs(sub, ["a"], false)
    const cancel = await raw.frame(STEP_MS, "the cancellation")
    t.deepEqual(show([cancel]), [expectFrame("a", false)], "our cancellation on the wire")
    t.is(raw.pending, 0, "nothing else on the wire")
  })
}
