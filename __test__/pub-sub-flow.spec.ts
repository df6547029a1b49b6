// PUB/SUB flow: sending with no subscribers, high-water marks and noDrop, conflate on either end, and
// invertMatching. Slow joiners are beaten with markers (helpers/pubsub-sync.ts), never by sleeping.
import test, { ExecutionContext } from "ava"
import type { Subscriber } from "../index"
import { END, MARK, publish, synced, upToEnd } from "./helpers/pubsub-sync"
import { bound, ipcEndpoint, isPending, publishUntil, sendUntilPending, sockets, texts, within } from "./helpers/sockets"

/** The next `n` messages `sub` receives that are not markers. */
async function data(sub: Subscriber, n: number): Promise<Buffer[][]> {
  const out: Buffer[][] = []
  while (out.length < n) {
    const msg = await within(sub.receive(), 5000, `message ${out.length + 1} of ${n}`)
    if (!msg[0].toString().startsWith(MARK)) out.push(msg)
  }
  return out
}

test("send with no subscribers resolves at once and drops the message; writable is always true", async (t) => {
  const s = sockets(t)
  const pub = s.pub()
  t.true(pub.writable)
  await within(pub.send("unbound"), 1000, "send before bind")
  const ep = await bound(pub)
  t.true(pub.writable)
  await within(pub.send(["nobody", "here"]), 1000, "send with no subscribers")
  const sub = s.sub()
  sub.subscribe()
  sub.connect(ep)
  // A marker is the first thing the subscriber sees: nothing was kept for it.
  await synced(pub, sub)
  await publish(pub, ["after"])
  t.deepEqual(await upToEnd(sub), [["after"]])
  t.true(pub.writable)
})

test("a subscriber at its high-water mark loses messages while the others receive every one; send never waits", async (t) => {
  const s = sockets(t)
  // Over ipc: small fixed kernel buffers, so the slow subscriber's path fills after a few dozen.
  const pub = s.pub({ sendHighWaterMark: 20 })
  const ep = await bound(pub, ipcEndpoint())
  const slow = s.sub({ receiveHighWaterMark: 5 })
  const fast = s.sub()
  for (const sub of [slow, fast]) {
    sub.connect(ep)
    sub.subscribe("d")
    await synced(pub, sub)
  }
  const pad = Buffer.alloc(16384)
  const [rounds, per] = [200, 5]
  const fastSeqs: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < per; i++) await within(pub.send(["d", String(r * per + i), pad]), 1000, "send")
    // The fast subscriber keeps up, so its queue never reaches the mark.
    for (const m of await data(fast, per)) fastSeqs.push(Number(m[1].toString()))
  }
  t.true(pub.writable)
  t.deepEqual(fastSeqs, Array.from({ length: rounds * per }, (_, n) => n))
  // The slow one now reads what it kept, until tail markers (sent until one arrives) reach it.
  const slowSeqs: number[] = []
  const drained = (async () => {
    for (;;) {
      const m = await slow.receive()
      const head = m[0].toString()
      if (head.startsWith(`${MARK}tail`)) return
      if (!head.startsWith(MARK)) slowSeqs.push(Number(m[1].toString()))
    }
  })()
  await publishUntil(pub, (i) => `${MARK}tail${i}`, drained, 10000, "the slow subscriber drained")
  t.true(slowSeqs.length > 0, "the slow subscriber kept some")
  t.true(slowSeqs.length < rounds * per, `the slow subscriber lost some (kept ${slowSeqs.length})`)
  t.true(slowSeqs.every((n, k) => k === 0 || n > slowSeqs[k - 1]), "what it kept is in order")
})

/**
 * A noDrop Publisher whose only subscriber does not read, with small queues (ipc's kernel buffers
 * are small and fixed), sent to until a send is still waiting after `ms`.
 */
async function noDropPair(t: ExecutionContext, sendTimeout: number, ms: number) {
  const s = sockets(t)
  const pub = s.pub({ noDrop: true, sendTimeout, sendHighWaterMark: 2 })
  const sub = s.sub({ receiveHighWaterMark: 2 })
  sub.connect(await bound(pub, ipcEndpoint()))
  sub.subscribe("d")
  await synced(pub, sub)
  const pad = Buffer.alloc(65536)
  const full = await sendUntilPending((i) => pub.send(["d", String(i), pad]), 2000, ms)
  return { pub, sub, ...full }
}

test("noDrop with sendTimeout -1: a send at the mark waits (zeromq.js: EAGAIN at once) and nothing is lost", async (t) => {
  const { sub, pending, index } = await noDropPair(t, -1, 300)
  const seqs = (await data(sub, index + 1)).map((m) => Number(m[1].toString()))
  await within(pending, 5000, "the waiting send, once the subscriber reads")
  t.deepEqual(seqs, Array.from({ length: index + 1 }, (_, n) => n))
})

test("noDrop with sendTimeout 300: a send at the mark waits, then rejects EAGAIN (zeromq.js: at once)", async (t) => {
  const { pub, sub, pending, index, started } = await noDropPair(t, 300, 100)
  await t.throwsAsync(within(pending, 5000, "the waiting send"), { code: "EAGAIN" })
  t.true(Date.now() - started >= 250, `waited ${Date.now() - started} ms`)
  // Everything before it arrives, in order; the rejected message does not. END waits its turn.
  pub.sendTimeout = -1
  const reading = upToEnd(sub)
  await pub.send(END)
  t.deepEqual(
    (await reading).map((m) => m[1]),
    Array.from({ length: index }, (_, n) => String(n)),
  )
})

test("noDrop with no subscribers: send resolves", async (t) => {
  const pub = sockets(t).pub({ noDrop: true })
  await t.notThrowsAsync(within(pub.send("unbound"), 1000, "send before bind"))
  await bound(pub)
  await t.notThrowsAsync(within(pub.send("nobody"), 1000, "send with no subscribers"))
})

for (const waited of [false, true]) {
  const name = waited
    ? "with two subscriptions, after a receive that waited (zeromq.js conflates subscriptions too: only the last is sent)"
    : "of 50 messages"
  test(`Subscriber conflate: only the newest is kept, ${name}`, async (t) => {
    const s = sockets(t)
    // An XPublisher sees both subscriptions arrive, so the conflating socket is not read before.
    const xpub = s.xpub()
    const ep = await bound(xpub)
    const conflated = s.sub({ conflate: true })
    const witness = s.sub()
    conflated.subscribe(...(waited ? ["m", "z"] : ["m"]))
    witness.subscribe()
    for (const sub of [conflated, witness]) sub.connect(ep)
    const expected = waited ? ["01", "016d", "017a"] : ["01", "016d"]
    const seen = new Set<string>()
    while (seen.size < expected.length) seen.add((await within(xpub.receive(), 5000, "subscriptions"))[0].toString("hex"))
    t.deepEqual([...seen].sort(), expected)
    if (waited) {
      const first = conflated.receive()
      await xpub.send("m-first")
      t.deepEqual(texts([await within(first, 5000, "the awaited message")]), [["m-first"]])
      t.deepEqual(texts(await data(witness, 1)), [["m-first"]])
    }
    for (let i = 0; i < 50; i++) await xpub.send(`m${i}`)
    t.is(texts(await data(witness, 50))[49][0], "m49")
    t.deepEqual(texts([await within(conflated.receive(), 5000, "the newest")]), [["m49"]])
    t.true(await isPending(conflated.receive()), "nothing else kept")
  })
}

test("Publisher conflate: every subscription is kept and the newest message arrives (zeromq.js keeps the last subscription only)", async (t) => {
  const s = sockets(t)
  const pub = s.pub({ conflate: true })
  const sub = s.sub()
  sub.connect(await bound(pub))
  sub.subscribe("m")
  await synced(pub, sub)
  for (let i = 0; i < 20; i++) await within(pub.send(`m${i}`), 1000, "send")
  const seen: number[] = []
  while (seen[seen.length - 1] !== 19) seen.push(Number(texts(await data(sub, 1))[0][0].slice(1)))
  t.true(seen.every((n, k) => k === 0 || n > seen[k - 1]), `in order: ${seen}`)
})

test("invertMatching on both ends: a subscriber receives only what does NOT match its subscriptions", async (t) => {
  const s = sockets(t)
  const pub = s.pub({ invertMatching: true })
  const ep = await bound(pub)
  const inverted = s.sub({ invertMatching: true })
  const unsubscribed = s.sub({ invertMatching: true })
  inverted.subscribe("a")
  inverted.connect(ep)
  // A "~syncx" subscription sent last: once "~syncx<k>" stops arriving before "~syncy<k>", it
  // (and "a" before it) is in force at the publisher.
  inverted.subscribe(`${MARK}x`)
  const applied = (async () => {
    let last = ""
    for (;;) {
      const head = (await inverted.receive())[0].toString()
      if (head.startsWith(`${MARK}y`) && last !== `${MARK}x${head.slice(MARK.length + 1)}`) return
      last = head
    }
  })()
  await publishUntil(pub, (i) => `${MARK}${i % 2 ? "y" : "x"}${i >> 1}`, applied, 5000, "subscriptions applied")
  // With no subscription at all, a marker arriving shows the connection is up.
  unsubscribed.connect(ep)
  await publishUntil(pub, (i) => `${MARK}${i}`, unsubscribed.receive(), 5000, "a marker")
  await publish(pub, ["apple", "banana", ["avocado", "x"], "cherry", ["b", "a"]])
  t.deepEqual(await upToEnd(inverted), [["banana"], ["cherry"], ["b", "a"]])
  t.deepEqual(await upToEnd(unsubscribed), [["apple"], ["banana"], ["avocado", "x"], ["cherry"], ["b", "a"]])
})
