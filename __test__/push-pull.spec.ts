// PUSH/PULL behaviour: routing, multipart, sizes, ordering, iteration.
import test from "ava"
import { checkFairQueueing } from "./helpers/fairness"
import { bound, ipcEndpoint, receiveN, sockets, texts, within } from "./helpers/sockets"

test("push round-robins across 3 pulls", async (t) => {
  const s = sockets(t)
  const pulls = [s.pull(), s.pull(), s.pull()]
  const push = s.push()
  for (const pull of pulls) push.connect(await bound(pull))
  for (let i = 0; i < 30; i++) await push.send(String(i))
  const got = await within(Promise.all(pulls.map((p) => receiveN(p, 10))), 5000, "30 messages")
  // Connected endpoints get their queues at connect(), so the rotation is exact.
  got.forEach((msgs, k) => {
    t.deepEqual(
      texts(msgs).map((m) => m[0]),
      Array.from({ length: 10 }, (_, i) => String(i * 3 + k)),
    )
  })
})

test("pull fair-queues from 3 pushes", async (t) => {
  const s = sockets(t)
  const pull = s.pull({ receiveHighWaterMark: 5 })
  const ep = await bound(pull)
  const pushes = [s.push(), s.push(), s.push()]
  for (const push of pushes) push.connect(ep)
  await checkFairQueueing(t, pull, pushes, 300)
})

test("multipart messages keep every frame, empty ones included", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  push.connect(await bound(pull))
  await push.send(["a", "", null, Buffer.alloc(0), new Uint8Array([0, 255]), "z"])
  await push.send([""])
  await push.send(null)
  const [multi, single, nothing] = await within(receiveN(pull, 3), 5000, "3 messages")
  t.deepEqual(multi.map((f) => [...f]), [[97], [], [], [], [0, 255], [122]])
  t.deepEqual(single.map((f) => f.length), [0])
  t.deepEqual(nothing.map((f) => f.length), [0])
})

for (const size of [0, 1 << 20, 16 << 20]) {
  test(`a ${size}-byte message arrives intact over tcp and ipc`, async (t) => {
    const s = sockets(t)
    const body = Buffer.alloc(size)
    for (let i = 0; i < size; i += 4093) body[i] = i % 251
    for (const address of ["tcp://127.0.0.1:*", ipcEndpoint()]) {
      const pull = s.pull()
      const push = s.push()
      push.connect(await bound(pull, address))
      await push.send([body, "tail"])
      const [msg] = await within(receiveN(pull, 1), 20000, `${size} bytes`)
      t.is(msg.length, 2)
      t.true(msg[0].equals(body))
      t.is(msg[1].toString(), "tail")
    }
  })
}

test("100k messages per peer arrive in order", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const ep = await bound(pull)
  const pushes = [s.push(), s.push()]
  const n = 100_000
  const next = [0, 0]
  let bad = 0
  const receiving = (async () => {
    for (let got = 0; got < 2 * n; got++) {
      const [frame] = await pull.receive()
      const peer = frame[0]
      if (frame.readUInt32LE(1) !== next[peer]) bad++
      next[peer]++
    }
  })()
  await Promise.all(
    pushes.map(async (push, peer) => {
      push.connect(ep)
      const frame = Buffer.alloc(5)
      frame[0] = peer
      for (let i = 0; i < n; i++) {
        frame.writeUInt32LE(i, 1)
        await push.send(frame)
      }
    }),
  )
  await within(receiving, 60000, "200k messages")
  t.is(bad, 0)
  t.deepEqual(next, [n, n])
})

test("for await ends on break and leaves the socket usable", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  push.connect(await bound(pull))
  for (let i = 0; i < 5; i++) await push.send(String(i))
  const seen: string[] = []
  for await (const [msg] of pull) {
    seen.push(msg.toString())
    if (seen.length === 3) break
  }
  t.deepEqual(seen, ["0", "1", "2"])
  t.false(pull.closed)
  t.deepEqual(texts(await receiveN(pull, 2)), [["3"], ["4"]])
})

test("for await ends normally when the socket is closed", async (t) => {
  const s = sockets(t)
  const pull = s.pull()
  const push = s.push()
  push.connect(await bound(pull))
  await push.send("only")
  const seen: string[] = []
  const loop = (async () => {
    for await (const [msg] of pull) {
      seen.push(msg.toString())
      setImmediate(() => pull.close())
    }
    return "ended"
  })()
  t.is(await within(loop, 5000, "loop end"), "ended")
  t.deepEqual(seen, ["only"])
})
