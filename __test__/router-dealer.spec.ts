// DEALER/ROUTER behaviour: round-robin and fair-queueing, identity routing, routing ids and options.
import test from "ava"
import type { Dealer, Router } from "../index"
import { checkFairQueueing } from "./helpers/fairness"
import { bound, isPending, receiveN, sockets, texts, within } from "./helpers/sockets"

/** Sends a hello from `dealer` and returns the routing id `router` sees it under. */
async function hello(router: Router, dealer: Dealer, text = "hello"): Promise<Buffer> {
  await dealer.send(text)
  const msg = await within(router.receive(), 5000, `${text} at router`)
  if (msg.length !== 2 || msg[1].toString() !== text) throw new Error(`unexpected ${JSON.stringify(texts([msg]))}`)
  return msg[0]
}

test("Dealer round-robins sends over three Routers", async (t) => {
  const s = sockets(t)
  const routers = [s.router(), s.router(), s.router()]
  const dealer = s.dealer()
  for (const router of routers) dealer.connect(await bound(router))
  for (let i = 0; i < 9; i++) await dealer.send(["m", String(i)])
  const got = await within(Promise.all(routers.map((r) => receiveN(r, 3))), 5000, "9 messages")
  got.forEach((msgs, k) => {
    t.true(msgs.every((m) => m.length === 3 && m[0].equals(msgs[0][0])), "one peer id per router")
    t.deepEqual(
      msgs.map((m) => m[2].toString()),
      [0, 1, 2].map((i) => String(i * 3 + k)),
    )
  })
})

test("Dealer fair-queues receives from three Dealers", async (t) => {
  const s = sockets(t)
  const dealer = s.dealer({ receiveHighWaterMark: 5 })
  const ep = await bound(dealer)
  const peers = [s.dealer(), s.dealer(), s.dealer()]
  for (const peer of peers) peer.connect(ep)
  await checkFairQueueing(t, dealer, peers, 200)
})

test("Router receives [id, ...frames] and routes [id, ...frames] back to that peer", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const ep = await bound(router)
  const d1 = s.dealer()
  const d2 = s.dealer()
  d1.connect(ep)
  d2.connect(ep)
  await d1.send(["from", "d1", ""])
  await d2.send(["from", "d2", ""])
  const ids = new Map<string, Buffer>()
  for (const msg of await within(receiveN(router, 2), 5000, "two messages")) {
    t.is(msg.length, 4)
    t.is(msg[1].toString(), "from")
    t.is(msg[3].length, 0)
    ids.set(msg[2].toString(), msg[0])
  }
  // Generated ids: 5 bytes, a leading 0, one per peer.
  const [id1, id2] = [ids.get("d1")!, ids.get("d2")!]
  for (const id of [id1, id2]) {
    t.is(id.length, 5)
    t.is(id[0], 0)
  }
  t.false(id1.equals(id2))
  await router.send([id2, "to", "d2"])
  await router.send([id1, "to", "d1"])
  t.deepEqual(texts([await within(d1.receive(), 5000, "d1")]), [["to", "d1"]])
  t.deepEqual(texts([await within(d2.receive(), 5000, "d2")]), [["to", "d2"]])
  // The same peer keeps its id.
  t.true((await hello(router, d1, "again")).equals(id1))
})

test("Dealer routingId 'client-1' is seen and addressable as 'client-1'", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const dealer = s.dealer({ routingId: "client-1" })
  t.is(dealer.routingId, "client-1")
  dealer.connect(await bound(router))
  t.is((await hello(router, dealer)).toString(), "client-1")
  await router.send(["client-1", "b1", "b2"])
  t.deepEqual(texts([await within(dealer.receive(), 5000, "reply")]), [["b1", "b2"]])
})

test("routingId must be 1 to 255 bytes: EINVAL otherwise, as property and as option", async (t) => {
  const s = sockets(t)
  for (const bad of ["", "x".repeat(256)]) {
    const dealer = s.dealer()
    t.throws(() => {
      dealer.routingId = bad
    }, { code: "EINVAL", message: "Invalid argument" }, `property, ${bad.length} bytes`)
    t.throws(() => s.dealer({ routingId: bad }), { code: "EINVAL" }, `option, ${bad.length} bytes`)
    t.throws(() => s.router({ routingId: bad }), { code: "EINVAL" }, `router option, ${bad.length} bytes`)
  }
  const router = s.router()
  const ep = await bound(router)
  for (const good of ["a", "y".repeat(255)]) {
    const viaProperty = s.dealer()
    t.notThrows(() => {
      viaProperty.routingId = good
    })
    t.is(viaProperty.routingId, good)
    const dealer = s.dealer({ routingId: good })
    t.is(dealer.routingId, good)
    dealer.connect(ep)
    t.is((await hello(router, dealer)).toString(), good)
  }
})

test("Router by default drops a message to an unknown id and the send resolves", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const dealer = s.dealer({ routingId: "known" })
  dealer.connect(await bound(router))
  await hello(router, dealer)
  await t.notThrowsAsync(within(router.send(["unknown", "lost"]), 1000, "send to unknown"))
  await router.send(["known", "marker"])
  t.deepEqual(texts([await within(dealer.receive(), 5000, "marker")]), [["marker"]])
})

test("mandatory: an unknown id rejects EHOSTUNREACH; known ids still work", async (t) => {
  const s = sockets(t)
  const router = s.router({ mandatory: true })
  const dealer = s.dealer({ routingId: "known" })
  dealer.connect(await bound(router))
  await hello(router, dealer)
  const err = await t.throwsAsync(within(router.send(["unknown", "lost"]), 1000, "send to unknown"), {
    code: "EHOSTUNREACH",
    message: "Host unreachable",
  })
  t.is((err as { errno?: number }).errno, 113)
  await router.send(["known", "ok"])
  t.deepEqual(texts([await within(dealer.receive(), 5000, "ok")]), [["ok"]])
})

test("mandatory with no peers at all: unknown id rejects EHOSTUNREACH at once (zeromq.js pends)", async (t) => {
  const s = sockets(t)
  const router = s.router({ mandatory: true })
  await bound(router)
  await t.throwsAsync(within(router.send(["nobody", "lost"]), 1000, "send with no peers"), {
    code: "EHOSTUNREACH",
  })
})

test("send([id]) with no body frames resolves and delivers nothing", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const dealer = s.dealer({ routingId: "known-id" })
  dealer.connect(await bound(router))
  await hello(router, dealer)
  await t.notThrowsAsync(within(router.send(["known-id"]), 1000, "id only"))
  await t.notThrowsAsync(within(router.send("known-id"), 1000, "id only, not an array"))
  await router.send(["known-id", "marker"])
  t.deepEqual(texts([await within(dealer.receive(), 5000, "marker")]), [["marker"]])
})

test("handover false (default): a second Dealer with a taken id does not take it over", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const ep = await bound(router)
  const first = s.dealer({ routingId: "taken" })
  first.connect(ep)
  await hello(router, first, "first")
  const second = s.dealer({ routingId: "taken", sendTimeout: 0 })
  second.connect(ep)
  second.send("from second").catch(() => {})
  const secondGot = second.receive()
  secondGot.catch(() => {})
  // Several round trips with the first give the second's connection every chance to land.
  for (let i = 0; i < 5; i++) {
    await router.send(["taken", `to taken ${i}`])
    t.deepEqual(texts([await within(first.receive(), 5000, `to taken ${i}`)]), [[`to taken ${i}`]])
    await first.send(`ack ${i}`)
    t.deepEqual(texts([await within(router.receive(), 5000, `ack ${i}`)]), [["taken", `ack ${i}`]])
  }
  t.true(await isPending(secondGot), "the second Dealer received nothing")
})

test("handover true: a second Dealer with a taken id takes it over", async (t) => {
  const s = sockets(t)
  const router = s.router({ handover: true })
  const ep = await bound(router)
  // No reconnection, so the displaced Dealer cannot take the id back.
  const first = s.dealer({ routingId: "taken", reconnectInterval: -1 })
  first.connect(ep)
  await hello(router, first, "first")
  const second = s.dealer({ routingId: "taken" })
  second.connect(ep)
  t.is((await hello(router, second, "second")).toString(), "taken")
  await router.send(["taken", "to the new one"])
  t.deepEqual(texts([await within(second.receive(), 5000, "second")]), [["to the new one"]])
  t.true(await isPending(first.receive()), "the first Dealer received nothing")
})

test("router.connect(ep, { routingId }) names the connected Router for addressing", async (t) => {
  const s = sockets(t)
  const r1 = s.router()
  const r2 = s.router({ routingId: "r2", probeRouter: true })
  r2.connect(await bound(r1), { routingId: "peer-r1" })
  // r2's probe tells us the connection is up; r1 knows r2 by its own routingId.
  t.deepEqual(texts([await within(r1.receive(), 5000, "probe")]), [["r2", ""]])
  await r2.send(["peer-r1", "hello r1"])
  t.deepEqual(texts([await within(r1.receive(), 5000, "hello")]), [["r2", "hello r1"]])
  await r1.send(["r2", "hello r2"])
  t.deepEqual(texts([await within(r2.receive(), 5000, "answer")]), [["peer-r1", "hello r2"]])
})

test("probeRouter: the Router receives [dealer id, ''] unasked on connect", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const ep = await bound(router)
  const named = s.dealer({ routingId: "probe-d", probeRouter: true })
  named.connect(ep)
  t.deepEqual(texts([await within(router.receive(), 5000, "named probe")]), [["probe-d", ""]])
  const anonymous = s.dealer({ probeRouter: true })
  anonymous.connect(ep)
  const probe = await within(router.receive(), 5000, "anonymous probe")
  t.is(probe.length, 2)
  t.is(probe[0].length, 5)
  t.is(probe[1].length, 0)
  // After the probe, traffic flows as usual under the same id.
  t.true((await hello(router, anonymous)).equals(probe[0]))
})

test("Router id frames follow MessageLike rules", async (t) => {
  const s = sockets(t)
  const router = s.router()
  const dealer = s.dealer({ routingId: "42" })
  dealer.connect(await bound(router))
  await hello(router, dealer)
  const bytes = Buffer.from("42")
  await router.send([42, "number"])
  await router.send([new Uint8Array(bytes), "uint8array"])
  await router.send([bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 2), "arraybuffer"])
  await router.send([new DataView(bytes.buffer, bytes.byteOffset, 2), "dataview"])
  await router.send([null, "to the empty id"])
  // Not a MessageLike: a TypeError, and nothing is sent (zeromq.js sends "[object Object]").
  t.throws(() => router.send([{ id: 42 } as never, "object"]), { instanceOf: TypeError })
  await router.send(["42", "marker"])
  t.deepEqual(texts(await within(receiveN(dealer, 5), 5000, "5 messages")), [
    ["number"],
    ["uint8array"],
    ["arraybuffer"],
    ["dataview"],
    ["marker"],
  ])
})
