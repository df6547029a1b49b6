// PUB/SUB matching and subscriptions: prefix matching on the first frame, fan-out, publisher-side
// filtering, subscriptions across (re)connection, and what each class refuses. Markers: helpers/pubsub-sync.ts.
import test, { ExecutionContext } from "ava"
import type { Subscriber } from "../index"
import { MARK, marked, publish, synced, upToEnd, type Msg } from "./helpers/pubsub-sync"
import { greeting, rawConnect, ready } from "./helpers/raw-peer"
import { bound, ipcEndpoint, publishUntil, sockets, within } from "./helpers/sockets"

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
