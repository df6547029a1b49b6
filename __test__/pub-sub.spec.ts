// PUB/SUB behaviour: prefix matching on the first frame, fan-out, publisher-side filtering,
// subscriptions across (re)connection, high-water marks and noDrop, conflate, invertMatching.
// Slow joiners are beaten by publishing markers until one arrives, never by sleeping.
import test, { ExecutionContext } from "ava"
import type { MessageLike, Publisher, Subscriber } from "../index"
import { greeting, rawConnect, ready } from "./helpers/raw-peer"
import { bound, ipcEndpoint, isPending, publishUntil, sendUntilPending, sockets, texts, within } from "./helpers/sockets"

/** Prefix of every synchronisation marker; no test message starts with it, and "~" sorts after them all. */
const MARK = "~sync"
/** The marker that ends a batch (it matches the MARK subscription). */
const END = `${MARK}-end`
const marked = new WeakSet<Subscriber>()
type Msg = MessageLike | MessageLike[]

/**
 * Subscribes `sub` to MARK (once, after its other subscriptions) and publishes markers until it
 * receives one: every subscription `sub` sent before is then in force at `pub`.
 */
async function synced(pub: Publisher, sub: Subscriber): Promise<void> {
  if (!marked.has(sub)) {
    sub.subscribe(MARK)
    marked.add(sub)
  }
  const first = await publishUntil(pub, (i) => `${MARK}${i}`, sub.receive(), 5000, "a marker")
  if (!first[0].toString().startsWith(MARK)) throw new Error(`not a marker first: ${JSON.stringify(texts([first]))}`)
}

/** Publishes each message, then END. */
async function publish(pub: Publisher, msgs: Msg[]): Promise<void> {
  for (const m of msgs) await within(pub.send(m), 2000, "publish")
  await pub.send(END)
}

/** What `sub` receives up to END, markers left out. */
async function upToEnd(sub: { receive(): Promise<Buffer[]> }): Promise<string[][]> {
  const out: Buffer[][] = []
  for (;;) {
    const msg = await within(sub.receive(), 5000, "the end marker")
    const head = msg[0].toString()
    if (head === END) return texts(out)
    if (!head.startsWith(MARK)) out.push(msg)
  }
}

/** The next `n` messages `sub` receives that are not markers. */
async function data(sub: Subscriber, n: number): Promise<Buffer[][]> {
  const out: Buffer[][] = []
  while (out.length < n) {
    const msg = await within(sub.receive(), 5000, `message ${out.length + 1} of ${n}`)
    if (!msg[0].toString().startsWith(MARK)) out.push(msg)
  }
  return out
}

// Reference §4: what each subscription setup receives of these nine messages.
const PUBLISHED: Msg[] = ["apple", "banana", "ab", "a", "", ["b", "a-second-frame"], ["abc", "x"], Buffer.from([0, 1, 2]), Buffer.from([0x61, 0, 0x62])]
const ALL = [["apple"], ["banana"], ["ab"], ["a"], [""], ["b", "a-second-frame"], ["abc", "x"], ["\x00\x01\x02"], ["a\x00b"]]
const A = [["apple"], ["ab"], ["a"], ["abc", "x"], ["a\x00b"]]
const AB = [["apple"], ["banana"], ["ab"], ["a"], ["b", "a-second-frame"], ["abc", "x"], ["a\x00b"]]
const anyTopic = null as unknown as string
const cases: [string, (sub: Subscriber) => void, string[][]][] = [
  ["subscribe()", (s) => s.subscribe(), ALL],
  ['subscribe("")', (s) => s.subscribe(""), ALL],
  ["subscribe(null)", (s) => s.subscribe(anyTopic), ALL],
  ["no subscription", () => {}, []],
  ['subscribe("a")', (s) => s.subscribe("a"), A],
  ['subscribe("a", "b")', (s) => s.subscribe("a", "b"), AB],
  ['subscribe(Buffer "ban")', (s) => s.subscribe(Buffer.from("ban")), [["banana"]]],
  ["subscribe(Buffer 00)", (s) => s.subscribe(Buffer.from([0])), [["\x00\x01\x02"]]],
  ["subscribe(Buffer 61 00)", (s) => s.subscribe(Buffer.from([0x61, 0])), [["a\x00b"]]],
  ['subscribe("a") twice, unsubscribe("a") once', (s) => (s.subscribe("a"), s.subscribe("a"), s.unsubscribe("a")), A],
  ["subscribe(); unsubscribe()", (s) => (s.subscribe(), s.unsubscribe()), []],
  ['subscribe(); unsubscribe("a")', (s) => (s.subscribe(), s.unsubscribe("a")), ALL],
  ['subscribe("a", "b"); unsubscribe("b")', (s) => (s.subscribe("a", "b"), s.unsubscribe("b")), A],
  ['subscribe("a", "b"); unsubscribe("a", "b")', (s) => (s.subscribe("a", "b"), s.unsubscribe("a", "b")), []],
]
for (const [name, setup, expected] of cases) {
  test(`Subscriber ${name}: receives what matches by prefix of the first frame`, async (t) => {
    const s = sockets(t)
    const pub = s.pub()
    const sub = s.sub()
    sub.connect(await bound(pub))
    setup(sub)
    await synced(pub, sub)
    await publish(pub, PUBLISHED)
    t.deepEqual(await upToEnd(sub), expected)
  })
}

test("Publisher fans out each message, all frames, to every subscriber it matches", async (t) => {
  const s = sockets(t)
  const pub = s.pub()
  const ep = await bound(pub)
  const subs = [s.sub(), s.sub(), s.sub()]
  const topics = ["news", "news", "sport"]
  for (const [i, sub] of subs.entries()) {
    sub.connect(ep)
    sub.subscribe(topics[i])
    await synced(pub, sub)
  }
  await publish(pub, [["news", "n1", "n2"], ["sport", "s1"], ["weather", "w1"], "news-flash", ["spor", "t"]])
  const news = [["news", "n1", "n2"], ["news-flash"]]
  t.deepEqual(await upToEnd(subs[0]), news)
  t.deepEqual(await upToEnd(subs[1]), news)
  t.deepEqual(await upToEnd(subs[2]), [["sport", "s1"]])
})

/** A raw ZMTP 3.1 SUB peer: sends SUBSCRIBE commands and hands back every message that crosses the wire. */
async function rawSubscriber(t: ExecutionContext, ep: string, topics: string[]) {
  const sock = await rawConnect(ep)
  t.teardown(() => sock.destroy())
  const subscribe = (topic: string) => {
    const body = Buffer.concat([Buffer.from([9]), Buffer.from("SUBSCRIBE"), Buffer.from(topic)])
    return Buffer.concat([Buffer.from([0x04, body.length]), body])
  }
  // READY and the subscriptions go once the publisher's greeting is in.
  sock.write(greeting())
  let buf = Buffer.alloc(0)
  let greeted = false
  let parts: Buffer[] = []
  const queue: Buffer[][] = []
  let wake = () => {}
  sock.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk])
    if (!greeted && buf.length >= 64) {
      ;[buf, greeted] = [buf.subarray(64), true]
      sock.write(Buffer.concat([ready("SUB"), ...topics.map(subscribe)]))
    }
    while (greeted && buf.length >= 2) {
      const head = buf[0] & 0x02 ? 9 : 2
      if (buf.length < head) break
      const len = head === 9 ? Number(buf.readBigUInt64BE(1)) : buf[1]
      if (buf.length < head + len) break
      const [flags, body] = [buf[0], Buffer.from(buf.subarray(head, head + len))]
      buf = buf.subarray(head + len)
      if (flags & 0x04) continue // a command (READY)
      parts.push(body)
      if (flags & 0x01) continue // more frames follow
      queue.push(parts)
      parts = []
      wake()
    }
  })
  return {
    async receive(): Promise<Buffer[]> {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r))
      return queue.shift()!
    },
  }
}

test("filtering is publisher-side: unmatched messages never cross the wire", async (t) => {
  const s = sockets(t)
  const pub = s.pub()
  const raw = await rawSubscriber(t, await bound(pub), ["a", MARK])
  await publishUntil(pub, (i) => `${MARK}${i}`, raw.receive(), 5000, "a marker over the wire")
  await publish(pub, ["banana", ["apple", "x"], "cherry", ["b", "a"]])
  t.deepEqual(await upToEnd(raw), [["apple", "x"]])
})

test("subscribe(123) and unsubscribe(123) throw TypeError", (t) => {
  const sub = sockets(t).sub() as unknown as { subscribe(x: unknown): void; unsubscribe(x: unknown): void }
  t.throws(() => sub.subscribe(123), { instanceOf: TypeError })
  t.throws(() => sub.unsubscribe(123), { instanceOf: TypeError })
})

test("subscriptions made before connect() are sent when the connection is made", async (t) => {
  const s = sockets(t)
  const pub = s.pub()
  const ep = await bound(pub)
  const sub = s.sub()
  sub.subscribe("a")
  sub.connect(ep)
  await synced(pub, sub)
  await publish(pub, ["banana", "apple"])
  t.deepEqual(await upToEnd(sub), [["apple"]])
})

test("subscriptions made before the publisher binds are sent once it does", async (t) => {
  const s = sockets(t)
  const ep = ipcEndpoint()
  const sub = s.sub()
  sub.connect(ep)
  sub.subscribe("a")
  sub.subscribe(MARK)
  marked.add(sub)
  const pub = s.pub()
  await pub.bind(ep)
  await synced(pub, sub)
  await publish(pub, ["banana", "apple"])
  t.deepEqual(await upToEnd(sub), [["apple"]])
})

test("a publisher closed and another bound on the same endpoint: subscriptions are resent, delivery resumes", async (t) => {
  const s = sockets(t)
  const first = s.pub()
  const ep = await bound(first)
  const sub = s.sub({ reconnectInterval: 20 })
  sub.connect(ep)
  sub.subscribe("a")
  await synced(first, sub)
  await publish(first, ["banana", "apple"])
  t.deepEqual(await upToEnd(sub), [["apple"]])
  first.close()
  const second = s.pub()
  // zeromq.js releases the port asynchronously: retry while it is still taken.
  const taken = (err: { code?: string }) => (err.code === "EADDRINUSE" ? false : Promise.reject(err))
  const rebind = async () => {
    while (!(await second.bind(ep).then(() => true, taken))) await new Promise((r) => setTimeout(r, 10))
  }
  await within(rebind(), 5000, "binding the endpoint again")
  // Nothing is subscribed again: only the resent subscriptions let markers and data through.
  await synced(second, sub)
  await publish(second, ["blueberry", "avocado"])
  t.deepEqual(await upToEnd(sub), [["avocado"]])
})

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

test("Publisher has no receive or subscribe (zeromq.js: receive pends forever)", (t) => {
  const pub = sockets(t).pub() as unknown as Record<string, (...args: unknown[]) => unknown>
  t.throws(() => pub.subscribe("a"), { instanceOf: TypeError, message: /not a function/ })
  t.throws(() => pub.receive(), { instanceOf: TypeError, message: /not a function/ })
})

test("Subscriber.send is a TypeError at once (zeromq.js: send pends forever)", (t) => {
  const sub = sockets(t).sub()
  t.throws(() => (sub as unknown as { send(m?: unknown): unknown }).send("a"), {
    instanceOf: TypeError,
    message: /cannot send/,
  })
  t.throws(() => (sub as unknown as { send(m?: unknown): unknown }).send(), {
    instanceOf: TypeError,
    message: "Message must be present",
  })
})

test("Subscriber linger defaults to 0", (t) => {
  t.is(sockets(t).sub().linger, 0)
})
