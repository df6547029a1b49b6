// Flow control and connection lifecycle: high-water marks, timeouts, connect-before-bind,
// reconnection, linger.
import test from "ava"
import { bound, ipcEndpoint, isPending, receiveN, sockets, texts, within } from "./helpers/sockets"

test("send waits at the high-water mark with no reader and resumes when one binds", async (t) => {
  const s = sockets(t)
  const ep = ipcEndpoint()
  const push = s.push({ sendHighWaterMark: 5 })
  push.connect(ep)
  for (let i = 0; i < 5; i++) await push.send(String(i))
  t.false(push.writable)
  const sixth = push.send("5")
  t.true(await isPending(sixth))
  const pull = s.pull()
  await pull.bind(ep)
  await within(sixth, 5000, "blocked send")
  t.deepEqual(
    texts(await receiveN(pull, 6)).map((m) => m[0]),
    ["0", "1", "2", "3", "4", "5"],
  )
})

test("a bound push with no peer waits until a pull connects", async (t) => {
  const s = sockets(t)
  const push = s.push()
  const ep = await bound(push)
  t.false(push.writable)
  const sent = push.send("first")
  t.true(await isPending(sent))
  const pull = s.pull()
  pull.connect(ep)
  await within(sent, 5000, "send after connect")
  t.deepEqual(texts(await receiveN(pull, 1)), [["first"]])
})

test("sendTimeout and receiveTimeout reject with EAGAIN", async (t) => {
  const s = sockets(t)
  const push = s.push({ sendTimeout: 50 })
  await bound(push)
  await t.throwsAsync(push.send("x"), { code: "EAGAIN", message: "Operation was not possible or timed out" })
  push.sendTimeout = 0
  await t.throwsAsync(push.send("x"), { code: "EAGAIN" })
  const pull = s.pull({ receiveTimeout: 50 })
  await bound(pull)
  const err = await t.throwsAsync(pull.receive(), { code: "EAGAIN" })
  t.is((err as { errno?: number }).errno, 11)
  pull.receiveTimeout = 0
  await t.throwsAsync(pull.receive(), { code: "EAGAIN" })
})

test("messages sent before the peer binds are delivered when it does", async (t) => {
  const s = sockets(t)
  const ep = ipcEndpoint()
  const push = s.push()
  push.connect(ep)
  for (let i = 0; i < 3; i++) await push.send(["early", String(i)])
  const pull = s.pull()
  await pull.bind(ep)
  t.deepEqual(texts(await within(receiveN(pull, 3), 5000, "early messages")), [
    ["early", "0"],
    ["early", "1"],
    ["early", "2"],
  ])
})

test("immediate: a push connected to nothing does not queue", async (t) => {
  const s = sockets(t)
  const push = s.push({ immediate: true, sendTimeout: 0 })
  push.connect(ipcEndpoint())
  t.false(push.writable)
  await t.throwsAsync(push.send("x"), { code: "EAGAIN" })
})

test("a push reconnects after the bound pull restarts", async (t) => {
  const s = sockets(t)
  const first = s.pull()
  const ep = await bound(first)
  const push = s.push({ reconnectInterval: 20 })
  push.connect(ep)
  await push.send("before")
  t.deepEqual(texts(await within(receiveN(first, 1), 5000, "before")), [["before"]])
  // A message sent before the push notices the old connection is gone can go into it and be
  // lost (as with libzmq): send once the disconnect is known.
  const disconnected = new Promise((resolve) => push.events.on("disconnect", resolve))
  first.close()
  await within(disconnected, 5000, "the disconnect")
  const second = s.pull()
  await second.bind(ep)
  await push.send("after")
  t.deepEqual(texts(await within(receiveN(second, 1), 5000, "after restart")), [["after"]])
})

test("close() keeps flushing queued messages to a connected peer within linger", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push({ linger: 5000 })
  push.connect(await bound(pull))
  const n = 5000
  // Not reading yet: the queue, the socket buffers and the pull's inbox fill up.
  const sending = (async () => {
    for (let i = 0; i < n; i++) {
      // A Buffer of 1 KiB or more is sent without a copy: each send gets its own.
      const frame = Buffer.alloc(1024)
      frame.writeUInt32LE(i, 0)
      await push.send(frame)
    }
    push.close()
  })()
  const got = await within(receiveN(pull, n), 15000, "flushed messages")
  await sending
  t.true(push.closed)
  t.deepEqual(
    got.map((m) => m[0].readUInt32LE(0)),
    Array.from({ length: n }, (_, i) => i),
  )
})

test("close() with messages for an absent peer delivers them if it binds within linger", async (t) => {
  const s = sockets(t)
  const ep = ipcEndpoint()
  const push = s.push({ linger: 5000 })
  push.connect(ep)
  await push.send("late")
  push.close()
  const pull = s.pull()
  await pull.bind(ep)
  t.deepEqual(texts(await within(receiveN(pull, 1), 5000, "lingered message")), [["late"]])
})

test("unbind and disconnect stop traffic on that endpoint", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull, "tcp://127.0.0.1:*")
  await pull.unbind(ep)
  await t.throwsAsync(pull.unbind(ep), { code: "ENOENT" })
  const push = s.push()
  push.connect(ep)
  push.disconnect(ep)
  t.throws(() => push.disconnect(ep), { code: "ENOENT" })
  t.false(push.writable)
})

test("a pull that does not read pushes back on the sender", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ receiveHighWaterMark: 10 })
  const push = s.push({ sendHighWaterMark: 10, sendTimeout: 300 })
  push.connect(await bound(pull))
  const frame = Buffer.alloc(1024)
  let sent = 0
  const limit = 200_000 // 200 MB: far beyond what the queues and socket buffers can hold
  const err = await t.throwsAsync(
    (async () => {
      for (; sent < limit; sent++) await push.send(frame)
    })(),
    { code: "EAGAIN" },
  )
  t.truthy(err)
  t.true(sent > 20, `sent ${sent}`)
  t.true(sent < limit)
  // Everything accepted is still delivered, in order, once the pull reads.
  const got = await within(receiveN(pull, sent), 20000, "backlog")
  t.is(got.length, sent)
})
