// XPUB/XSUB behaviour: subscription messages and verbosity, manual subscriptions, welcome
// messages, noDrop and invertMatching, XSubscriber's upstream messages, and the Proxy forwarder.
// Subscriptions are observed arriving at the XPublisher instead of waiting for slow joiners.
import test, { ExecutionContext } from "ava"
import { Proxy } from "../index"
import type { Socket, Subscriber, XPublisher } from "../index"
import { bound, ipcEndpoint, publishUntil, sendUntilPending, sockets, texts, within } from "./helpers/sockets"

/** A subscription message as hex: 01 (or 00 to unsubscribe) then the topic. */
const sub = (topic: string | Buffer = "") => "01" + Buffer.from(topic).toString("hex")
const unsub = (topic: string | Buffer = "") => "00" + Buffer.from(topic).toString("hex")
/** The frames of a message as hex. */
const hex = (msg: Buffer[]) => msg.map((f) => f.toString("hex"))

/** The next message at `x`, frames as hex. */
async function next(x: { receive(): Promise<Buffer[]> }, what = "a subscription message"): Promise<string[]> {
  return hex(await within(x.receive(), 5000, what))
}

/** The next `n` messages at `x` as single-frame hex, sorted (their order across peers is open). */
async function nextSorted(x: XPublisher, n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push((await next(x)).join(" "))
  return out.sort()
}

/** Texts `s` receives up to and including a message whose first frame is `last`. */
async function until(s: { receive(): Promise<Buffer[]> }, last: string): Promise<string[][]> {
  const out: string[][] = []
  while (out.length === 0 || out[out.length - 1][0] !== last) out.push(texts([await within(s.receive(), 5000, last)])[0])
  return out
}

test("XPublisher receives [01 topic] on subscribe, [00 topic] on unsubscribe and when a subscriber leaves", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub()
  const subscriber = s.sub()
  subscriber.connect(await bound(xpub))
  subscriber.subscribe("abc")
  t.deepEqual(await next(xpub), ["01616263"])
  subscriber.unsubscribe("abc")
  t.deepEqual(await next(xpub), ["00616263"])
  subscriber.subscribe()
  t.deepEqual(await next(xpub), ["01"])
  subscriber.subscribe(Buffer.from([0, 0xff]))
  t.deepEqual(await next(xpub), ["0100ff"])
  subscriber.close()
  t.deepEqual(await nextSorted(xpub, 2), ["00", "0000ff"])
})

/** Subscribes each of `subs` to its own new topic and returns what `xpub` received before all of those. */
async function barrier(xpub: XPublisher, subs: Subscriber[], tag: string): Promise<string[]> {
  const marks = new Set(subs.map((_, i) => sub(`~${tag}${i}`)))
  subs.forEach((s, i) => s.subscribe(`~${tag}${i}`))
  const out: string[] = []
  while (marks.size > 0) {
    const m = (await next(xpub, `barrier ${tag}`)).join(" ")
    if (!marks.delete(m)) out.push(m)
  }
  return out
}

for (const [verbosity, subs, unsubs] of [
  [null, 1, 1],
  ["allSubs", 2, 1],
  ["allSubsUnsubs", 2, 2],
] as const) {
  test(`verbosity ${verbosity}: two subscribers subscribe "t" → ${subs}× [01 74], unsubscribe → ${unsubs}× [00 74]`, async (t) => {
    const s = sockets(t)
    const xpub = verbosity === null ? s.xpub() : s.xpub({ verbosity })
    const ep = await bound(xpub)
    const pair = [s.sub(), s.sub()]
    for (const subscriber of pair) {
      subscriber.connect(ep)
      subscriber.subscribe("t")
    }
    // Each subscriber's barrier topic follows its own "t" on the same connection.
    t.deepEqual(await barrier(xpub, pair, "a"), Array(subs).fill(sub("t")))
    for (const subscriber of pair) subscriber.unsubscribe("t")
    t.deepEqual(await barrier(xpub, pair, "b"), Array(unsubs).fill(unsub("t")))
  })
}

test("manual: a subscription reaches the application but applies only once xpub.subscribe() is called", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub({ manual: true })
  const subscriber = s.sub()
  subscriber.connect(await bound(xpub))
  subscriber.subscribe("abc")
  t.deepEqual(await next(xpub), [sub("abc")])
  await xpub.send("abc-before")
  xpub.subscribe("abc")
  await xpub.send("abc-after")
  // Had "abc-before" been delivered it would come first.
  t.deepEqual(texts([await within(subscriber.receive(), 5000, "abc-after")]), [["abc-after"]])
})

test("manual: xpub.subscribe()/unsubscribe() apply to the subscriber that sent the latest subscription", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub({ manual: true })
  const ep = await bound(xpub)
  const [a, b] = [s.sub(), s.sub()]
  a.connect(ep)
  b.connect(ep)
  a.subscribe("x")
  t.deepEqual(await next(xpub), [sub("x")])
  xpub.subscribe("x")
  // b asks for everything; it is given "y" and "m" only.
  b.subscribe()
  t.deepEqual(await next(xpub), [sub()])
  xpub.subscribe("y")
  xpub.subscribe("m")
  for (const m of ["x1", "y1", "z1", "x-end", "y-end"]) await xpub.send(m)
  t.deepEqual(await until(a, "x-end"), [["x1"], ["x-end"]])
  t.deepEqual(await until(b, "y-end"), [["y1"], ["y-end"]])
  xpub.unsubscribe("y")
  await xpub.send("y2")
  await xpub.send("m1")
  t.deepEqual(texts([await within(b.receive(), 5000, "m1")]), [["m1"]])
})

test('welcomeMessage: each new subscriber first receives "WELCOME", once', async (t) => {
  const s = sockets(t)
  const xpub = s.xpub({ welcomeMessage: "WELCOME" })
  const ep = await bound(xpub)
  const first = s.sub()
  first.subscribe("WELCOME")
  first.connect(ep)
  t.deepEqual(await next(xpub), [sub("WELCOME")])
  t.deepEqual(texts([await within(first.receive(), 5000, "first welcome")]), [["WELCOME"]])
  const second = s.sub()
  second.subscribe()
  second.connect(ep)
  t.deepEqual(await next(xpub), [sub()])
  t.deepEqual(texts([await within(second.receive(), 5000, "second welcome")]), [["WELCOME"]])
  await xpub.send("WELCOME-after")
  t.deepEqual(texts([await within(first.receive(), 5000, "after")]), [["WELCOME-after"]])
  t.deepEqual(texts([await within(second.receive(), 5000, "after")]), [["WELCOME-after"]])
})

test("XPublisher sends like a Publisher: each subscriber gets what matches its subscriptions", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub()
  const ep = await bound(xpub)
  const [news, sport] = [s.sub(), s.sub()]
  news.subscribe("news")
  sport.subscribe("sport")
  news.connect(ep)
  sport.connect(ep)
  t.deepEqual(await nextSorted(xpub, 2), [sub("news"), sub("sport")].sort())
  for (const m of [["news", "1"], ["sport", "2"], ["weather"], ["news", "end"], ["sport", "end"]]) await xpub.send(m)
  t.deepEqual(await until(news, "news"), [["news", "1"]])
  t.deepEqual(await until(news, "news"), [["news", "end"]])
  t.deepEqual(await until(sport, "sport"), [["sport", "2"]])
  t.deepEqual(await until(sport, "sport"), [["sport", "end"]])
})

test("invertMatching on both ends: a subscriber receives only what does NOT match", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub({ invertMatching: true })
  const subscriber = s.sub({ invertMatching: true })
  subscriber.subscribe("a")
  subscriber.connect(await bound(xpub))
  t.deepEqual(await next(xpub), [sub("a")])
  for (const m of ["apple", "banana", ["avocado", "x"], "cherry", "~end"]) await xpub.send(m)
  t.deepEqual(await until(subscriber, "~end"), [["banana"], ["cherry"], ["~end"]])
})

/**
 * A noDrop XPublisher whose only subscriber does not read, with small queues (ipc's kernel buffers
 * are small and fixed), sent to until a send is still waiting after `ms`.
 */
async function noDropFull(t: ExecutionContext, sendTimeout: number, ms: number) {
  const s = sockets(t)
  const xpub = s.xpub({ noDrop: true, sendTimeout, sendHighWaterMark: 2 })
  const subscriber = s.sub({ receiveHighWaterMark: 2 })
  subscriber.subscribe("d")
  subscriber.connect(await bound(xpub, ipcEndpoint()))
  t.deepEqual(await next(xpub), [sub("d")])
  const pad = Buffer.alloc(65536)
  const full = await sendUntilPending((i) => xpub.send(["d", String(i), pad]), 2000, ms)
  return { xpub, subscriber, ...full }
}

test("noDrop with sendTimeout 300: a send at the mark waits, then rejects EAGAIN (zeromq.js: at once)", async (t) => {
  const { xpub, subscriber, pending, index, started } = await noDropFull(t, 300, 100)
  await t.throwsAsync(within(pending, 5000, "the waiting send"), { code: "EAGAIN" })
  t.true(Date.now() - started >= 250, `waited ${Date.now() - started} ms`)
  // Everything before it arrives, in order; the rejected message does not. "d-end" waits its turn.
  xpub.sendTimeout = -1
  const reading = until(subscriber, "d-end")
  await xpub.send("d-end")
  t.deepEqual(
    (await reading).map((m) => m[1] ?? m[0]),
    [...Array.from({ length: index }, (_, n) => String(n)), "d-end"],
  )
})

test("noDrop with sendTimeout -1: a send at the mark waits until the subscriber reads (zeromq.js: EAGAIN at once)", async (t) => {
  const { subscriber, pending, index } = await noDropFull(t, -1, 300)
  const got: string[] = []
  while (got.length <= index) got.push((await within(subscriber.receive(), 5000, "data"))[1].toString())
  await within(pending, 5000, "the waiting send")
  t.deepEqual(got, Array.from({ length: index + 1 }, (_, n) => String(n)))
})

test("XSubscriber: sending [01 topic] subscribes upstream, [00 topic] unsubscribes; it receives only what matches", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub()
  const xsub = s.xsub()
  xsub.connect(await bound(xpub))
  await xsub.send(Buffer.concat([Buffer.from([1]), Buffer.from("top")]))
  t.deepEqual(await next(xpub), [sub("top")])
  await xsub.send(Buffer.concat([Buffer.from([1]), Buffer.from("mark")]))
  t.deepEqual(await next(xpub), [sub("mark")])
  for (const m of [["top", "1"], ["other"], ["mark", "1"]]) await xpub.send(m)
  t.deepEqual(await until(xsub, "mark"), [["top", "1"], ["mark", "1"]])
  await xsub.send(Buffer.concat([Buffer.from([0]), Buffer.from("top")]))
  t.deepEqual(await next(xpub), [unsub("top")])
  for (const m of [["top", "2"], ["mark", "2"]]) await xpub.send(m)
  t.deepEqual(await until(xsub, "mark"), [["mark", "2"]])
})

test('XSubscriber: send("\\x01") subscribes to everything', async (t) => {
  const s = sockets(t)
  const xpub = s.xpub()
  const xsub = s.xsub()
  xsub.connect(await bound(xpub))
  await xsub.send("\x01")
  t.deepEqual(await next(xpub), ["01"])
  await xpub.send("anything")
  await xpub.send(["multi", "part"])
  t.deepEqual(await until(xsub, "multi"), [["anything"], ["multi", "part"]])
})

test("XSubscriber: messages that are not subscriptions reach the XPublisher as they are", async (t) => {
  const s = sockets(t)
  const xpub = s.xpub()
  const xsub = s.xsub()
  xsub.connect(await bound(xpub))
  await xsub.send("hello")
  t.deepEqual(texts([await within(xpub.receive(), 5000, "hello")]), [["hello"]])
  await xsub.send(Buffer.from([2, 0x78]))
  t.deepEqual(await next(xpub, "02 78"), ["0278"])
  // Subscriptions still work after them.
  await xsub.send("\x01x")
  t.deepEqual(await next(xpub), [sub("x")])
})

/** Runs `new Proxy(front, back)`, terminating it in teardown (before the sockets close) if still running. */
function forwarder<F extends Socket, B extends Socket>(t: ExecutionContext, front: F, back: B): void {
  const proxy = new Proxy(front, back)
  const running = proxy.run()
  running.catch(() => {})
  t.teardown(async () => {
    try {
      proxy.terminate()
    } catch {
      // already terminated
    }
    await within(running, 5000, "run() after terminate").catch(() => {})
  })
}

test("Proxy(xsub, xpub): subscriptions travel up to the Publisher, only matching data comes down", async (t) => {
  const s = sockets(t)
  const publisher = s.pub()
  const [xsub, xpub] = [s.xsub(), s.xpub()]
  xsub.connect(await bound(publisher))
  const front = await bound(xpub)
  forwarder(t, xsub, xpub)
  const subscriber = s.sub()
  subscriber.subscribe("sport")
  subscriber.connect(front)
  // The Publisher drops everything until "sport" has come up through the proxy.
  const first = await publishUntil(publisher, (i) => (i % 2 ? ["news", String(i)] : ["sport", String(i)]), subscriber.receive(), 5000, "a sport message")
  t.is(first[0].toString(), "sport")
  for (const m of [["news", "late"], ["sport", "final"]]) await publisher.send(m)
  const rest = await (async () => {
    const out: string[][] = []
    while (out.length === 0 || out[out.length - 1][1] !== "final") out.push(texts([await within(subscriber.receive(), 5000, "final")])[0])
    return out
  })()
  t.true(rest.every((m) => m[0] === "sport"), JSON.stringify(rest))
})

test("Proxy(xsub, xpub): an upstream XPublisher sees [01 sport], [01 news], [00 news]", async (t) => {
  const s = sockets(t)
  const upstream = s.xpub()
  const [xsub, xpub] = [s.xsub(), s.xpub()]
  xsub.connect(await bound(upstream))
  const front = await bound(xpub)
  forwarder(t, xsub, xpub)
  const [sports, news] = [s.sub(), s.sub()]
  sports.connect(front)
  news.connect(front)
  sports.subscribe("sport")
  t.deepEqual(await next(upstream), [sub("sport")])
  news.subscribe("news")
  t.deepEqual(await next(upstream), [sub("news")])
  news.unsubscribe("news")
  t.deepEqual(await next(upstream), [unsub("news")])
  await upstream.send(["sport", "1"])
  t.deepEqual(texts([await within(sports.receive(), 5000, "sport 1")]), [["sport", "1"]])
})
