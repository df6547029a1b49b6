// Contexts (options, defaults for their sockets, the socket limit), the Socket base class with
// zeromq.js's numeric types, and the module's exports, as zeromq.js has them.
import test from "ava"
import * as zmq from "../index"
import { Context, Dealer, Pair, Proxy, Pull, Socket, context } from "../index"
import { bound, sockets } from "./helpers/sockets"

test("the default context and a new one have zeromq.js's defaults", (t) => {
  for (const c of [context, new Context()]) {
    t.is(c.ioThreads, 1)
    t.is(c.maxSockets, 1023)
    t.is(c.maxSocketsLimit, 65535)
    t.is(c.maxMessageSize, 2147483647)
    t.false(c.ipv6)
    t.true(c.blocky)
  }
  t.deepEqual(Object.keys(new Context()), [])
})

test("context options are set in the constructor or as properties, and checked", (t) => {
  const c = new Context({ ioThreads: 2, maxSockets: 10, maxMessageSize: 4096, ipv6: true, blocky: false })
  t.deepEqual([c.ioThreads, c.maxSockets, c.maxMessageSize, c.ipv6, c.blocky], [2, 10, 4096, true, false])
  t.is(new Context({ ioThreads: 0 }).ioThreads, 0)
  c.ioThreads = 75
  t.is(c.ioThreads, 75)

  const einval = t.throws(() => new Context({ ioThreads: -1 }), { code: "EINVAL", message: "Invalid argument" })
  t.is((einval as { errno?: number }).errno, 22)
  t.throws(() => (c.maxSockets = 0), { code: "EINVAL" })
  t.throws(() => (c.maxSockets = 65536), { code: "EINVAL" })
  t.throws(() => (c.maxMessageSize = -1), { code: "EINVAL" })
  t.throws(() => new Context({ ioThreads: "hello" } as never), { instanceOf: TypeError, message: "Option value must be a number" })
  t.throws(() => (c.ipv6 = 1 as never), { instanceOf: TypeError, message: "Option value must be a boolean" })
  t.throws(() => new Context({ doesNotExist: 1 } as never), {
    instanceOf: TypeError,
    message: "Cannot add property doesNotExist, object is not extensible",
  })
  t.throws(() => new Context({ maxSocketsLimit: 1 } as never), {
    instanceOf: TypeError,
    message: "Cannot set property maxSocketsLimit of #<Context> which has only a getter",
  })
  t.throws(() => ((c as unknown as Record<string, number>).doesNotExist = 1), {
    instanceOf: TypeError,
    message: "Cannot add property doesNotExist, object is not extensible",
  })
  t.throws(() => ((c as unknown as Record<string, number>).maxSocketsLimit = 1), { instanceOf: TypeError })
  t.throws(() => new Context(1 as never), { instanceOf: TypeError, message: "Options must be an object" })
  t.throws(() => new (Context as unknown as new (...a: unknown[]) => Context)({}, 2), {
    instanceOf: TypeError,
    message: "Expected 1 argument",
  })
  t.throws(() => (Context as unknown as () => void)(), {
    instanceOf: TypeError,
    message: "Class constructors cannot be invoked without 'new'",
  })
})

test("sockets belong to the default context unless given one", (t) => {
  const s = sockets(t)
  const c2 = new Context()
  t.is(s.dealer().context, context)
  t.is(s.dealer({ context: c2 }).context, c2)
  t.is(s.pull({ context: undefined }).context, context)
  for (const bad of [null, {}, 1]) {
    const err = t.throws(() => new Dealer({ context: bad as never }), { message: "Invalid argument" })
    t.is((err as { code?: string }).code, "EINVAL")
  }
})

test("a context's options are the defaults of its new sockets; the socket's own options win", (t) => {
  const s = sockets(t)
  const plain = s.dealer()
  t.deepEqual([plain.linger, plain.ipv6, plain.maxMessageSize], [1000, false, -1])

  const c = new Context({ blocky: false, ipv6: true, maxMessageSize: 4096 })
  const d = s.dealer({ context: c })
  t.deepEqual([d.linger, d.ipv6, d.maxMessageSize], [0, true, 4096])
  const own = s.dealer({ context: c, linger: 50, ipv6: false, maxMessageSize: 10 })
  t.deepEqual([own.linger, own.ipv6, own.maxMessageSize], [50, false, 10])

  // Later changes apply to sockets made afterwards only.
  c.blocky = true
  t.is(d.linger, 0)
  t.is(s.dealer({ context: c }).linger, 1000)
})

test("maxSockets: one socket more is EMFILE; closing one frees its slot", (t) => {
  const s = sockets(t)
  const c = new Context({ maxSockets: 2 })
  const a = s.dealer({ context: c })
  s.push({ context: c })
  const err = t.throws(() => new Pull({ context: c }), { code: "EMFILE", message: "Too many open file descriptors" })
  t.is((err as { errno?: number }).errno, 24)
  // Other contexts are not affected.
  s.pull()
  a.close()
  s.pull({ context: c })
  t.throws(() => new Pair({ context: c }), { code: "EMFILE" })
})

test("maxSockets: sockets a proxy closed free their slots too", async (t) => {
  const s = sockets(t)
  const c = new Context({ maxSockets: 2 })
  const router = s.router({ context: c })
  const dealer = s.dealer({ context: c })
  await bound(router)
  await bound(dealer)
  t.throws(() => new Pull({ context: c }), { code: "EMFILE" })
  const proxy = new Proxy(router, dealer)
  const running = proxy.run()
  proxy.terminate()
  await running
  t.true(router.closed && dealer.closed)
  t.notThrows(() => s.pull({ context: c }))
})

test("a socket whose options fail does not take a slot", (t) => {
  const c = new Context({ maxSockets: 1 })
  t.throws(() => new Dealer({ context: c, linger: "x" as never }), { instanceOf: TypeError })
  t.throws(() => new Dealer({ context: c, doesNotExist: 1 } as never), { instanceOf: TypeError })
  const d = new Dealer({ context: c })
  t.is(d.context, c)
  d.close()
})

test("Socket takes zeromq.js's numeric type, with its errors", (t) => {
  const Raw = Socket as unknown as new (...args: unknown[]) => Socket
  t.throws(() => (Socket as unknown as (...a: unknown[]) => void)(1), {
    instanceOf: TypeError,
    message: "Class constructors cannot be invoked without 'new'",
  })
  t.throws(() => new Raw(), { instanceOf: TypeError, message: "Socket type must be a number" })
  t.throws(() => new Raw("foo"), { instanceOf: TypeError, message: "Socket type must be a number" })
  t.throws(() => new Raw(1, {}, 2), { instanceOf: TypeError, message: "Expected 2 arguments" })
  t.throws(() => new Raw(3, 1), { instanceOf: TypeError, message: "Options must be an object" })
  for (const type of [-1, 1.5, 12, 14, 37, 4591]) {
    t.throws(() => new Raw(type), { code: "EINVAL", message: "Invalid argument" }, String(type))
  }
  t.throws(() => new Raw(1, { context: {} }), { code: "EINVAL", message: "Invalid argument" })
  t.throws(() => (Dealer as unknown as () => void)(), {
    instanceOf: TypeError,
    message: "Class constructor Dealer cannot be invoked without 'new'",
  })
  t.throws(() => new Dealer({ securityMechanism: 1 } as never), {
    instanceOf: TypeError,
    message: "Cannot set property securityMechanism of #<Socket> which has only a getter",
  })
})

test("a subclass of Socket gets the type it passes and a context", (t) => {
  class MySocket extends Socket {
    constructor(options?: zmq.SocketOptions) {
      super(1, options)
    }
  }
  const c = new Context()
  const made = [new MySocket(), new MySocket(), new MySocket({ context: c, linger: 5 })]
  t.teardown(() => made.forEach((m) => m.close()))
  const [a, b, own] = made
  t.true(a instanceof Socket)
  t.is(a.type, 1)
  t.is(a.context, b.context)
  t.is(a.context, context)
  t.is(own.context, c)
  t.is(own.linger, 5)
})

test("each class has zeromq.js's numeric type, and new Socket(type) makes that kind", async (t) => {
  const s = sockets(t)
  const expected: [string, Socket, number][] = [
    ["Pair", s.pair(), 0],
    ["Publisher", s.pub(), 1],
    ["Subscriber", s.sub(), 2],
    ["Request", s.req(), 3],
    ["Reply", s.rep(), 4],
    ["Dealer", s.dealer(), 5],
    ["Router", s.router(), 6],
    ["Pull", s.pull(), 7],
    ["Push", s.push(), 8],
    ["XPublisher", s.xpub(), 9],
    ["XSubscriber", s.xsub(), 10],
  ]
  for (const [name, socket, type] of expected) t.is(socket.type, type, name)

  // A raw Socket(7) is a PULL: a Push peer's messages reach it (seen through a Proxy into a Push/Pull pair).
  const Raw = Socket as unknown as new (type: number) => Socket
  const rawPull = new Raw(7)
  const rawPush = new Raw(8)
  t.teardown(() => [rawPull, rawPush].forEach((r) => r.close()))
  t.is(rawPull.type, 7)
  const push = s.push()
  push.connect(await bound(rawPull))
  const pull = s.pull()
  rawPush.connect(await bound(pull))
  const proxy = new Proxy(rawPull, rawPush)
  const running = proxy.run()
  await push.send("through raw sockets")
  t.deepEqual(
    (await pull.receive()).map((f) => f.toString()),
    ["through raw sockets"],
  )
  proxy.terminate()
  await running
})

test("the module exports zeromq.js's names: version, capability, curveKeyPair, context, Context", (t) => {
  const keys = Object.keys(zmq)
  for (const name of [
    "version",
    "capability",
    "curveKeyPair",
    "context",
    "Context",
    "Socket",
    "Observer",
    "Proxy",
    "Pair",
    "Publisher",
    "Subscriber",
    "Request",
    "Reply",
    "Dealer",
    "Router",
    "Pull",
    "Push",
    "XPublisher",
    "XSubscriber",
  ]) {
    t.true(keys.includes(name), name)
  }
  t.is(zmq.version, "4.3.5")
  t.regex(zmq.version, /^\d+\.\d+\.\d+$/)
  t.deepEqual(zmq.capability, {
    ipc: true,
    pgm: false,
    tipc: false,
    norm: false,
    curve: true,
    gssapi: false,
    draft: false,
    inproc: true,
  })
  t.regex(zmq.curveKeyPair().publicKey, /^.{40}$/)
  t.true(context instanceof Context)
})
