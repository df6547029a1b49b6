// inproc:// between sockets of one process: any socket type, connect before bind, names bound
// once, and across worker threads.
import test from "ava"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { sockets, texts, within } from "./helpers/sockets"

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

test("a socket in a worker thread talks to one in the main thread", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = name()
  await pull.bind(ep)
  const worker = new Worker(
    `const { Push } = require(${JSON.stringify(path.join(__dirname, "..", "index.js"))})
     const push = new Push()
     push.connect(${JSON.stringify(ep)})
     push.send("from the worker").then(() => push.close())`,
    { eval: true },
  )
  t.teardown(() => worker.terminate())
  t.deepEqual(texts([await within(pull.receive(), 5000, "worker message")]), [["from the worker"]])
})
