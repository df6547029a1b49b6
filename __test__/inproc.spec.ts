// inproc:// between sockets of one process: any socket type, connect before bind, names bound
// once, and across worker threads. Messages go in memory, unencoded, as with libzmq: what was sent
// is the peer's even if the sender closes at once, and the high-water marks of both sides add up.
import test from "ava"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { isPending, sockets, texts, within } from "./helpers/sockets"

let counter = 0
const name = () => `inproc://inproc-spec-${process.pid}-${++counter}`

test("push/pull round trip, multipart, and lastEndpoint as given", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = name()
  await pull.bind(ep)
  t.is(pull.lastEndpoint, ep)
  const push = s.push()
  push.connect(ep)
  await push.send(["a", "b"])
  t.deepEqual(texts([await within(pull.receive(), 5000, "message")]), [["a", "b"]])
})

test("connect before bind: messages wait and arrive once the name is bound", async (t) => {
  const s = sockets(t)
  const ep = name()
  const push = s.push({ sendTimeout: 0 })
  push.connect(ep)
  await push.send("early")
  const pull = s.pull()
  await pull.bind(ep)
  t.deepEqual(texts([await within(pull.receive(), 5000, "early message")]), [["early"]])
})

test("a name is bound once (EADDRINUSE) and is free after unbind", async (t) => {
  const s = sockets(t)
  const ep = name()
  const a = s.pull()
  await a.bind(ep)
  await t.throwsAsync(s.pull().bind(ep), { code: "EADDRINUSE" })
  await a.unbind(ep)
  const b = s.pull()
  // The listener is released by the I/O thread; the name frees within a few turns.
  await within(
    (async () => {
      for (;;) {
        try {
          return await b.bind(ep)
        } catch (err) {
          if ((err as { code?: string }).code !== "EADDRINUSE") throw err
          await new Promise((r) => setImmediate(r))
        }
      }
    })(),
    5000,
    "rebind",
  )
  t.is(b.lastEndpoint, ep)
})

test("request/reply and publish/subscribe work over inproc", async (t) => {
  const s = sockets(t)
  const rep = s.rep()
  const ep1 = name()
  await rep.bind(ep1)
  const req = s.req()
  req.connect(ep1)
  await req.send("hello")
  t.deepEqual(texts([await within(rep.receive(), 5000, "request")]), [["hello"]])
  await rep.send("world")
  t.deepEqual(texts([await within(req.receive(), 5000, "reply")]), [["world"]])
  const pub = s.pub()
  const ep2 = name()
  await pub.bind(ep2)
  const sub = s.sub()
  sub.subscribe("t")
  sub.connect(ep2)
  const got = sub.receive()
  let done = false
  got.then(() => (done = true))
  while (!done) {
    await pub.send(["t", "x"])
    await new Promise((r) => setImmediate(r))
  }
  t.deepEqual(texts([await got]), [["t", "x"]])
})

test("a socket in a worker thread talks to one in the main thread; its large frames outlive it", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = name()
  await pull.bind(ep)
  const worker = new Worker(
    `const { Push } = require(${JSON.stringify(path.join(__dirname, "..", "index.js"))})
     const push = new Push()
     push.connect(${JSON.stringify(ep)})
     push.send(["from the worker", Buffer.alloc(4096, 7)]).then(() => push.close())`,
    { eval: true },
  )
  t.teardown(() => worker.terminate())
  const msg = await within(pull.receive(), 5000, "worker message")
  t.is(msg[0].toString(), "from the worker")
  // The worker's Buffer memory goes with its isolate: what arrived must be a copy of its own.
  await worker.terminate()
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  t.is(msg[1].length, 4096)
  t.true(msg[1].every((b) => b === 7))
})

test("a sender that closes with linger 0 right after sending loses nothing already sent", async (t) => {
  const s = sockets(t)
  const ep = name()
  const pull = s.pull()
  await pull.bind(ep)
  const push = s.push({ linger: 0 })
  push.connect(ep)
  await push.send(["last", "words"])
  push.close()
  t.deepEqual(texts([await within(pull.receive(), 5000, "the message sent before close")]), [["last", "words"]])
})

test("the high-water mark is the sender's plus the receiver's, set before or after connecting", async (t) => {
  const s = sockets(t)
  const ep = name()
  const pull = s.pull({ receiveHighWaterMark: 2 })
  await pull.bind(ep)
  const push = s.push({ sendHighWaterMark: 1, sendTimeout: 5000 })
  push.connect(ep)
  // Raised after connecting: the connection takes the new mark, as libzmq's do.
  push.sendHighWaterMark = 3
  for (let i = 0; i < 5; i++) await within(push.send(String(i)), 5000, `send ${i}`)
  const sixth = push.send("5")
  t.true(await isPending(sixth), "3 + 2 messages fill the connection")
  t.deepEqual(texts([await within(pull.receive(), 5000, "first")]), [["0"]])
  await within(sixth, 5000, "the sixth send once there is room")
  const rest = []
  for (let i = 1; i < 6; i++) rest.push((await within(pull.receive(), 5000, `message ${i}`))[0].toString())
  t.deepEqual(rest, ["1", "2", "3", "4", "5"])
})

test("a Pair's inproc peer that closes frees the Pair for the next one", async (t) => {
  const s = sockets(t)
  const ep = name()
  const server = s.pair()
  await server.bind(ep)
  const first = s.pair({ linger: 0 })
  first.connect(ep)
  await first.send("one")
  t.deepEqual(texts([await within(server.receive(), 5000, "from the first")]), [["one"]])
  first.close()
  // The first peer's end reaches the server, which then takes the second (a Pair has one peer).
  const second = s.pair()
  second.connect(ep)
  await second.send("two")
  t.deepEqual(texts([await within(server.receive(), 5000, "from the second")]), [["two"]])
  await server.send("back")
  t.deepEqual(texts([await within(second.receive(), 5000, "the reply")]), [["back"]])
})
